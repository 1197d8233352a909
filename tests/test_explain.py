"""explain(): the numbers it must contain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lstmshape


def test_array_3d():
    text = lstmshape.explain(np.zeros((1975, 60, 1)))
    assert "(1975, 60, 1) = 1975 samples x 60 timesteps x 1 feature" in text
    assert "keras.Input(shape=(60, 1))" in text


def test_windows_with_timestamps():
    index = pd.date_range("2020-01-01", periods=100, freq="D")
    w = lstmshape.windows(pd.DataFrame({"v": np.arange(100.0)}, index=index), 60)
    text = lstmshape.explain(w)
    assert "X (40, 60, 1) = 40 samples x 60 timesteps x 1 feature ('v')" in text
    assert "first sample: input rows 2020-01-01 .. 2020-02-29 -> target 2020-03-01" in text
    assert "(100 - 60 - 1 - 1 + 1) // 1 + 1 = 40" in text
    assert "keras.Input(shape=(60, 1))" in text


def test_per_timestep_and_horizon_advice():
    assert "TimeDistributed(Dense(1))" in lstmshape.explain(
        lstmshape.windows(np.arange(50.0), 5, per_timestep=True)
    )
    assert "Reshape((3, 1))" in lstmshape.explain(lstmshape.windows(np.arange(50.0), 5, horizon=3))


def test_split():
    parts = lstmshape.split(np.arange(200.0), 20, test=30)
    text = lstmshape.explain(parts)
    assert "train: X (150, 20, 1) = 150 samples x 20 timesteps x 1 feature" in text
    assert "test: X (30, 20, 1)" in text


def test_raw_tables_say_what_to_do():
    frame = pd.DataFrame(
        {"a": np.arange(10.0)}, index=pd.date_range("2020-01-01", periods=10)[::-1]
    )
    text = lstmshape.explain(frame)
    assert "(10, 1) = 10 rows (time steps) x 1 column ('a')" in text
    assert "NEWEST FIRST" in text
    assert "lstmshape.to_3d(data) gives (1, 10, 1)" in text


def test_unknown_object():
    with pytest.raises(TypeError, match=r"explain\(\) takes an array"):
        lstmshape.explain(object())


def test_explain_names_what_stops_windows_instead_of_suggesting_a_call_that_raises():
    text = lstmshape.explain(pd.DataFrame({"c": ["a", "b", "c"], "x": [1.0, 2.0, 3.0]}))
    assert "the column 'c' is not numeric; choose the inputs with features=[...]" in text
    assert "lstmshape.windows(data" not in text
    text = lstmshape.explain(pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0]}))
    assert "1 row holds NaN values" in text and "dropna=True" in text
    assert "lstmshape.windows(data" not in text
