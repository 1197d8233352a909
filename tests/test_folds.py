"""folds(): rolling-origin splits against a loop oracle; per-series scaling; errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

MinMaxScaler = pytest.importorskip("sklearn.preprocessing").MinMaxScaler


def target_rows(w):
    """Every target row of every sample of a part."""
    return set((w.starts[:, None] + w.framing.target_offsets[None, :]).ravel().tolist())


def oracle_cuts(rows, n_folds, test, val, gap, expanding):
    """Loop oracle: the target rows of train, val and test of every fold of one series."""
    folds = []
    first_train = rows - n_folds * test - val - gap * (2 if val else 1)
    for k in range(n_folds):
        test_lo = rows - (n_folds - k) * test
        val_hi = test_lo - gap
        val_lo = val_hi - val
        train_hi = val_lo - gap if val else val_hi
        train_lo = 0 if expanding else train_hi - first_train
        folds.append(
            {
                "train": set(range(train_lo, train_hi)),
                "val": set(range(val_lo, val_hi)) if val else set(),
                "test": set(range(test_lo, test_lo + test)),
            }
        )
    return folds


@st.composite
def fold_cases(draw):
    lookback = draw(st.integers(1, 6))
    horizon = draw(st.integers(1, 3))
    n_folds = draw(st.integers(1, 4))
    test = draw(st.integers(3, 10))
    val = draw(st.sampled_from([0, 0, 3, 5]))
    gap = draw(st.integers(0, 3))
    extra = draw(st.integers(lookback + horizon + 1, 40))
    rows = n_folds * test + val + gap * 2 + extra
    return {
        "rows": rows,
        "lookback": lookback,
        "horizon": horizon,
        "n_folds": n_folds,
        "test": test,
        "val": val,
        "gap": gap,
        "expanding": draw(st.booleans()),
        "stride": draw(st.integers(1, 2)),
    }


@given(fold_cases())
@settings(max_examples=40, deadline=None)
def test_folds_match_the_loop_oracle_and_tile_the_evaluation_range(case):
    rows = case.pop("rows")
    horizon, test = case["horizon"], case["test"]
    assume(test >= horizon + case["stride"] - 1)
    assume(case["val"] == 0 or case["val"] >= horizon + case["stride"] - 1)
    data = np.arange(rows, dtype=np.float64) + 1
    cv = lstmshape.folds(data, scaler=MinMaxScaler(), **case)
    oracle = oracle_cuts(rows, case["n_folds"], test, case["val"], case["gap"], case["expanding"])
    assert len(cv) == case["n_folds"]
    previous_end = rows - case["n_folds"] * test
    for fold, expected in zip(cv, oracle, strict=True):
        seen: set[int] = set()
        for name, w in fold.parts().items():
            rows_here = target_rows(w)
            assert rows_here <= expected[name], name  # targets only from its own rows
            assert not rows_here & seen  # no target row in two parts of a fold
            seen |= rows_here
        test_rows = sorted(expected["test"])
        assert test_rows[0] == previous_end  # tiles the evaluation range in time order
        previous_end = test_rows[-1] + 1
        if case["stride"] == 1:  # then every test row is some window's target
            assert target_rows(fold.test) == expected["test"]
        # the scaler's statistics are those of this fold's training rows
        train = sorted(expected["train"])
        assert fold.scaler.data_min_[0] == data[train].min()
        assert fold.scaler.data_max_[0] == data[train].max()
    assert previous_end == rows


@given(st.integers(1, 3), st.integers(4, 8), st.sampled_from([None, "diff", "log"]))
@settings(max_examples=20, deadline=None)
def test_grouped_folds_cut_at_the_same_timestamps_in_every_series(n_folds, test, transform):
    a = pd.DataFrame(
        {"g": "a", "v": np.arange(60.0) + 1}, index=pd.date_range("2020-01-01", periods=60)
    )
    b = pd.DataFrame(
        {"g": "b", "v": np.arange(45.0) + 100}, index=pd.date_range("2020-01-16", periods=45)
    )
    data = pd.concat([a, b])
    cv = lstmshape.folds(
        data, 3, n_folds=n_folds, test=test, group_by="g", transform=transform,
        scaler=MinMaxScaler(), per_series=True,
    )  # fmt: skip
    stamps = pd.date_range("2020-01-01", periods=60)
    for k, fold in enumerate(cv):
        first = stamps[60 - (n_folds - k) * test]
        last = stamps[60 - (n_folds - k - 1) * test - 1]
        for group in ("a", "b"):
            frame = fold.test.to_frame(fold.test.y).xs(group)
            assert frame.index.min() == first and frame.index.max() == last
            train = fold.train.to_frame(fold.train.y).xs(group)
            assert train.index.max() < first
            # the per-series scaler saw this series' training rows only
            rows = data[(data.g == group) & (data.index < first)]["v"]
            changes = rows if transform is None else (
                rows.diff().dropna() if transform == "diff" else np.log(rows)
            )  # fmt: skip
            assert fold.scaler[group].data_min_[0] == pytest.approx(changes.min())
            assert fold.scaler[group].data_max_[0] == pytest.approx(changes.max())
            # and to_frame undoes scaler and transform: the levels come back
            assert np.allclose(frame["v"], data[data.g == group]["v"].loc[frame.index])


def test_folds_table_and_repr():
    cv = lstmshape.folds(np.arange(100.0), 10, n_folds=2, test=20, val=5, gap=1)
    text = repr(cv)
    assert text == cv.describe()
    assert "fold  train targets (windows)  val targets (windows)  test targets (windows)" in text
    assert "0     10 .. 52 (43)" in text and "60 .. 79 (20)" in text and "80 .. 99 (20)" in text
    periods = cv.periods()
    assert periods["test_first"].tolist() == [60, 80]
    assert periods["val_last"].tolist() == [58, 78]  # a gap of 1 before each test part
    assert cv[1].test is cv[-1].test and [len(f.test) for f in cv[:2]] == [20, 20]


def test_folds_table_of_a_panel_without_dates_says_rows_count_per_series():
    cv = lstmshape.folds([np.arange(50.0), np.arange(70.0)], 10, n_folds=2, test=10)
    assert repr(cv).splitlines()[0].endswith("; 2 series, rows counted from each series' first row")
    dated = pd.DataFrame(
        {"v": np.arange(80.0), "g": ["a"] * 40 + ["b"] * 40},
        index=pd.date_range("2024-01-01", periods=40).append(
            pd.date_range("2024-01-01", periods=40)
        ),
    )
    assert "rows counted" not in repr(lstmshape.folds(dated, 5, n_folds=2, test=5, group_by="g"))


def test_sliding_training_keeps_its_length():
    cv = lstmshape.folds(np.arange(120.0), 5, n_folds=3, test=10, expanding=False)
    periods = cv.periods()
    lengths = (periods["train_last"] - periods["train_first"]).tolist()
    assert lengths[1] == lengths[2]
    assert periods["train_first"].tolist() == [5, 10, 20]


def test_too_many_folds_names_the_largest_that_fits():
    with pytest.raises(ShapeError) as error:
        lstmshape.folds(np.arange(200.0), 20, n_folds=8, test=30)
    message = str(error.value)
    assert "8 * 30 = 240" in message and "The largest n_folds that fits is 5." in message
    assert "Received: n_folds=8" in message


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"n_folds": 0, "test": 5}, ShapeError, "`n_folds` must be at least 1"),
        ({"n_folds": 2, "test": 2.5}, ShapeError, "`test` as a fraction must be between 0"),
        ({"n_folds": 2, "test": [5]}, TypeError, "`test` must be a number of rows"),
        ({"n_folds": 2, "test": "2020-01-01"}, TypeError, "needs data with a DatetimeIndex"),
        ({"n_folds": 2, "test": 5, "gap": -1}, ShapeError, "`gap` must be at least 0"),
        ({"n_folds": 2, "test": 5, "expanding": "no"}, TypeError, "`expanding`"),
        ({"n_folds": 2, "test": 5, "per_series": True}, ShapeError, "group_by"),
        ({"n_folds": 2, "test": 5, "transform": "log"}, ShapeError, "positive"),
        ({"n_folds": 40, "test": 5}, ShapeError, "The largest n_folds that fits is 7"),
        ({"n_folds": 1, "test": 45}, ShapeError, "Even n_folds=1 does not fit"),
    ],
)
def test_errors(options, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        lstmshape.folds(np.arange(50.0) - 1, 10, **options)


def test_split_per_series_round_trips_and_needs_groups():
    data = pd.DataFrame(
        {"g": ["a"] * 40 + ["b"] * 40, "v": np.r_[np.arange(40.0), np.arange(40.0) * 10]}
    )
    parts = lstmshape.split(data, 4, test=8, group_by="g", scaler=MinMaxScaler(), per_series=True)
    assert set(parts.scaler) == {"a", "b"}
    assert parts.scaler["b"].data_max_[0] == 310.0 and parts.scaler["a"].data_max_[0] == 31.0
    assert parts.train.y.max() == pytest.approx(1.0)
    frame = parts.test.to_frame(parts.test.y)
    assert np.allclose(frame.xs("b")["v"], np.arange(32.0, 40.0) * 10)
    again = lstmshape.windows(data, 4, group_by="g", fitted_scaler=parts.scaler)
    assert np.allclose(again.to_frame(again.y).xs("a")["v"], np.arange(4.0, 40.0))
    assert "2 MinMaxScalers fitted per series" in repr(parts)
    with pytest.raises(ShapeError, match="needs `group_by`"):
        lstmshape.windows(data[["v"]], 4, fitted_scaler=parts.scaler)
    with pytest.raises(ShapeError, match="no scaler for group 'c'"):
        lstmshape.windows(data.assign(g="c"), 4, group_by="g", fitted_scaler=parts.scaler)
    with pytest.raises(ShapeError, match="no `scaler` was"):
        lstmshape.split(data, 4, test=8, group_by="g", per_series=True)


# -- one vocabulary with split (issue 20) and sizes checked first (issue 19) ------------


@given(
    st.integers(1, 4),
    st.integers(3, 8),
    st.integers(30, 90),
    st.sampled_from(["int", "fraction", "timestamp"]),
)
@settings(max_examples=30, deadline=None)
def test_folds_test_as_rows_fraction_or_timestamp_matches_the_oracle(n_folds, test, rows, kind):
    data = pd.Series(np.arange(rows, dtype=np.float64), pd.date_range("2020-01-01", periods=rows))
    assume(rows - n_folds * test >= 4)
    if kind == "int":
        asked: object = test
    elif kind == "fraction":  # a fraction of the rows, rounded, as in split()
        asked = test / rows
        test = max(1, round(asked * rows))
    else:  # the first test row; the rows after it are shared out among the folds
        asked = data.index[rows - n_folds * test]
    cv = lstmshape.folds(data, 3, n_folds=n_folds, test=asked)
    assert cv.test == test
    for fold, expected in zip(cv, oracle_cuts(rows, n_folds, test, 0, 0, True), strict=True):
        assert target_rows(fold.test) == expected["test"]
        assert target_rows(fold.train) <= expected["train"]


def test_folds_timestamp_test_leaves_the_remainder_to_training():
    data = pd.Series(np.arange(50.0), pd.date_range("2020-01-01", periods=50))
    cv = lstmshape.folds(data, 3, n_folds=3, test="2020-02-09")  # 11 rows left: 3 x 3
    assert cv.test == 3
    assert cv[0].test.target_index[0] == pd.Timestamp("2020-02-11")
    assert cv[-1].test.target_index[-1] == data.index[-1]


@pytest.mark.parametrize("val", [None, 0])
def test_folds_and_split_take_none_and_zero_for_no_validation_part(val):
    cv = lstmshape.folds(np.arange(60.0), 3, n_folds=2, test=5, val=val)
    assert all(fold.val is None for fold in cv) and cv.val == 0
    parts = lstmshape.split(np.arange(60.0), 3, test=5, val=val)
    assert parts.val is None and len(parts.test) == 5


def test_huge_n_folds_is_refused_with_sizes_before_anything_is_allocated():
    # It used to allocate one dict per fold first: MemoryError for n_folds=10**9.
    with pytest.raises(ShapeError, match=r"1000000000 \* 10 = 10000000000 rows.*largest n_folds"):
        lstmshape.folds(np.arange(100.0), 5, n_folds=10**9, test=10)
    with pytest.raises(ShapeError, match="Received: n_folds=2, test=5, gap="):
        lstmshape.folds(np.arange(100.0), 5, n_folds=2, test=5, gap=10**18)


def test_grouped_folds_match_per_series_folds():
    # One pass per series (linear): each series of a group_by frame without dates is cut
    # by its own rows, exactly as folds() cuts it alone.
    frames = [pd.DataFrame({"g": k, "v": np.arange(20.0 + 3 * k) * (k + 1)}) for k in range(5)]
    data = pd.concat(frames, ignore_index=True)
    cv = lstmshape.folds(data, 3, n_folds=2, test=4, group_by="g")
    for k, frame in enumerate(frames):
        alone = lstmshape.folds(frame[["v"]].reset_index(drop=True), 3, n_folds=2, test=4)
        for together, single in zip(cv, alone, strict=True):
            for name in ("train", "test"):
                mine = getattr(together, name)
                rows = np.flatnonzero(mine.groups == k)
                assert np.array_equal(mine.y[rows], getattr(single, name).y)


def test_a_fraction_test_of_series_of_different_lengths_is_cut_per_series():
    data = pd.concat(
        [
            pd.DataFrame({"g": "a", "v": np.arange(40.0)}),
            pd.DataFrame({"g": "b", "v": np.arange(80.0)}),
        ],
        ignore_index=True,
    )
    cv = lstmshape.folds(data, 3, n_folds=2, test=0.1, group_by="g")
    assert cv.test == 0.1 and "test 0.1 of the rows each" in repr(cv)
    last = cv[-1].test
    assert len(last.y[last.groups == "a"]) == 4 and len(last.y[last.groups == "b"]) == 8
