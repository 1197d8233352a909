"""Frames of other libraries (polars, pyarrow, narwhals-supported ones) read as pandas reads them.

pandas is the reference: a polars ``DataFrame``/``LazyFrame``/``Series``, a pyarrow
``Table``/``RecordBatch``/``ChunkedArray`` and any frame narwhals knows (modin, cuDF, DuckDB,
Ibis, PySpark, ...) become the pandas object their ``to_pandas()`` gives, then follow every
pandas rule (names, dtypes, missing values, categoricals, refusals). Nothing here imports
those libraries: an object is recognised by ``type(obj).__module__`` first, and its own
methods do the conversion.

These frames have no index, so their time axis is a column. The one rule, stated here:

* exactly one date/time column (a datetime, date or timedelta dtype): it becomes the
  index, as ``to_pandas().set_index(column)``, and its order is checked like a pandas
  DatetimeIndex (newest first, duplicates and disorder are refused);
* several: refused, naming them (keep one, drop the others);
* a text column holding dates: refused, with the fix (parse it into a date column);
* none: the rows are in time order as given (a RangeIndex, as ``to_pandas()`` gives).

``time=`` (of ``windows``, ``split``, ``folds`` and ``forecast``) names the time column
instead, for these frames and for pandas ones (a CSV's ``date`` column beside a
RangeIndex, refused without it): :func:`with_time_column` makes it the index, and the
other date/time columns stay columns.

Cost: one conversion to pandas, column by column without consolidating (pyarrow's
``split_blocks=True``): numeric columns without missing values are zero-copy views of the
Arrow buffers, and the table lstmshape reads from them is then made as from any DataFrame
(one copy of the used columns into one floating array; none for a single float column).
A LazyFrame is collected once.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from typing import Any

import pandas as pd

from .._core.errors import ShapeError, did_you_mean, listed, received
from .._core.frameworks import import_narwhals
from .lazy import LazySeries

#: Top-level modules whose objects are frames read through their own ``to_pandas``.
FRAME_LIBRARIES = frozenset(
    {
        "polars",
        "pyarrow",
        "narwhals",
        "modin",
        "cudf",
        "dask",
        "duckdb",
        "ibis",
        "pyspark",
        "sqlframe",
        "daft",
        "pandas_on_spark",
    }
)


def frame_library(obj: Any) -> str | None:
    """Return the library an object comes from if it is one of :data:`FRAME_LIBRARIES`.

    Decided from ``type(obj).__module__`` alone: nothing is imported.

    >>> frame_library(pd.DataFrame()) is None, frame_library([1.0])
    (True, None)
    """
    top = (type(obj).__module__ or "").partition(".")[0]
    return top if top in FRAME_LIBRARIES else None


def is_foreign_frame(obj: Any) -> bool:
    """Whether ``obj`` is a frame or series of another library (read by :func:`to_pandas`)."""
    library = frame_library(obj)
    if library is None:
        return False
    if library == "pyarrow":
        return type(obj).__name__ in {"Table", "RecordBatch", "ChunkedArray"} or (
            hasattr(obj, "to_pandas") and hasattr(obj, "type") and hasattr(obj, "null_count")
        )
    return True


def to_pandas(obj: Any, param: str = "data") -> Any:
    """Return ``obj`` as pandas reads it, with its time column as the index (module rules).

    Objects of other kinds are returned unchanged.
    """
    if not is_foreign_frame(obj):
        return obj
    converted = _convert(obj, param)
    if isinstance(converted, pd.Series):
        return converted
    return with_time_index(converted, param, library=frame_library(obj) or "")


def to_pandas_items(data: Any, param: str = "data", time: Hashable | None = None) -> Any:
    """Convert ``data``, or each series of a list/tuple/dict panel of such frames.

    With ``time``, that column of each frame becomes its index (:func:`with_time_column`).
    """
    if time is not None:
        if isinstance(data, dict):
            return {k: with_time_column(v, time, f"{param}[{k!r}]") for k, v in data.items()}
        if isinstance(data, (list, tuple)) and any(_is_frame(v) for v in data):
            return [with_time_column(v, time, f"{param}[{k!r}]") for k, v in enumerate(data)]
        return with_time_column(data, time, param)
    if isinstance(data, dict) and any(is_foreign_frame(v) for v in data.values()):
        return {k: to_pandas(v, f"{param}[{k!r}]") for k, v in data.items()}
    if isinstance(data, (list, tuple)) and any(is_foreign_frame(v) for v in data):
        return [to_pandas(v, f"{param}[{k!r}]") for k, v in enumerate(data)]
    return to_pandas(data, param)


def _is_frame(obj: Any) -> bool:
    return isinstance(obj, pd.DataFrame) or is_foreign_frame(obj)


def with_time_column(data: Any, time: Hashable, param: str = "data") -> pd.DataFrame:
    """Return a frame (pandas or another library's) indexed by its column ``time``.

    The one way to say which column is the time axis when it is not the index (a pandas
    frame read from a CSV, a polars frame with several date/time columns). The column
    must hold dates or times (text dates are parsed and checked as a text index is); the
    frame must not be indexed by time already.
    """
    if isinstance(data, LazySeries):
        raise TypeError(
            f"`time` names the time column of a frame, but `{param}` is a series read from a "
            "file, whose time column was chosen when it was opened: pass it there, "
            f"`lstmshape.read_parquet(path, time={time!r})` (or read_arrow), and leave `time` "
            f"out here. {received('time', time)}"
        )
    if is_foreign_frame(data):
        converted = _convert(data, param)
        library = f" ({frame_library(data)} frame)"
    else:
        converted, library = data, ""
    if not isinstance(converted, pd.DataFrame):
        raise TypeError(
            f"`time` names the time column of a frame, but `{param}` is "
            f"{type(data).__name__!r}, which has no named columns: pass a DataFrame with that "
            f"column, or leave `time` out (rows are then in time order as given). "
            f"{received('time', time)}"
        )
    frame = converted
    if isinstance(frame.index, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex)):
        raise ShapeError(
            f"`time` names column {time!r}, but `{param}` is indexed by time already (a "
            f"{type(frame.index).__name__}), which is its time axis. Leave `time` out, or "
            f"make the column the index yourself (`{param}.set_index({time!r})`)."
        )
    names = list(frame.columns)
    if time not in names:
        raise ShapeError(
            f"`time` names a column `{param}`{library} does not have: {time!r}."
            f"{did_you_mean(time, names)} Columns: {listed(map(repr, names), limit=20)}."
        )
    if names.count(time) > 1:
        raise ShapeError(
            f"`time` names {time!r}, which is the label of {names.count(time)} columns of "
            f"`{param}`; give the time column a name of its own. {received('time', time)}"
        )
    column = frame[time]
    from .table import _holds_dates as holds_dates  # the one test of text dates
    from .table import parsed_text_dates

    if is_time_dtype(column.dtype):
        return frame.set_index(time)
    parsed = parsed_text_dates(pd.Index(column)) if holds_dates(column) else None
    if parsed is None:
        raise ShapeError(
            f"`time` must name a column of dates or times (datetime, date, timedelta or "
            f"period values, or dates as text); column {time!r} of `{param}` holds "
            f"{column.dtype} values such as {column.iloc[0]!r}. Name the date column, or "
            f"leave `time` out to take the rows in order. {received('time', time)}"
        )
    return frame.drop(columns=[time]).set_axis(parsed.rename(time), axis=0)  # text: parsed


def _convert(obj: Any, param: str) -> pd.DataFrame | pd.Series:
    library = frame_library(obj)
    kind = type(obj).__name__
    if library == "polars":
        if kind == "LazyFrame":
            obj = obj.collect()
        if type(obj).__name__ == "Series":
            return _checked(obj.to_pandas(), obj, param)
        return _checked(obj.to_pandas(split_blocks=True, date_as_object=False), obj, param)
    if library == "pyarrow":
        if kind == "ChunkedArray" or not hasattr(obj, "schema"):
            return _checked(pd.Series(obj.to_pandas(date_as_object=False)), obj, param)
        return _checked(obj.to_pandas(split_blocks=True, date_as_object=False), obj, param)
    # Only for an object of a library narwhals reads (modin, cuDF, DuckDB, Ibis, ...).
    nw = import_narwhals(f"Reading a {library} {kind} as `{param}`")

    try:
        frame = nw.from_native(obj, allow_series=True)
    except TypeError:
        raise TypeError(
            f"`{param}` is a {library} object of type {kind}, which lstmshape cannot read as a "
            "table. Pass a pandas or polars DataFrame, a pyarrow Table or a numpy array. "
            f"Received: {param} of type {kind}"
        ) from None
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return _checked(frame.to_pandas(), obj, param)


def _checked(converted: Any, obj: Any, param: str) -> pd.DataFrame | pd.Series:
    if not isinstance(converted, (pd.DataFrame, pd.Series)):  # pragma: no cover - defensive
        raise TypeError(
            f"`{param}` of type {type(obj).__name__} did not convert to a pandas object. "
            f"Received: {param} of type {type(obj).__name__}"
        )
    return converted


def is_time_dtype(dtype: Any) -> bool:
    """Whether a pandas column dtype holds times (datetimes, with or without zone, durations)."""
    return bool(
        pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype)
    )


def with_time_index(frame: pd.DataFrame, param: str, *, library: str) -> pd.DataFrame:
    """Make the one date/time column of an index-less frame its index (module rules)."""
    timed = [label for label, dtype in frame.dtypes.items() if is_time_dtype(dtype)]
    if len(timed) > 1:
        raise ShapeError(
            f"`{param}` ({library} frame) has {len(timed)} date/time columns "
            f"({listed(map(repr, timed))}); its rows have no index, so lstmshape takes time "
            "from its one date/time column. Keep one and drop the others, for example "
            f"`{param}.drop({', '.join(map(repr, timed[1:]))})` (windows, split, folds and "
            f"forecast also take the time axis by name: `time={timed[0]!r}`)."
        )
    if timed:
        return frame.set_index(timed[0])
    _refuse_text_dates(frame, param, library)
    return frame


def _refuse_text_dates(frame: pd.DataFrame, param: str, library: str) -> None:
    from .table import _holds_dates as holds_dates  # the one test of text dates

    for label in frame.columns:
        column = frame[label]
        if not isinstance(column, pd.Series) or not holds_dates(column):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            times = pd.to_datetime(column, errors="coerce", format="mixed")
        order = ""
        if len(times) > 1 and times.is_monotonic_decreasing:
            order = " The rows run newest first, so windows would read time backwards."
        raise ShapeError(
            f"Column {label!r} of `{param}` ({library} frame) holds dates as text; lstmshape "
            f"takes time from a date/time column, to check its order, duplicates and gaps."
            f"{order} Parse it first, for example with polars "
            f"`{param}.with_columns(pl.col({label!r}).str.to_datetime())` (or read the file "
            "with `try_parse_dates=True`)."
        )
