"""build_model() and check_model(): shapes, parameter counts, training, save/load, errors.

Backend-neutral: this file runs in the main test process on its Keras backend, and
``tests/test_backends.py`` runs it again in a fresh process for each of the other backends
(``KERAS_BACKEND=tensorflow``, ``jax``, ``torch``): Keras fixes its backend per process.
Nothing here uses TensorFlow directly.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import lstmshape
from lstmshape import ShapeError
from lstmshape.datasets import cumulative_sum

keras = pytest.importorskip("keras")

MERGE_MODES = ["concat", "sum", "mul", "ave"]


def sine(n=400, features=1):
    t = np.arange(n, dtype=np.float32)
    return np.stack([np.sin(t / (6 + 3 * k)) for k in range(features)], axis=1)


def test_runs_on_the_requested_backend():
    requested = os.environ.get("KERAS_BACKEND")
    if requested is None:
        pytest.skip("KERAS_BACKEND is not set: Keras uses its configured default")
    assert keras.backend.backend() == requested


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


# The same numbers on every backend: this table is checked once per backend.
PARAMETER_COUNTS = [
    ((50, 2), {"units": 32}, 4_513),
    ((60, 1), {"units": 50, "layers": 4, "dropout": 0.2}, 71_051),
    ((10, 1), {"units": 20}, 1_781),
    ((None, 4), {"units": 16, "targets": 3}, 1_395),
    ((10, 3), {"units": 8, "layers": 2, "bidirectional": True}, 2_385),
    *[
        (
            (10, 1),
            {"units": 20, "per_timestep": True, "bidirectional": True, "merge_mode": mode},
            3_561 if mode == "concat" else 3_541,
        )
        for mode in MERGE_MODES
    ],
    ({"horizon": 3}, {"units": 8}, 438),
    ({"per_timestep": True}, {"units": 8, "layers": 2, "bidirectional": True, "dropout": 0.1,
                              "merge_mode": "ave"}, 1_874),
]  # fmt: skip


@pytest.mark.parametrize(("source", "kwargs", "params"), PARAMETER_COUNTS)
def test_parameter_counts(source, kwargs, params):
    if isinstance(source, dict):  # window options: 3 features, targets 0 and 2, lookback 12
        source = lstmshape.windows(sine(200, 3), 12, targets=[0, 2], **source)
    assert lstmshape.build_model(source, **kwargs).count_params() == params


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
    assert tuple(concat.layers[1].forward_layer.cell.kernel.shape) == (16, 32)
    assert tuple(summed.layers[1].forward_layer.cell.kernel.shape) == (8, 32)


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


# One setup of each structure: many-to-one, multi-step, per timestep, stacked with dropout,
# bidirectional (the merge modes differ in one operation, and the cumulative-sum test below
# trains a per-timestep bidirectional model to 90%). JAX compiles each new model, so every
# setup trained costs seconds on each backend.
TRAINED = [SETUPS[i] for i in (0, 1, 2, 3, 5)]


@pytest.mark.slow
@pytest.mark.parametrize(("window_kwargs", "model_kwargs"), TRAINED)
def test_every_structure_learns_a_toy_problem(window_kwargs, model_kwargs):
    keras.utils.set_random_seed(0)
    w = lstmshape.windows(sine(300, 2), 10, targets=[0], **window_kwargs)
    model = lstmshape.build_model(w, units=16, **model_kwargs)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    # numpy arrays work on every backend (Windows.to_dataset is the tf.data route).
    before = model.evaluate(w.X, w.y, batch_size=256, verbose=0)
    model.fit(w.X, w.y, batch_size=32, shuffle=True, epochs=4, verbose=0)
    after = model.evaluate(w.X, w.y, batch_size=256, verbose=0)
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
    assert accuracy >= 0.90, f"{keras.backend.backend()}: accuracy {accuracy:.3f}"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"bidirectional": True, "merge_mode": "ave", "dropout": 0.1}],
    ids=["lstm", "bidirectional"],
)
def test_save_and_load_round_trip(tmp_path, kwargs):
    w = lstmshape.windows(sine(100, 2), 8, horizon=2)
    model = lstmshape.build_model(w, units=4, **kwargs)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # no custom objects needed
    assert loaded.count_params() == model.count_params()
    lstmshape.check_model(loaded, w)
    np.testing.assert_allclose(
        model.predict(w.X, verbose=0), loaded.predict(w.X, verbose=0), rtol=1e-6, atol=1e-6
    )


# -- check_model -----------------------------------------------------------------------------
def test_check_model_names_both_shapes_and_the_axis():
    w = lstmshape.windows(sine(100, 1), 60)
    model = lstmshape.build_model((50, 2))
    with pytest.raises(
        ShapeError,
        match=r"input shape \(50, 2\) does not fit windows of input shape \(60, 1\), per sample lookback \(timesteps\) x features: lookback differs \(model 50, windows 60\) and features differ \(model 2, windows 1\)\. Build the model from the windows with lstmshape.build_model\(windows\), or make windows with lookback=50 and 2 features\.",
    ):
        lstmshape.check_model(model, w)
    with pytest.raises(ShapeError, match=r"features differ \(model 2, windows 1\)\. Build"):
        lstmshape.check_model(lstmshape.build_model((60, 2)), w)


def test_check_model_compares_the_number_of_axes():
    w = lstmshape.windows(sine(50, 2), 5)  # input shape (5, 2)
    flat = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])  # (5,) once passed
    with pytest.raises(
        ShapeError,
        match=r"The model's input shape \(5,\) does not fit windows of input shape \(5, 2\), per sample lookback \(timesteps\) x features: the model takes 1 axis per sample, the windows give 2 axes\. An LSTM takes 3-D input \(batch, lookback, features\).*keras.Input\(shape=\(5, 2\)\)",
    ):
        lstmshape.check_model(flat, w)
    deep = keras.Sequential([keras.Input((5, 2, 1)), keras.layers.Dense(1)])
    with pytest.raises(ShapeError, match=r"the model takes 3 axes per sample, the windows give 2"):
        lstmshape.check_model(deep, w)
    many_steps = lstmshape.windows(sine(100, 2), 10, horizon=3)  # targets (3, 2)
    flat_out = lstmshape.build_model((10, 2), targets=2)  # output (2,)
    with pytest.raises(
        ShapeError,
        match=r"output shape \(2,\) does not fit targets of shape \(3, 2\), per sample horizon x targets: the model takes 1 axis per sample, the windows give 2 axes",
    ):
        lstmshape.check_model(flat_out, many_steps)


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


def test_check_model_accepts_variable_lookback_and_inputs_only_windows():
    w = lstmshape.windows(sine(100, 1), 37)
    lstmshape.check_model(lstmshape.build_model((None, 1)), w)
    future = lstmshape.windows(sine(100, 1), 37, inputs_only=True)
    lstmshape.check_model(lstmshape.build_model(w), future)  # no targets to compare


def test_check_model_type_errors():
    w = lstmshape.windows(sine(100, 2), 10)
    with pytest.raises(TypeError, match=r"`windows` must be lstmshape.Windows"):
        lstmshape.check_model(lstmshape.build_model((10, 2)), w.X)
    with pytest.raises(TypeError, match=r"`model` must be a built Keras model.*Received: model="):
        lstmshape.check_model(keras.Sequential([keras.layers.Dense(1)]), w)
    with pytest.raises(TypeError, match=r"`model` must be a built Keras model"):
        lstmshape.check_model("model.keras", w)
    inputs = [keras.Input((10, 2)), keras.Input((3,))]
    two_inputs = keras.Model(inputs, keras.layers.Dense(1)(inputs[1]))
    with pytest.raises(TypeError, match=r"a built Keras model with one input"):
        lstmshape.check_model(two_inputs, w)


# -- errors ------------------------------------------------------------------------------------
ERRORS = [
    # (windows, kwargs, exception, message)
    ((10, 1), {"merge_mode": "max", "bidirectional": True}, ShapeError,
     r"`merge_mode` must be one of 'sum', 'mul', 'ave', 'concat'. Received: merge_mode='max'"),
    ((10, 1), {"merge_mode": None, "bidirectional": True}, ShapeError,
     r"must be one of 'sum', 'mul', 'ave', 'concat' \(Keras' merge_mode=None returns the two directions"),
    ((10, 1), {"merge_mode": 3, "bidirectional": True}, TypeError,
     r"`merge_mode` must be a string, one of 'sum', 'mul', 'ave', 'concat'. Received: merge_mode=3 \(of type int\)"),
    ((10, 1), {"merge_mode": "sum"}, ShapeError, r"`merge_mode` applies only to bidirectional models"),
    ((10, 1), {"bidirectional": 1}, TypeError, r"`bidirectional` must be True or False"),
    ((10, 1), {"per_timestep": "yes"}, TypeError, r"`per_timestep` must be True or False"),
    ((10, 1), {"units": 0}, ShapeError, r"`units` must be at least 1. Received: units=0"),
    ((10, 1), {"units": 8.0}, TypeError, r"`units` must be an integer. Received: units=8.0"),
    ((10, 1), {"layers": 0}, ShapeError, r"`layers` must be at least 1. Received: layers=0"),
    ((10, 1), {"layers": "2"}, TypeError, r"`layers` must be an integer"),
    ((10, 1), {"dropout": 1.0}, ShapeError, r"`dropout` must be in \[0, 1\).*Received: dropout=1.0"),
    ((10, 1), {"dropout": -0.1}, ShapeError, r"Received: dropout=-0.1"),
    ((10, 1), {"dropout": "0.2"}, TypeError, r"`dropout` must be a number"),
    ((32, 10, 1), {}, ShapeError,
     r"has 3 axes, but an input shape leaves out the samples \(batch\) axis.*Pass \(10, 1\)"),
    ((10,), {}, ShapeError,
     r"`windows` as an input shape must be \(lookback, features\), two axes: the lookback \(timesteps\) of each window and its features. Received: windows=\(10,\)"),
    ((10, 0), {}, ShapeError, r"positive integers, but features is 0"),
    ((-5, 1), {}, ShapeError, r"positive integers, but lookback is -5"),
    ((10, None), {}, ShapeError, r"a known number of features.*only lookback may be None"),
    ((10.5, 1), {}, TypeError, r"of integers, but lookback is 10.5 \(of type float\)"),
    (("a", 2), {}, TypeError,
     r"`windows` must be \(lookback, features\) of integers, but lookback is 'a' \(of type str\). Received: windows=\('a', 2\)"),
    ((10, True), {}, TypeError, r"but features is True \(of type bool\)"),
    ("10,1", {}, TypeError,
     r"`windows` must be lstmshape.Windows or an input shape tuple \(lookback, features\). Received: windows='10,1' \(of type str\)"),
    (np.ones((10, 1)), {}, TypeError, r"`windows` must be lstmshape.Windows or an input shape tuple"),
    ((10, 1), {"targets": 0}, ShapeError, r"`targets` must be at least 1"),
    ((10, 1), {"targets": 1.0}, TypeError, r"`targets` must be an integer"),
    ((10, 1), {"output_activation": 3}, TypeError, r"`output_activation` must be the name"),
    ((10, 1), {"output_activation": "sigmiod"}, ShapeError,
     r"`output_activation` must name a Keras activation.*Received: output_activation='sigmiod'"),
]  # fmt: skip


@pytest.mark.parametrize(("shape", "kwargs", "error", "pattern"), ERRORS)
def test_errors(shape, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lstmshape.build_model(shape, **kwargs)


def test_shape_error_is_a_value_error():
    with pytest.raises(ValueError, match="at least 1"):
        lstmshape.build_model((10, 1), units=0)


def test_contradicting_the_windows():
    w = lstmshape.windows(sine(100, 2), 10)
    with pytest.raises(
        ShapeError,
        match=r"`per_timestep=True` contradicts the windows, which were made without per_timestep=True",
    ):
        lstmshape.build_model(w, per_timestep=True)
    with pytest.raises(
        ShapeError,
        match=r"`targets=1` contradicts the windows, which have 2 target column\(s\) \(0, 1\)",
    ):
        lstmshape.build_model(w, targets=1)
    lstmshape.build_model(w, targets=2, per_timestep=False)  # agreeing is fine
    future = lstmshape.windows(sine(100, 2), 10, inputs_only=True)
    with pytest.raises(ShapeError, match=r"Inputs-only windows have no targets"):
        lstmshape.build_model(future)


# -- encoder-decoder and named inputs (covariates) --------------------------------------------
def calendar(n=200):
    """A load series with a weekday effect, its weekday column and a constant site size."""
    import pandas as pd

    day = np.arange(n)
    load = np.sin(day / 9.0) + 0.5 * (day % 7 >= 5)
    return pd.DataFrame({"load": load, "weekday": (day % 7).astype(float), "size": 3.0})


# (window options, model options, layer kinds present, parameter count): the same on every
# backend, and each model trains one step, saves and loads. By hand, the first: encoder
# LSTM(8) over 3 past features 4*8*(3+8+1) = 384, decoder LSTM(8) over 1 future input
# 4*8*(1+8+1) = 320, Dense(1) 9: 713. With `static` (no longer a past feature): 352 + 320 +
# 9 + two Dense(8) from 1 static input 2*16 = 713 again.
SEQ2SEQ = [
    ({"future": "weekday"}, {}, {"LSTM", "TimeDistributed"}, 713),
    ({"future": "weekday", "static": "size"}, {}, {"Add", "Dense"}, 713),
    ({"future": "weekday"}, {"layers": 2, "dropout": 0.1}, {"Dropout"}, 1_801),
    *[
        ({"future": "weekday", "static": "size"},
         {"bidirectional": True, "merge_mode": m},
         {"Bidirectional", {"concat": "Concatenate", "sum": "Add", "mul": "Multiply",
                            "ave": "Average"}[m]},
         1_937 if m == "concat" else 1_065)
        for m in MERGE_MODES
    ],
    ({}, {"architecture": "encoder_decoder"}, {"RepeatVector"}, 937),
    ({"static": "size"}, {"architecture": "encoder_decoder", "layers": 2}, {"RepeatVector"}, 2_025),
    ({"static": "size"}, {}, {"Concatenate"}, 422),
    ({"future": "weekday", "horizon": 1}, {}, {"Reshape"}, 713),
]  # fmt: skip


@pytest.mark.parametrize(("window_kwargs", "model_kwargs", "kinds", "params"), SEQ2SEQ)
def test_encoder_decoder_shapes_and_counts(window_kwargs, model_kwargs, kinds, params):
    w = lstmshape.windows(calendar(), 14, targets="load", **{"horizon": 7, **window_kwargs})
    model = lstmshape.build_model(w, units=8, **model_kwargs)
    assert model.count_params() == params
    assert kinds <= {type(layer).__name__ for layer in model.layers}
    assert model.output_shape == (None, *w.target_shape)
    names = [t.name.split(":")[0] for t in model.inputs]
    if isinstance(w.input_shape, dict):
        assert names == list(w.input_shape)
        assert [tuple(t.shape)[1:] for t in model.inputs] == list(w.input_shape.values())
    lstmshape.check_model(model, w)


#: Training and a save/load round trip for one structure in five: every kind of layer the
#: encoder-decoders use is among them (the suite runs this file on three backends).
SEQ2SEQ_TRAINED = SEQ2SEQ[::5]


@pytest.mark.parametrize(("window_kwargs", "model_kwargs", "kinds", "params"), SEQ2SEQ_TRAINED)
def test_encoder_decoder_training_and_round_trip(
    tmp_path, window_kwargs, model_kwargs, kinds, params
):
    w = lstmshape.windows(calendar(), 14, targets="load", **{"horizon": 7, **window_kwargs})
    model = lstmshape.build_model(w, units=8, **model_kwargs)
    model.compile("adam", "mse")
    model.fit(w.X, w.y, batch_size=64, epochs=1, verbose=0)  # the dict of inputs by name
    model.fit(w.to_pydataset(64), epochs=1, verbose=0)
    path = tmp_path / "seq2seq.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # no custom objects needed
    lstmshape.check_model(loaded, w)
    np.testing.assert_allclose(
        model.predict(w.X, verbose=0), loaded.predict(w.X, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_encoder_decoder_is_the_default_with_future_inputs():
    w = lstmshape.windows(calendar(), 14, horizon=7, targets="load", future="weekday")
    model = lstmshape.build_model(w, units=4)
    assert model.name == "lstm_encoder_decoder"
    decoder = model.get_layer("decoder_1")
    assert decoder.return_sequences
    plain = lstmshape.windows(calendar(), 14, horizon=7, targets="load")
    assert lstmshape.build_model(plain, units=4).name == "lstm_many_to_one"  # unchanged
    concat = lstmshape.build_model(w, units=4, bidirectional=True)
    assert concat.get_layer("decoder_1").units == 8  # the merged states: 2 * units
    summed = lstmshape.build_model(w, units=4, bidirectional=True, merge_mode="sum")
    assert summed.get_layer("decoder_1").units == 4


def test_per_timestep_windows_join_future_inputs_to_the_past():
    w = lstmshape.windows(
        calendar(), 14, per_timestep=True, targets="load", future="weekday", static="size"
    )
    model = lstmshape.build_model(w, units=4)
    assert model.name == "lstm_per_timestep"
    assert model.get_layer("past_and_future").output.shape[-1] == 3
    assert model.output_shape == (None, 14, 1)
    lstmshape.check_model(model, w)
    assert model.predict(w.X, verbose=0).shape == (len(w), 14, 1)


def test_the_decoder_starts_from_the_encoder_states():
    """Changing the past changes the decoder's output only through the initial states."""
    w = lstmshape.windows(calendar(), 14, horizon=7, targets="load", future="weekday")
    model = lstmshape.build_model(w, units=4)
    x = {name: value[:2] for name, value in w.X.items()}
    other = {**x, "past": x["past"] + 1.0}
    assert not np.allclose(model.predict(x, verbose=0), model.predict(other, verbose=0))
    assert model.get_layer("encoder_1").return_state
    decoder = model.get_layer("decoder_1")
    # the decoder's kernel reads the one future input; its recurrent kernel, the states
    assert tuple(decoder.cell.kernel.shape) == (1, 16)
    assert tuple(decoder.cell.recurrent_kernel.shape) == (4, 16)


ARCHITECTURE_ERRORS = [
    ({}, {"architecture": "seq2seq"}, ShapeError,
     r"`architecture` must be one of 'stacked', 'encoder_decoder', or None for the default\. Received: architecture='seq2seq'"),
    ({}, {"architecture": 2}, TypeError, r"`architecture` must be a string.*Received: architecture=2 \(of type int\)"),
    ({"horizon": 1}, {"architecture": "encoder_decoder"}, ShapeError,
     r"needs several steps to decode: windows with horizon > 1 or with `future` inputs"),
    ({"per_timestep": True}, {"architecture": "encoder_decoder"}, ShapeError,
     r"does not fit per-timestep windows"),
    ({"horizon": 7, "future": "weekday"}, {"architecture": "stacked"}, ShapeError,
     r"`architecture='stacked'` cannot read known-future inputs"),
]  # fmt: skip


@pytest.mark.parametrize(("window_kwargs", "model_kwargs", "error", "pattern"), ARCHITECTURE_ERRORS)
def test_architecture_errors(window_kwargs, model_kwargs, error, pattern):
    w = lstmshape.windows(calendar(), 14, targets="load", **window_kwargs)
    with pytest.raises(error, match=pattern):
        lstmshape.build_model(w, **model_kwargs)


def test_encoder_decoder_from_a_shape_tuple_is_refused():
    with pytest.raises(ShapeError, match=r"needs windows, not an input shape"):
        lstmshape.build_model((10, 1), architecture="encoder_decoder")
    stacked = lstmshape.build_model((50, 2), units=32, architecture="stacked")
    assert stacked.count_params() == 4_513  # the default for a shape, said out loud


def test_check_model_names_the_input_that_does_not_fit():
    frame = calendar()
    w = lstmshape.windows(frame, 14, horizon=7, targets="load", future="weekday", static="size")
    two_future = lstmshape.windows(
        frame.assign(holiday=0.0), 14, horizon=7, targets="load",
        features=["load", "weekday"], future=["weekday", "holiday"], static="size",
    )  # fmt: skip
    with pytest.raises(
        ShapeError,
        match=r'The model\'s input "future" of shape \(7, 1\) does not fit X\["future"\] of shape \(7, 2\), per sample horizon x future inputs: future inputs differ \(model 1, windows 2\)',
    ):
        lstmshape.check_model(lstmshape.build_model(w, units=4), two_future)
    longer = lstmshape.windows(
        frame, 20, horizon=7, targets="load", future="weekday", static="size"
    )
    with pytest.raises(
        ShapeError,
        match=r'input "past" of shape \(14, 2\) does not fit X\["past"\] of shape \(20, 2\).*lookback differs \(model 14, windows 20\)',
    ):
        lstmshape.check_model(lstmshape.build_model(w, units=4), longer)
    with pytest.raises(
        ShapeError,
        match=r'The model has one input of shape \(14, 2\), but these windows have named inputs \("past", "future", "static"\): X is a dict of 3 arrays.*keras.Input\(shape=\(7, 1\), name="future"\)',
    ):
        lstmshape.check_model(lstmshape.build_model((14, 2), targets=1), w)
    no_static = lstmshape.build_model(
        lstmshape.windows(frame, 14, horizon=7, targets="load", future="weekday"), units=4
    )
    with pytest.raises(
        ShapeError,
        match=r'The model has no input named "static"; these windows give "past", "future", "static" and the model takes "past", "future".*keras.Input\(shape=\(1,\), name="static"\)',
    ):
        lstmshape.check_model(no_static, w)


def test_check_model_takes_a_list_of_inputs_in_the_windows_order():
    w = lstmshape.windows(calendar(), 14, horizon=7, targets="load", future="weekday")
    past, future = keras.Input((14, 3)), keras.Input((7, 1))  # load, weekday, size
    state = keras.layers.LSTM(4)(past)
    out = keras.layers.TimeDistributed(keras.layers.Dense(1))(
        keras.layers.LSTM(4, return_sequences=True)(future, initial_state=[state, state])
    )
    lstmshape.check_model(keras.Model([past, future], out), w)
    three = keras.Model([past, future, keras.Input((3,))], out)
    with pytest.raises(ShapeError, match=r"The model takes 3 inputs .* but these windows give 2"):
        lstmshape.check_model(three, w)


@pytest.mark.parametrize(
    "model_kwargs",
    [{}, {"bidirectional": True, "layers": 2}, {"architecture": "encoder_decoder"}],
    ids=["stacked", "bidirectional", "encoder_decoder"],
)
def test_the_mask_hides_padding_from_the_model(tmp_path, model_kwargs):
    frame = calendar(60).assign(store=["new"] * 10 + ["old"] * 50)
    w = lstmshape.windows(
        frame, 14, horizon=3, targets="load", group_by="store", min_history=3,
        features=["load", "weekday"], future="weekday" if model_kwargs == {} else None,
    )  # fmt: skip
    model = lstmshape.build_model(w, units=4, **model_kwargs)
    assert [t.name.split(":")[0] for t in model.inputs][-1] == "mask"
    lstmshape.check_model(model, w)
    x = w.X
    padded = ~x["mask"]
    assert padded.any()
    noisy = {**x, "past": np.where(padded[..., None], 123.0, x["past"])}  # other padding
    np.testing.assert_allclose(
        model.predict(x, verbose=0), model.predict(noisy, verbose=0), rtol=1e-5, atol=1e-6
    )
    path = tmp_path / "masked.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), loaded.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    model.compile("adam", "mse")
    model.fit(w.to_pydataset(16), epochs=1, verbose=0)
    # cuDNN takes right-padded masks only; this padding is on the left, so on a GPU the
    # LSTMs that see the mask must not use it (the decoder never sees it).
    lstms = [
        layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer
        for layer in model.layers
        if isinstance(layer, (keras.layers.LSTM, keras.layers.Bidirectional))
    ]
    assert {lstm.name: lstm.use_cudnn for lstm in lstms if "decoder" not in lstm.name} == {
        lstm.name: False for lstm in lstms if "decoder" not in lstm.name
    }
    plain = lstmshape.build_model(lstmshape.windows(frame[["load"]], 14), units=4)
    assert plain.layers[0].use_cudnn == "auto"


# -- quantiles ---------------------------------------------------------------------------------
LEVELS = [0.1, 0.5, 0.9]
QUANTILE_SETUPS = [
    ({}, {}),
    ({"horizon": 3}, {}),
    ({"per_timestep": True}, {"bidirectional": True}),
    ({"horizon": 3}, {"architecture": "encoder_decoder"}),
    ({"horizon": 2, "future": [1], "static": [2]}, {}),
    ({"min_history": 4}, {}),
]


def quantile_windows(**window_kwargs):
    data = sine(120, 3)
    data[:, 2] = 1.5  # a static column: one value for the series
    return lstmshape.windows(data, 8, targets=[0], **window_kwargs)


@pytest.mark.parametrize(("window_kwargs", "model_kwargs"), QUANTILE_SETUPS)
def test_quantile_models_add_a_trailing_axis_that_never_crosses(window_kwargs, model_kwargs):
    keras.utils.set_random_seed(1)
    w = quantile_windows(**window_kwargs)
    model = lstmshape.build_model(w, units=4, quantiles=LEVELS, **model_kwargs)
    assert model.output_shape == (None, *w.target_shape, 3)
    lstmshape.check_model(model, w, quantiles=LEVELS)
    x = w.X if not isinstance(w.X, dict) else {k: v[:16] for k, v in w.X.items()}
    x = x[:16] if not isinstance(x, dict) else x
    predicted = model.predict(x, verbose=0)
    assert predicted.shape == (16, *w.target_shape, 3)
    assert (np.diff(predicted, axis=-1) >= 0).all()  # by construction, before any training
    # The head's fixed weights are not trained.
    assert model.count_params() - sum(int(np.prod(v.shape)) for v in model.trainable_weights) > 0


def test_quantile_model_saves_and_loads_without_custom_objects(tmp_path):
    w = quantile_windows(horizon=2)
    model = lstmshape.build_model(w, units=4, quantiles=LEVELS)
    model.save(tmp_path / "q.keras")
    loaded = keras.models.load_model(tmp_path / "q.keras")
    np.testing.assert_allclose(
        model.predict(w.X, verbose=0), loaded.predict(w.X, verbose=0), rtol=1e-6, atol=1e-6
    )


def pinball_oracle(y_true, y_pred, levels):
    total = []
    for sample in range(len(y_true)):
        values = []
        for index in np.ndindex(y_true.shape[1:]):
            for k, q in enumerate(levels):
                error = y_true[(sample, *index)] - y_pred[(sample, *index, k)]
                values.append(max(q * error, (q - 1) * error))
        total.append(np.mean(values))
    return np.mean(total)


def test_pinball_loss_matches_a_loop():
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(6, 3, 2)).astype("float32")
    y_pred = rng.normal(size=(6, 3, 2, 3)).astype("float32")
    loss = lstmshape.pinball_loss(LEVELS)
    np.testing.assert_allclose(
        float(loss(y_true, y_pred)), pinball_oracle(y_true, y_pred, LEVELS), rtol=1e-5
    )


@pytest.mark.slow
def test_quantiles_of_known_noise_cover_what_they_promise():
    # Targets are N(0, 1) noise that no input explains: the best 10 % and 90 % quantiles are
    # the noise's, -1.28 and 1.28, and [q10, q90] covers 80 % of fresh noise.
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    train = lstmshape.windows(rng.normal(size=(3000, 1)).astype("float32"), 4)
    test = lstmshape.windows(rng.normal(size=(2000, 1)).astype("float32"), 4)
    model = lstmshape.build_model(train, units=4, quantiles=LEVELS)
    model.compile(keras.optimizers.Adam(0.05), lstmshape.pinball_loss(LEVELS))
    model.fit(train.X, train.y, batch_size=128, epochs=12, verbose=0)
    predicted = model.predict(test.X, verbose=0)
    low, high = predicted[..., 0], predicted[..., 2]
    coverage = float(np.mean((test.y >= low) & (test.y <= high)))
    assert 0.70 <= coverage <= 0.90, coverage
    assert abs(float(np.median(predicted[..., 1]))) < 0.3


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"quantiles": 0.5}, TypeError, r"`quantiles` must be a list of quantile levels"),
        ({"quantiles": "0.5"}, TypeError, r"`quantiles` must be a list"),
        ({"quantiles": [0.1, "a"]}, TypeError, r"must hold numbers.*'a' is a str"),
        ({"quantiles": []}, ShapeError, r"at least one level"),
        ({"quantiles": [0.0, 0.5]}, ShapeError, r"strictly between 0 and 1.*0\.0 is not"),
        ({"quantiles": [0.5, 1.0]}, ShapeError, r"strictly between 0 and 1.*1\.0 is not"),
        ({"quantiles": [0.9, 0.1]}, ShapeError, r"strictly increasing.*Pass \[0\.1, 0\.9\]"),
        ({"quantiles": [0.5, 0.5]}, ShapeError, r"strictly increasing.*Pass \[0\.5\]"),
        (
            {"quantiles": [0.5], "output_activation": "sigmoid"},
            ShapeError,
            r"`output_activation` does not combine with `quantiles`.*quantiles=\[0\.5\]",
        ),
    ],
)
def test_quantile_errors(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lstmshape.build_model((5, 1), **kwargs)


def test_check_model_with_quantiles_names_the_quantile_axis():
    w = quantile_windows(horizon=2)
    model = lstmshape.build_model(w, units=4, quantiles=LEVELS)
    with pytest.raises(ShapeError, match=r"one more axis.*of size 3: a quantile model.*quantiles="):
        lstmshape.check_model(model, w)  # checked as a point model: one axis too many
    lstmshape.check_model(model, w, quantiles=LEVELS)
    with pytest.raises(
        ShapeError, match=r"2 quantiles of targets.*quantiles differ \(model 3, windows 2\)"
    ):
        lstmshape.check_model(model, w, quantiles=[0.1, 0.9])
