"""Shapes and column lists in plain words, for ``Windows``, ``Split`` and ``explain``.

Framings describe themselves (:class:`lstmshape.Framing`); this module only spells out
shapes and names.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from .errors import listed, plural


def shape_in_words(shape: Sequence[int], axes: Sequence[str]) -> str:
    """Spell a shape out axis by axis.

    >>> shape_in_words((1975, 60, 1), ("sample", "timestep", "feature"))
    '(1975, 60, 1) = 1975 samples x 60 timesteps x 1 feature'
    """
    shape = tuple(int(n) for n in shape)
    words = " x ".join(plural(n, axis) for n, axis in zip(shape, axes, strict=True))
    return f"{shape} = {words}"


def names_in_words(names: Sequence[Hashable], limit: int = 4) -> str:
    """List column names briefly: ``'Open', 'High' and 3 more`` (``column 0`` for arrays).

    >>> names_in_words(["Open", "High"]), names_in_words([0])
    ("'Open', 'High'", 'column 0')
    """
    return listed((f"column {n}" if isinstance(n, int) else repr(n) for n in names), limit=limit)
