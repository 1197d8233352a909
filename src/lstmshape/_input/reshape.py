"""``to_3d``: reshape without overlapping windows, decided by ndim and keywords alone."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.errors import ShapeError, plural, received
from .._core.validate import check_bool, check_int
from .table import as_float_array


def to_3d(data: Any, *, lookback: int | None = None, univariate: bool = False) -> np.ndarray:
    """Reshape data into the 3-D ``(samples, timesteps, features)`` array an LSTM takes.

    No windows overlap here; for sliding windows with targets use :func:`windows`.
    The result is decided by the input's ``ndim`` and the keywords alone, never guessed:

    ========  ====================  ===========================  =======================
    ndim      keywords              reads the input as           result
    ========  ====================  ===========================  =======================
    1         --                    one series of ``n`` steps    ``(1, n, 1)``
    1         ``lookback=t``        one series cut into blocks   ``(n // t, t, 1)``
    2         --                    ``(n, f)``: rows x features  ``(1, n, f)``
    2         ``lookback=t``        ``(n, f)`` cut into blocks   ``(n // t, t, f)``
    2         ``univariate=True``   ``(samples, timesteps)``     ``(samples, timesteps, 1)``
    3         --                    already 3-D                  unchanged
    ========  ====================  ===========================  =======================

    Parameters
    ----------
    data : array_like, pandas.Series or pandas.DataFrame
        Rows are time, columns are features.
    lookback : int, optional
        Cut the time axis into consecutive, non-overlapping blocks of this length;
        ``n`` must be a multiple of it.
    univariate : bool, default False
        Read a 2-D array as ``(samples, timesteps)`` of a single feature.

    Returns
    -------
    numpy.ndarray
        A read-only view (no copy) when the input is already floating; integer and
        boolean input becomes float32.

    Raises
    ------
    ShapeError
        0-D or 4-D+ input, empty input, NaN or infinite values, ``n`` not a multiple of
        ``lookback``, keywords that do not apply to the input's ndim.

    Examples
    --------
    >>> import numpy as np
    >>> from lstmshape import to_3d
    >>> to_3d(np.arange(10.0)).shape             # 10 values -> 1 sample of 10 steps
    (1, 10, 1)
    >>> to_3d(np.ones((10, 2))).shape            # two parallel series of 10 steps
    (1, 10, 2)
    >>> to_3d(np.ones((100, 2)), lookback=50).shape
    (2, 50, 2)
    >>> to_3d(np.ones((32, 50)), univariate=True).shape
    (32, 50, 1)
    """
    univariate = check_bool(univariate, "univariate")
    if lookback is not None:
        lookback = check_int(lookback, "lookback", minimum=1)
    array = as_float_array(data)
    if array.ndim == 0:
        raise ShapeError(
            "`data` must have at least 1 dimension (a series); a scalar has no time axis. "
            f"Received: data={array.item()!r}"
        )
    if array.ndim > 3:
        raise ShapeError(
            "`data` must be 1-D (steps,), 2-D (steps, features) or 3-D (samples, timesteps, "
            f"features). Received: data of shape {array.shape}"
        )
    if array.ndim == 3:
        if lookback is not None or univariate:
            raise ShapeError(
                f"`data` is already 3-D {array.shape} = (samples, timesteps, features); "
                "`lookback` and `univariate` apply only to 1-D and 2-D input."
            )
        return array
    if univariate:
        return _univariate(array, lookback)
    table = array[:, None] if array.ndim == 1 else array
    if lookback is None:
        return table[None, :, :]
    return _blocks(table, lookback)


def _univariate(array: np.ndarray, lookback: int | None) -> np.ndarray:
    if array.ndim != 2:
        raise ShapeError(
            "`univariate=True` reads a 2-D array as (samples, timesteps); "
            f"Received: data of shape {array.shape}. A 1-D series needs no flag: "
            "to_3d(series) gives (1, n, 1)."
        )
    if lookback is not None:
        raise ShapeError(
            "`lookback` and `univariate=True` cannot be combined: with univariate=True the "
            f"columns already are the timesteps ({array.shape[1]}). "
            f"{received('lookback', lookback)}"
        )
    return array[:, :, None]


def _blocks(table: np.ndarray, lookback: int) -> np.ndarray:
    n_rows, n_features = table.shape
    if n_rows < lookback:
        raise ShapeError(
            f"Cannot cut {plural(n_rows, 'row')} into blocks of lookback={lookback}: one "
            f"block needs {lookback} rows. Use lookback <= {n_rows}, or to_3d(data) for one "
            f"sample of {n_rows} timesteps. {received('lookback', lookback)}"
        )
    remainder = n_rows % lookback
    if remainder:
        usable = n_rows - remainder
        raise ShapeError(
            f"Cannot cut {n_rows} rows into blocks of lookback={lookback}: {remainder} rows "
            f"would be left over ({n_rows} = {n_rows // lookback} x {lookback} + {remainder}). "
            f"Drop them first (`data[{remainder}:]` keeps the latest {usable} rows), or choose "
            "a `lookback` that divides the number of rows. For overlapping windows use "
            "`lstmshape.windows`."
        )
    return table.reshape(n_rows // lookback, lookback, n_features)
