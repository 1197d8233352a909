"""Turn what users pass (lists, arrays, Series, DataFrames) into one validated 2-D table.

Everything public validates through here, so that a bad input gets the same message
whichever function it was passed to. Nothing in this module changes the caller's data:
conversions copy, and the arrays returned are read-only.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from ._errors import ShapeError, plural, received, received_type

ColumnSelection: TypeAlias = "Hashable | Sequence[Hashable] | None"

#: How many offending rows a message lists before it says "and N more".
_MAX_LISTED = 5


def check_int(value: Any, name: str, *, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer ``>= minimum``.

    >>> check_int(3, "lookback", minimum=1)
    3
    >>> check_int(0, "lookback", minimum=1)
    Traceback (most recent call last):
    ...
    lstmshape.ShapeError: `lookback` must be at least 1. Received: lookback=0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer. {received_type(name, value)}")
    if value < minimum:
        raise ShapeError(f"`{name}` must be at least {minimum}. {received(name, int(value))}")
    return int(value)


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (Python or numpy), else raise :class:`TypeError`."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False. {received_type(name, value)}")
    return bool(value)


@dataclass(frozen=True)
class Table:
    """A validated 2-D numeric table: rows are time in order, columns are the used columns.

    Attributes
    ----------
    values
        Read-only array of shape ``(rows, columns)``, floating dtype. For a floating numpy
        array whose columns are all used, this is a view of the caller's array (no copy).
    names
        One label per column of ``values``: DataFrame column names, a Series' name, or
        integer positions for arrays.
    index
        The pandas index of the rows, or ``None`` for numpy and list input.
    feature_cols, target_cols
        Positions in ``values`` of the selected features and targets, in the order asked.
    missing_rows
        Boolean mask of rows holding a NaN, or ``None`` when there are none.
    """

    values: np.ndarray
    names: tuple[Hashable, ...]
    index: pd.Index | None
    feature_cols: tuple[int, ...]
    target_cols: tuple[int, ...]
    missing_rows: np.ndarray | None = None

    @property
    def feature_names(self) -> tuple[Hashable, ...]:
        """Labels of the feature columns."""
        return tuple(self.names[c] for c in self.feature_cols)

    @property
    def target_names(self) -> tuple[Hashable, ...]:
        """Labels of the target columns."""
        return tuple(self.names[c] for c in self.target_cols)

    def row_label(self, row: int) -> str:
        """Describe a row for messages: ``"row 3"`` or ``"row 3 (index 2020-01-04)"``."""
        if self.index is None:
            return f"row {row}"
        return f"row {row} (index {_format_label(self.index[row])})"


def as_table(
    data: Any,
    *,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    exclude: Sequence[Hashable] = (),
    allow_nan: bool = False,
    check_order: bool = True,
    param: str = "data",
) -> Table:
    """Validate ``data`` and the column selections; return a :class:`Table`.

    ``exclude`` names columns that default selections leave out (a ``group_by`` column).
    With ``allow_nan=True``, NaN values are allowed and reported in ``missing_rows``;
    infinite values are always an error. ``check_order=False`` leaves the time order of
    the index to the caller (grouped data checks it group by group).
    """
    source, labels, index = _as_source(data, param)
    n_rows, n_cols = source.shape
    if n_rows == 0:
        raise ShapeError(
            f"`{param}` is empty: it has 0 rows, and windows need at least one row. "
            f"Received: {param} of shape {source.shape}"
        )
    if n_cols == 0:
        raise ShapeError(
            f"`{param}` has no columns: windows need at least one feature. "
            f"Received: {param} of shape {source.shape}"
        )
    by_name = isinstance(source, pd.DataFrame)
    excluded = set(exclude)
    default = [i for i, label in enumerate(labels) if label not in excluded]
    feature_pos = _select(features, labels, default, "features", by_name=by_name)
    target_pos = _select(targets, labels, default, "targets", by_name=by_name)
    used = sorted(set(feature_pos) | set(target_pos))

    dtype = _common_float_dtype(source, used, labels, param)
    values = _take_columns(source, used, dtype)
    values.flags.writeable = False
    names = tuple(labels[i] for i in used)
    position = {source: i for i, source in enumerate(used)}

    if index is not None and check_order:
        check_time_order(index, param)
    missing = _check_finite(values, names, index, allow_nan=allow_nan, param=param)
    return Table(
        values=values,
        names=names,
        index=index,
        feature_cols=tuple(position[i] for i in feature_pos),
        target_cols=tuple(position[i] for i in target_pos),
        missing_rows=missing,
    )


def as_float_array(data: Any, param: str = "data") -> np.ndarray:
    """Return ``data`` as a read-only floating array of any ndim (ints and bools as float32).

    Used by :func:`lstmshape.to_3d`, which decides by ndim itself.
    """
    if isinstance(data, (pd.DataFrame, pd.Series)):
        _check_numeric_frame(data, param)
        data = data.to_numpy()
    array = _asarray(data, param)
    _check_numeric_dtype(array.dtype, f"`{param}`", param)
    if array.size == 0:
        raise ShapeError(
            f"`{param}` is empty: there is nothing to reshape. "
            f"Received: {param} of shape {array.shape}"
        )
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float32)
    view = array.view()
    view.flags.writeable = False
    if not np.isfinite(view).all():
        position = tuple(int(i) for i in np.argwhere(~np.isfinite(view))[0])
        value = view[position]
        raise ShapeError(
            f"`{param}` contains {_nan_or_inf(value)} at position {position}; LSTMs cannot "
            "learn from missing or infinite values. Fill or drop them first."
        )
    return view


def check_time_order(index: pd.Index, param: str = "data") -> None:
    """Raise unless a DatetimeIndex (or PeriodIndex) is strictly increasing.

    Other indexes are not checked: their rows are taken to be in time order as given.
    """
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or len(index) < 2:
        return
    if index.hasnans:
        first = int(np.flatnonzero(index.isna())[0])
        raise ShapeError(
            f"The index of `{param}` has a missing timestamp (NaT) at row {first}; every row "
            "needs a time. Drop those rows first, for example `data[data.index.notna()]`."
        )
    if index.is_monotonic_increasing and index.is_unique:
        return
    if index.is_monotonic_decreasing and index.is_unique:
        raise ShapeError(
            f"The index of `{param}` runs backwards in time (newest first: "
            f"{_format_label(index[0])} ... {_format_label(index[-1])}); windows would read "
            "time backwards. Sort it oldest first with `data.sort_index()`."
        )
    duplicated = index[index.duplicated()]
    if len(duplicated):
        listed = ", ".join(_format_label(t) for t in duplicated[:_MAX_LISTED])
        raise ShapeError(
            f"The index of `{param}` has {plural(len(duplicated), 'duplicated timestamp')} "
            f"({listed}); each time step must appear once. Remove or aggregate the duplicates, "
            "for example `data.groupby(level=0).mean()`, then `sort_index()`."
        )
    step = np.flatnonzero(np.diff(index.asi8) < 0)[0] if hasattr(index, "asi8") else 0
    raise ShapeError(
        f"The index of `{param}` is not in time order: row {step + 1} "
        f"({_format_label(index[step + 1])}) comes before row {step} "
        f"({_format_label(index[step])}). Sort it with `data.sort_index()`."
    )


def _as_source(
    data: Any, param: str
) -> tuple[np.ndarray | pd.DataFrame, list[Hashable], pd.Index | None]:
    """Return a 2-D array or DataFrame, its column labels and its index (None for arrays)."""
    if isinstance(data, pd.DataFrame):
        return data, list(data.columns), data.index
    if isinstance(data, pd.Series):
        label = 0 if data.name is None else data.name
        return data.to_frame(name=label), [label], data.index
    array = _asarray(data, param)
    if array.ndim == 0:
        raise ShapeError(
            f"`{param}` must be a 1-D series or a 2-D (rows, features) table, not a scalar. "
            f"Received: {param}={array.item()!r}"
        )
    if array.ndim == 3:
        raise ShapeError(
            f"`{param}` is already 3-D {array.shape}: windows are cut from a 1-D series or a "
            "2-D (rows, features) table. If it already is (samples, timesteps, features), "
            "use it as it is (see `lstmshape.to_3d`)."
        )
    if array.ndim > 3:
        raise ShapeError(
            f"`{param}` must be 1-D (rows,) or 2-D (rows, features). "
            f"Received: {param} with {array.ndim} dimensions, shape {array.shape}"
        )
    if array.ndim == 1:
        array = array[:, None]
    return array, list(range(array.shape[1])), None


def _asarray(data: Any, param: str) -> np.ndarray:
    if isinstance(data, (str, bytes, dict, set)) or data is None:
        raise TypeError(
            f"`{param}` must be an array, a list of numbers, a pandas Series or a DataFrame. "
            f"{received_type(param, data)}"
        )
    try:
        return np.asarray(data)
    except ValueError as error:
        raise TypeError(
            f"`{param}` could not be read as a rectangular array ({error}). Check that every "
            f"row has the same number of values. Received: {param} of type {type(data).__name__}"
        ) from None


def _select(
    selection: ColumnSelection,
    labels: list[Hashable],
    default: list[int],
    param: str,
    *,
    by_name: bool,
) -> list[int]:
    """Resolve a column selection to positions; names for pandas, positions for arrays."""
    if selection is None:
        if not default:
            raise ShapeError(f"`data` has no columns left to use as {param}.")
        return default
    is_single = isinstance(selection, (str, bytes, numbers.Integral)) or not isinstance(
        selection, Sequence | pd.Index | np.ndarray
    )
    chosen: list[Any] = [selection] if is_single else list(selection)  # type: ignore[call-overload]
    if not chosen:
        raise ShapeError(
            f"`{param}` selects no columns; select at least one, or leave it as None for all. "
            f"{received(param, selection)}"
        )
    positions = [_position(item, labels, param, by_name=by_name) for item in chosen]
    if len(set(positions)) != len(positions):
        repeated = sorted({labels[p] for p in positions if positions.count(p) > 1}, key=str)
        raise ShapeError(
            f"`{param}` names a column more than once ({', '.join(map(repr, repeated))}). "
            f"{received(param, selection)}"
        )
    return positions


def _position(item: Any, labels: list[Hashable], param: str, *, by_name: bool) -> int:
    if by_name:
        try:
            return labels.index(item)
        except ValueError:
            available = ", ".join(repr(label) for label in labels[:20])
            more = f" and {len(labels) - 20} more" if len(labels) > 20 else ""
            raise ShapeError(
                f"`{param}` names a column that `data` does not have: {item!r}. "
                f"Available columns: {available}{more}."
            ) from None
    if isinstance(item, bool) or not isinstance(item, numbers.Integral):
        raise TypeError(
            f"`{param}` must hold integer column positions for array input (column names "
            f"work for pandas DataFrames). {received_type(param, item)}"
        )
    n_cols = len(labels)
    item = int(item)
    if not -n_cols <= item < n_cols:
        raise ShapeError(
            f"`{param}` has column position {item}, but `data` has "
            f"{plural(n_cols, 'column')} (positions 0 to {n_cols - 1})."
        )
    return item % n_cols


def _common_float_dtype(
    source: np.ndarray | pd.DataFrame, used: list[int], labels: list[Hashable], param: str
) -> np.dtype[Any]:
    """Return the dtype the used columns become: floats keep theirs, ints and bools float32."""
    if isinstance(source, np.ndarray):
        _check_numeric_dtype(source.dtype, f"`{param}`", param)
        dtypes = [source.dtype]
    else:
        dtypes = [_column_dtype(source.dtypes.iloc[i], labels[i], param) for i in used]
    floats = [d for d in dtypes if np.issubdtype(d, np.floating)]
    return np.result_type(*floats) if floats else np.dtype(np.float32)


def _column_dtype(dtype: Any, label: Hashable, param: str) -> np.dtype[Any]:
    """Return the numpy dtype of one DataFrame column, or raise if it is not numeric."""
    what = f"Column {label!r} of `{param}`"
    if pd.api.types.is_bool_dtype(dtype):
        return np.dtype(bool)
    if isinstance(dtype, np.dtype):
        _check_numeric_dtype(dtype, what, param)
        return dtype
    if pd.api.types.is_numeric_dtype(dtype) and hasattr(dtype, "numpy_dtype"):
        return np.dtype(dtype.numpy_dtype)  # nullable Int64, Float32, ...
    if isinstance(dtype, pd.DatetimeTZDtype):
        _check_numeric_dtype(np.dtype("datetime64[ns]"), what, param)
    raise TypeError(
        f"{what} has non-numeric dtype {dtype} (text, categories or objects); LSTM input must "
        "be numeric. Leave such columns out with `features=` / `targets=`, or convert them."
    )


def _check_numeric_frame(data: pd.DataFrame | pd.Series, param: str) -> None:
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    for label, dtype in frame.dtypes.items():
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(
                f"Column {label!r} of `{param}` has dtype {dtype}; LSTM input must be numeric. "
                "Convert it, or drop it before reshaping."
            )
        if pd.api.types.is_complex_dtype(dtype):
            _check_numeric_dtype(np.dtype(complex), f"Column {label!r} of `{param}`", param)


def _check_numeric_dtype(dtype: np.dtype[Any], what: str, param: str) -> None:
    if np.issubdtype(dtype, np.complexfloating):
        raise TypeError(
            f"{what} has complex dtype {dtype}; LSTMs take real numbers. Split it into real and "
            "imaginary parts (`np.real`, `np.imag`) as two features."
        )
    if np.issubdtype(dtype, np.datetime64) or np.issubdtype(dtype, np.timedelta64):
        raise TypeError(
            f"{what} has dtype {dtype} (times); time belongs in the index, not in the features. "
            "Set it as the index (`df.set_index('Date')`) or leave it out with `features=`."
        )
    if not (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)):
        raise TypeError(
            f"{what} has non-numeric dtype {dtype} (text or objects); LSTM input must be "
            "numeric. Leave such columns out with `features=` / `targets=`, or convert them."
        )


def _take_columns(
    source: np.ndarray | pd.DataFrame, used: list[int], dtype: np.dtype[Any]
) -> np.ndarray:
    """Return the used columns as ``dtype``: a view when nothing needs converting."""
    n_cols = source.shape[1]
    if isinstance(source, pd.DataFrame):
        columns = source if used == list(range(n_cols)) else source.iloc[:, used]
        # Nullable columns hold pd.NA for missing values; they become NaN here.
        return columns.to_numpy(dtype=dtype, na_value=np.nan)
    if source.dtype == dtype and used == list(range(n_cols)):
        return source.view()
    columns = source if used == list(range(n_cols)) else source[:, used]
    return np.asarray(columns, dtype=dtype)


def _check_finite(
    values: np.ndarray,
    names: tuple[Hashable, ...],
    index: pd.Index | None,
    *,
    allow_nan: bool,
    param: str,
) -> np.ndarray | None:
    if _all_finite(values):
        return None
    finite = np.isfinite(values)
    infinite = np.isinf(values)
    if infinite.any():
        row, col = (int(i) for i in np.argwhere(infinite)[0])
        raise ShapeError(
            f"`{param}` has an infinite value at {_where(row, index)}, column {names[col]!r}; "
            "LSTMs cannot learn from it. Replace it (for example with NaN, then fill) first."
        )
    missing_rows = ~finite.all(axis=1)
    if allow_nan:
        return missing_rows
    rows = np.flatnonzero(missing_rows)
    listed = "; ".join(
        f"{_where(int(r), index)} in column {_nan_columns(values[r], names)}"
        for r in rows[:_MAX_LISTED]
    )
    more = f" and {len(rows) - _MAX_LISTED} more rows" if len(rows) > _MAX_LISTED else ""
    raise ShapeError(
        f"`{param}` has NaN values in {plural(len(rows), 'row')}: {listed}{more}. LSTMs cannot "
        "learn from missing values: fill them (for example `data.ffill()`), drop them, or pass "
        "`dropna=True` to treat those rows as gaps that no window crosses."
    )


def _all_finite(values: np.ndarray, chunk_rows: int = 1 << 18) -> bool:
    """Check in chunks, so that a huge series needs no full-size temporary mask."""
    return all(
        np.isfinite(values[begin : begin + chunk_rows]).all()
        for begin in range(0, values.shape[0], chunk_rows)
    )


def _nan_columns(row: np.ndarray, names: tuple[Hashable, ...]) -> str:
    return ", ".join(repr(names[c]) for c in np.flatnonzero(np.isnan(row)))


def _where(row: int, index: pd.Index | None) -> str:
    if index is None:
        return f"row {row}"
    return f"row {row} (index {_format_label(index[row])})"


def _nan_or_inf(value: float) -> str:
    return "NaN" if np.isnan(value) else "an infinite value"


def _format_label(label: Any) -> str:
    if isinstance(label, pd.Timestamp):
        return label.isoformat().replace("T00:00:00", "")
    return str(label)
