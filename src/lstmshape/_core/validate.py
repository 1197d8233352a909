"""Parameter checks shared by every public function: one message shape, one rule each.

Each check returns the value normalised (a numpy integer becomes an ``int``) or raises
:class:`TypeError` for a wrong type and :class:`~lstmshape.ShapeError` for a wrong value,
naming the parameter, what was expected and what was received.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, overload

import numpy as np

from .errors import ShapeError, did_you_mean, received, received_type


def check_int(value: Any, name: str, *, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer ``>= minimum``.

    >>> check_int(3, "lookback", minimum=1)
    3
    >>> check_int(0, "lookback", minimum=1)
    Traceback (most recent call last):
    ...
    lstmshape.ShapeError: `lookback` must be at least 1. Received: lookback=0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer. {received_type(name, value)}")
    if value < minimum:
        raise ShapeError(f"`{name}` must be at least {minimum}. {received(name, int(value))}")
    return int(value)


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (Python or numpy), else raise :class:`TypeError`.

    >>> check_bool("yes", "dropna")
    Traceback (most recent call last):
    ...
    TypeError: `dropna` must be True or False. Received: dropna='yes' (of type str)
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False. {received_type(name, value)}")
    return bool(value)


@overload
def check_choice(value: Any, name: str, choices: Sequence[str]) -> str: ...
@overload
def check_choice(value: Any, name: str, choices: Sequence[str], *, none: str) -> str | None: ...
def check_choice(
    value: Any, name: str, choices: Sequence[str], *, none: str | None = None
) -> str | None:
    """Return ``value`` if it is one of the string ``choices``, or None when ``none`` is given.

    The one check of a parameter that takes a name from a fixed list; ``none`` says what
    None means ("levels", "the default").

    >>> check_choice("sum", "merge_mode", ("sum", "concat"))
    'sum'
    >>> check_choice(None, "transform", ("diff", "log"), none="levels") is None
    True
    """
    if value is None and none is not None:
        return None
    valid = ", ".join(map(repr, choices)) + ("" if none is None else f", or None for {none}")
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, one of {valid}. {received_type(name, value)}")
    if value not in choices:
        raise ShapeError(
            f"`{name}` must be one of {valid}.{did_you_mean(value, choices)} "
            f"{received(name, value)}"
        )
    return value


def check_seed(seed: Any, *, shuffle: bool) -> int | None:
    """Return a validated shuffle seed; a seed without ``shuffle=True`` is an error.

    A seed that nothing uses is almost always a forgotten ``shuffle=True``, and ignoring it
    silently would make a user believe the order is seeded.
    """
    if seed is None:
        return None
    seed = check_int(seed, "seed", minimum=0)
    if not shuffle:
        raise ShapeError(
            "`seed` only seeds the shuffle, and shuffle=False: pass shuffle=True to shuffle "
            f"reproducibly, or leave `seed` out. {received('seed', seed)}"
        )
    return seed


def check_float_dtype(dtype: Any, name: str = "dtype") -> np.dtype[Any] | None:
    """Return ``dtype`` as a floating numpy dtype (``None`` stays ``None``).

    Windows hold real values: casting them to an integer dtype would truncate 0.7 to 0.

    >>> check_float_dtype("float32")
    dtype('float32')
    """
    if dtype is None:
        return None
    # numpy reads the dtype off a value (np.dtype(np.float64(2.0)) is float64): a value
    # where a dtype belongs is a mistake, not a request for its type.
    if isinstance(dtype, (np.ndarray, np.generic)):
        raise TypeError(
            f"`{name}` must be a numpy floating dtype such as 'float32' or 'float64', not a "
            f"value. {received_type(name, dtype)}"
        )
    try:
        resolved = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(
            f"`{name}` must be a numpy floating dtype such as 'float32' or 'float64'. "
            f"{received_type(name, dtype)}"
        ) from None
    if not np.issubdtype(resolved, np.floating):
        raise ShapeError(
            f"`{name}` must be a floating dtype such as 'float32' or 'float64': casting windows "
            f"to {resolved} would truncate their values. {received(name, dtype)}"
        )
    if resolved.itemsize > 8:
        raise ShapeError(
            f"`{name}` must be float16, float32 or float64, the floats every framework takes; "
            f"{resolved} is not one. {received(name, dtype)}"
        )
    return resolved


def check_size(value: Any, name: str, *, minimum: int, maximum: int = 2**31 - 1) -> int:
    """Return an integer in ``[minimum, maximum]``: sizes that frameworks can hold."""
    value = check_int(value, name, minimum=minimum)
    if value > maximum:
        raise ShapeError(f"`{name}` must be at most {maximum}. {received(name, value)}")
    return value


def check_quantiles(quantiles: Any, name: str = "quantiles") -> tuple[float, ...]:
    """Return quantile levels as a tuple of floats, strictly increasing, each in ``(0, 1)``.

    ``None`` gives ``()`` (no quantiles).

    >>> check_quantiles([0.1, 0.5, 0.9])
    (0.1, 0.5, 0.9)
    """
    if quantiles is None:
        return ()
    if isinstance(quantiles, (str, bytes)) or not isinstance(quantiles, Sequence | np.ndarray):
        raise TypeError(
            f"`{name}` must be a list of quantile levels such as [0.1, 0.5, 0.9]. "
            f"{received_type(name, quantiles)}"
        )
    levels = []
    for level in quantiles:
        if isinstance(level, bool) or not isinstance(level, numbers.Real):
            raise TypeError(
                f"`{name}` must hold numbers, the quantile levels in (0, 1); "
                f"{level!r} is a {type(level).__name__}. {received(name, quantiles)}"
            )
        levels.append(float(level))
    if not levels:
        raise ShapeError(
            f"`{name}` must hold at least one level, such as [0.1, 0.5, 0.9]; leave it out "
            f"for point forecasts. {received(name, quantiles)}"
        )
    outside = [q for q in levels if not 0 < q < 1]
    if outside:
        raise ShapeError(
            f"`{name}` must be levels strictly between 0 and 1 (0.5 is the median); "
            f"{outside[0]!r} is not. {received(name, quantiles)}"
        )
    if any(b <= a for a, b in pairwise(levels)):
        raise ShapeError(
            f"`{name}` must be strictly increasing (each level once), so that the outputs "
            f"are in order. Pass {sorted(set(levels))}. {received(name, quantiles)}"
        )
    return tuple(levels)


def check_levels_ordered(values: Any, levels: tuple[float, ...], name: str, fix: str) -> None:
    """Refuse quantile predictions whose levels (the last axis) are not in increasing order.

    A crossing level is mislabelled: coverage and interval width read from it are wrong
    (a negative width), so it is refused wherever quantiles enter. NaN is left to the
    caller's own checks.

    >>> import numpy as np
    >>> check_levels_ordered(np.array([[1.0, 2.0, 3.0]]), (0.1, 0.5, 0.9), "predictions", "")
    """
    if len(levels) < 2:
        return
    values = np.asarray(values)
    with np.errstate(invalid="ignore"):
        crossing = np.diff(values, axis=-1) < 0
    if not crossing.any():
        return
    where = tuple(np.argwhere(crossing)[0][:-1].tolist())
    found = [round(float(v), 6) for v in values[where]]
    raise ShapeError(
        f"`{name}`'s quantiles cross: for the levels {list(levels)}, {name}{list(where)} holds "
        f"{found}, not in increasing order ({int(crossing.any(axis=-1).sum())} of "
        f"{int(np.prod(crossing.shape[:-1]))} predictions cross), so a level would be "
        "mislabelled and coverage and width would be wrong. build_model(..., quantiles=...) "
        f"never crosses; {fix}"
    )
