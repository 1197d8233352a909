"""The package itself: public names, version, and a light import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import lstmshape


def test_public_names_are_exported():
    for name in lstmshape.__all__:
        assert hasattr(lstmshape, name), name
    assert lstmshape.__version__.count(".") >= 2


#: What ``import lstmshape`` (and reading any public name) must leave unimported: every
#: optional framework and library, imported only when a feature needs it.
OPTIONAL = (
    "tensorflow", "keras", "torch", "jax", "matplotlib", "polars", "pyarrow", "narwhals",
    "grain", "sklearn",
)  # fmt: skip

LIGHT = f"""
import json, os, sys, time
import numpy, pandas
loaded = lambda: sorted({{m.split(".")[0] for m in sys.modules}} & set({OPTIONAL!r}))
before = loaded()  # pandas itself imports pyarrow when it is installed
start = time.perf_counter()
import lstmshape
names = [getattr(lstmshape, name) for name in lstmshape.__all__]
print(json.dumps({{"before": before, "after": loaded(), "seconds": time.perf_counter() - start}}))
"""


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_importing_lstmshape_stays_light(backend):
    """The one test of a light import: a fresh interpreter, any Keras backend, bounded time."""
    env = {**os.environ, "KERAS_BACKEND": backend}
    out = subprocess.run(
        [sys.executable, "-c", LIGHT], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(found["after"]) - set(found["before"]) == set(), found
    assert found["seconds"] < 30, found  # numpy and pandas are imported before the clock
