"""The code stays lint-clean, formatted and type-checked, and the package builds for PyPI."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CODE = ["src", "tests", "examples", "benchmarks"]


def run(*args, cwd=REPO, timeout=600):
    out = subprocess.run([*args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    return out.stdout


def test_ruff_lint():
    run(sys.executable, "-m", "ruff", "check", *CODE)


def test_ruff_format():
    run(sys.executable, "-m", "ruff", "format", "--check", *CODE)


@pytest.mark.slow
def test_mypy():
    run(sys.executable, "-m", "mypy")


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(tmp_path):
    run(sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site"))
    assert (tmp_path / "site" / "api" / "index.html").exists()


@pytest.mark.slow
def test_wheel_and_sdist_build_check_and_install_fresh(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", str(dist), str(REPO), timeout=900)
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    run(sys.executable, "-m", "twine", "check", "--strict", *map(str, wheels + sdists))
    env = tmp_path / "fresh"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--quiet", str(wheels[0]), timeout=900)
    code = "import lstmshape, sys; print(lstmshape.__version__); assert 'tensorflow' not in sys.modules"
    assert run(str(python), "-c", code, cwd=tmp_path).strip() == __import__("lstmshape").__version__
    assert run(str(env / "bin" / "lstmshape"), "--version", cwd=tmp_path).startswith("lstmshape ")
    # Without TensorFlow, a TF feature says which pip command fixes it.
    code = (
        "import numpy, lstmshape\n"
        "try:\n    lstmshape.build_model((10, 1))\n"
        "except ImportError as error:\n    print(error)\n"
    )
    assert 'pip install "lstmshape[tf]"' in run(str(python), "-c", code, cwd=tmp_path)


def test_import_layers_contract():
    # pyproject.toml [tool.importlinter]: an upward import or an import circle between layers
    # fails the build (tests/test_architecture.py shows a violation being caught).
    run(str(Path(sys.executable).with_name("lint-imports")))


#: The optional packages only lstmshape._core.frameworks may import (pyproject.toml).
FRAMEWORKS = (
    "tensorflow",
    "keras",
    "torch",
    "jax",
    "matplotlib",
    "polars",
    "pyarrow",
    "narwhals",
    "grain",
)


@pytest.mark.parametrize("framework", ["torch", "polars"])
def test_frameworks_contract_fails_on_an_import_outside_frameworks(tmp_path, framework):
    # A deliberate violation in a copy of the package: a module that imports a framework
    # itself instead of asking lstmshape._core.frameworks breaks the build.
    import shutil

    shutil.copytree(REPO / "src" / "lstmshape", tmp_path / "src" / "lstmshape")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "src" / "lstmshape" / "_evaluate" / "sneaky.py"
    bad.write_text(f"def load():\n    import {framework}\n\n    return {framework}\n")
    out = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PYTHONPATH": str(tmp_path / "src")},
    )
    assert out.returncode != 0, out.stdout[-3000:]
    assert (
        "frameworks: only lstmshape._core.frameworks imports the optional ones BROKEN" in out.stdout
    )
    assert f"lstmshape._evaluate.sneaky -> {framework}" in out.stdout
    assert "layers: each imports only from the layers below it KEPT" in out.stdout


def test_frameworks_contract_names_every_optional_framework():
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["include_external_packages"] is True
    (contract,) = [c for c in config["contracts"] if c["type"] == "forbidden"]
    assert sorted(contract["forbidden_modules"]) == sorted(FRAMEWORKS)
    assert contract["source_modules"] == ["lstmshape"]
    allowed = {line.split(" -> ")[0] for line in contract["ignore_imports"]}
    # The one home, and the exceptions still listed (with their reason in pyproject.toml).
    assert allowed <= {
        "lstmshape._core.frameworks",
        "lstmshape._readers.plot",
        "lstmshape._readers.torch",
        "lstmshape._readers.pydataset",
    }
