"""The lstmshape command, run as a user runs it: real entry points in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .test_examples import assert_png

SCRIPTS = Path(sysconfig.get_path("scripts"))


def run(*args, cwd=None, timeout=600):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [*args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env
    )


def lstmshape_command():
    found = SCRIPTS / "lstmshape"
    return [str(found)] if found.exists() else [sys.executable, "-m", "lstmshape"]


@pytest.mark.slow
def test_demo_on_built_in_data(tmp_path):
    plot = tmp_path / "demo.png"
    out = run(*lstmshape_command(), "demo", "--epochs", "1", "--quiet", "--plot", str(plot))
    assert out.returncode == 0, out.stderr[-3000:]
    for expected in (
        "== Data: built-in data",
        "= 1140 samples x 60 timesteps x 4 features",
        "keras.Input(shape=(60, 4))",
        "RMSE of the LSTM",
        "RMSE of the naive last value",
        str(plot),
    ):
        assert expected in out.stdout, expected
    assert_png(plot)


@pytest.mark.slow
def test_demo_on_the_stock_csv_via_python_m(tmp_path, shared_data):
    plot = tmp_path / "stock.png"
    out = run(
        sys.executable,
        "-m",
        "lstmshape",
        "demo",
        "--csv",
        str(shared_data / "NSE-TATAGLOBAL.csv"),
        "--date-column",
        "Date",
        "--target",
        "Open",
        "--epochs",
        "1",
        "--quiet",
        "--plot",
        str(plot),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "The file was stored newest first; sorted oldest first" in out.stdout
    assert_png(plot)


def test_inspect_prints_shapes_without_training(shared_data):
    out = run(
        *lstmshape_command(),
        "inspect",
        str(shared_data / "NSE-TATAGLOBAL.csv"),
        "--lookback",
        "60",
        "--target",
        "Open",
        "--features",
        "Open",
    )
    assert out.returncode == 0, out.stderr
    for expected in (
        "Rows: 2,035   Columns: 7",
        "stored newest first: it will be sorted oldest first",
        "Usual spacing 1 day",
        "Missing values: none",
        "X (1975, 60, 1) = 1975 samples x 60 timesteps x 1 feature",
        "keras.Input(shape=(60, 1))",
    ):
        assert expected in out.stdout, expected
    assert "tensorflow" not in out.stderr.lower()


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


ERRORS = [
    (["inspect", "missing.csv"], "error: No such file: missing.csv"),
    (["demo", "--csv", "missing.csv"], "error: No such file: missing.csv"),
    (
        ["inspect", "{csv}", "--target", "Volume"],
        "error: Column(s) 'Volume' (--target) not found. Available columns: price, name",
    ),
    (["inspect", "{csv}", "--target", "name"], "error: Column 'name' (--target) is not numeric"),
    (
        ["demo", "--csv", "{csv}", "--target", "name"],
        "error: Column 'name' (--target) is not numeric",
    ),
    (
        ["inspect", "{csv}", "--target", "price", "--lookback", "60"],
        "Cannot make windows with lookback=60 and horizon=1 from a series of 5 rows: need at least 61 rows",
    ),
    (["demo", "--csv", "{csv}", "--target", "price", "--lookback", "60"], "from a series of"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_errors_are_one_line_with_exit_code_1(tmp_path, args, message):
    csv = write(
        tmp_path,
        "Date,price,name\n2024-01-05,5,a\n2024-01-04,4,b\n2024-01-03,3,c\n2024-01-02,2,d\n2024-01-01,1,e\n",
    )
    out = run(*lstmshape_command(), *[a.format(csv=csv) for a in args])
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_usage_errors_exit_2():
    out = run(*lstmshape_command(), "demo", "--lookback", "0")
    assert out.returncode == 2
    assert "must be at least 1, got 0" in out.stderr
    assert run(*lstmshape_command()).returncode == 2


def test_help_and_version():
    out = run(*lstmshape_command(), "--help")
    assert out.returncode == 0
    assert "demo" in out.stdout and "inspect" in out.stdout
    assert run(*lstmshape_command(), "--version").stdout.startswith("lstmshape ")
