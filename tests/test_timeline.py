"""Groups, gaps and missing values: windows never cross a group, a gap or a NaN row."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .oracles import runs_loop, windows_loop


@st.composite
def grouped_frames(draw):
    sizes = draw(st.lists(st.integers(1, 25), min_size=1, max_size=4))
    names = draw(st.permutations(["north", "south", "east", "west"][: len(sizes)]))
    rows = []
    for name, size in zip(names, sizes, strict=True):
        rows += [(name, float(i)) for i in range(size)]
    order = draw(st.permutations(range(len(rows))))  # groups interleaved in the file
    frame = pd.DataFrame(rows, columns=["site", "t"]).iloc[
        sorted(order, key=lambda r: (rows[r][1], r))
    ]
    frame = frame.assign(
        value=frame["t"] * 10 + frame["site"].map({"north": 1, "south": 2, "east": 3, "west": 4})
    )
    return frame.reset_index(drop=True)


@given(grouped_frames(), st.integers(1, 6), st.integers(1, 3), st.integers(0, 2))
def test_grouped_windows_match_a_loop_over_groups(frame, lookback, stride, shift):
    expected_x, expected_y, expected_groups = [], [], []
    for name in sorted(frame["site"].unique()):
        rows = frame.loc[frame["site"] == name, ["value"]].to_numpy()
        if len(rows) >= lookback + shift:
            x, y = windows_loop(rows, lookback, shift=shift, stride=stride)
            expected_x.append(x)
            expected_y.append(y)
            expected_groups += [name] * len(x)

    def make():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # short groups are reported in a warning, tested below
            return lstmshape.windows(
                frame,
                lookback,
                shift=shift,
                stride=stride,
                group_by="site",
                features="value",
                targets="value",
            )

    if not expected_x:
        with pytest.raises(
            ShapeError,
            match=r"the longest group of `site` has \d+ rows?, and one window needs at least",
        ):
            make()
        return
    w = make()
    np.testing.assert_array_equal(w.X, np.concatenate(expected_x))
    np.testing.assert_array_equal(w.y, np.concatenate(expected_y))
    assert w.groups.tolist() == expected_groups


def test_short_groups_are_skipped_with_a_warning():
    frame = pd.DataFrame({"g": ["a"] * 10 + ["b"] * 3 + ["c"] * 2, "v": np.arange(15.0)})
    with pytest.warns(
        UserWarning,
        match=r"Skipped 2 groups of `g` too short for one window of 5 rows .*: 'b', 'c'",
    ):
        w = lstmshape.windows(frame, 4, group_by="g", features="v", targets="v")
    assert set(w.groups) == {"a"}


@st.composite
def gapped_series(draw):
    n = draw(st.integers(5, 60))
    keep = draw(st.lists(st.booleans(), min_size=n, max_size=n).filter(lambda k: sum(k) > 0))
    days = pd.date_range("2024-01-01", periods=n, freq="D")[np.array(keep)]
    values = np.arange(len(days), dtype=np.float64)
    return pd.DataFrame({"v": values}, index=days)


@given(gapped_series(), st.integers(1, 5), st.integers(1, 2))
def test_windows_never_span_a_missing_day(frame, lookback, horizon):
    runs = runs_loop([0] * len(frame), frame.index, pd.Timedelta("1D"))
    expected = []
    for begin, end in runs:
        if end - begin >= lookback + horizon:
            expected.append(windows_loop(frame.to_numpy()[begin:end], lookback, horizon=horizon)[0])
    if not expected:
        with pytest.raises(ShapeError, match=r"longest contiguous run|from a series of"):
            lstmshape.windows(frame, lookback, horizon=horizon, freq="D")
        return
    w = lstmshape.windows(frame, lookback, horizon=horizon, freq="D")
    np.testing.assert_array_equal(w.X, np.concatenate(expected))
    # every window covers consecutive days
    days = np.asarray(w.index)[w.starts[:, None] + np.arange(lookback + horizon)]
    assert (np.diff(days, axis=1) == np.timedelta64(1, "D")).all()


@given(st.lists(st.booleans(), min_size=5, max_size=50), st.integers(1, 4))
def test_dropna_treats_nan_rows_as_gaps(missing, lookback):
    values = np.arange(len(missing), dtype=np.float64)
    values[np.array(missing)] = np.nan
    runs = runs_loop([0] * len(values), missing=missing)
    expected = [windows_loop(values[b:e], lookback)[0] for b, e in runs if e - b >= lookback + 1]
    if not expected:
        with pytest.raises(ShapeError):
            lstmshape.windows(values, lookback, dropna=True)
        return
    w = lstmshape.windows(values, lookback, dropna=True)
    np.testing.assert_array_equal(w.X, np.concatenate(expected))
    assert not np.isnan(w.X).any()
    assert not np.isnan(w.y).any()


def test_business_days_are_not_gaps():
    index = pd.bdate_range("2024-01-01", periods=30)
    frame = pd.DataFrame({"v": np.arange(30.0)}, index=index)
    assert len(lstmshape.windows(frame, 3, freq="B")) == 27
    assert len(lstmshape.windows(frame, 3, freq="D")) == 6 * 2  # weekends are gaps in days


def test_index_freq_is_used_without_freq():
    frame = pd.DataFrame(
        {"v": np.arange(30.0)}, index=pd.date_range("2024-01-01", periods=30, freq="h")
    )
    assert len(lstmshape.windows(frame, 5)) == 25


ERRORS = [
    (
        {"group_by": "shop"},
        ShapeError,
        r"`group_by` names a column that `data` does not have: 'shop'. Available columns: 'g', 'v'",
    ),
    (
        {"freq": "fortnightly-ish"},
        ShapeError,
        r"`freq` is not a frequency pandas understands.*Received: freq='fortnightly-ish'",
    ),
    ({"group_by": "g", "features": "g"}, TypeError, r"Column 'g' of `data` has non-numeric dtype"),
]


@pytest.mark.parametrize(("kwargs", "error", "pattern"), ERRORS)
def test_errors(kwargs, error, pattern):
    frame = pd.DataFrame(
        {"g": ["a"] * 10, "v": np.arange(10.0)}, index=pd.date_range("2024-01-01", periods=10)
    )
    with pytest.raises(error, match=pattern):
        lstmshape.windows(frame, 3, **{"targets": "v", "features": "v", **kwargs})


def test_more_errors():
    with pytest.raises(
        TypeError, match=r"`group_by` names a column, so `data` must be a pandas DataFrame"
    ):
        lstmshape.windows(np.arange(10.0), 3, group_by="g")
    with pytest.raises(
        TypeError,
        match=r"`freq` finds gaps between timestamps, so `data` needs a DatetimeIndex; it has no index",
    ):
        lstmshape.windows(np.arange(10.0), 3, freq="D")
    frame = pd.DataFrame({"g": ["a", None, "a", "a"], "v": np.arange(4.0)})
    with pytest.raises(ShapeError, match=r"missing group label at row 1"):
        lstmshape.windows(frame, 2, group_by="g")
    stamps = pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01", "2024-01-02"])
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "v": np.arange(4.0)}, index=stamps)
    with pytest.raises(ShapeError, match=r"The index of `data \(group 'a'\)` runs backwards"):
        lstmshape.windows(frame, 1, group_by="g")
