"""transform=: targets as changes, undone exactly by to_frame (property test vs the levels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .strategies import framings

MinMaxScaler = pytest.importorskip("sklearn.preprocessing").MinMaxScaler

TRANSFORMS = ["diff", "pct_change", "log", "log_diff"]


def levels_at(frame, data, column, step_rows=1):
    """The original level of every cell of a to_frame result (a loop oracle)."""
    expected = np.empty(frame.shape)
    for i, label in enumerate(frame.index):
        group, row = label if isinstance(label, tuple) else (None, label)
        series = data if group is None else data[data["g"] == group]
        position = series.index.get_loc(row)
        for j, name in enumerate(frame.columns):
            step = int(str(name).rsplit("+", 1)[1]) if "+" in str(name) else 0
            expected[i, j] = series[column].iloc[position + step * step_rows]
    return expected


@st.composite
def cases(draw):
    framing = draw(framings(max_lookback=6))
    framing["stride"] = min(framing["stride"], 2)
    transform = draw(st.sampled_from(TRANSFORMS))
    grouped = draw(st.booleans())
    gaps = draw(st.booleans())
    rate = framing.get("sampling_rate", 1)
    if transform != "log":  # a larger shift cannot be undone from a known level: refused
        framing["shift"] = min(framing["shift"], rate)
    n = draw(st.integers(45, 70)) * rate
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    values = 50 + np.cumsum(rng.uniform(-1, 1, size=n))
    index = pd.date_range("2021-01-01", periods=n, freq="D")
    data = pd.DataFrame({"v": values, "x": rng.normal(size=n)}, index=index)
    if gaps:  # drop two rows: gaps that no window crosses
        data = data.drop(index[[n // 3, n // 2]])
    if grouped:
        other = data.assign(v=data["v"] * 3).copy()
        data = pd.concat([data.assign(g="a"), other.assign(g="b")])
    return data, framing, transform, grouped, gaps


@given(cases(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_to_frame_of_transformed_truth_gives_the_levels(case, scaled):
    data, framing, transform, grouped, gaps = case
    options = dict(framing, targets=["v"], transform=transform)
    if grouped:
        options["group_by"] = "g"
    if gaps:
        options["freq"] = "D"
    if scaled:
        parts = lstmshape.split(data, scaler=MinMaxScaler(), test=0.3, **options)
        w = parts.test
    else:
        w = lstmshape.windows(data, **options)
    frame = w.to_frame(w.y)  # step columns are named by rows after the index row
    assert np.allclose(frame.to_numpy(), levels_at(frame, data, "v"), rtol=1e-9)


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_the_model_sees_changes_of_the_target_and_features_stay(transform):
    data = pd.DataFrame({"v": [10.0, 11.0, 13.0, 12.0, 15.0, 16.0], "x": np.arange(6.0)})
    w = lstmshape.windows(data, 2, targets=["v"], transform=transform)
    v = data["v"].to_numpy()
    changed = {
        "diff": np.r_[np.nan, np.diff(v)],
        "pct_change": np.r_[np.nan, v[1:] / v[:-1] - 1],
        "log": np.log(v),
        "log_diff": np.r_[np.nan, np.diff(np.log(v))],
    }[transform]
    first = 0 if transform == "log" else 1  # the first row has no earlier value: left out
    starts = np.arange(first, 6 - 2)
    assert w.starts.tolist() == starts.tolist()
    assert np.allclose(w.X[:, :, 0], changed[starts[:, None] + [0, 1]])  # the target: changes
    assert np.allclose(w.X[:, :, 1], data["x"].to_numpy()[starts[:, None] + [0, 1]])  # as is
    assert np.allclose(w.y[:, 0], changed[starts + 2])
    assert w.transform.kind == transform


def test_multi_step_diff_chains_from_the_last_known_level():
    data = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0])
    w = lstmshape.windows(data, 2, horizon=2, transform="diff")
    assert w.y[0, :, 0].tolist() == [3.0, 4.0]  # rows 3 and 4: 7-4, 11-7
    frame = w.to_frame(np.ones((len(w), 2, 1)))  # predict +1 per step
    assert frame.iloc[0].tolist() == [5.0, 6.0]  # 4 (row 2) + 1, + 1 again


def test_inputs_only_forecast_is_undone_from_the_last_row():
    future = lstmshape.windows(np.array([1.0, 2.0, 4.0]), 2, inputs_only=True, transform="diff")
    frame = future.to_frame(np.array([[10.0]]))
    assert frame.iloc[-1, 0] == 14.0 and frame.index[-1] == 2


@pytest.mark.parametrize(
    ("transform", "data", "words"),
    [
        ("log", [1.0, 2.0, 0.0, 3.0], "column 0 has 0.0 at row 2"),
        ("log_diff", [1.0, -2.0, 3.0, 3.0], "column 0 has -2.0 at row 1"),
        ("pct_change", [1.0, 0.0, 3.0, 3.0], "column 0 is 0 at row 1"),
    ],
)
def test_refuses_what_cannot_be_undone(transform, data, words):
    with pytest.raises(ShapeError, match=words):
        lstmshape.windows(np.array(data), 1, transform=transform)


def test_transform_names_are_checked():
    with pytest.raises(ShapeError, match="Did you mean 'diff'"):
        lstmshape.windows(np.arange(10.0), 2, transform="dif")
    with pytest.raises(TypeError, match="`transform` must be None"):
        lstmshape.split(np.arange(10.0), 2, test=3, transform=1)
