"""Series whose rows are read from a file when a window asks for them.

A :class:`LazySeries` is a 2-D array-like ``(rows, columns)``: ``shape``, ``dtype``,
``len()``, numpy's row indexing (slices, integer arrays, masks; every result a new array
of just the rows asked for) and ``numpy.asarray`` (all rows, a copy). Panels keep such
series as they keep memory maps (:class:`._panel.SeriesStore` reads ``arrays[k][rows]``),
so nothing is read until a loader needs a batch's rows. Its column names and time index
are known without reading the values (the index is read when the file is opened).

The rows come from a :class:`RowReader`, one per file or dataset, shared by its series
(:mod:`.files` has the Parquet and Arrow IPC readers).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .._core.errors import received_type


class RowReader(Protocol):
    """Reads rows of a dataset, by their global row numbers, for some of its columns."""

    def read(self, rows: np.ndarray, columns: tuple[str, ...], dtype: np.dtype[Any]) -> np.ndarray:
        """Return ``(len(rows), len(columns))`` values at ``dtype`` (missing values NaN)."""

    def has_nulls(self, column: str) -> bool:
        """Whether a column has missing values anywhere (integers with them read as float64)."""


class LazySeries:
    """One series of a file: its rows ``rows`` of ``reader``, columns ``columns``.

    Parameters
    ----------
    reader
        Where the rows are read.
    rows
        The series' row numbers in the reader, in time order.
    columns
        Column names.
    dtypes
        The dtype of each column as pandas reads it (numpy dtypes for numbers).
    index
        The series' time index (``None`` without a time column).
    dtype
        The dtype reads are cast to (default: the common dtype of ``dtypes``).
    """

    ndim = 2

    def __init__(
        self,
        reader: RowReader,
        rows: np.ndarray,
        columns: tuple[str, ...],
        dtypes: tuple[Any, ...],
        index: pd.Index | None,
        dtype: np.dtype[Any] | None = None,
    ) -> None:
        self.reader = reader
        self.rows = np.asarray(rows, dtype=np.int64)
        self.columns = tuple(columns)
        self.dtypes = tuple(dtypes)
        self.index = index
        if dtype is None:
            numeric = [d for d in dtypes if isinstance(d, np.dtype) and d.kind in "biuf"]
            dtype = np.result_type(*numeric) if numeric else np.dtype(object)
        self.dtype = np.dtype(dtype)
        self.shape = (int(self.rows.size), len(self.columns))

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return (
            f"LazySeries({self.shape[0]} rows x {self.shape[1]} columns "
            f"{list(self.columns)}, {self.dtype}, read on demand)"
        )

    @property
    def nbytes(self) -> int:
        """Bytes of the whole series at ``dtype`` (what reading it whole costs)."""
        return self.shape[0] * self.shape[1] * self.dtype.itemsize

    def select(self, positions: list[int], dtype: np.dtype[Any]) -> LazySeries:
        """Return the same rows for the columns at ``positions``, read as ``dtype``."""
        return LazySeries(
            self.reader,
            self.rows,
            tuple(self.columns[i] for i in positions),
            tuple(self.dtypes[i] for i in positions),
            self.index,
            dtype,
        )

    def has_nulls(self, position: int) -> bool:
        """Whether column ``position`` has missing values in the file."""
        return self.reader.has_nulls(self.columns[position])

    def column(self, position: int) -> np.ndarray:
        """All rows of one column, as stored (float64 where it has missing values)."""
        dtype = np.dtype(self.dtypes[position])
        if self.has_nulls(position) and not np.issubdtype(dtype, np.floating):
            dtype = np.dtype(np.float64)
        return self.reader.read(self.rows, (self.columns[position],), dtype)[:, 0]

    def _read(self, positions: np.ndarray) -> np.ndarray:
        return self.reader.read(self.rows[positions], self.columns, self.dtype)

    def __getitem__(self, key: Any) -> np.ndarray:
        """Index like numpy: the row key (first) is read, the rest applies to what was read."""
        rows, rest = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
        n = len(self)
        if isinstance(rows, slice):
            picked = np.arange(n)[rows]
            whole: tuple[Any, ...] = (slice(None), *rest)
            return self._read(picked)[whole]
        if rows is Ellipsis or rows is None:
            raise TypeError(f"A LazySeries is indexed by rows first. {received_type('key', key)}")
        positions = np.asarray(rows)
        if positions.dtype == bool:
            if positions.shape != (n,):
                raise IndexError(f"boolean index of shape {positions.shape} does not match {n}")
            positions = np.flatnonzero(positions)
        if not np.issubdtype(positions.dtype, np.integer):
            raise IndexError(f"rows must be integers, a slice or a mask; got {positions.dtype}")
        positions = np.where(positions < 0, positions + n, positions).astype(np.int64)
        if positions.size and (positions.min() < 0 or positions.max() >= n):
            raise IndexError(f"row index out of bounds for {n} rows")
        # Each row is read once; numpy then indexes what was read, with the same key, so
        # a row array broadcast against a column array (``[rows[..., None], columns]``)
        # gives numpy's shape.
        unique, inverse = np.unique(positions.ravel(), return_inverse=True)
        read = self._read(unique)
        where: tuple[Any, ...] = (inverse.reshape(positions.shape), *rest)
        return read[where]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """All rows as one array (a new one, read from the file)."""
        if copy is False:
            raise ValueError("A series read from a file is an array only as a copy.")
        whole = self._read(np.arange(len(self)))
        return whole if dtype is None else whole.astype(dtype, copy=False)


def lazy_of(values: object) -> LazySeries | None:
    """Return ``values`` if it is a :class:`LazySeries`, else ``None``."""
    return values if isinstance(values, LazySeries) else None


def series_names(series: LazySeries) -> list[Hashable]:
    """Column names of a lazy series, as table labels."""
    return list(series.columns)


class SharedRows:
    """The series of a panel that all read from one reader: one read per batch, not per series.

    ``rows[i]`` is the reader's row of the panel's row ``i`` (its series' rows, one series
    after another): an integer per row, the size of the index.
    """

    def __init__(self, reader: RowReader, rows: np.ndarray, columns: tuple[str, ...]) -> None:
        self.reader = reader
        self.rows = rows
        self.columns = columns

    def read(self, positions: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
        """Return the panel's rows ``positions`` (flat), ``(len, columns)`` at ``dtype``."""
        return self.reader.read(self.rows[positions], self.columns, dtype)


def shared_rows(arrays: tuple[Any, ...]) -> SharedRows | None:
    """Return a :class:`SharedRows` when every series is a LazySeries of one reader."""
    if not arrays or not isinstance(arrays[0], LazySeries):
        return None
    first = arrays[0]
    for a in arrays:
        if not isinstance(a, LazySeries) or a.reader is not first.reader:
            return None
        if a.columns != first.columns or a.dtype != first.dtype:
            return None
    return SharedRows(first.reader, _joined_rows([a.rows for a in arrays]), first.columns)


def _joined_rows(parts: list[np.ndarray]) -> np.ndarray:
    """Concatenate the series' row numbers; without a copy when they lie back to back.

    The series a reader opens are consecutive slices of one array (its rows grouped by
    series), so in their own order they are that array again: no second index-sized copy.
    """
    base = parts[0].base
    step = parts[0].itemsize
    if isinstance(base, np.ndarray) and base.ndim == 1 and base.strides == (step,):
        at = parts[0].ctypes.data
        for part in parts:
            if part.base is not base or part.strides != (step,) or part.ctypes.data != at:
                break
            at += part.size * step
        else:
            first = (parts[0].ctypes.data - base.ctypes.data) // step
            return base[first : first + sum(p.size for p in parts)]
    return np.concatenate(parts)


def joined_index(indexes: list[Any]) -> pd.Index | None:
    """Return the indexes one after another without a copy when they lie back to back.

    :func:`lstmshape.read_parquet` gives each series a slice of one time index, sorted
    by series: in their own order they are that index again (a view of it, not a second
    index-sized array). ``None`` for other indexes (the caller appends them).
    """
    first = indexes[0]
    kinds = (pd.DatetimeIndex, pd.TimedeltaIndex)
    if not isinstance(first, kinds) or getattr(first, "tz", None) is not None:
        return None
    arrays = []
    for index in indexes:
        if type(index) is not type(first) or index.dtype != first.dtype:
            return None
        if index.name != first.name:
            return None
        arrays.append(index.to_numpy(copy=False))
    if not isinstance(arrays[0].base, np.ndarray):
        return None
    joined = _joined_rows(arrays)
    if joined.base is None:  # not back to back: a copy was made; the caller appends
        return None
    return pd.Index(joined, name=first.name, copy=False)
