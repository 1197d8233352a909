"""forecast(): iterated one-step models, multi-step horizons, future timestamps, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lstmshape
from lstmshape import ShapeError

MinMaxScaler = pytest.importorskip("sklearn.preprocessing").MinMaxScaler


class LastPlus:
    """A fake one-step model: the next value is the last input plus ``delta``."""

    def __init__(self, delta=0.0):
        self.delta = delta
        self.calls = 0

    def predict(self, x):
        self.calls += 1
        assert x.shape[0] == 1
        return x[:, -1, :] + self.delta


class Steps:
    """A fake multi-step model of the first column: its last input plus 1, 2, ..., horizon."""

    def __init__(self, horizon):
        self.horizon = horizon

    def predict(self, x):
        return x[:, -1:, :1] + np.arange(1, self.horizon + 1)[None, :, None]


def test_one_step_model_is_iterated_on_its_own_predictions():
    data = pd.Series(np.arange(20.0), index=pd.date_range("2024-01-01", periods=20), name="y")
    model = LastPlus(1.0)
    out = lstmshape.forecast(model, data, 3, steps=5)
    assert out["y"].tolist() == [20.0, 21.0, 22.0, 23.0, 24.0] and model.calls == 5
    assert out.index[0] == pd.Timestamp("2024-01-21") and out.index.freqstr == "D"


def test_changes_scaled_and_undone():
    data = pd.DataFrame(
        {"y": 100 + np.arange(40.0) * 2}, index=pd.bdate_range("2024-01-01", periods=40)
    )
    parts = lstmshape.split(data, 5, test=8, scaler=MinMaxScaler(), transform="diff")
    # every diff is 2, so the scaled change is constant: the model repeats its last input
    out = lstmshape.forecast(
        LastPlus(), data, 5, steps=4, fitted_scaler=parts.scaler, transform="diff"
    )
    assert np.allclose(out["y"], 178 + 2 * np.arange(1, 5))
    assert out.index[0] == pd.Timestamp("2024-02-26")  # the Monday after Friday 2024-02-23


def test_multi_step_model_in_blocks_and_numpy_rows_continue():
    out = lstmshape.forecast(Steps(3), np.arange(10.0), 4, steps=7)
    assert out.index.tolist() == list(range(10, 17)) and out.index.name == "row"
    assert out[0].tolist() == [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]


def test_exogenous_features_need_a_long_enough_horizon():
    data = pd.DataFrame({"y": np.arange(30.0), "x": np.ones(30)})
    with pytest.raises(
        ShapeError, match=r"the features 'x' are neither targets nor `future` columns"
    ):
        lstmshape.forecast(Steps(2), data, 4, steps=3, targets=["y"])
    out = lstmshape.forecast(Steps(3), data, 4, steps=3, targets=["y"])
    assert out["y"].tolist() == [30.0, 31.0, 32.0] and out.index.tolist() == [30, 31, 32]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"steps": 0}, ShapeError, "`steps` must be at least 1"),
        ({"model": object()}, TypeError, "predict"),
        ({"horizon": 2}, ShapeError, "`horizon` is 2, but the model predicts 1"),
        ({"freq": "D"}, TypeError, "needs a DatetimeIndex"),
    ],
)
def test_errors(kwargs, error, words):
    options = {"model": LastPlus(), "data": np.arange(10.0), "steps": 2, "lookback": 3}
    options.update(kwargs)
    with pytest.raises(error, match=words):
        lstmshape.forecast(**options)


def test_no_frequency_is_an_error_with_the_fix():
    index = pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-09"])
    with pytest.raises(ShapeError, match="freq='B'"):
        lstmshape.forecast(LastPlus(), pd.Series([1.0, 2, 3, 4], index=index), 2, steps=2)
    out = lstmshape.forecast(
        LastPlus(), pd.Series([1.0, 2, 3, 4], index=index), 2, steps=2, freq="W"
    )
    assert out.index[0] == pd.Timestamp("2024-01-14")


def test_wrong_prediction_shape_is_named():
    class Wrong:
        def predict(self, x):
            return np.zeros((1, 5))

    with pytest.raises(ShapeError, match=r"returned shape \(1, 5\)"):
        lstmshape.forecast(Wrong(), np.arange(10.0), 3, steps=2)


def test_keras_model():
    keras = pytest.importorskip("keras")
    parts = lstmshape.split(np.sin(np.arange(80) / 4), 6, test=10)
    model = lstmshape.build_model(parts.train, units=4)
    assert isinstance(model, keras.Model)
    out = lstmshape.forecast(model, np.sin(np.arange(80) / 4), 6, steps=3)
    assert out.shape == (3, 1) and np.isfinite(out.to_numpy()).all()


class MaskedLast:
    """A model of padded windows: takes {"past", "mask"}, predicts the last real value + 1."""

    def __init__(self):
        self.masks = []

    def predict(self, x):
        assert set(x) == {"past", "mask"}
        self.masks.append(x["mask"][0].tolist())
        return x["past"][:, -1, :] + 1


def test_a_model_of_padded_windows_forecasts_from_a_short_history():
    model = MaskedLast()
    data = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-01-01", periods=3))
    out = lstmshape.forecast(model, data, 5, steps=3, min_history=2)
    np.testing.assert_array_equal(out.to_numpy()[:, 0], [4.0, 5.0, 6.0])
    assert list(out.index.strftime("%m-%d")) == ["01-04", "01-05", "01-06"]
    assert model.masks == [  # the real steps grow with every predicted row
        [False, False, True, True, True],
        [False, True, True, True, True],
        [True, True, True, True, True],
    ]
    with pytest.raises(ShapeError, match=r"need at least 5 rows \(lookback\)"):
        lstmshape.forecast(model, data, 5, steps=3)  # without min_history: too short
    with pytest.raises(ShapeError, match=r"even a padded window needs at least 4 rows"):
        lstmshape.forecast(model, data, 5, steps=3, min_history=4)


def test_a_keras_model_of_padded_windows():
    pytest.importorskip("keras")
    series = np.sin(np.arange(60) / 4)
    w = lstmshape.windows(series, 8, min_history=3)
    model = lstmshape.build_model(w, units=4)
    out = lstmshape.forecast(model, series[:5], 8, steps=2, min_history=3)
    assert out.shape == (2, 1) and np.isfinite(out.to_numpy()).all()


def test_min_history_must_match_the_keras_models_mask():
    pytest.importorskip("keras")
    series = np.sin(np.arange(60) / 4)
    masked = lstmshape.build_model(lstmshape.windows(series, 8, min_history=3), units=4)
    with pytest.raises(ShapeError, match=r"The model takes a 'mask' input: .* min_history=k"):
        lstmshape.forecast(masked, series, 8, steps=2)
    plain = lstmshape.build_model(lstmshape.windows(series, 8), units=4)
    with pytest.raises(ShapeError, match=r"its inputs \(.*\) have none: .* min_history=3"):
        lstmshape.forecast(plain, series, 8, steps=2, min_history=3)
