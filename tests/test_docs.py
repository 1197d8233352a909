"""Docstrings: every public parameter documented exactly once, shared text substituted whole."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import lstmshape
from lstmshape._core.docs import TEXTS, shared_docs

_HEADER = re.compile(r"^(\S[^\n]*)\n-+\n", re.M)


def documented(doc: str) -> list[str]:
    """The names a numpydoc ``Parameters`` section documents, in order, with repeats."""
    sections = {m[1]: m.end() for m in _HEADER.finditer(doc)}
    if "Parameters" not in sections:
        return []
    start = sections["Parameters"]
    following = [m.start() for m in _HEADER.finditer(doc) if m.start() > start]
    body = doc[start : min(following, default=len(doc))]
    names: list[str] = []
    for line in body.splitlines():
        if line and not line[0].isspace():
            names.extend(n.strip().lstrip("*") for n in line.split(" : ")[0].split(","))
    return names


def public_callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public function of ``lstmshape`` and every public method of its classes."""
    for name in lstmshape.__all__:
        obj = getattr(lstmshape, name)
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__.startswith("lstmshape"):
            for attr, member in vars(obj).items():
                if inspect.isfunction(member) and not attr.startswith("_"):
                    yield f"{name}.{attr}", member


def parameters_of(func: Callable[..., Any]) -> list[str]:
    return [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]


CALLABLES = dict(public_callables())


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_every_parameter_documented_exactly_once(name: str) -> None:
    func = CALLABLES[name]
    doc = inspect.getdoc(func) or ""
    assert not re.search(r"^\s*\{[a-z_, ]+\}\s*$", doc, re.M), f"{name}: a placeholder left"
    wanted = parameters_of(func)
    if not wanted:
        return
    names = documented(doc)
    repeated = sorted({n for n in names if names.count(n) > 1})
    missing = [p for p in wanted if p not in names]
    unknown = [n for n in names if n not in wanted]
    assert (missing, repeated, unknown) == ([], [], []), (
        f"{name}: missing {missing}, documented twice {repeated}, not parameters {unknown}"
    )


def test_shared_text_is_substituted_at_the_placeholder_indentation() -> None:
    def f(lookback: int, batch_size: int = 32) -> None:
        """Do nothing.

        Parameters
        ----------
        {lookback}
            More about it.
        {batch_size}

        Examples
        --------
        >>> {"dict": 1}["dict"]
        1
        """

    doc = inspect.getdoc(shared_docs(f)) or ""
    assert documented(doc) == ["lookback", "batch_size"]
    assert "lookback : int\n    Timesteps per window" in doc
    assert "    More about it.\n" in doc  # a line after the placeholder stays under it
    assert '>>> {"dict": 1}["dict"]' in doc  # braces elsewhere are left alone
    assert "{" not in doc.split("Examples")[0]


def test_an_unknown_placeholder_fails_at_definition() -> None:
    def f() -> None:
        """Parameters
        ----------
        {no_such_parameter}
        """

    with pytest.raises(KeyError, match="no_such_parameter"):
        shared_docs(f)


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_shared_text_is_numpydoc_entries(key: str) -> None:
    lines = TEXTS[key].strip("\n").splitlines()
    heads = [i for i, line in enumerate(lines) if not line[0].isspace()]
    assert heads[0] == 0 and all(line.startswith("    ") for line in lines if line[0].isspace())
    assert all(i + 1 in range(len(lines)) and i + 1 not in heads for i in heads), key
    if not key.startswith("loader_"):  # a parameter: named as its key
        assert lines[0].split(" : ")[0] == key
