"""Scalers with scikit-learn's interface: fitted on training rows only, applied to all rows.

lstmshape writes no scalers of its own. A scaler sees the table's used columns (features
and targets together, in the data's column order) and must scale each column on its own,
as scikit-learn's MinMaxScaler, StandardScaler and RobustScaler do, so that
``to_frame`` can undo it on the target columns alone.

What a scaler returns is checked like user data (same rows and columns, finite values),
because the windows are strided views of it: a scaler that drops rows would otherwise
make them read memory past the end of its output. A scaler fitted on a DataFrame
(scikit-learn records ``feature_names_in_``) is given DataFrames with its own column
names in its own order, so that columns are never matched by position by mistake.

Per-series scaling (``per_series=True`` with ``group_by``) fits one copy of the scaler per
series, on that series' training rows, and keeps them in a dict ``{group: scaler}``; each
series' rows are scaled, and later unscaled, by its own copy.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable
from typing import Any, cast

import numpy as np
import pandas as pd

from .._core.arrays import readonly
from .._core.errors import ShapeError, listed, received_type
from .._plan.plan import Run
from .panel import SeriesStore, store_of
from .table import Table, all_finite, where
from .timeline import Timeline

REQUIRED = ("fit", "transform", "inverse_transform")


def check_scaler(scaler: Any, name: str = "scaler") -> None:
    """Raise a TypeError naming the methods a scaler lacks (``None`` passes).

    A dict of scalers (one per series) passes when each of its values does.
    """
    if scaler is None:
        return
    if isinstance(scaler, dict):
        if not scaler:
            raise ShapeError(f"`{name}` is an empty dict; give one scaler per group.")
        for group, each in scaler.items():
            check_scaler(each, f"{name}[{group!r}]")
        return
    if isinstance(scaler, type):
        raise TypeError(
            f"`{name}` must be a scaler object, not a class: pass `{scaler.__name__}()`. "
            f"{received_type(name, scaler)}"
        )
    missing = [m for m in REQUIRED if not callable(getattr(scaler, m, None))]
    if missing:
        raise TypeError(
            f"`{name}` must have scikit-learn's fit, transform and inverse_transform methods "
            f"(for example sklearn.preprocessing.MinMaxScaler()); it lacks "
            f"{', '.join(missing)}. {received_type(name, scaler)}"
        )


def fit_scaler(
    timeline: Timeline,
    scaler: Any,
    train_rows: list[Run],
    *,
    scale: bool = True,
    series: Hashable | None = None,
) -> tuple[Any, Timeline]:
    """Fit a copy of ``scaler`` on ``train_rows`` only; return it and the scaled timeline.

    The caller's scaler is left as it was (``scale=False``: the timeline is returned as it
    was). Named columns are passed as a DataFrame, so a
    scikit-learn scaler records their names and later calls can be checked against them.
    """
    table = timeline.table
    mask = np.zeros(len(table.values), dtype=bool)
    for begin, end in train_rows:
        mask[begin:end] = True
    if table.missing_rows is not None:
        mask &= ~table.missing_rows
    if not mask.any():
        raise ShapeError(_no_training_rows(series))
    fitted = copy.deepcopy(scaler)
    fitted.fit(_frame_for(table.values[mask], table.names, named=_has_names(table)))
    return fitted, apply_scaler(timeline, fitted, "scaler") if scale else timeline


def _no_training_rows(series: Hashable | None) -> str:
    which = "The training part" if series is None else f"The training part of series {series!r}"
    return (
        f"{which} has no rows to fit the scaler on (after missing values and the rows a "
        "`transform` uses up). Give it more rows: smaller `val`/`test`, or leave out the "
        "series that are this short."
    )


def fit_scaler_per_series(
    timeline: Timeline, scaler: Any, train_rows: dict[Hashable, list[Run]]
) -> tuple[dict[Hashable, Any], Timeline]:
    """Fit one copy of ``scaler`` per series on its own ``train_rows``; scale each series.

    Returns ``{group: fitted copy}`` and the timeline with each series scaled by its copy.
    """
    fitted: dict[Hashable, Any] = {}
    for group, rows in train_rows.items():
        fitted[group], _ = fit_scaler(timeline, scaler, rows, scale=False, series=group)
    return fitted, apply_scaler(timeline, fitted, "scaler")


def series_ranges(timeline: Timeline) -> list[tuple[int, int, Hashable | None]]:
    """Return the row range of each group (its rows are contiguous), or of the whole table."""
    if not timeline.run_groups:
        return [(0, timeline.n_rows, None)]
    ranges: dict[Hashable, list[int]] = {}
    for (begin, end), group in zip(timeline.runs, timeline.run_groups, strict=True):
        span = ranges.setdefault(group, [begin, end])
        span[0], span[1] = min(span[0], begin), max(span[1], end)
    return [(b, e, g) for g, (b, e) in ranges.items()]


def apply_scaler(timeline: Timeline, fitted: Any, name: str = "fitted_scaler") -> Timeline:
    """Transform every row with an already fitted scaler, and check what it returns.

    A dict ``{group: scaler}`` scales the rows of each series of ``group_by`` with its own.
    A panel (a list of series) is scaled series by series into new arrays, one per series:
    the scaled values are in memory (its memory maps are read once, not kept).
    """
    store = store_of(timeline.table.values)
    if store is not None:
        return _apply_to_panel(timeline, store, fitted, name)
    if isinstance(fitted, dict):
        return _apply_per_series(timeline, fitted, name)
    return timeline.with_values(_scaled(timeline.table, fitted, name))


def _apply_to_panel(timeline: Timeline, store: SeriesStore, fitted: Any, name: str) -> Timeline:
    """Scale each series of a panel on its own (with its own scaler for a dict)."""
    table = timeline.table
    with_runs = set(timeline.run_groups)
    arrays = []
    for number, (series, array) in enumerate(zip(store.names, store.arrays, strict=True)):
        scaler, label = fitted, name
        if isinstance(fitted, dict):
            if series not in fitted and series not in with_runs:
                arrays.append(array)  # no row of it is ever read (all missing)
                continue
            if series not in fitted:
                raise ShapeError(
                    f"`{name}` has no scaler for series {series!r}; it has scalers for "
                    f"{listed(map(repr, fitted))}. Fit them on a panel with the same series."
                )
            scaler, label = fitted[series], f"{name}[{series!r}]"
        begin, end = int(store.offsets[number]), int(store.offsets[number + 1])
        part = Table(
            array,
            table.names,
            None if table.index is None else table.index[begin:end],
            table.feature_cols,
            table.target_cols,
            None if table.missing_rows is None else table.missing_rows[begin:end],
        )
        arrays.append(_scaled(part, scaler, label))
    return timeline.with_values(cast(np.ndarray, store.with_arrays(arrays)))


def _apply_per_series(timeline: Timeline, fitted: dict[Hashable, Any], name: str) -> Timeline:
    if not timeline.run_groups:
        example = repr(next(iter(fitted))) if fitted else "key"
        raise ShapeError(
            f"`{name}` is a dict of scalers, one per series, which needs `group_by`; these "
            f"windows have no groups. Pass the same `group_by` as when it was fitted, or for "
            f"one series (as `forecast` reads) its own scaler, "
            f"`{name}={name}[{example}]`. "
            f"Received: {name} with keys {listed(map(repr, fitted))}"
        )
    table = timeline.table
    values = np.array(table.values, copy=True)
    for begin, end, group in series_ranges(timeline):
        if group not in fitted:
            raise ShapeError(
                f"`{name}` has no scaler for group {group!r}; it has scalers for "
                f"{listed(map(repr, fitted))}. Fit them on data with the same groups."
            )
        missing = None if table.missing_rows is None else table.missing_rows[begin:end]
        part = Table(
            table.values[begin:end],
            table.names,
            None if table.index is None else table.index[begin:end],
            table.feature_cols,
            table.target_cols,
            missing,
        )
        values[begin:end] = _scaled(part, fitted[group], f"{name}[{group!r}]")
    return timeline.with_values(values)


def _scaled(table: Table, fitted: Any, name: str) -> np.ndarray:
    """Return ``table``'s values transformed by ``fitted``, checked."""
    order = _scaler_order(fitted, table, name)
    given = table.values if order is None else table.values[:, order]
    names = table.names if order is None else tuple(table.names[i] for i in order)
    scaled = _call(fitted, "transform", _frame_for(given, names, named=order is not None), name)
    scaled = _check_output(scaled, given.shape, name, "transform", table.values.dtype)
    if order is not None:
        scaled = scaled[:, np.argsort(order)]
    _check_finite_output(scaled, table, name)
    return scaled


def inverse_scale(
    fitted: Any, values: np.ndarray, names: tuple[Hashable, ...], target_cols: tuple[int, ...]
) -> np.ndarray:
    """Undo ``fitted`` on the target columns of ``values`` (the other columns are zeros).

    ``values`` has the target columns on its last axis; the result has its shape.
    """
    flat = values.reshape(-1, len(target_cols))
    full = np.zeros((len(flat), len(names)))
    full[:, list(target_cols)] = flat
    table = Table(full, names, None, (), target_cols)
    order = _scaler_order(fitted, table, "scaler")
    given = full if order is None else full[:, order]
    given_names = names if order is None else tuple(names[i] for i in order)
    restored = _call(
        fitted,
        "inverse_transform",
        _frame_for(given, given_names, named=order is not None),
        "scaler",
    )
    restored = _check_output(restored, given.shape, "scaler", "inverse_transform", np.float64)
    if order is not None:
        restored = restored[:, np.argsort(order)]
    return restored[:, list(target_cols)].reshape(values.shape)


def _scaler_order(fitted: Any, table: Table, name: str) -> list[int] | None:
    """Positions of the scaler's columns in ``table`` (by name, when it recorded names)."""
    expected = getattr(fitted, "n_features_in_", None)
    recorded = getattr(fitted, "feature_names_in_", None)
    if recorded is not None:
        recorded = [str(n) for n in recorded]
        have = [str(n) for n in table.names]
        missing = [n for n in recorded if n not in have]
        extra = [n for n in have if n not in recorded]
        if missing or extra:
            raise ShapeError(
                f"`{name}` was fitted on the columns {listed(map(repr, recorded))}, but these "
                f"windows use {listed(map(repr, have))}"
                + (f"; missing: {listed(map(repr, missing))}" if missing else "")
                + (f"; not fitted: {listed(map(repr, extra))}" if extra else "")
                + ". Select the same features and targets as when the scaler was fitted."
            )
        return [have.index(n) for n in recorded]
    if expected is not None and expected != table.values.shape[1]:
        raise ShapeError(
            f"`{name}` was fitted on {expected} columns, but these windows use "
            f"{table.values.shape[1]} ({listed(map(repr, table.names), limit=4)}): the "
            "features and targets together, in the data's column order. Select the same "
            "columns as when the scaler was fitted (for example by split())."
        )
    return None


def _check_finite_output(scaled: np.ndarray, table: Table, name: str) -> None:
    """Refuse NaN or inf a scaler made (it may keep the NaN of missing rows)."""
    if all_finite(scaled):
        return
    bad = ~np.isfinite(scaled)
    if table.missing_rows is not None:
        bad &= ~table.missing_rows[:, None]
    if not bad.any():
        return
    row, col = (int(i) for i in np.argwhere(bad)[0])
    raise ShapeError(
        f"`{name}.transform` returned {scaled[row, col]} at {where(row, table.index)}, column "
        f"{table.names[col]!r} (from the value {table.values[row, col]}); LSTMs cannot learn "
        "from NaN or infinite values. Check that the scaler suits the data: a log of zero or "
        "of a negative value gives -inf or NaN."
    )


def _has_names(table: Table) -> bool:
    return table.index is not None and all(isinstance(n, str) for n in table.names)


def _frame_for(values: np.ndarray, names: tuple[Hashable, ...], *, named: bool) -> Any:
    """Return a DataFrame with the column names for a scaler that works by name."""
    if named:
        return pd.DataFrame(np.asarray(values), columns=[str(n) for n in names])
    return np.asarray(values)


def _call(fitted: Any, method: str, values: Any, name: str) -> Any:
    try:
        return getattr(fitted, method)(values)
    except (ValueError, TypeError, AttributeError) as error:
        raise ShapeError(
            f"`{name}.{method}` failed on these windows' columns: {error}. Is it fitted, and "
            "on the same columns?"
        ) from error


def _check_output(
    output: Any, shape: tuple[int, ...], name: str, method: str, dtype: Any
) -> np.ndarray:
    """Check that a scaler returned a real 2-D array of ``shape``; return it as ``dtype``."""
    try:
        array = np.asarray(output)
    except (ValueError, TypeError):
        array = np.asarray(output, dtype=object)
    if array.shape != shape:
        raise ShapeError(
            f"`{name}.{method}` returned an array of shape {array.shape} for input of shape "
            f"{shape}: a scaler must keep every row and column, or the windows would be cut "
            "from other rows than the data's."
        )
    if not (np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)):
        raise TypeError(
            f"`{name}.{method}` returned values of dtype {array.dtype}; a scaler must return "
            "numbers."
        )
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"`{name}.{method}` returned complex values; a scaler must return reals.")
    return readonly(np.array(array, dtype=dtype))
