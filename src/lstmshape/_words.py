"""Shapes and framings in plain words, shared by ``Windows.__repr__`` and ``explain``."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from ._errors import plural
from ._plan import Framing


def shape_in_words(shape: Sequence[int], axes: Sequence[str]) -> str:
    """Spell a shape out axis by axis.

    >>> shape_in_words((1975, 60, 1), ("sample", "timestep", "feature"))
    '(1975, 60, 1) = 1975 samples x 60 timesteps x 1 feature'
    """
    shape = tuple(int(n) for n in shape)
    words = " x ".join(plural(n, axis) for n, axis in zip(shape, axes, strict=True))
    return f"{shape} = {words}"


def names_in_words(names: Sequence[Hashable], limit: int = 4) -> str:
    """List column names briefly: ``'Open', 'High' and 3 more`` (``column 0`` for arrays)."""
    shown = ", ".join(f"column {n}" if isinstance(n, int) else repr(n) for n in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def target_rows_in_words(framing: Framing) -> str:
    """Say which rows a sample's targets are, relative to its window.

    >>> target_rows_in_words(Framing(lookback=60))
    'the 1 row right after the window'
    >>> target_rows_in_words(Framing(lookback=60, shift=0))
    "the window's own last row"
    >>> target_rows_in_words(Framing(lookback=10, per_timestep=True))
    'one per timestep, each 1 row after its input row'
    """
    f = framing
    if f.inputs_only:
        return "none (inputs only, for forecasting past the end of the data)"
    if f.per_timestep:
        if f.shift == 0:
            return "one per timestep, the input row itself"
        return f"one per timestep, each {plural(f.shift, 'row')} after its input row"
    if f.shift == 0:
        if f.horizon == 1:
            return "the window's own last row"
        return f"{f.horizon} rows starting at the window's last row"
    if f.shift == 1:
        return f"the {plural(f.horizon, 'row')} right after the window"
    gap = f.shift - 1
    return f"{plural(f.horizon, 'row')} starting {plural(gap, 'row')} after the window's end"
