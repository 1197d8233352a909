"""Panels: several series placed one after another as one table of rows.

``windows([s1, s2, ...])`` (or a dict ``{name: series}``) validates each series as its own
table (in-memory arrays alike in dtype and columns: all at once, over their concatenation,
which then is :attr:`SeriesStore.rows`) and places one plan over a *virtual*
concatenation: series ``k`` occupies rows ``[offsets[k], offsets[k + 1])`` of it. A
:class:`SeriesStore` keeps the series' own arrays (memory maps stay in their files).
Readers treat it as the data array (``WindowSource.values``): it has ``shape``,
``dtype``, ``len()`` and numpy's row indexing (every result is a new array of the rows
asked for), and reading it whole (``numpy.asarray``) is a copy bounded like every other
copy of windows (``LSTMSHAPE_MAX_COPY_BYTES``).

The loaders read a panel of in-memory arrays through :attr:`SeriesStore.rows`: the series
concatenated once (within the same bound) into one array, so a batch is one gather by
start rows, whatever the number of series. Memory maps and other lazy series are never
concatenated: their batches read only their own rows, one fancy index per series present
in the batch.

Also here: :func:`read_npy_folder`, a folder of per-series ``.npy`` files as a dict of
memory maps, ready for :func:`lstmshape.windows`.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._core.arrays import MAX_COPY_ENV, is_file_backed, max_copy_bytes, readonly
from .._core.errors import ShapeError, listed, received_type
from .frames import is_foreign_frame
from .lazy import LazySeries, shared_rows


class SeriesStore:
    """Read-only rows of several 2-D series, one after another, as one table.

    Parameters
    ----------
    arrays
        One 2-D array-like ``(rows_k, columns)`` per series, all with the same columns.
        They are kept as they are (read-only views, memory maps, lazy columnar readers):
        nothing is read until asked. The protocol a series must follow: ``shape`` and
        ``dtype`` attributes, and numpy row indexing ``array[rows]`` by an integer array
        (sorted or not, repeats allowed) and by a slice, returning a numpy array of
        those rows.
    names
        One name per series.
    rows
        Optional: all rows already as one in-memory array (the series are views of it),
        so that :attr:`rows` does not copy them again.

    Attributes
    ----------
    offsets : numpy.ndarray
        ``offsets[k]`` is the first row of series ``k`` in the virtual concatenation;
        ``offsets[-1]`` is the number of rows.
    dtype : numpy.dtype
        The common dtype (``numpy.result_type`` of the series'); reads are cast to it.

    Notes
    -----
    :meth:`read` (rows of the virtual concatenation, any shape) is the one reading
    primitive; every reader of windows goes through it or through :attr:`rows`. Where
    every series is an in-memory numpy array, :attr:`rows` concatenates them once (a
    copy of ``nbytes``, made only when it fits ``LSTMSHAPE_MAX_COPY_BYTES``) and every
    read is then one numpy gather; otherwise (memory maps, lazy readers, or too large)
    :meth:`read` reads series by series, one fancy index per series present.

    Examples
    --------
    >>> store = SeriesStore([np.zeros((3, 2)), np.ones((2, 2))], ["a", "b"])
    >>> store.shape, store.offsets.tolist(), store[2:4, 0].tolist()
    ((5, 2), [0, 3, 5], [0.0, 1.0])
    """

    def __init__(
        self,
        arrays: Sequence[np.ndarray],
        names: Sequence[Hashable],
        rows: np.ndarray | None = None,
    ) -> None:
        self.arrays = tuple(arrays)
        self.names = tuple(names)
        lengths = np.fromiter((a.shape[0] for a in self.arrays), np.int64, len(self.arrays))
        self.offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)
        self.offsets.flags.writeable = False
        self.dtype = np.result_type(*{a.dtype for a in self.arrays})
        self.shape = (int(self.offsets[-1]), int(self.arrays[0].shape[1]))
        self._shared = shared_rows(self.arrays)  # series of one file: one read per batch
        #: Whether some series are read from files on demand (:mod:`.lazy`): readers then
        #: gather the rows of each batch instead of keeping per-series views.
        self.is_lazy = any(isinstance(a, LazySeries) for a in self.arrays)
        if rows is not None and rows.shape == self.shape and not is_file_backed(rows):
            self.__dict__["rows"] = readonly(rows.astype(self.dtype, copy=False))

    ndim = 2

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def nbytes(self) -> int:
        """Bytes of the whole panel at the common dtype (what reading it whole costs)."""
        return self.shape[0] * self.shape[1] * self.dtype.itemsize

    def __repr__(self) -> str:
        return (
            f"SeriesStore({len(self.arrays)} series, "
            f"{self.shape[0]} rows x {self.shape[1]} columns, {self.dtype})"
        )

    def with_arrays(
        self, arrays: Sequence[np.ndarray], rows: np.ndarray | None = None
    ) -> SeriesStore:
        """Return the same series (names, lengths) over other arrays (scaled ones)."""
        return SeriesStore(arrays, self.names, rows)

    def split_like(self, values: np.ndarray) -> SeriesStore:
        """Return the same series over views of ``values``, one array of all rows."""
        bounds = self.offsets.tolist()
        return self.with_arrays([values[a:b] for a, b in pairwise(bounds)], values)

    @cached_property
    def rows(self) -> np.ndarray | None:
        """All rows as one read-only in-memory array, or ``None`` when the panel stays lazy.

        Made on first use by concatenating the series once (the loaders ask for it), when
        every series is an in-memory numpy array and the copy fits
        ``LSTMSHAPE_MAX_COPY_BYTES``; ``None`` for memory maps, lazy readers, or a panel
        beyond that bound (which is then read series by series).
        """
        in_memory = all(isinstance(a, np.ndarray) and not is_file_backed(a) for a in self.arrays)
        if not in_memory or self.nbytes > max_copy_bytes():
            return None
        return readonly(np.concatenate(self.arrays, axis=0, dtype=self.dtype))

    # -- where rows are ----------------------------------------------------------------------
    def series_of(self, rows: np.ndarray) -> np.ndarray:
        """Return the series number of each of ``rows`` (rows of the concatenation)."""
        return np.searchsorted(self.offsets, rows, side="right") - 1

    def local(self, rows: np.ndarray) -> np.ndarray:
        """Return the positions of ``rows`` inside each row's own series."""
        rows = np.asarray(rows, dtype=np.int64)
        return rows - self.offsets[self.series_of(rows)]

    # -- reading -------------------------------------------------------------------------------
    def read(self, rows: Any) -> np.ndarray:
        """Return the rows ``rows`` (an integer array of any shape): ``rows.shape + (columns,)``.

        Each series' rows are read from its own array, series by series.
        """
        rows = np.asarray(rows, dtype=np.int64)
        whole = self.__dict__.get("rows")  # only when already made: reads never make it
        if whole is not None:
            return whole[rows]
        flat = rows.ravel()
        if self._shared is not None:
            return self._shared.read(flat, self.dtype).reshape(*rows.shape, self.shape[1])
        out = np.empty((flat.size, self.shape[1]), dtype=self.dtype)
        if flat.size:
            series = self.series_of(flat)
            order = np.argsort(series, kind="stable")
            present, firsts = np.unique(series[order], return_index=True)
            ends = np.append(firsts[1:], flat.size)
            for k, a, b in zip(present.tolist(), firsts.tolist(), ends.tolist(), strict=True):
                where = order[a:b]
                out[where] = self.arrays[k][flat[where] - self.offsets[k]]
        return out.reshape(*rows.shape, self.shape[1])

    def read_span(self, begin: int, end: int) -> np.ndarray:
        """Return rows ``begin .. end - 1`` (a read-only view when they lie in one series)."""
        first = int(self.series_of(np.array([begin]))[0]) if begin < len(self) else 0
        if end <= begin:
            return np.empty((0, self.shape[1]), dtype=self.dtype)
        if end <= self.offsets[first + 1]:
            base = self.offsets[first]
            return self.arrays[first][begin - base : end - base].astype(self.dtype, copy=False)
        return self.read(np.arange(begin, end))

    def __getitem__(self, key: Any) -> np.ndarray:
        """Index like numpy: the row key (first) is read, the rest applies to what was read."""
        rows, rest = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
        if isinstance(rows, slice):
            begin, end, step = rows.indices(len(self))
            if step == 1:
                whole: tuple[Any, ...] = (slice(None), *rest)
                return self.read_span(begin, end)[whole]
            rows = np.arange(begin, end, step)
        if rows is Ellipsis or rows is None:
            raise TypeError(f"A SeriesStore is indexed by rows first. {received_type('key', key)}")
        positions = np.asarray(rows)
        if positions.dtype == bool:
            if positions.shape != (len(self),):
                raise IndexError(
                    f"boolean index of shape {positions.shape} does not match {len(self)} rows"
                )
            positions = np.flatnonzero(positions)
        if not np.issubdtype(positions.dtype, np.integer):
            raise IndexError(f"rows must be integers, a slice or a mask; got {positions.dtype}")
        positions = np.where(positions < 0, positions + len(self), positions)
        if positions.size and (positions.min() < 0 or positions.max() >= len(self)):
            raise IndexError(f"row index out of bounds for {len(self)} rows")
        unique, inverse = np.unique(positions, return_inverse=True)
        picked: tuple[Any, ...] = (inverse.reshape(positions.shape), *rest)
        return self.read(unique)[picked]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """All rows as one array: a copy, refused beyond the bound on copies."""
        limit = max_copy_bytes()
        if self.nbytes > limit:
            raise ShapeError(
                f"This needs the whole panel of {len(self.arrays)} series in memory as one "
                f"array of shape {self.shape}, {self.nbytes / 2**20:.1f} MiB, more than the "
                f"{limit / 2**20:.1f} MiB lstmshape allocates without asking (a quarter of "
                "this machine's memory by default). A panel is read batch by batch by the "
                "loaders (`batches`, `to_dataset`, `to_torch`); scaling or transforming it, "
                f"or reading `X`/`y` whole, needs it in memory. (Set {MAX_COPY_ENV} to raise "
                "the bound.)"
            )
        if copy is False:
            raise ValueError("A panel of series is one array only as a copy (copy=False).")
        whole = self.read(np.arange(len(self)))  # a new array, series by series
        return whole if dtype is None else whole.astype(dtype, copy=False)


def store_of(values: object) -> SeriesStore | None:
    """Return ``values`` if it is a :class:`SeriesStore` (a panel), else ``None``."""
    return values if isinstance(values, SeriesStore) else None


def row_labels(values: object, index: pd.Index | None, rows: np.ndarray) -> pd.Index:
    """Return the index labels of ``rows``, or row positions named ``row``.

    For a panel of arrays, the positions inside each row's own series. The one rule for
    ``to_frame``, ``target_index``, ``explain`` and the boundaries of splits.
    """
    if index is not None:
        return index[rows]
    store = store_of(values)
    local = rows if store is None else store.local(rows)
    return pd.Index(np.asarray(local), name="row")


def is_panel(data: Any) -> bool:
    """Whether ``data`` is a panel: a list, tuple or dict of arrays, Series or DataFrames.

    An empty dict is a panel (refused as empty). A list of numbers or of lists of numbers
    stays one table (rows of values), as always; a dict of lists is refused as before.
    """
    if isinstance(data, dict) and not data:
        return True
    items = data.values() if isinstance(data, dict) else data
    if not isinstance(data, (list, tuple, dict)) or not items:
        return False
    return all(
        isinstance(item, (pd.Series, pd.DataFrame, LazySeries))
        or (isinstance(item, np.ndarray) and item.ndim >= 1)
        or is_foreign_frame(item)
        for item in items
    )


def panel_items(data: list[Any] | tuple[Any, ...] | dict[Any, Any]) -> list[tuple[Hashable, Any]]:
    """Return ``(name, series)`` pairs: dict keys, or positions for a list."""
    items: list[tuple[Hashable, Any]] = (
        list(data.items()) if isinstance(data, dict) else list(enumerate(data))
    )
    if not items:
        raise ShapeError(
            "`data` is an empty dict: a panel needs at least one series. Received: data={}"
        )
    for name, _ in items:
        if not isinstance(name, Hashable) or name is None:
            raise TypeError(
                f"The names of the series (dict keys) must be hashable and not None. "
                f"{received_type('name', name)}"
            )
    return items


def read_npy_folder(
    path: str | os.PathLike[str], *, pattern: str = "*.npy", mmap_mode: Literal["r"] | None = "r"
) -> dict[str, np.ndarray]:
    """Open a folder of per-series ``.npy`` files as ``{file stem: memory map}``.

    The result is ready for :func:`lstmshape.windows` and :func:`lstmshape.split`: each
    file is one series (1-D ``(rows,)`` or 2-D ``(rows, features)``, all with the same
    columns), named by its file name without ``.npy``. Files are opened as read-only
    memory maps: nothing is read until windows ask for rows, and with
    ``shard_by="series"`` a worker reads only its own series' files.

    Parameters
    ----------
    path : str or os.PathLike
        The folder.
    pattern : str, default "*.npy"
        Which files to open (``pathlib`` glob, not recursive), in sorted order.
    mmap_mode : {"r", None}, default "r"
        ``"r"`` opens memory maps; ``None`` reads every file into memory.

    Returns
    -------
    dict
        ``{stem: array}``, sorted by file name.

    Raises
    ------
    ShapeError
        The folder does not exist, or holds no matching file.
    TypeError
        ``mmap_mode`` other than ``"r"`` or ``None`` (windows never write).

    Examples
    --------
    >>> import tempfile, numpy as np, lstmshape
    >>> folder = tempfile.mkdtemp()
    >>> np.save(f"{folder}/north.npy", np.arange(30.0))
    >>> np.save(f"{folder}/south.npy", np.arange(20.0))
    >>> panel = lstmshape.read_npy_folder(folder)
    >>> {name: a.shape for name, a in panel.items()}
    {'north': (30,), 'south': (20,)}
    >>> w = lstmshape.windows(panel, 5)
    >>> w.X.shape, sorted(set(w.groups))
    ((40, 5, 1), ['north', 'south'])
    """
    if mmap_mode not in ("r", None):
        raise TypeError(
            "`mmap_mode` must be 'r' (read-only memory maps) or None (read into memory): "
            f"windows never write to the files. Received: mmap_mode={mmap_mode!r}"
        )
    folder = Path(path)
    if not folder.is_dir():
        raise ShapeError(f"`path` is not a folder. Received: path={str(path)!r}")
    files = sorted(p for p in folder.glob(pattern) if p.is_file())
    if not files:
        present = sorted(p.name for p in folder.iterdir())
        raise ShapeError(
            f"`path` holds no file matching {pattern!r}; it holds "
            f"{len(present)} other entries"
            f"{': ' + listed(map(repr, present)) if present else ''}. "
            f"Received: path={str(path)!r}"
        )
    return {p.stem: _load_npy(p, mmap_mode) for p in files}


def _load_npy(path: Path, mmap_mode: Any) -> np.ndarray:
    """Open one ``.npy`` file, naming it when numpy cannot read it as an array."""
    try:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ShapeError(
            f"{path.name} in {path.parent} is not a readable .npy array (numpy says: "
            f"{str(error).split('. ')[0]}). Each file must hold one numeric array written by "
            "numpy.save; move other files out of the folder or narrow `pattern`."
        ) from error
