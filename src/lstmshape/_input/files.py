"""Parquet datasets and Arrow IPC files opened as panels whose series are read on demand.

:func:`read_parquet` and :func:`read_arrow` return ``{series name: LazySeries}``, the kind of
panel :func:`lstmshape.read_npy_folder` returns, ready for :func:`lstmshape.windows`,
``split`` and ``folds`` (a single file without a series column: one ``LazySeries``, as the
frame it was written from). Opening reads the *index* only: the series column and the time
column, once per file, to know which rows belong to which series and when; the rows are
grouped by series with arrays (a row-number array and a time array in series order, of
which each series holds slices), never a Python object per row. Values are read when a
loader asks for a batch's rows, chunk by chunk (a Parquet row group, an Arrow record
batch); the chunks read last are kept in a cache bounded in bytes (``cache_bytes``), and
the chunks of the last read are kept beyond it (a batch's inputs and targets share them),
so memory follows what a batch touches, not the size of the data.

* Arrow IPC (Feather v2) files are memory-mapped: an uncompressed record batch is read
  without a copy (its columns are numpy views of the mapped file where they have no
  missing values); a compressed one is decompressed when its rows are first asked for.
* Parquet is compressed and encoded by column chunk: a row group is decoded whole when
  one of its rows is asked for. Small row groups (one series per file or per row group)
  keep that cheap; with hive partitions (``series=a/part.parquet``) a series' rows are in
  its own files, and with ``shard_by="series"`` each worker opens only its own.

pyarrow is imported when one of these functions is called, never by ``import lstmshape``.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, did_you_mean, listed, received, received_type
from .._core.frameworks import import_pyarrow
from .lazy import LazySeries

#: Default bound on the decoded chunks a file's reader keeps (bytes).
CACHE_BYTES = 64 * 2**20
#: Parquet files a reader keeps open (per process), the ones used last.
OPEN_FILES = 64


class _ChunkReader:
    """Rows of a dataset split in chunks; decoded chunks cached up to ``cache_bytes``."""

    def __init__(self, chunk_rows: Sequence[int], nulls: dict[str, bool], cache_bytes: int):
        self.offsets = np.concatenate([[0], np.cumsum(np.asarray(chunk_rows, dtype=np.int64))])
        self.nulls = nulls
        self.cache_bytes = cache_bytes
        self._reset()

    def _reset(self) -> None:
        self._cache: OrderedDict[tuple[int, str], tuple[np.ndarray, int]] = OrderedDict()
        self._cached = 0
        self._kept: set[int] = set()  # the chunks of the last read: kept for the next one
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in {"_cache", "_lock"}}
        state["_cached"] = 0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()

    def has_nulls(self, column: str) -> bool:
        return self.nulls.get(column, False)

    def load(self, chunk: int, columns: tuple[str, ...]) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def _columns(self, chunk: int, columns: tuple[str, ...]) -> list[np.ndarray]:
        """Return the chunk's columns as numpy arrays, from the cache or decoded now.

        A chunk costs the memory its reading allocated (decoded Parquet pages, a
        decompressed record batch, numpy copies); views of a memory-mapped file cost
        nothing (the pages are the operating system's cache, shared and reclaimable).
        """
        missing = [c for c in columns if (chunk, c) not in self._cache]
        if missing:
            pa = import_pyarrow("reading Arrow and Parquet files")

            before = pa.total_allocated_bytes()
            arrays = [(n, _to_numpy(c)) for n, c in self.load(chunk, tuple(missing)).items()]
            decoded = max(0, pa.total_allocated_bytes() - before)
            for name, array in arrays:
                cost = decoded // len(arrays) + (array.nbytes if array.flags.owndata else 0)
                self._cache[(chunk, name)] = (array, cost)
                self._cached += cost
        for name in columns:
            self._cache.move_to_end((chunk, name))
        return [self._cache[(chunk, c)][0] for c in columns]

    def _evict(self, used: set[int]) -> None:
        """Drop the chunks used least recently down to ``cache_bytes``.

        The chunks of this read and of the one before stay: a batch reads its inputs and
        then its targets, mostly from the same chunks, and each must be decoded once per
        batch, not once per read (an LRU smaller than a batch's chunks would drop every
        input chunk before its targets are read).
        """
        keep = used | self._kept
        self._kept = used
        if self._cached <= self.cache_bytes:
            return
        for key in list(self._cache):
            if self._cached <= self.cache_bytes:
                break
            if key[0] not in keep:
                self._cached -= self._cache.pop(key)[1]

    def read(self, rows: np.ndarray, columns: tuple[str, ...], dtype: np.dtype[Any]) -> np.ndarray:
        """Return ``(len(rows), len(columns))`` values at ``dtype``, chunk by chunk."""
        if os.getpid() != self._pid:  # a forked worker: its own cache and files
            self._reset()
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((rows.size, len(columns)), dtype=dtype)
        if rows.size == 0:
            return out
        low, high = int(rows.min()), int(rows.max())
        first = int(np.searchsorted(self.offsets, low, side="right")) - 1
        if high < self.offsets[first + 1]:  # one chunk (a series in one row group): no sort
            with self._lock:
                local = rows - self.offsets[first]
                for j, array in enumerate(self._columns(first, columns)):
                    out[:, j] = array[local]
                self._evict({first})
            return out
        chunks = np.searchsorted(self.offsets, rows, side="right") - 1
        order = np.argsort(chunks, kind="stable")
        present, firsts = np.unique(chunks[order], return_index=True)
        ends = np.append(firsts[1:], rows.size)
        with self._lock:
            for chunk, a, b in zip(present.tolist(), firsts.tolist(), ends.tolist(), strict=True):
                where = order[a:b]
                local = rows[where] - self.offsets[chunk]
                for j, array in enumerate(self._columns(chunk, columns)):
                    out[where, j] = array[local]
            self._evict(set(present.tolist()))
        return out


def _to_numpy(column: Any) -> np.ndarray:
    """Return an Arrow column as numpy: zero-copy when it can be; missing values as NaN."""
    pa = import_pyarrow("reading Arrow and Parquet files")

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if column.null_count:
        if pa.types.is_integer(column.type) or pa.types.is_boolean(column.type):
            column = column.cast(pa.float64())
        return np.asarray(column.to_numpy(zero_copy_only=False))
    try:
        return np.asarray(column.to_numpy(zero_copy_only=True))
    except (pa.ArrowInvalid, NotImplementedError):  # booleans are bits: a copy
        return np.asarray(column.to_numpy(zero_copy_only=False))


class _ParquetReader(_ChunkReader):
    """Row groups of Parquet files (``chunks[i] = (file, row group)``).

    Files are kept open (their footers parsed once), the :data:`OPEN_FILES` used last:
    opening a file costs more than decoding a small row group. Row groups are decoded on
    the calling thread (a loader's workers are the parallelism).
    """

    def __init__(
        self,
        chunks: list[tuple[str, int, int]],
        constants: list[dict[str, Any]],
        nulls: dict[str, bool],
        cache_bytes: int,
    ) -> None:
        self.chunks = chunks
        self.constants = constants
        super().__init__([rows for _, _, rows in chunks], nulls, cache_bytes)

    def _reset(self) -> None:
        super()._reset()
        self._files: OrderedDict[str, Any] = OrderedDict()

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_files", None)
        return state

    def _file(self, path: str) -> Any:
        file = self._files.get(path)
        if file is None:
            pq = import_pyarrow("reading Arrow and Parquet files", "parquet")

            file = self._files[path] = pq.ParquetFile(path)
            while len(self._files) > OPEN_FILES:
                self._files.popitem(last=False)
        self._files.move_to_end(path)
        return file

    def load(self, chunk: int, columns: tuple[str, ...]) -> dict[str, Any]:
        pa = import_pyarrow("reading Arrow and Parquet files")

        path, group, rows = self.chunks[chunk]
        constant = self.constants[chunk]
        stored = [c for c in columns if c not in constant]
        result: dict[str, Any] = {}
        if stored:
            table = self._file(path).read_row_group(group, columns=stored, use_threads=False)
            result.update({c: table.column(c) for c in stored})
        for c in columns:
            if c in constant:
                result[c] = pa.array([constant[c]] * rows)
        return result


class _ArrowReader(_ChunkReader):
    """Record batches of a memory-mapped Arrow IPC file."""

    def __init__(self, path: str, chunk_rows: list[int], nulls: dict[str, bool], cache: int):
        self.path = path
        super().__init__(chunk_rows, nulls, cache)

    def _reset(self) -> None:
        super()._reset()
        self._file: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_file", None)
        return state

    def load(self, chunk: int, columns: tuple[str, ...]) -> dict[str, Any]:
        if self._file is None:
            pa = import_pyarrow("read_arrow")
            self._file = pa.ipc.open_file(pa.memory_map(self.path, "r"))
        batch = self._file.get_batch(chunk)
        return {c: batch.column(c) for c in columns}


def read_parquet(
    path: str | os.PathLike[str],
    *,
    time: str | None = None,
    series: str | None = None,
    columns: Sequence[str] | None = None,
    cache_bytes: int = CACHE_BYTES,
) -> dict[Hashable, LazySeries] | LazySeries:
    """Open a Parquet file, folder or hive-partitioned dataset as a panel read on demand.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.parquet`` file, or a folder of them (searched recursively; hive partitions
        such as ``series=a/part.parquet`` give their key as a column).
    time : str, optional
        The time column, which becomes each series' index. Default: the one date/time
        column, if there is exactly one (several are refused: name one).
    series : str, optional
        The column (or hive partition key) that tells series apart. Default: the one hive
        partition key; without partitions, each file of a folder is a series named by its
        file name without ``.parquet``, and a single file is one series.
    columns : sequence of str, optional
        The value columns to keep (default: all but ``time`` and ``series``).
    cache_bytes : int, default 64 MiB
        How many bytes of decoded row groups to keep (at least the last one read).

    Returns
    -------
    dict or LazySeries
        ``{series name: LazySeries}``, sorted by name. Each series is an array-like
        ``(rows, columns)`` with column names and its time index; its rows are in file
        order (the time order is checked by ``windows``). A single file read without
        ``series`` is one ``LazySeries``, as the frame it was written from (windows,
        ``to_frame`` and ``forecast`` give what that pandas frame gives).

    Notes
    -----
    Opening reads each file's metadata and its series and time columns once (the
    index); values are read by row group when a batch needs them, from files kept open
    (the 64 used last). Windows never cross series.

    Examples
    --------
    >>> import tempfile, numpy as np, pandas as pd, lstmshape
    >>> folder = tempfile.mkdtemp()
    >>> frame = pd.DataFrame({"store": ["a"] * 30 + ["b"] * 20, "sales": np.arange(50.0)})
    >>> frame.to_parquet(f"{folder}/sales.parquet")
    >>> panel = lstmshape.read_parquet(f"{folder}/sales.parquet", series="store")
    >>> {name: s.shape for name, s in panel.items()}
    {'a': (30, 1), 'b': (20, 1)}
    >>> lstmshape.windows(panel, 5).X.shape
    (40, 5, 1)
    """
    pa = import_pyarrow("read_parquet")
    ds = import_pyarrow("reading Arrow and Parquet files", "dataset")
    pq = import_pyarrow("reading Arrow and Parquet files", "parquet")

    cache_bytes = _check_cache(cache_bytes)
    root = _existing(path, "read_parquet")
    try:
        dataset = ds.dataset(str(root), format="parquet", partitioning="hive")
    except (pa.ArrowInvalid, OSError) as error:
        raise ShapeError(
            f"`path` could not be read as Parquet ({error}). Received: path={str(path)!r}"
        ) from None
    fragments = sorted(dataset.get_fragments(), key=lambda f: f.path)
    if not fragments:
        raise ShapeError(f"`path` holds no Parquet file. Received: path={str(path)!r}")
    schema = dataset.schema
    keys = [ds.get_partition_keys(f.partition_expression) for f in fragments]
    partition_names = list(dict.fromkeys(k for key in keys for k in key))
    by_file = False
    if series is None and len(partition_names) == 1:
        series = partition_names[0]
    elif series is None and root.is_dir():
        by_file = True
    names = list(schema.names)
    time, series, values = _roles(schema, names, time, series, columns)
    chunks: list[tuple[str, int, int]] = []
    constants: list[dict[str, Any]] = []
    nulls = dict.fromkeys(values, False)
    file_rows: list[int] = []
    key_parts: list[Any] = []
    time_parts: list[Any] = []
    for fragment, key in zip(fragments, keys, strict=True):
        file = pq.ParquetFile(fragment.path)
        meta = file.metadata
        stored = set(file.schema_arrow.names)
        constant = {k: v for k, v in key.items() if k not in stored}
        for group in range(meta.num_row_groups):  # metadata only: no column is read here
            chunks.append((fragment.path, group, meta.row_group(group).num_rows))
            constants.append(constant)
            _note_nulls(meta.row_group(group), nulls)
        rows = meta.num_rows
        file_rows.append(rows)
        wanted = [c for c in (series, time) if c is not None and c in stored]
        table = file.read(columns=wanted, use_threads=False) if wanted else None
        if series is not None and not by_file:  # the key column, one read per file
            key_parts.append(
                table.column(series)
                if table is not None and series in stored
                else pa.repeat(key[series], rows)  # a hive key: one value per file
            )
        if time is not None:
            time_parts.append(_time_values(table, time, stored, key, rows))
    reader = _ParquetReader(chunks, constants, nulls, cache_bytes)
    dtypes = _dtypes(schema, values)
    if by_file:  # one series per file, named by the file
        file_names: list[Hashable] = [Path(f.path).name.removesuffix(".parquet") for f in fragments]
        codes = np.repeat(np.arange(len(fragments), dtype=np.int64), file_rows)
        return _panel(reader, values, dtypes, codes, file_names, time_parts, time)
    if series is None:  # one file, one series: as the frame it was written from
        return _one_series(reader, values, dtypes, time_parts, time)
    codes, labels = _factorize(key_parts)
    return _panel(reader, values, dtypes, codes, labels, time_parts, time)


def read_arrow(
    path: str | os.PathLike[str],
    *,
    time: str | None = None,
    series: str | None = None,
    columns: Sequence[str] | None = None,
    cache_bytes: int = CACHE_BYTES,
) -> dict[Hashable, LazySeries] | LazySeries:
    """Open an Arrow IPC (Feather v2) file, memory-mapped, as a panel read on demand.

    Parameters
    ----------
    path : str or os.PathLike
        An Arrow IPC file (``.arrow``, ``.feather``), as written by
        ``pyarrow.ipc.new_file``, ``pyarrow.feather.write_feather`` or polars'
        ``write_ipc``.
    time, series, columns, cache_bytes
        As for :func:`read_parquet`; without ``series`` the file is one series.

    Returns
    -------
    dict or LazySeries
        ``{series name: LazySeries}``, sorted by name; one ``LazySeries`` without
        ``series``.

    Notes
    -----
    Uncompressed record batches are read in place from the mapped file (no copy for
    columns without missing values); compressed ones are decompressed when first read.

    Examples
    --------
    >>> import tempfile, numpy as np, pyarrow as pa, pyarrow.feather, lstmshape
    >>> path = tempfile.mkdtemp() + "/sales.arrow"
    >>> table = pa.table({"store": ["a"] * 30 + ["b"] * 20, "sales": np.arange(50.0)})
    >>> pa.feather.write_feather(table, path, compression="uncompressed")
    >>> panel = lstmshape.read_arrow(path, series="store")
    >>> lstmshape.windows(panel, 5).X.shape
    (40, 5, 1)
    """
    pa = import_pyarrow("read_arrow")
    cache_bytes = _check_cache(cache_bytes)
    file = _existing(path, "read_arrow")
    if file.is_dir():
        raise ShapeError(
            f"`path` is a folder; read_arrow opens one Arrow IPC file (use read_parquet for "
            f"a folder of Parquet files). Received: path={str(path)!r}"
        )
    try:
        opened = pa.ipc.open_file(pa.memory_map(str(file), "r"))
    except (pa.ArrowInvalid, OSError) as error:
        raise ShapeError(
            f"`path` is not an Arrow IPC file ({error}). Write one with "
            "`pyarrow.feather.write_feather(table, path)` or polars' `df.write_ipc(path)`; an "
            f"Arrow *stream* cannot be read by position. Received: path={str(path)!r}"
        ) from None
    schema = opened.schema
    names = list(schema.names)
    time, series, values = _roles(schema, names, time, series, columns)
    nulls = dict.fromkeys(values, False)
    chunk_rows: list[int] = []
    key_parts: list[Any] = []
    time_parts: list[Any] = []
    for number in range(opened.num_record_batches):
        batch = opened.get_batch(number)
        chunk_rows.append(batch.num_rows)
        for name in values:
            nulls[name] = nulls[name] or batch.column(name).null_count > 0
        if series is not None:
            key_parts.append(batch.column(series))
        if time is not None:
            time_parts.append(batch.column(time))
    reader = _ArrowReader(str(file), chunk_rows, nulls, cache_bytes)
    dtypes = _dtypes(schema, values)
    if series is None:  # one series: as the frame it was written from
        return _one_series(reader, values, dtypes, time_parts, time)
    codes, labels = _factorize(key_parts)
    return _panel(reader, values, dtypes, codes, labels, time_parts, time)


def _check_cache(cache_bytes: Any) -> int:
    if isinstance(cache_bytes, bool) or not isinstance(cache_bytes, (int, np.integer)):
        raise TypeError(
            f"`cache_bytes` must be an integer number of bytes. "
            f"{received_type('cache_bytes', cache_bytes)}"
        )
    if cache_bytes < 0:
        raise ShapeError(
            f"`cache_bytes` must be 0 or more (0 keeps only the chunk read last). "
            f"{received('cache_bytes', cache_bytes)}"
        )
    return int(cache_bytes)


def _existing(path: Any, feature: str) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file or folder path. {received_type('path', path)}")
    found = Path(path)
    if not found.exists():
        raise ShapeError(f"{feature}: `path` does not exist. Received: path={str(path)!r}")
    return found


def _roles(
    schema: Any,
    names: list[str],
    time: str | None,
    series: str | None,
    columns: Sequence[str] | None,
) -> tuple[str | None, str | None, list[str]]:
    """Check ``time``, ``series`` and ``columns`` against the schema; find the time column."""
    pa = import_pyarrow("reading Arrow and Parquet files")

    for param, name in (("time", time), ("series", series)):
        if name is not None and name not in names:
            raise ShapeError(
                f"`{param}` names a column the data does not have: {name!r}."
                f"{did_you_mean(name, names)} Available columns: "
                f"{listed(map(repr, names), limit=20)}."
            )
    if time is None:
        timed = [
            f.name
            for f in schema
            if f.name != series and (pa.types.is_temporal(f.type) and not pa.types.is_time(f.type))
        ]
        if len(timed) > 1:
            raise ShapeError(
                f"The data has {len(timed)} date/time columns ({listed(map(repr, timed))}); "
                "name the one that is the time axis with `time=`, for example "
                f"`time={timed[0]!r}`."
            )
        time = timed[0] if timed else None
    if columns is None:
        values = [n for n in names if n not in (time, series)]
    else:
        if isinstance(columns, (str, bytes)):
            columns = [columns]
        values = list(columns)
        for name in values:
            if name not in names:
                raise ShapeError(
                    f"`columns` names a column the data does not have: {name!r}."
                    f"{did_you_mean(name, names)} Available columns: "
                    f"{listed(map(repr, names), limit=20)}."
                )
            if name in (time, series):
                raise ShapeError(
                    f"`columns` names {name!r}, which is the {'time' if name == time else 'series'}"
                    " column; it is the index of each series, not a value. Leave it out of "
                    f"`columns`. {received('columns', columns)}"
                )
    if not values:
        raise ShapeError(
            "The data has no value columns besides the time and series columns. "
            f"Available columns: {listed(map(repr, names), limit=20)}."
        )
    return time, series, values


def _note_nulls(group: Any, nulls: dict[str, bool]) -> None:
    for j in range(group.num_columns):
        chunk = group.column(j)
        name = chunk.path_in_schema
        if name in nulls and not nulls[name]:
            stats = chunk.statistics
            nulls[name] = stats is None or not stats.has_null_count or stats.null_count > 0


def _time_values(table: Any, time: str, stored: set[str], key: dict[str, Any], rows: int) -> Any:
    pa = import_pyarrow("reading Arrow and Parquet files")

    if time in stored and table is not None:
        return table.column(time)
    return pa.array([key[time]] * rows)


def _dtypes(schema: Any, values: list[str]) -> tuple[Any, ...]:
    """Return the pandas dtypes of the value columns, as ``to_pandas()`` gives them."""
    empty = schema.empty_table().select(values).to_pandas(date_as_object=False)
    return tuple(empty.dtypes.iloc[i] for i in range(len(values)))


def _times(time_parts: list[Any], time: str | None) -> pd.Index | None:
    """Return the time column as pandas reads it (one index for all the rows), or None."""
    if time is None:
        return None
    pa = import_pyarrow("reading Arrow and Parquet files")

    chunks = [c for part in time_parts for c in getattr(part, "chunks", [part])]
    column = pa.chunked_array(chunks) if chunks else pa.chunked_array([], pa.null())
    return pd.Index(column.to_pandas(date_as_object=False), name=time)


def _factorize(key_parts: list[Any]) -> tuple[np.ndarray, list[Hashable]]:
    """Return each row's series code (int64) and the series names, sorted.

    Arrow does the work on the key column (``dictionary_encode``), so strings are not made
    into one Python object per row; only the distinct names become Python objects.
    """
    pa = import_pyarrow("reading Arrow and Parquet files")

    chunks = [c for part in key_parts for c in getattr(part, "chunks", [part])]
    keys = pa.chunked_array(chunks)
    if keys.null_count:
        first = int(np.flatnonzero(keys.is_null().to_numpy(zero_copy_only=False))[0])
        raise ShapeError(
            f"The series column has a missing series name at row {first}; every row must "
            "belong to a series."
        )
    if pa.types.is_dictionary(keys.type):
        keys = keys.cast(keys.type.value_type)
    if keys.num_chunks == 0:
        return np.zeros(0, dtype=np.int64), []
    encoded = keys.combine_chunks().dictionary_encode()
    labels = encoded.dictionary.to_pandas()
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    order = np.argsort(labels.to_numpy(), kind="stable")  # names sorted, as pandas sorts
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[codes], [_plain(labels.iloc[i]) for i in order.tolist()]


def _one_series(
    reader: _ChunkReader,
    values: list[str],
    dtypes: tuple[Any, ...],
    time_parts: list[Any],
    time: str | None,
) -> LazySeries:
    """Return the whole file as one series (no series column), as pandas reads the file."""
    n_rows = int(reader.offsets[-1])
    if n_rows == 0:
        raise ShapeError("The data has no rows.")
    times = _times(time_parts, time)
    index = pd.RangeIndex(n_rows) if times is None else times
    return LazySeries(reader, np.arange(n_rows, dtype=np.int64), tuple(values), dtypes, index)


def _panel(
    reader: _ChunkReader,
    values: list[str],
    dtypes: tuple[Any, ...],
    codes: np.ndarray,
    names: list[Hashable],
    time_parts: list[Any],
    time: str | None,
) -> dict[Hashable, LazySeries]:
    """Group the rows by series code (the index only) and make one LazySeries per series.

    Arrays of the index size, made once: the reader's rows in series order (``order``;
    each series' rows are a view of it) and the times in that order (each series' index
    is a slice of it). Per series there is only its LazySeries and its index object.
    """
    times = _times(time_parts, time)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1)).tolist()
    del codes
    if times is not None:
        times = times[order]  # one copy, in series order; the file order is let go
    dtype = LazySeries(reader, order[:0], tuple(values), dtypes, None).dtype
    panel: dict[Hashable, LazySeries] = {}
    for k, name in enumerate(names):
        a, b = bounds[k], bounds[k + 1]
        if a == b:
            continue
        index = pd.RangeIndex(b - a) if times is None else times[a:b]  # as pandas reads
        panel[name] = LazySeries(reader, order[a:b], tuple(values), dtypes, index, dtype)
    if not panel:
        raise ShapeError("The data has no rows.")
    return panel


def _plain(value: Any) -> Hashable:
    """Return numpy scalars as Python ones, so that names print as ``'a'`` and ``3``."""
    return value.item() if isinstance(value, np.generic) else value
