"""The rows of a series and the runs that windows may not cross: groups, gaps, missing rows.

A *run* is a stretch of consecutive rows of one series with no missing timestamp and no
missing value inside. Without ``group_by``, ``freq`` and ``dropna`` the whole table is one
run, which is the common case.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ._errors import ShapeError, did_you_mean, listed, plural, received, received_type
from ._framing import Framing
from ._plan import Run, WindowPlan, make_plan, runs_between_breaks
from ._table import (
    ColumnSelection,
    Table,
    as_table,
    check_time_order,
    refuse_date_columns,
    where,
)


@dataclass(frozen=True)
class Timeline:
    """A validated table plus the runs its windows must stay inside."""

    table: Table
    runs: tuple[Run, ...]
    run_groups: tuple[Hashable, ...]
    group_by: Hashable | None = None

    @property
    def n_rows(self) -> int:
        """Number of rows in the table."""
        return int(self.table.values.shape[0])

    def with_values(self, values: np.ndarray) -> Timeline:
        """Return the same timeline over other values of the same shape (scaled ones)."""
        return Timeline(self.table.with_values(values), self.runs, self.run_groups, self.group_by)


def read_timeline(
    data: Any,
    *,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    group_by: Hashable | None = None,
    freq: str | pd.DateOffset | None = None,
    dropna: bool = False,
) -> Timeline:
    """Validate ``data`` and find its runs (see the module docstring)."""
    group_codes: np.ndarray | None = None
    group_names: list[Hashable] = []
    if group_by is not None:
        data, group_codes, group_names = _order_by_group(data, group_by)
    table = as_table(
        data,
        features=features,
        targets=targets,
        future=future,
        static=static,
        exclude=() if group_by is None else (group_by,),
        allow_nan=dropna,
        check_order=group_by is None,
    )
    n_rows = table.values.shape[0]
    if table.static_cols:
        _check_static(table, group_codes, group_names, group_by)
    if group_codes is None and freq is None and table.missing_rows is None:
        return Timeline(table, ((0, n_rows),), (), None)
    breaks = np.zeros(max(n_rows - 1, 0), dtype=bool)
    if group_codes is not None:
        breaks |= group_codes[1:] != group_codes[:-1]
        _check_order_within_groups(table.index, group_codes, group_names)
    if freq is not None:
        breaks |= _gaps(table.index, freq)
    runs = runs_between_breaks(n_rows, breaks, table.missing_rows)
    run_groups: tuple[Hashable, ...] = ()
    if group_codes is not None:
        run_groups = tuple(group_names[group_codes[begin]] for begin, _ in runs)
    return Timeline(table, tuple(runs), run_groups, group_by)


def plan_windows(timeline: Timeline, framing: Framing) -> WindowPlan:
    """Place windows in every run; raise if none fits, warn about groups left without any."""
    plan = make_plan(framing, timeline.n_rows, timeline.runs, timeline.run_groups)
    if plan.n_samples == 0:
        raise ShapeError(_too_short_message(timeline, framing))
    if timeline.run_groups:
        _warn_about_empty_groups(plan, timeline.group_by)
    return plan


def _too_short_message(timeline: Timeline, framing: Framing) -> str:
    longest = max((end - begin for begin, end in timeline.runs), default=0)
    need = framing.rows_needed()
    fits = framing.largest_lookback(longest)
    advice = (
        f" The largest lookback that fits is {fits}."
        if fits >= 1 and fits != framing.lookback
        else ""
    )
    if timeline.group_by is None and timeline.runs == ((0, timeline.n_rows),):
        n_cols = timeline.table.values.shape[1]
        transposed = (
            f" `data` has 1 row of {n_cols} values: if those are {n_cols} time steps of one "
            "series, pass it as a column (`data.T` or `data.ravel()`)."
            if timeline.n_rows == 1 and n_cols > 1
            else advice
        )
        return (
            f"Cannot make windows with {framing.parameters_in_words()} from a series of "
            f"{plural(timeline.n_rows, 'row')}: need at least {need}.{transposed}"
        )
    one_run_per_group = len(timeline.runs) == len(set(timeline.run_groups))
    if timeline.group_by is not None and one_run_per_group:
        pieces = f"group of `{timeline.group_by}`"
    else:
        pieces = "contiguous run (runs end at groups, gaps and missing values)"
    return (
        f"Cannot make windows with {framing.parameters_in_words()}: the longest {pieces} has "
        f"{plural(longest, 'row')}, and one window needs at least {need}.{advice}"
    )


def _warn_about_empty_groups(plan: WindowPlan, group_by: Hashable | None) -> None:
    with_windows = {plan.run_groups[b.run] for b in plan.blocks if b.count}
    skipped = [g for g in dict.fromkeys(plan.run_groups) if g not in with_windows]
    if skipped:
        warnings.warn(
            f"Skipped {plural(len(skipped), 'group')} of `{group_by}` too short for one window "
            f"of {plan.framing.rows_needed()}: {listed(map(repr, skipped))}.",
            UserWarning,
            stacklevel=4,
        )


def _check_static(
    table: Table,
    codes: np.ndarray | None,
    names: list[Hashable],
    group_by: Hashable | None,
) -> None:
    """Refuse a static covariate that varies inside a series (one value per series)."""
    codes = np.zeros(table.values.shape[0], dtype=np.int64) if codes is None else codes
    bounds = np.flatnonzero(np.diff(codes)) + 1
    for begin, end in zip(np.r_[0, bounds], np.r_[bounds, len(codes)], strict=True):
        block = table.values[begin:end, list(table.static_cols)]
        differs = (block != block[0]) & ~(np.isnan(block) & np.isnan(block[0]))
        if not differs.any():
            continue
        row, col = (int(i) for i in np.argwhere(differs)[0])
        series = "the series" if group_by is None else f"series {names[codes[begin]]!r}"
        raise ShapeError(
            f"Column {table.names[table.static_cols[col]]!r} (`static`) must hold one value per "
            f"series, but it varies in {series}: {float(block[0, col])} at "
            f"{where(int(begin), table.index)} and {float(block[row, col])} at "
            f"{where(int(begin) + row, table.index)}. Static covariates are constant within "
            "each series (store size, sensor type); pass a varying column as a feature or as "
            "`future`."
        )


def _order_by_group(
    data: Any, group_by: Hashable
) -> tuple[pd.DataFrame, np.ndarray, list[Hashable]]:
    """Sort rows by group, keeping time order inside each group (a stable sort)."""
    if not isinstance(group_by, Hashable):
        raise TypeError(
            f"`group_by` must be the name of one column. {received_type('group_by', group_by)}"
        )
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            "`group_by` names a column, so `data` must be a pandas DataFrame. "
            f"Received: data of type {type(data).__name__}"
        )
    if group_by not in data.columns:
        raise ShapeError(
            f"`group_by` names a column that `data` does not have: {group_by!r}."
            f"{did_you_mean(group_by, list(data.columns))} Available columns: "
            f"{listed(map(repr, data.columns), limit=20)}."
        )
    refuse_date_columns(data)
    keys = data[group_by]
    if keys.isna().any():
        first = int(np.flatnonzero(keys.isna().to_numpy())[0])
        raise ShapeError(
            f"Column {group_by!r} (`group_by`) has a missing group label at row {first}; "
            "every row must belong to a group."
        )
    codes, names = pd.factorize(keys, sort=True)
    order = np.argsort(codes, kind="stable")
    return data.iloc[order], codes[order], list(names)


def _check_order_within_groups(
    index: pd.Index | None, codes: np.ndarray, names: list[Hashable]
) -> None:
    if index is None:
        return
    bounds = np.flatnonzero(np.diff(codes)) + 1
    for begin, end in zip(np.r_[0, bounds], np.r_[bounds, len(codes)], strict=True):
        check_time_order(index[begin:end], f"data (group {names[codes[begin]]!r})")


def _gaps(index: pd.Index | None, freq: str | pd.DateOffset) -> np.ndarray:
    """Return True between rows ``i`` and ``i + 1`` that are not one ``freq`` apart."""
    if not isinstance(index, pd.DatetimeIndex):
        kind = "no index (numpy input)" if index is None else f"a {type(index).__name__}"
        raise TypeError(
            f"`freq` finds gaps between timestamps, so `data` needs a DatetimeIndex; it has "
            f"{kind}. Set one first, for example `df.set_index('Date')`. {received('freq', freq)}"
        )
    try:
        offset = to_offset(freq)
    except (ValueError, TypeError):
        raise ShapeError(
            f"`freq` is not a frequency pandas understands. Use an offset alias such as 'D' "
            f"(days), 'B' (business days), 'h' (hours) or 'min'. {received('freq', freq)}"
        ) from None
    if len(index) < 2:
        return np.zeros(0, dtype=bool)
    expected = index[:-1] + offset
    return np.asarray(index[1:] != expected)
