"""examples/encoder_decoder.py: with and without the future calendar, scored on one period."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .test_examples import run_example

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "encoder_decoder.py"


# --help (fast, no framework imported) is checked for every example in test_examples.py.


@pytest.mark.slow
def test_compares_both_models_on_the_same_test_period(tmp_path):
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    args = ["--epochs", "2", "--rows", "300", "--test", "42", "--val", "28", "--units", "4"]
    text = run_example(EXAMPLE.name, *args, cwd=tmp_path, timeout=300)  # stderr must be empty
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
