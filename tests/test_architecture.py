"""The layers of docs/architecture.md are enforced: an upward import fails the contract.

`tests/test_quality.py` runs the contract on the real package. Here a copy of the package gets
one deliberate violation, and the same contract (read from pyproject.toml) must catch it, so a
contract that silently stopped checking anything would fail this test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def lint_copy(tmp_path: Path, violation: tuple[str, str] | None) -> subprocess.CompletedProcess:
    """Run the project's contract on a copy of the package, with one line appended to a module."""
    shutil.copytree(REPO / "src" / "lstmshape", tmp_path / "src" / "lstmshape")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if violation is not None:
        module, line = violation
        path = tmp_path / "src" / "lstmshape" / module
        path.write_text(path.read_text() + f"\n{line}\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_unchanged_copy_keeps_the_contract(tmp_path):
    out = lint_copy(tmp_path, None)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "KEPT" in out.stdout


@pytest.mark.parametrize(
    ("module", "line", "names"),
    [
        # the plan layer reaching up into the readers
        ("_plan/plan.py", "from .._readers import source", "lstmshape._plan is not allowed"),
        # a circle between two layers: input imports the window face, which imports input
        ("_input/table.py", "from .._windows import windows", "lstmshape._input is not allowed"),
        # the foundations importing the package root (and so everything above them)
        ("_core/errors.py", "import lstmshape", "lstmshape._core is not allowed"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, line, names):
    out = lint_copy(tmp_path, (module, line))
    assert out.returncode != 0
    assert "BROKEN" in out.stdout
    assert names in out.stdout
