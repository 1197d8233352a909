"""Read-only arrays: the one rule for every array lstmshape hands out.

Setting ``flags.writeable = False`` is not enough: numpy lets anyone set it back to True on
an array that owns its data, or on a view whose base is writable, and writes would then
reach the caller's data or the windows' cached copies. A view made by
``as_strided(writeable=False)`` refuses that.
"""

from __future__ import annotations

import numpy as np


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
