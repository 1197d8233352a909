"""``folds()``: rolling-origin evaluation, one leak-free :class:`Split` per fold."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Hashable, Iterator, Sequence
from functools import partial
from typing import Any, overload

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
from .._core.validate import check_bool, check_int
from .._input.categories import warn_unknown
from .._input.table import ColumnSelection
from .._input.timeline import Timeline, plan_windows
from .._input.transform import rows_used_up
from .._plan.plan import Run
from .._windows.request import make_request
from .._windows.windows import Windows
from .split import PartRows, Split, make_split, rows_from_timestamp, series_table


class Folds(Sequence[Split]):
    """The folds of a rolling-origin evaluation; made by :func:`folds`.

    A sequence of :class:`Split` (``len``, iteration, indexing): fold ``k``'s ``.train``,
    ``.val`` and ``.test`` windows and its ``.scaler``, fitted on its training rows only.
    ``repr`` (and :meth:`describe`) shows the target period of every part of every fold.

    Attributes
    ----------
    expanding : bool
        Whether training grows from fold to fold (else it slides with a fixed length).
    test : int
        Rows per test part (a fraction or timestamp ``test`` resolved to rows); when the
        series of ``group_by`` get different numbers of rows from it, ``test`` as asked.
    val, gap : int
        Rows per validation part (0: none), and rows left out before each part.
    """

    def __init__(
        self, splits: list[Split], *, expanding: bool, test: Any, val: int, gap: int
    ) -> None:
        self._splits = list(splits)
        self.expanding = expanding
        self.test = test
        self.val = val
        self.gap = gap

    def __len__(self) -> int:
        return len(self._splits)

    @overload
    def __getitem__(self, item: int) -> Split: ...

    @overload
    def __getitem__(self, item: slice) -> list[Split]: ...

    def __getitem__(self, item: int | slice) -> Split | list[Split]:
        return self._splits[item]

    def __iter__(self) -> Iterator[Split]:
        return iter(self._splits)

    def periods(self) -> pd.DataFrame:
        """Return each part's first and last target (index label, or row) and window count.

        One row per fold; columns ``train_first``, ``train_last``, ``train_windows``, then
        the same for ``val`` (when asked for) and ``test``. With groups, first and last are
        taken over every series (row positions count from each series' start when the
        data has no DatetimeIndex).
        """
        rows = []
        for split in self._splits:
            row: dict[str, Any] = {}
            for name, windows in split.parts().items():
                first, last = _target_period(windows)
                row[f"{name}_first"], row[f"{name}_last"] = first, last
                row[f"{name}_windows"] = len(windows)
            rows.append(row)
        return pd.DataFrame(rows, index=pd.RangeIndex(len(rows), name="fold"))

    def describe(self) -> str:
        """Return the folds as a table of target periods, one line per fold."""
        first = self._splits[0].train
        kind = "expanding" if self.expanding else "sliding (fixed length)"
        scaler = self._splits[0].scaler
        fitted = ""
        if isinstance(scaler, dict):
            fitted = f"; one {type(next(iter(scaler.values()))).__name__} per series and fold"
        elif scaler is not None:
            fitted = f"; {type(scaler).__name__} fitted on each fold's training rows"
        gap = f", gap {self.gap}" if self.gap else ""
        plan = first.source.plan
        per_series = ""
        if plan.run_groups and not isinstance(first.index, pd.DatetimeIndex):
            n_series = len(set(plan.run_groups))
            per_series = f"; {n_series} series, rows counted from each series' first row"
        header = (
            f"Folds: {len(self)} folds, {kind} training, test {_test_words(self.test)} "
            f"each{gap}, lookback {first.lookback}{fitted}{per_series}"
        )
        table = self.periods()
        parts = [p for p in ("train", "val", "test") if f"{p}_first" in table]
        cells = [
            [str(k)]
            + [
                f"{format_label(r[f'{p}_first'])} .. {format_label(r[f'{p}_last'])} "
                f"({r[f'{p}_windows']})"
                for p in parts
            ]
            for k, r in table.iterrows()
        ]
        titles = ["fold"] + [f"{p} targets (windows)" for p in parts]
        widths = [max(len(c[i]) for c in [titles, *cells]) for i in range(len(titles))]
        lines = [header]
        lines += ["  " + "  ".join(map(str.ljust, c, widths)) for c in [titles, *cells]]
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return self.describe()


def _test_words(test: Any) -> str:
    """``3 rows``, or the ``test`` asked when the series got different numbers of rows."""
    if isinstance(test, int):
        return plural(test, "row")
    if isinstance(test, float):
        return f"{test:g} of the rows"
    return f"from {format_label(test)}"


def _target_period(windows: Windows) -> tuple[Any, Any]:
    """First and last target of a part, as index labels (or rows within each series)."""
    plan = windows.source.plan
    first_rows, last_rows = plan.first_target_rows, plan.last_target_rows
    index = windows.index
    if isinstance(index, pd.DatetimeIndex) or (index is not None and plan.run_groups == ()):
        return index[first_rows].min(), index[last_rows].max()
    if plan.run_groups:  # rows counted from the start of each series
        begins = _series_begins(plan.runs, plan.run_groups, plan.n_rows)
        return int((first_rows - begins[first_rows]).min()), int(
            (last_rows - begins[last_rows]).max()
        )
    return int(first_rows.min()), int(last_rows.max())


def _series_begins(runs: tuple[Run, ...], groups: tuple[Hashable, ...], n: int) -> np.ndarray:
    begins = np.zeros(n, dtype=np.int64)
    starts: dict[Hashable, int] = {}
    for (begin, end), group in zip(runs, groups, strict=True):
        starts.setdefault(group, begin)
        begins[begin:end] = starts[group]
    return begins


@shared_docs
def folds(
    data: Any,
    lookback: int,
    *,
    n_folds: int,
    test: int | float | str | pd.Timestamp,
    val: int | None = None,
    expanding: bool = True,
    gap: int = 0,
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
) -> Folds:
    """Rolling-origin evaluation: ``n_folds`` leak-free splits whose test parts follow each other.

    The last ``n_folds * test`` rows are the evaluation range. Fold ``k`` tests on its
    ``k``-th block of ``test`` rows, validates on the ``val`` rows before it (when
    ``val`` is given) and trains on the rows before those: from the first row
    (``expanding=True``), or on a window of fixed length that slides forward by ``test``
    rows per fold (``expanding=False``; its length is the first fold's). Each fold is a
    :class:`Split` made by the same rule as :func:`split`: every target row of a fold
    belongs to one part, inputs may reach back into earlier rows as context, and the
    scaler is fitted on that fold's training rows only.

    Parameters
    ----------
    data : array_like, pandas.Series or pandas.DataFrame
        As for :func:`windows`; rows in time order.
    {lookback}
    n_folds : int
        Number of folds, at least 1.
    test : int, float or timestamp
        Each fold's test part (its target rows), as :func:`split` takes it: rows (an int,
        at least 1), a fraction of the rows (a float in (0, 1), rounded), or the timestamp
        where the first fold's test part starts (for a DatetimeIndex): the rows from there
        to the end are shared out among the ``n_folds`` test parts, and a remainder of
        fewer than ``n_folds`` rows goes to training.
    val : int, optional
        Rows of each fold's validation part, just before its test part. None (the
        default) is no validation part, as in :func:`split`; 0 means the same.
    expanding : bool, default True
        Training from the first row on (True), or a fixed-length window that slides.
    gap : int, default 0
        Rows left out before each fold's val and test parts: no target lies there (their
        inputs may still read them). Use it when a forecast is made ``gap`` rows ahead, or
        to keep autocorrelated neighbours out of training.
    scaler : object, optional
        An unfitted scaler, as for :func:`split`: a copy is fitted on each fold's
        training rows.
    {horizon}
    {shift}
    {stride}
    {sampling_rate}
    {features, targets}
    future, static : optional
        Known-future and static covariates, as for :func:`split`: scaled with each fold's
        training statistics, read on each sample's own rows.
    {per_timestep}
    {group_by}
        See the Notes for how folds cut several series.
    {freq}
    {time}
    {dropna}
    {transform}
    {per_series}
    {min_history}
        The first fold's training part then needs only ``min_history`` input rows and
        the targets.
    {categorical}

    Returns
    -------
    Folds
        A sequence of ``n_folds`` :class:`Split`, in time order.

    Raises
    ------
    ShapeError
        ``n_folds * test`` (with ``val`` and ``gap``) leaving too few rows for the first
        fold's training windows (the message gives the largest ``n_folds`` that fits),
        a part without windows, and everything :func:`split` refuses.
    TypeError
        Options of the wrong type.

    Notes
    -----
    With ``group_by``, every series is cut at the same **timestamps** when the data has a
    DatetimeIndex: the evaluation range is the last ``n_folds * test`` timestamps of all
    series together, so a fold tests the same period in every series (a series missing
    some timestamps has fewer rows there). Without a DatetimeIndex, each series is cut by
    its own **rows**: its last ``n_folds * test`` rows.

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> cv = lstmshape.folds(np.arange(200.0), 20, n_folds=3, test=30)
    >>> len(cv), [len(f.train) for f in cv], [len(f.test) for f in cv]
    (3, [90, 120, 150], [30, 30, 30])
    >>> print(cv)
    Folds: 3 folds, expanding training, test 30 rows each, lookback 20
      fold  train targets (windows)  test targets (windows)
      0     20 .. 109 (90)           110 .. 139 (30)
      1     20 .. 139 (120)          140 .. 169 (30)
      2     20 .. 169 (150)          170 .. 199 (30)
    """
    n_folds = check_int(n_folds, "n_folds", minimum=1)
    val = 0 if val is None else check_int(val, "val", minimum=0)
    gap = check_int(gap, "gap", minimum=0)
    expanding = check_bool(expanding, "expanding")
    test = _check_test(test)
    request = make_request(
        data, lookback, horizon=horizon, shift=shift, stride=stride,
        sampling_rate=sampling_rate, per_timestep=per_timestep, features=features,
        targets=targets, future=future, static=static, categorical=categorical,
        group_by=group_by, freq=freq, time=time,
        dropna=dropna, transform=transform, min_history=min_history, scaler=scaler,
        per_series=per_series,
    )  # fmt: skip
    framing, undo = request.framing, request.undo
    lost = 0 if undo is None else rows_used_up(undo.kind, undo.lag)
    need = framing.fewest_rows(request.min_history) + lost
    settings = _Settings(n_folds, test, val, gap, expanding, need)
    bounds = _fold_rows(request.read, settings)
    sizes = {"train": None, "val": val or None, "test": settings.test}
    plan = plan_windows(request.timeline, framing, request.min_history)
    unknown: dict[Hashable, int] = {}
    splits = [make_split(request, fold, sizes=sizes, plan=plan, unknown=unknown) for fold in bounds]
    warn_unknown(unknown, "training rows of their fold (counts summed over the folds)")
    return Folds(splits, expanding=expanding, test=settings.test, val=val, gap=gap)


def _check_test(test: Any) -> Any:
    """Validate the kind of ``test``: rows (int), a fraction (float) or a start timestamp."""
    if isinstance(test, bool) or test is None:
        raise TypeError(
            "`test` must be a number of rows (int), a fraction of the rows (float) or the "
            f"start of the first test part (a timestamp). {received_type('test', test)}"
        )
    if isinstance(test, numbers.Integral):
        return check_int(test, "test", minimum=1)
    if isinstance(test, numbers.Real):
        if not 0 < float(test) < 1:
            raise ShapeError(
                "`test` as a fraction must be between 0 and 1 (exclusive); for a number of "
                f"rows pass an int. {received('test', test)}"
            )
        return float(test)
    if isinstance(test, (str, pd.Timestamp, np.datetime64)) or hasattr(test, "isoformat"):
        return test
    raise TypeError(
        "`test` must be a number of rows (int), a fraction of the rows (float) or the start "
        f"of the first test part (a timestamp). {received_type('test', test)}"
    )


class _Settings:
    """The fold sizes; ``test`` as given (rows, fraction or timestamp) until resolved."""

    def __init__(
        self, n_folds: int, test: Any, val: int, gap: int, expanding: bool, need: int
    ) -> None:
        self.n_folds, self.test_asked, self.val, self.gap = n_folds, test, val, gap
        self.expanding, self.need = expanding, need
        self.resolved: set[int] = set()

    @property
    def test(self) -> Any:
        """Rows per test part: one int when every series has the same, else as asked."""
        return next(iter(self.resolved)) if len(self.resolved) == 1 else self.test_asked

    def test_rows(self, clock: pd.Index | None, length: int, label: Callable[[], str]) -> int:
        """Rows per test part on a clock of ``length`` positions (``clock``: their times)."""
        test = self.test_asked
        if isinstance(test, int):
            rows = test
        elif isinstance(test, float):
            rows = max(1, round(test * length))
        else:
            after = rows_from_timestamp(test, "test", clock, label())
            rows = after // self.n_folds
            if rows < 1:
                raise ShapeError(
                    f"`test` starts {plural(after, 'row')} before the end{label()}: too few for "
                    f"{self.n_folds} test parts of at least 1 row. Start it earlier, or ask "
                    f"for fewer folds. {received_each(test=test, n_folds=self.n_folds)}"
                )
        self.resolved.add(rows)
        return rows

    def asked(self) -> dict[str, Any]:
        """Return the sizes as asked, for messages (``val`` and ``gap`` when not 0)."""
        sizes = {"n_folds": self.n_folds, "test": self.test_asked, "val": self.val}
        return {name: v for name, v in {**sizes, "gap": self.gap}.items() if v != 0}

    def held_out(self, test: Any) -> Any:
        """Clock positions after the first fold's training part."""
        gaps = self.gap * (2 if self.val else 1)
        return self.n_folds * test + self.val + gaps

    def cuts(self, length: Any, test: Any) -> list[dict[str, tuple[Any, Any]]]:
        """Return the parts of each fold as ``[begin, end)`` positions on a clock of ``length``.

        ``length`` and ``test`` may be arrays (one entry per series): the positions are then
        arrays too.
        """
        start = length - self.n_folds * test
        first_train_end = length - self.held_out(test)
        found = []
        for k in range(self.n_folds):
            test_lo = start + k * test
            val_hi = test_lo - self.gap
            val_lo = val_hi - self.val
            train_hi = (val_lo - self.gap) if self.val else val_hi
            train_lo = 0 * train_hi if self.expanding else train_hi - first_train_end
            parts = {"train": (train_lo, train_hi), "test": (test_lo, test_lo + test)}
            if self.val:
                parts["val"] = (val_lo, val_hi)
            found.append(parts)
        return found

    def check(self, length: int, test: int, label: Callable[[], str]) -> None:
        """Refuse folds that leave the first fold too few training rows (nothing allocated)."""
        train = length - self.held_out(test)
        if train >= self.need:
            return
        largest = (train + self.n_folds * test - self.need) // test
        gaps = self.gap * (2 if self.val else 1)
        advice = (
            f" The largest n_folds that fits is {largest}."
            if largest >= 1
            else " Even n_folds=1 does not fit: make `test`, `val` or `lookback` smaller."
        )
        raise ShapeError(
            f"`n_folds` * `test` = {self.n_folds} * {test} = {self.n_folds * test} "
            f"rows of evaluation, plus val {self.val} and gaps {gaps}, leave "
            f"{plural(max(train, 0), 'row')} of the {length}{label()} for the first fold's "
            f"training part, and it needs at least {self.need} (one window and its target)."
            f"{advice} {received_each(**self.asked())}"
        )


def _fold_rows(timeline: Timeline, settings: _Settings) -> list[PartRows]:
    """For each fold, the target rows of each part of each series (arrays over the series).

    Every series is checked before any fold is made, so that sizes which cannot fit are
    refused before memory for ``n_folds`` folds is taken. Sizes in rows or fractions
    depend only on a series' length: they are worked out once per length, in the order
    the lengths first occur (so the first series that fails is the one named).
    """
    index = timeline.table.index
    groups, begins, ends, run_series = series_table(timeline)
    lengths = ends - begins
    by_time = timeline.run_groups != () and isinstance(index, pd.DatetimeIndex)
    keys: np.ndarray | None = None  # by time: (series, clock position) of every row, sorted
    offsets = np.cumsum(lengths) - lengths  # of each series' first row in ``keys``
    if by_time:
        assert isinstance(index, pd.DatetimeIndex)
        rows = np.repeat(begins - offsets, lengths) + np.arange(lengths.sum(), dtype=np.int64)
        stamps = index[rows]
        clock = stamps.unique().sort_values()
        label = partial(str, " timestamps of all series")
        test = settings.test_rows(clock, len(clock), label)
        settings.check(len(clock), test, label)
        positions = clock.get_indexer(stamps).astype(np.int64)
        series_of_row = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        keys = series_of_row * (len(clock) + 1) + positions
        clock_lengths = np.full(len(lengths), len(clock), dtype=np.int64)
        tests = np.full(len(lengths), test, dtype=np.int64)
    else:
        dated = not isinstance(settings.test_asked, (int, float))
        if dated:
            chosen = np.arange(len(lengths))
            inverse = chosen
        else:
            _, chosen, inverse = np.unique(lengths, return_index=True, return_inverse=True)
        found = np.zeros(len(chosen), dtype=np.int64)
        for k in np.argsort(chosen, kind="stable").tolist():
            number = int(chosen[k])
            begin, end = int(begins[number]), int(ends[number])
            label = partial(_rows_of, groups[number])  # only a message reads it
            times = None if index is None or not dated else index[begin:end]  # a timestamp
            found[k] = settings.test_rows(times, end - begin, label)
            settings.check(end - begin, int(found[k]), label)
        clock_lengths, tests = lengths, found[inverse]
    folds = []
    for cut in settings.cuts(clock_lengths, tests):
        parts = {
            name: (
                _to_rows(keys, begins, clock_lengths, lo, offsets),
                _to_rows(keys, begins, clock_lengths, hi, offsets),
            )
            for name, (lo, hi) in cut.items()
        }
        folds.append(PartRows(groups, begins, ends, run_series, parts))
    return folds


def _rows_of(group: Hashable | None) -> str:
    """Name the rows of one series in messages."""
    return " rows" if group is None else f" rows of group {group!r}"


def _to_rows(
    keys: np.ndarray | None,
    begins: np.ndarray,
    lengths: np.ndarray,
    positions: Any,
    offsets: np.ndarray | None = None,
) -> np.ndarray:
    """Return the first row of each series at or after its clock position in ``positions``.

    ``keys`` None: each series is its own clock (position ``i`` is its row ``i``). Else
    ``keys`` are ``series * (length + 1) + position`` of every row, series after series
    (series ``s`` from ``offsets[s]`` on), so in order: a binary search finds how many rows
    of each series lie before the position.
    """
    at = np.clip(np.broadcast_to(np.asarray(positions, dtype=np.int64), lengths.shape), 0, lengths)
    if keys is None:
        return begins + at
    series = np.arange(len(lengths), dtype=np.int64)
    before = np.searchsorted(keys, series * (lengths + 1) + at, side="left")
    assert offsets is not None
    return begins + before - offsets
