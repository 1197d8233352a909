"""Issue 9: no silent wrong answer, no read past a buffer, no surprise allocation.

One test (or more) per defect found when lstmshape was tried with hostile inputs; each
would fail if the defect came back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lstmshape
from lstmshape import ShapeError

sklearn = pytest.importorskip("sklearn.preprocessing")


def newest_first_frame(rows: int = 80) -> pd.DataFrame:
    """Like ``pd.read_csv("NSE-TATAGLOBAL.csv")``: a text Date column, newest first."""
    dates = pd.date_range("2020-01-01", periods=rows, freq="D")[::-1]
    return pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Open": np.arange(rows, 0, -1.0)})


# -- 1. a date column is never ignored ---------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda df: lstmshape.windows(df, 10, features=["Open"], targets=["Open"]),
        lambda df: lstmshape.split(df, 10, test=5, features=["Open"], targets=["Open"]),
        lambda df: lstmshape.windows(df.assign(g="a"), 10, targets=["Open"], group_by="g"),
    ],
)
def test_a_date_column_beside_a_range_index_is_refused_with_the_fix(call):
    with pytest.raises(
        ShapeError,
        match=r"Column 'Date' of `data` holds dates, but the rows are indexed by RangeIndex.*"
        r"newest first.*set_index\(pd.to_datetime\(data\['Date'\]\)\).sort_index\(\)",
    ):
        call(newest_first_frame())


def test_datetime_typed_columns_count_too_and_explain_says_so():
    df = newest_first_frame()
    df["Date"] = pd.to_datetime(df["Date"])
    with pytest.raises(ShapeError, match=r"Column 'Date' .* holds dates"):
        lstmshape.windows(df, 10, features=["Open"], targets=["Open"])
    text = lstmshape.explain(df)
    assert "Before making windows: Column 'Date'" in text
    assert "lstmshape.windows(data" not in text  # no suggestion that would raise


def test_the_fix_the_message_gives_works_and_reads_time_forwards():
    df = newest_first_frame()
    data = df.set_index(pd.to_datetime(df["Date"])).sort_index()
    w = lstmshape.windows(data, 10, features=["Open"], targets=["Open"])
    assert w.index.is_monotonic_increasing
    assert w.X[0, 0, 0] == 1.0 and w.y[0, 0] == 11.0  # oldest first
    parts = lstmshape.split(data, 10, test=5, features=["Open"], targets=["Open"])
    assert parts.test.target_index[0] == data.index[-5]  # the NEWEST 5 days are the test


def test_text_columns_that_are_not_dates_are_not_mistaken_for_dates():
    df = pd.DataFrame({"ticker": ["TATA"] * 30, "code": ["A-1"] * 30, "x": np.arange(30.0)})
    assert len(lstmshape.windows(df, 5, features=["x"], targets=["x"])) == 25


# -- 2. what a scaler returns is checked like data -----------------------------------------
class DropsRows:
    def fit(self, X):  # noqa: N803 - scikit-learn names it X
        return self

    def transform(self, X):  # noqa: N803
        return np.asarray(X)[:-2]

    def inverse_transform(self, X):  # noqa: N803
        return X


def test_a_scaler_that_drops_rows_is_refused_instead_of_reading_past_its_output():
    with pytest.raises(
        ShapeError,
        match=r"`fitted_scaler.transform` returned an array of shape \(8, 1\) for input of "
        r"shape \(10, 1\): a scaler must keep every row and column",
    ):
        lstmshape.windows(np.arange(10.0), 3, fitted_scaler=DropsRows())
    with pytest.raises(ShapeError, match=r"`scaler.transform` returned an array of shape"):
        lstmshape.split(np.arange(10.0), 3, test=2, scaler=DropsRows())


def test_a_scaler_that_makes_infinite_values_is_named():
    data = np.arange(10.0)[:, None]
    log = sklearn.FunctionTransformer(np.log).fit(data)
    with (
        np.errstate(divide="ignore"),
        pytest.raises(
            ShapeError,
            match=r"`fitted_scaler.transform` returned -inf at row 0, column 0 \(from the value "
            r"0.0\).*a log of zero",
        ),
    ):
        lstmshape.windows(data, 3, fitted_scaler=log)


def test_a_dataframe_fitted_scaler_matches_columns_by_name_without_warnings():
    index = pd.date_range("2020-01-01", periods=30, freq="D")
    frame = pd.DataFrame({"small": np.arange(30.0), "big": np.arange(30.0) * 1000}, index=index)
    scaler = sklearn.MinMaxScaler().fit(frame)
    reordered = lstmshape.windows(frame[["big", "small"]], 5, fitted_scaler=scaler)
    straight = lstmshape.windows(frame, 5, fitted_scaler=scaler)
    big = list(reordered.feature_names).index("big")
    np.testing.assert_allclose(reordered.X[..., big], straight.X[..., 1])
    np.testing.assert_allclose(reordered.data.max(axis=0), [1.0, 1.0])
    out = reordered.to_frame(reordered.y)  # inverse by name, too: original units
    np.testing.assert_allclose(out["big"].to_numpy(), frame["big"].to_numpy()[5:])


def test_split_fits_its_scaler_by_name_and_reuses_it_by_name():
    index = pd.date_range("2020-01-01", periods=40, freq="D")
    frame = pd.DataFrame({"a": np.arange(40.0), "b": np.arange(40.0) * 3}, index=index)
    parts = lstmshape.split(frame, 5, test=10, scaler=sklearn.StandardScaler())
    assert list(parts.scaler.feature_names_in_) == ["a", "b"]
    again = lstmshape.windows(frame[["b", "a"]], 5, fitted_scaler=parts.scaler)
    np.testing.assert_allclose(np.sort(again.data, axis=1), np.sort(parts.train.data, axis=1))


# -- 3. masked arrays ----------------------------------------------------------------------
def test_masked_entries_are_missing_values_never_data():
    hidden = np.ma.masked_array(np.arange(10.0), mask=[0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    hidden.data[5] = 1e9  # what the mask hides must never reach a window
    with pytest.raises(ShapeError, match=r"NaN values in 1 row: row 5"):
        lstmshape.windows(hidden, 3)
    w = lstmshape.windows(hidden, 2, dropna=True)
    assert not (w.X == 1e9).any() and not (w.y == 1e9).any()
    assert w.starts.tolist() == [0, 1, 2, 6, 7]
    ints = np.ma.masked_array(np.arange(6), mask=[0, 0, 1, 0, 0, 0])
    assert lstmshape.windows(ints, 1, dropna=True).dtype == np.float32
    assert lstmshape.windows(np.ma.masked_array(np.arange(5.0)), 2).X.shape == (3, 2, 1)


# -- 4. integers float32 cannot hold -------------------------------------------------------
def test_integers_beyond_float32_become_float64_and_stay_exact():
    values = np.array([16777217, 1, 2, 3, 4], dtype=np.int64)
    w = lstmshape.windows(values, 2)
    assert w.dtype == np.float64 and w.X[0, 0, 0] == 16777217
    assert lstmshape.to_3d(values)[0, 0, 0] == 16777217
    frame = pd.DataFrame({"a": values, "b": np.zeros(5, dtype=np.int8)})
    assert lstmshape.windows(frame, 2).X[0, 0, 0] == 16777217
    assert lstmshape.windows(np.arange(5), 2).dtype == np.float32  # small ints stay float32


def test_integers_beyond_float64_are_refused():
    with pytest.raises(
        ShapeError, match=r"holds the integer 1152921504606846976, larger than 2\*\*53"
    ):
        lstmshape.windows(np.array([2**60, 1, 2]), 1)


# -- 5. duplicate column names -------------------------------------------------------------
def test_ambiguous_column_names_are_an_error():
    frame = pd.DataFrame(np.arange(20.0).reshape(10, 2), columns=["a", "a"])
    with pytest.raises(ShapeError, match=r"`targets` names column 'a', but `data` has 2 columns"):
        lstmshape.windows(frame, 3, targets="a")
    with pytest.raises(ShapeError, match=r"several columns named 'a'"):
        lstmshape.windows(frame, 3)


# -- 7. read-only means read-only ----------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda a: lstmshape.to_3d(a),
        lambda a: lstmshape.to_3d(a, lookback=5),
        lambda a: lstmshape.to_3d(a.reshape(2, 5), univariate=True),
        lambda a: lstmshape.windows(a, 3).X,
        lambda a: lstmshape.windows(a, 3).y,
        lambda a: lstmshape.windows(a, 3).data,
    ],
)
def test_results_cannot_be_made_writable(make):
    caller = np.arange(10.0)
    result = make(caller)
    with pytest.raises(ValueError, match="WRITEABLE"):
        result.flags.writeable = True
    np.testing.assert_array_equal(caller, np.arange(10.0))


# -- 8. loaders never ignore or empty silently ---------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"seed": 1}, ShapeError, r"`seed` only seeds the shuffle, and shuffle=False"),
        (
            {"batch_size": 100, "drop_remainder": True},
            ShapeError,
            r"drop_remainder=True with batch_size=100 would drop every window: there are only 7",
        ),
        ({"num_shards": 8}, ShapeError, r"`num_shards=8` is more than the 7 windows"),
        ({"dtype": "int32"}, ShapeError, r"casting windows to int32 would truncate"),
        ({"dtype": "nonsense"}, TypeError, r"`dtype` must be a numpy floating dtype"),
    ],
)
def test_batches_refuse_what_they_would_ignore_or_empty(kwargs, error, pattern):
    w = lstmshape.windows(np.arange(10.0), 3)
    with pytest.raises(error, match=pattern):
        w.batches(**kwargs)


# -- 9. options are validated identically wherever they are accepted -----------------------
@pytest.mark.parametrize(
    ("option", "value"),
    [("dropna", "yes"), ("per_timestep", 1), ("horizon", 1.0), ("stride", "2")],
)
def test_split_validates_options_exactly_like_windows(option, value):
    with pytest.raises(TypeError) as from_windows:
        lstmshape.windows(np.arange(50.0), 5, **{option: value})
    with pytest.raises(TypeError) as from_split:
        lstmshape.split(np.arange(50.0), 5, test=10, **{option: value})
    assert str(from_windows.value) == str(from_split.value)


# -- 10. no surprise allocation -------------------------------------------------------------
def test_a_gathered_copy_beyond_the_bound_is_refused_with_its_size(monkeypatch):
    series = np.arange(10_000.0)
    series[5_000] = np.nan
    w = lstmshape.windows(series, 256, dropna=True)
    monkeypatch.setenv("LSTMSHAPE_MAX_COPY_BYTES", str(1_000_000))
    with pytest.raises(
        ShapeError, match=r"needs a copy of shape \(9487, 256, 1\), 18.5 MiB, more than the 1.0 MiB"
    ):
        _ = w.X
    first = next(iter(w.batches(32)))[0]  # the lazy path still works, batch by batch
    np.testing.assert_array_equal(first[:, :, 0], series[np.arange(32)[:, None] + np.arange(256)])


def test_gathering_several_runs_allocates_only_the_result():
    import tracemalloc

    series = np.arange(200_000.0)
    series[100_000] = np.nan
    w = lstmshape.windows(series, 8, dropna=True)
    tracemalloc.start()
    X = w.X
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1.2 * X.nbytes  # no full-size int64 index array beside the copy


# -- misleading messages --------------------------------------------------------------------
def test_messages_that_used_to_mislead():
    with pytest.raises(
        ShapeError, match=r"Cannot cut 5 rows into blocks of lookback=10: one block"
    ):
        lstmshape.to_3d(np.arange(5.0), lookback=10)
    assert "No rows" in lstmshape.explain(np.zeros(0))
    assert "need at least 2 rows" in lstmshape.explain(np.zeros(1))
    with pytest.raises(TypeError, match=r"`data` is a generator or iterator"):
        lstmshape.windows((i for i in range(10)), 3)
    with pytest.raises(ShapeError, match=r"1 row of 100 values.*`data.T` or `data.ravel\(\)`"):
        lstmshape.windows(np.ones((1, 100)), 10)
    mixed = pd.DataFrame(
        {"a": [1.0, 2.0], "b": [True, False], "c": pd.array([1, 2], dtype="Int64")}
    )
    assert lstmshape.to_3d(mixed).shape == (1, 2, 3)
    with pytest.raises(ShapeError, match=r"Did you mean 'Open'\?"):
        lstmshape.windows(pd.DataFrame({"Open": np.arange(9.0)}), 3, targets=["open"])
    with pytest.raises(ShapeError, match=r"The largest lookback that fits is 15"):
        lstmshape.windows(np.arange(16.0), 60)


def test_a_batch_size_beyond_the_windows_sizes_nothing_by_it():
    """batch_size=2**31-1 on 90 windows is one batch of 90: nothing is sized 2**31 (16 GB)."""
    pytest.importorskip("tensorflow")
    w = lstmshape.windows(np.arange(100.0), 10)
    dataset = w.to_dataset(batch_size=2**31 - 1, shuffle=True, seed=1)
    assert [tuple(x.shape) for x, _ in dataset] == [(90, 10, 1)]
    assert [len(x) for x, _ in w.batches(2**31 - 1, shuffle=True, seed=1)] == [90]
