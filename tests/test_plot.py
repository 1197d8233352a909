"""Pictures: Windows.plot and Split.plot, checked by their artists, data and labels."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import lstmshape
from lstmshape._readers.plot import plot_split, plot_windows
from lstmshape.datasets import synthetic


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic(200)


class MinMax:
    """A tiny per-column scaler with scikit-learn's interface (no sklearn needed)."""

    def fit(self, values):
        values = np.asarray(values)
        self.low, self.high = values.min(axis=0), values.max(axis=0)
        self.n_features_in_ = values.shape[1]
        return self

    def transform(self, values):
        return (np.asarray(values) - self.low) / (self.high - self.low)

    def inverse_transform(self, values):
        return np.asarray(values) * (self.high - self.low) + self.low


class Persistence:
    """A Keras-like model: predicts the last input of the first feature for every step."""

    def __init__(self, steps=None):
        self.steps, self.seen = steps, []

    def predict(self, x, verbose="auto"):
        self.seen.append((x.shape, verbose))
        last = x[:, -1, :1]
        return last if self.steps is None else np.repeat(last[:, None, :], self.steps, axis=1)


def texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def spans(ax):
    return [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches]


# -- Windows.plot ---------------------------------------------------------------------------
def test_many_to_one_numpy_draws_inputs_and_targets_of_first_middle_last_sample():
    w = lstmshape.windows(np.arange(50.0) * 2, 5)
    fig = plot_windows(w)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 3
    for ax, s in zip(fig.axes, [0, 22, 44], strict=True):
        inputs, target = ax.lines
        np.testing.assert_array_equal(inputs.get_xdata(), np.arange(s, s + 5))
        np.testing.assert_array_equal(inputs.get_ydata(), w.X[s, :, 0])
        np.testing.assert_array_equal(target.get_xdata(), [s + 5])
        np.testing.assert_array_equal(target.get_ydata(), w.y[s])
        assert ax.get_ylabel() == "column 0"
    assert fig.axes[1].get_title() == "sample 22: inputs rows 22..26, target row 27"
    assert texts(fig.axes[0]) == ["inputs", "target"]
    assert fig.axes[2].get_xlabel() == "row"
    assert fig.axes[0].get_legend() is not None and fig.axes[1].get_legend() is None


def test_dataframe_windows_are_drawn_at_their_timestamps(frame):
    w = lstmshape.windows(frame, 10, targets=["load"])
    fig = plot_windows(w, samples=2)
    last = len(w) - 1
    inputs, target = fig.axes[1].lines
    np.testing.assert_array_equal(inputs.get_xdata(), frame.index[last : last + 10].to_numpy())
    np.testing.assert_array_equal(inputs.get_ydata(), w.X[last, :, 0])
    assert target.get_xdata()[0] == w.target_index[last]
    assert target.get_ydata()[0] == w.y[last, 0]
    assert fig.axes[0].get_title() == "sample 0: inputs 2020-01-01..2020-01-10, target 2020-01-11"
    assert fig.axes[1].get_xlabel() == "date"
    assert fig.axes[1].get_ylabel() == "load"
    assert isinstance(fig.axes[0].xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


@pytest.mark.parametrize("squeeze", [False, True])
def test_multi_step_horizon_draws_targets_and_predictions(frame, squeeze):
    w = lstmshape.windows(frame, 10, horizon=4, targets=["load", "price"])
    predictions = w.y * 0 + 1.0  # (samples, 4, 2)
    fig = plot_windows(w, predictions, samples=3)
    s = len(w) // 2
    _, target, predicted = fig.axes[1].lines
    np.testing.assert_array_equal(target.get_xdata(), frame.index[s + 10 : s + 14].to_numpy())
    np.testing.assert_array_equal(target.get_ydata(), w.y[s, :, 0])
    np.testing.assert_array_equal(predicted.get_xdata(), target.get_xdata())
    np.testing.assert_array_equal(predicted.get_ydata(), np.ones(4))
    assert texts(fig.axes[0]) == ["inputs", "target", "prediction"]
    assert "targets 2020-" in fig.axes[1].get_title()
    one = lstmshape.windows(frame, 10, horizon=4, targets=["load"])
    values = one.y[..., 0] if squeeze else one.y  # (samples, 4) is taken as (samples, 4, 1)
    fig = plot_windows(one, values, samples=1)
    np.testing.assert_array_equal(fig.axes[0].lines[2].get_ydata(), one.y[0, :, 0])


def test_per_timestep_targets_are_the_rows_shift_after_each_input(frame):
    w = lstmshape.windows(frame[["load"]], 8, per_timestep=True, shift=2)
    fig = plot_windows(w, w.y, samples=[5])
    inputs, target, predicted = fig.axes[0].lines
    np.testing.assert_array_equal(inputs.get_xdata(), frame.index[5:13].to_numpy())
    np.testing.assert_array_equal(target.get_xdata(), frame.index[7:15].to_numpy())
    np.testing.assert_array_equal(target.get_ydata(), w.y[5, :, 0])
    np.testing.assert_array_equal(predicted.get_ydata(), w.y[5, :, 0])
    assert fig.axes[0].get_title() == (
        "sample 5: inputs 2020-01-06..2020-01-13, targets 2020-01-08..2020-01-15"
    )


def test_inputs_only_predictions_are_drawn_after_the_window(frame):
    w = lstmshape.windows(frame, 10, inputs_only=True, horizon=3, shift=2, targets=["load"])
    fig = plot_windows(w, np.zeros((len(w), 3, 1)))
    ax = fig.axes[-1]
    assert [line.get_label() for line in ax.lines] == ["inputs", "prediction"]
    end = frame.index[-1]
    expected = pd.DatetimeIndex([end + pd.Timedelta(days=d) for d in (2, 3, 4)])
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), expected.to_numpy())
    assert ax.get_title().endswith("forecast for 2020-07-20..2020-07-22")
    # Without predictions the window alone, and the title still says what it forecasts.
    fig = plot_windows(w, samples=1)
    assert [line.get_label() for line in fig.axes[0].lines] == ["inputs"]
    assert "forecast for 2020-01-12..2020-01-14" in fig.axes[0].get_title()


def test_inputs_only_numpy_and_an_index_without_freq_continue_the_row_spacing():
    w = lstmshape.windows(np.arange(30.0), 5, inputs_only=True)
    fig = plot_windows(w, np.arange(len(w), dtype=float), samples=1)
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_xdata(), [5])
    every_other_day = pd.Series(
        np.arange(20.0), index=pd.date_range("2021-01-01", periods=20, freq="2D")
    )
    every_other_day.index.freq = None
    w = lstmshape.windows(every_other_day, 5, inputs_only=True)
    fig = plot_windows(w, np.zeros(len(w)), samples=[len(w) - 1])
    assert pd.Timestamp(fig.axes[0].lines[1].get_xdata()[0]) == pd.Timestamp("2021-02-10")


def test_a_time_zone_index_is_drawn_and_titled_in_its_own_time_zone(frame):
    w = lstmshape.windows(frame.iloc[:60].tz_localize("Asia/Tokyo"), 10, targets=["load"])
    fig = plot_windows(w, samples=1)
    fig.canvas.draw()
    assert fig.axes[0].get_title() == "sample 0: inputs 2020-01-01..2020-01-10, target 2020-01-11"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][:2] == ["Jan", "03"]


def test_a_numeric_index_is_the_x_axis(frame):
    w = lstmshape.windows(frame.reset_index(drop=True), 10, inputs_only=True, horizon=2)
    fig = plot_windows(w, np.zeros((len(w), 2, 4)), samples=1)
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_xdata(), [10, 11])
    assert fig.axes[0].get_xlabel() == "index"
    assert fig.axes[0].get_title() == "sample 0: inputs 0..9, forecast for 10..11"


def test_grouped_windows_name_their_group(frame):
    data = frame.assign(site=np.repeat(["north", "south"], 100))
    w = lstmshape.windows(data, 10, group_by="site", targets=["load"])
    fig = plot_windows(w, samples=4)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("group 'north', sample 0: inputs 2020-01-01..")
    assert titles[-1].startswith(f"group 'south', sample {len(w) - 1}: ")
    south = np.flatnonzero(w.groups == "south")[0]
    fig = plot_windows(w, samples=[south])
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), w.X[south, :, 0])


def test_values_are_drawn_in_original_units_with_a_scaler(frame):
    parts = lstmshape.split(frame, 10, test=30, targets=["load"], scaler=MinMax())
    w = parts.test
    assert w.scaler is not None and w.X.max() > 1  # test rows leave the training range
    fig = plot_windows(w, w.y, samples=[0])
    inputs, target, predicted = fig.axes[0].lines
    rows = np.flatnonzero(frame.index == w.end_index[0])[0] - np.arange(9, -1, -1)
    np.testing.assert_allclose(inputs.get_ydata(), frame["load"].to_numpy()[rows])
    np.testing.assert_allclose(target.get_ydata(), [frame["load"].iloc[rows[-1] + 1]])
    np.testing.assert_allclose(predicted.get_ydata(), w.to_frame(w.y)["load"].iloc[:1])


def test_a_scikit_learn_scaler_is_undone_on_any_drawn_column(frame):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    parts = lstmshape.split(
        frame, 10, test=30, targets=["load"], scaler=preprocessing.StandardScaler()
    )
    fig = plot_windows(parts.test, samples=[0], column="temperature")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), frame["temperature"].iloc[160:170])
    ax = plot_split(parts, column="humidity").axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), frame["humidity"].to_numpy())


def test_a_model_predicts_only_the_drawn_samples(frame):
    w = lstmshape.windows(frame, 10, horizon=2, targets=["load"])
    model = Persistence(steps=2)
    fig = plot_windows(w, model, samples=2)
    assert model.seen == [((2, 10, 4), 0)]  # two samples, quietly
    assert "X" not in vars(w)  # X was not read: the two samples were gathered from the data
    np.testing.assert_array_equal(fig.axes[1].lines[2].get_ydata(), [w.X[-1, -1, 0]] * 2)


@pytest.mark.tf
def test_a_keras_model_is_called_on_the_drawn_samples(frame):
    pytest.importorskip("tensorflow")
    w = lstmshape.windows(frame, 10, horizon=3, targets=["load"])
    model = lstmshape.build_model(w, units=4)
    fig = plot_windows(w, model, samples=2)
    expected = model.predict(w.X[[0, len(w) - 1]], verbose=0)[1, :, 0]
    np.testing.assert_allclose(fig.axes[1].lines[2].get_ydata(), expected, rtol=1e-5)


def test_column_that_is_only_an_input_or_only_a_target_says_so(frame):
    w = lstmshape.windows(frame, 10, targets=["load"])
    fig = plot_windows(w, samples=1, column="temperature")
    assert texts(fig.axes[0]) == ["inputs ('temperature' is not a target)"]
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), w.X[0, :, 1])
    assert fig.axes[0].get_ylabel() == "temperature"
    w = lstmshape.windows(frame, 10, features=["temperature"], targets=["load"])
    fig = plot_windows(w, samples=1)
    assert texts(fig.axes[0]) == ["target ('load' is not an input)"]
    assert fig.axes[0].lines[0].get_ydata()[0] == w.y[0, 0]


def test_column_by_position_for_numpy_input():
    table = np.arange(60.0).reshape(30, 2)
    w = lstmshape.windows(table, 4, targets=[0, 1])
    fig = plot_windows(w, samples=1, column=1)
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), table[:4, 1])
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), [table[4, 1]])
    assert fig.axes[0].get_ylabel() == "column 1"


def test_ax_draws_one_sample_on_the_callers_axes():
    w = lstmshape.windows(np.arange(40.0), 5)
    fig, ax = plt.subplots()
    assert plot_windows(w, ax=ax) is fig
    assert fig.axes == [ax] and ax.get_title().startswith("sample 0:")
    fig, ax = plt.subplots()
    plot_windows(w, samples=[7], ax=ax)
    assert ax.get_title().startswith("sample 7:") and ax.get_xlabel() == "row"


def test_samples_are_capped_at_the_number_of_windows():
    w = lstmshape.windows(np.arange(10.0), 6)  # 4 windows
    assert len(w) == 4
    fig = plot_windows(w, samples=100)
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == [f"sample {i}" for i in range(4)]


def test_plot_never_shows(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("plt.show() was called")

    monkeypatch.setattr(plt, "show", refuse)
    plot_windows(lstmshape.windows(np.arange(20.0), 5))
    plot_split(lstmshape.split(np.arange(60.0), 5, test=10))


@pytest.mark.parametrize(
    ("kwargs", "error", "fragments"),
    [
        ({"samples": 0}, lstmshape.ShapeError, ["`samples` must be at least 1", "samples=0"]),
        ({"samples": True}, TypeError, ["`samples` must be how many", "of type bool"]),
        ({"samples": 2.5}, TypeError, ["samples=2.5 (of type float)"]),
        ({"samples": [3, 31]}, lstmshape.ShapeError, ["from 0 to 30", "31 samples", "[3, 31]"]),
        ({"samples": ["a"]}, TypeError, ["sample numbers (ints)"]),
        (
            {"column": "lod"},
            lstmshape.ShapeError,
            [
                "targets 'load'; features 'load', 'temperature'",
                "Did you mean 'load'?",
                "column='lod'",
            ],
        ),
        (
            {"column": ["load"]},
            lstmshape.ShapeError,
            ["`column` must be one of", "column=['load']"],
        ),
        (
            {"model": np.zeros((31, 2))},
            lstmshape.ShapeError,
            ["shape (31, 2)", "(31, 1)", "(3, 1)"],
        ),
        ({"model": np.array(["x"] * 31)}, TypeError, ["not numeric", "dtype <U1"]),
        (
            {"model": Persistence(steps=2)},
            lstmshape.ShapeError,
            ["predicts shape (3, 2, 1) for 3 samples", "need (3, 1)"],
        ),
        (
            {"model": np.zeros(31), "column": "price"},
            lstmshape.ShapeError,
            ["'price' is not a target", "'load'"],
        ),
        ({"ax": "axes"}, TypeError, ["`ax` must be matplotlib axes", "of type str"]),
    ],
)
def test_windows_plot_errors(frame, kwargs, error, fragments):
    w = lstmshape.windows(frame.iloc[:41], 10, targets=["load"])
    assert len(w) == 31
    with pytest.raises(error) as info:
        plot_windows(w, **kwargs)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_one_sample_only_with_ax():
    w = lstmshape.windows(np.arange(40.0), 5)
    _, ax = plt.subplots()
    with pytest.raises(lstmshape.ShapeError, match=r"With `ax`, one sample .* samples=\[1, 2\]"):
        plot_windows(w, samples=[1, 2], ax=ax)


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "lstmshape\[plot\]"'):
        plot_windows(lstmshape.windows(np.arange(20.0), 5))
    with pytest.raises(ImportError, match=r"Split.plot needs matplotlib"):
        plot_split(lstmshape.split(np.arange(60.0), 5, test=10))


# -- Split.plot -------------------------------------------------------------------------------
def test_split_numpy_shades_target_periods_and_hatches_context():
    parts = lstmshape.split(np.arange(200.0), 20, val=30, test=30)
    fig = plot_split(parts)
    (ax,) = fig.axes
    (series,) = ax.lines
    np.testing.assert_array_equal(series.get_xdata(), np.arange(200))
    np.testing.assert_array_equal(series.get_ydata(), np.arange(200.0))
    # train targets 20..139, val 140..169 with context 120..140, test 170..199 with 150..170
    assert spans(ax) == [(20, 139), (140, 169), (120, 140), (170, 199), (150, 170)]
    assert [p.get_hatch() for p in ax.patches] == [None, None, "///", None, "///"]
    assert texts(ax) == [
        "column 0", "train targets", "val targets", "context for val", "test targets",
        "context for test",
    ]  # fmt: skip
    assert ax.get_title() == "Split: 120 train, 30 val, 30 test windows (lookback 20)"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("row", "column 0")


def test_split_dataframe_with_scaler_draws_original_units_on_dates(frame):
    parts = lstmshape.split(frame, 14, test=30, targets=["load"], scaler=MinMax())
    ax = plot_split(parts).axes[0]
    (series,) = ax.lines
    np.testing.assert_array_equal(series.get_xdata(), frame.index.to_numpy())
    np.testing.assert_allclose(series.get_ydata(), frame["load"].to_numpy())
    day = mdates.date2num
    expected = [
        (day(frame.index[14]), day(frame.index[169])),  # train targets
        (day(frame.index[170]), day(frame.index[199])),  # test targets
        (day(frame.index[156]), day(frame.index[170])),  # context for test: 14 rows
    ]
    np.testing.assert_allclose(spans(ax), expected)
    assert texts(ax) == ["load", "train targets", "test targets", "context for test"]
    assert ax.get_title() == "Split: 156 train, 30 test windows (lookback 14)"
    assert ax.get_xlabel() == "date"


def test_split_per_timestep_context_is_shift_rows():
    parts = lstmshape.split(np.arange(100.0), 10, test=20, per_timestep=True, shift=2)
    ax = plot_split(parts).axes[0]
    # test targets are rows 80..99; the first test window reads rows 78..87
    assert spans(ax)[1:] == [(80, 99), (78, 80)]


def test_split_grouped_draws_one_group(frame):
    data = frame.assign(site=np.repeat(["north", "south"], 100))
    parts = lstmshape.split(data, 10, val=20, test=20, group_by="site", targets=["load"])
    ax = plot_split(parts).axes[0]
    assert ax.get_title().endswith("; group 'north'")
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), frame.index[:100].to_numpy())
    ax = plot_split(parts, group="south").axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), frame.index[100:].to_numpy())
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), frame["load"].to_numpy()[100:])
    assert mdates.num2date(ax.patches[0].get_x()).date() == frame.index[110].date()
    with pytest.raises(
        lstmshape.ShapeError, match=r"groups: 'north', 'south'\. Received: group='east'"
    ):
        plot_split(parts, group="east")


def test_padded_samples_draw_only_their_real_steps():
    # min_history: the first steps of a padded sample are no rows at all. Drawing them
    # from starts + offsets read the END of the series (row -4 is row 26 in numpy).
    w = lstmshape.windows(np.arange(1.0, 31.0), 6, min_history=2)
    fig = plot_windows(w, samples=[0, 4, 5])
    inputs, target = fig.axes[0].lines
    np.testing.assert_array_equal(inputs.get_xdata(), [0, 1])
    np.testing.assert_array_equal(inputs.get_ydata(), [1.0, 2.0])
    np.testing.assert_array_equal(target.get_xdata(), [2])
    assert (
        fig.axes[0].get_title() == "sample 0: inputs 4 padded steps, then rows 0..1, target row 2"
    )
    assert fig.axes[1].get_title() == "sample 4: inputs rows 0..5, target row 6"


def test_padded_samples_of_a_panel_never_draw_the_series_before():
    frame = synthetic(40).assign(site=np.repeat(["north", "south"], 20))
    w = lstmshape.windows(frame, 8, targets=["load"], group_by="site", min_history=3)
    south = int(np.flatnonzero(w.groups == "south")[0])
    ax = plot_windows(w, samples=[south]).axes[0]
    inputs = ax.lines[0]
    np.testing.assert_array_equal(inputs.get_xdata(), frame.index[20:23].to_numpy())
    np.testing.assert_array_equal(inputs.get_ydata(), frame["load"].to_numpy()[20:23])
    assert ax.get_title() == (
        f"group 'south', sample {south}: inputs 5 padded steps, then 2020-01-21..2020-01-23, "
        "target 2020-01-24"
    )


def test_a_model_of_padded_windows_gets_their_mask():
    class MaskedPersistence:
        def __init__(self):
            self.seen = []

        def predict(self, x):
            self.seen.append({name: value.shape for name, value in x.items()})
            return x["past"][:, -1, :1]

    w = lstmshape.windows(np.arange(1.0, 31.0), 6, min_history=2)
    model = MaskedPersistence()
    fig = plot_windows(w, model, samples=2)
    assert model.seen == [{"past": (2, 6, 1), "mask": (2, 6)}]
    np.testing.assert_array_equal(fig.axes[0].lines[2].get_ydata(), [2.0])


def test_split_of_padded_windows_shades_real_rows_only():
    frame = synthetic(60).assign(site=np.repeat(["north", "south"], 30))
    parts = lstmshape.split(frame, 8, test=5, targets=["load"], group_by="site", min_history=2)
    ax = plot_split(parts, group="south").axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), frame.index[30:].to_numpy())


def test_split_column_and_ax(frame):
    parts = lstmshape.split(frame, 10, test=20, targets=["load"])
    fig, ax = plt.subplots()
    assert plot_split(parts, column="price", ax=ax) is fig
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), frame["price"].to_numpy())
    assert ax.get_ylabel() == "price"


def test_split_plot_errors(frame):
    parts = lstmshape.split(frame, 10, test=20, targets=["load"])
    with pytest.raises(lstmshape.ShapeError, match="Did you mean 'price'"):
        plot_split(parts, column="prize")
    with pytest.raises(
        lstmshape.ShapeError, match=r"this split has no groups\. Received: group='a'"
    ):
        plot_split(parts, group="a")
    with pytest.raises(TypeError, match="`ax` must be matplotlib axes"):
        plot_split(parts, ax=object())


# -- the documentation's pictures ------------------------------------------------------------
DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_hook_draws_every_picture_the_pages_show():
    spec = importlib.util.spec_from_file_location("pictures_hook", DOCS / "hooks" / "pictures.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    images = hook.render(dpi=40)
    pages = "".join(page.read_text() for page in DOCS.glob("*.md"))
    shown = set(re.findall(r"\(images/generated/([\w.]+\.png)\)", pages))
    assert shown == set(images)
    assert all(png.startswith(b"\x89PNG") for png in images.values())


# -- the methods, once wired ------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(lstmshape.Windows, "plot"), reason="Windows.plot is not wired yet")
def test_windows_plot_method_delegates(frame):
    w = lstmshape.windows(frame, 10, horizon=2, targets=["load"])
    fig = w.plot(w.y, samples=2, column="load")
    expected = plot_windows(w, w.y, samples=2, column="load")
    assert [ax.get_title() for ax in fig.axes] == [ax.get_title() for ax in expected.axes]
    assert len(fig.axes[0].lines) == 3


@pytest.mark.skipif(not hasattr(lstmshape.Split, "plot"), reason="Split.plot is not wired yet")
def test_split_plot_method_delegates(frame):
    parts = lstmshape.split(frame, 10, val=20, test=20)
    fig = parts.plot()
    assert spans(fig.axes[0]) == spans(plot_split(parts).axes[0])


# -- one way back to the data's units (issues 19 and 20) --------------------------------------
def _grouped_frame() -> pd.DataFrame:
    days = pd.date_range("2021-01-01", periods=60, freq="D")
    a = pd.DataFrame({"g": "a", "v": 100 + np.arange(60.0), "x": np.sin(np.arange(60.0))}, days)
    b = a.assign(g="b", v=5 + 0.1 * np.arange(60.0))
    return pd.concat([a, b])


def test_per_series_scalers_are_undone_in_pictures():
    # Old main: 'dict' object has no attribute 'inverse_transform' in plot() and Split.plot().
    data = _grouped_frame()
    parts = lstmshape.split(
        data, 5, test=10, group_by="g", targets=["v"], scaler=MinMax(), per_series=True
    )
    w = parts.test
    assert isinstance(w.scaler, dict)
    last = len(w) - 1  # a sample of series "b"
    assert w.groups[last] == "b"
    fig = plot_windows(w, w.y, samples=[last])
    inputs, target, predicted = fig.axes[0].lines
    b = data[data["g"] == "b"]
    np.testing.assert_allclose(inputs.get_ydata(), b["v"].to_numpy()[-6:-1])
    np.testing.assert_allclose(target.get_ydata(), b["v"].to_numpy()[-1:])
    np.testing.assert_allclose(predicted.get_ydata(), b["v"].to_numpy()[-1:])
    ax = parts.plot(group="b", column="x").axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), b["x"].to_numpy(), atol=1e-12)


@pytest.mark.parametrize("transform", ["diff", "pct_change", "log_diff", "log"])
def test_a_transform_is_undone_in_pictures(transform):
    # Old main drew the differences under the plain column name.
    data = pd.Series(50 + np.cumsum(np.linspace(0.5, 1.5, 80)), name="v")
    parts = lstmshape.split(data, 6, test=12, horizon=2, transform=transform, scaler=MinMax())
    w = parts.test
    fig = plot_windows(w, w.y, samples=[0])
    inputs, target, predicted = fig.axes[0].lines
    start = int(w.starts[0])
    levels = data.to_numpy()
    np.testing.assert_allclose(inputs.get_ydata(), levels[start : start + 6])
    np.testing.assert_allclose(target.get_ydata(), levels[start + 6 : start + 8])
    np.testing.assert_allclose(predicted.get_ydata(), levels[start + 6 : start + 8])
    ax = plot_split(parts).axes[0]
    np.testing.assert_allclose(
        ax.lines[0].get_ydata(), levels[np.isfinite(ax.lines[0].get_ydata())]
    )


def test_masked_predictions_are_not_drawn():
    w = lstmshape.windows(np.arange(30.0), 4, horizon=3)
    masked = np.ma.masked_array(np.asarray(w.y), mask=np.zeros(w.y.shape, bool))
    masked.mask[0, 1, 0] = True
    predicted = plot_windows(w, masked, samples=[0]).axes[0].lines[2].get_ydata()
    assert np.isnan(predicted[1]) and predicted[0] == 4.0 and predicted[2] == 6.0


def test_period_index_dates_the_x_axis():
    # Old main fell back to row numbers for a PeriodIndex.
    months = pd.period_range("2020-01", periods=40, freq="M")
    data = pd.Series(np.arange(40.0), index=months, name="v")
    w = lstmshape.windows(data, 6)
    ax = plot_windows(w, samples=[0]).axes[0]
    x = ax.lines[0].get_xdata()
    assert pd.Timestamp(x[0]) == pd.Timestamp("2020-01-01")
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    future = lstmshape.windows(data, 6, inputs_only=True, horizon=2)
    ax = plot_windows(future, np.zeros((len(future), 2, 1)), samples=[len(future) - 1]).axes[0]
    assert [pd.Timestamp(t) for t in ax.lines[1].get_xdata()] == [
        pd.Timestamp("2023-05-01"),
        pd.Timestamp("2023-06-01"),
    ]
    assert "forecast for 2023-05-01..2023-06-01" in ax.get_title()


def test_the_models_units_on_purpose_are_labelled():
    data = pd.Series(50 + np.cumsum(np.linspace(0.5, 1.5, 80)), name="v", index=pd.RangeIndex(80))
    parts = lstmshape.split(data, 6, test=12, transform="diff", scaler=MinMax())
    w = parts.test
    ax = w.plot(w.y, samples=[0], units="model").axes[0]
    assert ax.get_ylabel() == "v: x[t] - x[t-1], scaled"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.asarray(w.X)[0, :, 0])
    np.testing.assert_allclose(ax.lines[2].get_ydata(), np.asarray(w.y)[0])
    assert w.plot(samples=[0]).axes[0].get_ylabel() == "v"
    assert parts.plot(units="model").axes[0].get_ylabel() == "v: x[t] - x[t-1], scaled"
    with pytest.raises(lstmshape.ShapeError, match="`units` must be one of 'data', 'model'"):
        w.plot(units="changes")


@pytest.mark.parametrize("transform", [None, "diff", "log"])
def test_quantile_predictions_draw_the_median_and_the_outer_interval_as_to_frame_gives_them(
    transform,
):
    data = _grouped_frame()
    data = data.assign(v=data["v"] + np.sin(np.arange(len(data)) * 1.3))  # changes that vary
    parts = lstmshape.split(
        data, 5, test=10, group_by="g", targets=["v"], scaler=MinMax(), per_series=True,
        horizon=1 if transform == "diff" else 2, transform=transform,
    )  # fmt: skip
    w = parts.test
    levels = [0.1, 0.5, 0.8, 0.9]
    p = np.asarray(w.y)[..., None] + np.array([-0.2, 0.0, 0.05, 0.1])
    frame = w.to_frame(p, quantiles=levels)
    chosen = [0, len(w) - 1]  # one sample of each series
    for predictions in (p, QuantileStub(w, p)):
        fig = w.plot(predictions, samples=chosen, quantiles=levels)
        for ax, sample in zip(fig.axes, chosen, strict=True):
            row = frame.iloc[sample]
            median = row.xs(0.5, level="quantile").to_numpy()
            low, high = row.xs(0.1, level="quantile"), row.xs(0.9, level="quantile")
            np.testing.assert_allclose(ax.lines[2].get_ydata(), median)
            assert ax.lines[2].get_label() == "prediction"
            (band,) = ax.collections
            assert band.get_label() == "0.1 to 0.9 quantiles"
            segments = np.array([s[:, 1] for s in band.get_segments()])
            np.testing.assert_allclose(segments, np.stack([low, high], axis=1))
        plt.close(fig)


class QuantileStub:
    """A model with ``predict``: the rows of ``values`` of the windows it is given."""

    def __init__(self, windows, values):
        self.x, self.values = np.asarray(windows.X), values

    def predict(self, x, verbose="auto"):
        rows = [int(np.flatnonzero((self.x == one).all(axis=(1, 2)))[0]) for one in x]
        return self.values[rows]


def test_quantiles_in_the_models_units_and_their_refusals():
    w = lstmshape.windows(np.arange(30.0), 4, horizon=3)
    p = np.asarray(w.y)[..., None] + np.array([-1.0, 0.0, 1.0])
    ax = w.plot(p, samples=[2], quantiles=[0.1, 0.5, 0.9], units="model").axes[0]
    np.testing.assert_allclose(ax.lines[2].get_ydata(), [6.0, 7.0, 8.0])
    with pytest.raises(lstmshape.ShapeError, match=r"A trailing axis of 3: for a quantile"):
        w.plot(p)
    with pytest.raises(lstmshape.ShapeError, match=r"`quantiles` names 2"):
        w.plot(p, quantiles=[0.1, 0.9])


def test_quantiles_of_a_change_over_a_horizon_are_refused_in_pictures_as_in_to_frame():
    data = pd.Series(50 + np.cumsum(np.linspace(0.5, 1.5, 80)), name="v")
    w = lstmshape.split(data, 6, test=12, horizon=2, transform="diff").test
    p = np.asarray(w.y)[..., None] + np.array([-1.0, 0.0, 1.0])
    with pytest.raises(lstmshape.ShapeError, match="a sum of quantiles is not a quantile"):
        w.plot(p, samples=[0], quantiles=[0.1, 0.5, 0.9])
    w.plot(p, samples=[0], quantiles=[0.1, 0.5, 0.9], units="model")  # the changes: fine
