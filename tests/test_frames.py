"""polars, pyarrow and file inputs give exactly what their pandas equivalent gives.

The oracle is pandas: every kind of ``tests/frames.py`` (polars eager and lazy, a pyarrow
Table, a Parquet file and an Arrow IPC file read lazily) is run through windows, split,
folds, forecast, to_frame and plot beside its pandas reference, and the results (arrays,
names, indexes) or the refusals (type and message) must be equal.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError
from tests.frames import KINDS, as_kind, frame_kind, takes_group_by

__all__ = ["frame_kind"]  # the fixture, used by name below


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (ShapeError, TypeError) as error:
        return (type(error).__name__, str(error))


def _same(left: Any, right: Any) -> None:
    if isinstance(right, tuple) and len(right) == 2 and isinstance(right[1], str):
        assert left == right
        return
    assert not isinstance(left, tuple) or not isinstance(left[1], str), left
    if isinstance(right, (pd.DataFrame, pd.Series)):
        pd.testing.assert_frame_equal(pd.DataFrame(left), pd.DataFrame(right))
    elif isinstance(right, pd.Index):
        pd.testing.assert_index_equal(left, right)
    else:
        np.testing.assert_array_equal(left, right)
        assert np.asarray(left).dtype == np.asarray(right).dtype


@st.composite
def frames(draw: Any) -> tuple[pd.DataFrame, str | None]:
    """A frame with a time index (dates or a RangeIndex), numeric columns, maybe series."""
    n = draw(st.integers(8, 30))
    grouped = draw(st.booleans())
    values = {
        "v": draw(st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n)),
        "w": draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n)),
    }
    frame = pd.DataFrame(
        {"v": np.asarray(values["v"], dtype=np.float64), "w": np.asarray(values["w"])}
    )
    if draw(st.booleans()):
        frame["b"] = np.arange(n) % 3 == 0
    if draw(st.booleans()):  # a NaN: refused the same way
        frame.loc[draw(st.integers(0, n - 1)), "v"] = np.nan
    dated = draw(st.booleans())
    if grouped:
        frame["g"] = np.where(np.arange(n) < n // 2, "a", "b")
        if dated:
            dates = pd.date_range("2021-01-01", periods=n - n // 2, freq="D", unit="ns")
            frame.index = pd.DatetimeIndex(list(dates[: n // 2]) + list(dates), name="date")
    elif dated:
        frame.index = pd.date_range("2021-01-01", periods=n, freq="D", unit="ns", name="date")
    if dated and draw(st.integers(0, 9)) == 0:  # out of order: refused the same way
        frame = frame.iloc[::-1]
    return frame, "g" if grouped else None


class LastValue:
    """A model that predicts each target's last input value."""

    def __init__(self, positions: list[int]) -> None:
        self.positions = positions

    def predict(self, x: np.ndarray, verbose: int = 0) -> np.ndarray:
        return np.asarray(x)[:, -1, self.positions]


def _results(data: Any, group_by: str | None, kind: str) -> dict[str, Any]:
    options: dict[str, Any] = {"targets": "v"}
    if group_by is not None and takes_group_by(kind):
        options["group_by"] = group_by
    out: dict[str, Any] = {}
    w = _outcome(lambda: lstmshape.windows(data, 3, **options))
    if isinstance(w, tuple):
        out["windows"] = w
    else:
        out["X"], out["y"] = w.X, w.y
        out["names"] = np.array([*w.feature_names, "|", *w.target_names], dtype=object)
        out["to_frame"] = w.to_frame(w.y)
    s = _outcome(lambda: lstmshape.split(data, 3, test=0.3, **options))
    if isinstance(s, tuple):
        out["split"] = s
    else:
        out["train_X"], out["test_y"] = s.train.X, s.test.y
        out["test_frame"] = s.test.to_frame(s.test.y)
    f = _outcome(lambda: lstmshape.folds(data, 2, n_folds=2, test=2, **options))
    if isinstance(f, tuple):
        out["folds"] = f
    else:
        out["folds_y"] = np.concatenate([fold.test.y for fold in f])
    if group_by is None:
        model = LastValue([0])
        if isinstance(data, dict):  # a file's one series (forecast continues one series)
            (data,) = data.values()
        with warnings.catch_warnings():  # forecast's Pandas4Warning is issue 19's
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            out["forecast"] = _outcome(
                lambda: lstmshape.forecast(model, data, 3, steps=2, features=["v"], targets="v")
            )
    return out


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "pandas"])
@settings(max_examples=12)
@given(case=frames())
def test_every_kind_gives_what_pandas_gives(kind: str, case: tuple[pd.DataFrame, Any]) -> None:
    frame, group_by = case
    if kind in ("parquet", "arrow-file") and group_by is None and frame.index.name == "date":
        pass
    data, reference = as_kind(kind, frame, group_by)
    got = _results(data, group_by, kind)
    expected = _results(reference, group_by, kind)
    assert got.keys() == expected.keys()
    for key in expected:
        _same(got[key], expected[key])


def test_the_fixture_gives_the_same_windows(frame_kind: Any) -> None:
    frame = pd.DataFrame(
        {"v": np.arange(20.0), "w": np.arange(20) % 4},
        index=pd.date_range("2020-01-01", periods=20, freq="h", unit="ns", name="when"),
    )
    data, reference = frame_kind(frame)
    got, expected = lstmshape.windows(data, 4), lstmshape.windows(reference, 4)
    np.testing.assert_array_equal(got.X, expected.X)
    pd.testing.assert_frame_equal(got.to_frame(got.y), expected.to_frame(expected.y))


def test_a_polars_date_column_is_the_time_axis_not_a_feature() -> None:
    pl = pytest.importorskip("polars")
    data = pl.DataFrame(
        {
            "date": pl.date_range(dt.date(2020, 1, 1), dt.date(2020, 1, 20), eager=True),
            "price": np.arange(20.0),
        }
    )
    w = lstmshape.windows(data, 5)
    assert w.X.shape == (15, 5, 1)
    assert w.feature_names == ("price",)
    assert w.to_frame(w.y).index[0] == pd.Timestamp("2020-01-06")


def test_a_pyarrow_table_is_read_with_its_names() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"a": np.arange(10.0), "b": np.arange(10, dtype=np.int16)})
    w = lstmshape.windows(table, 3, targets="a")
    assert w.feature_names == ("a", "b")
    assert w.X.shape == (7, 3, 2)
    record = table.to_batches()[0]
    np.testing.assert_array_equal(lstmshape.windows(record, 3, targets="a").X, w.X)


def test_a_lazy_frame_is_collected_not_called_a_scalar() -> None:
    pl = pytest.importorskip("polars")
    lazy = pl.LazyFrame({"x": np.arange(12.0)})
    assert lstmshape.windows(lazy, 4).X.shape == (8, 4, 1)


def test_a_polars_series_keeps_its_name() -> None:
    pl = pytest.importorskip("polars")
    w = lstmshape.windows(pl.Series("level", np.arange(9.0)), 3)
    assert w.feature_names == ("level",)


def test_a_list_of_polars_frames_is_a_panel() -> None:
    pl = pytest.importorskip("polars")
    panel = {"n": pl.DataFrame({"x": np.arange(10.0)}), "s": pl.DataFrame({"x": np.arange(8.0)})}
    w = lstmshape.windows(panel, 3)
    assert sorted(set(w.groups)) == ["n", "s"]
    assert w.X.shape == (12, 3, 1)


def test_a_polars_categorical_is_refused_as_in_pandas() -> None:
    pl = pytest.importorskip("polars")
    data = pl.DataFrame({"x": np.arange(6.0), "c": ["a", "b"] * 3}).with_columns(
        pl.col("c").cast(pl.Categorical)
    )
    with pytest.raises(TypeError, match="non-numeric dtype category"):
        lstmshape.windows(data, 2)
    assert lstmshape.windows(data, 2, features=["x"], targets="x").X.shape == (4, 2, 1)


def test_nulls_in_polars_are_missing_values() -> None:
    pl = pytest.importorskip("polars")
    data = pl.DataFrame({"x": [1.0, 2.0, None, 4.0, 5.0, 6.0, 7.0]})
    with pytest.raises(ShapeError, match="NaN values in 1 row"):
        lstmshape.windows(data, 2)
    assert lstmshape.windows(data, 2, dropna=True).X.shape == (2, 2, 1)  # rows 3..6


def test_frame_plot_draws_what_pandas_draws() -> None:
    pytest.importorskip("matplotlib")
    pl = pytest.importorskip("polars")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = pd.DataFrame(
        {"v": np.sin(np.arange(30.0))},
        index=pd.date_range("2020", periods=30, freq="D", unit="ns", name="date"),
    )
    data = pl.from_pandas(frame.reset_index())
    drawn = []
    for source in (data, frame):
        s = lstmshape.split(source, 4, test=0.3)
        for figure in (s.plot(), s.test.plot(samples=2)):
            axes = figure.axes if hasattr(figure, "axes") else figure.figure.axes
            drawn.append([line.get_xydata().tolist() for ax in axes for line in ax.lines])
        plt.close("all")
    assert drawn[:2] == drawn[2:]


def test_explain_describes_a_polars_frame_as_its_pandas_twin() -> None:
    pl = pytest.importorskip("polars")
    frame = pd.DataFrame(
        {"v": np.arange(30.0)},
        index=pd.date_range("2020-01-01", periods=30, freq="D", unit="ns", name="date"),
    )
    data = pl.from_pandas(frame.reset_index())
    assert lstmshape.explain(data) == lstmshape.explain(frame)
    two = data.with_columns(again=pl.col("date"))
    assert "has 2 date/time columns" in lstmshape.explain(two)


@pytest.mark.parametrize("kind", ["pandas-text", "pandas", "polars", "polars-lazy", "arrow"])
def test_time_names_the_time_column_in_every_entry_point(kind: str) -> None:
    """``time=`` makes a date column the index: the same answers as ``set_index`` (issue 21)."""
    n = 40
    dates = pd.date_range("2022-03-01", periods=n, freq="D", unit="us")
    values = np.arange(n, dtype=np.float64) ** 1.5
    reference = pd.DataFrame({"y": values, "x": values[::-1].copy()}, index=dates.rename("date"))
    flat = reference.reset_index().assign(seen=pd.date_range("2024-01-01", periods=n, unit="us"))
    if kind == "pandas-text":
        data: Any = flat.assign(date=flat["date"].dt.strftime("%Y-%m-%d")).drop(columns="seen")
    elif kind == "pandas":
        data = flat
    elif kind.startswith("polars"):
        pl = pytest.importorskip("polars")
        data = pl.from_pandas(flat)
        data = data.lazy() if kind == "polars-lazy" else data
    else:
        pa = pytest.importorskip("pyarrow")
        data = pa.Table.from_pandas(flat, preserve_index=False)
    roles = {"features": ["y", "x"], "targets": "y"}
    got = lstmshape.windows(data, 5, time="date", **roles)
    expected = lstmshape.windows(reference, 5, **roles)
    np.testing.assert_array_equal(got.X, expected.X)
    pd.testing.assert_frame_equal(got.to_frame(got.y), expected.to_frame(expected.y))
    got_parts = lstmshape.split(data, 5, test=0.25, time="date", **roles)
    expected_parts = lstmshape.split(reference, 5, test=0.25, **roles)
    np.testing.assert_array_equal(got_parts.test.X, expected_parts.test.X)
    got_folds = lstmshape.folds(data, 5, n_folds=2, test=5, time="date", **roles)
    expected_folds = lstmshape.folds(reference, 5, n_folds=2, test=5, **roles)
    for a, b in zip(got_folds, expected_folds, strict=True):
        np.testing.assert_array_equal(a.train.y, b.train.y)
    model = lambda x: x[:, -1, :1]  # noqa: E731 - the last value, carried forward
    pd.testing.assert_frame_equal(
        lstmshape.forecast(model, data, 5, steps=3, time="date", features=["y"], targets="y"),
        lstmshape.forecast(model, reference, 5, steps=3, features=["y"], targets="y"),
    )


def test_a_date_column_is_refused_without_time_and_read_with_it() -> None:
    frame = pd.DataFrame({"date": ["2020-01-03", "2020-01-02", "2020-01-01"], "y": [1.0] * 3})
    with pytest.raises(ShapeError, match="Column 'date' of `data` holds dates"):
        lstmshape.windows(frame, 1)
    with pytest.raises(ShapeError, match="runs backwards in time"):
        lstmshape.windows(frame, 1, time="date")
    w = lstmshape.windows(frame.iloc[::-1], 1, time="date")
    assert list(w.to_frame(w.y).index.strftime("%d")) == ["02", "03"]
