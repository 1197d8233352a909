"""transform=: targets as changes, undone exactly by to_frame (property test vs the levels)."""

from __future__ import annotations

import re

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
    with pytest.raises(
        TypeError, match=r"`transform` must be a string, one of .*, or None for levels"
    ):
        lstmshape.split(np.arange(10.0), 2, test=3, transform=1)


# -- evaluation never sees the future (issue 19) ---------------------------------------------
def undo_by_loop(w, predictions, levels, transform):
    """Plain-loop oracle: each sample's levels, from the last level its forecaster knew."""
    f, out = w.framing, np.empty(predictions.shape)
    r = f.sampling_rate
    for i, start in enumerate(w.starts):
        last_input = start + (f.lookback - 1) * r
        first = last_input + f.shift
        base_row = first - r
        if transform != "log":  # the oracle's own check: no level from the future
            assert base_row <= last_input
        level = levels[base_row]
        for k in range(predictions.shape[1]):
            p = predictions[i, k]
            if transform == "diff":
                level = level + p
            elif transform == "pct_change":
                level = level * (1 + p)
            elif transform == "log_diff":
                level = level * np.exp(p)
            else:
                level = np.exp(p)
            out[i, k] = level
    return out


@given(
    st.integers(1, 6),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 3),
    st.sampled_from(TRANSFORMS),
    st.integers(0, 10**6),
)
@settings(max_examples=60, deadline=None)
def test_undo_of_any_prediction_matches_a_loop_from_the_last_known_level(
    lookback, horizon, rate, shift, transform, seed
):
    if transform != "log":
        shift = min(shift, rate)  # larger shifts are refused (next test)
    rng = np.random.default_rng(seed)
    levels = 50 + np.cumsum(rng.uniform(-1, 1, size=40 * rate))
    w = lstmshape.windows(
        levels, lookback, horizon=horizon, shift=shift, sampling_rate=rate, transform=transform
    )
    predictions = rng.normal(scale=0.01, size=(len(w), horizon, 1))
    frame = w.to_frame(predictions.reshape(len(w), *w.output_shape))
    expected = undo_by_loop(w, predictions[..., 0], levels, transform)
    assert np.allclose(frame.to_numpy(), expected, rtol=1e-12)
    if horizon > 1:
        assert list(frame.columns) == [f"0+{k * rate}" for k in range(horizon)]


@pytest.mark.parametrize("transform", ["diff", "pct_change", "log_diff"])
@pytest.mark.parametrize(("shift", "rate"), [(2, 1), (3, 1), (3, 2), (5, 4)])
def test_a_change_target_after_the_window_is_refused(transform, shift, rate):
    # Old main undid shift=3 from row L+2, a level the forecaster did not know.
    data = np.arange(1.0, 101.0) ** 1.5
    words = f"transform={transform!r} with shift={shift} > sampling_rate={rate}"
    with pytest.raises(ShapeError, match=re.escape(words)):
        lstmshape.split(data, 4, test=8, shift=shift, sampling_rate=rate, transform=transform)
    with pytest.raises(ShapeError, match="after the window's last input row L"):
        lstmshape.windows(data, 4, shift=shift, sampling_rate=rate, transform=transform)


def test_the_suggested_framing_gives_the_same_row_from_the_known_level():
    # The message's fix: shift=1, horizon=3 reaches row L+3 through the steps before it.
    data = np.arange(1.0, 101.0) ** 1.5
    w = lstmshape.windows(data, 4, horizon=3, transform="diff")
    frame = w.to_frame(w.y)
    last_input = w.starts + 3
    assert np.allclose(frame["0+2"].to_numpy(), data[last_input + 3])


def test_log_needs_no_earlier_level_and_takes_any_shift():
    data = np.arange(1.0, 31.0)
    w = lstmshape.windows(data, 4, shift=3, transform="log")
    assert np.allclose(w.to_frame(w.y).iloc[:, 0].to_numpy(), data[w.starts + 3 + 3])


def test_undo_refuses_to_read_a_level_after_the_last_known_row():
    from lstmshape._input.transform import TargetTransform

    undo = TargetTransform("diff", 1, np.arange(10.0)[:, None])
    rows = np.array([[6]])  # undone from row 5
    assert undo.undo(np.ones((1, 1, 1)), rows, chained=True, known=np.array([5]))[0, 0, 0] == 6
    with pytest.raises(ShapeError, match="needs the level of row 5, after the last input row 4"):
        undo.undo(np.ones((1, 1, 1)), rows, chained=True, known=np.array([4]))


def test_an_overflowing_change_is_refused_with_its_column_and_row():
    # Old main: a numpy RuntimeWarning and +-inf in the windows.
    data = pd.DataFrame({"v": [1.0, 1e308, -1e308, 2.0, 3.0]}, index=pd.RangeIndex(5))
    with pytest.raises(
        ShapeError, match=r"column 'v' at row 2 \(index 2\) is -1e\+308, and its change is -inf"
    ):
        lstmshape.windows(data, 1, transform="diff")
