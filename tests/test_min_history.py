"""windows(..., min_history=k): padded windows at the start of every series, with a mask.

Checked against a loop oracle over random framings, groups and gaps: padded values are 0,
the mask marks exactly the real steps, real values equal the data, and targets are real
rows of the sample's own series.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .oracles import runs_loop
from .strategies import framings


@st.composite
def panels(draw):
    """1-3 series of different lengths (some shorter than a window), a day missing in some."""
    frames = []
    for g in range(draw(st.integers(1, 3))):
        rows = draw(st.integers(3, 30))
        days = pd.date_range("2021-01-01", periods=rows + 1, freq="D")
        drop = draw(st.one_of(st.none(), st.integers(1, rows - 1)))
        days = days[:-1] if drop is None else days.delete(drop)
        values = np.arange(1, len(days) + 1, dtype=np.float64) + 1000 * g  # never 0
        frames.append(
            pd.DataFrame(
                {"y": values, "x": -values, "cal": values + 0.5, "size": 10.0 + g, "g": f"s{g}"},
                index=pd.DatetimeIndex(days, name="day"),
            )
        )
    return pd.concat(frames)


def oracle(frame, framing, min_history):
    """Every sample by trying every start on each run's stride grid, rows one by one."""
    lookback, stride = framing["lookback"], framing["stride"]
    horizon, shift = framing.get("horizon", 1), framing.get("shift", 1)
    rate = framing.get("sampling_rate", 1)
    stamps = np.asarray(frame.index.as_unit("ns").asi8)
    runs = runs_loop(frame["g"].to_numpy(), stamps, step=pd.Timedelta("1D").value)
    table = frame[["y", "x", "cal", "size"]].to_numpy()
    out = {"past": [], "mask": [], "future": [], "static": [], "y": [], "begin": []}
    for begin, end in runs:
        for s in range(begin - lookback * rate, end):
            if (s - begin) % stride:
                continue
            inputs = [s + j * rate for j in range(lookback)]
            targets = [inputs[-1] + shift + k * rate for k in range(horizon)]
            real = [r >= begin for r in inputs]
            if sum(real) < min_history or max(inputs) >= end:
                continue
            if not all(begin <= r < end for r in targets):
                continue
            out["past"].append(
                [
                    list(table[r, :3]) if ok else [0.0] * 3
                    for r, ok in zip(inputs, real, strict=True)
                ]
            )
            out["mask"].append(real)
            out["future"].append([[table[r, 2]] for r in targets])
            out["static"].append([table[begin, 3]])
            y = [[table[r, 0]] for r in targets]
            out["y"].append(y[0] if horizon == 1 else y)
            out["begin"].append(begin)
    return {k: np.array(v) for k, v in out.items()}


@pytest.mark.filterwarnings("ignore:Skipped .* too short for one window:UserWarning")
@settings(max_examples=80, deadline=None)
@given(panels(), framings(max_lookback=7), st.data())
def test_padded_windows_and_mask_match_the_loop_oracle(frame, framing, data):
    if framing.pop("per_timestep"):  # min_history is for many-to-one windows
        framing["horizon"] = data.draw(st.integers(1, 4))
    k = data.draw(st.integers(1, max(1, framing["lookback"] - 1)))  # mostly some padding
    expected = oracle(frame, framing, k)
    assume(len(expected["y"]) > 0)
    w = lstmshape.windows(
        frame, **framing, features=["y", "x", "cal"], targets="y", future="cal",
        static="size", group_by="g", freq="D", min_history=k,
    )  # fmt: skip
    assert w.input_names == ("past", "future", "static", "mask")
    X = w.X
    for name in ("past", "mask", "future", "static"):
        np.testing.assert_array_equal(X[name], expected[name], err_msg=name)
        assert X[name].shape == (len(w), *w.input_shape[name])
    assert X["mask"].dtype == bool
    assert (X["past"][~X["mask"]] == 0).all()  # padding is 0 ...
    assert (X["past"][X["mask"]][:, 0] != 0).all()  # ... and no real value here is
    np.testing.assert_array_equal(w.y, expected["y"])
    # targets are real rows of the sample's own series, never padding
    assert (w.source.plan.first_target_rows >= expected["begin"]).all()
    assert w.source.plan.n_padded == int((~X["mask"][:, 0]).sum())
    event("with padded samples" if w.source.plan.n_padded else "no padded samples")
    # every batch is the same samples as X
    schedule = w.schedule(5, shuffle=True, seed=3)
    for numbers, (x, y) in zip(
        schedule.batches(0), w.batches(5, shuffle=True, seed=3), strict=True
    ):
        for name in ("past", "mask", "future", "static"):
            np.testing.assert_array_equal(x[name], X[name][numbers])
        np.testing.assert_array_equal(y, w.y[numbers])


def test_a_short_series_gets_padded_windows_and_a_mask():
    frame = pd.DataFrame({"y": np.arange(1.0, 21.0), "g": ["new"] * 4 + ["old"] * 16})
    w = lstmshape.windows(frame, 6, horizon=2, targets="y", group_by="g", min_history=2)
    assert len(w) == 14 and w.source.plan.n_padded == 5
    np.testing.assert_array_equal(w.X["past"][0, :, 0], [0, 0, 0, 0, 1, 2])
    np.testing.assert_array_equal(w.X["mask"][0], [False] * 4 + [True] * 2)
    np.testing.assert_array_equal(w.y[0, :, 0], [3, 4])
    assert 'X["mask"] (14, 6) = 14 samples x 6 timesteps (True on real steps; 5 of 14' in repr(w)
    assert 'keras.Input(shape=(6,), name="mask", dtype="bool")' in repr(w)
    text = lstmshape.explain(w)
    assert "first sample: input 4 padded steps, then rows 0 .. 1 -> target 2 .. 3" in text
    assert "also include 5 that start before their series' first row" in text
    frame_y = w.to_frame(w.y)  # target rows are real rows: dated like any other
    assert frame_y.loc[("new", 2), "y+0"] == 3.0
    with pytest.warns(UserWarning, match=r"Skipped 1 group"):
        full = lstmshape.windows(frame, 6, horizon=2, targets="y", group_by="g")
    assert len(full) == 9  # without min_history, "new" is too short


def test_without_padded_samples_the_views_stay_views():
    series = np.arange(50.0)
    w = lstmshape.windows(series, 10, min_history=10)
    assert w.source.plan.n_padded == 0
    assert np.shares_memory(w.X["past"], w.data)
    assert w.X["mask"].all() and not w.X["mask"].flags.writeable
    padded = lstmshape.windows(series, 10, min_history=3)
    assert padded.source.plan.n_padded == 7
    assert not padded.X["past"].flags.writeable
    np.testing.assert_array_equal(padded.X["past"][7:], w.X["past"])  # the same windows after


def test_inputs_only_windows_pad_a_short_series_for_a_forecast():
    w = lstmshape.windows(np.arange(1.0, 5.0), 6, inputs_only=True, min_history=2)
    np.testing.assert_array_equal(w.X["past"][-1, :, 0], [0, 0, 1, 2, 3, 4])
    np.testing.assert_array_equal(w.X["mask"][-1], [False, False, True, True, True, True])


def test_every_loader_serves_the_mask():
    frame = pd.DataFrame({"y": np.arange(1.0, 21.0), "g": ["new"] * 4 + ["old"] * 16})
    w = lstmshape.windows(frame, 6, horizon=2, targets="y", group_by="g", min_history=2)
    loaders = {"batches": [x for x, _ in w.batches(4)]}
    if importlib.util.find_spec("tensorflow") is not None:  # the numpy_function path
        loaders["to_dataset"] = [
            {k: v.numpy() for k, v in x.items()} for x, _ in w.to_dataset(batch_size=4)
        ]
    if importlib.util.find_spec("torch") is not None:
        loaders["to_torch"] = [{k: v.numpy() for k, v in x.items()} for x, _ in w.to_torch(4)]
    for name, batches in loaders.items():
        mask = np.concatenate([x["mask"] for x in batches])
        past = np.concatenate([x["past"] for x in batches])
        assert mask.dtype == bool, name
        np.testing.assert_array_equal(mask, w.X["mask"], err_msg=name)
        np.testing.assert_array_equal(past, w.X["past"], err_msg=name)


ERRORS = [
    ({"min_history": 0}, ShapeError, r"`min_history` must be at least 1\. Received: min_history=0"),
    ({"min_history": 7}, ShapeError,
     r"`min_history` must be at most lookback=6: it is the fewest real input steps of a padded window\. Received: min_history=7"),
    ({"min_history": 2.0}, TypeError, r"`min_history` must be an integer"),
    ({"min_history": 2, "per_timestep": True}, ShapeError,
     r"`min_history` does not work with per_timestep=True"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "pattern"), ERRORS)
def test_errors(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lstmshape.windows(np.arange(30.0), 6, **kwargs)


def test_series_too_short_even_for_min_history_are_reported():
    with pytest.raises(
        ShapeError,
        match=r"Cannot make windows with lookback=6 and horizon=3 and min_history=4: the longest series \(or run between gaps and missing values\) has 5 rows, and even a padded window needs at least 7 rows: 4 real input step\(s\) and the targets after them",
    ):
        lstmshape.windows(np.arange(5.0), 6, horizon=3, min_history=4)
