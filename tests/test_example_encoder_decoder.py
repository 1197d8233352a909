"""examples/encoder_decoder.py: with and without the future calendar, scored on one period."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "encoder_decoder.py"


def test_help_is_fast_and_imports_no_framework():
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{str(EXAMPLE)!r}, '--help']\n"
        "try:\n"
        "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'sklearn') if m in sys.modules))\n"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage:" in out.stdout and "--epochs" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert time.perf_counter() - start < 5


@pytest.mark.slow
def test_compares_both_models_on_the_same_test_period(tmp_path):
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    args = ["--epochs", "2", "--rows", "300", "--test", "42", "--val", "28", "--units", "4"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}  # a plain shell
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stderr == "", out.stderr[-3000:]  # no TensorFlow start-up lines, no warnings
    text = out.stdout
    assert "model lstm_encoder_decoder: inputs past (None, 28, 3), future (None, 7, 2)" in text
    assert "model lstm_encoder_decoder: inputs past (None, 28, 3), " in text
    assert "Test: 36 forecasts of 7 days" in text
    found = dict(re.findall(r"^  (.+?)\s+RMSE\s+([\d.]+)$", text, flags=re.MULTILINE))
    assert set(found) == {
        "encoder-decoder without future calendar",
        "encoder-decoder with future calendar",
        "naive (last day seen)",
        "seasonal naive (same day last week)",
    }, text
    assert all(float(value) > 0 for value in found.values())
    assert "Knowing the calendar of the forecast days changes the RMSE by" in text
