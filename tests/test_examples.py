"""Every example script runs with tiny settings, answers --help, and writes valid PNGs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    path = Path(path)
    assert path.exists(), f"{path} was not written"
    assert path.read_bytes()[:8] == PNG_MAGIC
    image = pytest.importorskip("matplotlib.image").imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 100


#: TensorFlow's own settings are removed: the examples must be quiet in a user's plain shell.
TF_SETTINGS = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
NAMES = sorted(p.name for p in EXAMPLES.glob("*.py"))


def run_example(name, *args, cwd, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in TF_SETTINGS}
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "MPLBACKEND": "Agg"},
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    # Only the example's own output: no TensorFlow start-up lines, no warnings.
    assert out.stderr == "", out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("name", NAMES)
def test_help_is_fast(name, tmp_path):
    start = time.perf_counter()
    out = run_example(name, "--help", cwd=tmp_path, timeout=60)
    elapsed = time.perf_counter() - start
    assert "usage:" in out
    assert elapsed < 3, f"{name} --help took {elapsed:.2f} s"


HEAVY = ("tensorflow", "keras", "torch", "matplotlib", "sklearn")


@pytest.mark.parametrize("name", NAMES)
def test_help_imports_no_framework(name):
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{str(EXAMPLES / name)!r}, '--help']\n"
        "try:\n"
        f"    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout[-500:]


def test_reshape_basics(tmp_path):
    out = run_example("reshape_basics.py", cwd=tmp_path)
    assert "10 values        -> (1, 10, 1)" in out
    assert "two series       -> (1, 10, 2)" in out
    assert (
        "LSTM(32) for input_shape=(50, 2): input (None, 50, 2), output (None, 1), 4,513 parameters"
        in out
    )


@pytest.mark.slow
def test_stock_price_on_built_in_data(tmp_path):
    out = run_example("stock_price.py", "--epochs", "1", "--plot", "out.png", cwd=tmp_path)
    assert "Test RMSE, LSTM:" in out
    assert "Forecast for the step after 2024-02-08:" in out
    assert_png(tmp_path / "out.png")


@pytest.mark.slow
def test_stock_price_on_the_reference_csv(tmp_path, shared_data):
    out = run_example(
        "stock_price.py",
        "--csv",
        str(shared_data / "NSE-TATAGLOBAL.csv"),
        "--test",
        "16",
        "--epochs",
        "1",
        "--plot",
        "stock.png",
        cwd=tmp_path,
    )
    assert "test: X (16, 60, 1) = 16 samples x 60 timesteps x 1 feature" in out
    assert_png(tmp_path / "stock.png")


@pytest.mark.slow
def test_per_timestep(tmp_path):
    out = run_example(
        "per_timestep.py", "--epochs", "1", "--rows", "400", "--plot", "w.png", cwd=tmp_path
    )
    assert "Model output (None, 20, 1): one value per timestep" in out
    assert "Picture of three windows: w.png" in out
    assert (tmp_path / "w.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_bidirectional_merge_modes(tmp_path):
    out = run_example(
        "bidirectional_merge_modes.py",
        "--epochs",
        "1",
        "--samples",
        "200",
        "--plot",
        "modes.png",
        cwd=tmp_path,
    )
    for name in (
        "forward",
        "backward",
        "bidirectional sum",
        "bidirectional mul",
        "bidirectional ave",
        "bidirectional concat",
    ):
        assert name in out
    assert "3,561" in out and "3,541" in out
    assert_png(tmp_path / "modes.png")


def test_published_covariates_shows_the_leak_and_its_fix(tmp_path):
    out = run_example("published_covariates.py", "--folds", "3", cwd=tmp_path, timeout=120)
    rmse = {
        line.rsplit(maxsplit=1)[0].strip(): float(line.rsplit(maxsplit=1)[1])
        for line in out.splitlines()
        if line.startswith("  ")
    }
    leaky = rmse["+ figure joined by month (leaks)"]
    honest = rmse["+ figure as published (14D late)"]
    assert leaky < 0.95 * honest  # the leak looks like skill
    assert honest > 0.95 * rmse["target only"]  # the honest figure brings (almost) nothing new


@pytest.mark.slow
def test_quantile_forecast_prints_pinball_and_coverage_against_naive(tmp_path):
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    args = ["--epochs", "1", "--rows", "200", "--test", "28", "--val", "21", "--units", "4"]
    out = run_example("quantile_forecast.py", *args, "--plot", "q.png", cwd=tmp_path, timeout=300)
    assert "4 sites (office A, office B, home A, home B)" in out
    assert "categorical_static (None, 1), output (None, 7, 1, 3)" in out
    assert "1 categorical int32 ('kind': 3 codes, one label per series)" in out
    assert "quantiles [0.1, 0.5, 0.9] (interval 0.1 to 0.9: nominal coverage 0.8)" in out
    rows = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 5 and words[0] in ("model", "naive"):
            rows[words[0]] = [float(w) for w in words[1:]]
    assert set(rows) == {"model", "naive"}, out
    for pinball, coverage, width, rmse in rows.values():
        assert pinball > 0 and 0 <= coverage <= 1 and width > 0 and rmse > 0
    assert "the naive forecast: pinball loss" in out
    assert "Picture of two test windows: q.png" in out
    assert_png(tmp_path / "q.png")
