"""score(): RMSE, MAE, MASE against hand computations; naive and seasonal naive; verdicts."""

from __future__ import annotations

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
