"""Windows.to_frame(): predictions back to timestamps, in original units."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError


def frame(n=40):
    index = pd.date_range("2023-05-01", periods=n, freq="D", name="day")
    return pd.DataFrame({"a": np.arange(n, dtype=float), "b": 100.0 + np.arange(n)}, index=index)


def test_many_to_one_is_indexed_by_target_time():
    df = frame()
    w = lstmshape.windows(df, 5, targets=["b"])
    out = w.to_frame(w.y)
    assert list(out.columns) == ["b"]
    assert out.index.equals(df.index[5:])
    np.testing.assert_array_equal(out["b"].to_numpy(), df["b"].to_numpy()[5:])
    squeezed = w.to_frame(w.y[:, 0])  # (samples,) is accepted for a single target
    pd.testing.assert_frame_equal(squeezed, out)


def test_horizon_columns_are_target_plus_step():
    df = frame()
    w = lstmshape.windows(df, 5, horizon=3)
    out = w.to_frame(w.y)
    assert list(out.columns) == ["a+0", "a+1", "a+2", "b+0", "b+1", "b+2"]
    row = out.loc[pd.Timestamp("2023-05-06")]
    assert (row["a+0"], row["a+2"], row["b+1"]) == (5.0, 7.0, 106.0)


@given(st.integers(1, 6), st.integers(0, 3), st.integers(1, 3))
def test_per_timestep_predictions_are_averaged_per_row(lookback, shift, stride):
    n = 30
    w = lstmshape.windows(
        np.arange(n, dtype=float), lookback, shift=shift, stride=stride, per_timestep=True
    )
    predictions = np.random.default_rng(0).normal(size=(len(w), lookback, 1))
    sums, counts = defaultdict(float), defaultdict(int)  # oracle: a plain loop
    for i, start in enumerate(w.starts):
        for k in range(lookback):
            row = int(start) + shift + k
            sums[row] += predictions[i, k, 0]
            counts[row] += 1
    out = w.to_frame(predictions)
    assert out.index.tolist() == sorted(sums)
    np.testing.assert_allclose(out[0].to_numpy(), [sums[r] / counts[r] for r in sorted(sums)])


def test_inputs_only_is_indexed_by_the_window_end():
    df = frame(20)
    w = lstmshape.windows(df, 5, inputs_only=True, targets=["a"])
    out = w.to_frame(np.ones((len(w), 1)))
    assert out.index[-1] == df.index[-1]
    assert list(out.columns) == ["a+1"]  # the row after the index row


def test_prediction_shape_mismatch_names_both_shapes():
    w = lstmshape.windows(frame(), 5, horizon=2)
    with pytest.raises(
        ShapeError, match=r"`predictions` have shape \(35, 1\), but these windows need \(34, 2, 2\)"
    ):
        w.to_frame(np.zeros((35, 1)))
    with pytest.raises(TypeError, match="must be numeric"):
        w.to_frame(np.full((34, 2, 2), "x"))
