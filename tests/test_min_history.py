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


# -- split() and folds() with min_history: the padded windows go to the part of their targets


def single_series_oracle(values, lookback, horizon, stride, min_history):
    """Every sample of one series, padded or not: (past, mask, y, target rows), by loops."""
    n = len(values)
    samples = []
    for s in range(-lookback, n):
        if s % stride:
            continue
        inputs = list(range(s, s + lookback))
        targets = [inputs[-1] + 1 + k for k in range(horizon)]
        real = [r >= 0 for r in inputs]
        if sum(real) < min_history or targets[-1] >= n:
            continue
        past = [
            values[r] if ok else np.zeros(values.shape[1])
            for r, ok in zip(inputs, real, strict=True)
        ]
        y = [values[r, :1] for r in targets]
        samples.append(
            (np.array(past), np.array(real), np.array(y[0] if horizon == 1 else y), targets)
        )
    return samples


def part_of(targets, n, val, test):
    """The part whose rows hold every target row, or None when they straddle a boundary."""
    edges = {"train": (0, n - val - test), "val": (n - val - test, n - test), "test": (n - test, n)}
    for name, (lo, hi) in edges.items():
        if all(lo <= r < hi for r in targets):
            return name
    return None


@settings(max_examples=60, deadline=None)
@given(
    st.integers(4, 40),
    st.integers(2, 8),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 8),
    st.integers(0, 6),
    st.integers(1, 6),
)
def test_split_with_min_history_matches_the_loop_oracle(n, lookback, horizon, stride, k, val, test):
    k = min(k, lookback)
    values = np.arange(1.0, 2 * n + 1).reshape(n, 2)  # never 0: padding shows
    samples = single_series_oracle(values, lookback, horizon, stride, k)
    expected = {"train": [], "val": [], "test": []}
    for sample in samples:
        name = part_of(sample[3], n, val, test)
        if name is not None:
            expected[name].append(sample)
    assume(all(expected[name] for name in ("train", "test")) and (val == 0 or expected["val"]))
    parts = lstmshape.split(
        values, lookback, val=val or None, test=test, horizon=horizon, stride=stride,
        targets=[0], min_history=k,
    )  # fmt: skip
    for name in ("train", "val", "test") if val else ("train", "test"):
        w = getattr(parts, name)
        want = expected[name]
        assert len(w) == len(want), name
        np.testing.assert_array_equal(w.X["past"], np.array([s[0] for s in want]), err_msg=name)
        np.testing.assert_array_equal(w.X["mask"], np.array([s[1] for s in want]), err_msg=name)
        np.testing.assert_array_equal(w.y, np.array([s[2] for s in want]), err_msg=name)


def test_split_of_a_short_series_pads_its_first_training_windows():
    frame = pd.DataFrame({"y": np.arange(1.0, 21.0), "g": ["new"] * 6 + ["old"] * 14})
    parts = lstmshape.split(frame, 6, test=2, targets="y", group_by="g", min_history=2)
    assert parts.train.input_names == parts.test.input_names == ("past", "mask")
    assert parts.train.source.plan.n_padded == 2 + 4  # targets in rows 2..3 of "new", 2..5 of "old"
    np.testing.assert_array_equal(parts.train.X["past"][0, :, 0], [0, 0, 0, 0, 1, 2])
    np.testing.assert_array_equal(parts.test.y[:, 0], [5, 6, 19, 20])  # last 2 rows of each
    assert not parts.test.X["mask"].all()  # "new" has 4 rows before its test rows
    with pytest.warns(UserWarning, match=r"Skipped 1 group"):
        plain = lstmshape.split(frame, 6, test=2, targets="y", group_by="g")
    assert len(plain.test) == 2  # without min_history "new" gets no windows at all


def test_folds_with_min_history_need_only_the_real_steps():
    series = np.arange(1.0, 13.0)
    with pytest.raises(ShapeError, match=r"it needs at least 11 \(one window and its target"):
        lstmshape.folds(series, 10, n_folds=2, test=1)
    cv = lstmshape.folds(series, 10, n_folds=2, test=1, min_history=3)
    assert [len(f.train) for f in cv] == [7, 8] and [len(f.test) for f in cv] == [1, 1]
    full = lstmshape.windows(series, 10, min_history=3)
    for fold, last in zip(cv, (10, 11), strict=True):  # test target rows 10 and 11
        np.testing.assert_array_equal(fold.test.y[:, 0], [series[last]])
        np.testing.assert_array_equal(fold.test.X["past"], full.X["past"][last - 3 : last - 2])
    with pytest.raises(ShapeError, match=r"it needs at least 4 \(one window and its target"):
        lstmshape.folds(series, 10, n_folds=9, test=1, min_history=3)


@pytest.mark.parametrize("function", ["split", "folds"])
@pytest.mark.parametrize(("kwargs", "error", "pattern"), ERRORS)
def test_split_and_folds_check_min_history_like_windows(function, kwargs, error, pattern):
    options = {"test": 3} if function == "split" else {"n_folds": 2, "test": 3}
    with pytest.raises(error, match=pattern):
        getattr(lstmshape, function)(np.arange(30.0), 6, **options, **kwargs)


# -- found by a hostile reading: everything around padded windows counts per series


def test_forecast_refuses_a_panel():
    class Last:
        def predict(self, x):
            return x["past"][:, -1, :]

    panel = {"a": np.arange(1.0, 4.0), "b": np.array([101.0, 102.0])}
    with pytest.raises(TypeError, match=r"forecast\(\) continues one series; `data` is a panel"):
        lstmshape.forecast(Last(), panel, 4, steps=1, min_history=1)


def test_plot_places_a_forecast_by_its_own_series_spacing():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    a = pd.DataFrame({"y": np.arange(1.0, 11.0)}, index=pd.date_range("2020-01-01", periods=10))
    b = pd.DataFrame({"y": [100.0, 101.0]}, index=pd.date_range("2021-06-01", periods=2))
    w = lstmshape.windows({"a": a, "b": b}, 3, inputs_only=True, min_history=1)
    last_of_b = len(w) - 1
    title = w.plot(np.zeros((len(w), 1)), samples=[last_of_b]).axes[0].get_title()
    assert title.endswith("then 2021-06-01..2021-06-02, forecast for 2021-06-03")
    one_row = pd.Series([5.0], index=pd.DatetimeIndex(["2024-03-01"]))
    w = lstmshape.windows(one_row, 3, inputs_only=True, min_history=1)
    with pytest.raises(ShapeError, match=r"has one row, 2024-03-01, so the spacing"):
        w.plot(np.zeros((1, 1)))


def test_plot_of_a_panel_of_arrays_counts_rows_per_series():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    w = lstmshape.windows([np.arange(1.0, 11.0), np.arange(101.0, 104.0)], 4, min_history=1)
    title = w.plot(samples=[len(w) - 1]).axes[0].get_title()
    assert title.endswith("inputs 2 padded steps, then rows 0..1, target row 2")
    assert w.target_index[-1] == 2


def test_split_plot_draws_a_group_with_test_windows_only():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    frame = pd.DataFrame({"y": np.arange(1.0, 25.0), "g": ["new"] * 4 + ["old"] * 20})
    parts = lstmshape.split(frame, 6, test=2, group_by="g", min_history=2)
    assert "new" not in set(parts.train.groups) and "new" in set(parts.test.groups)
    ax = parts.plot(group="new").axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 2.0, 3.0, 4.0])


def test_split_boundaries_give_one_span_per_run():
    text = repr(lstmshape.split(np.arange(1.0, 12.0), 6, test=2, min_history=2))
    assert "targets 2 .. 8\n" in text
    parts = lstmshape.split([np.arange(1.0, 9.0), np.arange(1.0, 30.0)], 6, test=2, min_history=2)
    assert parts.boundaries["train"] == ["0: 2 .. 5", "1: 2 .. 26"]


def test_scaler_without_training_rows_is_named():
    sklearn = pytest.importorskip("sklearn.preprocessing")
    frame = pd.DataFrame(
        {"y": np.r_[1.0, 2.0, 3.0, np.arange(1.0, 30.0)], "g": ["a"] * 3 + ["b"] * 29}
    )
    with pytest.raises(ShapeError, match=r"The training part of series 'a' has no rows to fit"):
        lstmshape.split(
            frame, 2, test=2, group_by="g", min_history=1, transform="diff",
            scaler=sklearn.MinMaxScaler(), per_series=True,
        )  # fmt: skip
    with pytest.raises(ShapeError, match=r"The training part has no rows to fit the scaler"):
        lstmshape.split(
            np.arange(1.0, 4.0), 2, test=2, min_history=2, transform="diff",
            scaler=sklearn.MinMaxScaler(),
        )  # fmt: skip


def test_messages_count_the_rows_min_history_and_transforms_need():
    frame = pd.DataFrame({"y": np.arange(1.0, 14.0), "g": ["a"] * 3 + ["b"] * 10})
    with pytest.warns(UserWarning, match=r"too short for one window of 4 rows \(min_history=3"):
        lstmshape.windows(frame, 6, min_history=3, group_by="g")
    with pytest.raises(
        ShapeError,
        match=r"has 2 rows, and needs at least 3 rows with min_history=1: .* plus 1 the transform uses up",
    ):
        lstmshape.split(np.arange(1.0, 5.0), 3, test=2, min_history=1, transform="diff")
