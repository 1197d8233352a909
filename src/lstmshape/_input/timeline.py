"""The rows of a series and the runs that windows may not cross: groups, gaps, missing rows.

A *run* is a stretch of consecutive rows of one series with no missing timestamp and no
missing value inside. Without ``group_by``, ``freq`` and ``dropna`` the whole table is one
run, which is the common case.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, cast

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from .._core.arrays import is_file_backed, max_copy_bytes, readonly
from .._core.errors import ShapeError, did_you_mean, listed, plural, received, received_type
from .._plan.framing import Framing
from .._plan.plan import Run, WindowPlan, make_plan, runs_between_breaks
from .frames import to_pandas_items
from .lazy import joined_index
from .panel import SeriesStore, is_panel, panel_items, store_of
from .table import (
    FLOAT32_EXACT,
    TIME_INDEXES,
    ColumnSelection,
    Table,
    all_finite,
    as_table,
    check_time_order,
    parsed_text_dates,
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
    #: The names of the series' index levels: ``(group_by,)`` for one key, the keys for
    #: several (``run_groups`` are then tuples, one value per key), ``("series",)`` for a
    #: panel, ``()`` without groups.
    group_keys: tuple[Hashable, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of rows in the table."""
        return int(self.table.values.shape[0])

    def with_values(self, values: np.ndarray) -> Timeline:
        """Return the same timeline over other values of the same shape (scaled ones)."""
        return replace(self, table=self.table.with_values(values))


def read_timeline(
    data: Any,
    *,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    categorical: ColumnSelection = None,
    group_by: Any = None,
    freq: str | pd.DateOffset | None = None,
    dropna: bool = False,
    param: str = "data",
    time: Hashable | None = None,
) -> Timeline:
    """Validate ``data`` and find its runs (see the module docstring).

    A panel (a list or dict of series, :func:`._panel.is_panel`) is read series by series
    by :func:`read_panel`. ``group_by`` is one column, or a list (tuple) of columns whose
    combinations are the series (:func:`group_keys_of`). ``time`` names a column that
    becomes the index (of each frame).
    """
    data = to_pandas_items(data, param, time)
    if is_panel(data):
        if categorical is not None:
            raise ShapeError(
                "`categorical` columns need one DataFrame (with `group_by` for several "
                "series), whose rows hold the labels; `data` is a list (or dict) of series. "
                "Concatenate them into one frame with a series column and pass "
                f"`group_by=` that column. {received('categorical', categorical)}"
            )
        if group_by is not None:
            raise ShapeError(
                "`group_by` names a column that tells series apart inside one table, but "
                "`data` is a list (or dict) of series, each already its own series. Pass "
                "either the list without `group_by`, or one DataFrame with the `group_by` "
                f"column. {received('group_by', group_by)}"
            )
        return read_panel(
            data,
            features=features,
            targets=targets,
            future=future,
            static=static,
            freq=freq,
            dropna=dropna,
        )
    group_codes: np.ndarray | None = None
    group_names: list[Hashable] = []
    keys: tuple[Hashable, ...] = ()
    if group_by is not None:
        keys = group_keys_of(data, group_by)
        group_by = keys[0] if len(keys) == 1 else keys
        data, group_codes, group_names = _order_by_group(data, keys)
    table = as_table(
        data,
        features=features,
        targets=targets,
        future=future,
        static=static,
        categorical=categorical,
        exclude=keys,
        allow_nan=dropna,
        check_order=group_by is None,
        param=param,
    )
    n_rows = table.values.shape[0]
    if len(keys) > 1:
        _refuse_keys_in_roles(table, keys)
    if table.static_cols:
        _check_static(table, group_codes, group_names, group_by)
    if table.categories is not None:
        index = table.index
        table.categories.check_static(group_codes, group_names, lambda row: where(row, index))
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
    return Timeline(table, tuple(runs), run_groups, group_by, keys)


#: The name of the series level (``group_by``, ``to_frame``'s index) of a panel.
PANEL_LEVEL = "series"


def read_panel(
    data: Any,
    *,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    freq: str | pd.DateOffset | None = None,
    dropna: bool = False,
) -> Timeline:
    """Read a list (or dict) of series as one timeline over their virtual concatenation.

    Each series is validated as its own table (dtype rules, missing values, gaps with
    ``freq``, its time order); all must have the same columns. The common panel, in-memory
    arrays alike in ndim, columns and dtype, is checked at once over the concatenated rows
    (:func:`_read_array_panel`), with the same errors. The table's values are a
    :class:`._panel.SeriesStore` of the series' own arrays (nothing is concatenated); its
    runs are each series' runs shifted to the series' first row, named by the series.
    """
    items = panel_items(data)
    if static is None and freq is None:
        fast = _read_array_panel(
            items, features=features, targets=targets, future=future, dropna=dropna
        )
        if fast is not None:
            return fast
    timelines: list[Timeline] = []
    names: list[Hashable] = []
    for name, item in items:
        timelines.append(
            read_timeline(
                item,
                features=features,
                targets=targets,
                future=future,
                static=static,
                freq=freq,
                dropna=dropna,
                param=f"data[{name!r}]",
            )
        )
        names.append(name)
    first = timelines[0].table
    for name, timeline in zip(names[1:], timelines[1:], strict=True):
        _check_same_columns(names[0], first, name, timeline.table)
    store = SeriesStore([t.table.values for t in timelines], names)
    runs: list[Run] = []
    run_groups: list[Hashable] = []
    for number, (name, timeline) in enumerate(zip(names, timelines, strict=True)):
        offset = int(store.offsets[number])
        runs.extend((offset + begin, offset + end) for begin, end in timeline.runs)
        run_groups.extend([name] * len(timeline.runs))
    missing = None
    if any(t.table.missing_rows is not None for t in timelines):
        missing = np.concatenate(
            [
                np.zeros(t.n_rows, dtype=bool) if t.table.missing_rows is None
                else t.table.missing_rows
                for t in timelines
            ]
        )  # fmt: skip
    table = Table(
        values=cast(np.ndarray, store),
        names=first.names,
        index=_panel_index(names, [t.table.index for t in timelines]),
        feature_cols=first.feature_cols,
        target_cols=first.target_cols,
        missing_rows=missing,
        future_cols=first.future_cols,
        static_cols=first.static_cols,
    )
    return Timeline(table, tuple(runs), tuple(run_groups), PANEL_LEVEL, (PANEL_LEVEL,))


def _read_array_panel(
    items: list[tuple[Hashable, Any]],
    *,
    features: ColumnSelection,
    targets: ColumnSelection,
    future: ColumnSelection,
    dropna: bool,
) -> Timeline | None:
    """Read the common panel at once: in-memory numpy arrays alike in ndim, columns, dtype.

    The first series is validated as a table (the column selections, the dtype rules);
    the rest are checked together over their concatenation (empty series, NaN and
    infinite values, integers beyond float32), which becomes the panel's row store.
    Returns ``None`` for any other panel, and for one that fails a check: reading it
    series by series then raises the error that names the series.
    """
    arrays = [item for _, item in items]
    first = arrays[0]
    if first.__class__ is not np.ndarray or first.ndim not in (1, 2):
        return None
    if first.dtype.kind not in "biuf":
        return None
    shape, dtype = first.shape[1:], first.dtype
    file_backed: dict[int, bool] = {}  # by base array: the series are often views of one
    for a in arrays:
        if a.__class__ is not np.ndarray or a.shape[1:] != shape or a.dtype != dtype:
            return None
        base = a.base
        if base is not None:
            known = file_backed.get(id(base))
            if known is None:
                known = file_backed[id(base)] = is_file_backed(base)
            if known:
                return None
    lengths = np.fromiter((a.shape[0] for a in arrays), np.int64, len(arrays))
    n_cols = 1 if first.ndim == 1 else int(shape[0])
    if not lengths.all() or int(lengths.sum()) * n_cols * 8 > max_copy_bytes():
        return None
    names = [name for name, _ in items]
    head = as_table(
        first, features=features, targets=targets, future=future, allow_nan=dropna,
        param=f"data[{names[0]!r}]",
    )  # fmt: skip
    rows = np.concatenate(arrays, axis=0).reshape(int(lengths.sum()), n_cols)
    used = list(cast(tuple[int, ...], head.names))
    if used != list(range(n_cols)):
        rows = rows[:, used]
    if dtype.kind in "iu" and dtype.itemsize > 2:  # each series' floats: float32 if exact
        largest = max(abs(int(rows.min())), abs(int(rows.max())))
        if largest > FLOAT32_EXACT:
            return None
    values = readonly(rows.astype(head.values.dtype, copy=False))
    missing = None
    if not all_finite(values):
        if not dropna or np.isinf(values).any():
            return None
        missing = ~np.isfinite(values).all(axis=1)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    store = SeriesStore([values[a:b] for a, b in pairwise(offsets.tolist())], names, values)
    if missing is None:
        runs: list[Run] = list(zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True))
        run_groups: list[Hashable] = names
    else:
        breaks = np.zeros(len(values) - 1, dtype=bool)
        breaks[offsets[1:-1] - 1] = True
        runs = runs_between_breaks(len(values), breaks, missing)
        begins = np.array([begin for begin, _ in runs], dtype=np.int64)
        run_groups = [names[k] for k in store.series_of(begins).tolist()]
    table = Table(
        values=cast(np.ndarray, store),
        names=head.names,
        index=None,
        feature_cols=head.feature_cols,
        target_cols=head.target_cols,
        missing_rows=missing,
        future_cols=head.future_cols,
        static_cols=(),
    )
    return Timeline(table, tuple(runs), tuple(run_groups), PANEL_LEVEL, (PANEL_LEVEL,))


def keep_panel(before: Timeline, after: Timeline) -> Timeline:
    """Read a panel as its series again after a step made one array of it (a transform).

    The one array is what that step allocated anyway; the series become views of it, so
    batches, ``to_frame`` and ``explain`` still see the panel's series.
    """
    store = store_of(before.table.values)
    if store is None or store_of(after.table.values) is not None:
        return after
    values = cast(np.ndarray, store.split_like(np.asarray(after.table.values)))
    return after.with_values(values)


def _check_same_columns(first_name: Hashable, first: Table, name: Hashable, table: Table) -> None:
    if table.names != first.names:
        raise ShapeError(
            f"Every series of a panel needs the same columns in the same order, so that "
            f"`features` and `targets` pick the same ones: `data[{first_name!r}]` has "
            f"{listed(map(repr, first.names), limit=8)} but `data[{name!r}]` has "
            f"{listed(map(repr, table.names), limit=8)}. Select the same columns from each "
            "(for example `frame[columns]`)."
        )


def _panel_index(names: list[Hashable], indexes: list[pd.Index | None]) -> pd.Index | None:
    """Return the series' indexes one after another (``None`` for arrays), if alike."""
    given = [index is not None for index in indexes]
    if not any(given):
        return None
    kinds = {type(index).__name__ for index in indexes}
    zones = [getattr(index, "tz", None) for index in indexes]
    if not all(given) or len(kinds) > 1 or len({str(zone) for zone in zones}) > 1:
        described = [
            "no index (an array)" if index is None
            else f"a {type(index).__name__}" + (f" ({zone})" if zone is not None else "")
            for index, zone in zip(indexes, zones, strict=True)
        ]  # fmt: skip
        pairs = [f"data[{n!r}]: {d}" for n, d in zip(names, described, strict=True)]
        raise ShapeError(
            "The series of a panel must be indexed alike (all arrays, or all pandas objects "
            "with the same kind of index and time zone), so that `to_frame` can index them "
            f"together. Received: {listed(dict.fromkeys(pairs), sep='; ', limit=4)}"
        )
    present = [index for index in indexes if index is not None]
    if len(present) == 1:
        return present[0]
    joined = joined_index(present)  # a file's series: slices of one index, without a copy
    return present[0].append(present[1:]) if joined is None else joined


def plan_windows(
    timeline: Timeline, framing: Framing, min_history: int | None = None
) -> WindowPlan:
    """Place windows in every run; raise if none fits, warn about groups left without any.

    With ``min_history``, windows may also start before a run, padded (see ``make_plan``).
    """
    plan = make_plan(
        framing, timeline.n_rows, timeline.runs, timeline.run_groups, min_history=min_history
    )
    if plan.n_samples == 0 and min_history is not None:
        raise ShapeError(_too_short_for_history(timeline, framing, min_history))
    if plan.n_samples == 0:
        raise ShapeError(_too_short_message(timeline, framing))
    if timeline.run_groups:
        panel = store_of(timeline.table.values) is not None
        _warn_about_empty_groups(plan, None if panel else _keys_in_words(timeline.group_keys))
    return plan


def _too_short_for_history(timeline: Timeline, framing: Framing, min_history: int) -> str:
    longest = max((end - begin for begin, end in timeline.runs), default=0)
    need = framing.fewest_rows(min_history)
    return (
        f"Cannot make windows with {framing.parameters_in_words()} and "
        f"min_history={min_history}: the longest series (or run between gaps and missing "
        f"values) has {plural(longest, 'row')}, and even a padded window needs at least "
        f"{plural(need, 'row')}: {min_history} real input step(s) and the targets after "
        "them. Lower `min_history`, or the horizon."
    )


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
    if store_of(timeline.table.values) is not None and one_run_per_group:
        pieces = "series of the panel"
    elif timeline.group_by is not None and one_run_per_group:
        pieces = f"group of `{_keys_in_words(timeline.group_keys)}`"
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
        what = (
            f"{len(skipped)} series of the panel" if group_by is None
            else f"{plural(len(skipped), 'group')} of `{group_by}`"
        )  # fmt: skip
        k = plan.min_history
        need = (
            plan.framing.rows_needed() if k is None
            else f"{plural(plan.framing.fewest_rows(k), 'row')} (min_history={k} real input "
            "steps and the targets)"
        )  # fmt: skip
        warnings.warn(
            f"Skipped {what} too short for one window of {need}: {listed(map(repr, skipped))}.",
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


def group_keys_of(data: Any, group_by: Any) -> tuple[Hashable, ...]:
    """Return the group keys ``group_by`` names: one column, or a list (tuple) of them.

    A tuple that is itself a column of ``data`` (MultiIndex columns) is that one column. A
    list of one key is that key. Refuses an empty list, a repeated key and a key that is
    not a column (naming it, with the columns there are).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            "`group_by` names a column, so `data` must be a pandas DataFrame. "
            f"Received: data of type {type(data).__name__}"
        )
    several = isinstance(group_by, list) or (
        isinstance(group_by, tuple) and group_by not in data.columns
    )
    if not several:
        if not isinstance(group_by, Hashable):
            raise TypeError(
                "`group_by` must be the name of one column, or a list of column names. "
                f"{received_type('group_by', group_by)}"
            )
        keys: tuple[Hashable, ...] = (group_by,)
    else:
        keys = tuple(group_by)
        if not keys:
            raise ShapeError(
                "`group_by` is an empty list: name at least one column whose values tell "
                f"series apart (for example group_by=['store', 'item']). "
                f"{received('group_by', group_by)}"
            )
        unhashable = [key for key in keys if not isinstance(key, Hashable)]
        if unhashable:
            raise TypeError(
                "`group_by` must be a column name or a list of column names; the list holds "
                f"{listed(type(k).__name__ for k in unhashable)}. "
                f"{received('group_by', group_by)}"
            )
        repeated = [key for key, n in Counter(keys).items() if n > 1]
        if repeated:
            raise ShapeError(
                f"`group_by` names {listed(map(repr, repeated))} more than once: each key "
                f"is one level of the series' labels. Name each column once. "
                f"{received('group_by', group_by)}"
            )
    levels = [name for name in data.index.names if name is not None]
    for key in keys:
        if key not in data.columns:
            which = "a column" if len(keys) == 1 else f"key {key!r}, a column"
            in_index = [k for k in keys if k in levels and k not in data.columns]
            level: Any = in_index[0] if len(in_index) == 1 else in_index
            hint = (
                f" {key!r} is an index level of `data`, not a column: move the key(s) into "
                f"the columns with `data.reset_index(level={level!r})`."
                if key in in_index
                else did_you_mean(key, list(data.columns))
            )
            raise ShapeError(
                f"`group_by` names {which} that `data` does not have: {key!r}.{hint} "
                f"Available columns: {listed(map(repr, data.columns), limit=20)}."
            )
    return keys


def _keys_in_words(keys: tuple[Hashable, ...]) -> str:
    """``store`` for one key, ``store, item`` for several (inside backquotes)."""
    return ", ".join(str(key) for key in keys)


def _refuse_keys_in_roles(table: Table, keys: tuple[Hashable, ...]) -> None:
    """Refuse a group key that is also a feature, target or covariate (several keys)."""
    roles = {
        "features": table.feature_cols,
        "targets": table.target_cols,
        "future": table.future_cols,
        "static": table.static_cols,
    }
    for role, cols in roles.items():
        both = [table.names[c] for c in cols if table.names[c] in set(keys)]
        if both:
            raise ShapeError(
                f"Column(s) {listed(map(repr, both))} are both a `group_by` key and "
                f"`{role}`: a key names the series, its value is the same on every row of "
                f"one, so it is not an input or a target. Leave it out of `{role}` (a key "
                f"that carries information can be a `static` covariate under another name, "
                f"a copy of the column). Received: group_by={list(keys)!r}, "
                f"{role}={[table.names[c] for c in cols]!r}"
            )


def _order_by_group(
    data: pd.DataFrame, keys: tuple[Hashable, ...]
) -> tuple[pd.DataFrame, np.ndarray, list[Hashable]]:
    """Sort rows by group, keeping time order inside each group (a stable sort).

    Groups are ordered by their sorted labels; with several keys, by the tuple of labels
    (the first key first), as ``data.groupby(keys, sort=True)`` orders them. With several
    keys every group label is a tuple (one value per key).
    """
    refuse_date_columns(data, ignore=keys)  # dates as group keys are fine
    all_codes: list[np.ndarray] = []
    all_names: list[list[Hashable]] = []
    for key in keys:
        labels = data[key]
        if labels.isna().any():
            first = int(np.flatnonzero(labels.isna().to_numpy())[0])
            what = f"{key!r} (`group_by`)" if len(keys) == 1 else f"{key!r} (a `group_by` key)"
            raise ShapeError(
                f"Column {what} has a missing group label at row {first} "
                f"({int(labels.isna().sum())} of {len(labels)} rows are missing); every row "
                "must belong to a group. Drop those rows or fill the labels first."
            )
        try:
            key_codes, key_names = pd.factorize(labels, sort=True)
        except TypeError as error:  # unhashable labels (lists, dicts): say which key
            raise TypeError(
                f"Column {key!r} (a `group_by` key) holds labels that cannot name a series "
                f"({error}): every label must be hashable, such as a string, a number or a "
                f"tuple. Convert them first, for example `data[{key!r}].map(tuple)` or "
                f"`.astype(str)`. {received('group_by', keys[0] if len(keys) == 1 else list(keys))}"
            ) from None
        all_codes.append(key_codes)
        all_names.append(list(key_names))
    names: list[Hashable]
    if len(keys) == 1:
        codes, names = all_codes[0], all_names[0]
    else:  # the tuples of codes, in lexicographic order (each key's codes are sorted)
        sizes = [len(level) for level in all_names]
        if math.prod(sizes) < 2**62:  # one number per tuple (mixed radix): same order
            combined = np.ravel_multi_index(tuple(all_codes), sizes)
            unique_numbers, codes = np.unique(combined, return_inverse=True)
            unique = np.stack(np.unravel_index(unique_numbers, sizes), axis=1)
        else:
            unique, codes = np.unique(np.stack(all_codes, axis=1), axis=0, return_inverse=True)
        codes = codes.reshape(-1)
        names = [
            tuple(level[c] for level, c in zip(all_names, combination, strict=True))
            for combination in unique.tolist()
        ]
    if (codes[1:] >= codes[:-1]).all():  # already grouped in order (the common layout)
        return data, codes, names
    order = np.argsort(codes, kind="stable")
    return data.iloc[order], codes[order], names


def _check_order_within_groups(
    index: pd.Index | None, codes: np.ndarray, names: list[Hashable]
) -> None:
    if index is None:
        return
    parsed = parsed_text_dates(index)  # text dates: parsed once, not per group
    index = index if parsed is None else parsed
    if not isinstance(index, TIME_INDEXES):
        return  # only time indexes are checked (check_time_order)
    if not index.hasnans:  # one pass of numpy: strictly increasing inside every group
        same = codes[1:] == codes[:-1]
        if (np.diff(index.asi8)[same] > 0).all():
            return
    bounds = np.flatnonzero(np.diff(codes)) + 1  # find the group to name, group by group
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
