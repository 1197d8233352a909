"""to_3d(): every case of the table in its docstring, plus its errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lstmshape import ShapeError, to_3d

from .strategies import series


@given(series(ndim=1))
def test_1d_is_one_sample(data):
    out = to_3d(data)
    assert out.shape == (1, len(data), 1)
    np.testing.assert_array_equal(out[0, :, 0], data)


@given(series(ndim=2))
def test_2d_is_one_sample_of_rows_by_features(data):
    out = to_3d(data)
    assert out.shape == (1, *data.shape)
    np.testing.assert_array_equal(out[0], data)
    assert np.shares_memory(out, data)
    assert not out.flags.writeable


@given(series(ndim=2, max_rows=40), st.integers(1, 10))
def test_timesteps_cuts_blocks(data, timesteps):
    n = len(data) - len(data) % timesteps
    assume(n > 0)
    out = to_3d(data[:n], lookback=timesteps)
    assert out.shape == (n // timesteps, timesteps, data.shape[1])
    for b in range(n // timesteps):  # oracle: plain loop over blocks
        np.testing.assert_array_equal(out[b], data[b * timesteps : (b + 1) * timesteps])


@given(series(ndim=2))
def test_univariate(data):
    out = to_3d(data, univariate=True)
    assert out.shape == (*data.shape, 1)
    np.testing.assert_array_equal(out[..., 0], data)


def test_the_study_note_cases():
    assert to_3d(np.arange(10)).shape == (1, 10, 1)
    assert to_3d(np.stack([np.arange(10), np.arange(10, 20)], axis=1)).shape == (1, 10, 2)
    assert to_3d(np.ones((7, 50, 2))).shape == (7, 50, 2)
    assert to_3d(np.arange(10)).dtype == np.float32
    assert to_3d(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})).shape == (1, 2, 2)


def test_input_untouched():
    data = np.arange(12.0).reshape(6, 2)
    before = data.copy()
    out = to_3d(data, lookback=3)
    with pytest.raises(ValueError, match="read-only"):
        out[0, 0, 0] = 5
    np.testing.assert_array_equal(data, before)
    assert data.flags.writeable


ERRORS = [
    (np.float64(1.0), {}, ShapeError, r"a scalar has no time axis"),
    (np.ones((1, 2, 3, 4)), {}, ShapeError, r"Received: data of shape \(1, 2, 3, 4\)"),
    (np.array([]), {}, ShapeError, r"`data` is empty"),
    (
        np.ones(10),
        {"lookback": 3},
        ShapeError,
        r"Cannot cut 10 rows into blocks of lookback=3: 1 rows would be left over \(10 = 3 x 3 \+ 1\)",
    ),
    (
        np.ones(10),
        {"lookback": 0},
        ShapeError,
        r"`lookback` must be at least 1. Received: lookback=0",
    ),
    (np.ones(10), {"lookback": 2.0}, TypeError, r"`lookback` must be an integer"),
    (np.ones(10), {"univariate": True}, ShapeError, r"`univariate=True` reads a 2-D array"),
    (np.ones((4, 5)), {"univariate": True, "lookback": 5}, ShapeError, r"cannot be combined"),
    (np.ones((2, 3, 4)), {"lookback": 3}, ShapeError, r"already 3-D \(2, 3, 4\)"),
    (np.ones((2, 3)), {"univariate": "yes"}, TypeError, r"`univariate` must be True or False"),
    (np.array([1.0, np.nan]), {}, ShapeError, r"contains NaN at position \(1,\)"),
    (np.array(["a", "b"]), {}, TypeError, r"non-numeric dtype"),
    (
        pd.DataFrame({"d": pd.to_datetime(["2020-01-01"])}),
        {},
        ShapeError,
        r"Column 'd' of `data` holds dates, but the rows are indexed by RangeIndex",
    ),
]


@pytest.mark.parametrize(("data", "kwargs", "error", "pattern"), ERRORS)
def test_errors(data, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        to_3d(data, **kwargs)
