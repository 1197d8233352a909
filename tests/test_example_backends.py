"""examples/keras_backends.py trains the same model on each Keras backend, one per process."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "keras_backends.py"
TINY = ["--epochs", "1", "--rows", "300", "--lookback", "10", "--units", "4"]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_keras_backends_example(backend, tmp_path):
    if importlib.util.find_spec(backend) is None or importlib.util.find_spec("keras") is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but Keras or {backend} is not installed")
        pytest.skip(f"Keras or {backend} is not installed")
    env = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--backend", backend, *TINY],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert f"on {backend} ({backend} " in out.stdout
    assert "train:    200 windows  X (200, 10, 4)" in out.stdout
    # LSTM(4) on 4 features: 4 gates x (4 x (4 + 4) + 4) = 144, Dense(1): 5. On every backend.
    assert "Model: input (None, 10, 4), output (None, 1), 149 parameters" in out.stdout
    assert f"Test RMSE, LSTM on {backend}: " in out.stdout
