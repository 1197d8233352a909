"""The one error class of lstmshape and the helpers that word its messages.

Every message has the same shape: what was being done, what was expected, and what was
received (``Received: name=value``), plus the fix when there is an obvious one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

#: How many items a message lists before it says "and N more".
MAX_LISTED = 5


class ShapeError(ValueError):
    """Data or parameters cannot be framed as LSTM input.

    A subclass of :class:`ValueError`, so ``except ValueError`` catches it too. Raised for
    every value of the right type that lstmshape cannot use: a wrong size, shape, order or
    content (a lookback longer than the series, a descending date index, NaN values, a
    model whose input shape does not fit the windows) and options that contradict each
    other (``seed`` without ``shuffle=True``). Values of the wrong *type* (a float
    lookback, a text column, a tuple where a name was expected) raise :class:`TypeError`.
    """


# Tracebacks show the public name, lstmshape.ShapeError, not the private module.
ShapeError.__module__ = "lstmshape"


class UnknownCategoryWarning(UserWarning):
    """A categorical covariate holds labels its vocabulary (fitted on training rows) lacks.

    They become the reserved code 0. Raised once per call, naming each column and how
    many values it had that the training rows never showed.
    """


UnknownCategoryWarning.__module__ = "lstmshape"


def received(name: str, value: Any) -> str:
    """Return the closing ``Received: name=value`` of a message."""
    return f"Received: {name}={_short_repr(value)}"


def received_each(**values: Any) -> str:
    """Return ``Received: a=1, b=2``: one ``Received`` for several values.

    >>> received_each(val=None, test=0.99)
    'Received: val=None, test=0.99'
    """
    return "Received: " + ", ".join(
        received(name, value).removeprefix("Received: ") for name, value in values.items()
    )


def received_type(name: str, value: Any) -> str:
    """Return ``Received: name=value (of type T)`` for type errors."""
    return f"Received: {name}={_short_repr(value)} (of type {type(value).__name__})"


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def plural(count: int, noun: str) -> str:
    """Return ``"1 row"`` or ``"3 rows"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def listed(items: Iterable[Any], *, limit: int = MAX_LISTED, sep: str = ", ") -> str:
    """List items for a message, the first ``limit`` of them: ``a, b, c and 4 more``.

    >>> listed(["'a'", "'b'"]), listed(range(8))
    ("'a', 'b'", '0, 1, 2, 3, 4 and 3 more')
    """
    items = [str(item) for item in items]
    shown = sep.join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def format_label(label: Any) -> str:
    """Format an index label for messages: dates without a midnight time.

    >>> format_label(pd.Timestamp("2020-01-04")), format_label(pd.Timestamp("2020-01-04 06:00"))
    ('2020-01-04', '2020-01-04T06:00:00')
    """
    if isinstance(label, pd.Timestamp):
        return label.isoformat().replace("T00:00:00", "")
    return str(label)


def did_you_mean(wanted: Any, choices: Sequence[Any]) -> str:
    """Return `` Did you mean 'Open'?`` when a choice is close to ``wanted``, else ``""``.

    >>> did_you_mean("open", ["Date", "Open", "High"])
    " Did you mean 'Open'?"
    """
    by_text = {str(choice): choice for choice in choices}
    close = difflib.get_close_matches(str(wanted), list(by_text), n=1, cutoff=0.6)
    if not close:
        lowered = {text.lower(): text for text in by_text}
        close = [lowered[str(wanted).lower()]] if str(wanted).lower() in lowered else []
    return f" Did you mean {by_text[close[0]]!r}?" if close else ""
