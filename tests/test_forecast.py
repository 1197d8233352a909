"""forecast(): iterated one-step models, multi-step horizons, future timestamps, refusals."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- oracles: a plain loop that slides the window and calls the model ---------------------------
def linear_model(horizon, n_targets):
    """A deterministic model of a window: step k is ``0.5 * last + 0.1 * first + k + 1``."""

    def model(x):
        x = np.asarray(x)
        assert x.shape[0] == 1 and x.shape[2] == n_targets
        steps = 0.5 * x[:, -1:, :] + 0.1 * x[:, :1, :] + np.arange(1, horizon + 1)[None, :, None]
        return steps[:, 0, :] if horizon == 1 else steps

    return model


def oracle(model, levels, lookback, steps, transform, scaler=None):
    """The forecast by hand: the window of the last rows, transformed, scaled, the model,
    unscaled, undone."""
    history = [np.asarray(row, dtype=float) for row in levels]
    made = []
    while len(made) < steps:
        rows = np.array(history)
        if transform == "diff":
            window = np.diff(rows[-lookback - 1 :], axis=0)
        elif transform == "log":
            window = np.log(rows[-lookback:])
        else:
            window = rows[-lookback:]
        if scaler is not None:
            window = scaler.transform(window)
        prediction = np.asarray(model(window[None])).reshape(-1, rows.shape[1])
        if scaler is not None:
            prediction = scaler.inverse_transform(prediction)
        if transform == "diff":
            block = rows[-1] + np.cumsum(prediction, axis=0)
        elif transform == "log":
            block = np.exp(prediction)
        else:
            block = prediction
        made.extend(block)
        history.extend(block)
    return np.array(made[:steps])


@settings(max_examples=25, deadline=None)
@given(
    n_rows=st.integers(1, 30),
    n_cols=st.integers(1, 2),
    lookback=st.integers(1, 6),
    steps=st.integers(1, 9),
    horizon=st.integers(1, 4),
    transform=st.sampled_from([None, "diff", "log"]),
    nan_rows=st.integers(0, 5),
    scale=st.booleans(),
)
def test_forecast_equals_a_plain_loop(
    n_rows, n_cols, lookback, steps, horizon, transform, nan_rows, scale
):
    need = lookback + (transform == "diff")
    n_rows = need + n_rows - 1  # at least the rows read
    rng = np.random.default_rng(n_rows * 7 + lookback)
    levels = 1.0 + rng.random((n_rows, n_cols)) * 5
    data = pd.DataFrame(levels, columns=[f"c{i}" for i in range(n_cols)])
    # NaN before the rows read changes nothing
    data.iloc[: max(0, min(nan_rows, n_rows - need)), 0] = np.nan
    model = linear_model(horizon, n_cols)
    # any affine map stands for a scaler fitted in training (fitted here on other values)
    scaler = MinMaxScaler().fit(rng.random((5, n_cols)) * 3 - 1) if scale else None
    out = lstmshape.forecast(
        model, data, lookback, steps=steps, transform=transform, fitted_scaler=scaler
    )
    expected = oracle(model, levels[-need:], lookback, steps, transform, scaler)
    np.testing.assert_allclose(out.to_numpy(), expected, rtol=1e-9, atol=1e-9)
    assert out.index.tolist() == list(range(n_rows, n_rows + steps))


def test_known_future_values_equal_a_plain_loop():
    idx = pd.date_range("2024-01-01", periods=30)
    data = pd.DataFrame({"load": np.arange(30.0) ** 1.5, "wd": idx.day_of_week * 1.0}, index=idx)
    ahead = pd.date_range("2024-01-31", periods=9)
    known = pd.DataFrame({"wd": ahead.day_of_week * 1.0, "other": 5.0}, index=ahead)

    class Model:
        def predict(self, x):
            assert set(x) == {"past", "future"} and x["future"].shape == (1, 3, 1)
            return x["past"][:, -1:, :1] + 0.5 * x["past"][:, :1, 1:] + x["future"]

    out = lstmshape.forecast(
        Model(), data, 4, steps=8, targets="load", future=["wd"], future_values=known, horizon=3
    )
    # by hand: the window is the last 4 rows (load, wd), the future rows' wd after it
    rows = data.to_numpy().tolist()
    made, k = [], 0
    while len(made) < 8:
        window = np.array(rows[-4:])
        future = known["wd"].to_numpy()[k : k + 3]
        block = window[-1, 0] + 0.5 * window[0, 1] + future
        made.extend(block)
        rows.extend([[b, f] for b, f in zip(block, future, strict=True)])
        k += 3
    np.testing.assert_allclose(out["load"], made[:8])
    assert out.index.equals(ahead[:8])
    # without future=, the frame's columns are the future columns
    alone = known[["wd"]]
    pd.testing.assert_frame_equal(
        out,
        lstmshape.forecast(
            Model(), data, 4, steps=8, targets="load", future_values=alone, horizon=3
        ),
    )
    # an array of the same values gives the same forecast; future= names its columns
    same = lstmshape.forecast(
        Model(), data, 4, steps=8, targets="load", future=["wd"],
        future_values=known["wd"].to_numpy(), horizon=3,
    )  # fmt: skip
    pd.testing.assert_frame_equal(same, out)


# -- regressions of issue 19 -----------------------------------------------------------------------
def test_a_keras_model_with_future_inputs_is_forecast_and_its_values_asked_for():
    pytest.importorskip("keras")
    idx = pd.date_range("2024-01-01", periods=40)
    data = pd.DataFrame({"load": np.sin(np.arange(40) / 3), "wd": idx.day_of_week / 6}, index=idx)
    w = lstmshape.windows(data, 6, horizon=3, targets="load", future=["wd"])
    model = lstmshape.build_model(w, units=4)
    ahead = pd.date_range("2024-02-10", periods=6)
    known = pd.DataFrame({"wd": ahead.day_of_week / 6}, index=ahead)
    out = lstmshape.forecast(model, data, 6, steps=5, targets="load", future_values=known)
    assert out.shape == (5, 1) and out.index.equals(ahead[:5])
    assert np.isfinite(out.to_numpy()).all()
    with pytest.raises(ShapeError, match=r"takes a 'future' input of shape \(None, 3, 1\)"):
        lstmshape.forecast(model, data, 6, steps=5, targets="load")


def test_nan_before_the_rows_read_is_fine_and_in_them_is_named_without_dropna():
    data = pd.Series(np.arange(30.0), index=pd.date_range("2024-01-01", periods=30), name="v")
    data.iloc[[3, 10]] = np.nan
    out = lstmshape.forecast(LastPlus(), data, 5, steps=2, transform="diff")
    assert out["v"].tolist() == [30.0, 31.0]
    data.iloc[-5] = np.nan  # read: the 6 last rows (5 + 1 for the diff)
    with pytest.raises(
        ShapeError, match=r"reads the last 6 rows .* row 25 \(index 2024-01-26\)"
    ) as e:
        lstmshape.forecast(LastPlus(), data, 5, steps=2, transform="diff")
    assert "dropna" not in str(e.value)


def test_a_period_index_continues_its_periods():
    data = pd.Series(np.arange(12.0), index=pd.period_range("2023-01", periods=12, freq="M"))
    out = lstmshape.forecast(LastPlus(1.0), data, 3, steps=3)
    assert isinstance(out.index, pd.PeriodIndex) and out.index.freqstr == "M"
    assert out.index.astype(str).tolist() == ["2024-01", "2024-02", "2024-03"]
    assert out[0].tolist() == [12.0, 13.0, 14.0]


def test_an_inferred_frequency_raises_no_pandas_warning():
    # no freq on the index: pandas.infer_freq warned (Pandas4Warning); filterwarnings=error
    index = pd.DatetimeIndex(list(pd.date_range("2024-01-31", periods=8, freq="ME")))
    assert index.freq is None
    out = lstmshape.forecast(LastPlus(), pd.Series(np.ones(8), index=index), 3, steps=2)
    assert out.index.strftime("%Y-%m-%d").tolist() == ["2024-09-30", "2024-10-31"]


def test_a_plain_callable_is_a_model():
    out = lstmshape.forecast(lambda x: x[:, -1, :] + 2, np.arange(5.0), 2, steps=3)
    assert out[0].tolist() == [6.0, 8.0, 10.0]


def test_a_torch_module_is_called_without_gradients_in_eval_mode():
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(1))
            self.seen = []

        def forward(self, x):
            self.seen.append((x["past"].dtype, x["future"].dtype, self.training))
            assert not torch.is_grad_enabled()
            return x["past"][:, -1:, :1] * self.scale + x["future"]

    net = Net()
    data = pd.DataFrame({"y": np.arange(10.0), "f": np.ones(10)})
    out = lstmshape.forecast(
        net, data, 3, steps=4, targets="y", future=["f"],
        future_values=np.full((4, 1), 10.0), horizon=2,
    )  # fmt: skip
    assert out["y"].tolist() == [19.0, 19.0, 29.0, 29.0]
    assert net.seen == [(torch.float32, torch.float32, False)] * 2 and net.training
    assert isinstance(out, pd.DataFrame) and out.index.tolist() == [10, 11, 12, 13]


def test_a_torch_module_of_one_array_returns_numpy_values():
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3, 1))
    with torch.no_grad():
        net[1].weight.fill_(1.0)
        net[1].bias.fill_(0.0)
    out = lstmshape.forecast(net, np.arange(4.0), 3, steps=1)
    assert out[0].tolist() == [6.0]  # 1 + 2 + 3


def test_lookback_is_positional_as_in_windows_and_split():
    out = lstmshape.forecast(LastPlus(), np.arange(6.0), 3, steps=1)
    assert out[0].tolist() == [5.0]
    with pytest.raises(TypeError, match="steps"):
        lstmshape.forecast(LastPlus(), np.arange(6.0), 3)


# -- the picture of a forecast after its history ---------------------------------------------------
def test_plot_forecast_draws_history_then_forecast_on_the_time_axis():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    data = pd.Series(np.arange(12.0), index=pd.period_range("2023-01", periods=12, freq="M"))
    data.name = "sales"
    future = lstmshape.forecast(LastPlus(1.0), data, 3, steps=4)
    fig = lstmshape.plot_forecast(data, future, history=6)
    history, drawn = fig.axes[0].lines[:2]
    assert history.get_ydata().tolist() == [6.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    assert drawn.get_ydata().tolist() == [11.0, 12.0, 13.0, 14.0, 15.0]  # joined to the last row
    assert pd.Timestamp(drawn.get_xdata()[1]) == pd.Timestamp("2024-01-01")  # the period's start
    assert fig.axes[0].get_title() == "forecast of 'sales': 4 steps after 2023-12"
    plt.close(fig)


def test_plot_forecast_of_numpy_rows_and_several_columns():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    data = np.c_[np.arange(40.0), -np.arange(40.0)]
    future = lstmshape.forecast(LastPlus(1.0), data, 4, steps=3)
    fig = lstmshape.plot_forecast(data, future)
    assert (
        len(fig.axes) == 2
        and fig.axes[1].get_title() == "forecast of column 1: 3 steps after row 39"
    )
    assert fig.axes[1].lines[1].get_xdata().tolist() == [39, 40, 41, 42]
    assert len(fig.axes[0].lines[0].get_xdata()) == 30  # default: max(4 * steps, 30) rows
    plt.close(fig)


@pytest.mark.parametrize(
    ("forecast_frame", "other", "error", "words"),
    [
        (np.ones((3, 1)), {}, TypeError, "`forecast` must be the DataFrame"),
        (pd.DataFrame({"x": [1.0]}, index=[20]), {}, ShapeError, "`data` has [0]"),
        (
            pd.DataFrame({0: [1.0]}, index=[5]),
            {},
            ShapeError,
            "must continue `data`'s (rows, last 19)",
        ),
        (
            pd.DataFrame({0: [1.0]}, index=[20]),
            {"history": 0},
            ShapeError,
            "`history` must be at least 1",
        ),
    ],
)
def test_plot_forecast_errors(forecast_frame, other, error, words):
    pytest.importorskip("matplotlib")
    with pytest.raises(error, match=re.escape(words)):
        lstmshape.plot_forecast(np.arange(20.0), forecast_frame, **other)


def test_a_long_frame_of_several_series_is_refused_with_the_way_to_forecast_each():
    df = pd.DataFrame(
        {"g": ["a"] * 20 + ["b"] * 20, "y": np.arange(40.0)},
        index=pd.date_range("2024-01-01", periods=40),
    )
    with pytest.raises(
        TypeError, match=r"column 'g' of 2 values that tells series apart.*data\.groupby\('g'\)"
    ):
        lstmshape.forecast(lambda x: x[:, -1, :], df, 4, steps=1, targets=["y"])
    # one series with a constant label column, or the label left out by `features`: forecast
    one = lstmshape.forecast(lambda x: x[:, -1, :], df[df.g == "b"].drop(columns="g"), 4, steps=1)
    assert one.iloc[0, 0] == 39.0


# -- quantile models: every level per step, the median fed back ---------------------------------
SPREAD = np.array([-0.3, 0.0, 0.2, 0.5])  # increasing offsets: levels that never cross
LEVELS = [0.1, 0.5, 0.7, 0.9]


def quantile_model(horizon, n_targets):
    """``linear_model`` plus a fixed offset per level: ``(1, [horizon,] n_targets, 4)``."""
    point = linear_model(horizon, n_targets)

    def model(x):
        return np.asarray(point(x))[..., None] + SPREAD

    return model


def quantile_oracle(model, levels, lookback, steps, transform, scaler=None):
    """The quantile forecast by hand: each level unscaled and undone on its own, from the
    last level known; the median (level 0.5, index 1) appended to the history."""
    history = [np.asarray(row, dtype=float) for row in levels]
    made = []
    while len(made) < steps:
        rows = np.array(history)
        before, after = rows[-lookback - 1 : -1], rows[-lookback:]
        if transform == "diff":
            window = after - before
        elif transform == "pct_change":
            window = after / before - 1
        elif transform == "log_diff":
            window = np.log(after / before)
        elif transform == "log":
            window = np.log(after)
        else:
            window = after
        if scaler is not None:
            names = getattr(scaler, "feature_names_in_", None)
            window = scaler.transform(
                window if names is None else pd.DataFrame(window, columns=names)
            )
        out = np.asarray(model(np.asarray(window)[None]))
        out = out.reshape(-1, rows.shape[1], len(SPREAD))  # (horizon, targets, levels)
        block = np.empty_like(out)
        for j in range(len(SPREAD)):
            level = out[..., j]
            if scaler is not None:
                level = scaler.inverse_transform(
                    level if names is None else pd.DataFrame(level, columns=names)
                )
            if transform == "diff":  # horizon 1 only: one change from the last level
                level = rows[-1] + level
            elif transform == "pct_change":  # increasing on positive levels
                level = rows[-1] * (1 + level)
            elif transform == "log_diff":
                level = rows[-1] * np.exp(level)
            elif transform == "log":
                level = np.exp(level)
            block[..., j] = level
        made.extend(block)
        history.extend(block[..., 1])  # the median
    return np.array(made[:steps])


@settings(max_examples=25, deadline=None)
@given(
    n_rows=st.integers(1, 20),
    n_cols=st.integers(1, 2),
    lookback=st.integers(1, 5),
    steps=st.integers(1, 8),
    horizon=st.integers(1, 3),
    transform=st.sampled_from([None, "diff", "pct_change", "log_diff", "log"]),
    scale=st.booleans(),
)
def test_quantile_forecast_equals_a_plain_loop_feeding_back_the_median(
    n_rows, n_cols, lookback, steps, horizon, transform, scale
):
    changes = transform in ("diff", "pct_change", "log_diff")
    if changes:
        horizon = 1  # a change over several steps is refused (test below)
    need = lookback + changes
    n_rows = need + n_rows - 1
    rng = np.random.default_rng(n_rows * 11 + lookback)
    levels = 1.0 + rng.random((n_rows, n_cols)) * 5
    names = [f"c{i}" for i in range(n_cols)]
    data = pd.DataFrame(levels, columns=names, index=pd.date_range("2024-03-01", periods=n_rows))
    model = quantile_model(horizon, n_cols)
    scaler = MinMaxScaler().fit(rng.random((5, n_cols)) * 3 - 1) if scale else None
    out = lstmshape.forecast(
        model, data, lookback, steps=steps, transform=transform, fitted_scaler=scaler,
        quantiles=LEVELS,
    )  # fmt: skip
    expected = quantile_oracle(model, levels[-need:], lookback, steps, transform, scaler)
    assert out.columns.names == ["column", "quantile"]
    assert out.columns.tolist() == [(n, q) for n in names for q in LEVELS]
    assert out.attrs["quantiles"] == LEVELS
    np.testing.assert_allclose(out.to_numpy().reshape(expected.shape), expected, rtol=1e-9)
    assert (np.diff(out.to_numpy().reshape(expected.shape), axis=-1) >= 0).all()
    assert out.index[0] == data.index[-1] + pd.Timedelta(days=1) and len(out) == steps
    # the median column is the point forecast of the model that returns only the median
    median = lstmshape.forecast(
        lambda x: np.asarray(model(x))[..., 1], data, lookback, steps=steps,
        transform=transform, fitted_scaler=scaler,
    )  # fmt: skip
    np.testing.assert_allclose(out.xs(0.5, axis=1, level="quantile"), median, rtol=1e-9)


def test_quantile_forecast_of_each_series_with_its_own_scaler_equals_the_loop():
    """A long frame (group_by) with per-series scalers: each series forecast on its own."""
    rng = np.random.default_rng(3)
    idx = pd.date_range("2024-01-01", periods=30)
    long = pd.concat(
        [
            pd.DataFrame({"shop": name, "sales": base + rng.random(30) * 10}, index=idx)
            for name, base in (("a", 10.0), ("b", 200.0))
        ]
    )
    parts = lstmshape.split(
        long, 4, test=5, group_by="shop", scaler=MinMaxScaler(), per_series=True,
        transform="diff",
    )  # fmt: skip
    model = quantile_model(1, 1)
    for name, rows in long.groupby("shop"):
        series = rows.drop(columns="shop")
        out = lstmshape.forecast(
            model, series, 4, steps=6, fitted_scaler=parts.scaler[name], transform="diff",
            quantiles=LEVELS,
        )  # fmt: skip
        expected = quantile_oracle(model, series.to_numpy()[-5:], 4, 6, "diff", parts.scaler[name])
        np.testing.assert_allclose(out.to_numpy(), expected[:, 0, :], rtol=1e-9)


def test_quantiles_of_a_change_over_a_horizon_are_refused():
    data = pd.Series(np.arange(20.0) + 1, name="y")
    with pytest.raises(ShapeError, match="a sum of quantiles is not a quantile of the sum"):
        lstmshape.forecast(quantile_model(3, 1), data, 4, steps=3, transform="diff",
                           quantiles=LEVELS)  # fmt: skip


def test_pct_change_on_negative_levels_reverses_the_quantiles_and_is_refused():
    data = pd.Series(-1.0 - np.arange(20.0), name="y")
    with pytest.raises(ShapeError, match="The quantiles cross once back in the data's units"):
        lstmshape.forecast(quantile_model(1, 1), data, 4, steps=2, transform="pct_change",
                           quantiles=LEVELS)  # fmt: skip


def test_a_quantile_model_within_its_horizon_needs_no_median():
    data = pd.Series(np.arange(20.0), name="y")
    model = lambda x: x[:, -1:, :, None] + np.zeros((1, 3, 1, 2)) + np.array([-1.0, 1.0])  # noqa: E731
    out = lstmshape.forecast(model, data, 4, steps=3, quantiles=[0.25, 0.75])
    assert out.shape == (3, 2) and out[("y", 0.25)].tolist() == [18.0] * 3
    with pytest.raises(ShapeError, match=re.escape("feeding back its median, the level 0.5")):
        lstmshape.forecast(model, data, 4, steps=4, quantiles=[0.25, 0.75])


def test_plot_forecast_of_quantiles_draws_the_median_and_a_band_per_pair_of_levels():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    data = pd.DataFrame(
        {"a": np.arange(12.0), "b": 100 - np.arange(12.0)},
        index=pd.date_range("2024-01-01", periods=12, freq="h"),
    )
    spread = np.array([-2.0, -1.0, 0.0, 1.0, 3.0])
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    future = lstmshape.forecast(
        lambda x: x[:, -1, :, None] + 1 + spread, data, 3, steps=4, quantiles=levels
    )
    fig = lstmshape.plot_forecast(data, future, history=5)
    assert len(fig.axes) == 2
    for panel, column in zip(fig.axes, ["a", "b"], strict=True):
        median = panel.lines[1].get_ydata()
        np.testing.assert_allclose(median[1:], future[(column, 0.5)])  # the median is the line
        assert median[0] == data[column].iloc[-1]  # joined to the last known value
        outer, inner = panel.collections
        assert outer.get_label() == "0.05 to 0.95 quantiles" and inner.get_label().startswith("_")
        # the outer band's outline: the last value, then the lowest level out, highest back
        ys = outer.get_paths()[0].vertices[:, 1]
        assert set(np.round(future[(column, 0.05)], 9)) <= set(np.round(ys, 9))
        assert set(np.round(future[(column, 0.95)], 9)) <= set(np.round(ys, 9))
    plt.close(fig)


def test_plot_forecast_of_two_levels_without_a_median_draws_the_lower_one_as_the_line():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    data = pd.Series(np.arange(10.0), name="y")
    future = lstmshape.forecast(
        lambda x: x[:, -1, :, None] + np.array([-1.0, 1.0]), data, 3, steps=1,
        quantiles=[0.3, 0.8],
    )  # fmt: skip
    fig = lstmshape.plot_forecast(data, future)
    assert fig.axes[0].lines[1].get_ydata().tolist() == [9.0, 8.0]  # 0.3: nearest 0.5
    assert fig.axes[0].collections[0].get_label() == "0.3 to 0.8 quantiles"
    plt.close(fig)


def test_a_keras_quantile_model_with_future_inputs_is_forecast_level_by_level():
    pytest.importorskip("keras")
    idx = pd.date_range("2024-01-01", periods=60)
    data = pd.DataFrame({"load": np.sin(np.arange(60) / 4) + 2, "wd": idx.day_of_week * 1.0}, idx)
    parts = lstmshape.split(data, 6, test=10, horizon=2, targets="load", future=["wd"])
    model = lstmshape.build_model(parts.train, units=4, quantiles=LEVELS)
    ahead = pd.date_range("2024-03-01", periods=6)
    known = pd.DataFrame({"wd": ahead.day_of_week * 1.0}, index=ahead)
    out = lstmshape.forecast(model, data, 6, steps=5, targets="load", future_values=known,
                             quantiles=LEVELS)  # fmt: skip
    assert out.shape == (5, 4) and out.columns.tolist() == [("load", q) for q in LEVELS]
    assert (np.diff(out.to_numpy(), axis=1) >= 0).all()  # never crossing, by construction
    with pytest.raises(ShapeError, match=r"`quantiles` names 2 levels \[0.1, 0.9\]"):
        lstmshape.forecast(model, data, 6, steps=2, targets="load", future_values=known,
                           quantiles=[0.1, 0.9])  # fmt: skip
