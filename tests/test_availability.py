"""as_published: covariates aligned by when each value became known, against a plain loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError


def known_at_oracle(times, values, labels_order, at):
    """For each time in `at`, the value with the latest publication <= that time (a loop)."""
    out = []
    for t in at:
        best = None
        for k in labels_order:  # ties in publication time: the later-described value wins
            if times[k] <= t and (best is None or times[k] >= times[best]):
                best = k
        out.append(np.nan if best is None else values[best])
    return np.array(out, dtype=float)


@settings(max_examples=60, deadline=None)
@given(
    n_periods=st.integers(1, 8),
    lag_days=st.integers(0, 40),
    n_days=st.integers(1, 120),
    start_offset=st.integers(-40, 40),
)
def test_monthly_with_a_lag_equals_a_loop(n_periods, lag_days, n_days, start_offset):
    periods = pd.period_range("2024-01", periods=n_periods, freq="M")
    values = np.arange(1.0, n_periods + 1)
    cov = pd.Series(values, index=periods, name="x")
    days = pd.date_range(
        pd.Timestamp("2024-02-01") + pd.Timedelta(days=start_offset), periods=n_days
    )
    got = lstmshape.as_published(cov, days, available_after=f"{lag_days}D")
    times = [(p + 1).start_time + pd.Timedelta(days=lag_days) for p in periods]
    want = known_at_oracle(times, values, range(n_periods), days)
    np.testing.assert_array_equal(got["x"].to_numpy(), want)
    assert got.index.equals(days)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_irregular_publications_equal_a_loop(data):
    n = data.draw(st.integers(1, 10))
    hours = data.draw(st.lists(st.integers(0, 24 * 30), min_size=n, max_size=n))
    labels = pd.date_range("2024-01-01", periods=n, freq="D")
    published = [labels[k] + pd.Timedelta(hours=h) for k, h in enumerate(hours)]
    cov = pd.DataFrame({"x": np.arange(n, dtype=float), "y": -np.arange(n, dtype=float)})
    cov.index = labels
    cov["when"] = published
    at = pd.date_range("2024-01-01", periods=data.draw(st.integers(1, 80)), freq="12h")
    got = lstmshape.as_published(cov, at, published="when")
    assert list(got.columns) == ["x", "y"]
    want = known_at_oracle(published, cov["x"].to_numpy(), range(n), at)
    np.testing.assert_array_equal(got["x"].to_numpy(), want)


def test_no_window_reads_a_value_published_after_its_timesteps():
    # A monthly figure published 14 days after its month, beside a daily target: every
    # timestep of every window holds the value known at that timestep's date, nothing later.
    days = pd.date_range("2024-01-01", "2024-06-30", freq="D")
    months = pd.period_range("2023-12", "2024-06", freq="M")
    figure = pd.Series(np.arange(len(months), dtype=float) * 10, index=months, name="figure")
    data = pd.DataFrame({"load": np.sin(np.arange(len(days)) / 5)}, index=days)
    data = data.join(lstmshape.as_published(figure, data, available_after="14D"))
    w = lstmshape.windows(data, 20, targets="load", dropna=True)
    publication = {p: (p + 1).start_time + pd.Timedelta(days=14) for p in months}
    for sample in range(len(w)):
        rows = w.starts[sample] + np.arange(20)
        for step, row in enumerate(rows):
            at = data.index[row]
            value = w.X[sample, step, 1]
            describing = months[int(value // 10)]
            assert publication[describing] <= at  # published by this timestep
            later = [p for p in months if publication[p] <= at]
            assert describing == max(later)  # and it is the newest one known then


def test_a_naive_join_would_leak():
    # The same figure joined by its month (what `reindex(method="ffill")` on the month start
    # gives) shows values before their publication: the leak as_published prevents.
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    months = pd.period_range("2024-01", periods=3, freq="M")
    figure = pd.Series([1.0, 2.0, 3.0], index=months, name="figure")
    naive = figure.to_timestamp().reindex(days, method="ffill")
    known = lstmshape.as_published(figure, days, available_after="14D")["figure"]
    assert naive.loc["2024-01-10"] == 1.0  # January's figure, ten days into January
    assert np.isnan(known.loc["2024-01-10"])  # not yet published
    assert known.loc["2024-02-15"] == 1.0 and known.loc["2024-03-15"] == 2.0


def test_zero_lag_is_known_as_the_period_ends():
    months = pd.period_range("2024-01", periods=2, freq="M")
    days = pd.to_datetime(["2024-01-31", "2024-02-01", "2024-03-01"])
    got = lstmshape.as_published(pd.Series([1.0, 2.0], index=months), days, available_after=0)
    assert got.iloc[:, 0].tolist()[1:] == [1.0, 2.0]
    assert np.isnan(got.iloc[0, 0])


def test_the_callers_data_is_not_changed():
    months = pd.period_range("2024-01", periods=3, freq="M")
    cov = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=months)
    before = cov.copy()
    lstmshape.as_published(cov, pd.date_range("2024-01-01", periods=90), available_after="1D")
    pd.testing.assert_frame_equal(cov, before)


MONTHS = pd.Series([1.0, 2.0], index=pd.period_range("2024-01", periods=2, freq="M"), name="x")
DAYS = pd.date_range("2024-01-01", periods=60)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "pattern"),
    [
        (([1.0, 2.0], DAYS), {"available_after": "1D"}, TypeError, r"`covariates` must be a pandas Series or DataFrame.*of type list"),
        ((MONTHS, np.arange(5)), {"available_after": "1D"}, TypeError, r"`on` must be the data's DatetimeIndex.*of type ndarray"),
        ((MONTHS, DAYS[::-1]), {"available_after": "1D"}, ShapeError, r"`on` must run forward in time.*from 2024-02-29 to 2024-01-01"),
        ((MONTHS, DAYS), {}, ShapeError, r"exactly one of `available_after`.*or `published`.*available_after=None, published=None"),
        ((MONTHS.to_frame().assign(p=DAYS[:2]), DAYS), {"available_after": "1D", "published": "p"}, ShapeError, r"exactly one of"),
        ((MONTHS, DAYS), {"available_after": "-1D"}, ShapeError, r"must not be negative.*available_after='-1D'"),
        ((MONTHS, DAYS), {"available_after": "soon"}, TypeError, r"must be a lag such as '14D'.*'soon' \(of type str\)"),
        ((MONTHS, DAYS), {"available_after": True}, TypeError, r"must be a lag.*True \(of type bool\)"),
        ((MONTHS.reset_index(drop=True), DAYS), {"available_after": "1D"}, ShapeError, r"indexed by the period \(PeriodIndex\) or time.*RangeIndex"),
        ((MONTHS, DAYS), {"published": "nope"}, TypeError, r"`published` must name a column.*'nope' \(of type str\)"),
        ((MONTHS, DAYS), {"published": pd.Series(DAYS[:3])}, ShapeError, r"one time per covariate row: 2 rows, 3 times"),
        ((MONTHS.to_frame().assign(p=[DAYS[40], pd.NaT]), DAYS), {"published": "p"}, ShapeError, r"the value for 2024-02 has none \(NaT\)"),
        ((MONTHS.to_frame().assign(p=[pd.Timestamp("2023-12-01"), DAYS[40]]), DAYS), {"published": "p"}, ShapeError, r"before the period it describes begins: the value for 2024-01 is published at 2023-12-01"),
        ((MONTHS.to_frame().assign(s=["a", "b"]), DAYS), {"available_after": "1D"}, ShapeError, r"Covariate column 's' must be numeric.*holds (object|str)"),
    ],
)  # fmt: skip
def test_errors(args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lstmshape.as_published(*args, **kwargs)


def test_time_zones_must_agree():
    with pytest.raises(ShapeError, match=r"both carry a time zone or both not.*`on` is UTC"):
        lstmshape.as_published(MONTHS, DAYS.tz_localize("UTC"), available_after="1D")
