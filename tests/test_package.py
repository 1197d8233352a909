"""The package itself: public names, version, and a light import."""

from __future__ import annotations

import subprocess
import sys

import lstmshape


def test_public_names_are_exported():
    for name in lstmshape.__all__:
        assert hasattr(lstmshape, name), name
    assert lstmshape.__version__.count(".") >= 2


def test_import_does_not_import_tensorflow():
    code = "import lstmshape, sys; assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
