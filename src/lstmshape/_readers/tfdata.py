"""``tf.data`` pipelines that read the batch schedule and gather each batch in the graph.

The pipeline holds the series once (as a tensor, or as the memory-mapped file itself) and
the schedule; each batch gathers its rows by start row. Nothing is decided here: which
samples form a batch is the schedule's answer (:mod:`._schedule`), which rows and columns
a sample reads is the source's (:mod:`._source`), so tf.data, the numpy iterator and the
other loaders yield the same batches for the same seed, epoch and shard.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core.arrays import is_file_backed
from .._core.errors import ShapeError, received, received_type
from .._core.frameworks import import_tensorflow
from .._core.validate import check_bool, check_size
from .._plan.plan import arithmetic_step
from .._plan.schedule import BatchSchedule
from .loader import LoaderOptions
from .source import WindowSource

if TYPE_CHECKING:
    import tensorflow as tf

AUTOTUNE = -1  # the value of tf.data.AUTOTUNE, usable without importing TensorFlow


@dataclass(frozen=True)
class DatasetOptions(LoaderOptions):
    """The validated options of :meth:`Windows.to_dataset` (see there for their meaning).

    Every loader's options (schedule, epoch, dtype: checked by ``LoaderOptions``) and
    tf.data's own.
    """

    reshuffle_each_iteration: bool = True
    num_parallel_calls: int = AUTOTUNE
    prefetch: int = AUTOTUNE
    autotune: bool = False
    service: str | None = None

    @classmethod
    def from_user(cls, schedule: BatchSchedule, **given: Any) -> DatasetOptions:
        """Validate what the user passed; ``None`` means the default for the tuning knobs."""
        common = LoaderOptions.from_user(schedule, epoch=given["epoch"], dtype=given["dtype"])
        return cls(
            schedule=common.schedule,
            epoch=common.epoch,
            dtype=common.dtype,
            reshuffle_each_iteration=check_bool(
                given["reshuffle_each_iteration"], "reshuffle_each_iteration"
            ),
            num_parallel_calls=_autotune_or_int(
                given["num_parallel_calls"], "num_parallel_calls", 1
            ),
            prefetch=_autotune_or_int(given["prefetch"], "prefetch", 0),
            autotune=AUTOTUNE in (given["num_parallel_calls"], given["prefetch"]),
            service=_checked_service(given.get("service")),
        )


def to_dataset(source: WindowSource, options: DatasetOptions) -> tf.data.Dataset:
    """Build the pipeline of :meth:`Windows.to_dataset` from validated options."""
    tf = import_tensorflow("Windows.to_dataset")
    if options.service is not None:
        _check_servable(source, options)
    dtype = options.dtype or _framework_float(source.values.dtype)
    make_batch = _batch_maker(tf, source, dtype)
    dataset = _scheduled(tf, make_batch, options)
    dataset = dataset.prefetch(options.prefetch)
    sharded = options.schedule.num_shards > 1
    dataset = dataset.with_options(_tf_options(tf, sharded=sharded, autotune=options.autotune))
    if options.service is None:
        return dataset
    # Each batch once per epoch over all the service's workers (a split of the batches).
    return dataset.apply(
        tf.data.experimental.service.distribute(
            processing_mode="distributed_epoch", service=options.service
        )
    )


def _checked_service(service: Any) -> str | None:
    if service is None or (isinstance(service, str) and service):
        return service
    raise TypeError(
        "`service` must be the address of a tf.data service dispatcher, such as "
        f"'grpc://localhost:5000'. {received_type('service', service)}"
    )


def needs_python(source: WindowSource) -> str | None:
    """Why each batch of ``source`` is gathered by a Python callback (None: in the graph)."""
    if is_file_backed(source.values):
        return "the series is a memory-mapped file, read batch by batch in this process"
    if source.row_store is None:
        return (
            "the panel's series are files (or too large to hold as one array), read batch "
            "by batch in this process"
        )
    if source.plan.min_history is not None:
        return "padded windows (min_history) and their mask are gathered by numpy"
    return None


def _check_servable(source: WindowSource, options: DatasetOptions) -> None:
    """Refuse a pipeline that calls back into this process: tf.data service cannot run it."""
    why = needs_python(source)
    if why is not None:
        raise ShapeError(
            f"This pipeline cannot be served by tf.data service: {why}, and the service's "
            "workers run the graph in other processes, without this one's Python. Load "
            "the data into memory before windows() (np.asarray(series), or "
            "read_npy_folder(..., mmap_mode=None)), or leave the service "
            "out and give every worker its own shard (num_shards=..., shard_index=...; "
            "each reads only its own batches), or use to_grain(). "
            f"{received('service', options.service)}"
        )
    if options.schedule.shuffle and options.reshuffle_each_iteration:
        raise ShapeError(
            "A served pipeline holds one epoch's order in the graph: the next epoch's order "
            "comes from this process, which the service's workers cannot call. Pass "
            "reshuffle_each_iteration=False and build one dataset per epoch "
            "(to_dataset(..., epoch=e, reshuffle_each_iteration=False, service=...)). "
            f"{received('service', options.service)}"
        )


def _framework_float(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """Return the windows' dtype if TensorFlow takes it; long doubles need a cast."""
    if dtype.itemsize > 8:
        raise ShapeError(
            f"These windows hold {dtype} values, which TensorFlow cannot take. Pass "
            "dtype='float64' (or 'float32') to cast each batch. Received: dtype=None"
        )
    return dtype


def _autotune_or_int(value: Any, name: str, minimum: int) -> int:
    if value is None:
        return AUTOTUNE
    if not isinstance(value, bool) and isinstance(value, numbers.Integral) and value == AUTOTUNE:
        return AUTOTUNE
    return check_size(value, name, minimum=minimum)


def _batch_maker(tf: Any, source: WindowSource, dtype: np.dtype[Any]) -> Any:
    """Return ``sample_numbers -> (X, y)`` (or ``X`` alone) as a graph function."""
    framing = source.framing
    if needs_python(source) is not None:
        # A memory-mapped series stays in its file, and a panel of files in its files:
        # each batch reads only its own rows, through the very gather the numpy loaders
        # use. Padded windows (min_history) and their mask are read there too. A panel
        # held in memory becomes one tensor of all its rows below (a copy, as for one
        # series, bounded by LSTMSHAPE_MAX_COPY_BYTES): gathered in the graph.
        return _file_batch_maker(tf, source, dtype)
    starts = _starts_of(tf, source)
    series = tf.constant(np.asarray(source.row_store, dtype=dtype))
    n_columns = source.values.shape[1]
    feature_cols = _column_picker(tf, source.feature_cols, n_columns)
    target_cols = _column_picker(tf, source.target_cols, n_columns)
    input_offsets = tf.constant(framing.input_offsets, dtype=tf.int64)
    target_offsets = tf.constant(framing.target_offsets, dtype=tf.int64)

    covariates = _covariate_reader(tf, source, series, starts)
    # Every op here runs once per batch; at a few microseconds each they show in the
    # throughput, so a single target step is one gather of (batch, columns), not a
    # (batch, 1, columns) gather sliced afterwards.
    single_target = None
    if framing.drops_step_axis and not framing.inputs_only:
        single_target = int(framing.target_offsets[0])

    def make_batch(sample_numbers: tf.Tensor) -> Any:
        first_rows = starts(sample_numbers)
        x = feature_cols(tf.gather(series, first_rows[:, None] + input_offsets[None, :]))
        if covariates is not None:
            x = {"past": x, **covariates(first_rows[:, None])}
        if framing.inputs_only:
            return x
        if single_target is not None:
            return x, target_cols(tf.gather(series, first_rows + single_target))
        return x, target_cols(tf.gather(series, first_rows[:, None] + target_offsets[None, :]))

    return make_batch


def _covariate_reader(tf: Any, source: WindowSource, series: Any, starts: Any) -> Any:
    """Return ``first_rows -> {"future": ..., "static": ...}``, or None without covariates."""
    if not source.named_inputs:
        return None
    n_columns = source.values.shape[1]
    target_offsets = tf.constant(source.framing.target_offsets, dtype=tf.int64)
    readers: dict[str, Callable[[Any], Any]] = {}
    if source.future_cols:
        future_cols = _column_picker(tf, source.future_cols, n_columns)
        readers["future"] = lambda first_rows: future_cols(
            tf.gather(series, first_rows + target_offsets[None, :])
        )
    if source.static_cols:
        static_cols = _column_picker(tf, source.static_cols, n_columns)
        readers["static"] = lambda first_rows: static_cols(tf.gather(series, first_rows[:, 0]))
    cats = source.categories
    if cats is not None and cats.codes is not None:  # int32 codes: their own tensor, no cast
        codes = tf.constant(np.asarray(cats.codes, dtype=np.int32))
        input_offsets = tf.constant(source.framing.input_offsets, dtype=tf.int64)

        def picked(rows: Any, columns: tuple[int, ...]) -> Any:
            return tf.gather(tf.gather(codes, rows), list(columns), axis=-1)

        if cats.past:
            readers["categorical_past"] = lambda first_rows: picked(
                first_rows + input_offsets[None, :], cats.past
            )
        if cats.future:
            readers["categorical_future"] = lambda first_rows: picked(
                first_rows + target_offsets[None, :], cats.future
            )
        if cats.static:
            readers["categorical_static"] = lambda first_rows: picked(first_rows[:, 0], cats.static)

    def read(first_rows: tf.Tensor) -> dict[str, Any]:
        return {name: reader(first_rows) for name, reader in readers.items()}

    return read


def _file_batch_maker(tf: Any, source: WindowSource, dtype: np.dtype[Any]) -> Any:
    tf_dtype = tf.as_dtype(dtype)
    names = source.input_names
    shapes = [[None, *source.input_shapes[name]] for name in names]
    if not source.framing.inputs_only:
        shapes.append([None, *source.target_shape])

    def gather(numbers: np.ndarray) -> list[np.ndarray]:
        x, y = source.gather(numbers, dtype)
        arrays = [x[name] for name in names] if source.named_inputs else [x]
        return arrays if y is None else [*arrays, y]

    dtypes = [
        tf.bool if name == "mask" else tf.int32 if name.startswith("categorical_") else tf_dtype
        for name in names
    ]
    dtypes += [tf_dtype] * (len(shapes) - len(names))

    def make_batch(sample_numbers: tf.Tensor) -> Any:
        outs = tf.numpy_function(gather, [sample_numbers], dtypes, stateful=False)
        outs = [tf.ensure_shape(out, shape) for out, shape in zip(outs, shapes, strict=True)]
        x = dict(zip(names, outs, strict=False)) if source.named_inputs else outs[0]
        return x if source.framing.inputs_only else (x, outs[-1])

    return make_batch


def _scheduled(tf: Any, make_batch: Any, options: DatasetOptions) -> tf.data.Dataset:
    """Return a dataset of ``make_batch(sample_numbers)``, one element per scheduled batch.

    Batches are slices of the schedule's order for the epoch, so no op runs per sample
    (``Dataset.range(n).shuffle().batch()`` costs microseconds per sample, which dominates
    at hundreds of thousands of windows per second). Unshuffled, the order is arithmetic
    and computed in the graph; shuffled, the schedule's order for the epoch is fetched
    once per epoch (one call into numpy per pass over the data) as one row of sample
    numbers per batch, and ``unbatch`` hands each batch its row. (A ``flat_map`` building
    the batches from the order costs about a fifth more CPU per batch: the map inside it
    is a nested dataset, outside the reach of tf.data's graph optimisations.)
    """
    schedule = options.schedule
    batch_size, n_batches = schedule.batch_size, len(schedule)
    mine = schedule.shard_size
    static = batch_size if schedule.drop_remainder else None

    # Plain tensor code with no Python control flow on tensors: AutoGraph has nothing to
    # convert, and skipping it saves most of the time it takes to build a dataset.
    plain = tf.autograph.experimental.do_not_convert

    def in_order(number: tf.Tensor) -> Any:
        begin = number * batch_size
        numbers = tf.range(begin, tf.minimum(begin + batch_size, mine))
        if schedule.num_shards > 1:
            numbers = schedule.shard_index + schedule.num_shards * numbers
        return make_batch(numbers if static is None else tf.ensure_shape(numbers, [static]))

    def from_row(row: tf.Tensor, size: tf.Tensor) -> Any:
        return make_batch(row if static is not None else row[:size])

    if schedule.in_order:
        batches = tf.data.Dataset.range(n_batches).map(
            plain(in_order), num_parallel_calls=options.num_parallel_calls, deterministic=True
        )
        return batches.apply(tf.data.experimental.assert_cardinality(n_batches))
    width = min(batch_size, mine)  # a batch_size beyond the shard must not size the rows
    sizes = np.full(n_batches, width, dtype=np.int64)
    sizes[-1] = min(width, mine - batch_size * (n_batches - 1))

    def rows_of(epoch: int) -> np.ndarray:
        """Return the epoch's order, one row per batch (the last padded with zeros)."""
        order = schedule.order(epoch)[: n_batches * width]
        rows = np.zeros(n_batches * width, dtype=np.int64)
        rows[: len(order)] = order
        return rows.reshape(n_batches, width)

    if not (schedule.shuffle and options.reshuffle_each_iteration):
        # One epoch's order, held in the graph as a tensor: no Python callback, so the
        # pipeline can be served by tf.data service (one dataset per epoch).
        rows = tf.data.Dataset.from_tensor_slices((rows_of(options.epoch), sizes))
    else:
        epochs = _EpochCounter(options.epoch, advance=True)

        def this_epoch(_: tf.Tensor) -> Any:
            rows = tf.numpy_function(lambda: rows_of(epochs.next()), [], tf.int64, stateful=True)
            return tf.ensure_shape(rows, [n_batches, width]), tf.constant(sizes)

        rows = tf.data.Dataset.range(1).map(plain(this_epoch)).unbatch()
    batches = rows.map(
        plain(from_row), num_parallel_calls=options.num_parallel_calls, deterministic=True
    )
    return batches.apply(tf.data.experimental.assert_cardinality(n_batches))


class _EpochCounter:
    """The epoch of each pass over a dataset: ``first``, ``first + 1``, ... (thread-safe)."""

    def __init__(self, first: int, *, advance: bool) -> None:
        self._next = first
        self._advance = advance
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            epoch = self._next
            if self._advance:
                self._next += 1
            return epoch


def _starts_of(tf: Any, source: WindowSource) -> Any:
    """Map sample numbers to start rows: arithmetic when evenly spaced, else a lookup."""
    progression = source.plan.progression
    if progression is not None:
        first, step, _ = progression
        if (first, step) == (0, 1):
            return lambda numbers: numbers
        return lambda numbers: first + step * numbers
    table = tf.constant(source.plan.starts, dtype=tf.int64)
    return lambda numbers: tf.gather(table, numbers)


def _column_picker(tf: Any, columns: tuple[int, ...], n_columns: int) -> Any:
    """Return a function selecting ``columns`` on the last axis, cheaply when it can."""
    if columns == tuple(range(n_columns)):
        return lambda batch: batch
    step = arithmetic_step(columns)
    if step == 1:
        begin, end = columns[0], columns[-1] + 1
        return lambda batch: batch[..., begin:end]
    picked = tf.constant(columns, dtype=tf.int64)
    return lambda batch: tf.gather(batch, picked, axis=-1)


def _tf_options(tf: Any, *, sharded: bool, autotune: bool) -> Any:
    options = tf.data.Options()
    # tf.data's autotuner models the pipeline in a background thread and resizes it as it
    # goes; for one gather per batch that costs more than it finds. On 2 cores it cost
    # about a fifth of the shuffled throughput and 10 % of model.fit's epoch time
    # (benchmarks/bench_pipeline.py). Without it, AUTOTUNE knobs take tf.data's defaults.
    options.autotune.enabled = autotune
    policy = tf.data.experimental.AutoShardPolicy
    # There are no files to shard by. Sharded here: nothing more to do; otherwise a
    # multi-worker strategy may shard the batches themselves.
    options.experimental_distribute.auto_shard_policy = policy.OFF if sharded else policy.DATA
    return options
