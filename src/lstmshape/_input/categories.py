"""Categorical covariates: their labels, a vocabulary fitted on training rows, integer codes.

A column named in ``categorical=`` (a pandas ``category``, text, or integer-code column) is
not a number an LSTM may read: it becomes an **integer input** that a model embeds. Rules
stated here once:

* **Vocabulary.** The labels seen on the *fitting rows* (every row for
  :func:`lstmshape.windows`, the training rows for ``split`` and each fold's training rows
  for ``folds``), each given a code from 1 on: a ``category`` column in the order of its
  categories, other columns in sorted order (order of first appearance when the labels do
  not sort). Its size (the cardinality) counts the reserved code 0.
* **Code 0** is reserved for a label the vocabulary has not seen (a category seen only in
  test rows) and for a missing label (NaN, None, ``pd.NA``). Unknown labels are counted in
  one :class:`~lstmshape.UnknownCategoryWarning` per call, naming each column and its
  count; missing labels are not warned about (they are documented as 0) and do not make
  the row missing (``dropna`` does not apply to them).
* Codes are ``int32``: never cast to the float dtype of the other inputs.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .._core.arrays import readonly
from .._core.errors import ShapeError, UnknownCategoryWarning, listed, plural

#: The code of an unknown or missing label (every vocabulary reserves it).
UNKNOWN = 0

#: The roles a categorical column can take, in the order of their inputs.
ROLES = ("past", "future", "static")


@dataclass(frozen=True)
class Vocabulary:
    """The labels of one categorical column, in code order (code ``i + 1`` is ``labels[i]``).

    ``size`` (the cardinality an ``Embedding`` needs) counts the reserved code 0.
    """

    labels: tuple[Any, ...]

    @property
    def size(self) -> int:
        """Number of codes, the reserved 0 included."""
        return len(self.labels) + 1

    def encode(self, column: pd.Series) -> tuple[np.ndarray, int]:
        """Return ``(codes, unknown)``: int32 codes and the count of unseen labels."""
        missing = column.isna().to_numpy()
        lookup = pd.Index(self.labels) if self.labels else pd.Index([], dtype=object)
        raw = np.asarray(column.astype(object).where(~missing, None), dtype=object)
        found = (
            lookup.get_indexer(pd.Index(raw, dtype=object))
            if len(lookup)
            else np.full(len(raw), -1)
        )
        codes = np.where(missing, UNKNOWN, found + 1).astype(np.int32)
        unknown = int(((found < 0) & ~missing).sum())
        return codes, unknown

    def __repr__(self) -> str:
        shown = listed(map(repr, self.labels), limit=8)
        return f"Vocabulary(size={self.size}: 0 = unknown, then {shown})"


def fit_vocabulary(column: pd.Series) -> Vocabulary:
    """Learn the labels present in ``column`` (missing ones left out), in code order."""
    present = column.dropna()
    if isinstance(column.dtype, pd.CategoricalDtype):
        seen = set(present.unique())
        return Vocabulary(tuple(c for c in column.cat.categories if c in seen))
    unique = list(pd.unique(present.to_numpy(dtype=object)))
    with contextlib.suppress(TypeError):  # labels that do not compare: first appearance
        unique = sorted(unique)
    return Vocabulary(tuple(_plain(u) for u in unique))


def _plain(label: Any) -> Any:
    """Return numpy scalars as Python ones (readable vocabularies, stable lookups)."""
    return label.item() if isinstance(label, np.generic) else label


@dataclass(frozen=True)
class Categories:
    """The categorical columns of a table: labels (rows aligned with the table), roles, codes.

    Attributes
    ----------
    names
        One label per categorical column.
    labels
        The columns as read, one Series per name (a RangeIndex over the table's rows).
    past, future, static
        Positions in ``names`` of the columns of each input (a column may be in ``past``
        and ``future``, like a float covariate).
    vocabularies
        One :class:`Vocabulary` per name once fitted, else empty.
    codes
        ``(rows, len(names))`` read-only int32 codes once encoded, else None.
    """

    names: tuple[Hashable, ...]
    labels: tuple[pd.Series, ...]
    past: tuple[int, ...] = ()
    future: tuple[int, ...] = ()
    static: tuple[int, ...] = ()
    vocabularies: tuple[Vocabulary, ...] = ()
    codes: np.ndarray | None = None

    def role_names(self, role: str) -> tuple[Hashable, ...]:
        """Names of the columns of ``role`` (``"past"``, ``"future"`` or ``"static"``)."""
        return tuple(self.names[c] for c in getattr(self, role))

    def fitted_on(self, rows: Sequence[tuple[int, int]] | None) -> Categories:
        """Fit every vocabulary on ``rows`` (``(begin, end)`` ranges; None for all rows)."""
        vocabularies = []
        for column in self.labels:
            part = column if rows is None else _rows_of(column, rows)
            vocabularies.append(fit_vocabulary(part))
        return replace(self, vocabularies=tuple(vocabularies), codes=None)

    def with_vocabularies(
        self, vocabularies: Mapping[Hashable, Vocabulary], name: str
    ) -> Categories:
        """Use vocabularies fitted before (``Windows.vocabularies``): one per column."""
        missing = [n for n in self.names if n not in vocabularies]
        if missing:
            raise ShapeError(
                f"`{name}` has no vocabulary for column(s) {listed(map(repr, missing))}; it "
                f"has {listed(map(repr, vocabularies)) or 'none'}. Pass the `vocabularies` of "
                "windows made with the same `categorical` columns."
            )
        for n in self.names:
            if not isinstance(vocabularies[n], Vocabulary):
                raise TypeError(
                    f"`{name}[{n!r}]` must be a Vocabulary (from `Windows.vocabularies`). "
                    f"Received: {type(vocabularies[n]).__name__}"
                )
        return replace(self, vocabularies=tuple(vocabularies[n] for n in self.names), codes=None)

    def encoded(self) -> tuple[Categories, dict[Hashable, int]]:
        """Return the codes by the fitted vocabularies, and the unknown labels per column."""
        if not self.vocabularies:  # pragma: no cover - callers fit first
            raise AssertionError("encode after fitting the vocabularies")
        n_rows = len(self.labels[0]) if self.labels else 0
        codes = np.zeros((n_rows, len(self.names)), dtype=np.int32)
        unknown: dict[Hashable, int] = {}
        for i, (column, vocabulary) in enumerate(zip(self.labels, self.vocabularies, strict=True)):
            codes[:, i], count = vocabulary.encode(column)
            if count:
                unknown[self.names[i]] = count
        return replace(self, codes=readonly(codes)), unknown

    @property
    def vocabulary_map(self) -> dict[Hashable, Vocabulary]:
        """``{column: Vocabulary}`` in column order."""
        return dict(zip(self.names, self.vocabularies, strict=True))

    def check_static(
        self, group_codes: np.ndarray | None, group_names: Sequence[Hashable], where: Any
    ) -> None:
        """Refuse a static categorical column that varies inside a series."""
        if not self.static or not self.labels:
            return
        n_rows = len(self.labels[0])
        groups = np.zeros(n_rows, dtype=np.int64) if group_codes is None else group_codes
        bounds = np.flatnonzero(np.diff(groups)) + 1
        for position in self.static:
            column = self.labels[position]
            for begin, end in zip(np.r_[0, bounds], np.r_[bounds, n_rows], strict=True):
                block = column.iloc[begin:end]
                if len(block) < 2 or _same(block, block.iloc[0]).all():
                    continue
                first = block.iloc[0]
                row = int(np.flatnonzero(~_same(block, first))[0])
                series = "the series" if group_codes is None else (
                    f"series {group_names[groups[begin]]!r}"
                )  # fmt: skip
                raise ShapeError(
                    f"Column {self.names[position]!r} (`static`, categorical) must hold one "
                    f"label per series, but it varies in {series}: {first!r} at "
                    f"{where(int(begin))} and {block.iloc[row]!r} at {where(int(begin) + row)}. "
                    "Static covariates are constant within each series (store, product); pass "
                    "a varying categorical as a feature or as `future`."
                )


def _same(block: pd.Series, first: Any) -> np.ndarray:
    if pd.isna(first):
        return block.isna().to_numpy()
    return (block.astype(object) == first).to_numpy() & block.notna().to_numpy()


def _rows_of(column: pd.Series, rows: Iterable[tuple[int, int]]) -> pd.Series:
    """Return the labels on ``(begin, end)`` row ranges, concatenated (dtype kept)."""
    positions = [np.arange(begin, end) for begin, end in rows]
    taken = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
    return column.iloc[taken]


def warn_unknown(unknown: Mapping[Hashable, int], where: str, stacklevel: int = 3) -> None:
    """One warning naming every column with labels its vocabulary has not seen."""
    if not unknown:
        return
    counts = listed((f"{name!r}: {plural(n, 'value')}" for name, n in unknown.items()), limit=20)
    warnings.warn(
        UnknownCategoryWarning(
            f"Categorical labels not seen in the {where} became the reserved code 0 "
            f"(unknown): {counts}. Their vocabularies are learned on those rows only, so "
            "that later rows cannot leak into training; see `Windows.vocabularies`."
        ),
        stacklevel=stacklevel,
    )


def embedding_size(cardinality: int) -> int:
    """Return the default embedding width of a column of ``cardinality`` codes (0 included).

    fastai's rule, ``min(600, round(1.6 * cardinality ** 0.56))``: it grows slower than
    the vocabulary (4 for 5 codes, 10 for 26, 21 for 101), fitted by fastai on many
    tabular problems; a width of at least 1.
    """
    return max(1, min(600, round(1.6 * cardinality**0.56)))
