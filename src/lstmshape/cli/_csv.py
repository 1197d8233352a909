"""Reading a user's CSV for the command line: dates as the index, oldest first.

Every problem with the file becomes a :class:`CommandError` whose message says what is wrong
with *this* file and which option fixes it (``--sep``, ``--decimal``, ``--date-column``,
``--dayfirst``). Nothing is guessed silently: when the dates could be read two ways, the
reading that was chosen is reported in :attr:`LoadedTable.notes`, or the file is refused.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from .. import ShapeError
from .._core.errors import plural
from .._core.frameworks import import_pyarrow

_T = TypeVar("_T")

#: Column names taken as the time axis when ``--date-column`` is not given.
DATE_NAMES = ("date", "datetime", "time", "timestamp", "day")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d[\d.\s]*,\d+\s*$")
_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
_CORE_LARGEST = re.compile(r" ?The largest lookback that fits is \d+\.")
#: Column names of whole years (1990, 1991, ...), read as dates when they hold years.
YEAR_NAMES = ("year", "yr")
_YEARS = (1000, 2999)  # integers in this range, in a column named like a year, are years


class CommandError(Exception):
    """A problem with the command line's input, reported as one message, exit code 1."""


@dataclass(frozen=True)
class CsvOptions:
    """How to read the CSV: the command line's ``--date-column``, ``--sep``, ... options."""

    date_column: str | None = None
    sep: str = ","
    decimal: str = "."
    dayfirst: bool | None = None  # None: decide from the data, or refuse when ambiguous


@dataclass(frozen=True)
class LoadedTable:
    """A table ready for windows, and what was done to get it there."""

    frame: pd.DataFrame
    source: str
    was_sorted: str | None  # "newest first" / "unordered" when the file was not oldest first
    notes: tuple[str, ...] = field(default=())  # choices made while reading, said to the user


def load_csv(path: str | Path, options: CsvOptions | None = None) -> LoadedTable:
    """Read ``path``; make its date column the index, sorted oldest first."""
    options = options if options is not None else CsvOptions()
    path = Path(path)
    if path.is_dir():
        raise CommandError(f"{path} is a directory, not a CSV file. Give the path of a file.")
    if not path.exists():
        raise CommandError(f"No such file: {path}")
    try:
        if path.suffix.lower() in COLUMNAR_SUFFIXES:  # Parquet / Arrow IPC beside CSV
            frame = read_columnar(path)
        else:
            frame = pd.read_csv(path, sep=options.sep, decimal=options.decimal)
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path} is empty: no header, no rows.") from None
    except UnicodeDecodeError as error:
        raise CommandError(
            f"Could not read {path} as CSV: it is not UTF-8 text ({error.reason} at byte "
            f"{error.start}). Save it as UTF-8 CSV."
        ) from None
    except pd.errors.ParserError as error:
        raise CommandError(
            f"Could not read {path} as CSV: {str(error).strip()}. "
            "If its fields are separated by something other than commas, pass --sep "
            "(for example --sep ';')."
        ) from None
    except OSError as error:
        raise CommandError(f"Could not read {path}: {error.strerror or error}") from None
    _check_separator(frame, path, options)
    _check_unique_header(path, frame, options)
    if frame.empty:
        columns = ", ".join(map(repr, map(str, frame.columns)))
        raise CommandError(
            f"{path} has a header ({columns}) but no rows of data: there is nothing to "
            "make windows of."
        )
    notes: list[str] = []
    date_column = options.date_column
    if date_column is None:
        date_column = _guess_date_column(frame)
    if date_column is not None:
        require_columns(frame, [date_column], "--date-column")
        dates, note = parse_dates(frame[date_column], date_column, options.dayfirst)
        if note:
            notes.append(note)
        frame = frame.drop(columns=[date_column]).set_index(dates)
    order = None
    if isinstance(frame.index, pd.DatetimeIndex) and not frame.index.is_monotonic_increasing:
        order = "newest first" if frame.index.is_monotonic_decreasing else "unordered"
        frame = frame.sort_index(kind="stable")
    return LoadedTable(frame, str(path), order, tuple(notes))


#: File name endings read as columnar files (Parquet, Arrow IPC) instead of CSV.
COLUMNAR_SUFFIXES = (".parquet", ".pq", ".arrow", ".feather", ".ipc")


def read_columnar(path: Path) -> pd.DataFrame:
    """Read a Parquet or Arrow IPC file whole, as pandas (dates as datetime columns)."""
    try:
        feather = import_pyarrow(f"Reading {path.name}", "feather")
        pq = import_pyarrow(f"Reading {path.name}", "parquet")
    except ImportError as error:  # pragma: no cover - pyarrow comes with pandas 3
        raise CommandError(str(error)) from None
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            table = pq.read_table(path)
        else:
            table = feather.read_table(path)
    except Exception as error:
        kind = "Parquet" if path.suffix.lower() in (".parquet", ".pq") else "Arrow IPC"
        raise CommandError(f"Could not read {path} as {kind}: {error}") from None
    frame = table.to_pandas(date_as_object=False)
    if not isinstance(frame.index, pd.RangeIndex):  # a pandas index stored in the file
        frame = frame.reset_index()
    return frame


def _check_separator(frame: pd.DataFrame, path: Path, options: CsvOptions) -> None:
    """Refuse a file read as one column whose header holds another separator."""
    if frame.shape[1] != 1:
        return
    header = str(frame.columns[0])
    for sep, spelled in ((";", "';'"), ("\t", "'\\t'"), ("|", "'|'")):
        if sep != options.sep and sep in header:
            decimal = ""
            if options.decimal == "." and _has_decimal_commas(path, sep):
                decimal = " --decimal ','"
            raise CommandError(
                f"{path} was read as one column named {header!r}: its fields seem to be "
                f"separated by {spelled}, not by {options.sep!r}. Pass --sep {spelled}{decimal}"
                + (" (its numbers use a decimal comma)." if decimal else ".")
            )


def _check_unique_header(path: Path, frame: pd.DataFrame, options: CsvOptions) -> None:
    """Refuse a header that names a column twice (pandas would rename one to ``Open.1``)."""
    import csv

    if path.suffix.lower() in COLUMNAR_SUFFIXES:  # the file's own schema: no renaming
        names = [str(name) for name in frame.columns]
    else:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
            names = next(csv.reader(file, delimiter=options.sep), [])
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        counts = ", ".join(f"{name!r} ({names.count(name)} times)" for name in repeated)
        raise CommandError(
            f"{path} names {plural(len(repeated), 'column')} more than once in its header: "
            f"{counts}. Which one is meant by --target or --features cannot be told; rename "
            "the columns so that each name is unique."
        )


def _has_decimal_commas(path: Path, sep: str) -> bool:
    """Whether the first lines, split at ``sep``, hold numbers like ``1,5``."""
    with path.open(encoding="utf-8", errors="replace") as file:
        lines = [line for _, line in zip(range(21), file, strict=False)][1:]
    fields = [f.strip().strip('"') for line in lines for f in line.split(sep)]
    return any(_DECIMAL_COMMA.match(f) for f in fields)


def parse_dates(
    values: pd.Series, column: str, dayfirst: bool | None
) -> tuple[pd.DatetimeIndex, str | None]:
    """Read a column as dates; return them and a note when a reading had to be chosen.

    ISO dates (``2020-04-03``) are read as such. Other dates are read in one format for the
    whole column, month first and day first: when only one reading works (``13/04/2020``)
    it is used; when both work and differ (every day is 12 or less) the one that is in time
    order is used and said, and when that does not decide, the file is refused with a hint
    to pass ``--dayfirst`` or ``--monthfirst``.
    """
    option = f"Column {column!r} (--date-column)"
    if _holds_years(values):
        years = pd.DatetimeIndex(pd.to_datetime(values.astype("int64").astype(str), format="%Y"))
        return years.rename(str(column)), (
            f"Column {column!r} holds whole years ({values.iloc[0]} ..): read as the first day "
            "of each year."
        )
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        raise CommandError(
            f"{option} holds numbers ({values.dtype}), not dates: numbers would be read as "
            "nanoseconds since 1970 (whole years from 1000 to 2999 are read as years). Name the "
            "column that holds dates such as 2024-01-31, or leave out --date-column to take "
            "the rows in file order."
        )
    missing = int(values.isna().sum())
    if missing:
        raise CommandError(
            f"{option} has {plural(missing, 'empty cell')}: every row "
            "needs a date. Fill or remove those rows."
        )
    text = values.astype(str)
    name = str(column)
    if text.str.match(_ISO_LIKE).all():
        parsed = _try_dates(text, format="ISO8601")
        if isinstance(parsed, pd.DatetimeIndex):
            return parsed.rename(name), None
        raise CommandError(f"{option} does not hold dates: {parsed}")
    month_first = _try_dates(text, dayfirst=False)
    day_first = _try_dates(text, dayfirst=True)
    if dayfirst is not None:
        chosen = day_first if dayfirst else month_first
        if isinstance(chosen, pd.DatetimeIndex):
            return chosen.rename(name), None
        flag = "--dayfirst" if dayfirst else "--monthfirst"
        raise CommandError(f"{option} does not hold dates that read with {flag}: {chosen}")
    if not isinstance(month_first, pd.DatetimeIndex):
        if not isinstance(day_first, pd.DatetimeIndex):
            raise CommandError(
                f"{option} does not hold dates in one format (first value {text.iloc[0]!r}): "
                f"{month_first}"
            )
        return day_first.rename(name), None
    if not isinstance(day_first, pd.DatetimeIndex) or month_first.equals(day_first):
        return month_first.rename(name), None
    # Both readings work and differ: every day is 12 or less (03/04/2020).
    example = text.iloc[int((month_first != day_first).argmax())]
    readings = (
        f"{example!r} reads as {month_first[text == example][0]:%Y-%m-%d} month first or "
        f"{day_first[text == example][0]:%Y-%m-%d} day first"
    )
    in_order = {"day first": _in_order(day_first), "month first": _in_order(month_first)}
    if in_order["day first"] != in_order["month first"]:
        chosen_name = "day first" if in_order["day first"] else "month first"
        other = "month first" if chosen_name == "day first" else "day first"
        flag = "--monthfirst" if chosen_name == "day first" else "--dayfirst"
        chosen = day_first if chosen_name == "day first" else month_first
        note = (
            f"Dates in {column!r} are ambiguous ({readings}); they were read {chosen_name}, "
            f"the only reading in time order (read {other} they jump back and forth). "
            f"Pass {flag} to read them {other}."
        )
        return chosen.rename(name), note
    raise CommandError(
        f"{option} holds ambiguous dates: {readings}, and both readings are "
        f"{'in time order' if in_order['day first'] else 'out of time order'}. "
        "Pass --dayfirst (31/12/2020) or --monthfirst (12/31/2020)."
    )


def _try_dates(text: pd.Series, **options: object) -> pd.DatetimeIndex | str:
    """Return the parsed dates, or the first line of pandas' error message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Parsing dates in %d/%m/%Y format when ..."
            return pd.DatetimeIndex(pd.to_datetime(text, **options))  # type: ignore[call-overload]
    except (ValueError, TypeError, OverflowError) as error:
        return str(error).strip().splitlines()[0]


def _in_order(dates: pd.DatetimeIndex) -> bool:
    """Whether dates are strictly increasing or strictly decreasing (newest first)."""
    return dates.is_unique and (dates.is_monotonic_increasing or dates.is_monotonic_decreasing)


def _holds_years(values: pd.Series) -> bool:
    """Whether a numeric column holds whole years (1990, 1991, ...), none missing."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return False
    if values.empty or values.isna().any():
        return False
    numbers = values.to_numpy(dtype="float64")
    whole = bool((numbers == numbers.round()).all())
    return whole and bool(((numbers >= _YEARS[0]) & (numbers <= _YEARS[1])).all())


def _guess_date_column(frame: pd.DataFrame) -> str | None:
    """Return the column named like a date, or else the first text column that holds dates.

    A numeric column named ``Year`` (or ``year``, ``yr``) that holds whole years is a date
    column too: it is the time axis, not a value to forecast.
    """
    for name in frame.columns:
        if str(name).strip().lower() in DATE_NAMES and not pd.api.types.is_numeric_dtype(
            frame[name]
        ):
            return str(name)
    for name in frame.columns:
        if str(name).strip().lower() in YEAR_NAMES and _holds_years(frame[name]):
            return str(name)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        sample = column.dropna().astype(str).head(20)
        looks_like_dates = (
            not sample.empty and sample.str.match(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").all()
        )
        if looks_like_dates:
            return str(name)
    return None


def require_columns(frame: pd.DataFrame, columns: Sequence[str], option: str) -> None:
    """Raise a one-line error naming the missing columns, the closest names and the others."""
    available = [str(c) for c in frame.columns]
    missing = [c for c in columns if c not in available]
    if missing:
        close = difflib.get_close_matches(missing[0], available, n=1, cutoff=0.6)
        if not close:
            close = [c for c in available if c.lower() == missing[0].lower()]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise CommandError(
            f"Column(s) {', '.join(map(repr, missing))} ({option}) not found.{hint} "
            f"Available columns: {', '.join(available)}"
        )


def require_numeric(frame: pd.DataFrame, columns: Sequence[str], option: str) -> None:
    """Raise a one-line error for a column that is not numeric, with the likely cause."""
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise CommandError(
                f"Column {column!r} ({option}) is not numeric (dtype {frame[column].dtype})"
                f"{decimal_comma_hint(frame[column])}; an LSTM needs numbers. Choose numeric "
                "columns."
            )


def decimal_comma_hint(column: pd.Series) -> str:
    """``: its numbers use a decimal comma ('1,5'); pass --decimal ','`` or ``""``."""
    sample = column.dropna().astype(str).head(20)
    if not sample.empty and sample.str.match(_DECIMAL_COMMA).all():
        return f": its numbers use a decimal comma ({sample.iloc[0]!r}); pass --decimal ','"
    return ""


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Return the names of the numeric (not boolean) columns, in file order."""
    return [
        str(c)
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]


def choose_columns(
    frame: pd.DataFrame, target: str | None, features: Sequence[str] | None
) -> tuple[str, list[str]]:
    """Return the target (default: the first numeric column) and the features (the target)."""
    if target is None:
        numeric = numeric_columns(frame)
        if not numeric:
            listing = ", ".join(f"{c} ({frame[c].dtype})" for c in frame.columns)
            hints = {decimal_comma_hint(frame[c]) for c in frame.columns} - {""}
            raise CommandError(
                f"No numeric column to forecast: {listing}{sorted(hints)[0] if hints else ''}."
            )
        target = numeric[0]
    require_columns(frame, [target], "--target")
    require_numeric(frame, [target], "--target")
    chosen = [target] if features is None else list(features)
    require_columns(frame, chosen, "--features")
    require_numeric(frame, chosen, "--features")
    return target, chosen


def largest_lookback(fits: Callable[[int], bool], below: int) -> int | None:
    """Return the largest lookback under ``below`` for which ``fits`` holds (None: none).

    Fewer rows fit a longer lookback, so ``fits`` is true up to some lookback and false above.
    """
    if below <= 1 or not fits(1):
        return None
    good, bad = 1, below
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(middle):
            good = middle
        else:
            bad = middle
    return good


def with_lookback_hint(
    frame_it: Callable[[int], _T], lookback: int, *, rows: int, parts: str = ""
) -> _T:
    """Return ``frame_it(lookback)``; on a ShapeError, say the largest lookback that fits.

    ``parts`` says what ``frame_it`` needs besides windows (``"--test 0.1"``): the core's own
    message may name a larger lookback, which fits the windows but not the parts.
    """
    try:
        return frame_it(lookback)
    except ShapeError as error:  # too few rows, or something else: try shorter lookbacks

        def fits(size: int) -> bool:
            try:
                frame_it(size)
            except ShapeError:
                return False
            return True

        best = largest_lookback(fits, lookback)
        message = str(error)
        hint = ""
        if best is not None:
            # One figure: the core's own "largest lookback" counts windows alone.
            message = _CORE_LARGEST.sub("", message)
            also = f" (the command also needs a training part and {parts})" if parts else ""
            hint = f"\nThe largest --lookback that fits these {rows:,} rows is {best}{also}."
        raise CommandError(f"{message}{hint}") from None
