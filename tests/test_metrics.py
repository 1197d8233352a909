"""score(): RMSE, MAE, MASE against hand computations; naive and seasonal naive; verdicts."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import lstmshape
from lstmshape import ShapeError


def test_one_step_against_a_hand_computation():
    data = pd.Series([1.0, 3.0, 2.0, 5.0, 4.0, 6.0], name="y")
    w = lstmshape.windows(data, 2)  # targets rows 2..5
    predictions = np.array([[2.5], [4.0], [5.0], [5.0]])
    table = lstmshape.score(w.to_frame(predictions), data)
    truth = np.array([2.0, 5.0, 4.0, 6.0])
    model = predictions[:, 0] - truth
    naive = np.array([3.0, 2.0, 5.0, 4.0]) - truth
    scale = np.mean(np.abs(np.diff([1.0, 3.0])))  # history before row 2
    assert table.loc["model", "RMSE"] == pytest.approx(np.sqrt(np.mean(model**2)))
    assert table.loc["naive", "MAE"] == pytest.approx(np.mean(np.abs(naive)))
    assert table.loc["model", "MASE"] == pytest.approx(np.mean(np.abs(model)) / scale)
    assert table.loc["model", "vs naive"] == pytest.approx(
        np.sqrt(np.mean(model**2)) / np.sqrt(np.mean(naive**2))
    )
    assert "beats the naive forecast" in table.attrs["verdict"]


def test_folds_steps_seasons_and_an_honest_verdict():
    data = pd.DataFrame({"y": np.sin(np.arange(200) * 2 * np.pi / 7) + np.arange(200) / 40})
    cv = lstmshape.folds(data, 14, n_folds=3, test=14, horizon=2)
    # a poor model: always 0
    frames = [f.test.to_frame(np.zeros((len(f.test), 2, 1))) for f in cv]
    table = lstmshape.score(frames, data, season=7)
    assert table.index.names == ["fold", "step", "forecast"]
    assert set(table.index.get_level_values("fold")) == {0, 1, 2, "all"}
    assert set(table.index.get_level_values("step")) == {"+0", "+1", "all"}
    assert table.loc[("all", "all", "model"), "n"] == 3 * 13 * 2
    # a pure seasonal pattern plus a slow trend: the seasonal naive is nearly exact
    assert table.loc[("all", "all", "seasonal naive"), "RMSE"] < 0.2
    verdict = table.attrs["verdict"]
    assert "does not beat the naive forecast" in verdict and "better in 0 of 3 folds" in verdict
    # step +1 is scored two rows ahead of the naive origin
    one = frames[0]
    row = one.index[0]
    assert one.loc[row, "y+1"] == 0.0
    assert table.loc[(0, "+1", "model"), "MAE"] == pytest.approx(
        np.mean(np.abs(data["y"].to_numpy()[one.index + 1]))
    )


def test_grouped_frames_are_scored_series_by_series():
    a = pd.DataFrame({"g": "a", "y": np.arange(30.0)}, index=pd.date_range("2020", periods=30))
    b = a.assign(g="b", y=a["y"] * 2)
    data = pd.concat([a, b])
    parts = lstmshape.split(data, 3, test=5, group_by="g", targets=["y"])
    table = lstmshape.score(parts.test.to_frame(parts.test.y), data)
    assert table.loc["model", "RMSE"] == 0.0
    naive_errors = np.r_[np.ones(5), 2 * np.ones(5)]
    assert table.loc["naive", "RMSE"] == pytest.approx(np.sqrt(np.mean(naive_errors**2)))
    assert table.loc["naive", "MASE"] == pytest.approx(1.0)  # each series by its own scale


@pytest.mark.parametrize(
    ("forecasts", "actual", "error", "words"),
    [
        ("x", np.arange(10.0), TypeError, "to_frame"),
        ([], np.arange(10.0), ShapeError, "empty list"),
        (pd.DataFrame({"z": [1.0]}, index=[5]), np.arange(10.0), ShapeError, "no column"),
        (pd.DataFrame({0: [1.0]}, index=[50]), np.arange(10.0), ShapeError, "no row in `actual`"),
        (pd.DataFrame({0: [1.0]}, index=[0]), np.arange(10.0), ShapeError, "no row before it"),
    ],
)
def test_errors(forecasts, actual, error, words):
    with pytest.raises(error, match=words):
        lstmshape.score(forecasts, actual)


def test_one_row_of_history_scores_all_but_mase():
    # Padded windows (min_history=1) forecast row 1 from row 0 alone: the naive forecast
    # exists, the in-sample naive error (MASE's scale) does not.
    series = pd.DataFrame({"y": np.arange(1.0, 31.0)})
    w = lstmshape.windows(series, 6, min_history=1)
    table = lstmshape.score(w.to_frame(np.asarray(w.y) + 0.5), series)
    assert table.loc["model", "RMSE"] == pytest.approx(0.5)
    assert table.loc["model", "vs naive"] == pytest.approx(0.5)
    assert np.isnan(table.loc["model", "MASE"]) and table.loc["model", "n"] == 29


# -- the naive forecast repeats the last known level (issue 19) -------------------------------
def test_a_forecast_repeating_the_last_known_level_scores_one_vs_naive():
    # Old main: naive = actual[t - 1], two rows after the window's last input with shift=3,
    # and the honest "last value" forecast scored 2.98x the naive forecast.
    a = np.arange(100.0) ** 1.5
    test = lstmshape.split(a, 4, test=8, shift=3).test
    frame = test.to_frame(np.asarray(test.X)[:, -1, :])  # the last input row's level
    assert frame.attrs["origin"] == 3
    table = lstmshape.score(frame, a)
    assert table.loc["model", "vs naive"] == pytest.approx(1.0)
    assert table.loc["model", "RMSE"] == table.loc["naive", "RMSE"] > 0


def test_a_csv_round_trip_of_perfect_forecasts_scores_zero():
    # Old main: steps named v+k while they lie k * sampling_rate rows ahead (RMSE 0.29).
    s = pd.Series(np.sin(np.arange(200) / 5) + np.arange(200) / 30, name="v")
    w = lstmshape.windows(s, 5, horizon=3, sampling_rate=2)
    frame = w.to_frame(w.y)
    assert list(frame.columns) == ["v+0", "v+2", "v+4"]
    back = pd.read_csv(io.StringIO(frame.to_csv()), index_col=0)
    table = lstmshape.score(back, s)
    assert (table.xs("model", level="forecast")["RMSE"] == 0).all()


def test_seasonal_naive_scores_the_origins_that_have_a_season_of_history():
    # Old main: one origin without `season` rows before it made the whole row NaN.
    y = pd.Series(np.sin(np.arange(60) * 2 * np.pi / 12) + np.arange(60) / 10, name="y")
    w = lstmshape.windows(y, 3)  # targets at rows 3..59: the 9 before row 12 lack a season
    frame = w.to_frame(w.y)
    table = lstmshape.score(frame, y, season=12)
    seasonal = table.loc["seasonal naive"]
    assert seasonal["n"] == len(w) - 9 and np.isfinite(seasonal["RMSE"])
    truth = y.to_numpy()
    rows = frame.index.to_numpy()[9:]
    expected = np.sqrt(np.mean((truth[rows - 12] - truth[rows]) ** 2))
    assert seasonal["RMSE"] == pytest.approx(expected)
    naive_same_rows = np.sqrt(np.mean((truth[rows - 1] - truth[rows]) ** 2))
    assert seasonal["vs naive"] == pytest.approx(expected / naive_same_rows)
    assert (
        f"scored on {len(w) - 9} of {len(w)} values: 9 had fewer than 12 rows"
        in (table.attrs["verdict"])
    )


# -- MAPE, sMAPE, seasonal MASE (issue 23 part 5) ---------------------------------------------
def _one_step_case():
    rng = np.random.default_rng(3)
    y = pd.Series(10 + np.sin(np.arange(80) * 2 * np.pi / 7) + rng.normal(0, 0.2, 80), name="y")
    w = lstmshape.split(y, 5, test=20).test  # 55 rows of history before the first origin
    predictions = np.asarray(w.y) + rng.normal(0, 0.3, w.y.shape)
    return y, w.to_frame(predictions), predictions[:, 0]


def test_mape_is_100_times_sklearns():
    metrics = pytest.importorskip("sklearn.metrics")
    y, frame, p = _one_step_case()
    truth = y.to_numpy()[frame.index]
    table = lstmshape.score(frame, y)
    expected = 100 * metrics.mean_absolute_percentage_error(truth, p)
    assert table.loc["model", "MAPE"] == pytest.approx(expected, rel=1e-12)


def test_smape_follows_m4_and_darts():
    y, frame, p = _one_step_case()
    truth = y.to_numpy()[frame.index]
    terms = [2 * abs(f - a) / (abs(a) + abs(f)) for f, a in zip(p, truth, strict=True)]
    table = lstmshape.score(frame, y)
    assert table.loc["model", "sMAPE"] == pytest.approx(100 * sum(terms) / len(terms))


def test_mape_and_smape_at_zeros():
    y = pd.Series([1.0, 2.0, 0.0, 0.0, 3.0], name="y")
    frame = pd.DataFrame({"y": [0.0, 1.0, 2.0]}, index=[2, 3, 4])  # forecasts of rows 2..4
    table = lstmshape.score(frame, y)
    assert np.isnan(table.loc["model", "MAPE"])  # an actual 0: undefined
    # row 2: both 0 -> 0; row 3: 2*1/(0+1) = 2; row 4: 2*1/(3+2) = 0.4
    assert table.loc["model", "sMAPE"] == pytest.approx(100 * (0 + 2 + 0.4) / 3)


def test_seasonal_mase_is_scaled_by_the_seasonal_naive_in_sample():
    y, frame, p = _one_step_case()
    truth = y.to_numpy()
    table = lstmshape.score(frame, y, season=7)
    first_origin = frame.index[0] - 1
    history = truth[: first_origin + 1]
    seasonal_scale = np.mean([abs(history[i] - history[i - 7]) for i in range(7, len(history))])
    lag1_scale = np.mean([abs(history[i] - history[i - 1]) for i in range(1, len(history))])
    errors = np.abs(p - truth[frame.index])
    assert len(history) == 60 and seasonal_scale > 0
    assert table.loc["model", "MASE"] == pytest.approx(np.mean(errors) / seasonal_scale)
    assert table.loc["model", "MASE (lag 1)"] == pytest.approx(np.mean(errors) / lag1_scale)
    assert "MASE (lag 1)" not in lstmshape.score(frame, y).columns


# -- quantile forecasts: to_frame and score (issue 23 part 1) ---------------------------------
LEVELS = [0.1, 0.5, 0.9]


def _random_walk_case(n=1200, test=400, horizon=2):
    from statistics import NormalDist

    rng = np.random.default_rng(7)
    y = pd.Series(np.cumsum(rng.normal(0, 1, n)), name="y")
    w = lstmshape.split(y, 10, test=test, horizon=horizon).test
    z = np.array([NormalDist().inv_cdf(q) for q in LEVELS])
    last = np.asarray(w.X)[:, -1, 0]
    steps = np.sqrt(np.arange(1, horizon + 1))  # a random walk's spread after h steps
    p = last[:, None, None, None] + z[None, None, None, :] * steps[None, :, None, None]
    return y, w, p


def test_quantile_frame_has_a_column_per_step_and_level():
    _y, w, p = _random_walk_case()
    frame = w.to_frame(p, quantiles=LEVELS)
    assert frame.columns.names == ["column", "quantile"]
    assert list(frame.columns) == [(c, q) for c in ["y+0", "y+1"] for q in LEVELS]
    for j, q in enumerate(LEVELS):  # each level is the point frame of its slice
        point = w.to_frame(p[..., j])
        np.testing.assert_array_equal(frame.xs(q, axis=1, level="quantile"), point)
    assert frame.attrs == {"origin": 1, "quantiles": LEVELS}


def test_score_of_quantiles_against_loops_and_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    y, w, p = _random_walk_case()
    frame = w.to_frame(p, quantiles=LEVELS)
    table = lstmshape.score(frame, y)
    truth = y.to_numpy()
    for step in range(2):
        rows = frame.index.to_numpy() + step
        got = table.loc[(f"+{step}", "model")]
        given = p[:, step, 0, :]
        expected = np.mean(
            [
                metrics.mean_pinball_loss(truth[rows], given[:, j], alpha=q)
                for j, q in enumerate(LEVELS)
            ]
        )
        assert got["pinball"] == pytest.approx(expected)
        inside = [(given[i, 0] <= truth[r] <= given[i, 2]) for i, r in enumerate(rows)]
        assert got["coverage"] == pytest.approx(np.mean(inside))
        assert got["width"] == pytest.approx(np.mean(given[:, 2] - given[:, 0]))
        assert got["RMSE"] == pytest.approx(np.sqrt(np.mean((given[:, 1] - truth[rows]) ** 2)))
        # the naive forecast's quantiles: the last level plus the in-sample h-step changes
        history = truth[: frame.index[0]]
        h = step + 1
        changes = [history[i] - history[i - h] for i in range(h, len(history))]
        naive = truth[rows - step - 1][:, None] + np.quantile(changes, LEVELS)[None, :]
        naive_width = np.mean(naive[:, 2] - naive[:, 0])
        assert table.loc[(f"+{step}", "naive"), "width"] == pytest.approx(naive_width)
    # known noise: a 10-90 % interval covers about 80 % of the truth
    assert 0.75 < table.loc[("all", "model"), "coverage"] < 0.85
    assert table.attrs["interval"] == (0.1, 0.9)


def test_quantiles_with_a_change_target_undo_each_level_exactly_for_one_step():
    data = pd.Series(50 + np.cumsum(np.linspace(0.5, 1.5, 80)), name="v")
    parts = lstmshape.split(data, 6, test=12, transform="diff")
    w = parts.test
    spread = np.array([-0.3, 0.0, 0.4])
    p = np.asarray(w.y)[..., None] + spread
    frame = w.to_frame(p, quantiles=LEVELS)
    truth = data.to_numpy()[frame.index]
    np.testing.assert_allclose(frame.to_numpy(), truth[:, None] + spread[None, :])
    chained = lstmshape.split(data, 6, test=12, horizon=2, transform="diff").test
    with pytest.raises(ShapeError, match="a sum of quantiles is not a quantile of the sum"):
        chained.to_frame(np.zeros((len(chained), 2, 1, 3)), quantiles=LEVELS)


def test_a_quantile_axis_without_its_levels_is_named():
    _y, w, p = _random_walk_case()
    with pytest.raises(ShapeError, match=r"A trailing axis of 3: for a quantile model"):
        w.to_frame(p)
    with pytest.raises(ShapeError, match=r"with 3 quantile levels need"):
        w.to_frame(p[..., :2], quantiles=LEVELS)


def test_a_panel_is_scored_against_its_own_series():
    a, b = np.arange(30.0) ** 1.1, np.arange(40.0) * 2
    w = lstmshape.windows([a, b], 4)
    table = lstmshape.score(w.to_frame(w.y), [a, b])
    assert table.loc["model", "RMSE"] == 0 and table.loc["model", "n"] == len(w)
    frames = {
        "x": pd.DataFrame({"v": a}, index=pd.date_range("2024-01-01", periods=30)),
        "y": pd.DataFrame({"v": b}, index=pd.date_range("2024-01-01", periods=40)),
    }
    w = lstmshape.windows(frames, 4)
    by_dict = lstmshape.score(w.to_frame(w.y), frames)
    pd.testing.assert_frame_equal(by_dict, table)
    with pytest.raises(
        lstmshape.ShapeError,
        match=r"hold series 'y', which `actual` does not have; its series are 'x'",
    ):
        lstmshape.score(w.to_frame(w.y), {"x": frames["x"]})
    with pytest.raises(
        lstmshape.ShapeError, match=r"`actual` is a panel of 2 series, but the forecasts"
    ):
        lstmshape.score(lstmshape.windows(a, 4).to_frame(np.zeros((26, 1))), [a, b])


# -- the quantile coverage oracle (issue 23, done-when): known Gaussian noise ------------------
def _known_noise_case(n=3000, sigma=0.7, horizon=2, n_folds=3, test=600):
    """A signal plus N(0, sigma) noise; the analytic quantiles of the truth given the signal.

    Returns the series, the folds' test windows, their quantile predictions (the signal of
    each target row plus ``sigma * z_q``) and the levels.
    """
    from statistics import NormalDist

    rng = np.random.default_rng(11)
    t = np.arange(n)
    signal = 5 * np.sin(2 * np.pi * t / 50) + t / 200
    y = pd.Series(signal + rng.normal(0, sigma, n), name="y")
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    z = np.array([NormalDist().inv_cdf(q) for q in levels])
    parts = lstmshape.folds(y, 8, n_folds=n_folds, test=test, horizon=horizon)
    tests, predictions = [], []
    for fold in parts:
        w = fold.test
        rows = w.starts[:, None] + 8 + np.arange(horizon)[None, :]  # the target rows
        p = signal[rows][:, :, None, None] + sigma * z[None, None, None, :]
        tests.append(w)
        predictions.append(p)
    return y, tests, predictions, levels, sigma, z


def test_analytic_quantiles_cover_the_truth_within_binomial_tolerance():
    from statistics import NormalDist

    y, tests, predictions, levels, sigma, z = _known_noise_case()
    frames = [w.to_frame(p, quantiles=levels) for w, p in zip(tests, predictions, strict=True)]
    table = lstmshape.score(frames, y)
    truth = y.to_numpy()
    # every level: the share of the truth below it is q, within 4 binomial standard errors
    below = [[] for _ in levels]
    for frame in frames:
        for step in range(2):
            rows = frame.index.to_numpy() + step
            for j, q in enumerate(levels):
                below[j].extend(truth[rows] <= frame[(f"y+{step}", q)].to_numpy())
    n = len(below[0])
    assert n == int(table.loc[("all", "all", "model"), "n"]) == 3 * 2 * 600 - 3 * 2
    for j, q in enumerate(levels):
        assert abs(np.mean(below[j]) - q) < 4 * np.sqrt(q * (1 - q) / n), (q, np.mean(below[j]))
    coverage = table.loc[("all", "all", "model"), "coverage"]
    nominal = levels[-1] - levels[0]
    assert table.attrs["interval"] == (0.05, 0.95)
    assert abs(coverage - nominal) < 4 * np.sqrt(nominal * (1 - nominal) / n), coverage
    # the width is exact, and the pinball loss of a true quantile is sigma * pdf(z_q)
    assert table.loc[("all", "all", "model"), "width"] == pytest.approx(2 * sigma * z[-1])
    expected = np.mean([sigma * NormalDist().pdf(float(zq)) for zq in z])
    assert table.loc[("all", "all", "model"), "pinball"] == pytest.approx(expected, rel=0.05)
    # the noise is all that is left: the naive forecast's intervals are wider and cost more
    naive = table.loc[("all", "all", "naive")]
    assert naive["pinball"] > 1.5 * table.loc[("all", "all", "model"), "pinball"]


def test_score_of_quantile_folds_equals_loops_for_the_model_and_the_naive_forecast():
    y, tests, predictions, levels, _sigma, _z = _known_noise_case(
        n=900, n_folds=2, horizon=2, test=200
    )
    for w, p in zip(tests, predictions, strict=True):  # noise on the levels: not all inside
        p += np.random.default_rng(len(w)).normal(0, 0.5, p.shape[:-1])[..., None]
    frames = [w.to_frame(p, quantiles=levels) for w, p in zip(tests, predictions, strict=True)]
    table = lstmshape.score(frames, y)
    truth = y.to_numpy()
    pooled = {"model": [], "naive": []}  # (truth, quantiles) pairs of every fold and step
    for fold, frame in enumerate(frames):
        first_origin = frame.index[0] - 1
        history = truth[: first_origin + 1]  # what the fold's first forecaster knew
        for step in range(2):
            h = step + 1
            changes = [history[i] - history[i - h] for i in range(h, len(history))]
            spread = np.quantile(changes, levels)
            pairs = {"model": [], "naive": []}
            for label in frame.index:
                row, origin = label + step, label - 1
                if row >= len(truth):
                    continue
                model_q = [frame.loc[label, (f"y+{step}", q)] for q in levels]
                naive_q = [truth[origin] + s for s in spread]
                pairs["model"].append((truth[row], model_q))
                pairs["naive"].append((truth[row], naive_q))
            for name, found in pairs.items():
                pooled[name].extend(found)
                _assert_quantile_metrics(table.loc[(fold, f"+{step}", name)], found, levels)
    for name, found in pooled.items():
        _assert_quantile_metrics(table.loc[("all", "all", name)], found, levels)


def _assert_quantile_metrics(got, pairs, levels):
    """Pinball (mean over rows and levels), coverage and width of the outer levels, by loops."""
    losses, inside, widths = [], [], []
    for actual, quantiles in pairs:
        for q, p in zip(levels, quantiles, strict=True):
            error = actual - p
            losses.append(q * error if error >= 0 else (q - 1) * error)
        inside.append(quantiles[0] <= actual <= quantiles[-1])
        widths.append(quantiles[-1] - quantiles[0])
    assert got["pinball"] == pytest.approx(sum(losses) / len(losses), rel=1e-12)
    assert got["coverage"] == pytest.approx(sum(inside) / len(inside), rel=1e-12)
    assert got["width"] == pytest.approx(sum(widths) / len(widths), rel=1e-12)
    assert got["n"] == len(pairs)


def test_the_naive_quantiles_need_enough_changes_for_their_outer_levels() -> None:
    """One change claimed an interval of width 0 (coverage 0.0), none a coverage of 0.0."""
    v = pd.Series(np.cumsum(np.random.default_rng(0).normal(size=50)), name="v")
    levels = [0.1, 0.5, 0.9]
    for lookback, known in ((2, False), (3, False), (11, True)):
        w = lstmshape.windows(v, lookback, horizon=2)
        frame = w.to_frame(np.stack([w.y - 1, w.y, w.y + 1], -1), quantiles=levels)
        naive = lstmshape.score(frame, v).xs("naive", level="forecast")
        bands = naive[["pinball", "coverage", "width"]].to_numpy()
        # the first origin knows `lookback` rows: lookback - ahead changes of `ahead` rows
        assert np.isfinite(bands[0]).all() == known, (lookback, naive)
        assert not np.isfinite(bands[1]).any() or lookback > 11
