"""build_model() and check_model(): shapes, parameter counts, training, save/load, errors."""

from __future__ import annotations

import numpy as np
import pytest

import lstmshape
from lstmshape import ShapeError
from lstmshape.datasets import cumulative_sum

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

MERGE_MODES = ["concat", "sum", "mul", "ave"]


def sine(n=400, features=1):
    t = np.arange(n, dtype=np.float32)
    return np.stack([np.sin(t / (6 + 3 * k)) for k in range(features)], axis=1)


# -- the reference models -------------------------------------------------------------------
def test_seed_model_is_lstm32_dense1():
    model = lstmshape.build_model((50, 2), units=32)
    assert model.count_params() == 4_513
    assert model.input_shape == (None, 50, 2)
    assert model.output_shape == (None, 1)
    assert [type(layer).__name__ for layer in model.layers] == ["LSTM", "Dense"]
    reference = keras.Sequential(
        [keras.Input((50, 2)), keras.layers.LSTM(32), keras.layers.Dense(1)]
    )
    assert reference.count_params() == model.count_params()


def test_stock_tutorial_model():
    model = lstmshape.build_model((60, 1), units=50, layers=4, dropout=0.2)
    assert model.count_params() == 71_051
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["LSTM", "Dropout"] * 4 + ["Dense"]
    assert [layer.return_sequences for layer in model.layers if type(layer).__name__ == "LSTM"] == [
        True,
        True,
        True,
        False,
    ]
    assert all(layer.rate == 0.2 for layer in model.layers if type(layer).__name__ == "Dropout")


@pytest.mark.parametrize(
    ("merge_mode", "params"), [("concat", 3_561), ("sum", 3_541), ("mul", 3_541), ("ave", 3_541)]
)
def test_bidirectional_tutorial_model(merge_mode, params):
    model = lstmshape.build_model(
        (10, 1),
        units=20,
        per_timestep=True,
        bidirectional=True,
        merge_mode=merge_mode,
        output_activation="sigmoid",
    )
    assert model.count_params() == params
    assert model.output_shape == (None, 10, 1)
    bidirectional = model.layers[0]
    assert type(bidirectional).__name__ == "Bidirectional"
    assert bidirectional.merge_mode == merge_mode
    assert bidirectional.output.shape[-1] == (
        40 if merge_mode == "concat" else 20
    )  # concat doubles
    assert model.layers[-1].layer.activation.__name__ == "sigmoid"


def test_concat_doubles_what_the_next_layer_sees():
    concat = lstmshape.build_model(
        (10, 3), units=8, layers=2, bidirectional=True, merge_mode="concat"
    )
    summed = lstmshape.build_model((10, 3), units=8, layers=2, bidirectional=True, merge_mode="sum")
    assert concat.layers[0].output.shape[-1] == 16
    assert summed.layers[0].output.shape[-1] == 8
    # second layer's kernel: input width x 4 gates x units
    assert concat.layers[1].forward_layer.cell.kernel.shape == (16, 32)
    assert summed.layers[1].forward_layer.cell.kernel.shape == (8, 32)


# -- shapes from windows ------------------------------------------------------------------------
SETUPS = [
    ({}, {}),
    ({"horizon": 3}, {}),
    ({"per_timestep": True}, {}),
    ({}, {"layers": 2, "dropout": 0.1}),
    *[({}, {"bidirectional": True, "merge_mode": m}) for m in MERGE_MODES],
    *[
        ({"per_timestep": True}, {"bidirectional": True, "merge_mode": m, "layers": 2})
        for m in MERGE_MODES
    ],
]


@pytest.mark.parametrize(("window_kwargs", "model_kwargs"), SETUPS)
def test_output_shape_matches_the_targets(window_kwargs, model_kwargs):
    w = lstmshape.windows(sine(200, 3), 12, targets=[0, 2], **window_kwargs)
    model = lstmshape.build_model(w, units=8, **model_kwargs)
    assert model.input_shape == (None, *w.input_shape)
    assert model.output_shape == (None, *w.target_shape)
    lstmshape.check_model(model, w)
    assert model.predict(w.X[:5], verbose=0).shape == (5, *w.target_shape)


@pytest.mark.slow
@pytest.mark.parametrize(("window_kwargs", "model_kwargs"), SETUPS)
def test_every_setup_learns_a_toy_problem(window_kwargs, model_kwargs):
    keras.utils.set_random_seed(0)
    w = lstmshape.windows(sine(300, 2), 10, targets=[0], **window_kwargs)
    model = lstmshape.build_model(w, units=16, **model_kwargs)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    dataset = w.to_dataset(batch_size=32, shuffle=True, seed=0)
    before = model.evaluate(w.to_dataset(batch_size=256), verbose=0)
    model.fit(dataset, epochs=4, verbose=0)
    after = model.evaluate(w.to_dataset(batch_size=256), verbose=0)
    assert after < 0.5 * before, (before, after)


@pytest.mark.slow
def test_cumulative_sum_problem_reaches_90_percent():
    keras.utils.set_random_seed(0)
    X, y = cumulative_sum(2000, seed=0)
    X_new, y_new = cumulative_sum(500, seed=1)  # fresh sequences
    model = lstmshape.build_model(
        (10, 1),
        units=20,
        per_timestep=True,
        bidirectional=True,
        merge_mode="concat",
        output_activation="sigmoid",
    )
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["binary_accuracy"])
    model.fit(X, y, batch_size=32, epochs=5, verbose=0)
    _, accuracy = model.evaluate(X_new, y_new, verbose=0)
    assert accuracy >= 0.90


def test_save_and_load_round_trip(tmp_path):
    w = lstmshape.windows(sine(100, 2), 8, horizon=2)
    for kwargs in ({}, {"bidirectional": True, "merge_mode": "ave", "dropout": 0.1}):
        model = lstmshape.build_model(w, units=4, **kwargs)
        path = tmp_path / "model.keras"
        model.save(path)
        loaded = keras.models.load_model(path)  # no custom objects needed
        np.testing.assert_array_equal(model.predict(w.X, verbose=0), loaded.predict(w.X, verbose=0))


def test_tensorflow_is_imported_only_when_building():
    import subprocess
    import sys

    code = "import sys, lstmshape; lstmshape.build_model; assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- check_model -----------------------------------------------------------------------------
def test_check_model_names_both_shapes_and_the_axis():
    w = lstmshape.windows(sine(100, 1), 60)
    model = lstmshape.build_model((50, 2))
    with pytest.raises(
        ShapeError,
        match=r"input shape \(50, 2\) does not fit windows of input shape \(60, 1\): timesteps differ \(model 50, windows 60\) and features differ \(model 2, windows 1\)",
    ):
        lstmshape.check_model(model, w)
    with pytest.raises(ShapeError, match=r"features differ \(model 2, windows 1\)\. Build"):
        lstmshape.check_model(lstmshape.build_model((60, 2)), w)


def test_check_model_output_shapes():
    w = lstmshape.windows(sine(100, 2), 10, horizon=3)
    with pytest.raises(
        ShapeError, match=r"output shape \(1,\) does not fit targets of shape \(3, 2\)"
    ):
        lstmshape.check_model(lstmshape.build_model((10, 2)), w)
    per_step = lstmshape.windows(sine(100, 1), 10, per_timestep=True)
    with pytest.raises(ShapeError, match=r"return_sequences=True"):
        lstmshape.check_model(lstmshape.build_model((10, 1)), per_step)
    narrow = lstmshape.windows(sine(100, 2), 10)
    with pytest.raises(ShapeError, match=r"targets differ \(model 1, windows 2\)"):
        lstmshape.check_model(lstmshape.build_model((10, 2)), narrow)


def test_check_model_accepts_variable_timesteps():
    w = lstmshape.windows(sine(100, 1), 37)
    lstmshape.check_model(lstmshape.build_model((None, 1)), w)


# -- errors ------------------------------------------------------------------------------------
ERRORS = [
    (
        (10, 1),
        {"merge_mode": "max", "bidirectional": True},
        ShapeError,
        r"`merge_mode` must be one of 'sum', 'mul', 'ave', 'concat'. Received: merge_mode='max'",
    ),
    (
        (10, 1),
        {"merge_mode": None, "bidirectional": True},
        ShapeError,
        r"must be one of 'sum', 'mul', 'ave', 'concat' \(Keras' merge_mode=None returns the two directions",
    ),
    (
        (10, 1),
        {"merge_mode": "sum"},
        ShapeError,
        r"`merge_mode` applies only to bidirectional models",
    ),
    ((10, 1), {"units": 0}, ShapeError, r"`units` must be at least 1. Received: units=0"),
    ((10, 1), {"units": 8.0}, TypeError, r"`units` must be an integer. Received: units=8.0"),
    ((10, 1), {"layers": 0}, ShapeError, r"`layers` must be at least 1. Received: layers=0"),
    (
        (10, 1),
        {"dropout": 1.0},
        ShapeError,
        r"`dropout` must be in \[0, 1\).*Received: dropout=1.0",
    ),
    ((10, 1), {"dropout": -0.1}, ShapeError, r"Received: dropout=-0.1"),
    ((10, 1), {"dropout": "0.2"}, TypeError, r"`dropout` must be a number"),
    (
        (32, 10, 1),
        {},
        ShapeError,
        r"has 3 axes, but an input shape leaves out the samples \(batch\) axis.*Pass \(10, 1\)",
    ),
    (
        (10,),
        {},
        ShapeError,
        r"must be \(timesteps, features\), two axes. Received: shape_source=\(10,\)",
    ),
    ((10, 0), {}, ShapeError, r"positive integers, but features is 0"),
    ((-5, 1), {}, ShapeError, r"positive integers, but timesteps is -5"),
    ((10.5, 1), {}, ShapeError, r"positive integers, but timesteps is 10.5"),
    ("10,1", {}, TypeError, r"`shape_source` must be lstmshape.Windows or an input shape tuple"),
    ((10, 1), {"outputs": 0}, ShapeError, r"`outputs` must be at least 1"),
    ((10, 1), {"output_activation": 3}, TypeError, r"`output_activation` must be the name"),
]


@pytest.mark.parametrize(("shape", "kwargs", "error", "pattern"), ERRORS)
def test_errors(shape, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lstmshape.build_model(shape, **kwargs)


def test_contradicting_the_windows():
    w = lstmshape.windows(sine(100, 2), 10)
    with pytest.raises(
        ShapeError,
        match=r"`per_timestep=True` contradicts the windows, which were made without per_timestep=True",
    ):
        lstmshape.build_model(w, per_timestep=True)
    with pytest.raises(
        ShapeError, match=r"`outputs=1` contradicts the windows, which have 2 target"
    ):
        lstmshape.build_model(w, outputs=1)
    with pytest.raises(TypeError, match=r"`windows` must be lstmshape.Windows"):
        lstmshape.check_model(lstmshape.build_model((10, 2)), w.X)
