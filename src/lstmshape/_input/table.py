"""Turn what users pass (lists, arrays, Series, DataFrames) into one validated 2-D table.

Everything public reads its data through here, so that a bad input gets the same message
whichever function it was passed to. Nothing in this module changes the caller's data:
conversions copy, and the arrays returned are read-only views that cannot be made
writable again.

Rules stated here once:

* **dtypes**: floating columns keep their dtype; integers and booleans become float32 when
  float32 holds every value exactly (up to 2**24), float64 when it does not (up to 2**53),
  and are refused beyond that: a value is never rounded silently.
* **missing values**: NaN, ``pd.NA`` and the masked entries of a numpy masked array.
* **time order**: a DatetimeIndex (or PeriodIndex) must be strictly increasing. A frame
  whose index is not a time index but which has a date column is refused with the fix
  (``set_index``): ignoring that column could window time backwards.
"""

from __future__ import annotations

import numbers
import types
import warnings
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import numpy as np
import pandas as pd

from .._core.arrays import readonly
from .._core.errors import (
    MAX_LISTED,
    ShapeError,
    did_you_mean,
    format_label,
    listed,
    plural,
    received,
    received_each,
    received_type,
)
from .categories import Categories
from .frames import to_pandas
from .lazy import LazySeries
from .panel import store_of

ColumnSelection: TypeAlias = "Hashable | Sequence[Hashable] | None"

#: Indexes that are time axes: their order is checked.
TIME_INDEXES = (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex)

#: Integers up to this magnitude are exact in float32; beyond it they need float64.
FLOAT32_EXACT = 2**24
#: Integers up to this magnitude are exact in float64; beyond it no float holds them.
FLOAT64_EXACT = 2**53


@dataclass(frozen=True)
class Table:
    """A validated 2-D numeric table: rows are time in order, columns are the used columns.

    Attributes
    ----------
    values
        Read-only array of shape ``(rows, columns)``, floating dtype. For a floating numpy
        array whose columns are all used (or evenly spaced), this is a view of the caller's
        array (no copy). For a panel (a list of series), a ``SeriesStore`` that reads the
        series' own arrays (:mod:`._panel`).
    names
        One label per column of ``values``: DataFrame column names, a Series' name, or
        integer positions for arrays.
    index
        The pandas index of the rows, or ``None`` for numpy and list input.
    feature_cols, target_cols
        Positions in ``values`` of the selected features and targets, in the order asked.
    missing_rows
        Boolean mask of rows holding a NaN, or ``None`` when there are none.
    future_cols, static_cols
        Positions of the known-future and static covariates (empty without them).
    categories
        The ``categorical`` columns (labels, roles, and once encoded their codes), which
        are not among ``values``; None without them (:mod:`.categories`).
    """

    values: np.ndarray
    names: tuple[Hashable, ...]
    index: pd.Index | None
    feature_cols: tuple[int, ...]
    target_cols: tuple[int, ...]
    missing_rows: np.ndarray | None = None
    future_cols: tuple[int, ...] = ()
    static_cols: tuple[int, ...] = ()
    categories: Categories | None = None

    @property
    def feature_names(self) -> tuple[Hashable, ...]:
        """Labels of the feature columns."""
        return tuple(self.names[c] for c in self.feature_cols)

    @property
    def target_names(self) -> tuple[Hashable, ...]:
        """Labels of the target columns."""
        return tuple(self.names[c] for c in self.target_cols)

    def with_values(self, values: np.ndarray) -> Table:
        """Return the same table over other values of the same shape (scaled ones).

        ``values`` may be a panel's ``SeriesStore`` (read-only already).
        """
        return Table(
            values if store_of(values) is not None else readonly(values),
            self.names,
            self.index,
            self.feature_cols,
            self.target_cols,
            self.missing_rows,
            self.future_cols,
            self.static_cols,
            self.categories,
        )


def as_table(
    data: Any,
    *,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    categorical: ColumnSelection = None,
    exclude: Sequence[Hashable] = (),
    allow_nan: bool = False,
    check_order: bool = True,
    param: str = "data",
) -> Table:
    """Validate ``data`` and the column selections; return a :class:`Table`.

    ``exclude`` names columns that default selections leave out (a ``group_by`` column).
    Default features and targets leave out the ``static`` columns too (one value per
    series is not a time series); ``future`` columns stay among the default features.
    With ``allow_nan=True``, NaN values are allowed and reported in ``missing_rows``;
    infinite values are always an error. ``check_order=False`` leaves the time order of
    the index to the caller (grouped data checks it group by group).

    ``categorical`` columns are read as labels (:mod:`.categories`), not as numbers: each
    becomes a categorical input of every role it is selected for (features, ``future``,
    ``static``; they stay among the default features), never a target.
    """
    data = to_pandas(data, param)  # polars, pyarrow, ...: read as pandas reads them
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
    if isinstance(data, pd.DataFrame) and check_order:  # a Series' values are its only column
        refuse_date_columns(data, param)
    by_name = isinstance(source, (pd.DataFrame, LazySeries))
    future_pos = [] if future is None else _select(future, labels, [], "future", by_name=by_name)
    static_pos = [] if static is None else _select(static, labels, [], "static", by_name=by_name)
    cat_pos = (
        [] if categorical is None
        else _select(categorical, labels, [], "categorical", by_name=by_name)
    )  # fmt: skip
    if cat_pos and isinstance(source, LazySeries):
        raise ShapeError(
            "`categorical` columns are read as labels from a DataFrame or an array in "
            "memory; a lazily read file series has none. Read it with pandas first "
            f"(`pd.read_parquet`). {received('categorical', categorical)}"
        )
    excluded = set(exclude) | {labels[i] for i in static_pos}
    default = [i for i, label in enumerate(labels) if label not in excluded]
    if not default and static_pos and (features is None or targets is None):
        taken = ", ".join(repr(labels[i]) for i in static_pos)
        raise ShapeError(
            f"`static` takes {taken}, every column of `data` that is not a group key, so no "
            "column is left for the features and targets: static covariates are inputs "
            "beside a series, not the series. Pass the series' own columns too, or leave "
            f"`static` out. Received: static={static!r}"
        )
    feature_pos = _select(features, labels, default, "features", by_name=by_name)
    numeric_default = [i for i in default if i not in set(cat_pos)]
    target_pos = _select(targets, labels, numeric_default or default, "targets", by_name=by_name)
    roles = _categorical_roles(
        cat_pos, labels, feature_pos, target_pos, future_pos, static_pos, categorical
    )
    if cat_pos:
        feature_pos = [i for i in feature_pos if i not in set(cat_pos)]
        future_pos = [i for i in future_pos if i not in set(cat_pos)]
        static_pos = [i for i in static_pos if i not in set(cat_pos)]
    used = sorted(set(feature_pos) | set(target_pos) | set(future_pos) | set(static_pos))
    _refuse_duplicate_names(labels, sorted(set(used) | set(cat_pos)), param)
    if isinstance(source, (pd.DataFrame, LazySeries)):  # a file's series: as its frame
        _refuse_labels_as_numbers(source, used, labels, feature_pos, target_pos, param)

    values = _numeric_columns(source, used, labels, param)
    if not isinstance(source, LazySeries):  # a file's series stays lazy (read-only reads)
        values = readonly(values)
    names = tuple(labels[i] for i in used)
    position = {source: i for i, source in enumerate(used)}

    if index is not None and check_order:
        check_time_order(index, param)
    static_cols = tuple(position[i] for i in static_pos)
    _refuse_missing_static(values, names, index, static_cols, param)
    missing = check_finite(values, names, index, allow_nan=allow_nan, param=param)
    return Table(
        values=values,
        names=names,
        index=index,
        feature_cols=tuple(position[i] for i in feature_pos),
        target_cols=tuple(position[i] for i in target_pos),
        missing_rows=missing,
        future_cols=tuple(position[i] for i in future_pos),
        static_cols=static_cols,
        categories=_categories(source, cat_pos, labels, roles),
    )


def _categorical_roles(
    cat_pos: list[int],
    labels: list[Hashable],
    feature_pos: list[int],
    target_pos: list[int],
    future_pos: list[int],
    static_pos: list[int],
    categorical: ColumnSelection,
) -> dict[str, tuple[int, ...]]:
    """Positions in ``cat_pos`` of the categorical columns of each input; refuse misuse."""
    as_target = [labels[i] for i in cat_pos if i in set(target_pos)]
    if as_target:
        raise ShapeError(
            f"Column(s) {listed(map(repr, as_target))} are `categorical` and among the "
            "`targets`: a categorical column is an integer input for an embedding, and an "
            "LSTM's targets are numbers it regresses. Pick numeric `targets` (a class "
            "target needs a classifier: one-hot it and predict probabilities). "
            f"{received_each(categorical=categorical, targets=[labels[i] for i in target_pos])}"
        )
    roles = {
        "past": tuple(n for n, i in enumerate(cat_pos) if i in set(feature_pos)),
        "future": tuple(n for n, i in enumerate(cat_pos) if i in set(future_pos)),
        "static": tuple(n for n, i in enumerate(cat_pos) if i in set(static_pos)),
    }
    unused = [labels[i] for n, i in enumerate(cat_pos) if not any(n in r for r in roles.values())]
    if unused:
        raise ShapeError(
            f"`categorical` names {listed(map(repr, unused))}, which no input reads: a "
            "categorical column is a past input (among `features`), a known-future input "
            "(`future`) or a static one (`static`). Add it to one of them, or leave it out "
            f"of `categorical`. {received('categorical', categorical)}"
        )
    if cat_pos and not [i for i in feature_pos if i not in set(cat_pos)]:
        raise ShapeError(
            "`features` holds only `categorical` columns, so the past input would have no "
            "numeric column: add the series' own values (the targets' past). "
            f"{received_each(features=[labels[i] for i in feature_pos], categorical=categorical)}"
        )
    return roles


def _categories(
    source: Any, cat_pos: list[int], labels: list[Hashable], roles: dict[str, tuple[int, ...]]
) -> Categories | None:
    """Return the categorical columns' labels, as Series over the rows (copies)."""
    if not cat_pos:
        return None
    columns = []
    for i in cat_pos:
        if isinstance(source, pd.DataFrame):
            column = source.iloc[:, i].reset_index(drop=True)
        else:
            column = pd.Series(np.asarray(source)[:, i])
        _check_scalar_labels(column, labels[i])
        columns.append(column.copy())
    return Categories(
        names=tuple(labels[i] for i in cat_pos),
        labels=tuple(columns),
        past=roles["past"],
        future=roles["future"],
        static=roles["static"],
    )


def _check_scalar_labels(column: pd.Series, name: Hashable) -> None:
    """Refuse labels that are containers (tuples, lists, dicts, sets, arrays).

    A vocabulary looks labels up in an index: a container is not one label (tuples of
    different lengths broke pandas' lookup with an IndexError, lists are unhashable).
    Only object columns can hold them.
    """
    if column.dtype != object:
        return
    bad = column.map(lambda v: isinstance(v, (tuple, list, dict, set, frozenset, np.ndarray)))
    if not bad.any():
        return
    first = int(np.flatnonzero(bad.to_numpy())[0])
    label = column.iloc[first]
    raise TypeError(
        f"`categorical` column {name!r} holds {type(label).__name__} labels ({int(bad.sum())} "
        f"of {len(column)} rows; the first at row {first}: {label!r}); a label must be one "
        "value (text, a number, a date or a boolean). Join the parts into one text first, "
        f"for example data[{name!r}].map(str). Received: categorical column {name!r}"
    )


def _refuse_labels_as_numbers(
    source: pd.DataFrame | LazySeries,
    used: list[int],
    labels: list[Hashable],
    feature_pos: list[int],
    target_pos: list[int],
    param: str,
) -> None:
    """Refuse a text or category column read as numbers, pointing to ``categorical=``."""
    dtypes = list(source.dtypes)
    for i in used:
        dtype = dtypes[i]
        if not _is_label_dtype(dtype):
            continue
        label = labels[i]
        if i in set(target_pos) and i not in set(feature_pos):
            fix = (
                "A target must be numeric: pick numeric `targets` (a categorical column can "
                f"be an input, with `categorical=[{label!r}]`)."
            )
        elif i in set(target_pos):
            fix = (
                f"By default every column is a target: pass numeric `targets=`, and "
                f"`categorical=[{label!r}]` to feed it as an integer input with an embedding."
            )
        else:
            fix = (
                f"To feed it as an integer input with an embedding (store, product, weekday), "
                f"name it in `categorical=[{label!r}]`; else leave it out with `features=`."
            )
        raise TypeError(
            f"Column {label!r} of `{param}` has non-numeric dtype {dtype} (text or "
            f"categories): labels are not measurements an LSTM can read as numbers. {fix}"
        )


def _is_label_dtype(dtype: Any) -> bool:
    """category, text (object of str, string) dtypes: labels, not numbers."""
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    return bool(pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


def _refuse_missing_static(
    values: np.ndarray,
    names: tuple[Hashable, ...],
    index: pd.Index | None,
    static_cols: tuple[int, ...],
    param: str,
) -> None:
    """Refuse NaN in a static column, with or without ``dropna``: one message for both.

    A static covariate is one known value per series on every row; a missing one is not a
    gap in time (``dropna`` does not apply to it) but a value to fill.
    """
    if not static_cols:
        return
    block = values[:, list(static_cols)]
    missing = np.isnan(block)
    if not missing.any():
        return
    row, col = (int(i) for i in np.argwhere(missing)[0])
    label = names[static_cols[col]]
    raise ShapeError(
        f"Column {label!r} (`static`) of `{param}` has "
        f"{plural(int(missing[:, col].sum()), 'missing value')}, "
        f"the first at {where(row, index)}: a static covariate holds its series' one known "
        "value on every row, so a missing one is not a gap in time and `dropna` does not "
        "apply to it. Fill it with the series' value, for example "
        f"`data[{label!r}] = data.groupby(group_by)[{label!r}].transform('first')`."
    )


def as_float_array(data: Any, param: str = "data") -> np.ndarray:
    """Return ``data`` as a read-only floating array of any ndim, by the dtype rules above.

    Used by :func:`lstmshape.to_3d`, which decides by ndim itself. DataFrames are read
    column by column like :func:`as_table` reads them (so float and boolean columns mix).
    """
    data = to_pandas(data, param)
    if isinstance(data, (pd.DataFrame, pd.Series)):
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        if frame.shape[0] == 0 or frame.shape[1] == 0:
            raise ShapeError(
                f"`{param}` is empty: there is nothing to reshape. "
                f"Received: {param} of shape {data.shape}"
            )
        if isinstance(data, pd.DataFrame):
            refuse_date_columns(frame, param)
        check_time_order(frame.index, param)
        labels = list(frame.columns)
        array = _numeric_columns(frame, list(range(len(labels))), labels, param)
        array = array[:, 0] if isinstance(data, pd.Series) else array
    else:
        array = _asarray(data, param)
        _check_numeric_dtype(array.dtype, f"`{param}`", param)
        if array.size == 0:
            raise ShapeError(
                f"`{param}` is empty: there is nothing to reshape. "
                f"Received: {param} of shape {array.shape}"
            )
        array = _as_float(array, f"`{param}`")
    view = readonly(array)
    if not all_finite(view):
        position = tuple(int(i) for i in np.argwhere(~np.isfinite(view))[0])
        value = view[position]
        raise ShapeError(
            f"`{param}` contains {'NaN' if np.isnan(value) else 'an infinite value'} at "
            f"position {position}; LSTMs cannot learn from missing or infinite values. "
            "Fill or drop them first."
        )
    return view


def check_time_order(index: pd.Index, param: str = "data") -> None:
    """Raise unless a time index (Datetime, Period, Timedelta) is strictly increasing.

    Other indexes are not checked: their rows are taken to be in time order as given.
    """
    if not isinstance(index, TIME_INDEXES):
        parsed = parsed_text_dates(index)
        if parsed is None:
            return
        try:
            check_time_order(parsed, param)
        except ShapeError as error:
            raise ShapeError(
                f"{error} (The index is text that reads as dates, as `pd.read_csv(path, "
                "index_col=...)` leaves it without `parse_dates`: parse it first, "
                "`data.index = pd.to_datetime(data.index)`, or read the CSV with "
                "`parse_dates=True`.)"
            ) from None
        return
    if len(index) < 1:
        return
    if index.hasnans:
        first = int(np.flatnonzero(index.isna())[0])
        raise ShapeError(
            f"The index of `{param}` has a missing timestamp (NaT) at row {first}; every row "
            "needs a time. Drop those rows first, for example `data[data.index.notna()]`."
        )
    if len(index) < 2 or (index.is_monotonic_increasing and index.is_unique):
        return
    if index.is_monotonic_decreasing and index.is_unique:
        raise ShapeError(
            f"The index of `{param}` runs backwards in time (newest first: "
            f"{format_label(index[0])} ... {format_label(index[-1])}); windows would read "
            "time backwards. Sort it oldest first with `data.sort_index()`."
        )
    duplicated = index[index.duplicated()]
    if len(duplicated):
        raise ShapeError(
            f"The index of `{param}` has {plural(len(duplicated), 'duplicated timestamp')} "
            f"({listed(format_label(t) for t in duplicated)}); each time step must appear "
            "once. Remove or aggregate the duplicates, for example "
            "`data.groupby(level=0).mean()`, then `sort_index()`."
        )
    step = int(np.flatnonzero(np.diff(index.asi8) < 0)[0])
    raise ShapeError(
        f"The index of `{param}` is not in time order: row {step + 1} "
        f"({format_label(index[step + 1])}) comes before row {step} "
        f"({format_label(index[step])}). Sort it with `data.sort_index()`."
    )


def parsed_text_dates(index: Any) -> pd.DatetimeIndex | None:
    """Return a text (or object) index of dates parsed as a DatetimeIndex, else None.

    ``pd.read_csv(path, index_col="Date")`` without ``parse_dates`` gives such an index;
    its time order is checked like a DatetimeIndex's, so that a newest-first file is not
    windowed backwards. An index that does not read wholly as dates is left as it is.
    """
    if not isinstance(index, pd.Index) or isinstance(index, TIME_INDEXES) or len(index) < 2:
        return None
    if not (pd.api.types.is_object_dtype(index) or pd.api.types.is_string_dtype(index)):
        return None  # numbers (a RangeIndex): not dates, and no cost per call
    if not _holds_dates(pd.Series(index[:20], dtype=index.dtype)):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(index, errors="coerce")
        if parsed.hasnans:
            parsed = pd.to_datetime(index, errors="coerce", format="mixed")
    return None if parsed.hasnans else pd.DatetimeIndex(parsed)


def refuse_date_columns(
    frame: pd.DataFrame, param: str = "data", ignore: Sequence[Hashable] = ()
) -> None:
    """Refuse a frame whose time axis is a column instead of the index.

    ``pd.read_csv("prices.csv")`` keeps ``Date`` as a column and numbers the rows: the
    rows are then in file order, which is often newest first. Windows cut from them would
    read time backwards without a word, so the date column must become the index, where
    its order is checked.
    """
    if isinstance(frame.index, TIME_INDEXES):
        return
    dated = [
        i
        for i in range(frame.shape[1])
        if frame.columns[i] not in ignore and _holds_dates(frame.iloc[:, i])
    ]
    if not dated:
        return
    label = frame.columns[dated[0]]
    order = ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times = pd.to_datetime(frame.iloc[:, dated[0]], errors="coerce", format="mixed")
    if len(times) > 1 and times.is_monotonic_decreasing:
        order = " The rows run newest first, so windows would read time backwards."
    raise ShapeError(
        f"Column {label!r} of `{param}` holds dates, but the rows are indexed by "
        f"{type(frame.index).__name__}: lstmshape takes time from the index, to check its "
        f"order, duplicates and gaps.{order} Make the dates the index first: "
        f"`{param} = {param}.set_index(pd.to_datetime({param}[{label!r}])).sort_index()`"
        f" (or read the CSV with `index_col={label!r}, parse_dates=True`)."
    )


def _holds_dates(column: pd.Series) -> bool:
    """Whether a column holds datetimes, or text that reads as dates (``"2018-09-28"``)."""
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return True
    if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
        return False
    sample = column.dropna().head(20)
    if sample.empty:
        return False
    if not all(isinstance(v, str) for v in sample):
        return all(isinstance(v, (pd.Timestamp, np.datetime64)) for v in sample)
    if not all(any(c.isdigit() for c in v) and any(c in "-/.:" for c in v) for v in sample):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().all())


def _as_source(
    data: Any, param: str
) -> tuple[np.ndarray | pd.DataFrame | LazySeries, list[Hashable], pd.Index | None]:
    """Return a 2-D array or DataFrame, its column labels and its index (None for arrays)."""
    if isinstance(data, LazySeries):  # a series of a Parquet or Arrow file (read_parquet)
        return data, list(data.columns), data.index
    if isinstance(data, pd.DataFrame):
        return data, list(data.columns), data.index
    if isinstance(data, pd.Series):
        label = 0 if data.name is None else data.name
        return data.to_frame(name=label), [label], data.index
    array = _asarray(data, param)
    if array.ndim == 0:
        raise ShapeError(
            f"`{param}` must be a 1-D series or a 2-D (rows, features) table, not a scalar "
            f"(one value). {received(param, array.item())}"
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
    if isinstance(data, (types.GeneratorType, Iterator)):
        raise TypeError(
            f"`{param}` is a generator or iterator, which can be read only once and has no "
            "length; pass a list or an array, for example `np.fromiter(values, float)` or "
            f"`list(values)`. {received_type(param, data)}"
        )
    if isinstance(data, (str, bytes, dict, set)) or data is None:
        raise TypeError(
            f"`{param}` must be an array, a list of numbers, a pandas Series or a DataFrame "
            "(or, for several series, a list or dict of them). "
            f"{received_type(param, data)}"
        )
    if isinstance(data, np.ma.MaskedArray):
        return _unmask(data)
    if isinstance(data, pd.Categorical) or isinstance(
        getattr(data, "dtype", None), pd.CategoricalDtype
    ):
        raise TypeError(
            f"`{param}` is categorical: categories are labels, not measurements an LSTM can "
            "read as numbers. Encode them first (for example one-hot with `pd.get_dummies`). "
            f"{received_type(param, data)}"
        )
    try:
        array = np.asarray(data)
    except ValueError as error:
        raise TypeError(
            f"`{param}` could not be read as a rectangular array ({error}). Check that every "
            f"row has the same number of values. Received: {param} of type {type(data).__name__}"
        ) from None
    if array.dtype == object and array.size and _is_ragged_list(array):
        raise TypeError(
            f"`{param}` could not be read as a rectangular array: its rows have different "
            f"lengths. Received: {param} of type {type(data).__name__}"
        )
    if array.dtype == object and array.size:
        return _numbers_with_missing(array)
    return array


def _numbers_with_missing(array: np.ndarray) -> np.ndarray:
    """Read a list of numbers in which ``None`` or ``pd.NA`` mark missing values as floats.

    Anything else (text, objects) is left as it is, for the dtype check to refuse.
    """
    flat = list(array.flat)
    missing = [item is None or item is pd.NA for item in flat]
    real = [isinstance(item, (numbers.Real, np.number)) for item in flat]
    if not any(missing) or not all(m or r for m, r in zip(missing, real, strict=True)):
        return array
    values = [np.nan if m else float(item) for m, item in zip(missing, flat, strict=True)]
    return np.array(values, dtype=np.float64).reshape(array.shape)


def _is_ragged_list(array: np.ndarray) -> bool:
    return any(isinstance(item, (list, tuple, np.ndarray)) for item in array.flat)


def _unmask(data: np.ma.MaskedArray) -> np.ndarray:
    """Masked entries are missing values: NaN in a floating copy (never the hidden data)."""
    mask = np.ma.getmaskarray(data)
    if not mask.any():
        return np.asarray(data.data)
    _check_numeric_dtype(data.dtype, "The masked array `data`", "data")
    floating = _as_float(np.asarray(data.data), "The masked array `data`")
    if not np.issubdtype(floating.dtype, np.floating):  # pragma: no cover - _as_float floats
        floating = floating.astype(np.float64)
    filled = np.array(floating, copy=True)
    filled[mask] = np.nan
    return filled


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
        if not isinstance(item, Hashable):
            raise TypeError(f"`{param}` must hold column names. {received_type(param, item)}")
        matches = [i for i, label in enumerate(labels) if _same_label(label, item)]
        if len(matches) > 1:
            raise ShapeError(
                f"`{param}` names column {item!r}, but `data` has {len(matches)} columns of "
                f"that name (positions {listed(matches)}); a name must pick one column. "
                "Rename them first, for example `data.columns = [...]`."
            )
        if not matches:
            raise ShapeError(
                f"`{param}` names a column that `data` does not have: {item!r}."
                f"{did_you_mean(item, labels)} Available columns: "
                f"{listed(map(repr, labels), limit=20)}."
            )
        return matches[0]
    if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Integral):
        raise TypeError(
            f"`{param}` must hold integer column positions for array input (column names "
            f"work for pandas DataFrames). {received_type(param, item)}"
        )
    n_cols = len(labels)
    item = int(item)
    if not -n_cols <= item < n_cols:
        hint = ""
        if n_cols == 1:
            hint = " A 1-D series has the single column 0."
        raise ShapeError(
            f"`{param}` has column position {item}, but `data` has "
            f"{plural(n_cols, 'column')} (positions 0 to {n_cols - 1}).{hint}"
        )
    return item % n_cols


def _same_label(label: Any, item: Any) -> bool:
    if isinstance(label, (bool, np.bool_)) != isinstance(item, (bool, np.bool_)):
        return False  # True == 1 in Python, but a column named True is not column 1
    try:
        return bool(label == item)
    except (TypeError, ValueError):  # labels that do not compare (arrays)
        return False


def _refuse_duplicate_names(labels: list[Hashable], used: list[int], param: str) -> None:
    """Refuse used columns of the same name: to_frame, explain and scalers name them."""
    names = [labels[i] for i in used]
    repeated = sorted({repr(n) for n in names if names.count(n) > 1})
    if repeated:
        raise ShapeError(
            f"`{param}` has several columns named {listed(repeated)}; each column that windows "
            "use needs its own name, or `features`/`targets` cannot tell them apart. Rename "
            "them, or leave the copies out."
        )


def _numeric_columns(
    source: np.ndarray | pd.DataFrame | LazySeries,
    used: list[int],
    labels: Sequence[Hashable],
    param: str,
) -> np.ndarray:
    """Return the used columns as one floating array, by the dtype rules of this module.

    A file's series stays lazy: its columns are read as the floating dtype chosen here
    when rows are asked for (integer columns are read once, to choose it).
    """
    if isinstance(source, LazySeries):
        chosen = []
        for i in used:
            dtype = _column_dtype(source.dtypes[i], labels[i], param)
            if not np.issubdtype(dtype, np.floating):
                stored = source.column(i)
                dtype = stored.dtype if np.issubdtype(stored.dtype, np.floating) else (
                    _exact_float_dtype(stored, dtype, f"Column {labels[i]!r}")
                )  # fmt: skip
            chosen.append(dtype)
        return cast(np.ndarray, source.select(used, np.result_type(*chosen)))
    if isinstance(source, np.ndarray):
        _check_numeric_dtype(source.dtype, f"`{param}`", param)
        steps = set(np.diff(used).tolist()) or {1}
        if used == list(range(source.shape[1])):
            array = source
        elif len(steps) == 1:  # evenly spaced (used is sorted): a view, a memmap stays put
            array = source[:, used[0] : used[-1] + 1 : steps.pop()]
        else:
            array = source[:, used]
        return _as_float(array, f"`{param}`")
    dtypes = [_column_dtype(source.dtypes.iloc[i], labels[i], param) for i in used]
    floats = [d for d in dtypes if np.issubdtype(d, np.floating)]
    for i, dtype in zip(used, dtypes, strict=True):
        if not np.issubdtype(dtype, np.floating):
            floats.append(_exact_float_dtype(source.iloc[:, i], dtype, f"Column {labels[i]!r}"))
    dtype = np.result_type(*floats)
    columns = source if used == list(range(source.shape[1])) else source.iloc[:, used]
    # Nullable columns hold pd.NA for missing values; they become NaN here.
    return columns.to_numpy(dtype=dtype, na_value=np.nan)


def _as_float(array: np.ndarray, what: str) -> np.ndarray:
    """Floats stay as they are (no copy); integers and booleans become exact floats."""
    if np.issubdtype(array.dtype, np.floating):
        return array
    return array.astype(_exact_float_dtype(array, array.dtype, what))


def _exact_float_dtype(values: Any, dtype: np.dtype[Any], what: str) -> np.dtype[Any]:
    """float32 when it holds every integer exactly, else float64; refuse beyond 2**53."""
    if dtype == np.bool_ or dtype.itemsize <= 2:
        return np.dtype(np.float32)
    if isinstance(values, pd.Series):  # nullable integers: pd.NA among them is missing
        values = values.dropna()
    array = np.asarray(values)
    if array.dtype == object or np.issubdtype(array.dtype, np.floating):
        array = pd.to_numeric(pd.Series(np.ravel(array)), errors="coerce").dropna().to_numpy()
    if array.size == 0:
        return np.dtype(np.float32)
    largest = max(abs(int(array.min())), abs(int(array.max())))
    if largest <= FLOAT32_EXACT:
        return np.dtype(np.float32)
    if largest <= FLOAT64_EXACT:
        return np.dtype(np.float64)
    raise ShapeError(
        f"{what} holds the integer {largest}, larger than 2**53 = {FLOAT64_EXACT}: no "
        "floating dtype holds it exactly, and LSTM input is floating. Scale it down, or take "
        "differences, before making windows."
    )


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


def check_finite(
    values: np.ndarray,
    names: tuple[Hashable, ...],
    index: pd.Index | None,
    *,
    allow_nan: bool,
    param: str,
) -> np.ndarray | None:
    """Refuse infinite values, and NaN unless ``allow_nan``; return the rows holding NaN."""
    if all_finite(values):
        return None
    infinite = np.isinf(values)
    if infinite.any():
        row, col = (int(i) for i in np.argwhere(infinite)[0])
        raise ShapeError(
            f"`{param}` has an infinite value at {where(row, index)}, column {names[col]!r}; "
            "LSTMs cannot learn from it. Replace it (for example with NaN, then fill) first."
        )
    missing_rows = ~np.isfinite(values).all(axis=1)
    if allow_nan:
        return missing_rows
    rows = np.flatnonzero(missing_rows)
    places = [f"{where(int(r), index)} in column {_nan_columns(values[r], names)}" for r in rows]
    raise ShapeError(
        f"`{param}` has NaN values in {plural(len(rows), 'row')}: "
        f"{listed(places, sep='; ', limit=MAX_LISTED)}. LSTMs cannot learn from missing values: "
        "fill them (for example `data.ffill()`), drop them, or pass `dropna=True` to treat "
        "those rows as gaps that no window crosses."
    )


def all_finite(values: np.ndarray, chunk_rows: int = 1 << 18) -> bool:
    """Check in chunks, so that a huge series needs no full-size temporary mask."""
    if values.ndim == 0:
        return bool(np.isfinite(values))
    return all(
        np.isfinite(values[begin : begin + chunk_rows]).all()
        for begin in range(0, values.shape[0], chunk_rows)
    )


def _nan_columns(row: np.ndarray, names: tuple[Hashable, ...]) -> str:
    return ", ".join(repr(names[c]) for c in np.flatnonzero(np.isnan(row)))


def where(row: int, index: pd.Index | None) -> str:
    """Describe a row for messages: ``"row 3"`` or ``"row 3 (index 2020-01-04)"``."""
    if index is None:
        return f"row {row}"
    return f"row {row} (index {format_label(index[row])})"
