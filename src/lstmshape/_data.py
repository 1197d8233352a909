"""``tf.data`` pipelines that read the window plan batch by batch.

The pipeline holds the series once (as a tensor, or as the memory-mapped file itself) and
the plan; each batch gathers its rows by start index. Alignment is not re-implemented
here: inputs and targets use the plan's ``input_offsets`` and ``target_offsets``, the very
arrays the numpy views use, so the two cannot disagree.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import ShapeError, received
from ._plan import arithmetic_step
from ._tf import import_tensorflow
from ._validate import check_bool, check_int

if TYPE_CHECKING:
    import tensorflow as tf

    from ._windows import Windows

AUTOTUNE = -1  # the value of tf.data.AUTOTUNE, usable without importing TensorFlow


@dataclass(frozen=True)
class DatasetOptions:
    """The validated options of :meth:`Windows.to_dataset` (see there for their meaning)."""

    batch_size: int = 32
    shuffle: bool = False
    seed: int | None = None
    drop_remainder: bool = False
    reshuffle_each_iteration: bool = True
    num_shards: int = 1
    shard_index: int = 0
    num_parallel_calls: int = AUTOTUNE
    prefetch: int = AUTOTUNE
    dtype: np.dtype[Any] | None = None

    @classmethod
    def from_user(cls, **given: Any) -> DatasetOptions:
        """Validate what the user passed; ``None`` means the default for the tuning knobs."""
        num_shards = check_int(given["num_shards"], "num_shards", minimum=1)
        shard_index = check_int(given["shard_index"], "shard_index", minimum=0)
        if shard_index >= num_shards:
            raise ShapeError(
                f"`shard_index` must be less than `num_shards` ({num_shards}): shards are "
                f"numbered 0 to {num_shards - 1}. {received('shard_index', shard_index)}"
            )
        seed = given["seed"]
        return cls(
            batch_size=check_int(given["batch_size"], "batch_size", minimum=1),
            shuffle=check_bool(given["shuffle"], "shuffle"),
            seed=None if seed is None else check_int(seed, "seed", minimum=0),
            drop_remainder=check_bool(given["drop_remainder"], "drop_remainder"),
            reshuffle_each_iteration=check_bool(
                given["reshuffle_each_iteration"], "reshuffle_each_iteration"
            ),
            num_shards=num_shards,
            shard_index=shard_index,
            num_parallel_calls=_autotune_or_int(
                given["num_parallel_calls"], "num_parallel_calls", 1
            ),
            prefetch=_autotune_or_int(given["prefetch"], "prefetch", 0),
            dtype=None if given["dtype"] is None else np.dtype(given["dtype"]),
        )


def to_dataset(windows: Windows, options: DatasetOptions) -> tf.data.Dataset:
    """Build the pipeline of :meth:`Windows.to_dataset` from validated options."""
    tf = import_tensorflow("Windows.to_dataset")
    return _build(tf, windows, options)


def _autotune_or_int(value: Any, name: str, minimum: int) -> int:
    if value is None or (not isinstance(value, bool) and value == AUTOTUNE):
        return AUTOTUNE
    return check_int(value, name, minimum=minimum)


def _build(tf: Any, windows: Windows, options: DatasetOptions) -> tf.data.Dataset:
    plan, framing = windows.plan, windows.framing
    starts = _starts_of(tf, plan)
    read = _reader(tf, windows.data, options.dtype or windows.dtype)
    feature_cols = _column_picker(tf, windows._table.feature_cols, windows.data.shape[1])
    input_offsets = tf.constant(framing.input_offsets, dtype=tf.int64)
    target_offsets = tf.constant(framing.target_offsets, dtype=tf.int64)
    target_cols = _column_picker(tf, windows._table.target_cols, windows.data.shape[1])
    squeeze_steps = not framing.per_timestep and framing.horizon == 1

    def make_batch(sample_numbers: tf.Tensor) -> Any:
        first_rows = starts(sample_numbers)[:, None]
        x = feature_cols(read(first_rows + input_offsets[None, :]))
        if framing.inputs_only:
            return x
        y = target_cols(read(first_rows + target_offsets[None, :]))
        return x, (y[:, 0, :] if squeeze_steps else y)

    dataset = _batches(tf, make_batch, n_samples=plan.n_samples, options=options)
    dataset = dataset.prefetch(options.prefetch)
    return dataset.with_options(_tf_options(tf, sharded=options.num_shards > 1))


def _batches(
    tf: Any, make_batch: Any, *, n_samples: int, options: DatasetOptions
) -> tf.data.Dataset:
    """Return a dataset of ``make_batch(sample_numbers)``, one element per batch.

    Batches are slices of one ordering of this shard's sample numbers, so no op runs per
    sample (``Dataset.range(n).shuffle().batch()`` costs microseconds per sample, which
    dominates at hundreds of thousands of windows per second). A shuffled ordering is a
    stateless permutation drawn from a per-epoch seed.
    """
    batch_size, num_shards, shard_index = (
        options.batch_size,
        options.num_shards,
        options.shard_index,
    )
    mine = len(range(shard_index, n_samples, num_shards))
    n_batches = mine // batch_size if options.drop_remainder else -(-mine // batch_size)
    static = batch_size if options.drop_remainder else None

    def batches_of(order: tf.Tensor | None) -> tf.data.Dataset:
        """Batches of ``order`` (a permutation of positions), or in order when ``None``."""

        def one_batch(number: tf.Tensor) -> Any:
            begin = number * batch_size
            positions = tf.range(begin, tf.minimum(begin + batch_size, mine))
            if order is not None:
                positions = tf.gather(order, positions)
            numbers = shard_index + num_shards * positions
            return make_batch(tf.ensure_shape(numbers, [static]))

        # Plain tensor code with no Python control flow on tensors: AutoGraph has nothing
        # to convert, and skipping it saves most of the time it takes to build a dataset.
        return tf.data.Dataset.range(n_batches).map(
            tf.autograph.experimental.do_not_convert(one_batch),
            num_parallel_calls=options.num_parallel_calls,
            deterministic=True,
        )

    if not options.shuffle:
        batches = batches_of(None)
    else:
        epoch_seeds = tf.data.Dataset.random(
            seed=options.seed, rerandomize_each_iteration=options.reshuffle_each_iteration
        ).take(1)

        def shuffled(epoch_seed: tf.Tensor) -> tf.data.Dataset:
            key = tf.stack([epoch_seed, tf.constant(0, tf.int64)])
            permutation = tf.random.experimental.stateless_shuffle(
                tf.range(mine, dtype=tf.int64), seed=key
            )
            return batches_of(permutation)

        batches = epoch_seeds.flat_map(tf.autograph.experimental.do_not_convert(shuffled))
    return batches.apply(tf.data.experimental.assert_cardinality(n_batches))


def _starts_of(tf: Any, plan: Any) -> Any:
    """Map sample numbers to start rows: arithmetic when evenly spaced, else a lookup."""
    progression = plan.progression
    if progression is not None:
        first, step, _ = progression
        return lambda numbers: first + step * numbers
    table = tf.constant(plan.starts, dtype=tf.int64)
    return lambda numbers: tf.gather(table, numbers)


def _reader(tf: Any, data: np.ndarray, dtype: np.dtype[Any]) -> Any:
    """Return ``rows -> data[rows]`` (shape ``rows.shape + (columns,)``) as a graph function."""
    n_columns = data.shape[1]
    if _is_file_backed(data):
        # A memory-mapped series stays in its file: each batch reads only its own rows.
        def read_numpy(rows: np.ndarray) -> np.ndarray:
            return np.asarray(data[rows], dtype=dtype)

        def read_file(rows: tf.Tensor) -> tf.Tensor:
            out = tf.numpy_function(read_numpy, [rows], tf.as_dtype(dtype), stateful=False)
            return tf.ensure_shape(out, [None, rows.shape[1], n_columns])

        return read_file
    series = tf.constant(np.asarray(data, dtype=dtype))
    return lambda rows: tf.gather(series, rows)


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


def _tf_options(tf: Any, *, sharded: bool) -> Any:
    options = tf.data.Options()
    policy = tf.data.experimental.AutoShardPolicy
    # There are no files to shard by. Sharded here: nothing more to do; otherwise a
    # multi-worker strategy may shard the batches themselves.
    options.experimental_distribute.auto_shard_policy = policy.OFF if sharded else policy.DATA
    return options


def _is_file_backed(array: np.ndarray) -> bool:
    """Whether ``array`` (or an array it views) is a memory map of a file."""
    current: Any = array
    while current is not None:
        if isinstance(current, (np.memmap, mmap.mmap)):
            return True
        current = getattr(current, "base", None)
    return False
