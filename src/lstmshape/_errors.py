"""The one error class of lstmshape and the helpers that word its messages.

Every message has the same shape: what was being done, what was expected, and what was
received (``Received: name=value``), plus the fix when there is an obvious one.
"""

from __future__ import annotations

from typing import Any


class ShapeError(ValueError):
    """Data or parameters cannot be framed as LSTM input.

    A subclass of :class:`ValueError`, so ``except ValueError`` catches it too. Raised for
    values that are of the right type but the wrong size, shape, order or content: a
    lookback longer than the series, a descending date index, NaN values, a model whose
    input shape does not fit the windows. Wrong types raise :class:`TypeError`.
    """


# Tracebacks show the public name, lstmshape.ShapeError, not the private module.
ShapeError.__module__ = "lstmshape"


def received(name: str, value: Any) -> str:
    """Return the closing ``Received: name=value`` of a message."""
    return f"Received: {name}={value!r}"


def received_type(name: str, value: Any) -> str:
    """Return ``Received: name=value (of type T)`` for type errors."""
    return f"Received: {name}={_short_repr(value)} (of type {type(value).__name__})"


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def plural(count: int, noun: str) -> str:
    """Return ``"1 row"`` or ``"3 rows"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
