"""Read-only arrays: the one rule for every array lstmshape hands out.

Setting ``flags.writeable = False`` is not enough: numpy lets anyone set it back to True on
an array that owns its data, or on a view whose base is writable, and writes would then
reach the caller's data or the windows' cached copies. A view made by
``as_strided(writeable=False)`` refuses that.

And one bound for every copy lstmshape makes without being asked (:func:`max_copy_bytes`).
"""

from __future__ import annotations

import mmap
import os
from typing import Any

import numpy as np

from .errors import ShapeError

#: Environment variable that overrides the largest copy of X or y made without asking.
MAX_COPY_ENV = "LSTMSHAPE_MAX_COPY_BYTES"


def readonly(array: np.ndarray) -> np.ndarray:
    """Return a read-only view of ``array`` that cannot be made writable again.

    >>> r = readonly(np.arange(3))
    >>> r.flags.writeable = True
    Traceback (most recent call last):
    ...
    ValueError: cannot set WRITEABLE flag to True of this array
    """
    return np.lib.stride_tricks.as_strided(
        array, shape=array.shape, strides=array.strides, writeable=False
    )


def max_copy_bytes() -> int:
    """Return the largest copy of windows made without asking, in bytes.

    A quarter of the machine's memory; ``LSTMSHAPE_MAX_COPY_BYTES`` overrides it.
    """
    override = os.environ.get(MAX_COPY_ENV)
    if override:
        return int(override)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        total = 8 * 2**30
    return int(total) // 4


def check_copy_size(nbytes: int, shape: tuple[int, ...]) -> None:
    """Refuse to allocate a copy larger than :func:`max_copy_bytes`, saying its size."""
    limit = max_copy_bytes()
    if nbytes > limit:
        raise ShapeError(
            f"Reading these windows as one array needs a copy of shape {shape}, "
            f"{_gigabytes(nbytes)}, more than the {_gigabytes(limit)} lstmshape allocates "
            "without asking (by default a quarter of this machine's memory). The windows cross "
            "groups, gaps or missing rows, or a panel of series, so they are not one strided "
            "view of one array. Stream "
            "them instead: `windows.batches(...)`, `windows.to_dataset(...)` or "
            f"`windows.to_torch(...)` read one batch at a time. (Set {MAX_COPY_ENV} to raise "
            "the bound.)"
        )


def is_file_backed(array: Any) -> bool:
    """Whether ``array`` (or an array it views) is a memory map of a file."""
    current: Any = array
    while current is not None:
        if isinstance(current, (np.memmap, mmap.mmap)):
            return True
        current = getattr(current, "base", None)
    return False


def _gigabytes(nbytes: int) -> str:
    return f"{nbytes / 2**30:.1f} GiB" if nbytes >= 2**30 else f"{nbytes / 2**20:.1f} MiB"
