"""``windows()``: a series framed as supervised learning, and the :class:`Windows` it returns."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import numpy as np
import pandas as pd

from .._core.docs import shared_docs
from .._core.errors import listed
from .._core.words import names_in_words, shape_in_words
from .._input.categories import Vocabulary
from .._input.panel import store_of
from .._input.scaling import apply_scaler
from .._input.table import ColumnSelection
from .._input.timeline import plan_windows
from .._plan.framing import INPUT_AXES
from .._readers.loader import Batches
from .._readers.source import WindowSource
from .request import encode_categories, make_request, source_of

T = TypeVar("T")

if TYPE_CHECKING:
    import tensorflow as tf

    from .._plan.schedule import BatchSchedule
    from .._readers.pydataset import WindowsPyDataset
    from .._readers.torch import TorchBatches, WindowDataset


@shared_docs
def windows(
    data: Any,
    lookback: int,
    *,
    horizon: int = 1,
    shift: int = 1,
    stride: int = 1,
    sampling_rate: int = 1,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    per_timestep: bool = False,
    inputs_only: bool = False,
    group_by: Hashable | Sequence[Hashable] | None = None,
    freq: str | pd.DateOffset | None = None,
    time: Hashable | None = None,
    dropna: bool = False,
    fitted_scaler: Any = None,
    transform: str | None = None,
    min_history: int | None = None,
    categorical: ColumnSelection = None,
    vocabularies: Mapping[Hashable, Vocabulary] | None = None,
) -> Windows:
    """Frame a series as supervised learning: sliding input windows and aligned targets.

    Rows are time, in order; columns are features. Window ``i`` starts at row
    ``s = i * stride`` and its inputs are ``X[i] = data[s : s + lookback, features]``.

    Parameters
    ----------
    data : array_like, pandas.Series, pandas.DataFrame, or a list or dict of them
        A 1-D series ``(rows,)`` or a 2-D table ``(rows, columns)``. Floating columns keep
        their dtype; integer and boolean columns become float32. A **panel**: a list (or a
        dict by series name) of arrays, memory maps, Series or DataFrames of different
        lengths and the same columns; each is windowed on its own, none are concatenated
        (memory maps stay on disk and loaders read them batch by batch), and ``groups`` /
        ``to_frame`` name the series (see ``docs/scaling.md``). A list of plain numbers or
        of lists is one table, as always. polars and pyarrow frames (and others narwhals
        reads) are read as their ``to_pandas()``, their one date/time column as the index;
        ``read_parquet`` / ``read_arrow`` open files as panels (``docs/data-sources.md``).
    {lookback}
    {horizon}
    {shift}
    {stride}
    {sampling_rate}
    {features, targets}
    {future}
    {static}
    {per_timestep}
    inputs_only : bool, default False
        Forecasting past the end of the data: every full window, anchored so that the last
        one ends on the last row, and no targets (``y`` is ``None``). ``targets`` and
        ``horizon`` then only name what the model predicts, for :meth:`Windows.to_frame`.
    {group_by}
    {freq}
    {time}
    {dropna}
    fitted_scaler : object, optional
        An already **fitted** scaler (such as ``split(...).scaler``) to transform the data
        with; it is not fitted again. :meth:`Windows.to_frame` undoes it. This is how to
        scale new data, or the last rows for a forecast past the end, exactly like the
        training data. To fit a scaler on training rows, use :func:`split` (its
        ``scaler=`` takes an unfitted one). What the scaler returns is checked like data:
        the same rows and columns, finite values. A dict ``{group: scaler}`` (from
        ``split(..., per_series=True)``) scales each series of ``group_by`` with its own.
    {transform}
    {min_history}
    {categorical}
    vocabularies : dict, optional
        The ``vocabularies`` of other windows (``split(...).train.vocabularies``) to encode
        ``categorical`` columns with, as ``fitted_scaler`` scales new data like the
        training data. Default: learned from every row of ``data``.

    Returns
    -------
    Windows
        With ``X`` of shape ``(samples, lookback, n_features)`` (with ``future`` or
        ``static``: a dict ``{"past": ..., "future": ..., "static": ...}`` of the inputs
        in use, and ``input_shape`` the dict of their shapes) and ``y`` of shape
        ``(samples, n_targets)`` if ``horizon == 1``, ``(samples, horizon, n_targets)`` if
        ``horizon > 1``, and ``(samples, lookback, n_targets)`` if ``per_timestep``, where

        * many-to-one: ``samples = (n - lookback - shift - horizon + 1) // stride + 1``
        * per-timestep: ``samples = (n - lookback - shift) // stride + 1``
        * inputs only: ``samples = (n - lookback) // stride + 1``

        for a series of ``n`` rows (per run, when groups, gaps or NaN rows cut it). With a
        ``sampling_rate`` ``r``, ``samples = (n - extent) // stride + 1`` where ``extent`` is
        ``(lookback - 1) * r + 1`` rows of window, and up to ``shift + (horizon - 1) * r``
        rows of targets after it (``Framing.extent``).

    Raises
    ------
    ShapeError
        Parameters out of range, too few rows for one window, NaN or infinite values,
        unknown columns, a DatetimeIndex that is not strictly increasing.
    TypeError
        Parameters or columns of the wrong type (non-integer lookback, text columns).

    Notes
    -----
    ``X`` and ``y`` are read-only strided views of one 2-D array (``Windows.data``): they
    cost no memory beyond it, whatever the number of windows. Writing into them raises.
    The views need a constant step between window starts and between the selected
    columns; grouped or gapped windows, or columns picked out of order, are gathered
    into a copy the first time ``X`` or ``y`` is read (``to_dataset`` stays lazy).

    Examples
    --------
    >>> import numpy as np
    >>> import lstmshape
    >>> series = np.arange(100.0)
    >>> w = lstmshape.windows(series, lookback=60)
    >>> w.X.shape, w.y.shape, w.input_shape
    ((40, 60, 1), (40, 1), (60, 1))
    >>> w.X[0, -1, 0], w.y[0, 0]          # the last input and the next step
    (np.float64(59.0), np.float64(60.0))

    Two features, a three-step horizon, one target column:

    >>> table = np.arange(200.0).reshape(100, 2)
    >>> w = lstmshape.windows(table, 10, horizon=3, targets=[1])
    >>> w.X.shape, w.y.shape, w.target_shape
    ((88, 10, 2), (88, 3, 1), (3, 1))

    One target per timestep, for ``TimeDistributed``:

    >>> lstmshape.windows(series, 10, per_timestep=True).y.shape
    (90, 10, 1)

    A panel, a dict (or list) of series of different lengths, windowed one by one:

    >>> w = lstmshape.windows({"a": np.arange(30.0), "b": np.arange(20.0)}, 5)
    >>> w.X.shape, w.groups[[0, -1]].tolist()
    ((40, 5, 1), ['a', 'b'])

    The window for a forecast past the end: the last ``lookback`` rows, no target.

    >>> future = lstmshape.windows(series, 60, inputs_only=True)
    >>> future.X.shape, future.y, future.X[-1, -1, 0]
    ((41, 60, 1), None, np.float64(99.0))
    """
    request = make_request(
        data, lookback, horizon=horizon, shift=shift, stride=stride,
        sampling_rate=sampling_rate, per_timestep=per_timestep, inputs_only=inputs_only,
        features=features, targets=targets, future=future, static=static,
        categorical=categorical, group_by=group_by, freq=freq, time=time, dropna=dropna,
        transform=transform, min_history=min_history, scaler=fitted_scaler,
        scaler_name="fitted_scaler",
    )  # fmt: skip
    timeline = encode_categories(
        request.timeline, None, vocabularies=vocabularies,
        where="rows `vocabularies` were learned on",
    )  # fmt: skip
    if fitted_scaler is not None:
        timeline = apply_scaler(timeline, fitted_scaler, "fitted_scaler")
    plan = plan_windows(timeline, request.framing, request.min_history)
    return Windows(source_of(timeline, plan), scaler=fitted_scaler, transform=request.undo)


class _Read(Generic[T]):
    """A read-only attribute of :class:`Windows` that its ``WindowSource`` answers.

    ``lookback = _Read(lambda s: s.framing.lookback, "Timesteps per window.")`` is the
    property ``return self.source.framing.lookback`` with that docstring, in one line;
    mypy reads its type from the lambda.
    """

    def __init__(self, read: Callable[[WindowSource], T], doc: str) -> None:
        self._read = read
        self._name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, windows: None, owner: type) -> _Read[T]: ...
    @overload
    def __get__(self, windows: Windows, owner: type) -> T: ...
    def __get__(self, windows: Windows | None, owner: type) -> _Read[T] | T:
        return self if windows is None else self._read(windows._source)

    def __set__(self, windows: Windows, value: Any) -> None:
        raise AttributeError(f"Windows.{self._name} is read-only: it describes the windows made")


class Windows:
    """Sliding windows over one series, with their targets.

    Made by :func:`windows` and :func:`split`; not meant to be constructed directly.

    Attributes
    ----------
    X : numpy.ndarray
        Inputs, ``(samples, lookback, n_features)``, read-only.
    y : numpy.ndarray or None
        Targets, ``(samples,) + target_shape``, read-only; ``None`` for inputs-only windows.
    data : numpy.ndarray
        The one 2-D array ``(rows, columns)`` that ``X`` and ``y`` are views of (scaled,
        when made by :func:`split` with a scaler).
    input_shape : tuple of int
        ``(lookback, n_features)``: pass it to ``keras.Input(shape=...)``.
    target_shape : tuple of int
        The per-sample shape of ``y``.
    output_shape : tuple of int
        The per-sample shape of a model's output: ``target_shape``, and for inputs-only
        windows the shape the model predicts.
    feature_names, target_names : tuple
        Column labels (integer positions for numpy input).
    index : pandas.Index or None
        The index of ``data``'s rows (``None`` for numpy input).
    starts : numpy.ndarray
        For each sample, the row (position in ``data``) of its window's first input. For
        a padded sample (``min_history``), where its window would start: a row before its
        series' first row (perhaps negative), which it does not read.
    target_index : pandas.Index or None
        For each sample, the index label (row position for numpy input) of its first
        target row; ``None`` for inputs-only windows.
    end_index : pandas.Index
        For each sample, the index label (or row position) of its window's last row.
    groups : numpy.ndarray or None
        For each sample, its group (with ``group_by``), else ``None``.
    framing : lstmshape.Framing
        The framing parameters and the shape rules that follow from them.
    scaler : object or None
        The fitted scaler (a dict ``{group: scaler}`` when scaled per series);
        :meth:`to_frame` undoes it.
    transform : object or None
        The target transform (``transform=``) with the original levels it is undone
        from; :meth:`to_frame` undoes it after the scaler. ``None`` for levels.
    source : WindowSource
        Advanced: the frozen description (data, window starts, columns) that every reader
        of these windows receives: the numpy views, the loaders and ``to_frame``.
    """

    def __init__(self, source: WindowSource, *, scaler: Any = None, transform: Any = None) -> None:
        self._source = source
        self.scaler = scaler
        self.transform = transform

    source = _Read(
        lambda s: s,
        "The frozen description every reader receives (see the class docstring).",
    )

    # -- what the windows were made with ---------------------------------------------
    framing = _Read(lambda s: s.framing, "The framing (lookback, horizon, shift, stride, ...).")
    lookback = _Read(lambda s: s.framing.lookback, "Timesteps per window.")
    horizon = _Read(lambda s: s.framing.horizon, "Target rows per sample (many-to-one).")
    shift = _Read(
        lambda s: s.framing.shift,
        "Offset of the first target after the window's last row (or after each row).",
    )
    stride = _Read(lambda s: s.framing.stride, "Rows between the starts of consecutive windows.")
    per_timestep = _Read(lambda s: s.framing.per_timestep, "One target per timestep, or not.")
    inputs_only = _Read(
        lambda s: s.framing.inputs_only,
        "Whether these windows have no targets (forecasting past the data's end).",
    )
    group_by = _Read(
        lambda s: s.group_by,
        "The column that told series apart (a tuple of them with several keys), or ``None``.",
    )
    feature_names = _Read(lambda s: s.feature_names, "Labels of the input columns.")
    target_names = _Read(lambda s: s.target_names, "Labels of the target columns.")
    data = _Read(
        lambda s: s.values,
        """The one read-only 2-D array that the windows read.

        For a panel (a list of series), a ``SeriesStore`` over the series' own arrays: it
        has ``shape``, ``dtype`` and numpy's row indexing, and reads only the rows asked for.
        """,
    )

    @property
    def dtype(self) -> np.dtype[Any]:
        """The dtype of ``X`` and ``y``."""
        return self.data.dtype

    index = _Read(lambda s: s.index, "The index of ``data``'s rows, or ``None`` for numpy input.")

    # -- shapes ------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._source.n_samples

    input_shape = _Read(
        lambda s: s.input_shape,
        """``(lookback, n_features)``, the shape of one sample's inputs.

        With covariates, the dict of every named input's shape.
        """,
    )
    input_names = _Read(
        lambda s: s.input_names, '``("past",)``, or with ``"future"`` and ``"static"`` when given.'
    )

    @property
    def future_names(self) -> tuple[Hashable, ...]:
        """Labels of the known-future covariates."""
        return tuple(self._source.names[c] for c in self._source.future_cols)

    @property
    def static_names(self) -> tuple[Hashable, ...]:
        """Labels of the static covariates."""
        return tuple(self._source.names[c] for c in self._source.static_cols)

    categorical_names = _Read(
        lambda s: s.categorical_names,
        """The ``categorical`` columns of each categorical input, by input name.

        ``{"categorical_past": (...), "categorical_static": (...)}`` for the inputs in use;
        empty without ``categorical``.
        """,
    )
    vocabularies = _Read(
        lambda s: s.vocabularies,
        """``{column: Vocabulary}``: each categorical column's labels, in code order.

        Learned on the rows the windows were made from (the training rows for ``split``
        and ``folds``); code 0 is reserved for unknown and missing labels. Pass them to
        ``windows(..., vocabularies=)`` or ``forecast`` to encode new data the same way.
        """,
    )

    @property
    def cardinalities(self) -> dict[Hashable, int]:
        """``{column: number of codes}`` of each categorical column, the reserved 0 included.

        The ``input_dim`` of its ``keras.layers.Embedding``.
        """
        return {name: v.size for name, v in self.vocabularies.items()}

    target_shape = _Read(
        lambda s: s.target_shape,
        "The shape of one sample's targets (``()`` for inputs-only windows).",
    )
    output_shape = _Read(
        lambda s: s.output_shape,
        "The shape of one sample's model output (also for inputs-only windows).",
    )

    @property
    def X_shape(self) -> Any:  # noqa: N802 - matches X
        """The shape of ``X`` (a dict by input name with covariates), without reading it."""
        shapes = {name: (len(self), *shape) for name, shape in self._source.input_shapes.items()}
        return shapes if self._source.named_inputs else shapes["past"]

    @property
    def y_shape(self) -> tuple[int, ...] | None:
        """The shape of ``y``, without reading it (``None`` for inputs-only windows)."""
        return None if self.inputs_only else (len(self), *self.target_shape)

    # -- the arrays ----------------------------------------------------------------------
    @cached_property
    def X(self) -> Any:  # noqa: N802 - the conventional name
        """Inputs ``(samples, lookback, n_features)``, a read-only view when possible.

        With covariates, a dict ``{"past": ..., "future": ..., "static": ...}``.
        """
        return self._source.inputs()

    @cached_property
    def y(self) -> np.ndarray | None:
        """Targets ``(samples,) + target_shape``, read-only; ``None`` for inputs-only."""
        return self._source.targets()

    # -- where samples are in time ---------------------------------------------------------
    starts = _Read(
        lambda s: s.plan.starts, "Row (position in ``data``) of each sample's first input row."
    )

    @property
    def target_index(self) -> pd.Index | None:
        """Index label (or row position) of each sample's first target row."""
        if self.inputs_only:
            return None
        return self._labels(self._source.plan.first_target_rows)

    @property
    def end_index(self) -> pd.Index:
        """Index label (or row position) of each sample's last input row."""
        return self._labels(self._source.plan.last_input_rows)

    groups = _Read(
        lambda s: s.plan.sample_groups,
        "Each sample's group (a tuple with several keys), or ``None`` without ``group_by``.",
    )

    def _labels(self, rows: np.ndarray) -> pd.Index:
        return self._source.row_labels(rows)

    def series_line(self) -> str | None:
        """Name a panel's series with their windows (``None`` unless made from a list)."""
        store = store_of(self._source.values)
        if store is None:
            return None
        counts: dict[Hashable, int] = dict.fromkeys(store.names, 0)
        plan = self._source.plan
        for block, _ in plan.blocks_with_samples():
            counts[plan.run_groups[block.run]] += block.count
        described = (f"{name!r} ({count})" for name, count in counts.items())
        return f"{len(counts)} series (windows each: {listed(described, limit=6)})"

    # -- loaders: readers of the batch schedule ------------------------------------------
    @shared_docs
    def schedule(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        drop_remainder: bool = False,
        num_shards: int = 1,
        shard_index: int = 0,
        shard_by: str | tuple[str, Hashable] = "window",
        even_shards: bool = False,
    ) -> BatchSchedule:
        """Return the batch schedule every loader of these windows follows.

        Which sample numbers (positions in ``X``) form each batch of each epoch: see
        :class:`lstmshape.BatchSchedule`. Every loader method builds its schedule here, so
        loaders given the same options serve the same samples in the same batches (see
        ``docs/scaling.md`` for shards).

        Parameters
        ----------
        {batch_size}
        {shuffle}
        {seed}
        {drop_remainder}
        {num_shards, shard_index}
        {shard_by}
        {even_shards}

        Returns
        -------
        BatchSchedule
            Pure numpy: ``batches(epoch=e)`` lists the sample numbers of each batch.

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(20.0), 5)
        >>> [b.tolist() for b in w.schedule(6).batches(epoch=0)]
        [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], [12, 13, 14]]
        """
        from .._plan.schedule import BatchSchedule, segments_for

        series = segments_for(self._source.plan, shard_by, self._source.group_keys)
        return BatchSchedule.from_user(
            len(self), batch_size=batch_size, shuffle=shuffle, seed=seed,
            drop_remainder=drop_remainder, num_shards=num_shards, shard_index=shard_index,
            shard_by=shard_by, series=series, even_shards=even_shards,
        )  # fmt: skip

    @shared_docs
    def batches(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        epoch: int = 0,
        drop_remainder: bool = False,
        num_shards: int = 1,
        shard_index: int = 0,
        dtype: Any = None,
        shard_by: str | tuple[str, Hashable] = "window",
        even_shards: bool = False,
    ) -> Batches:
        """Iterate over numpy batches ``(X, y)`` (``X`` alone for inputs-only windows).

        For training loops in JAX, NumPy or anything that takes arrays. Lazy: one batch is
        gathered at a time (a memory-mapped series is read batch by batch), in the order of
        the batch schedule (:meth:`schedule`), so :meth:`to_dataset`, :meth:`to_torch`,
        :meth:`to_pydataset` and :meth:`to_grain` with the same options serve the same
        batches.

        Parameters
        ----------
        {batch_size}
        {shuffle}
        {seed}
        {epoch}
        {drop_remainder}
        {num_shards, shard_index}
        {dtype}
        {shard_by}
        {even_shards}

        Returns
        -------
        Batches
            An iterable with ``len()`` (batches per epoch); each pass gathers anew and
            serves ``epoch`` until ``set_epoch(e)`` says otherwise.

        Raises
        ------
        {loader_raises}

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(100.0), 10)
        >>> batches = w.batches(32)
        >>> len(batches), [(x.shape, y.shape) for x, y in batches][-1]
        (3, ((26, 10, 1), (26, 1)))
        """
        schedule = self.schedule(
            batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder,
            num_shards=num_shards, shard_index=shard_index, shard_by=shard_by,
            even_shards=even_shards,
        )  # fmt: skip
        return Batches(self._source, schedule, epoch=epoch, dtype=dtype)

    @shared_docs
    def to_pydataset(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        epoch: int = 0,
        drop_remainder: bool = False,
        num_shards: int = 1,
        shard_index: int = 0,
        dtype: Any = None,
        shard_by: str | tuple[str, Hashable] = "window",
        even_shards: bool = False,
        workers: int = 1,
        use_multiprocessing: bool = False,
        max_queue_size: int = 10,
    ) -> WindowsPyDataset:
        """Serve the batches as a ``keras.utils.PyDataset``, for ``model.fit`` on any backend.

        Keras 3 on TensorFlow, JAX or PyTorch (``KERAS_BACKEND``); TensorFlow is not
        imported unless it is the backend. ``dataset[i]`` gathers batch ``i`` of the
        current epoch of the batch schedule (:meth:`schedule`): the same batches as
        :meth:`batches` with the same options.

        Parameters
        ----------
        {batch_size}
        {shuffle}
        {seed}
        {epoch}
        {drop_remainder}
        {num_shards, shard_index}
        {dtype}
        {shard_by}
        {even_shards}
        workers, use_multiprocessing, max_queue_size
            Passed to ``keras.utils.PyDataset``: Keras reads batches ahead in ``workers``
            threads (or processes). A batch is one numpy gather, so the default (no workers)
            is usually fastest; see Notes.

        Returns
        -------
        keras.utils.PyDataset
            With ``len()`` batches per epoch, ``.epoch`` and ``.set_epoch(epoch)``; after
            each epoch of ``fit`` it moves on to the next (a new order when shuffled).

        Raises
        ------
        {loader_raises}
        ImportError
            Keras 3 or its backend is not installed (the message names the extra).

        Notes
        -----
        Pass ``shuffle=False`` to ``model.fit``: with its default ``shuffle=True`` Keras
        reorders whole batches of a ``PyDataset`` with Python's ``random``, so the order is
        no longer the schedule's (the windows are shuffled across batches here, with
        ``shuffle=True``). With ``workers > 1``, Keras may serve a batch read ahead in one
        epoch again in the next; the default ``workers=1`` reads in order.

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(100.0), 10)
        >>> dataset = w.to_pydataset(32, shuffle=True, seed=0)
        >>> x, y = dataset[0]
        >>> len(dataset), x.shape, y.shape
        (3, (32, 10, 1), (32, 1))
        """
        from .._readers.pydataset import WindowsPyDataset

        schedule = self.schedule(
            batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder,
            num_shards=num_shards, shard_index=shard_index, shard_by=shard_by,
            even_shards=even_shards,
        )  # fmt: skip
        return WindowsPyDataset(
            self._source, schedule, epoch=epoch, dtype=dtype, workers=workers,
            use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size,
        )  # fmt: skip

    @shared_docs
    def to_torch(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        epoch: int = 0,
        drop_remainder: bool = False,
        num_shards: int | None = None,
        shard_index: int | None = None,
        dtype: Any = None,
        shard_by: str | tuple[str, Hashable] = "window",
        even_shards: bool = False,
        device: Any = None,
        prefetch: int = 0,
    ) -> TorchBatches:
        """Serve the batches as ``torch.Tensor`` ``(x, y)``, for PyTorch training loops.

        ``for x, y in loader`` yields one epoch of the batch schedule (:meth:`schedule`):
        the same batches as :meth:`batches` with the same options; ``x`` alone for
        inputs-only windows. Lazy: one batch is gathered at a time (a memory-mapped series
        is read batch by batch) and handed to PyTorch without a second copy
        (``torch.from_numpy``).

        Parameters
        ----------
        {batch_size}
        {shuffle}
        {seed}
        {epoch}
        {drop_remainder}
        num_shards, shard_index : int, optional
            This process' shard. Default: the world size and rank of an initialised
            ``torch.distributed`` process group, else one shard. A shuffled, sharded loader
            needs a ``seed`` (the same in every process).
        {dtype}
        {shard_by}
        {even_shards}
        device : torch.device or str, optional
            Keep the rows on this device (``"cuda"``, ``"mps"``, ``"cpu"``) and gather
            every batch there with an index op: the data is copied to the device once
            (a panel's series concatenated), then only the start rows of a batch are
            sent. Batches are equal to those of :meth:`batches`. Default: gather on the
            CPU with numpy.
        prefetch : int, default 0
            Gather up to this many batches ahead in a background thread of this process
            (numpy's gather releases the GIL, so it overlaps the training step). The
            batches and their order are the same. This, not ``DataLoader`` workers, is
            the way to gather in the background (see Notes).

        Returns
        -------
        torch.utils.data.IterableDataset
            Iterable, with ``len()`` batches per epoch and ``set_epoch(epoch)``: call it at
            the start of every epoch, as for ``DistributedSampler``; without it every pass
            repeats the same order.

        Raises
        ------
        {loader_raises}
            Also: a shuffled, sharded loader without a seed; ``num_shards`` without
            ``shard_index``.
        ImportError
            PyTorch is not installed (the message says ``pip install "lstmshape[torch]"``).

        Notes
        -----
        With ``torch.utils.data.DataLoader(loader, batch_size=None, num_workers=k)`` (the
        loader is already batched, hence ``batch_size=None``), worker ``j`` gathers batches
        ``j``, ``j + k``, ...: every epoch holds the same batches as without workers, which
        the DataLoader may hand out in another order. Use no workers: a batch is a single
        numpy gather, cheaper than the DataLoader's hand-over of any item from a worker
        process (workers send batches by value, pickled, several times cheaper than
        PyTorch's shared memory for small tensors, yet slower than none); pass
        ``prefetch=2`` to gather ahead in a thread instead. With ``device=``, use no
        workers.

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(100.0), 10)
        >>> loader = w.to_torch(32, shuffle=True, seed=0, dtype="float32")
        >>> x, y = next(iter(loader))
        >>> len(loader), tuple(x.shape), tuple(y.shape), x.dtype
        (3, (32, 10, 1), (32, 1), torch.float32)
        >>> loader.set_epoch(1)                       # a new order for the next epoch
        """
        from .._readers.torch import TorchBatches, distributed_shards

        num_shards, shard_index = distributed_shards(num_shards, shard_index)
        schedule = self.schedule(
            batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder,
            num_shards=num_shards, shard_index=shard_index, shard_by=shard_by,
            even_shards=even_shards,
        )  # fmt: skip
        return TorchBatches(
            self._source, schedule, epoch=epoch, dtype=dtype, device=device, prefetch=prefetch
        )

    @shared_docs
    def to_grain(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        epoch: int = 0,
        epochs: int = 1,
        drop_remainder: bool = False,
        num_shards: int | None = None,
        shard_index: int | None = None,
        shard_options: Any = None,
        dtype: Any = None,
        shard_by: str | tuple[str, Hashable] = "window",
        even_shards: bool = False,
    ) -> Any:
        """Serve the batches as a ``grain.MapDataset``, for JAX loops and Keras 3 ``fit``.

        Element ``i`` is batch ``i % n`` of epoch ``epoch + i // n`` of the batch schedule
        (:meth:`schedule`, ``n`` batches per epoch): the same batches as :meth:`batches`
        with the same options, epoch after epoch. grain does the rest: its iterator
        checkpoints the position (``iterator.get_state()`` / ``set_state``),
        ``.to_iter_dataset().mp_prefetch(grain.MultiprocessingOptions(num_workers=k))``
        reads ahead in ``k`` processes, and ``keras.Model.fit`` takes the dataset directly.

        Parameters
        ----------
        {batch_size}
        {shuffle}
        {seed}
        {epoch}
        epochs : int, default 1
            How many epochs the dataset holds, one after the other. For ``model.fit(...,
            epochs=E)`` pass ``epochs=E`` here and ``steps_per_epoch=len(dataset) // E``
            to ``fit``, which then reads on where the previous epoch stopped.
        {drop_remainder}
        num_shards, shard_index : int, optional
            This process' shard, as for :meth:`batches` (default: one shard).
        shard_options : grain.sharding.ShardOptions, optional
            grain's sharding instead: ``grain.sharding.ShardByJaxProcess()`` takes the
            shard from ``jax.process_index()`` and ``jax.process_count()``; its
            ``drop_remainder=True`` means ``even_shards=True``.
        {dtype}
        {shard_by}
        {even_shards}

        Returns
        -------
        grain.MapDataset
            ``len()`` is ``epochs`` times the batches per epoch; elements are numpy
            ``(x, y)`` (``x`` alone for inputs-only windows).

        Raises
        ------
        {loader_raises}
            Also: shards given twice; ``shard_options`` that is not a
            ``grain.sharding.ShardOptions``.
        ImportError
            grain is not installed (the message says ``pip install "lstmshape[grain]"``).

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(100.0), 10)
        >>> dataset = w.to_grain(32, shuffle=True, seed=0, epochs=2)
        >>> x, y = dataset[0]
        >>> len(dataset), x.shape, y.shape
        (6, (32, 10, 1), (32, 1))
        """
        from .._readers.grain import shards_of, to_grain

        num_shards, shard_index, even = shards_of(num_shards, shard_index, shard_options)
        schedule = self.schedule(
            batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder,
            num_shards=num_shards, shard_index=shard_index, shard_by=shard_by,
            even_shards=even_shards or even,
        )  # fmt: skip
        return to_grain(self._source, schedule, epoch=epoch, epochs=epochs, dtype=dtype)

    @shared_docs
    def to_torch_dataset(self, *, dtype: Any = None) -> WindowDataset:
        """Return a map-style ``torch.utils.data.Dataset`` of single windows.

        ``dataset[i] = (X[i], y[i])`` as tensors, for code built around samplers
        (``DataLoader(dataset, batch_size=256, shuffle=True)``, ``DistributedSampler``,
        ``WeightedRandomSampler``). ``DataLoader`` fetches a batch with one gather. When
        you need no sampler of your own, :meth:`to_torch` is faster and follows the batch
        schedule.

        Parameters
        ----------
        {dtype}

        Returns
        -------
        torch.utils.data.Dataset
            ``len()`` is the number of windows.

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> dataset = lstmshape.windows(np.arange(100.0), 10).to_torch_dataset(dtype="float32")
        >>> x, y = dataset[0]
        >>> len(dataset), tuple(x.shape), tuple(y.shape)
        (90, (10, 1), (1,))
        """
        from .._readers.torch import WindowDataset

        return WindowDataset(self._source, dtype=dtype)

    @shared_docs
    def to_dataset(
        self,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        epoch: int = 0,
        drop_remainder: bool = False,
        reshuffle_each_iteration: bool = True,
        num_shards: int = 1,
        shard_index: int = 0,
        num_parallel_calls: int | None = None,
        prefetch: int | None = None,
        dtype: Any = None,
        shard_by: str | tuple[str, Hashable] = "window",
        even_shards: bool = False,
        service: str | None = None,
    ) -> tf.data.Dataset:
        """Stream windows as a ``tf.data.Dataset`` of ``(X_batch, y_batch)`` batches.

        Batches hold exactly the samples of ``self.X`` / ``self.y``, in the same order
        unless shuffled; inputs-only windows yield ``X_batch`` alone. Nothing is
        materialised: each batch is gathered from the one 2-D series by the windows' start
        rows, as :meth:`batches` gathers it with the same options.

        Parameters
        ----------
        {batch_size}
        {shuffle}
        {seed}
        {epoch}
        {drop_remainder}
        reshuffle_each_iteration : bool, default True
            With ``shuffle``, draw a new order every epoch (Keras' ``fit`` iterates once per
            epoch), which is what training wants. Pass False to repeat the first order.
        {num_shards, shard_index}
            TensorFlow's own auto-sharding is turned off when you shard here.
        num_parallel_calls, prefetch : int, optional
            Parallel batch gathers and batches prefetched. By default tf.data chooses both
            without its autotuner, which is switched off for this pipeline: for one gather
            per batch it costs more than it finds (docs/performance.md has the measurements).
            Passing ``tf.data.AUTOTUNE`` for either turns the autotuner on.
        {dtype}
        {shard_by}
        {even_shards}
        service : str, optional
            The address of a tf.data service dispatcher (``"grpc://host:port"``): the
            batches are made by the service's workers, each batch once per epoch
            (``processing_mode="distributed_epoch"``). The pipeline must run in the graph
            alone: a series in memory, and with ``shuffle=True`` one epoch per dataset
            (``reshuffle_each_iteration=False``, ``epoch=e``); memory-mapped files, panels
            of separate arrays and ``min_history`` are refused with the alternatives.

        Returns
        -------
        tf.data.Dataset
            Elements ``(X, y)`` of shapes ``(batch, lookback, n_features)`` and
            ``(batch,) + self.target_shape``; the batch dimension is ``None`` unless
            ``drop_remainder=True``. Pass ``e`` over it serves epoch ``epoch + e``.

        Raises
        ------
        {loader_raises}
        ImportError
            TensorFlow is not installed (the message says ``pip install "lstmshape[tf]"``).

        Notes
        -----
        Memory: the series once (a tensor copy, or nothing for a memory-mapped array, which
        is read from the file batch by batch), when shuffling one permutation of sample
        numbers (8 bytes per window), and a few batches in flight. All windows are never
        held at once.

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(100.0), 10)
        >>> ds = w.to_dataset(batch_size=32)
        >>> [tuple(x.shape) + tuple(y.shape) for x, y in ds]
        [(32, 10, 1, 32, 1), (32, 10, 1, 32, 1), (26, 10, 1, 26, 1)]
        >>> ds.element_spec[0].shape.as_list()
        [None, 10, 1]
        """
        from .._readers.tfdata import DatasetOptions, to_dataset

        schedule = self.schedule(
            batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder,
            num_shards=num_shards, shard_index=shard_index, shard_by=shard_by,
            even_shards=even_shards,
        )  # fmt: skip
        options = DatasetOptions.from_user(
            schedule, epoch=epoch, reshuffle_each_iteration=reshuffle_each_iteration,
            num_parallel_calls=num_parallel_calls, prefetch=prefetch, dtype=dtype,
            service=service,
        )  # fmt: skip
        return to_dataset(self._source, options)

    def to_frame(self, predictions: Any, *, quantiles: Any = None) -> pd.DataFrame:
        """Map model predictions back to time, in original units.

        Parameters
        ----------
        predictions : array_like
            ``model.predict`` output for these windows, in sample order:
            ``(samples,) + target_shape`` (a trailing axis of size 1 may be squeezed).
        quantiles : sequence of float, optional
            The levels of a quantile model (``build_model(..., quantiles=...)``), whose
            predictions have a trailing axis of ``len(quantiles)``. The columns are then
            ``(column, quantile)`` pairs (a MultiIndex with levels ``column`` and
            ``quantile``), each level taken back to the data's units on its own;
            :func:`score` reads them. Refused with a differencing ``transform`` and a
            horizon (a sum of quantiles is not a quantile of the sum).

        Returns
        -------
        pandas.DataFrame
            Indexed by each sample's first target timestamp (``target_index``; row
            positions, named ``row``, for numpy input), one column per target name.
            Always pandas, for polars and Arrow input too (``pl.from_pandas`` converts it).

            * ``horizon > 1``: one column per target and step, named ``"{target}+{k}"``:
              the prediction for ``k`` rows after the index row (``"Open+0"``,
              ``"Open+1"``, ...; ``k`` counts rows: ``"Open+2"`` is step 1 with
              ``sampling_rate=2``).
            * per-timestep windows: overlapping predictions of the same row are averaged,
              one row per timestamp covered.
            * inputs-only windows: indexed by each window's last row; the predictions are
              for ``shift`` (and more) rows after it, named ``"{target}+{shift}"``, ...
            * with ``group_by``: a MultiIndex of (group, timestamp).

            Values are in original units: when the windows come from :func:`split` with a
            scaler, its ``inverse_transform`` is applied to the target columns; then a
            ``transform=`` is undone from the last level the forecaster knew (the
            window's last input row; multi-step targets chain: a cumulative sum of
            differences, ...). ``frame.attrs["origin"]``: rows from that last input row
            to the index row, which :func:`score` reads for its naive forecast.

        Raises
        ------
        ShapeError
            ``predictions`` of a shape that does not match the windows (both are named).

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.arange(10.0), 3, horizon=2)
        >>> w.to_frame(w.y).head(2)                # the targets themselves, as a frame
             0+0  0+1
        row
        3    3.0  4.0
        4    4.0  5.0
        """
        from .._readers.frame import to_frame

        return to_frame(self._source, self.scaler, predictions, self.transform, quantiles)

    def plot(
        self,
        model: Any = None,
        *,
        samples: Any = 3,
        column: Any = None,
        ax: Any = None,
        units: str = "data",
        quantiles: Any = None,
    ) -> Any:
        """Draw a few samples: input steps, target steps and predictions, on the time axis.

        Parameters
        ----------
        model : keras.Model or array_like, optional
            A model with ``predict`` (called on the drawn samples only), or predictions
            of shape ``(samples,) + output_shape`` for every sample or the drawn ones.
        samples : int or list of int, default 3
            How many samples to draw, spread evenly (capped at ``len(windows)``), or
            which ones.
        column : column label, optional
            The feature/target to draw; default the first target.
        ax : matplotlib.axes.Axes, optional
            Draw one sample on these axes instead of a new figure.
        units : {"data", "model"}, default "data"
            The data's units (scaler and transform undone, as in :meth:`to_frame`), or
            what the model sees (scaled, changes), said on the y axis.
        quantiles : sequence of float, optional
            The levels of a quantile model, as for :meth:`to_frame`: the median is drawn
            as the prediction, the outer levels as an interval on each target step.

        Returns
        -------
        matplotlib.figure.Figure
            One panel per sample; ``show()`` is never called.

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> w = lstmshape.windows(np.sin(np.arange(100) / 5), 20, horizon=3)
        >>> figure = w.plot(samples=2)
        >>> len(figure.axes)
        2
        >>> import matplotlib.pyplot as plt; plt.close(figure)
        """
        from .._readers.plot import plot_windows

        return plot_windows(
            self, model, samples=samples, column=column, ax=ax, units=units, quantiles=quantiles
        )

    def input_lines(self) -> list[str]:
        """Describe every input's shape axis by axis, one line each."""
        features = names_in_words(self.feature_names)
        if not self._source.named_inputs:
            return [f"X {shape_in_words(self.X_shape, INPUT_AXES)} ({features})"]
        shapes = self.X_shape
        lines = [f'X["past"] {shape_in_words(shapes["past"], INPUT_AXES)} ({features})']
        if "future" in shapes:
            axes = ("sample", "timestep" if self.per_timestep else "step", "future input")
            lines.append(
                f'X["future"] {shape_in_words(shapes["future"], axes)} '
                f"({names_in_words(self.future_names)}, on the target rows)"
            )
        if "static" in shapes:
            lines.append(
                f'X["static"] {shape_in_words(shapes["static"], ("sample", "static input"))} '
                f"({names_in_words(self.static_names)}, one value per series)"
            )
        lines.extend(self._categorical_lines(shapes))
        if "mask" in shapes:
            padded = self._source.plan.n_padded
            lines.append(
                f'X["mask"] {shape_in_words(shapes["mask"], ("sample", "timestep"))} (True on '
                f"real steps; {padded} of {len(self)} samples padded at the start with 0, "
                f"min_history={self._source.plan.min_history})"
            )
        return lines

    def _categorical_lines(self, shapes: dict[str, tuple[int, ...]]) -> list[str]:
        """One line per categorical input: its shape, columns and vocabulary sizes."""
        step = "timestep" if self.per_timestep else "step"
        axes = {
            "categorical_past": ("sample", "timestep", "categorical"),
            "categorical_future": ("sample", step, "categorical"),
            "categorical_static": ("sample", "categorical"),
        }
        where = {
            "categorical_past": "on the input rows",
            "categorical_future": "on the target rows",
            "categorical_static": "one label per series",
        }
        sizes = self.cardinalities
        lines = []
        for name, columns in self.categorical_names.items():
            coded = ", ".join(f"{c!r}: {sizes[c]} codes" for c in columns)
            lines.append(
                f'X["{name}"] {shape_in_words(shapes[name], axes[name])} int32 ({coded}, '
                f"{where[name]})"
            )
        return lines

    def __repr__(self) -> str:
        lines = [f"Windows: {len(self)} samples, {self.framing.mode}"]
        series = self.series_line()
        if series is not None:
            lines.append(f"  a panel of {series}")
        lines.extend(f"  {line}" for line in self.input_lines())
        if self.y_shape is not None:
            lines.append(
                f"  y {shape_in_words(self.y_shape, self.framing.target_axes)} "
                f"({names_in_words(self.target_names)}): {self.framing.targets_in_words()}"
            )
        if self._source.named_inputs:
            lines.extend(
                f'  keras.Input(shape={shape}, name="{name}"'
                + (
                    ', dtype="bool")'
                    if name == "mask"
                    else ', dtype="int32")'
                    if name.startswith("categorical_")
                    else ")"
                )
                for name, shape in self.input_shape.items()
            )
        else:
            lines.append(f"  keras.Input(shape={self.input_shape})")
        return "\n".join(lines)
