"""examples/pytorch_lstm.py: a plain torch.nn.LSTM trained from Windows.to_torch, no TensorFlow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pytorch_lstm.py"


# --help (fast, no framework imported) is checked for every example in test_examples.py.


@pytest.mark.slow
def test_trains_a_torch_lstm_without_tensorflow(tmp_path):
    pytest.importorskip("torch")
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{str(EXAMPLE)!r}, '--epochs', '2', '--rows', '400', '--units', '8']\n"
        "runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "print('frameworks:', sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stderr == "", out.stderr[-3000:]
    text = out.stdout
    assert "train:    250 windows  X (250, 30, 4)" in text
    assert "A batch: x (32, 30, 4) torch.float32, y (32, 1)  (8 per epoch)" in text
    lines = text.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("epoch")))
    losses = [float(line.split()[1]) for line in lines[header + 1 : header + 3]]
    assert len(losses) == 2 and losses[1] < losses[0], losses
    assert "RMSE in original units" in text and "naive" in text
    assert "frameworks: []" in text  # neither TensorFlow nor Keras was imported
