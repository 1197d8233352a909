"""Error tables: for every public function, what it refuses, with which error and words.

Each row is ``(parameter, bad value, exception type, message fragment)``: the function is
called with valid arguments except that one parameter (a few rows also set a second
option, named after a ``+``), and ``pytest.raises(type, match=fragment)`` checks the
error. The fragment is matched literally (``re.escape``). Rows marked ``xfail`` are
defects found while fuzzing (issue 9's hunt): they state the behaviour expected, and the
lead removes the mark when the fix lands.

docs/errors.md states the same rules in prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest

import lstmshape
from lstmshape import ShapeError
from lstmshape import datasets as lsd


class Row(NamedTuple):
    param: str
    value: Any
    error: type[BaseException] | tuple[type[BaseException], ...]
    fragment: str
    other: dict[str, Any] | None = None  # a second option the row needs


def _params(rows: list[Any]) -> list[Any]:
    """pytest params with readable ids: ``param=value``."""
    out = []
    for row in rows:
        marks = ()
        if isinstance(row, tuple) and len(row) == 2 and isinstance(row[1], str):
            row, reason = row
            marks = (pytest.mark.xfail(strict=True, reason=reason),)
        shown = _shown(row.value)
        shown = re.sub(r"\s+", " ", shown)[:40]
        name = row.param + ("+" + "+".join(row.other) if row.other else "")
        out.append(pytest.param(row, id=f"{name}={shown}", marks=marks))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, np.ma.MaskedArray):
        return f"masked{value.shape}"
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{value.shape}"
    if isinstance(value, pd.DataFrame):
        kind = type(value.index).__name__
        return f"frame{value.shape}[{','.join(map(str, value.dtypes))}]{kind}"
    return repr(value)


def bug(row: Row, reason: str) -> tuple[Row, str]:
    """A row that fails today: xfail(strict=True) with the reason."""
    return (row, reason)


def _check(call: Callable[..., Any], row: Row) -> None:
    kwargs = {row.param: row.value, **(row.other or {})}
    with pytest.raises(row.error, match=re.escape(row.fragment)):
        call(**kwargs)


def _outcome(call: Callable[[], Any]) -> Any:
    """The result of ``call()``, or the ShapeError/TypeError it raised."""
    try:
        return call()
    except (ShapeError, TypeError) as error:
        return error


def _gen(n: int = 10) -> Any:
    return (float(i) for i in range(n))


# -- data values used by several tables ------------------------------------------------------
SERIES = np.arange(20.0)
#: A frame whose dates are a column beside a RangeIndex (a CSV read without index_col).
DATE_COLUMN = pd.DataFrame(
    {"date": pd.date_range("2020-01-01", periods=20).astype(str), "y": SERIES}
)
DAYS = pd.date_range("2020-01-01", periods=20, freq="D")
DATED = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) * 2}, index=DAYS)
#: Two group keys (s, i: four series of 5 rows) and two columns.
TWO_KEYS = pd.DataFrame(
    {"s": ["x", "y"] * 10, "i": [1, 1, 2, 2] * 5, "a": np.arange(20.0), "b": np.arange(20.0)}
)
TWO_A = pd.DataFrame(np.arange(40.0).reshape(20, 2), columns=["a", "a"])
WITH_DATE_COLUMN = pd.DataFrame(
    {"Date": [f"2020-01-{d:02d}" for d in range(20, 0, -1)], "Open": np.arange(20.0)}
)
TEXT = pd.DataFrame({"a": np.arange(20.0), "name": ["x"] * 20})
MASKED_NAN = np.ma.masked_array(np.arange(20.0), mask=[i == 7 for i in range(20)])
INT64_NA = pd.DataFrame({"a": pd.array([1, None, *range(18)], dtype="Int64")})
#: A frame with label columns: a store per half, a weekday category.
LABELS = pd.DataFrame(
    {
        "a": np.arange(20.0),
        "store": ["x"] * 10 + ["y"] * 10,
        "day": pd.Categorical(["mon", "tue"] * 10),
    }
)
#: The vocabularies of LABELS' categorical columns (a real Vocabulary object).
LABEL_VOCABULARIES = lstmshape.windows(
    LABELS, 3, targets="a", categorical=["store", "day"]
).vocabularies


def _frame_with_index(index: Any) -> pd.DataFrame:
    return pd.DataFrame({"a": np.arange(float(len(index)))}, index=index)


class ScalerDroppingRows:
    """Returns one row fewer than it is given."""

    n_features_in_ = 1

    def fit(self, x: Any) -> ScalerDroppingRows:
        return self

    def transform(self, x: Any) -> np.ndarray:
        return np.asarray(x)[:-1]

    def inverse_transform(self, x: Any) -> np.ndarray:
        return np.asarray(x)


class ScalerMakingInf(ScalerDroppingRows):
    def transform(self, x: Any) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(np.asarray(x))  # log(0) = -inf on the first row


class ScalerReturningText(ScalerDroppingRows):
    def transform(self, x: Any) -> np.ndarray:
        return np.full(np.shape(x), "a")


# -- windows --------------------------------------------------------------------------------
WINDOWS_ROWS = [
    Row("data", None, TypeError, "`data` must be an array"),
    Row("data", "abc", TypeError, "`data` must be an array"),
    Row("data", {"a": [1.0, 2.0]}, TypeError, "`data` must be an array"),
    Row("data", {1.0, 2.0}, TypeError, "`data` must be an array"),
    Row("data", _gen(), TypeError, "`data` is a generator or iterator"),
    Row("data", iter([1.0, 2.0]), TypeError, "`data` is a generator or iterator"),
    Row("data", [[1.0, 2.0], [3.0]], TypeError, "could not be read as a rectangular array"),
    Row("data", 3.0, ShapeError, "not a scalar"),
    Row("data", np.zeros(0), ShapeError, "`data` is empty: it has 0 rows"),
    Row("data", np.zeros((0, 3)), ShapeError, "`data` is empty: it has 0 rows"),
    Row("data", pd.DataFrame(), ShapeError, "`data` is empty"),
    Row("data", np.zeros((20, 0)), ShapeError, "`data` has no columns"),
    Row("data", np.zeros((2, 2, 2)), ShapeError, "`data` is already 3-D (2, 2, 2)"),
    Row("data", np.zeros((2,) * 4), ShapeError, "with 4 dimensions"),
    Row("data", np.ones((1, 100)), ShapeError, "pass it as a column"),
    Row("data", np.arange(20) + 0j, TypeError, "complex dtype complex128"),
    Row("data", np.array(["1", "2"] * 10), TypeError, "non-numeric dtype <U1"),
    Row("data", np.arange(20).astype(object), TypeError, "non-numeric dtype object"),
    Row("data", np.arange(20).astype("datetime64[D]"), TypeError, "(times)"),
    Row("data", np.arange(20).astype("timedelta64[s]"), TypeError, "(times)"),
    Row("data", np.zeros(20, dtype=[("a", "f8")]), TypeError, "non-numeric dtype"),
    Row("data", np.r_[1.0, np.nan, np.ones(18)], ShapeError, "NaN values in 1 row: row 1"),
    Row("data", np.r_[1.0, np.inf, np.ones(18)], ShapeError, "infinite value at row 1"),
    Row("data", np.r_[2**53 + 1, np.arange(19)], ShapeError, "larger than 2**53"),
    Row("data", np.array([2**64 - 1] * 20, dtype=np.uint64), ShapeError, "larger than 2**53"),
    Row("data", MASKED_NAN, ShapeError, "NaN values in 1 row: row 7"),
    Row("data", WITH_DATE_COLUMN, ShapeError, "Column 'Date' of `data` holds dates"),
    Row("data", WITH_DATE_COLUMN, ShapeError, "newest first"),
    Row("data", WITH_DATE_COLUMN, ShapeError, "set_index(pd.to_datetime(data['Date']))"),
    Row("data", DATED.iloc[::-1], ShapeError, "runs backwards in time"),
    Row("data", _frame_with_index(DAYS[[0, 1, 1, 2] * 5]), ShapeError, "duplicated timestamp"),
    Row(
        "data",
        _frame_with_index(DAYS[[1, 0, *range(2, 20)]]),
        ShapeError,
        "not in time order: row 1",
    ),
    Row(
        "data",
        _frame_with_index(pd.DatetimeIndex([None, *DAYS[1:]])),
        ShapeError,
        "missing timestamp (NaT) at row 0",
    ),
    Row(
        "data",
        _frame_with_index(pd.period_range("2020", periods=20, freq="D")[::-1]),
        ShapeError,
        "runs backwards in time",
    ),
    Row("data", TEXT, TypeError, "Column 'name' of `data` has non-numeric dtype"),
    Row(
        "data",
        pd.DataFrame({"a": pd.Categorical([1.0, 2.0] * 10)}),
        TypeError,
        "non-numeric dtype category",
    ),
    Row(
        "data",
        pd.DataFrame({"a": pd.array(["1"] * 20, dtype="string")}),
        TypeError,
        "non-numeric dtype string",
    ),
    Row(
        "data",
        pd.DataFrame({"a": pd.array([2**60] * 20, dtype="Int64")}),
        ShapeError,
        "larger than 2**53",
    ),
    Row("data", pd.DataFrame({"a": pd.to_timedelta(range(20), unit="s")}), TypeError, "(times)"),
    Row("data", INT64_NA, ShapeError, "NaN values in 1 row: row 1"),
    Row(
        "data",
        _frame_with_index(pd.to_timedelta(range(20, 0, -1), unit="D")),
        ShapeError,
        "backwards",
    ),
    Row("lookback", 0, ShapeError, "`lookback` must be at least 1. Received: lookback=0"),
    Row("lookback", -5, ShapeError, "`lookback` must be at least 1"),
    Row("lookback", 2.0, TypeError, "`lookback` must be an integer. Received: lookback=2.0"),
    Row("lookback", True, TypeError, "`lookback` must be an integer"),
    Row("lookback", np.bool_(True), TypeError, "`lookback` must be an integer"),
    Row("lookback", None, TypeError, "`lookback` must be an integer"),
    Row("lookback", "3", TypeError, "`lookback` must be an integer"),
    Row("lookback", 20, ShapeError, "need at least 21 rows"),
    Row("lookback", 20, ShapeError, "The largest lookback that fits is 19"),
    Row("lookback", 10**30, ShapeError, "from a series of 20 rows"),
    Row("horizon", 0, ShapeError, "`horizon` must be at least 1"),
    Row("horizon", 1.5, TypeError, "`horizon` must be an integer"),
    Row(
        "horizon",
        2,
        ShapeError,
        "`horizon` must be 1 with per_timestep=True",
        {"per_timestep": True},
    ),
    Row("shift", -1, ShapeError, "`shift` must be at least 0"),
    Row("shift", "1", TypeError, "`shift` must be an integer"),
    Row("stride", 0, ShapeError, "`stride` must be at least 1"),
    Row("stride", None, TypeError, "`stride` must be an integer"),
    Row("per_timestep", "yes", TypeError, "`per_timestep` must be True or False"),
    Row("per_timestep", 1, TypeError, "`per_timestep` must be True or False"),
    Row("inputs_only", "no", TypeError, "`inputs_only` must be True or False"),
    Row("inputs_only", True, ShapeError, "cannot both be True", {"per_timestep": True}),
    Row("features", "a", TypeError, "`features` must hold integer column positions"),
    Row("features", 0.0, TypeError, "`features` must hold integer column positions"),
    Row("features", True, TypeError, "`features` must hold integer column positions"),
    Row("features", 5, ShapeError, "`features` has column position 5"),
    Row("features", -2, ShapeError, "A 1-D series has the single column 0"),
    Row("features", [], ShapeError, "`features` selects no columns"),
    Row("features", [0, 0], ShapeError, "`features` names a column more than once"),
    Row("targets", [0, -1], ShapeError, "`targets` names a column more than once"),
    Row("targets", [None], TypeError, "`targets` must hold integer column positions"),
    Row(
        "targets",
        "nope",
        ShapeError,
        "`targets` names a column that `data` does not have",
        {"data": DATED},
    ),
    Row("targets", "A", ShapeError, "Did you mean 'a'?", {"data": DATED}),
    Row("targets", [["a"]], TypeError, "`targets` must hold column names", {"data": DATED}),
    Row("targets", "a", ShapeError, "2 columns of that name", {"data": TWO_A}),
    Row("data", TWO_A, ShapeError, "several columns named 'a'"),
    Row("group_by", "g", TypeError, "`group_by` names a column, so `data` must be a pandas"),
    Row(
        "group_by",
        "nope",
        ShapeError,
        "`group_by` names a column that `data` does not have",
        {"data": DATED},
    ),
    Row(
        "group_by",
        "g",
        ShapeError,
        "missing group label at row 1",
        {"data": pd.DataFrame({"g": [1.0, None] * 10, "a": np.arange(20.0)})},
    ),
    Row(
        "group_by",
        {"a": 1},
        TypeError,
        "`group_by` must be the name of one column, or a list",
        {"data": TWO_KEYS},
    ),
    Row("group_by", [], ShapeError, "`group_by` is an empty list", {"data": TWO_KEYS}),
    Row(
        "group_by",
        ["s", "s"],
        ShapeError,
        "`group_by` names 's' more than once",
        {"data": TWO_KEYS},
    ),
    Row(
        "group_by",
        ["s", "nope"],
        ShapeError,
        "`group_by` names key 'nope', a column that `data` does not have",
        {"data": TWO_KEYS},
    ),
    Row("group_by", ["s", ["i"]], TypeError, "the list holds list", {"data": TWO_KEYS}),
    Row(
        "group_by",
        ["s", "i"],
        TypeError,
        "Column 's' (a `group_by` key) holds labels that cannot name a series "
        "(unhashable type: 'list')",
        {"data": TWO_KEYS.assign(s=[["x"], ["y"]] * 10)},
    ),
    Row(
        "group_by",
        ["s", "i"],
        ShapeError,
        "'s' is an index level of `data`, not a column: move the key(s) into the columns "
        "with `data.reset_index(level=['s', 'i'])`",
        {"data": TWO_KEYS.set_index(["s", "i"], append=True)},
    ),
    Row(
        "group_by",
        "s",
        ShapeError,
        "with `data.reset_index(level='s')`",
        {"data": TWO_KEYS.set_index("s", append=True)},
    ),
    Row(
        "group_by",
        ["s", "i"],
        ShapeError,
        "Column 'i' (a `group_by` key) has a missing group label at row 1 (10 of 20 rows",
        {"data": TWO_KEYS.assign(i=[1.0, None] * 10)},
    ),
    Row(
        "features",
        ["i", "a"],
        ShapeError,
        "Column(s) 'i' are both a `group_by` key and `features`",
        {"data": TWO_KEYS, "group_by": ["s", "i"]},
    ),
    Row(
        "targets",
        "s",
        ShapeError,
        "Column(s) 's' are both a `group_by` key and `targets`",
        {"data": TWO_KEYS.assign(s=[0.0, 1.0] * 10), "group_by": ["s", "i"]},
    ),
    Row(
        "future",
        ["i"],
        ShapeError,
        "Column(s) 'i' are both a `group_by` key and `future`",
        {"data": TWO_KEYS, "group_by": ["s", "i"]},
    ),
    Row(
        "static",
        ["i"],
        ShapeError,
        "Column(s) 'i' are both a `group_by` key and `static`",
        {"data": TWO_KEYS, "group_by": ["s", "i"], "features": ["a"]},
    ),
    Row("freq", "D", TypeError, "`freq` finds gaps between timestamps"),
    Row(
        "freq",
        "nonsense",
        ShapeError,
        "`freq` is not a frequency pandas understands",
        {"data": DATED},
    ),
    Row("freq", 3, ShapeError, "`freq` is not a frequency", {"data": DATED}),
    Row("dropna", "yes", TypeError, "`dropna` must be True or False"),
    Row("dropna", None, TypeError, "`dropna` must be True or False"),
    Row(
        "dropna",
        True,
        ShapeError,
        "the longest contiguous run",
        {"data": np.r_[np.ones(5), np.nan, np.ones(5)], "lookback": 6},
    ),
    Row(
        "dropna",
        True,
        ShapeError,
        "infinite value",
        {"data": np.r_[np.ones(5), -np.inf, np.ones(5)]},
    ),
    Row("fitted_scaler", 3, TypeError, "`fitted_scaler` must have scikit-learn's fit"),
    Row("fitted_scaler", "minmax", TypeError, "lacks fit, transform, inverse_transform"),
    Row("fitted_scaler", ScalerDroppingRows(), ShapeError, "a scaler must keep every row"),
    Row("fitted_scaler", ScalerMakingInf(), ShapeError, "`fitted_scaler.transform` returned -inf"),
    Row("fitted_scaler", ScalerReturningText(), TypeError, "a scaler must return numbers"),
    Row(
        "future",
        ["a"],
        ShapeError,
        "Column(s) 'a' are both `targets` and `future`",
        {"data": DATED, "targets": ["a"], "horizon": 2},
    ),
    Row(
        "data",
        DATED.set_axis(DATED.index.strftime("%Y-%m-%d")).iloc[::-1],
        ShapeError,
        "runs backwards in time",
    ),
    Row(
        "data",
        DATED.set_axis(DATED.index.strftime("%d.%m.%Y")).iloc[[1, 0, *range(2, 20)]],
        ShapeError,
        "read the CSV with `parse_dates=True`",
    ),
    Row(
        "static",
        ["b"],
        ShapeError,
        "Column 'b' (`static`) of `data` has 1 missing value, the first at row 3",
        {"data": DATED.assign(b=[1.0, 1.0, 1.0, np.nan, *[1.0] * 16]), "dropna": True},
    ),
    # time= (issue 21): the column that is the time axis of a frame indexed otherwise
    Row("time", "date", TypeError, "but `data` is 'ndarray', which has no named columns"),
    Row(
        "time",
        ["date"],
        TypeError,
        "`time` must be the name of the time column",
        {"data": DATE_COLUMN},
    ),
    Row(
        "time",
        "dat",
        ShapeError,
        "`data` does not have: 'dat'. Did you mean 'date'?",
        {"data": DATE_COLUMN},
    ),
    Row(
        "time",
        "y",
        ShapeError,
        "`time` must name a column of dates or times",
        {"data": DATE_COLUMN},
    ),
    Row(
        "time",
        "date",
        ShapeError,
        "`data` is indexed by time already (a DatetimeIndex)",
        {"data": DATE_COLUMN.set_index(pd.date_range("2021-01-01", periods=20))},
    ),
    Row(
        "time",
        "date",
        ShapeError,
        "The index of `data` runs backwards in time",
        {"data": DATE_COLUMN.iloc[::-1]},
    ),
    Row(
        "time",
        "date",
        ShapeError,
        "which is the label of 2 columns",
        {"data": pd.concat([DATE_COLUMN, DATE_COLUMN[["date"]]], axis=1)},
    ),
    # categorical covariates (issue 23)
    Row(
        "targets",
        ["a", "store"],
        ShapeError,
        "Column(s) 'store' are `categorical` and among the `targets`",
        {"data": LABELS, "categorical": ["store", "day"]},
    ),
    Row(
        "features",
        ["a", "store"],
        TypeError,
        "Column 'store' of `data` has non-numeric dtype",
        {"data": LABELS, "targets": "a"},
    ),
    Row(
        "features",
        ["a", "day"],
        TypeError,
        "name it in `categorical=['day']`",
        {"data": LABELS, "targets": "a"},
    ),
    Row("data", LABELS, TypeError, "By default every column is a target: pass numeric"),
    Row(
        "targets",
        "store",
        TypeError,
        "A target must be numeric: pick numeric `targets`",
        {"data": LABELS, "features": ["a"]},
    ),
    Row(
        "categorical",
        ["store", "day"],
        ShapeError,
        "`categorical` names 'store', 'day', which no input reads",
        {"data": LABELS, "features": ["a"], "targets": "a"},
    ),
    Row(
        "categorical",
        "store",
        ShapeError,
        "`features` holds only `categorical` columns, so the past input would have no numeric",
        {"data": LABELS, "features": ["store"], "targets": "a"},
    ),
    Row(
        "categorical",
        "shop",
        ShapeError,
        "`categorical` names a column that `data` does not have: 'shop'",
        {"data": LABELS, "targets": "a"},
    ),
    Row(
        "categorical",
        "pair",
        TypeError,
        "`categorical` column 'pair' holds tuple labels (20 of 20 rows; the first at row 0",
        {"data": LABELS.assign(pair=pd.Series([(1, 2), (3,)] * 10, dtype=object))[["a", "pair"]]},
    ),
    Row(
        "categorical",
        "pair",
        TypeError,
        "`categorical` column 'pair' holds list labels",
        {"data": LABELS.assign(pair=pd.Series([[1], [2]] * 10, dtype=object))[["a", "pair"]]},
    ),
    Row(
        "static",
        "store",
        ShapeError,
        "Column 'store' (`static`, categorical) must hold one label per series, but it varies",
        {"data": LABELS, "categorical": ["store", "day"], "targets": "a"},
    ),
    Row(
        "categorical",
        "a",
        ShapeError,
        "`categorical` columns need one DataFrame (with `group_by` for several series)",
        {"data": {"s": LABELS[["a"]], "t": LABELS[["a"]]}},
    ),
    Row(
        "vocabularies",
        {"store": LABEL_VOCABULARIES["store"]},
        ShapeError,
        "`vocabularies` has no vocabulary for column(s) 'day'",
        {"data": LABELS, "categorical": ["store", "day"], "targets": "a"},
    ),
    Row(
        "vocabularies",
        {"store": ["x", "y"], "day": LABEL_VOCABULARIES["day"]},
        TypeError,
        "`vocabularies['store']` must be a Vocabulary (from `Windows.vocabularies`)",
        {"data": LABELS, "categorical": ["store", "day"], "targets": "a"},
    ),
    Row(
        "vocabularies",
        [("store", 1)],
        TypeError,
        "`vocabularies` must be a dict {column: Vocabulary}",
        {"data": LABELS, "categorical": ["store", "day"], "targets": "a"},
    ),
    Row(
        "vocabularies",
        LABEL_VOCABULARIES,
        ShapeError,
        "`vocabularies` are for `categorical` columns, and these windows have none",
    ),
]


@pytest.mark.parametrize("row", _params(WINDOWS_ROWS))
def test_windows_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"data": SERIES, "lookback": 3, **kw}
        return lstmshape.windows(args.pop("data"), args.pop("lookback"), **args).X

    _check(call, row)


def test_windows_unfitted_sklearn_scaler_is_named() -> None:
    sklearn = pytest.importorskip("sklearn.preprocessing")
    with pytest.raises(ShapeError, match=re.escape("`fitted_scaler.transform` failed")):
        lstmshape.windows(SERIES, 3, fitted_scaler=sklearn.MinMaxScaler())


def test_a_copy_above_the_bound_is_refused_with_its_size(monkeypatch: Any) -> None:
    grouped = pd.DataFrame({"g": [0] * 10 + [1] * 10, "a": np.arange(20.0)})
    w = lstmshape.windows(grouped, 3, group_by="g")
    monkeypatch.setenv("LSTMSHAPE_MAX_COPY_BYTES", "64")
    with pytest.raises(ShapeError, match=r"copy of shape \(14, 3, 1\), 0\.0 MiB") as info:
        w.X  # noqa: B018 - reading X is the call under test
    assert "LSTMSHAPE_MAX_COPY_BYTES" in str(info.value)
    assert "to_dataset" in str(info.value) and "batches" in str(info.value)


# -- split ------------------------------------------------------------------------------------
SPLIT_ROWS = [
    Row("test", None, ShapeError, "split() needs `val`, `test` or both"),
    Row("test", 0, ShapeError, "`test` must be at least 1 row. Received: test=0"),
    Row("test", -3, ShapeError, "`test` must be at least 1 row"),
    Row("test", 1.0, ShapeError, "`test` as a fraction must be between 0 and 1"),
    Row("test", 0.0, ShapeError, "`test` as a fraction must be between 0 and 1"),
    Row("test", float("nan"), ShapeError, "`test` as a fraction must be between 0 and 1"),
    Row("test", float("inf"), ShapeError, "`test` as a fraction must be between 0 and 1"),
    Row("test", True, TypeError, "`test` must be a number of rows"),
    Row("test", np.bool_(True), TypeError, "`test` must be a number of rows"),
    Row("test", [5], TypeError, "`test` must be a number of rows"),
    Row("test", 0.2j, TypeError, "`test` must be a number of rows"),
    Row(
        "test",
        "2020-01-10",
        TypeError,
        "`test` is a timestamp, which needs data with a DatetimeIndex",
    ),
    Row(
        "test", "notadate", ShapeError, "`test` is not a timestamp pandas can read", {"data": DATED}
    ),
    Row(
        "test",
        "2019-01-01",
        ShapeError,
        "`test` starts at 2019-01-01 00:00:00, outside the data",
        {"data": DATED},
    ),
    Row("test", "2020-01-01", ShapeError, "outside the data", {"data": DATED}),
    Row("test", pd.NaT, ShapeError, "outside the data", {"data": DATED}),
    Row("test", 20, ShapeError, "leaving none for training"),
    Row("test", 0.999, ShapeError, "leaving none for training"),
    Row(
        "test", 10, ShapeError, "`val` and `test` ask for 10 + 10 = 20 of the 20 rows", {"val": 10}
    ),
    Row(
        "val",
        "2020-01-15",
        ShapeError,
        "`val` must start before `test`",
        {"data": DATED, "test": "2020-01-10"},
    ),
    Row("val", -1, ShapeError, "`val` must be at least 1 row (0 or None: no", {"test": 5}),
    Row(
        "test",
        0.999,
        ShapeError,
        "`test` asks for 20 of the 20 rows, leaving none for training. Received: test=0.999",
    ),
    Row("val", 10, ShapeError, "training. Received: val=10, test=10", {"test": 10}),
    Row("test", 1, ShapeError, "The test part gets no windows", {"horizon": 3}),
    Row("test", 5, ShapeError, "with stride=10 the windows may also step over it", {"stride": 10}),
    Row("lookback", 0, ShapeError, "`lookback` must be at least 1"),
    Row("lookback", 1.5, TypeError, "`lookback` must be an integer"),
    Row("lookback", 15, ShapeError, "The train part gets no windows"),
    Row("scaler", "minmax", TypeError, "`scaler` must have scikit-learn's fit"),
    Row("scaler", ScalerDroppingRows(), ShapeError, "a scaler must keep every row"),
    Row("scaler", ScalerMakingInf(), ShapeError, "`scaler.transform` returned -inf"),
    Row("dropna", "yes", TypeError, "`dropna` must be True or False"),
    Row("horizon", 0, ShapeError, "`horizon` must be at least 1"),
    Row("shift", -1, ShapeError, "`shift` must be at least 0"),
    Row("stride", 0, ShapeError, "`stride` must be at least 1"),
    Row("per_timestep", "yes", TypeError, "`per_timestep` must be True or False"),
    Row("features", 3, ShapeError, "`features` has column position 3"),
    Row(
        "targets",
        "nope",
        ShapeError,
        "`targets` names a column that `data` does not have",
        {"data": DATED},
    ),
    Row("group_by", "g", TypeError, "`group_by` names a column, so `data` must be a pandas"),
    Row("freq", "nonsense", ShapeError, "`freq` is not a frequency", {"data": DATED}),
    Row("data", WITH_DATE_COLUMN, ShapeError, "Column 'Date' of `data` holds dates"),
    Row("data", DATED.iloc[::-1], ShapeError, "runs backwards in time"),
    Row("data", np.r_[1.0, np.nan, np.ones(18)], ShapeError, "NaN values in 1 row"),
    Row("data", MASKED_NAN, ShapeError, "NaN values in 1 row: row 7"),
    Row("data", _gen(20), TypeError, "`data` is a generator or iterator"),
    Row(
        "test",
        pd.Timestamp("2020-01-10", tz="UTC"),
        (ShapeError, TypeError),
        "`test`",
        {"data": DATED},
    ),
]


@pytest.mark.parametrize("row", _params(SPLIT_ROWS))
def test_split_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"data": SERIES, "lookback": 3, "test": 5, **kw}
        return lstmshape.split(args.pop("data"), args.pop("lookback"), **args)

    _check(call, row)


FOLDS_ROWS = [
    Row("n_folds", 0, ShapeError, "`n_folds` must be at least 1"),
    Row("n_folds", 10**9, ShapeError, "= 1000000000 * 5 = 5000000000 rows of evaluation"),
    Row("test", 2.5, ShapeError, "`test` as a fraction must be between 0 and 1"),
    Row("test", None, TypeError, "`test` must be a number of rows (int), a fraction"),
    Row("test", "2020-01-05", TypeError, "`test` is a timestamp, which needs data with a"),
    Row("test", "2020-01-20", ShapeError, "`test` starts 1 row before the end", {"data": DATED}),
    Row("val", -1, ShapeError, "`val` must be at least 0"),
    Row("gap", 10**18, ShapeError, "Received: n_folds=2, test=5, gap=1000000000000000000"),
    Row("future", ["a"], ShapeError, "both `targets` and `future`", {"data": DATED}),
    Row(
        "categorical",
        "day",
        ShapeError,
        "are `categorical` and among the `targets`",
        {"data": LABELS, "targets": ["a", "day"], "features": ["a"], "future": "day"},
    ),
]


@pytest.mark.parametrize("row", _params(FOLDS_ROWS))
def test_folds_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"data": SERIES, "lookback": 3, "n_folds": 2, "test": 5, **kw}
        return lstmshape.folds(args.pop("data"), args.pop("lookback"), **args)

    _check(call, row)


def test_split_scaler_class_instead_of_instance_is_named() -> None:
    sklearn = pytest.importorskip("sklearn.preprocessing")
    with pytest.raises(TypeError, match="`scaler`"):
        lstmshape.split(SERIES, 3, test=5, scaler=sklearn.MinMaxScaler)


# -- to_3d ------------------------------------------------------------------------------------
TO_3D_ROWS = [
    Row("data", None, TypeError, "`data` must be an array"),
    Row("data", "abc", TypeError, "`data` must be an array"),
    Row("data", b"abc", TypeError, "`data` must be an array"),
    Row("data", {"a": 1}, TypeError, "`data` must be an array"),
    Row("data", _gen(), TypeError, "`data` is a generator or iterator"),
    Row("data", [[1.0, 2.0], [3.0]], TypeError, "could not be read as a rectangular array"),
    Row("data", 3.0, ShapeError, "a scalar has no time axis"),
    Row("data", np.zeros(0), ShapeError, "`data` is empty: there is nothing to reshape"),
    Row("data", np.zeros((0, 3)), ShapeError, "`data` is empty"),
    Row("data", pd.DataFrame(), ShapeError, "`data` is empty"),
    Row("data", np.zeros((1,) * 4), ShapeError, "Received: data of shape (1, 1, 1, 1)"),
    Row("data", np.ones(3, complex), TypeError, "complex dtype"),
    Row("data", np.array(["a"]), TypeError, "non-numeric dtype <U1"),
    Row("data", np.array([1, 2], dtype=object), TypeError, "non-numeric dtype object"),
    Row("data", np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "(times)"),
    Row("data", np.array([1.0, np.nan]), ShapeError, "`data` contains NaN at position (1,)"),
    Row("data", np.array([[1.0, -np.inf]]), ShapeError, "infinite value at position (0, 1)"),
    Row(
        "data",
        np.ma.masked_array([1.0, 2.0], mask=[0, 1]),
        ShapeError,
        "`data` contains NaN at position (1,)",
    ),
    Row("data", np.array([2**60, 0]), ShapeError, "larger than 2**53"),
    Row("data", pd.DataFrame({"c": ["a", "b"]}), TypeError, "Column 'c' of `data`"),
    Row("data", pd.DataFrame({"c": pd.array([1, None], dtype="Int64")}), ShapeError, "NaN"),
    Row("lookback", 0, ShapeError, "`lookback` must be at least 1"),
    Row("lookback", True, TypeError, "`lookback` must be an integer"),
    Row("lookback", 2.0, TypeError, "`lookback` must be an integer"),
    Row("lookback", "2", TypeError, "`lookback` must be an integer"),
    Row("lookback", 30, ShapeError, "Cannot cut 20 rows into blocks of lookback=30"),
    Row("lookback", 3, ShapeError, "2 rows would be left over (20 = 6 x 3 + 2)"),
    Row("lookback", 3, ShapeError, "`data[2:]` keeps the latest 18 rows"),
    Row(
        "lookback",
        1,
        ShapeError,
        "`lookback` and `univariate` apply only to 1-D and 2-D",
        {"data": np.ones((2, 2, 2))},
    ),
    Row("univariate", "yes", TypeError, "`univariate` must be True or False"),
    Row("univariate", True, ShapeError, "`univariate=True` reads a 2-D array"),
    Row(
        "univariate",
        True,
        ShapeError,
        "cannot be combined",
        {"data": np.ones((4, 5)), "lookback": 5},
    ),
]


@pytest.mark.parametrize("row", _params(TO_3D_ROWS))
def test_to_3d_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"data": SERIES, **kw}
        return lstmshape.to_3d(args.pop("data"), **args)

    _check(call, row)


# -- explain ---------------------------------------------------------------------------------
EXPLAIN_ROWS = [
    Row("obj", None, TypeError, "explain() takes an array"),
    Row("obj", 3, TypeError, "Received: obj=3 (of type int)"),
    Row("obj", "abc", TypeError, "explain() takes an array"),
    Row("obj", {"a": 1}, TypeError, "explain() takes an array"),
    Row("obj", _gen(), TypeError, "(of type generator)"),
    Row("obj", lstmshape.Windows, TypeError, "explain() takes an array"),
    Row("obj", [[1, 2], [3]], TypeError, "its rows have different lengths"),
]


@pytest.mark.parametrize("row", _params(EXPLAIN_ROWS))
def test_explain_errors(row: Row) -> None:
    _check(lstmshape.explain, row)


# -- loaders: schedule, batches, to_dataset -----------------------------------------------------
def _windows_15() -> lstmshape.Windows:
    return lstmshape.windows(SERIES, 5)  # 15 windows


LOADER_ROWS = [
    Row("batch_size", 0, ShapeError, "`batch_size` must be at least 1"),
    Row("batch_size", 2.0, TypeError, "`batch_size` must be an integer"),
    Row("batch_size", None, TypeError, "`batch_size` must be an integer"),
    Row("batch_size", True, TypeError, "`batch_size` must be an integer"),
    Row("shuffle", "yes", TypeError, "`shuffle` must be True or False"),
    Row("shuffle", 1, TypeError, "`shuffle` must be True or False"),
    Row("seed", 1, ShapeError, "`seed` only seeds the shuffle, and shuffle=False"),
    Row("seed", -1, ShapeError, "`seed` must be at least 0", {"shuffle": True}),
    Row("seed", 1.5, TypeError, "`seed` must be an integer", {"shuffle": True}),
    Row("drop_remainder", "no", TypeError, "`drop_remainder` must be True or False"),
    Row(
        "drop_remainder",
        True,
        ShapeError,
        "would drop every window: there are only 15 windows",
        {"batch_size": 32},
    ),
    Row(
        "drop_remainder",
        True,
        ShapeError,
        "in the smallest of 2 shards",
        {"batch_size": 8, "num_shards": 2},
    ),
    Row("num_shards", 0, ShapeError, "`num_shards` must be at least 1"),
    Row("num_shards", 16, ShapeError, "`num_shards=16` is more than the 15 windows"),
    Row("num_shards", 10**30, ShapeError, "is more than the 15 windows"),
    Row("num_shards", 2.0, TypeError, "`num_shards` must be an integer"),
    Row("shard_index", -1, ShapeError, "`shard_index` must be at least 0"),
    Row(
        "shard_index",
        2,
        ShapeError,
        "`shard_index` must be less than `num_shards` (2)",
        {"num_shards": 2},
    ),
    Row("shard_index", "0", TypeError, "`shard_index` must be an integer"),
    Row("shard_by", "store", ShapeError, "`shard_by` must be one of 'window', 'series'"),
    Row(
        "shard_by",
        ("window", "store"),
        ShapeError,
        "`shard_by` must be 'window', 'series' or ('series', key)",
    ),
    Row(
        "shard_by",
        ("series", "store"),
        ShapeError,
        "the windows' `group_by` keys are none (no `group_by`)",
        {"num_shards": 2},
    ),
]
ITERATOR_ROWS = [
    Row("epoch", -1, ShapeError, "`epoch` must be at least 0"),
    Row("epoch", 1.0, TypeError, "`epoch` must be an integer"),
    Row("dtype", "int32", ShapeError, "casting windows to int32 would truncate"),
    Row("dtype", bool, ShapeError, "must be a floating dtype"),
    Row("dtype", complex, ShapeError, "must be a floating dtype"),
    Row("dtype", "nonsense", TypeError, "`dtype` must be a numpy floating dtype"),
    Row("dtype", 5, TypeError, "`dtype` must be a numpy floating dtype"),
    Row("dtype", np.float64(2.0), TypeError, "not a value. Received: dtype=np.float64(2.0)"),
    Row("dtype", np.zeros(2, "float32"), TypeError, "not a value. Received: dtype"),
    Row("dtype", (np.float32, -1), (ShapeError, TypeError), "`dtype`"),
]


@pytest.mark.parametrize("row", _params(LOADER_ROWS))
def test_schedule_errors(row: Row) -> None:
    _check(_windows_15().schedule, row)


@pytest.mark.parametrize("row", _params(LOADER_ROWS + ITERATOR_ROWS))
def test_batches_errors(row: Row) -> None:
    _check(_windows_15().batches, row)


DATASET_ROWS = (
    LOADER_ROWS
    + ITERATOR_ROWS
    + [
        Row("reshuffle_each_iteration", "no", TypeError, "`reshuffle_each_iteration` must be True"),
        Row("num_parallel_calls", 0, ShapeError, "`num_parallel_calls` must be at least 1"),
        Row("num_parallel_calls", -2, ShapeError, "`num_parallel_calls` must be at least 1"),
        Row("num_parallel_calls", True, TypeError, "`num_parallel_calls` must be an integer"),
        Row("prefetch", -5, ShapeError, "`prefetch` must be at least 0"),
        Row("prefetch", 1.5, TypeError, "`prefetch` must be an integer"),
        Row("num_parallel_calls", -1.0, TypeError, "`num_parallel_calls` must be an integer"),
        Row("num_parallel_calls", 10**30, ShapeError, "`num_parallel_calls`"),
        Row("prefetch", 2**63, ShapeError, "`prefetch`"),
        Row("dtype", np.longdouble, ShapeError, "`dtype`"),
    ]
)


@pytest.mark.tf
@pytest.mark.parametrize("row", _params(DATASET_ROWS))
def test_to_dataset_errors(row: Row) -> None:
    pytest.importorskip("tensorflow")
    _check(_windows_15().to_dataset, row)


@pytest.mark.tf
def test_to_dataset_of_longdouble_data_is_refused_with_words() -> None:
    pytest.importorskip("tensorflow")
    w = lstmshape.windows(np.arange(20, dtype=np.longdouble), 5)
    with pytest.raises(ShapeError, match="dtype"):
        w.to_dataset()


@pytest.mark.tf
def test_to_dataset_batch_size_beyond_int64_is_refused_or_clamped() -> None:
    pytest.importorskip("tensorflow")
    w = _windows_15()
    outcome = _outcome(lambda: [tuple(x.shape) for x, _ in w.to_dataset(batch_size=2**64)])
    if isinstance(outcome, ShapeError):
        assert "`batch_size`" in str(outcome)
    else:
        assert outcome == [(15, 5, 1)]


# -- to_frame ----------------------------------------------------------------------------------
TO_FRAME_ROWS = [
    Row(
        "predictions",
        np.zeros(3),
        ShapeError,
        "`predictions` have shape (3,), but these windows need (15, 1)",
    ),
    Row("predictions", np.zeros((15, 1, 1)), ShapeError, "need (15, 1)"),
    Row("predictions", np.zeros((15, 2)), ShapeError, "target shape (1,)"),
    Row("predictions", np.zeros((15, 1), dtype=object), TypeError, "`predictions` must be numeric"),
    Row("predictions", np.full((15, 1), "a"), TypeError, "`predictions` must be numeric"),
    Row("predictions", np.zeros((15, 1), "datetime64[s]"), TypeError, "must be numeric"),
    Row("predictions", 3.0, ShapeError, "`predictions` have shape ()"),
    Row("predictions", np.zeros((15, 1), complex), TypeError, "`predictions`"),
    Row("predictions", [[1.0]] * 14 + [[1.0, 2.0]], TypeError, "`predictions`"),
    Row("predictions", _gen(15), TypeError, "`predictions`"),
    Row("predictions", None, TypeError, "`predictions`"),
]

_CROSSING = np.concatenate([np.zeros((15, 1, 1)), -np.ones((15, 1, 1))], axis=-1)


def test_to_frame_refuses_crossing_quantiles() -> None:
    """A crossing level is mislabelled: score read a negative width from it (was accepted)."""
    outcome = _outcome(lambda: _windows_15().to_frame(_CROSSING, quantiles=[0.1, 0.9]))
    assert isinstance(outcome, ShapeError)
    assert "`predictions`'s quantiles cross: for the levels [0.1, 0.9]" in str(outcome)
    assert "15 of 15 predictions cross" in str(outcome)


@pytest.mark.parametrize("row", _params(TO_FRAME_ROWS))
def test_to_frame_errors(row: Row) -> None:
    _check(_windows_15().to_frame, row)


def test_to_frame_masked_predictions_are_missing_or_refused() -> None:
    w = _windows_15()
    hidden = np.ma.masked_array(np.full((15, 1), 123.0), mask=[[i == 0] for i in range(15)])
    outcome = _outcome(lambda: w.to_frame(hidden))
    if isinstance(outcome, Exception):
        assert "`predictions`" in str(outcome)
    else:
        assert np.isnan(outcome.iloc[0, 0])


# -- the way back to the data's units: transform, score (issue 19) ----------------------------
UNITS_ROWS = [
    # windows / split / folds: a change target undone from a level after the window
    Row("shift", 3, ShapeError, "transform='diff' with shift=3 > sampling_rate=1", {"test": 5}),
    Row("shift", 2, ShapeError, "undoing it needs the level of row L+1", {"test": 5}),
    Row(
        "shift",
        3,
        ShapeError,
        "transform='diff' with shift=3 > sampling_rate=2: the first target",
        {"test": 5, "sampling_rate": 2},
    ),
    Row(
        "data",
        np.array([1e308, -1e308, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
        ShapeError,
        "transform='diff' overflows: column 0 at row 1 is -1e+308",
        {"test": 2},
    ),
    Row(
        "transform",
        "pct_change",
        ShapeError,
        "transform='pct_change' overflows: column 0 at row 1",
        {"data": np.array([1e-300, 1e300, *np.arange(1.0, 9.0)]), "test": 2},
    ),
]


@pytest.mark.parametrize("row", _params(UNITS_ROWS))
@pytest.mark.parametrize("entry", ["windows", "split", "folds"])
def test_transform_framing_errors(row: Row, entry: str) -> None:
    def call(**kw: Any) -> Any:
        args = {"data": SERIES, "lookback": 1, "transform": "diff", **kw}
        test = args.pop("test")
        data, lookback = args.pop("data"), args.pop("lookback")
        if entry == "windows":
            return lstmshape.windows(data, lookback, **args)
        if entry == "split":
            return lstmshape.split(data, lookback, test=test, **args)
        return lstmshape.folds(data, lookback, n_folds=2, test=test // 2 or 1, **args)

    _check(call, row)


def _two_key_forecasts() -> pd.DataFrame:
    w = lstmshape.windows(TWO_KEYS, 3, group_by=["s", "i"], targets="a")
    return w.to_frame(w.y)


def _dated_two_key_forecasts() -> pd.DataFrame:
    dated = TWO_KEYS.set_index(pd.date_range("2020-01-01", periods=20))
    w = lstmshape.windows(dated, 3, group_by=["s", "i"], targets="a")
    return w.to_frame(w.y)


SCORE_ROWS = [
    Row(
        "actual",
        TWO_KEYS.drop(columns="i"),
        ShapeError,
        "The forecasts are grouped by 's', 'i', but `actual` has no column 'i'",
        {"forecasts": _two_key_forecasts()},
    ),
    Row("forecasts", "x", TypeError, "`forecasts` must be a DataFrame from Windows.to_frame"),
    Row("forecasts", [], ShapeError, "`forecasts` is an empty list"),
    Row("season", 0, ShapeError, "`season`"),
    Row(
        "forecasts",
        pd.DataFrame({"0+0": [1.0]}, index=[2]).pipe(lambda f: f.attrs.update(origin=3) or f),
        ShapeError,
        "made at row -1 (3 row(s) before it): there is no row before it",
    ),
    Row(
        "actual",
        pd.Series(np.arange(20.0), index=pd.date_range("2020-01-01", periods=20))[::-1],
        ShapeError,
        "The index of `actual` runs backwards in time",
        {"forecasts": pd.DataFrame({0: [1.0]}, index=pd.DatetimeIndex(["2020-01-05"]))},
    ),
    Row(
        "actual",
        TWO_KEYS.set_index(pd.date_range("2020-01-01", periods=20)).iloc[::-1],
        ShapeError,
        "The index of `actual (group ('x', 1))` runs backwards in time",
        {"forecasts": _dated_two_key_forecasts()},
    ),
]


QUANTILE_FRAME_ROWS = [
    Row("quantiles", "0.5", TypeError, "`quantiles` must be a list of quantile levels"),
    Row("quantiles", [], ShapeError, "`quantiles` must hold at least one level"),
    Row("quantiles", [0.5, 1.5], ShapeError, "`quantiles`"),
    Row("quantiles", [0.1, 0.9], ShapeError, "with 2 quantile levels need (15, 1, 2)"),
    Row("quantiles", None, ShapeError, "A trailing axis of 3: for a quantile model"),
]


@pytest.mark.parametrize("row", _params(QUANTILE_FRAME_ROWS))
def test_to_frame_quantile_errors(row: Row) -> None:
    w = _windows_15()
    _check(lambda **kw: w.to_frame(np.zeros((15, 1, 3)), **kw), row)


@pytest.mark.parametrize("row", _params(SCORE_ROWS))
def test_score_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"forecasts": pd.DataFrame({0: [1.0]}, index=[5]), "actual": SERIES, **kw}
        return lstmshape.score(args.pop("forecasts"), args.pop("actual"), **args)

    _check(call, row)


# -- build_model, check_model -----------------------------------------------------------------
BUILD_ROWS = [
    Row("windows", None, TypeError, "`windows` must be lstmshape.Windows or an input shape"),
    Row("windows", "5,2", TypeError, "`windows` must be lstmshape.Windows"),
    Row("windows", np.array([5, 2]), TypeError, "`windows` must be lstmshape.Windows"),
    Row("windows", ("a", 2), TypeError, "but lookback is 'a' (of type str)"),
    Row("windows", (5.0, 2), TypeError, "but lookback is 5.0 (of type float)"),
    Row("windows", (5, True), TypeError, "but features is True (of type bool)"),
    Row("windows", (5,), ShapeError, "must be (lookback, features), two axes"),
    Row("windows", (1, 5, 2), ShapeError, "has 3 axes, but an input shape leaves out the samples"),
    Row("windows", (0, 1), ShapeError, "but lookback is 0"),
    Row("windows", (5, None), ShapeError, "with a known number of features"),
    Row("units", 0, ShapeError, "`units` must be at least 1"),
    Row("units", 1.5, TypeError, "`units` must be an integer"),
    Row("layers", 0, ShapeError, "`layers` must be at least 1"),
    Row("layers", "2", TypeError, "`layers` must be an integer"),
    Row("bidirectional", 1, TypeError, "`bidirectional` must be True or False"),
    Row("merge_mode", 3, TypeError, "`merge_mode` must be a string"),
    Row(
        "merge_mode",
        "avg",
        ShapeError,
        "`merge_mode` must be one of 'sum', 'mul', 'ave', 'concat'",
        {"bidirectional": True},
    ),
    Row("merge_mode", None, ShapeError, "Keras' merge_mode=None", {"bidirectional": True}),
    Row("merge_mode", "sum", ShapeError, "`merge_mode` applies only to bidirectional models"),
    Row("dropout", 1, ShapeError, "`dropout` must be in [0, 1)"),
    Row("dropout", -0.1, ShapeError, "`dropout` must be in [0, 1)"),
    Row("dropout", float("nan"), ShapeError, "`dropout` must be in [0, 1)"),
    Row("dropout", "0.1", TypeError, "`dropout` must be a number"),
    Row("dropout", True, TypeError, "`dropout` must be a number"),
    Row("targets", 0, ShapeError, "`targets` must be at least 1"),
    Row("targets", 1.0, TypeError, "`targets` must be an integer"),
    Row("per_timestep", "yes", TypeError, "`per_timestep` must be True or False"),
    Row("output_activation", 3, TypeError, "`output_activation` must be the name"),
    Row(
        "output_activation",
        "nonsense",
        ShapeError,
        "`output_activation` must name a Keras activation",
    ),
    Row("units", 10**30, ShapeError, "`units`"),
    Row("units", 2**20, ShapeError, "LSTM weights, more than the 1,073,741,824"),
]


@pytest.mark.tf
@pytest.mark.parametrize("row", _params(BUILD_ROWS))
def test_build_model_errors(row: Row) -> None:
    pytest.importorskip("keras")

    def call(**kw: Any) -> Any:
        args = {"windows": (5, 2), **kw}
        return lstmshape.build_model(args.pop("windows"), **args)

    _check(call, row)


@pytest.mark.tf
@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"windows": "inputs_only"}, ShapeError, "Inputs-only windows have no targets"),
        ({"targets": 2}, ShapeError, "`targets=2` contradicts the windows"),
        ({"per_timestep": True}, ShapeError, "`per_timestep=True` contradicts the windows"),
        (
            {"windows": "categorical", "embedding_sizes": {"shop": 2}},
            ShapeError,
            "`embedding_sizes` names 'shop', which is not a `categorical` column of the "
            "windows (they have 'store', 'day')",
        ),
        (
            {"windows": "categorical", "embedding_sizes": [2]},
            TypeError,
            "`embedding_sizes` must be a dict {column: width}",
        ),
        (
            {"windows": "categorical", "embedding_sizes": {"store": 0}},
            ShapeError,
            "`embedding_sizes['store']` must be at least 1",
        ),
        (
            {"windows": (5, 2), "embedding_sizes": {"store": 2}},
            ShapeError,
            "`embedding_sizes` are for the `categorical` columns of windows; an input shape",
        ),
    ],
    ids=[
        "windows=inputs_only",
        "targets=2",
        "per_timestep=True",
        "embedding_sizes=unknown",
        "embedding_sizes=list",
        "embedding_sizes=0",
        "embedding_sizes+shape",
    ],
)
def test_build_model_from_windows_errors(kwargs: dict[str, Any], error: Any, fragment: str) -> None:
    pytest.importorskip("keras")
    w = _windows_15()
    if kwargs.get("windows") == "inputs_only":
        kwargs = {"windows": lstmshape.windows(SERIES, 5, inputs_only=True)}
    if kwargs.get("windows") == "categorical":
        cats = lstmshape.windows(LABELS, 3, targets="a", categorical=["store", "day"])
        kwargs = {**kwargs, "windows": cats}
    args = {"windows": w, **kwargs}
    with pytest.raises(error, match=re.escape(fragment)):
        lstmshape.build_model(args.pop("windows"), **args)


@pytest.fixture(scope="module")
def keras_models() -> dict[str, Any]:
    keras = pytest.importorskip("keras")
    one = keras.Input((5,))
    i1, i2 = keras.Input((5, 1)), keras.Input((5, 1))
    two_inputs = keras.Model([i1, i2], keras.layers.Dense(1)(keras.layers.LSTM(2)(i1)))
    i3 = keras.Input((5, 1))
    hidden = keras.layers.LSTM(2)(i3)
    two_outputs = keras.Model(i3, [keras.layers.Dense(1)(hidden), keras.layers.Dense(1)(hidden)])
    return {
        "fits": lstmshape.build_model((5, 1)),
        "rank": keras.Model(one, keras.layers.Dense(1)(one)),
        "lookback": lstmshape.build_model((6, 1)),
        "unbuilt": keras.Sequential([keras.layers.LSTM(3)]),
        "two_inputs": two_inputs,
        "two_outputs": two_outputs,
        "layer": keras.layers.LSTM(3),
    }


CHECK_ROWS = [
    Row("model", None, TypeError, "`model` must be a built Keras model"),
    Row("model", "model", TypeError, "`model` must be a built Keras model"),
    Row("model", "unbuilt", TypeError, "has no defined input shape yet"),
    Row("model", "layer", TypeError, "`model` must be a built Keras model"),
    Row("model", "two_inputs", TypeError, "with one input"),
    Row("model", "two_outputs", TypeError, "with one output"),
    Row("model", "rank", ShapeError, "the model takes 1 axis per sample, the windows give 2 axes"),
    Row("model", "lookback", ShapeError, "lookback differs (model 6, windows 5)"),
    Row("windows", None, TypeError, "`windows` must be lstmshape.Windows"),
    Row("windows", np.zeros((3, 5, 1)), TypeError, "`windows` must be lstmshape.Windows"),
    Row("windows", "per_timestep", ShapeError, "Per-timestep windows need return_sequences=True"),
]


@pytest.mark.tf
@pytest.mark.parametrize("row", _params(CHECK_ROWS))
def test_check_model_errors(row: Row, keras_models: dict[str, Any]) -> None:
    value = row.value
    if row.param == "model" and isinstance(value, str) and value in keras_models:
        value = keras_models[value]
    if row.param == "windows" and isinstance(value, str) and value == "per_timestep":
        value = lstmshape.windows(SERIES, 5, per_timestep=True)
    args = {"model": keras_models["fits"], "windows": _windows_15(), row.param: value}
    with pytest.raises(row.error, match=re.escape(row.fragment)):
        lstmshape.check_model(args["model"], args["windows"])


# -- datasets ----------------------------------------------------------------------------------
SYNTHETIC_ROWS = [
    Row("rows", 0, ShapeError, "`rows` must be at least 1"),
    Row("rows", 10.0, TypeError, "`rows` must be an integer"),
    Row("rows", None, TypeError, "`rows` must be an integer"),
    Row("seed", -1, ShapeError, "`seed` must be at least 0"),
    Row("seed", 1.5, TypeError, "`seed` must be an integer"),
    Row("start", "notadate", (ShapeError, TypeError), "`start`"),
    Row("start", None, TypeError, "`start`"),
    Row("start", 5, TypeError, "`start`"),
    Row("rows", 10**30, ShapeError, "`rows`"),
]


@pytest.mark.parametrize("row", _params(SYNTHETIC_ROWS))
def test_synthetic_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"rows": 10, **kw}
        return lsd.synthetic(args.pop("rows"), **args)

    _check(call, row)


CUMSUM_ROWS = [
    Row("samples", 0, ShapeError, "`samples` must be at least 1"),
    Row("samples", 1.5, TypeError, "`samples` must be an integer"),
    Row("lookback", 0, ShapeError, "`lookback` must be at least 1"),
    Row("lookback", "10", TypeError, "`lookback` must be an integer"),
    Row("seed", -1, ShapeError, "`seed` must be at least 0"),
    Row("threshold", "a", TypeError, "`threshold`"),
    Row("threshold", [1], TypeError, "`threshold`"),
    Row("threshold", float("nan"), ShapeError, "`threshold`"),
]


@pytest.mark.parametrize("row", _params(CUMSUM_ROWS))
def test_cumulative_sum_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"samples": 3, **kw}
        return lsd.cumulative_sum(args.pop("samples"), **args)

    _check(call, row)


# -- results cannot be made writable --------------------------------------------------------------
def _grouped() -> lstmshape.Windows:
    frame = pd.DataFrame({"g": [0] * 10 + [1] * 10, "a": np.arange(20.0)})
    return lstmshape.windows(frame, 3, group_by="g")


READ_ONLY = {
    "X view": lambda: lstmshape.windows(SERIES, 3).X,
    "y view": lambda: lstmshape.windows(SERIES, 3).y,
    "data": lambda: lstmshape.windows(SERIES, 3).data,
    "to_3d": lambda: lstmshape.to_3d(SERIES),
    "to_3d of ints": lambda: lstmshape.to_3d(np.arange(6)),
    "grouped y": lambda: _grouped().y,
    "split test X": lambda: lstmshape.split(SERIES, 3, test=5).test.X,
}
WRITABLE_BEFORE = {
    "grouped X copy": (
        lambda: _grouped().X,
        "a gathered copy of X owns its data, so "
        "flags.writeable=True succeeds and writes persist in the cached X",
    ),
    "NaN-gap X copy": (
        lambda: lstmshape.windows(np.r_[np.ones(8), np.nan, np.ones(8)], 3, dropna=True).X,
        "same: gathered copy",
    ),
    "out-of-order columns X": (
        lambda: lstmshape.windows(np.ones((10, 3)), 3, features=[2, 0]).X,
        "same",
    ),
    "starts": (
        lambda: _grouped().starts,
        "Windows.starts can be made writable; writes then "
        "move the windows batches() and to_frame read",
    ),
}


@pytest.mark.parametrize(
    "make",
    [pytest.param(f, id=k) for k, f in READ_ONLY.items()]
    + [pytest.param(f, id=k) for k, (f, _) in WRITABLE_BEFORE.items()],
)
def test_results_refuse_to_become_writable(make: Callable[[], np.ndarray]) -> None:
    result = make()
    assert not result.flags.writeable
    with pytest.raises(ValueError, match="WRITEABLE"):
        result.flags.writeable = True


# -- restoring a loader's state -------------------------------------------------------------------
def _state(**changes: Any) -> dict[str, Any]:
    state = _windows_15().batches(4, shuffle=True, seed=1).state_dict()
    return {**state, **changes}


STATE_ROWS = [
    Row("state", {"epoch": 0}, ShapeError, "takes the dict Batches.state_dict() returned"),
    Row("state", [0, 1], ShapeError, "with 'epoch', 'batch' and 'schedule'"),
    Row("state", _state(epoch=-1), ShapeError, "`state['epoch']` must be at least 0"),
    Row("state", _state(batch=1.5), TypeError, "`state['batch']` must be an integer"),
    Row("state", _state(batch=5), ShapeError, "state['batch'] must be at most the 4 batches"),
    Row(
        "state",
        {**_state(), "schedule": {**_state()["schedule"], "seed": 2}},
        ShapeError,
        "it was saved with seed=2 (now 1)",
    ),
    Row(
        "state",
        {**_state(), "schedule": {**_state()["schedule"], "n_samples": 16}},
        ShapeError,
        "n_samples=16 (now 15)",
    ),
]


@pytest.mark.parametrize("row", _params(STATE_ROWS))
def test_load_state_dict_errors(row: Row) -> None:
    _check(_windows_15().batches(4, shuffle=True, seed=1).load_state_dict, row)


GRAIN_ROWS = [
    Row("epochs", 0, ShapeError, "`epochs` must be at least 1"),
    Row("epochs", 1.5, TypeError, "`epochs` must be an integer"),
    Row("num_shards", 2, ShapeError, "`num_shards` and `shard_index` go together"),
    Row("shard_options", (0, 2), TypeError, "`shard_options` must be a grain.sharding"),
]


@pytest.mark.parametrize("row", _params(GRAIN_ROWS))
def test_to_grain_errors(row: Row) -> None:
    pytest.importorskip("grain")
    _check(_windows_15().to_grain, row)


SERVICE_ROWS = [
    Row("service", 5000, TypeError, "`service` must be the address of a tf.data service"),
    Row("service", "", TypeError, "`service` must be the address of a tf.data service"),
    Row(
        "service",
        "grpc://localhost:5000",
        ShapeError,
        "Pass reshuffle_each_iteration=False and build one dataset per epoch",
        {"shuffle": True, "seed": 0},
    ),
]


@pytest.mark.parametrize("row", _params(SERVICE_ROWS))
def test_to_dataset_service_errors(row: Row) -> None:
    pytest.importorskip("tensorflow")
    _check(_windows_15().to_dataset, row)


DEAL_ROWS = [
    Row("num_shards", 3, ShapeError, "`num_shards=3` is more than the 2 series with windows"),
    Row("num_shards", 0, ShapeError, "`num_shards` must be at least 1"),
    Row("sizes", [4, -1], ShapeError, "`sizes` must be at least 0"),
    Row("sizes", [4, 2.5], TypeError, "`sizes` must be an integer"),
]


@pytest.mark.parametrize("row", _params(DEAL_ROWS))
def test_deal_series_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        return lstmshape.BatchSchedule.deal_series(**{"sizes": [4, 0, 6], "num_shards": 2, **kw})

    _check(call, row)


# -- loaders of other frameworks, and pictures ----------------------------------------------
@pytest.mark.parametrize("row", _params(LOADER_ROWS + ITERATOR_ROWS))
def test_to_torch_errors(row: Row) -> None:
    pytest.importorskip("torch")
    loader = _windows_15().to_torch

    def call(**kw: Any) -> Any:  # to_torch takes the two shard options together
        return loader(**{"num_shards": 1, "shard_index": 0, **kw})

    _check(call, row)


TORCH_ROWS = [
    Row("device", "nowhere", TypeError, "`device` must be a torch.device or its name"),
    Row("device", 2.5, TypeError, "Received: device=2.5 (of type float)"),
    Row("prefetch", -1, ShapeError, "`prefetch` must be at least 0"),
    Row("prefetch", 1.5, TypeError, "`prefetch` must be an integer"),
]


@pytest.mark.parametrize("row", _params(TORCH_ROWS))
def test_to_torch_device_errors(row: Row) -> None:
    pytest.importorskip("torch")
    _check(_windows_15().to_torch, row)


def test_to_torch_on_a_device_this_build_lacks() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    row = Row("device", "cuda", ShapeError, "`device` 'cuda' cannot hold the rows")
    _check(_windows_15().to_torch, row)


@pytest.mark.parametrize("row", _params(LOADER_ROWS + ITERATOR_ROWS))
def test_to_pydataset_errors(row: Row) -> None:
    pytest.importorskip("keras")
    _check(_windows_15().to_pydataset, row)


PLOT_ROWS = [
    Row("samples", 0, ShapeError, "`samples`"),
    Row("samples", "all", TypeError, "`samples`"),
    Row("samples", [99], ShapeError, "`samples`"),
    Row("column", "nope", ShapeError, "`column`"),
    Row("ax", "axes", TypeError, "`ax`"),
    Row("model", np.zeros((2, 2)), ShapeError, "predictions"),
    Row("model", np.zeros((15, 1, 3)), ShapeError, "A trailing axis of 3: for a quantile model"),
    Row("quantiles", "0.5", TypeError, "`quantiles` must be a list of quantile levels"),
    Row(
        "quantiles",
        [0.1, 0.9],
        ShapeError,
        "need (15, 1, 2) (every sample, as model.predict(windows.X) gives) or (3, 1, 2)",
        {"model": np.zeros((15, 1, 3))},
    ),
    Row("quantiles", [0.1, 0.9], ShapeError, "`model`'s quantiles cross", {"model": _CROSSING}),
    Row("model", np.zeros((2, 2)), ShapeError, "Received: model of shape (2, 2)."),
]


@pytest.mark.parametrize("row", _params(PLOT_ROWS))
def test_windows_plot_errors(row: Row) -> None:
    pytest.importorskip("matplotlib")
    _check(_windows_15().plot, row)


@pytest.mark.parametrize(
    "row",
    _params(
        [
            Row("column", "nope", ShapeError, "`column`"),
            Row("group", "nope", (ShapeError, TypeError), "`group`"),
            Row("ax", 3, TypeError, "`ax`"),
        ]
    ),
)
def test_split_plot_errors(row: Row) -> None:
    pytest.importorskip("matplotlib")
    _check(lstmshape.split(SERIES, 3, test=5).plot, row)


def test_shuffled_shards_without_a_seed_are_refused() -> None:
    # Each worker draws its own permutation: without one shared seed the shards would
    # overlap. The old test also accepted success, so it could not fail.
    w = _windows_15()
    for k in (0, 1):
        with pytest.raises(ShapeError, match=r"Shuffled shards need a `seed`.*num_shards=2"):
            w.schedule(shuffle=True, num_shards=2, shard_index=k)
    served = sorted(
        int(i)
        for k in (0, 1)
        for i in w.schedule(shuffle=True, num_shards=2, shard_index=k, seed=3).order(0)
    )
    assert served == list(range(15))


@pytest.mark.parametrize("columns", [{}, {"v": np.arange(10.0)}, {"v": np.arange(3.0)}])
def test_explain_never_suggests_a_call_that_raises(columns: dict[str, Any]) -> None:
    # With no numeric column explain suggests no windows() call at all; with one, the
    # call it suggests must run. (The old test's `if match:` never ran for its input.)
    rows = len(next(iter(columns.values()))) if columns else 10
    frame = pd.DataFrame(columns, index=pd.date_range("2020-01-01", periods=rows))
    text = lstmshape.explain(frame)
    match = re.search(r"lstmshape\.windows\(data, lookback=(\d+)\)", text)
    if not columns:
        assert match is None and "no numeric column" in text
        return
    assert match is not None, text
    assert len(lstmshape.windows(frame, int(match.group(1)))) >= 1


def _polars_frame(**columns: Any) -> Any:
    pl = pytest.importorskip("polars")
    n = 12
    base = {
        "date": pd.date_range("2020-01-01", periods=n, freq="D", unit="us"),
        "v": np.arange(float(n)),
    }
    return pl.DataFrame({**base, **columns})


#: Frames of other libraries (built inside the test: polars is optional). Each row: the
#: frame's extra columns or a transformation, the error and its words.
FRAME_ROWS = [
    pytest.param(
        lambda: _polars_frame(again=pd.date_range("2021-01-01", periods=12, unit="us")),
        ShapeError,
        "`data` (polars frame) has 2 date/time columns ('date', 'again')",
        id="polars-two-date-columns",
    ),
    pytest.param(
        lambda: _polars_frame().with_columns(_pl().col("date").cast(_pl().String)),
        ShapeError,
        "Column 'date' of `data` (polars frame) holds dates as text",
        id="polars-text-dates",
    ),
    pytest.param(
        lambda: _polars_frame().reverse(),
        ShapeError,
        "The index of `data` runs backwards in time",
        id="polars-newest-first",
    ),
    pytest.param(
        lambda: _polars_frame(name=["a"] * 12),
        TypeError,
        "Column 'name' of `data` has non-numeric dtype str",
        id="polars-text-column",
    ),
    pytest.param(
        lambda: _polars_frame(v2=[1.0, None] * 6).lazy(),
        ShapeError,
        "`data` has NaN values in 6 rows",
        id="polars-lazy-nulls",
    ),
]


def _pl() -> Any:
    return pytest.importorskip("polars")


@pytest.mark.parametrize(("make", "error", "fragment"), FRAME_ROWS)
def test_frame_library_errors(make: Callable[[], Any], error: type, fragment: str) -> None:
    with pytest.raises(error, match=re.escape(fragment)):
        lstmshape.windows(make(), 3)


# -- forecast --------------------------------------------------------------------------------
class _Last:
    """A one-step model of any inputs: the last input row (of "past" for named inputs)."""

    def predict(self, x: Any) -> Any:
        past = x["past"] if isinstance(x, dict) else x
        return past[:, -1, :1]


class _Ahead:
    """A model of known-future inputs: the last level plus the future column, 2 rows ahead."""

    def predict(self, x: Any) -> Any:
        return x["past"][:, -1:, :1] + x["future"]


def _returns(output: Any) -> Callable[[Any], Any]:
    """A model that is a plain function, returning ``output`` whatever it is given."""

    def model(x: Any) -> Any:
        return output

    model.__name__ = f"returns {output!r}"[:30]
    return model


FC_DATA = pd.DataFrame(
    {"y": np.arange(20.0), "w": np.ones(20)}, index=pd.date_range("2020-01-01", periods=20)
)
FC_NEXT = pd.date_range("2020-01-21", periods=4)
FC_KNOWN = pd.DataFrame({"w": np.ones(4)}, index=FC_NEXT)
FC_FUTURE = {"model": _Ahead(), "targets": "y", "future": ["w"], "horizon": 2, "steps": 3}
NAN_LAST = FC_DATA.assign(y=[*range(19), np.nan])


class _IdentityScaler:
    """A fitted scaler that changes nothing (one per series in a dict)."""

    def fit(self, x: Any) -> _IdentityScaler:
        return self

    def transform(self, x: Any) -> Any:
        return np.asarray(x, dtype=np.float64)

    def inverse_transform(self, x: Any) -> Any:
        return np.asarray(x, dtype=np.float64)


FORECAST_ROWS = [
    Row("steps", 0, ShapeError, "`steps` must be at least 1"),
    Row("steps", 10**15, ShapeError, "more than the"),
    Row("model", object(), TypeError, "a torch.nn.Module, or a callable f(x) -> array"),
    Row("model", _returns(np.zeros((1, 5))), ShapeError, "but the windows promise (1, 1) or"),
    Row("model", _returns(np.full((1, 1), np.nan)), ShapeError, "returned NaN or infinite"),
    Row("model", _returns("text"), TypeError, "`model(x)` must be an array of model outputs"),
    Row("data", NAN_LAST, ShapeError, "reads the last 3 rows of `data` (lookback=3)"),
    Row(
        "fitted_scaler",
        {("n", 1): _IdentityScaler(), ("n", 2): _IdentityScaler()},
        ShapeError,
        "its own scaler, `fitted_scaler=fitted_scaler[('n', 1)]`",
    ),
    Row(
        "data",
        pd.DataFrame({"y": np.arange(5.0)}, index=list("abcde")),
        ShapeError,
        "a PeriodIndex",
    ),
    Row(
        "freq", "W", TypeError, "(a PeriodIndex carries its own)", {"data": FC_DATA.to_period("D")}
    ),
    Row("future_values", None, ShapeError, "Received: future_values=None", FC_FUTURE),
    Row("future_values", FC_KNOWN.iloc[:3], ShapeError, "has 3 rows, but the", FC_FUTURE),
    Row("future_values", FC_KNOWN.shift(1, freq="D"), ShapeError, "2020-01-22", FC_FUTURE),
    Row("future_values", FC_KNOWN.rename(columns={"w": "x"}), ShapeError, "lacks", FC_FUTURE),
    Row("future_values", np.ones((4, 2)), ShapeError, "must have shape (rows, 1)", FC_FUTURE),
    Row("future_values", [[1.0], [np.nan]] * 2, ShapeError, "NaN or infinite in row 1", FC_FUTURE),
    Row("future_values", "abc", TypeError, "an array of numbers of shape (rows, 1)", FC_FUTURE),
    Row("future_values", np.ones(4), ShapeError, "needs `future=`"),
    Row(
        "horizon",
        None,
        ShapeError,
        "pass forecast(..., horizon=h)",
        {k: v for k, v in FC_FUTURE.items() if k != "horizon"} | {"future_values": FC_KNOWN},
    ),
    Row(
        "categorical",
        "store",
        ShapeError,
        "forecast() codes the `categorical` columns with the vocabularies of training",
        {"data": LABELS.iloc[:10], "targets": "a", "features": "a", "static": "store"},
    ),
    Row(
        "categorical",
        "day",
        ShapeError,
        "forecast() does not take categorical `future` columns yet ('day')",
        {
            "data": LABELS.iloc[:10],
            "targets": "a",
            "features": "a",
            "future": "day",
            "vocabularies": LABEL_VOCABULARIES,
            "future_values": np.ones(4),
            "horizon": 2,
        },
    ),
    Row("model", _returns(np.zeros((1, 1, 3))), ShapeError, "A trailing axis of 3: for a quantile"),
    Row("quantiles", [0.1, 0.5, 0.9], ShapeError, "it has no quantile axis: a point model"),
    Row("quantiles", "0.5", TypeError, "`quantiles` must be a list of quantile levels"),
    Row(
        "quantiles",
        [0.1, 0.5],
        ShapeError,
        "it returned shape (1, 1, 3), and its last axis holds 3 values",
        {"model": _returns(np.zeros((1, 1, 3)))},
    ),
    Row(
        "quantiles",
        [0.1, 0.5, 0.9],
        ShapeError,
        "`model`'s quantiles cross: for the levels [0.1, 0.5, 0.9], model[0, 0] holds [1.0, 0.0, 2.0]",
        {"model": _returns(np.array([[[1.0, 0.0, 2.0]]]))},
    ),
    Row(
        "quantiles",
        [0.1, 0.9],
        ShapeError,
        "by feeding back its median, the level 0.5, which the levels [0.1, 0.9] lack",
        {"model": _returns(np.array([[[1.0, 2.0]]])), "features": "y"},
    ),
]


@pytest.mark.parametrize("row", _params(FORECAST_ROWS))
def test_forecast_errors(row: Row) -> None:
    def call(**kw: Any) -> Any:
        args = {"model": _Last(), "data": FC_DATA, "lookback": 3, "steps": 2, "targets": "y", **kw}
        return lstmshape.forecast(args.pop("model"), args.pop("data"), args.pop("lookback"), **args)

    _check(call, row)


PLOT_FORECAST_ROWS = [
    Row("forecast", np.ones((3, 1)), TypeError, "`forecast` must be the DataFrame"),
    Row("forecast", pd.DataFrame({"x": [1.0]}, index=[20]), ShapeError, "`data` has [0]"),
    Row("forecast", pd.DataFrame({0: [1.0]}, index=[5]), ShapeError, "must continue `data`'s"),
    Row("history", 0, ShapeError, "`history` must be at least 1"),
    Row("ax", "axes", TypeError, "`ax` must be matplotlib axes"),
    Row(
        "forecast",
        pd.DataFrame(
            [[1.0, 2.0]],
            index=[20],
            columns=pd.MultiIndex.from_tuples([(0, "lo"), (0, "hi")], names=["column", "quantile"]),
        ),
        TypeError,
        "`quantile` must hold numbers, the quantile levels in (0, 1); 'hi' is a str",
    ),
]


@pytest.mark.parametrize("row", _params(PLOT_FORECAST_ROWS))
def test_plot_forecast_errors(row: Row) -> None:
    pytest.importorskip("matplotlib")

    def call(**kw: Any) -> Any:
        args = {"data": SERIES, "forecast": pd.DataFrame({0: [1.0, 2.0]}, index=[20, 21]), **kw}
        return lstmshape.plot_forecast(args.pop("data"), args.pop("forecast"), **args)

    _check(call, row)
