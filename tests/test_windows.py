"""windows(): shapes, alignment and views, checked against plain loops and numpy."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

import lstmshape
from lstmshape import ShapeError

from .oracles import window_starts, windows_loop
from .strategies import column_choices, extent, series, series_and_framing


# -- properties ---------------------------------------------------------------------------
@given(series_and_framing())
def test_matches_the_plain_loop(case):
    data, framing = case
    w = lstmshape.windows(data, **framing)
    X, y = windows_loop(data, **framing)
    np.testing.assert_array_equal(w.X, X)
    np.testing.assert_array_equal(w.y, y)


@given(series_and_framing())
def test_sample_count_formula(case):
    data, framing = case
    n, lb, h, s, st_ = (
        len(data),
        framing["lookback"],
        framing["horizon"],
        framing["shift"],
        framing["stride"],
    )
    rate = framing.get("sampling_rate", 1)
    w = lstmshape.windows(data, **framing)
    if rate != 1:
        expected = (n - extent(framing)) // st_ + 1
    elif framing["per_timestep"]:
        expected = (n - lb - s) // st_ + 1
    else:
        expected = (n - lb - s - h + 1) // st_ + 1
    starts = window_starts(
        n,
        lb,
        horizon=h,
        shift=s,
        stride=st_,
        per_timestep=framing["per_timestep"],
        sampling_rate=rate,
    )
    assert len(w) == expected == len(starts)
    assert w.starts.tolist() == starts
    assert w.X.shape == (expected, *w.input_shape)
    assert w.y.shape == (expected, *w.target_shape)


@given(series_and_framing())
def test_shapes_follow_the_contract(case):
    data, framing = case
    w = lstmshape.windows(data, **framing)
    f = 1 if data.ndim == 1 else data.shape[1]
    assert w.input_shape == (framing["lookback"], f)
    if framing["per_timestep"]:
        assert w.target_shape == (framing["lookback"], f)
    elif framing["horizon"] == 1:
        assert w.target_shape == (f,)
    else:
        assert w.target_shape == (framing["horizon"], f)


@given(series(min_rows=1, max_rows=80), st.integers(1, 20), st.integers(1, 6))
def test_inputs_agree_with_sliding_window_view(data, lookback, stride):
    table = data if data.ndim == 2 else data[:, None]
    assume(lookback <= len(table))
    w = lstmshape.windows(data, lookback, stride=stride, inputs_only=True)
    # inputs_only windows are anchored at the end; the forward grid shifts by the remainder.
    offset = (len(table) - lookback) % stride
    expected = sliding_window_view(table[offset:], lookback, axis=0)[::stride]  # (s, f, lookback)
    np.testing.assert_array_equal(w.X, np.moveaxis(expected, -1, 1))
    assert w.y is None
    assert w.X[-1, -1].tolist() == table[-1].tolist()  # the last window ends on the last row


@given(series(min_rows=15, max_rows=40, ndim=2, max_features=5), st.data())
def test_column_selection_matches_loop(data, draw):
    features = draw.draw(column_choices(data.shape[1]))
    targets = draw.draw(column_choices(data.shape[1]))
    w = lstmshape.windows(data, 4, horizon=2, features=features, targets=targets)
    X, y = windows_loop(data, 4, horizon=2, features=features, targets=targets)
    np.testing.assert_array_equal(w.X, X)
    np.testing.assert_array_equal(w.y, y)
    assert w.feature_names == tuple(features)
    assert w.target_names == tuple(targets)


@given(series_and_framing())
def test_views_are_read_only_and_input_untouched(case):
    data, framing = case
    before = data.copy()
    w = lstmshape.windows(data, **framing)
    for array in (w.X, w.y):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
    np.testing.assert_array_equal(data, before)
    assert data.flags.writeable  # the caller's array keeps its flags


@given(series_and_framing())
def test_views_share_memory_with_the_input(case):
    data, framing = case
    w = lstmshape.windows(data, **framing)
    assert np.shares_memory(w.X, data)
    assert np.shares_memory(w.y, data)
    assert np.shares_memory(w.data, data)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (np.float64, np.float64),
        (np.float32, np.float32),
        (np.float16, np.float16),
        (np.int64, np.float32),
        (np.int8, np.float32),
        (np.uint16, np.float32),
        (bool, np.float32),
    ],
)
def test_dtype_rules(dtype, expected):
    w = lstmshape.windows(np.ones((20, 2), dtype=dtype), 5)
    assert w.X.dtype == expected
    assert w.y.dtype == expected


def test_mixed_frame_keeps_the_widest_float():
    df = pd.DataFrame({"a": np.arange(20, dtype=np.float32), "b": np.arange(20, dtype=np.int64)})
    assert lstmshape.windows(df, 3).dtype == np.float32
    df["c"] = np.arange(20, dtype=np.float64)
    assert lstmshape.windows(df, 3).dtype == np.float64


def test_lists_and_series_are_accepted():
    w = lstmshape.windows([1, 2, 3, 4, 5], 2)
    assert w.X.shape == (3, 2, 1)
    s = pd.Series(np.arange(10.0), name="temp")
    w = lstmshape.windows(s, 3)
    assert w.feature_names == w.target_names == ("temp",)
    assert w.target_index.tolist() == list(range(3, 10))


def test_zero_copy_for_a_ten_million_row_series():
    series = np.zeros((10_000_000, 1), dtype=np.float32)  # 40 MB
    tracemalloc.start()
    w = lstmshape.windows(series, 128)
    X, y = w.X, w.y
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert X.shape == (10_000_000 - 128, 128, 1)  # 5 GB if it were copied
    assert peak < 1_000_000
    assert np.shares_memory(X, series)
    assert np.shares_memory(y, series)


# -- pandas -------------------------------------------------------------------------------
def _frame(n=30, start="2024-01-01", freq="D"):
    index = pd.date_range(start, periods=n, freq=freq, name="Date")
    return pd.DataFrame(
        {
            "Open": np.arange(n, dtype=float),
            "Close": 100 + np.arange(n, dtype=float),
            "Name": ["x"] * n,
        },
        index=index,
    )


@given(st.integers(1, 8), st.integers(1, 3), st.integers(0, 3), st.integers(1, 3), st.booleans())
def test_target_index_aligns_with_y(lookback, horizon, shift, stride, per_timestep):
    df = _frame(40)
    horizon = 1 if per_timestep else horizon
    w = lstmshape.windows(
        df,
        lookback,
        horizon=horizon,
        shift=shift,
        stride=stride,
        per_timestep=per_timestep,
        features=["Open", "Close"],
        targets="Open",
    )
    first_targets = w.y[:, 0, 0] if w.y.ndim == 3 else w.y[:, 0]
    np.testing.assert_array_equal(df.loc[w.target_index, "Open"].to_numpy(), first_targets)
    np.testing.assert_array_equal(df.loc[w.end_index, "Open"].to_numpy(), w.X[:, -1, 0])


def test_dataframe_columns_by_name():
    df = _frame()
    w = lstmshape.windows(df, 5, features=["Close", "Open"], targets=["Open"])
    assert w.feature_names == ("Close", "Open")
    np.testing.assert_array_equal(w.X[0, :, 0], df["Close"].to_numpy()[:5])
    np.testing.assert_array_equal(w.X[0, :, 1], df["Open"].to_numpy()[:5])
    np.testing.assert_array_equal(w.y[:, 0], df["Open"].to_numpy()[5:])
    assert w.target_index[0] == df.index[5]


def test_dataframe_is_not_modified():
    df = _frame()
    before = df.copy()
    w = lstmshape.windows(df, 5, features=["Open", "Close"], targets=["Open"])
    with pytest.raises(ValueError, match="read-only"):
        w.X[0, 0, 0] = -1
    pd.testing.assert_frame_equal(df, before)


def test_repr_speaks_in_shapes():
    w = lstmshape.windows(_frame(100), 60, features=["Open"], targets=["Open"])
    text = repr(w)
    assert "(40, 60, 1) = 40 samples x 60 timesteps x 1 feature" in text
    assert "keras.Input(shape=(60, 1))" in text
    assert "right after the window" in text


def test_parameters_are_kept():
    w = lstmshape.windows(np.arange(50.0), 7, horizon=2, shift=3, stride=4)
    assert (w.lookback, w.horizon, w.shift, w.stride, w.per_timestep, w.inputs_only) == (
        7,
        2,
        3,
        4,
        False,
        False,
    )


# -- errors: one table, messages checked ----------------------------------------------------
ERRORS = [
    # (kwargs to windows(), data, error type, message pattern)
    (
        {"lookback": 0},
        np.arange(10.0),
        ShapeError,
        r"`lookback` must be at least 1. Received: lookback=0",
    ),
    ({"lookback": -3}, np.arange(10.0), ShapeError, r"lookback=-3"),
    (
        {"lookback": 2.5},
        np.arange(10.0),
        TypeError,
        r"`lookback` must be an integer. Received: lookback=2.5 \(of type float\)",
    ),
    ({"lookback": True}, np.arange(10.0), TypeError, r"`lookback` must be an integer"),
    (
        {"lookback": 3, "horizon": 0},
        np.arange(10.0),
        ShapeError,
        r"`horizon` must be at least 1. Received: horizon=0",
    ),
    (
        {"lookback": 3, "stride": 0},
        np.arange(10.0),
        ShapeError,
        r"`stride` must be at least 1. Received: stride=0",
    ),
    (
        {"lookback": 3, "shift": -1},
        np.arange(10.0),
        ShapeError,
        r"`shift` must be at least 0. Received: shift=-1",
    ),
    (
        {"lookback": 3, "per_timestep": 1},
        np.arange(10.0),
        TypeError,
        r"`per_timestep` must be True or False",
    ),
    (
        {"lookback": 3, "horizon": 2, "per_timestep": True},
        np.arange(10.0),
        ShapeError,
        r"`horizon` must be 1 with per_timestep=True.*Received: horizon=2",
    ),
    (
        {"lookback": 60},
        np.arange(40.0),
        ShapeError,
        r"Cannot make windows with lookback=60 and horizon=1 from a series of 40 rows: need at least 61 rows",
    ),
    (
        {"lookback": 5, "per_timestep": True, "shift": 2},
        np.arange(6.0),
        ShapeError,
        r"per_timestep=True, lookback=5 and shift=2 from a series of 6 rows: need at least 7 rows",
    ),
    ({"lookback": 3}, np.float64(3.0), ShapeError, r"not a scalar"),
    ({"lookback": 3}, np.ones((4, 5, 6)), ShapeError, r"already 3-D \(4, 5, 6\).*lstmshape.to_3d"),
    ({"lookback": 3}, np.ones((2, 3, 4, 5)), ShapeError, r"4 dimensions, shape \(2, 3, 4, 5\)"),
    ({"lookback": 3}, np.array([]), ShapeError, r"`data` is empty: it has 0 rows"),
    ({"lookback": 3}, np.ones((5, 0)), ShapeError, r"has no columns"),
    (
        {"lookback": 3},
        np.array([1.0, 2.0, np.nan, 4.0, 5.0]),
        ShapeError,
        r"NaN values in 1 row: row 2 in column 0",
    ),
    (
        {"lookback": 3},
        np.array([1.0, np.inf, 3.0, 4.0, 5.0]),
        ShapeError,
        r"infinite value at row 1, column 0",
    ),
    (
        {"lookback": 3, "features": [5]},
        np.ones((10, 2)),
        ShapeError,
        r"`features` has column position 5, but `data` has 2 columns \(positions 0 to 1\)",
    ),
    (
        {"lookback": 3, "targets": ["a"]},
        np.ones((10, 2)),
        TypeError,
        r"`targets` must hold integer column positions",
    ),
    (
        {"lookback": 3, "features": []},
        np.ones((10, 2)),
        ShapeError,
        r"`features` selects no columns",
    ),
    (
        {"lookback": 3, "features": [0, 0]},
        np.ones((10, 2)),
        ShapeError,
        r"`features` names a column more than once",
    ),
    ({"lookback": 3}, np.array([["a", "b"]] * 5), TypeError, r"non-numeric dtype <U1"),
    ({"lookback": 3}, np.ones(5, dtype=complex), TypeError, r"complex dtype"),
    (
        {"lookback": 3},
        "abc",
        TypeError,
        r"`data` must be an array.*Received: data='abc' \(of type str\)",
    ),
    ({"lookback": 3}, [[1, 2], [3]], TypeError, r"could not be read as a rectangular array"),
    (
        {"lookback": 3, "per_timestep": True, "inputs_only": True},
        np.arange(10.0),
        ShapeError,
        r"cannot both be True",
    ),
]


@pytest.mark.parametrize(("kwargs", "data", "error", "pattern"), ERRORS)
def test_errors(kwargs, data, error, pattern):
    kwargs = dict(kwargs)
    lookback = kwargs.pop("lookback")
    with pytest.raises(error, match=pattern):
        lstmshape.windows(data, lookback, **kwargs)


FRAME_ERRORS = [
    (
        lambda df: df.sort_index(ascending=False),
        {},
        r"runs backwards in time \(newest first: 2024-01-30 \.\.\. 2024-01-01\).*sort_index\(\)",
    ),
    (
        lambda df: pd.concat([df.iloc[:5], df.iloc[4:]]),
        {},
        r"1 duplicated timestamp \(2024-01-05\)",
    ),
    (
        lambda df: df.iloc[[0, 2, 1, 3, 4, 5, 6]],
        {},
        r"not in time order: row 2 \(2024-01-02\) comes before row 1 \(2024-01-03\)",
    ),
    (
        lambda df: df,
        {"features": ["Volume"]},
        r"`features` names a column that `data` does not have: 'Volume'. Available columns: 'Open', 'Close', 'Name'",
    ),
    (lambda df: df, {"features": None}, r"Column 'Name' of `data` has non-numeric dtype str"),
    (
        lambda df: df.assign(Open=df["Open"].where(df.index != "2024-01-04")),
        {"targets": "Close"},
        r"NaN values in 1 row: row 3 \(index 2024-01-04\) in column 'Open'.*dropna=True",
    ),
]


@pytest.mark.parametrize(("change", "kwargs", "pattern"), FRAME_ERRORS)
def test_frame_errors(change, kwargs, pattern):
    df = change(_frame())
    before = df.copy()
    kwargs = {"features": ["Open", "Close"], "targets": ["Open"], **kwargs}
    with pytest.raises((ShapeError, TypeError), match=pattern):
        lstmshape.windows(df, 3, **kwargs)
    pd.testing.assert_frame_equal(df, before)


def test_shape_error_is_a_value_error():
    assert issubclass(ShapeError, ValueError)


# -- input defects of issue 19: nothing read silently wrong ------------------------------


def test_a_target_is_refused_as_a_future_covariate():
    # It fed the answer: X["future"][0] == y[0].
    d = pd.DataFrame({"v": np.arange(20.0), "w": np.arange(20.0) * 2})
    with pytest.raises(ShapeError, match=r"'v' are both `targets` and `future`.*future=\['v'\]"):
        lstmshape.windows(d, 3, future=["v"], targets=["v"], horizon=2)
    for call in (lstmshape.split, lstmshape.folds):
        extra = {"test": 4} if call is lstmshape.split else {"test": 4, "n_folds": 2}
        with pytest.raises(ShapeError, match="both `targets` and `future`"):
            call(d, 3, future=["v"], targets=["v", "w"], **extra)  # type: ignore[operator]
    w = lstmshape.windows(d, 3, future=["w"], targets=["v"], horizon=2)  # another column: fine
    assert w.X["future"].shape == (16, 2, 1)


def _text_dated(newest_first: bool) -> pd.DataFrame:
    """What `pd.read_csv(path, index_col="Date")` gives without parse_dates."""
    days = [f"2020-01-{day:02d}" for day in range(1, 31)]
    frame = pd.DataFrame({"v": np.arange(30.0)}, index=pd.Index(days, name="Date"))
    return frame.iloc[::-1] if newest_first else frame


def test_a_text_date_index_newest_first_is_refused_like_a_datetime_index():
    with pytest.raises(ShapeError, match=r"runs backwards in time.*parse_dates=True"):
        lstmshape.windows(_text_dated(newest_first=True), 3)
    with pytest.raises(ShapeError, match="runs backwards in time"):
        lstmshape.split(_text_dated(newest_first=True), 3, test=5)
    grouped = _text_dated(newest_first=True).assign(g="a")
    with pytest.raises(ShapeError, match="runs backwards in time"):
        lstmshape.windows(grouped, 3, group_by="g")
    shuffled = _text_dated(newest_first=False).iloc[[0, 2, 1, *range(3, 30)]]
    with pytest.raises(ShapeError, match="not in time order"):
        lstmshape.windows(shuffled, 3)
    w = lstmshape.windows(_text_dated(newest_first=False), 3)  # oldest first: as before
    assert w.X.shape == (27, 3, 1) and w.target_index[0] == "2020-01-04"
    labels = pd.DataFrame({"v": np.arange(5.0)}, index=list("abcde"))  # not dates: unchecked
    assert len(lstmshape.windows(labels[::-1], 2)) == 3


@pytest.mark.parametrize("dropna", [False, True])
def test_nan_in_a_static_column_gets_one_message_with_or_without_dropna(dropna):
    data = pd.DataFrame(
        {"g": ["a"] * 10 + ["b"] * 10, "v": np.arange(20.0), "s": [1.0] * 5 + [np.nan] + [1.0] * 14}
    )
    with pytest.raises(ShapeError) as error:
        lstmshape.windows(data, 3, group_by="g", static=["s"], dropna=dropna)
    message = str(error.value)
    assert message.startswith("Column 's' (`static`) of `data` has 1 missing value, the first")
    assert "`dropna` does not apply to it" in message and "varies" not in message


def test_a_datetime_group_by_column_is_a_group_key():
    # It was refused as "a date column".
    days = pd.to_datetime(["2020-01-01"] * 10 + ["2020-01-02"] * 12)
    data = pd.DataFrame({"day": days, "v": np.arange(22.0)})
    w = lstmshape.windows(data, 3, group_by="day")
    assert len(w) == 7 + 9 and list(pd.unique(w.groups)) == [days[0], days[-1]]
    dated = pd.DataFrame({"when": days, "v": np.arange(22.0)})  # not the group key: refused
    with pytest.raises(ShapeError, match="Column 'when' of `data` holds dates"):
        lstmshape.windows(dated.assign(g=1), 3, group_by="g")
