"""``split()``: chronological train / val / test windows without leakage."""

from __future__ import annotations

import numbers
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

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
from .._windows.request import WindowRequest, make_request, source_of
from .._windows.windows import Windows

PARTS = ("train", "val", "test")

#: The target rows of each part of one series: ``{"train": [(begin, end)], ...}``.
SeriesParts = dict[str, list[Run]]


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
    group_by: Hashable | None = None,
    freq: str | pd.DateOffset | None = None,
    time: Hashable | None = None,
    dropna: bool = False,
    transform: str | None = None,
    per_series: bool = False,
    min_history: int | None = None,
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
    lookback : int
        Timesteps per window.
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
    horizon, shift, stride, sampling_rate, features, targets, per_timestep, group_by, freq, time,
    dropna
        As for :func:`windows`, and validated the same way.
    future, static : column name, position, or a list of them, optional
        Known-future and static covariates, as for :func:`windows`: every part's ``X`` is
        then the dict of named inputs, each sample's ``X["future"]`` read on its own target
        rows (so aligned with ``y`` in every part). They are scaled with the other columns,
        by the scaler fitted on the training rows only.
    transform : {"diff", "pct_change", "log", "log_diff"}, optional
        Model changes of the target columns instead of levels (as for :func:`windows`),
        applied before the scaler is fitted; ``to_frame`` of every part undoes it. The
        sizes of the parts count rows of the data, as without it.
    per_series : bool, default False
        With ``group_by`` and a ``scaler``: fit one copy of the scaler per series, on that
        series' training rows, instead of one for all series (pooled, the default).
        ``.scaler`` is then a dict ``{group: fitted copy}``, and ``to_frame`` undoes each
        series with its own.
    min_history : int, optional
        As for :func:`windows`: windows may also start before a series' first row, padded,
        when at least ``min_history`` of their input steps are real rows. Every part then
        has the ``"mask"`` input; a padded window belongs to the part of its target rows,
        like any other.

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
        targets=targets, future=future, static=static, group_by=group_by, freq=freq, time=time,
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
    bounds: dict[Hashable | None, SeriesParts],
    *,
    sizes: dict[str, Any],
    plan: WindowPlan | None = None,
) -> Split:
    """Make the windows of each part from the target rows of each series (``bounds``).

    The one rule of :func:`split` and :func:`folds`: the scaler is fitted on the training
    rows only (per series with ``per_series``), each part keeps the windows whose target
    rows all lie in its own rows, and a part left without windows is an error.
    ``sizes`` are the sizes the user asked for, for messages (a part of size None is not
    made). With ``min_history`` the plan also holds padded windows, and they go to the
    part of their targets too. ``plan`` (of ``request``) may be given when several splits
    share it: it depends on the rows, not on their scaled values.
    """
    timeline, framing, undo = request.timeline, request.framing, request.undo
    scaler, min_history = request.scaler, request.min_history
    fitted: Any = None
    if scaler is not None and request.per_series:
        train = {group: rows["train"] for group, rows in bounds.items()}
        fitted, timeline = fit_scaler_per_series(timeline, scaler, train)
    elif scaler is not None:
        train_rows = [r for rows in bounds.values() for r in rows["train"]]
        fitted, timeline = fit_scaler(timeline, scaler, train_rows)
    plan = plan_windows(timeline, framing, min_history) if plan is None else plan
    parts: dict[str, Windows] = {}
    boundaries: dict[str, list[str]] = {}
    for name in (part for part in PARTS if part == "train" or sizes[part] is not None):
        part_plan = plan.with_targets_in(_run_bounds(timeline, bounds, name))
        if part_plan.n_samples == 0:
            lost = 0 if undo is None else rows_used_up(undo.kind, undo.lag)
            raise ShapeError(_empty_part_message(name, bounds, framing, sizes, min_history, lost))
        parts[name] = Windows(source_of(timeline, part_plan), scaler=fitted, transform=undo)
        boundaries[name] = _target_spans(timeline, part_plan)
    return Split(parts["train"], parts.get("val"), parts.get("test"), fitted, boundaries)


def _part_rows(timeline: Timeline, *, val: Any, test: Any) -> dict[Hashable | None, SeriesParts]:
    """For each series (group), the rows of train, val and test: ``[begin, end)`` ranges."""
    index = timeline.table.index
    series: dict[Hashable | None, SeriesParts] = {}
    dated = any(_is_timestamp(size) for size in (val, test))
    sizes: dict[int, tuple[int, int]] = {}  # rows and fractions: the same for equal lengths
    for begin, end, group in series_ranges(timeline):
        label = "" if group is None else f" (group {group!r})"
        rows = end - begin
        if dated or rows not in sizes:
            sub_index = None if index is None or not dated else index[begin:end]
            test_rows = _size(test, "test", rows, sub_index, label)
            val_rows = _size(val, "val", rows, sub_index, label, before=test_rows)
            sizes[rows] = (test_rows, val_rows)
        test_rows, val_rows = sizes[rows]
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
        test_start = end - test_rows
        val_start = test_start - val_rows
        series[group] = {
            "train": [(begin, val_start)],
            "val": [(val_start, test_start)] if val_rows else [],
            "test": [(test_start, end)] if test_rows else [],
        }
    return series


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


def _run_bounds(
    timeline: Timeline, bounds: dict[Hashable | None, SeriesParts], part: str
) -> dict[int, Run]:
    """Return the target rows allowed in each run for ``part``.

    A run lies inside one series, and the part has at most one range of rows in each
    series: each run is matched against its own series' ranges only (linear in the number
    of series, where matching every run against every range was quadratic).
    """
    allowed: dict[int, Run] = {}
    groups = timeline.run_groups or (None,) * len(timeline.runs)
    for number, ((begin, end), group) in enumerate(zip(timeline.runs, groups, strict=True)):
        for low, high in bounds[group][part] if group in bounds else ():
            if low < end and begin < high:
                allowed[number] = (low, high)
    return allowed


def _empty_part_message(
    name: str,
    bounds: dict[Hashable | None, SeriesParts],
    framing: Framing,
    sizes: dict[str, Any],
    min_history: int | None,
    lost: int = 0,
) -> str:
    rows = min(sum(e - b for b, e in series[name]) for series in bounds.values())
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
    with_samples = [block for block in plan.blocks if block.count]
    n_runs = len({block.run for block in with_samples})
    if n_runs > 3:  # name the first run only
        with_samples = [block for block in with_samples if block.run == with_samples[0].run]
    runs: dict[int, tuple[int, int]] = {}  # a padded block and the block after it: one run
    for block in with_samples:
        a = block.first + first_offset
        b = block.first + (block.count - 1) * stride + last_offset
        runs[block.run] = (runs[block.run][0], b) if block.run in runs else (a, b)
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
