"""The README's "In one screen" runs as printed."""

from __future__ import annotations

import doctest

import pytest

from .conftest import REPO

pytest.importorskip("sklearn")
pytest.importorskip("tensorflow")


@pytest.mark.tf
def test_readme_runs_as_printed():
    failures, tried = doctest.testfile(
        str(REPO / "README.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert tried > 10
    assert failures == 0
