"""Reading a user's CSV for the command line: dates as the index, oldest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class CommandError(Exception):
    """A problem with the command line's input, reported as one line, exit code 1."""


@dataclass(frozen=True)
class LoadedTable:
    """A table ready for windows, and what was done to get it there."""

    frame: pd.DataFrame
    source: str
    was_sorted: str | None  # "newest first" / "unordered" when the file was not oldest first


def load_csv(path: str | Path, date_column: str | None) -> LoadedTable:
    """Read ``path``; parse ``date_column`` as the index and sort oldest first."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise CommandError(f"Could not read {path} as CSV: {error}") from None
    if date_column is None:
        date_column = _guess_date_column(frame)
    if date_column is not None:
        require_columns(frame, [date_column], "--date-column")
        try:
            dates = pd.to_datetime(frame[date_column], format="mixed")
        except (ValueError, TypeError) as error:
            raise CommandError(
                f"Column {date_column!r} (--date-column) does not hold dates: {error}"
            ) from None
        frame = frame.drop(columns=[date_column]).set_index(
            pd.DatetimeIndex(dates, name=date_column)
        )
    order = None
    if isinstance(frame.index, pd.DatetimeIndex) and not frame.index.is_monotonic_increasing:
        order = "newest first" if frame.index.is_monotonic_decreasing else "unordered"
        frame = frame.sort_index(kind="stable")
    return LoadedTable(frame, str(path), order)


def require_columns(frame: pd.DataFrame, columns: Sequence[str], option: str) -> None:
    """Raise a one-line error naming the missing columns and the available ones."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns))
        raise CommandError(
            f"Column(s) {', '.join(map(repr, missing))} ({option}) not found. "
            f"Available columns: {available}"
        )


def require_numeric(frame: pd.DataFrame, columns: Sequence[str], option: str) -> None:
    """Raise a one-line error for a column that is not numeric."""
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise CommandError(
                f"Column {column!r} ({option}) is not numeric (dtype {frame[column].dtype}); "
                "an LSTM needs numbers. Choose numeric columns."
            )


def _guess_date_column(frame: pd.DataFrame) -> str | None:
    for name in frame.columns:
        if str(name).strip().lower() in {"date", "datetime", "time", "timestamp", "day"}:
            return str(name)
    return None
