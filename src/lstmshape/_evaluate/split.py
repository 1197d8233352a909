"""``split()``: chronological train / val / test windows without leakage."""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._core.docs import shared_docs
from .._core.errors import (
    ShapeError,
    format_label,
    plural,
    received,
    received_each,
    received_type,
)
from .._core.words import names_in_words
from .._input.panel import row_labels
from .._input.scaling import fit_scaler, fit_scaler_per_series, series_ranges
from .._input.table import ColumnSelection
from .._input.timeline import Timeline, plan_windows
from .._input.transform import rows_used_up
from .._plan.framing import Framing
from .._plan.plan import Run, WindowPlan
from .._windows.request import WindowRequest, encode_categories, make_request, source_of
from .._windows.windows import Windows

PARTS = ("train", "val", "test")


@dataclass(frozen=True)
class PartRows:
    """The target rows of each part in every series, as arrays (one entry per series).

    Series are numbered as :func:`series_ranges` gives them: ``groups`` (``(None,)``
    without groups), their rows ``[begins, ends)``, and ``run_series``, the series of each
    run of the timeline. ``parts[name]`` is ``(lows, highs)``: the part's target rows
    ``[low, high)`` in each series (``low >= high``: none). Arrays, not a dict per series:
    a split of 50,000 series costs array arithmetic, not 50,000 Python objects per part.
    """

    groups: tuple[Hashable | None, ...]
    begins: np.ndarray
    ends: np.ndarray
    run_series: np.ndarray
    parts: dict[str, tuple[np.ndarray, np.ndarray]]

    def ranges(self, part: str) -> list[Run]:
        """Return the part's rows in every series, as ``(begin, end)`` ranges (for a scaler)."""
        lows, highs = self.parts[part]
        return list(zip(lows.tolist(), highs.tolist(), strict=True))

    def by_series(self, part: str) -> dict[Hashable, list[Run]]:
        """Return the part's rows ``{group: [(begin, end)]}`` (for a scaler per series)."""
        return {g: [r] for g, r in zip(self.groups, self.ranges(part), strict=True)}

    def of_runs(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the part's rows ``(lows, highs)`` for every run: its series' rows."""
        lows, highs = self.parts[part]
        return lows[self.run_series], highs[self.run_series]

    def fewest(self, part: str) -> int:
        """Return the fewest rows of the part in any series (for messages)."""
        lows, highs = self.parts[part]
        return int(np.maximum(highs - lows, 0).min())


def series_table(
    timeline: Timeline,
) -> tuple[tuple[Hashable | None, ...], np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(groups, begins, ends, run_series)`` of the series of ``timeline``.

    A series is a group's rows (contiguous), or the whole table without groups;
    ``run_series`` is the series of each run, found by a binary search in the series'
    first rows (the series do not overlap).
    """
    ranges = series_ranges(timeline)
    groups = tuple(group for _, _, group in ranges)
    spans = np.array([(b, e) for b, e, _ in ranges], dtype=np.int64).reshape(-1, 2)
    begins, ends = spans[:, 0].copy(), spans[:, 1].copy()
    run_begins = np.array([b for b, _ in timeline.runs], dtype=np.int64)
    order = np.argsort(begins, kind="stable")
    found = np.searchsorted(begins[order], run_begins, side="right") - 1
    return groups, begins, ends, order[np.maximum(found, 0)]


@dataclass(frozen=True, repr=False)
class Split:
    """Windows of each part of a chronological split; made by :func:`split`.

    Attributes
    ----------
    train, test : Windows or None
        ``test`` is None when no test part was asked for.
    val : Windows or None
        None when no validation part was asked for.
    scaler : object, dict or None
        A fitted copy of the scaler passed to :func:`split` (fitted on training rows only);
        with ``per_series=True``, a dict ``{group: fitted copy}``, one per series.
    boundaries : dict
        For each part, its target rows in words: first and last index label (or row) of
        each run of samples, with the group when there are groups.
    """

    train: Windows
    val: Windows | None
    test: Windows | None
    scaler: Any
    boundaries: dict[str, list[str]]

    def parts(self) -> dict[str, Windows]:
        """Return the parts that exist, by name, in time order."""
        found = {"train": self.train, "val": self.val, "test": self.test}
        return {name: w for name, w in found.items() if w is not None}

    def plot(
        self, *, column: Any = None, group: Any = None, ax: Any = None, units: str = "data"
    ) -> Any:
        """Draw the series with each part's target period shaded and its context hatched.

        The context of val and test is the ``lookback`` rows before their first target
        that their first windows read from the previous part: inputs, never targets.

        Parameters
        ----------
        column : column label, optional
            The column to draw (default: the first target), in original units.
        group : optional
            With ``group_by``, the series to draw (default: the first).
        ax : matplotlib.axes.Axes, optional
            Draw on these axes instead of a new figure.
        units : {"data", "model"}, default "data"
            The data's units, or what the model sees (scaled, changes), said on the y axis.

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> import numpy as np, lstmshape
        >>> figure = lstmshape.split(np.arange(200.0), 20, val=30, test=30).plot()
        >>> figure.axes[0].get_title()
        'Split: 120 train, 30 val, 30 test windows (lookback 20)'
        >>> import matplotlib.pyplot as plt; plt.close(figure)
        """
        from .._readers.plot import plot_split

        return plot_split(self, column=column, group=group, ax=ax, units=units)

    def __repr__(self) -> str:
        first = self.train
        header = (
            f"Split (lookback {first.lookback}, {plural(len(first.feature_names), 'feature')}, "
            f"targets {names_in_words(first.target_names)})"
        )
        if isinstance(self.scaler, dict):
            first_scaler = next(iter(self.scaler.values()))
            header += (
                f", {len(self.scaler)} {type(first_scaler).__name__}s fitted per series on "
                "training rows only"
            )
        elif self.scaler is not None:
            header += f", {type(self.scaler).__name__} fitted on training rows only"
        lines = [header]
        for name, w in self.parts().items():
            spans = "; ".join(self.boundaries[name])
            lines.append(f"  {name + ':':<6} {len(w):>6} windows  X {_x_shape(w)}  targets {spans}")
        return "\n".join(lines)


def _x_shape(windows: Windows) -> str:
    """Return ``(samples, lookback, features)``, or ``past (..), future (..)`` when named."""
    shape = windows.X_shape
    if isinstance(shape, dict):
        return ", ".join(f"{name} {value}" for name, value in shape.items())
    return str(shape)


@shared_docs
def split(
    data: Any,
    lookback: int,
    *,
    val: int | float | str | pd.Timestamp | None = None,
    test: int | float | str | pd.Timestamp | None = None,
    scaler: Any = None,
    horizon: int = 1,
    shift: int = 1,
    stride: int = 1,
    sampling_rate: int = 1,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    per_timestep: bool = False,
    group_by: Hashable | Sequence[Hashable] | None = None,
    freq: str | pd.DateOffset | None = None,
    time: Hashable | None = None,
    dropna: bool = False,
    transform: str | None = None,
    per_series: bool = False,
    min_history: int | None = None,
    categorical: ColumnSelection = None,
) -> Split:
    """Split a series by time into train, val and test windows, without leakage.

    The parts follow each other in time: train, then val, then test. Every target row
    belongs to exactly one part, and each part's windows take their *targets* only from
    its own rows. Their *inputs* may reach back into the rows before the part: the
    ``lookback`` rows of context a forecaster really has at that time. So the first test
    window is the ``lookback`` rows just before the first test row, and no row is lost at
    the boundaries.

    Parameters
    ----------
    data : array_like, pandas.Series, pandas.DataFrame, or a list or dict of them
        As for :func:`windows`; rows in time order. A panel (a list or dict of series) is
        split series by series, as with ``group_by``.
    {lookback}
    val, test : int, float or timestamp, optional
        The size of the part, at the end of the data (test last, val just before it): an
        int is a number of rows, a float in (0, 1) a fraction of the rows (rounded), and a
        timestamp (for a DatetimeIndex) the first row of the part. With ``group_by``, each
        group is split this way.
    scaler : object, optional
        An **unfitted** scaler: anything with scikit-learn's ``fit`` / ``transform`` /
        ``inverse_transform``, such as ``sklearn.preprocessing.MinMaxScaler()``. A copy is
        fitted on the training rows only (your object is not changed) and applied to every
        part; it must scale each column on its own, as scikit-learn's scalers do. To apply
        the fitted copy to new data, pass ``fitted_scaler=parts.scaler`` to
        :func:`windows`.
    {horizon}
    {shift}
    {stride}
    {sampling_rate}
    {features, targets}
    future, static : column name, position, or a list of them, optional
        Known-future and static covariates, as for :func:`windows`: every part's ``X`` is
        then the dict of named inputs, each sample's ``X["future"]`` read on its own target
        rows (so aligned with ``y`` in every part). They are scaled with the other columns,
        by the scaler fitted on the training rows only.
    {per_timestep}
    {group_by}
    {freq}
    {time}
    {dropna}
    {transform}
        In a split it is applied before the scaler is fitted; ``to_frame`` of every part
        undoes it. The sizes of the parts count rows of the data, as without it.
    {per_series}
    {min_history}
        In a split every part then has the ``"mask"`` input; a padded window belongs to
        the part of its target rows, like any other.
    {categorical}

    Returns
    -------
    Split
        ``.train``, ``.val``, ``.test`` (:class:`Windows`, or None when not asked for)
        and ``.scaler`` (the fitted copy).

    Raises
    ------
    ShapeError
        A part left with no windows (the message says which and how many rows it needs),
        ``val`` + ``test`` as large as the data, a timestamp outside the index, and
        everything :func:`windows` refuses.
    TypeError
        A scaler without the required methods, options of the wrong type.

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> parts = lstmshape.split(np.arange(200.0), 20, val=30, test=30)
    >>> len(parts.train), len(parts.val), len(parts.test)
    (120, 30, 30)
    >>> parts.test.X.shape, parts.test.target_index[0]       # targets rows 170..199
    ((30, 20, 1), np.int64(170))
    >>> parts.test.X[0, 0, 0], parts.test.X[0, -1, 0]       # inputs reach back: rows 150..169
    (np.float64(150.0), np.float64(169.0))
    """
    if _none_for_zero(val) is None and test is None:
        raise ShapeError(
            "split() needs `val`, `test` or both: the size of each part at the end of the data "
            "(rows, a fraction, or a start timestamp). For one set of windows use windows(). "
            f"{received_each(val=val, test=test)}"
        )
    val = _none_for_zero(val)
    request = make_request(
        data, lookback, horizon=horizon, shift=shift, stride=stride,
        sampling_rate=sampling_rate, per_timestep=per_timestep, features=features,
        targets=targets, future=future, static=static, categorical=categorical,
        group_by=group_by, freq=freq, time=time,
        dropna=dropna, transform=transform, min_history=min_history, scaler=scaler,
        per_series=per_series,
    )  # fmt: skip
    bounds = _part_rows(request.read, val=val, test=test)
    sizes = {"train": None, "val": val, "test": test}
    return make_split(request, bounds, sizes=sizes)


def _none_for_zero(size: Any) -> Any:
    """``val=0`` is no validation part, as ``val=None`` is (the word ``folds`` used)."""
    if type(size) is not bool and isinstance(size, numbers.Integral) and size == 0:
        return None
    return size


def make_split(
    request: WindowRequest,
    bounds: PartRows,
    *,
    sizes: dict[str, Any],
    plan: WindowPlan | None = None,
    unknown: dict[Hashable, int] | None = None,
) -> Split:
    """Make the windows of each part from the target rows of each series (``bounds``).

    The one rule of :func:`split` and :func:`folds`: the scaler is fitted on the training
    rows only (per series with ``per_series``), each part keeps the windows whose target
    rows all lie in its own rows, and a part left without windows is an error.
    ``sizes`` are the sizes the user asked for, for messages (a part of size None is not
    made). With ``min_history`` the plan also holds padded windows, and they go to the
    part of their targets too. ``plan`` (of ``request``) may be given when several splits
    share it: it depends on the rows, not on their scaled values. The vocabularies of
    ``categorical`` columns follow the scaler's rule (fitted on the training rows); labels
    they lack are added to ``unknown`` (``folds`` warns once), or warned about here.
    """
    timeline, framing, undo = request.timeline, request.framing, request.undo
    scaler, min_history = request.scaler, request.min_history
    fitted: Any = None
    train_rows = bounds.ranges("train")
    timeline = encode_categories(timeline, train_rows, unknown=unknown, stacklevel=5)
    if scaler is not None and request.per_series:
        fitted, timeline = fit_scaler_per_series(timeline, scaler, bounds.by_series("train"))
    elif scaler is not None:
        fitted, timeline = fit_scaler(timeline, scaler, train_rows)
    plan = plan_windows(timeline, framing, min_history) if plan is None else plan
    parts: dict[str, Windows] = {}
    boundaries: dict[str, list[str]] = {}
    for name in (part for part in PARTS if part == "train" or sizes[part] is not None):
        part_plan = plan.with_targets_in(*bounds.of_runs(name))
        if part_plan.n_samples == 0:
            lost = 0 if undo is None else rows_used_up(undo.kind, undo.lag)
            raise ShapeError(_empty_part_message(name, bounds, framing, sizes, min_history, lost))
        parts[name] = Windows(source_of(timeline, part_plan), scaler=fitted, transform=undo)
        boundaries[name] = _target_spans(timeline, part_plan)
    return Split(parts["train"], parts.get("val"), parts.get("test"), fitted, boundaries)


def _part_rows(timeline: Timeline, *, val: Any, test: Any) -> PartRows:
    """For each series (group), the rows of train, val and test: ``[begin, end)`` ranges.

    Sizes in rows or fractions depend only on a series' length: they are worked out (and
    checked) once per length, in the order the lengths first occur, so the first series
    that fails is the one named. Timestamps are looked up in each series' own index.
    """
    index = timeline.table.index
    groups, begins, ends, run_series = series_table(timeline)
    lengths = ends - begins
    dated = any(_is_timestamp(size) for size in (val, test))
    if dated:
        chosen = np.arange(len(lengths))
        inverse = chosen
    else:
        _, chosen, inverse = np.unique(lengths, return_index=True, return_inverse=True)
    found = np.zeros((len(chosen), 2), dtype=np.int64)
    for k in np.argsort(chosen, kind="stable").tolist():
        number = int(chosen[k])
        begin, end, group = int(begins[number]), int(ends[number]), groups[number]
        sub_index = None if index is None or not dated else index[begin:end]
        found[k] = _series_sizes(val, test, end - begin, sub_index, group)
    test_rows, val_rows = found[inverse, 0], found[inverse, 1]
    test_start = ends - test_rows
    val_start = test_start - val_rows
    parts = {"train": (begins, val_start)}
    if val is not None:
        parts["val"] = (val_start, test_start)
    if test is not None:
        parts["test"] = (test_start, ends)
    return PartRows(groups, begins, ends, run_series, parts)


def _series_sizes(
    val: Any, test: Any, rows: int, sub_index: pd.Index | None, group: Hashable | None
) -> tuple[int, int]:
    """Rows of ``test`` and ``val`` in a series of ``rows`` rows, checked to leave training."""
    label = "" if group is None else f" (group {group!r})"
    test_rows = _size(test, "test", rows, sub_index, label)
    val_rows = _size(val, "val", rows, sub_index, label, before=test_rows)
    if val is not None and val_rows < 1:
        raise ShapeError(
            f"`val` must start before `test`{label}: the parts run train, val, test in "
            f"time. {received_each(val=val, test=test)}"
        )
    if val_rows + test_rows >= rows:
        asked = (
            f"`val` and `test` ask for {val_rows} + {test_rows} = {val_rows + test_rows}"
            if val is not None and test is not None
            else f"`{'val' if test is None else 'test'}` asks for {val_rows + test_rows}"
        )
        given = {k: v for k, v in (("val", val), ("test", test)) if v is not None}
        raise ShapeError(
            f"{asked} of the {rows} rows{label}, leaving none for training. "
            f"{received_each(**given)}"
        )
    return test_rows, val_rows


def _size(
    size: Any, name: str, rows: int, index: pd.Index | None, label: str, before: int = 0
) -> int:
    """Rows in a part at the end of ``rows`` rows (``before`` more rows follow it)."""
    if size is None:
        return 0
    if isinstance(size, bool):
        raise TypeError(f"`{name}` must be a number of rows, a fraction or a timestamp. "
                        f"{received_type(name, size)}")  # fmt: skip
    if isinstance(size, numbers.Integral):
        if size < 1:
            none = " (0 or None: no validation part)" if name == "val" else ""
            raise ShapeError(f"`{name}` must be at least 1 row{none}. {received(name, int(size))}")
        return int(size)
    if isinstance(size, numbers.Real):
        if not 0 < float(size) < 1:
            raise ShapeError(
                f"`{name}` as a fraction must be between 0 and 1 (exclusive); for a number of "
                f"rows pass an int. {received(name, size)}"
            )
        return max(1, round(float(size) * rows))
    if _is_timestamp(size):
        return rows_from_timestamp(size, name, index, label) - before
    raise TypeError(
        f"`{name}` must be a number of rows (int), a fraction (float) or a start timestamp. "
        f"{received_type(name, size)}"
    )


def _is_timestamp(size: Any) -> bool:
    """Whether a part's size is a start timestamp (text, Timestamp, datetime64, date)."""
    return isinstance(size, (str, pd.Timestamp, np.datetime64)) or hasattr(size, "isoformat")


def rows_from_timestamp(start: Any, name: str, index: pd.Index | None, label: str) -> int:
    """Rows from the timestamp ``start`` to the end of ``index``."""
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(
            f"`{name}` is a timestamp, which needs data with a DatetimeIndex. Pass a number "
            f"of rows or a fraction instead. {received(name, start)}"
        )
    try:
        stamp = pd.Timestamp(start)
    except (ValueError, TypeError):
        raise ShapeError(
            f"`{name}` is not a timestamp pandas can read. {received(name, start)}"
        ) from None
    if index.tz is not None and stamp.tz is None:
        stamp = stamp.tz_localize(index.tz)
    elif index.tz is None and stamp.tz is not None:
        raise ShapeError(
            f"`{name}` is a time-zone-aware timestamp ({stamp}), but the index of `data` has "
            "no time zone: the two cannot be compared. Pass a timestamp without a time zone, "
            f"or localize the index (`data.tz_localize(...)`). {received(name, start)}"
        )
    elif index.tz is not None and stamp.tz is not None:
        stamp = stamp.tz_convert(index.tz)
    if not index[0] < stamp <= index[-1]:
        raise ShapeError(
            f"`{name}` starts at {stamp}, outside the data{label}, which runs from "
            f"{index[0]} to {index[-1]}; the part must start after the first row and no later "
            f"than the last. {received(name, start)}"
        )
    return len(index) - int(index.searchsorted(stamp, side="left"))


def _empty_part_message(
    name: str,
    bounds: PartRows,
    framing: Framing,
    sizes: dict[str, Any],
    min_history: int | None,
    lost: int = 0,
) -> str:
    rows = bounds.fewest(name)
    used_up = f", plus {lost} the transform uses up" if lost else ""
    if name == "train" and min_history is None:
        need = f"at least {framing.extent + lost} rows: a whole window and its target{used_up}"
        setting = ""
    elif name == "train":
        need = (
            f"at least {framing.fewest_rows(min_history) + lost} rows with "
            f"min_history={min_history}: that many real input steps and the targets{used_up}"
        )
        setting = ""
    else:
        inputs = (
            f"{framing.lookback} rows of input" if min_history is None
            else f"at least {min_history} rows of input (min_history)"
        )  # fmt: skip
        need = f"at least {max(framing.target_length, 1)} target row(s) per window, after {inputs}"
        setting = f" {received(name, sizes[name])}"
    grid = (
        f"; with stride={framing.stride} the windows may also step over it"
        if framing.stride > 1
        else ""
    )
    return (
        f"The {name} part gets no windows with {framing.parameters_in_words()}: it has "
        f"{plural(rows, 'row')}, and needs {need}{grid}.{setting}"
    )


def _target_spans(timeline: Timeline, plan: WindowPlan) -> list[str]:
    """Say which target rows a part covers: one span per block, with its group if any.

    Beyond three runs only the first is named (and the count given), so labels are read
    for at most three runs: one index lookup, whatever the number of series.
    """
    f = plan.framing
    first_offset, last_offset, stride = f.anchor_offset, f.last_anchor_offset, f.stride
    kept = np.flatnonzero(plan.counts > 0)
    block_runs = plan.block_runs[kept]
    n_runs = len(np.unique(block_runs))
    if n_runs > 3:  # name the first run only
        kept = kept[block_runs == block_runs[0]]
    runs: dict[int, tuple[int, int]] = {}  # a padded block and the block after it: one run
    for run, first, count in zip(
        plan.block_runs[kept].tolist(),
        plan.firsts[kept].tolist(),
        plan.counts[kept].tolist(),
        strict=True,
    ):
        a = first + first_offset
        b = first + (count - 1) * stride + last_offset
        runs[run] = (runs[run][0], b) if run in runs else (a, b)
    shown = list(runs.items())
    rows = np.array([row for _, (a, b) in shown for row in (a, b)], dtype=np.int64)
    labels = row_labels(timeline.table.values, timeline.table.index, rows)
    spans = []
    for k, (run, _) in enumerate(shown):
        group = f"{plan.run_groups[run]!r}: " if plan.run_groups else ""
        spans.append(f"{group}{format_label(labels[2 * k])} .. {format_label(labels[2 * k + 1])}")
    if n_runs > 3:
        return [f"{spans[0]}; ... ({n_runs} runs)"]
    return spans
