"""Covariates: known-future and static inputs, checked against a loop oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .oracles import runs_loop, sample_rows, window_starts
from .strategies import framings


@st.composite
def panels(draw):
    """A long-format panel: 1-3 series of different lengths, a day missing in some."""
    n_groups = draw(st.integers(1, 3))
    frames = []
    for g in range(n_groups):
        rows = draw(st.integers(25, 45))
        days = pd.date_range("2021-01-01", periods=rows + 1, freq="D")
        drop = draw(st.one_of(st.none(), st.integers(5, rows - 5)))
        days = days[:-1] if drop is None else days.delete(drop)
        values = np.arange(len(days), dtype=np.float64) + 1000 * g
        frames.append(
            pd.DataFrame(
                {
                    "y": values,
                    "x": values / 10,
                    "dow": np.asarray(days.day_of_week, dtype=np.float64) + 100 * g,
                    "size": float(10 + g),
                    "g": f"s{g}",
                },
                index=pd.DatetimeIndex(days, name="day"),
            )
        )
    return pd.concat(frames)


def oracle(frame, framing, *, features, targets, future, static):
    """Every sample's past, future, static and y, walking runs and rows one by one."""
    stamps = np.asarray(frame.index.as_unit("ns").asi8)
    runs = runs_loop(frame["g"].to_numpy(), stamps, step=pd.Timedelta("1D").value)
    table = frame.to_numpy()
    col = {name: i for i, name in enumerate(frame.columns)}
    options = {
        k: framing.get(k, d)
        for k, d in (("horizon", 1), ("shift", 1), ("per_timestep", False), ("sampling_rate", 1))
    }
    out = {"past": [], "future": [], "static": [], "y": []}
    for begin, end in runs:
        for s in window_starts(
            end - begin, framing["lookback"], stride=framing["stride"], **options
        ):
            inputs, target_rows = sample_rows(begin + s, framing["lookback"], **options)
            out["past"].append([[table[r][col[c]] for c in features] for r in inputs])
            out["future"].append([[table[r][col[c]] for c in future] for r in target_rows])
            out["static"].append([table[begin + s][col[c]] for c in static])
            y = [[table[r][col[c]] for c in targets] for r in target_rows]
            one_step = not options["per_timestep"] and options["horizon"] == 1
            out["y"].append(y[0] if one_step else y)
    return {k: np.array(v, dtype=np.float64) for k, v in out.items()}


@pytest.mark.filterwarnings("ignore:Skipped .* too short for one window:UserWarning")
@settings(max_examples=40, deadline=None)
@given(panels(), framings(max_lookback=6))
def test_past_future_static_and_y_match_the_loop_oracle(frame, framing):
    expected = oracle(
        frame, framing, features=["y", "x", "dow"], targets=["y"], future=["dow"], static=["size"]
    )
    assume(len(expected["y"]) > 0)
    w = lstmshape.windows(
        frame, **framing, targets=["y"], future=["dow"], static=["size"], group_by="g", freq="D"
    )
    assert w.input_names == ("past", "future", "static")
    for name in ("past", "future", "static"):
        np.testing.assert_array_equal(w.X[name], expected[name])
        assert w.X[name].shape == (len(w), *w.input_shape[name])
    np.testing.assert_array_equal(w.y, expected["y"])
    # every loader serves the same named inputs
    for x, y in w.batches(7, shuffle=True, seed=1):
        assert set(x) == {"past", "future", "static"}
        assert len(y) == len(x["past"]) == len(x["future"]) == len(x["static"])
    picked = next(iter(w.schedule(7, shuffle=True, seed=1).batches(0)))
    first_x, first_y = next(iter(w.batches(7, shuffle=True, seed=1)))
    for name in ("past", "future", "static"):
        np.testing.assert_array_equal(first_x[name], w.X[name][picked])
    np.testing.assert_array_equal(first_y, w.y[picked])


def test_future_only_and_static_only_and_default_features():
    frame = pd.DataFrame({"y": np.arange(30.0), "cal": np.arange(30.0) % 7, "k": 1.0})
    w = lstmshape.windows(frame, 4, horizon=2, targets="y", future="cal", static="k")
    assert w.feature_names == ("y", "cal")  # future columns stay among the features
    assert w.input_shape == {"past": (4, 2), "future": (2, 1), "static": (1,)}
    only_future = lstmshape.windows(frame, 4, targets="y", future="cal", features=["y"])
    assert only_future.input_names == ("past", "future")
    assert only_future.X["future"].shape == (26, 1, 1)
    np.testing.assert_array_equal(only_future.X["future"][:, 0, 0], frame["cal"][4:])
    per_step = lstmshape.windows(frame, 4, per_timestep=True, targets="y", future="cal")
    np.testing.assert_array_equal(per_step.X["future"][0, :, 0], frame["cal"][1:5])
    plain = lstmshape.windows(frame, 4, targets="y")
    assert isinstance(plain.X, np.ndarray)  # nothing changes without covariates


def test_a_static_column_that_varies_within_a_series_names_the_series_and_rows():
    frame = pd.DataFrame(
        {"y": np.arange(20.0), "k": [1.0] * 10 + [2.0] * 10, "g": ["a"] * 5 + ["b"] * 15}
    )
    with pytest.raises(
        ShapeError,
        match=r"Column 'k' \(`static`\) must hold one value per series, but it varies in series "
        r"'b': 1.0 at row 5 .* and 2.0 at row 10",
    ):
        lstmshape.windows(frame, 3, targets="y", static="k", group_by="g")


def test_future_covariates_are_refused_for_inputs_only_windows():
    with pytest.raises(ShapeError, match=r"`future` covariates are read on the target rows"):
        lstmshape.windows(np.ones((20, 2)), 3, inputs_only=True, future=[1])


def test_change_targets_keep_the_covariates():
    index = pd.date_range("2020-01-01", periods=30, freq="D")
    frame = pd.DataFrame(
        {"y": np.arange(1.0, 31.0), "cal": np.arange(30.0) % 7, "k": 1.0}, index=index
    )
    w = lstmshape.windows(
        frame, 4, horizon=2, targets="y", future="cal", static="k", transform="diff"
    )
    assert w.input_names == ("past", "future", "static")
    np.testing.assert_array_equal(w.X["future"][0, :, 0], frame["cal"].to_numpy()[5:7])
    np.testing.assert_array_equal(w.to_frame(w.y)["y+0"], frame["y"].to_numpy()[5:29])
