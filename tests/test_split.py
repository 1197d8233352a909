"""split(): chronological parts, no shared targets, train-only scaling, the stock acceptance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .strategies import framings

MinMaxScaler = pytest.importorskip("sklearn.preprocessing").MinMaxScaler
StandardScaler = pytest.importorskip("sklearn.preprocessing").StandardScaler


def target_rows(w):
    """Every target row of every sample, from the plan (inputs-only excluded)."""
    return (w.starts[:, None] + w.framing.target_offsets[None, :]).ravel()


@st.composite
def split_cases(draw):
    framing = draw(framings(max_lookback=8))
    sampled = "sampling_rate" in framing  # parts must hold a whole span of targets
    n = draw(st.integers(150, 220) if sampled else st.integers(60, 150))
    sizes = st.integers(30, 45) if sampled else st.integers(12, 25)
    val = draw(st.one_of(st.none(), sizes, st.floats(0.2, 0.25)))
    test = draw(st.one_of(sizes, st.floats(0.2, 0.25)))
    return n, framing, val, test


@given(split_cases())
def test_every_target_row_in_exactly_one_part_and_in_time_order(case):
    n, framing, val, test = case
    data = np.arange(n, dtype=np.float64)
    parts = lstmshape.split(data, val=val, test=test, **framing)
    sets = {name: set(target_rows(w).tolist()) for name, w in parts.parts().items()}
    names = list(sets)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not sets[a] & sets[b]  # no target shared between parts
            assert max(sets[a]) < min(sets[b])  # train before val before test
    # each part's own targets lie inside that part's rows
    n_test = test if isinstance(test, int) else max(1, round(test * n))
    n_val = 0 if val is None else (val if isinstance(val, int) else max(1, round(val * n)))
    assert min(sets["test"]) >= n - n_test
    assert max(sets["train"]) < n - n_test - n_val
    if val is not None:
        assert n - n_test - n_val <= min(sets["val"])
        assert max(sets["val"]) < n - n_test


@given(split_cases())
def test_windows_of_parts_are_the_windows_of_the_whole(case):
    n, framing, val, test = case
    data = np.arange(n, dtype=np.float64)
    whole = lstmshape.windows(data, **framing)
    parts = lstmshape.split(data, val=val, test=test, **framing)
    together = np.concatenate([w.X for w in parts.parts().values()])
    # a subset of the whole, in order, missing only samples whose targets straddle a boundary
    starts = np.concatenate([w.starts for w in parts.parts().values()])
    assert np.all(np.diff(starts) > 0)
    np.testing.assert_array_equal(together, whole.X[np.searchsorted(whole.starts, starts)])
    if framing["horizon"] == 1 and not framing["per_timestep"] and framing["stride"] == 1:
        assert len(starts) == len(whole)  # nothing is lost at the boundaries


@given(split_cases(), st.sampled_from(["minmax", "standard"]))
def test_scaler_is_fitted_on_training_rows_only(case, kind):
    n, framing, val, test = case
    rng = np.random.default_rng(n)
    data = pd.DataFrame({"a": rng.normal(10, 3, n), "b": rng.uniform(0, 100, n)})
    scaler = MinMaxScaler() if kind == "minmax" else StandardScaler()
    parts = lstmshape.split(data, val=val, test=test, scaler=scaler, **framing)
    n_test = test if isinstance(test, int) else max(1, round(test * n))
    n_val = 0 if val is None else (val if isinstance(val, int) else max(1, round(val * n)))
    train_rows = data.iloc[: n - n_test - n_val]
    expected = (MinMaxScaler() if kind == "minmax" else StandardScaler()).fit(train_rows.to_numpy())
    for attribute in ("data_min_", "data_max_") if kind == "minmax" else ("mean_", "scale_"):
        np.testing.assert_allclose(getattr(parts.scaler, attribute), getattr(expected, attribute))
    assert not hasattr(scaler, "n_features_in_")  # the caller's scaler is left unfitted
    np.testing.assert_allclose(parts.train.data, expected.transform(data.to_numpy()))


@given(split_cases())
def test_to_frame_inverts_scaling_and_indexes_by_target_time(case):
    n, framing, val, test = case
    index = pd.date_range("2021-03-01", periods=n, freq="D", name="when")
    data = pd.DataFrame({"x": np.linspace(5, 50, n) ** 1.5, "y": np.cos(np.arange(n))}, index=index)
    parts = lstmshape.split(
        data, val=val, test=test, scaler=MinMaxScaler(), targets=["x"], **framing
    )
    for w in parts.parts().values():
        frame = w.to_frame(w.y)
        if w.per_timestep:
            rows = np.unique(target_rows(w))
            np.testing.assert_allclose(
                frame["x"].to_numpy(), data["x"].to_numpy()[rows], rtol=1e-12
            )
            assert frame.index.equals(index[rows])
        else:
            assert frame.index.equals(w.target_index)
            first = frame.iloc[:, 0].to_numpy()
            np.testing.assert_allclose(first, data.loc[w.target_index, "x"].to_numpy(), rtol=1e-12)


def load_stock(shared_data):
    frames = [
        pd.read_csv(shared_data / name, parse_dates=["Date"])
        for name in ("NSE-TATAGLOBAL.csv", "tatatest.csv")
    ]
    return pd.concat(frames).set_index("Date").sort_index()


def test_stock_acceptance(shared_data):
    df = load_stock(shared_data)
    assert len(df) == 2051
    parts = lstmshape.split(
        df, 60, test=16, features=["Open"], targets=["Open"], scaler=MinMaxScaler()
    )
    assert len(parts.train) == 1975
    assert len(parts.test) == 16
    assert parts.val is None
    first_test_day = pd.Timestamp("2018-10-01")
    assert parts.test.target_index[0] == first_test_day
    # the first test window is the 60 trading days just before the first test day
    before = df.loc[: pd.Timestamp("2018-09-28"), "Open"].iloc[-60:]
    assert parts.test.end_index[0] == pd.Timestamp("2018-09-28")
    np.testing.assert_allclose(parts.test.X[0, :, 0], (before.to_numpy() - 81.1) / (327.7 - 81.1))
    # scaled with the training rows' minimum and maximum only
    assert parts.scaler.data_min_[0] == pytest.approx(81.1)
    assert parts.scaler.data_max_[0] == pytest.approx(327.7)
    np.testing.assert_allclose(
        parts.test.to_frame(parts.test.y)["Open"].to_numpy(), df["Open"].iloc[-16:].to_numpy()
    )
    assert "train:   1975 windows" in repr(parts)


def test_stock_file_as_stored_is_refused(shared_data):
    raw = pd.read_csv(shared_data / "NSE-TATAGLOBAL.csv", parse_dates=["Date"], index_col="Date")
    with pytest.raises(
        ShapeError, match=r"runs backwards in time \(newest first: 2018-09-28 \.\.\. 2010-07-21\)"
    ):
        lstmshape.split(raw, 60, test=16, features=["Open"], targets=["Open"])


def test_timestamps_as_part_starts():
    index = pd.date_range("2022-01-01", periods=100, freq="D")
    df = pd.DataFrame({"v": np.arange(100.0)}, index=index)
    parts = lstmshape.split(df, 10, val="2022-03-01", test="2022-03-21")
    assert parts.val.target_index[0] == pd.Timestamp("2022-03-01")
    assert parts.val.target_index[-1] == pd.Timestamp("2022-03-20")
    assert parts.test.target_index[0] == pd.Timestamp("2022-03-21")
    assert parts.test.target_index[-1] == index[-1]


def test_groups_are_split_each_by_time():
    df = pd.DataFrame(
        {"store": ["a"] * 50 + ["b"] * 40, "sales": np.r_[np.arange(50.0), 1000 + np.arange(40.0)]},
        index=np.r_[np.arange(50), np.arange(40)],
    )
    parts = lstmshape.split(df, 5, test=10, group_by="store", targets="sales", features="sales")
    assert sorted(set(parts.test.groups)) == ["a", "b"]
    assert len(parts.test) == 20
    assert len(parts.train) == (40 - 5) + (30 - 5)
    frame = parts.test.to_frame(parts.test.y)
    assert frame.index.names == ["store", None]
    assert frame.loc["b", "sales"].iloc[0] == 1030.0


ERRORS = [
    (
        {"test": 5, "per_timestep": True},
        ShapeError,
        r"The test part gets no windows with per_timestep=True, lookback=10 and shift=1: it has 5 rows, and needs at least 10 target row\(s\) per window, after 10 rows of input. Received: test=5",
    ),
    (
        {"val": 30, "test": 30},
        ShapeError,
        r"`val` and `test` ask for 30 \+ 30 = 60 of the 60 rows, leaving none for training",
    ),
    (
        {"test": 55},
        ShapeError,
        r"The train part gets no windows with lookback=10 and horizon=1: it has 5 rows, and needs at least 11 rows",
    ),
    (
        {"test": 1, "horizon": 3},
        ShapeError,
        r"The test part gets no windows with lookback=10 and horizon=3: it has 1 row, and needs at least 3 target row\(s\) per window.*Received: test=1",
    ),
    ({"test": 0}, ShapeError, r"`test` must be at least 1 row. Received: test=0"),
    ({"test": 1.5}, ShapeError, r"`test` as a fraction must be between 0 and 1"),
    (
        {"test": "2020-01-01"},
        TypeError,
        r"`test` is a timestamp, which needs data with a DatetimeIndex",
    ),
    ({"test": [3]}, TypeError, r"`test` must be a number of rows"),
    ({}, ShapeError, r"split\(\) needs `val`, `test` or both"),
    (
        {"test": 5, "scaler": object()},
        TypeError,
        r"`scaler` must have scikit-learn's fit, transform and inverse_transform.*lacks fit, transform, inverse_transform",
    ),
    ({"test": 5, "lookahead": 3}, TypeError, r"unexpected keyword argument .lookahead."),
    ({"test": 5, "lookback": 0}, ShapeError, r"`lookback` must be at least 1"),
]


@pytest.mark.parametrize(("kwargs", "error", "pattern"), ERRORS)
def test_errors(kwargs, error, pattern):
    kwargs = {"lookback": 10, **kwargs}
    lookback = kwargs.pop("lookback")
    with pytest.raises(error, match=pattern):
        lstmshape.split(np.arange(60.0), lookback, **kwargs)


def test_timestamp_errors():
    df = pd.DataFrame(
        {"v": np.arange(30.0)}, index=pd.date_range("2022-01-01", periods=30, freq="D")
    )
    with pytest.raises(
        ShapeError,
        match=r"`test` starts at 2023-01-01 00:00:00, outside the data, which runs from 2022-01-01 00:00:00 to 2022-01-30",
    ):
        lstmshape.split(df, 5, test="2023-01-01")
    with pytest.raises(ShapeError, match=r"`val` must start before `test`"):
        lstmshape.split(df, 5, val="2022-01-25", test="2022-01-20")
    with pytest.raises(ShapeError, match=r"not a timestamp pandas can read"):
        lstmshape.split(df, 5, test="next tuesday-ish")


def test_fitted_scaler_scales_new_windows_for_a_forecast_past_the_end():
    index = pd.date_range("2022-01-01", periods=120, freq="D")
    df = pd.DataFrame(
        {"price": np.linspace(10, 70, 120), "volume": np.arange(120.0) ** 1.2}, index=index
    )
    parts = lstmshape.split(df, 20, test=20, targets=["price"], scaler=MinMaxScaler())
    future = lstmshape.windows(
        df.iloc[-20:], 20, inputs_only=True, targets=["price"], fitted_scaler=parts.scaler
    )
    assert future.X.shape == (1, 20, 2)
    np.testing.assert_allclose(future.X[0], parts.test.data[-20:])  # scaled like the test inputs
    assert future.end_index[0] == index[-1]
    frame = future.to_frame(np.array([[future.X[0, -1, 0]]]))  # "tomorrow = today", scaled
    assert frame["price+1"].iloc[0] == pytest.approx(70.0)  # back in original units, 1 row on
    with pytest.raises(
        ShapeError,
        match=r"`fitted_scaler` was fitted on the columns 'price', 'volume', but these windows use 'price'; missing: 'volume'",
    ):
        lstmshape.windows(df, 20, features=["price"], targets=["price"], fitted_scaler=parts.scaler)
    with pytest.raises(TypeError, match=r"`fitted_scaler` must have scikit-learn's fit"):
        lstmshape.windows(df, 20, fitted_scaler="minmax")


@st.composite
def grouped_split_cases(draw):
    sizes = draw(st.lists(st.integers(30, 60), min_size=1, max_size=3))
    rows = [(f"s{g}", float(t)) for g, size in enumerate(sizes) for t in range(size)]
    frame = pd.DataFrame(rows, columns=["series", "t"])
    frame["value"] = frame["t"] + 1000 * frame["series"].str[1:].astype(int)
    return frame, sizes, draw(st.integers(1, 6)), draw(st.integers(5, 12))


@given(grouped_split_cases())
def test_grouped_split_splits_every_series_by_time(case):
    frame, sizes, lookback, test = case
    parts = lstmshape.split(
        frame, lookback, test=test, group_by="series", features="value", targets="value"
    )
    for name, w in parts.parts().items():
        # inputs and target of every window come from one series
        series_of = (w.X[:, :, 0] // 1000).astype(int)
        assert (series_of == series_of[:, :1]).all()
        assert ((w.y[:, 0] // 1000).astype(int) == series_of[:, 0]).all()
        time_of_target = w.y[:, 0] % 1000
        for g, size in enumerate(sizes):
            mine = time_of_target[series_of[:, 0] == g]
            if name == "test":
                assert (mine >= size - test).all()
            else:
                assert (mine < size - test).all()


def test_one_received_for_several_values():
    # The message said "Received: val=None, Received: test=0.99".
    with pytest.raises(ShapeError) as error:
        lstmshape.split(np.arange(20.0), 3, test=0.999)
    assert str(error.value).count("Received") == 1
    assert str(error.value).endswith("`test` asks for 20 of the 20 rows, leaving none for "
                                     "training. Received: test=0.999")  # fmt: skip
    with pytest.raises(ShapeError, match=r"Received: val=10, test=10$"):
        lstmshape.split(np.arange(20.0), 3, test=10, val=10)


def test_split_of_many_series_matches_each_series_alone():
    # _run_bounds matches each run with its own series' rows (it was quadratic).
    frames = [pd.DataFrame({"g": k, "v": np.arange(15.0 + k) + 100 * k}) for k in range(30)]
    data = pd.concat(frames, ignore_index=True)
    parts = lstmshape.split(data, 3, val=2, test=3, group_by="g")
    for k, frame in enumerate(frames):
        alone = lstmshape.split(frame[["v"]], 3, val=2, test=3)
        for name in ("train", "val", "test"):
            mine = getattr(parts, name)
            assert np.array_equal(mine.y[mine.groups == k], getattr(alone, name).y)
