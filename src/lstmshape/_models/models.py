"""Keras model factories for the classic LSTM setups, shaped by the data they will take.

They run on Keras 3 with any of its backends (TensorFlow, JAX, PyTorch): the model is built
from ``keras.layers`` only, so the same call gives the same layers and parameter counts on
every backend, and TensorFlow is not imported unless it is Keras' backend.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._core.errors import ShapeError, plural, received, received_type
from .._core.frameworks import import_keras
from .._core.validate import check_bool, check_choice, check_int, check_quantiles
from .._input.categories import embedding_size
from .._readers.source import INPUT_NAMES

if TYPE_CHECKING:
    import keras

    from .._windows.windows import Windows

MERGE_MODES = ("sum", "mul", "ave", "concat")

#: The model structures of ``build_model(architecture=...)``.
ARCHITECTURES = ("stacked", "encoder_decoder")

#: The order of a multi-input model's inputs (and of a list of inputs given to it).
INPUT_ORDER = INPUT_NAMES

#: The float input each categorical input's embeddings are joined to.
EMBEDDED_INTO = {
    "categorical_past": "past",
    "categorical_future": "future",
    "categorical_static": "static",
}


@dataclass(frozen=True)
class _Embedded:
    """One categorical input: its shape and, per column, ``(label, cardinality, width)``."""

    name: str
    shape: tuple[int, ...]
    columns: tuple[tuple[Hashable, int, int], ...]


@dataclass(frozen=True)
class _Spec:
    """What a model must look like: validated, before Keras is imported."""

    input_shape: tuple[int | None, int]
    n_targets: int
    horizon: int | None  # steps of a multi-step output, None for one step or per timestep
    per_timestep: bool
    units: int
    layers: int
    bidirectional: bool
    merge_mode: str
    dropout: float
    output_activation: str | None
    architecture: str = "stacked"
    future_shape: tuple[int, int] | None = None  # (decoder steps, n_future)
    n_static: int | None = None
    mask: bool = False  # a boolean "mask" input (lookback,): True on real steps
    quantiles: tuple[float, ...] = ()  # a trailing quantile axis on the output when given
    categorical: tuple[_Embedded, ...] = ()  # the categorical inputs, embedded

    @property
    def named(self) -> bool:
        """Whether the model has named inputs (a functional model), not one ``windows`` input."""
        return (
            self.architecture == "encoder_decoder"
            or self.future_shape is not None
            or self.n_static is not None
            or self.mask
            or bool(self.categorical)
        )


def build_model(
    windows: Windows | Sequence[int | None],
    *,
    units: int = 32,
    layers: int = 1,
    bidirectional: bool = False,
    merge_mode: str = "concat",
    dropout: float = 0.0,
    targets: int | None = None,
    per_timestep: bool | None = None,
    output_activation: str | None = None,
    architecture: str | None = None,
    quantiles: Sequence[float] | None = None,
    embedding_sizes: Mapping[Hashable, int] | None = None,
) -> keras.Model:
    """Build an uncompiled Keras 3 LSTM model whose shapes come from the data.

    Three classic setups, chosen by ``per_timestep`` and ``bidirectional``:

    * **many-to-one**: stacked ``LSTM(units)`` layers (``return_sequences=True`` on all
      but the last), each optionally followed by ``Dropout(dropout)``, then ``Dense`` to
      the target shape (reshaped to ``(horizon, targets)`` for multi-step windows);
    * **per-timestep**: every LSTM returns sequences, then ``TimeDistributed(Dense)``:
      one output per timestep;
    * **bidirectional**: each LSTM wrapped in ``Bidirectional(..., merge_mode=...)``;
    * **encoder-decoder** (``architecture="encoder_decoder"``, the default for windows with
      ``future`` inputs): ``layers`` encoder LSTMs read ``X["past"]``; ``layers`` decoder
      LSTMs (``return_sequences=True``) read the known-future inputs ``X["future"]``, or
      without them the encoding repeated ``horizon`` times (``RepeatVector``: the classic
      seq2seq), each started from the final ``[h, c]`` of the matching encoder layer
      (``initial_state=[h, c]``); then ``TimeDistributed(Dense(n_targets))`` to
      ``(horizon, n_targets)``. A bidirectional encoder's forward and backward states are
      combined by the same ``merge_mode`` as its outputs (``"concat"`` joins them, so the
      decoder has ``2 * units`` units; ``"sum"``, ``"mul"``, ``"ave"`` add, multiply or
      average them, and the decoder has ``units``).

    Covariate windows give a model with named inputs (``keras.Input(name="past")``,
    ``"future"``, ``"static"``, ``"mask"``, in that order), so ``model.fit(w.X, w.y)``
    with the dict, ``model.fit(w.to_dataset())`` and ``w.to_pydataset()`` all feed it:

    * ``static`` goes through ``Dense(decoder units)`` twice, one added to the first
      decoder layer's initial ``h`` and one to its initial ``c``; without an encoder-decoder
      it is concatenated to the last LSTM's output before the ``Dense`` head (repeated on
      every timestep for per-timestep windows);
    * per-timestep windows have no decoder: their ``future`` values (those of each
      timestep's target row) are concatenated to ``past`` along the features;
    * ``mask`` (windows made with ``min_history``) is passed to the first LSTM
      (``lstm(past, mask=mask)``), so padded steps leave its state untouched;
    * ``categorical`` inputs (int32 codes) go through one ``Embedding`` per column (shared
      by its past and future codes), concatenated to the matching float input:
      ``categorical_past`` to ``past`` and ``categorical_future`` to ``future`` on every
      step, ``categorical_static`` to ``static`` (a categorical-only input stands alone).
      Codes are never fed as floats.

    The model is built on the Keras backend of the process (``KERAS_BACKEND=tensorflow``,
    ``jax`` or ``torch``; the docs' "Backends and loaders" page says how to choose), with
    the same layers and parameter counts on each; TensorFlow is imported only when it is
    the backend.

    Parameters
    ----------
    windows : Windows or tuple
        Windows to train on (``input_shape``, ``target_shape`` and ``per_timestep`` are
        read from them), or an input shape ``(lookback, features)`` without the samples
        axis, as ``keras.Input(shape=...)`` takes it. The lookback (timesteps) may be
        None: any length.
    units : int, default 32
        Units per LSTM layer (per direction when bidirectional).
    layers : int, default 1
        Number of stacked LSTM layers.
    bidirectional : bool, default False
        Wrap each LSTM in ``keras.layers.Bidirectional``.
    merge_mode : {"concat", "sum", "mul", "ave"}, default "concat"
        How ``Bidirectional`` combines the forward and backward outputs. ``"concat"``
        doubles the features the next layer sees (``2 * units``); the others keep
        ``units``. Keras' ``merge_mode=None`` (two separate outputs) is refused: it does
        not fit a single target, and a two-output model is easily built by hand.
    dropout : float, default 0.0
        Rate of a ``Dropout`` layer after each LSTM, in ``[0, 1)``; 0 adds none.
    targets : int, optional
        Number of target columns the model predicts (default: from the windows, or 1 for
        an input shape tuple).
    per_timestep : bool, optional
        One output per timestep (default: from the windows, or False for a shape tuple).
    output_activation : str, optional
        Name of a Keras activation for the final ``Dense`` (``"sigmoid"`` for binary
        labels). Default linear.
    architecture : {"stacked", "encoder_decoder"}, optional
        ``"stacked"``: LSTMs then a ``Dense`` head (one ``windows`` input for plain
        windows). ``"encoder_decoder"``: an encoder and a decoder LSTM, as above; it needs
        windows with a multi-step ``horizon`` or ``future`` inputs, and is not for
        per-timestep windows. Default: ``"encoder_decoder"`` when the windows carry
        ``future`` inputs and are not per timestep, else ``"stacked"``.
    quantiles : sequence of float, optional
        Predict these quantile levels (increasing, each in ``(0, 1)``, e.g.
        ``[0.1, 0.5, 0.9]``) instead of one value: the output gets a trailing axis of
        ``len(quantiles)``. The quantiles never cross, by construction: the head predicts
        the lowest quantile and the non-negative gaps to the next ones (``softplus``), and
        a fixed (non-trainable) ``Dense`` adds the gaps up. Train with
        :func:`lstmshape.pinball_loss` (``model.compile(loss=lstmshape.pinball_loss(q))``)
        and check with ``check_model(model, windows, quantiles=q)``.
    embedding_sizes : dict, optional
        ``{column: width}`` of the ``Embedding`` of ``categorical`` columns. Default, per
        column of ``n`` codes (``windows.cardinalities``, the reserved 0 included): fastai's
        rule ``min(600, round(1.6 * n ** 0.56))`` (4 for 5 codes, 10 for 26), which grows
        slower than the vocabulary and is fitted on many tabular problems.

    Returns
    -------
    keras.Model
        Uncompiled (compile it with your loss and optimizer). Input
        ``(batch, lookback, features)``, or one named input per entry of
        ``windows.input_shape``; output ``(batch, targets)``,
        ``(batch, horizon, targets)`` or, per timestep, ``(batch, lookback, targets)``:
        for windows, ``(batch,) + windows.target_shape``, plus ``(len(quantiles),)`` with
        ``quantiles``. It saves and loads with
        ``model.save("m.keras")`` / ``keras.models.load_model`` without custom objects.

    Raises
    ------
    TypeError
        A parameter of the wrong type: ``windows`` neither Windows nor a tuple, a shape
        entry that is not an integer (``("a", 2)``, ``(10.5, 1)``), a non-integer
        ``units``/``layers``/``targets``, a non-bool ``bidirectional``/``per_timestep``,
        a ``merge_mode`` that is not a string, a ``dropout`` that is not a number, an
        ``output_activation`` that is not a string.
    ShapeError
        A value of the right type that cannot be used: a shape that is not
        ``(lookback, features)`` of positive integers, ``units``/``layers``/``targets``
        below 1, an unknown ``merge_mode`` (or ``None``), a ``merge_mode`` other than
        ``"concat"`` without ``bidirectional=True``, ``dropout`` outside ``[0, 1)``, an
        unknown activation name, ``targets`` or ``per_timestep`` contradicting the windows,
        inputs-only windows (they have no targets to shape the output), an unknown
        ``architecture``, ``"encoder_decoder"`` for one-step or per-timestep windows
        without ``future`` or for a shape tuple, ``"stacked"`` for many-to-one windows with
        ``future`` inputs; ``quantiles`` that are not increasing levels in ``(0, 1)``, or
        ``quantiles`` with an ``output_activation``.
    ImportError
        Keras 3 or the framework of its backend is not installed (the message names the
        ``pip install "lstmshape[...]"`` extra).

    Examples
    --------
    >>> import lstmshape
    >>> model = lstmshape.build_model((50, 2), units=32)       # LSTM(32) + Dense(1)
    >>> model.input_shape, model.output_shape, model.count_params()
    ((None, 50, 2), (None, 1), 4513)
    >>> model = lstmshape.build_model((10, 1), units=20, per_timestep=True,
    ...                               bidirectional=True, merge_mode="sum")
    >>> model.output_shape, model.count_params()
    ((None, 10, 1), 3541)

    An encoder-decoder over a known-future calendar column, 7 steps ahead:

    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"load": np.sin(np.arange(200.0)), "weekday": np.arange(200) % 7})
    >>> w = lstmshape.windows(df, 28, horizon=7, targets="load", future="weekday")
    >>> model = lstmshape.build_model(w, units=16)
    >>> [tuple(t.shape) for t in model.inputs], model.output_shape
    ([(None, 28, 2), (None, 7, 1)], (None, 7, 1))

    The 10 %, 50 % and 90 % quantiles of each of the 7 steps:

    >>> model = lstmshape.build_model(w, units=16, quantiles=[0.1, 0.5, 0.9])
    >>> model.output_shape
    (None, 7, 1, 3)
    """
    spec = _spec(
        windows,
        units=units,
        layers=layers,
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        dropout=dropout,
        targets=targets,
        per_timestep=per_timestep,
        output_activation=output_activation,
        architecture=architecture,
        quantiles=quantiles,
        embedding_sizes=embedding_sizes,
    )
    keras = import_keras("lstmshape.build_model")
    _check_activation(keras, spec.output_activation)
    return _assemble(keras, spec)


def check_model(
    model: keras.Model, windows: Windows, *, quantiles: Sequence[float] | None = None
) -> None:
    """Raise a readable error if ``model`` cannot take ``windows``; return quietly if it can.

    Compares the model's whole input shape with ``windows.input_shape`` and its whole
    output shape with ``windows.target_shape``: first the number of axes, then each axis
    (a ``None`` in the model accepts any size). Works on every Keras backend.

    Windows with named inputs (``future``, ``static``, ``min_history``) need a model with
    the same inputs: matched by name (``keras.Input(name="past")``, ``"future"``,
    ``"static"``, ``"mask"``), or, when the model's names differ, a list of inputs in that
    order. Each is compared with its ``X[name]``, and the message names the input.

    Parameters
    ----------
    model : keras.Model
        A built Keras model with one output, and one input (or one per named input).
    windows : Windows
        The windows it is meant to train on or predict from.
    quantiles : sequence of float, optional
        The levels of a quantile model (``build_model(..., quantiles=...)``): its output
        then has a trailing axis of ``len(quantiles)`` after ``windows.target_shape``.

    Raises
    ------
    TypeError
        ``windows`` is not :class:`Windows`, or ``model`` is not a built Keras model with one
        input (plain windows) and one output.
    ShapeError
        The shapes do not fit: a different number of axes (a model taking ``(lookback,)``
        given windows ``(lookback, features)``) or a different size on an axis; the
        message names the axis, both sizes and the fix. With named inputs: a one-input
        model, a model missing one of the windows' inputs or taking another number of
        inputs, or one input of the wrong shape (its name and both shapes are said).

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> w = lstmshape.windows(np.ones((100, 1)), 60)
    >>> lstmshape.check_model(lstmshape.build_model(w), w)       # fits: returns None
    >>> lstmshape.check_model(lstmshape.build_model((50, 2)), w)
    Traceback (most recent call last):
    ...
    lstmshape.ShapeError: The model's input shape (50, 2) does not fit windows of input
    shape (60, 1), per sample lookback (timesteps) x features: lookback differs (model 50,
    windows 60) and features differ (model 2, windows 1). Build the model...
    """
    from .._windows.windows import Windows

    if not isinstance(windows, Windows):
        raise TypeError(f"`windows` must be lstmshape.Windows. {received_type('windows', windows)}")
    if isinstance(windows.input_shape, dict):
        _check_named_inputs(model, windows)
    else:
        model_input = _single_shape(model, "input")
        _compare(
            "input shape",
            model_input,
            "windows of input shape",
            windows.input_shape,
            ("lookback", "features"),
            _input_hint(model_input, windows),
        )
    if windows.inputs_only:
        return
    levels = check_quantiles(quantiles)
    target_shape, axes = windows.target_shape, _target_axes(windows)
    if levels:
        target_shape, axes = (*target_shape, len(levels)), (*axes, "quantiles")
    model_output = _single_shape(model, "output")
    hint = _output_hint(windows, levels)
    if not levels and model_output[:-1] == target_shape:
        hint = (
            f"The model's output has one more axis than the targets, of size "
            f"{model_output[-1]}: a quantile model (build_model(..., quantiles=...)) is "
            "checked with check_model(model, windows, quantiles=<its levels>)."
        )
    _compare(
        "output shape",
        model_output,
        "targets of shape" if not levels else f"{len(levels)} quantiles of targets of shape",
        target_shape,
        axes,
        hint,
    )


def _spec(
    windows: Any,
    *,
    units: Any,
    layers: Any,
    bidirectional: Any,
    merge_mode: Any,
    dropout: Any,
    targets: Any,
    per_timestep: Any,
    output_activation: Any,
    architecture: Any = None,
    quantiles: Any = None,
    embedding_sizes: Any = None,
) -> _Spec:
    from .._windows.windows import Windows

    bidirectional = check_bool(bidirectional, "bidirectional")
    merge_mode = _check_merge_mode(merge_mode, bidirectional)
    if per_timestep is not None:
        per_timestep = check_bool(per_timestep, "per_timestep")
    if targets is not None:
        targets = check_int(targets, "targets", minimum=1)
    if output_activation is not None and not isinstance(output_activation, str):
        raise TypeError(
            "`output_activation` must be the name of a Keras activation such as 'sigmoid'. "
            f"{received_type('output_activation', output_activation)}"
        )

    check_choice(architecture, "architecture", ARCHITECTURES, none="the default")
    levels = check_quantiles(quantiles)
    if levels and output_activation is not None:
        raise ShapeError(
            "`output_activation` does not combine with `quantiles`: the quantile head's "
            "output is the lowest quantile plus non-negative gaps, and an activation on top "
            "would let the quantiles cross. Scale the targets instead (split(scaler=...)). "
            f"{received('output_activation', output_activation)}, quantiles={list(levels)}"
        )
    horizon: int | None = None
    future_shape: tuple[int, int] | None = None
    n_static: int | None = None
    mask = False
    categorical: tuple[_Embedded, ...] = ()
    if isinstance(windows, Windows):
        shapes = windows.input_shape
        categorical = _embedded(windows, embedding_sizes)
        if isinstance(shapes, dict):
            input_shape: tuple[int | None, int] = shapes["past"]
            future_shape = shapes.get("future")
            n_static = shapes["static"][0] if "static" in shapes else None
            mask = "mask" in shapes
        else:
            input_shape = shapes
        target_shape = _windows_target_shape(windows, targets, per_timestep)
        per_timestep = windows.per_timestep
        n_targets = target_shape[-1]
        if len(target_shape) == 2 and not per_timestep:
            horizon = target_shape[0]
        decoded = (
            future_shape or shapes.get("categorical_future") if isinstance(shapes, dict) else None
        )
        architecture = _windows_architecture(
            architecture, per_timestep=per_timestep, horizon=horizon, future=decoded
        )
    else:
        if embedding_sizes is not None:
            raise ShapeError(
                "`embedding_sizes` are for the `categorical` columns of windows; an input "
                "shape has none. Pass the windows. "
                f"{received('embedding_sizes', embedding_sizes)}"
            )
        input_shape = _check_input_shape(windows)
        per_timestep = bool(per_timestep)
        n_targets = 1 if targets is None else targets
        if architecture == "encoder_decoder":
            raise ShapeError(
                "`architecture='encoder_decoder'` needs windows, not an input shape: the "
                "decoder's steps are the windows' horizon (or their future inputs). Pass "
                f"the windows. {received('windows', windows)}"
            )
        architecture = "stacked"
    units = check_int(units, "units", minimum=1)
    layers = check_int(layers, "layers", minimum=1)
    _check_model_size(units, layers, features=input_shape[-1], targets=n_targets)
    return _Spec(
        architecture=architecture,
        future_shape=future_shape,
        n_static=n_static,
        mask=mask,
        input_shape=input_shape,
        n_targets=n_targets,
        horizon=horizon,
        per_timestep=per_timestep,
        units=units,
        layers=layers,
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        dropout=_check_dropout(dropout),
        output_activation=output_activation,
        quantiles=levels,
        categorical=categorical,
    )


def _embedded(windows: Windows, embedding_sizes: Any) -> tuple[_Embedded, ...]:
    """Return the categorical inputs of ``windows`` with each column's cardinality and width."""
    cardinalities = windows.cardinalities
    sizes: dict[Hashable, int] = {}
    if embedding_sizes is not None:
        if not isinstance(embedding_sizes, Mapping):
            raise TypeError(
                "`embedding_sizes` must be a dict {column: width} of the `categorical` "
                f"columns. {received_type('embedding_sizes', embedding_sizes)}"
            )
        unknown = [c for c in embedding_sizes if c not in cardinalities]
        if unknown:
            have = ", ".join(map(repr, cardinalities)) or "none"
            raise ShapeError(
                f"`embedding_sizes` names {', '.join(map(repr, unknown))}, which is not a "
                f"`categorical` column of the windows (they have {have}). "
                f"{received('embedding_sizes', embedding_sizes)}"
            )
        sizes = {
            c: check_int(width, f"embedding_sizes[{c!r}]", minimum=1)
            for c, width in embedding_sizes.items()
        }
    shapes = windows.input_shape if isinstance(windows.input_shape, dict) else {}
    return tuple(
        _Embedded(
            name,
            tuple(shapes[name]),
            tuple(
                (c, cardinalities[c], sizes.get(c, embedding_size(cardinalities[c])))
                for c in columns
            ),
        )
        for name, columns in windows.categorical_names.items()
    )


#: The most LSTM weights a model factory builds without complaint: 2**30 (4 GiB of float32).
MAX_WEIGHTS = 2**30


def _check_model_size(units: int, layers: int, *, features: int, targets: int) -> None:
    """Refuse a model whose LSTM weights alone would not fit in memory, before Keras builds it.

    One LSTM layer holds ``4 * units * (inputs + units + 1)`` weights.
    """
    first = 4 * units * (features + units + 1)
    rest = (layers - 1) * 4 * units * (2 * units + 1)
    weights = first + rest + units * targets
    if weights > MAX_WEIGHTS:
        raise ShapeError(
            f"A model of units={units}, layers={layers} over {plural(features, 'feature')} "
            "would hold "
            f"about {weights:,} LSTM weights, more than the {MAX_WEIGHTS:,} (4 GiB of float32) "
            f"lstmshape builds without complaint. Use fewer `units` or features. "
            f"{received('units', units)}"
        )


def _windows_architecture(
    architecture: str | None,
    *,
    per_timestep: bool,
    horizon: int | None,
    future: tuple[int, int] | None,
) -> str:
    """Return the architecture for these windows: the user's, checked, or the default."""
    if architecture is None:
        return "encoder_decoder" if future is not None and not per_timestep else "stacked"
    if architecture == "encoder_decoder" and per_timestep:
        raise ShapeError(
            "`architecture='encoder_decoder'` does not fit per-timestep windows: their "
            "targets lie inside the past window, which the encoder reads whole. Per-timestep "
            "windows use stacked LSTMs (future inputs are joined to the past features on each "
            f"timestep). Leave `architecture` out. {received('architecture', architecture)}"
        )
    if architecture == "encoder_decoder" and horizon is None and future is None:
        raise ShapeError(
            "`architecture='encoder_decoder'` needs several steps to decode: windows with "
            "horizon > 1 or with `future` inputs; these have one target step. Make windows "
            "with a horizon, or leave `architecture` out for a stacked LSTM. "
            f"{received('architecture', architecture)}"
        )
    if architecture == "stacked" and future is not None and not per_timestep:
        raise ShapeError(
            "`architecture='stacked'` cannot read known-future inputs (`future`): they are "
            "the decoder's inputs of an encoder-decoder. Leave `architecture` out (the "
            "default is 'encoder_decoder' with `future`), or make windows without `future`. "
            f"{received('architecture', architecture)}"
        )
    return architecture


def _windows_target_shape(
    windows: Windows, targets: int | None, per_timestep: bool | None
) -> tuple[int, ...]:
    """Return the windows' ``target_shape`` as the output shape, after checking the options."""
    if windows.inputs_only:
        raise ShapeError(
            "Inputs-only windows have no targets, so they cannot shape a model's output. "
            "Build the model from the training windows (made without inputs_only=True) and "
            "use these windows for predict. Received: windows with inputs_only=True"
        )
    if per_timestep is not None and per_timestep != windows.per_timestep:
        made = "with" if windows.per_timestep else "without"
        raise ShapeError(
            f"`per_timestep={per_timestep}` contradicts the windows, which were made {made} "
            "per_timestep=True. Leave `per_timestep` out to take it from the windows, or make "
            f"windows with per_timestep={per_timestep}."
        )
    target_shape = windows.target_shape
    n_targets = target_shape[-1]
    if targets is not None and targets != n_targets:
        names = ", ".join(map(repr, windows.target_names))
        raise ShapeError(
            f"`targets={targets}` contradicts the windows, which have {n_targets} target "
            f"column(s) ({names}). Leave `targets` out to take it from the windows."
        )
    return target_shape


def _check_input_shape(shape: Any) -> tuple[int | None, int]:
    if not isinstance(shape, (tuple, list)):
        raise TypeError(
            "`windows` must be lstmshape.Windows or an input shape tuple (lookback, features). "
            f"{received_type('windows', shape)}"
        )
    shape = tuple(shape)
    if len(shape) == 3:
        raise ShapeError(
            f"`windows` {shape} has 3 axes, but an input shape leaves out the samples "
            f"(batch) axis: Keras' input_shape is (lookback, features), here "
            f"{shape[1:]}. Pass {shape[1:]}. {received('windows', shape)}"
        )
    if len(shape) != 2:
        raise ShapeError(
            "`windows` as an input shape must be (lookback, features), two axes: the "
            f"lookback (timesteps) of each window and its features. {received('windows', shape)}"
        )
    lookback, features = shape
    for name, value in (("lookback", lookback), ("features", features)):
        if value is None:
            if name == "lookback":
                continue
            raise ShapeError(
                "`windows` must be (lookback, features) with a known number of features: "
                f"the LSTM's weights depend on it (only lookback may be None). "
                f"{received('windows', shape)}"
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"`windows` must be (lookback, features) of integers, but {name} is "
                f"{value!r} (of type {type(value).__name__}). {received('windows', shape)}"
            )
        if value < 1:
            raise ShapeError(
                f"`windows` must be (lookback, features) of positive integers, but {name} is "
                f"{value}. {received('windows', shape)}"
            )
    return (None if lookback is None else int(lookback), int(features))


def _check_merge_mode(merge_mode: Any, bidirectional: bool) -> str:
    if merge_mode is None:
        raise ShapeError(
            f"`merge_mode` must be one of {', '.join(map(repr, MERGE_MODES))} (Keras' "
            "merge_mode=None returns the two directions as separate outputs, which does not "
            f"fit one target; build such a model by hand). {received('merge_mode', None)}"
        )
    check_choice(merge_mode, "merge_mode", MERGE_MODES)
    if merge_mode != "concat" and not bidirectional:
        raise ShapeError(
            f"`merge_mode` applies only to bidirectional models; pass bidirectional=True "
            f"with it. {received('merge_mode', merge_mode)}"
        )
    return str(merge_mode)


def _check_dropout(dropout: Any) -> float:
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real):
        raise TypeError(
            f"`dropout` must be a number in [0, 1). {received_type('dropout', dropout)}"
        )
    if not 0 <= float(dropout) < 1:
        raise ShapeError(
            f"`dropout` must be in [0, 1): the fraction of units dropped. "
            f"{received('dropout', dropout)}"
        )
    return float(dropout)


def _check_activation(keras: Any, activation: str | None) -> None:
    try:
        keras.activations.get(activation)
    except ValueError as error:
        raise ShapeError(
            f"`output_activation` must name a Keras activation such as 'sigmoid', 'tanh' or "
            f"'softmax' (see keras.activations). {received('output_activation', activation)}"
        ) from error


def _assemble(keras: Any, spec: _Spec) -> keras.Model:
    model = _functional(keras, spec) if spec.named else _sequential(keras, spec)
    if spec.quantiles:
        _fix_quantile_weights(model, len(spec.quantiles))
    return model


def _sequential(keras: Any, spec: _Spec) -> keras.Model:
    """Build a one-input model (``windows``); with quantiles, the same layers, functionally."""
    layers = keras.layers
    stack: list[Any] = [keras.Input(shape=spec.input_shape, name="windows")]
    for number in range(spec.layers):
        last = number == spec.layers - 1
        stack.append(_lstm(layers, spec, number, return_sequences=spec.per_timestep or not last))
        if spec.dropout:
            stack.append(layers.Dropout(spec.dropout, name=f"dropout_{number + 1}"))
    stack.extend(_head(layers, spec))
    kind = "per_timestep" if spec.per_timestep else "many_to_one"
    name = f"{'bidirectional_' if spec.bidirectional else ''}lstm_{kind}"
    if not spec.quantiles:
        return keras.Sequential(stack, name=name)
    x = stack[0]
    for layer in stack[1:]:
        x = layer(x)
    return keras.Model(stack[0], _to_quantiles(layers, spec, x), name=f"{name}_quantiles")


def _lstm(layers: Any, spec: _Spec, number: int, *, return_sequences: bool) -> Any:
    """Return the ``number``-th (from 0) LSTM layer of a stacked model, bidirectional if asked."""
    lstm = layers.LSTM(
        spec.units,
        return_sequences=return_sequences,
        name=f"lstm_{number + 1}",
        **_cudnn_options(spec),
    )
    if spec.bidirectional:
        lstm = layers.Bidirectional(
            lstm, merge_mode=spec.merge_mode, name=f"bidirectional_{number + 1}"
        )
    return lstm


def _cudnn_options(spec: _Spec) -> dict[str, Any]:
    """Keep the LSTMs that see the mask off cuDNN, which takes right-padded masks only.

    The padding of ``min_history`` windows is at the start; on a GPU, cuDNN would stop
    training with "a RNN mask that does not correspond to right-padded sequences". Keras
    passes the mask on to every later LSTM, so each one of them is built this way.
    """
    return {"use_cudnn": False} if spec.mask else {}


def _head(layers: Any, spec: _Spec) -> list[Any]:
    """Return the output layers of a stacked model: to ``(targets,)`` or ``(horizon, targets)``.

    With quantiles, the head's last axis holds ``targets * len(quantiles)`` raw values, and
    :func:`_quantile_layers` turns them into non-crossing quantiles.
    """
    n_out = spec.n_targets * max(1, len(spec.quantiles))
    if spec.per_timestep:
        dense = layers.Dense(n_out, activation=spec.output_activation, name="dense")
        return [layers.TimeDistributed(dense, name="per_timestep")]
    if spec.horizon is not None:  # a multi-step output: (horizon, targets)
        size = spec.horizon * n_out
        return [
            layers.Dense(size, activation=spec.output_activation, name="dense"),
            layers.Reshape((spec.horizon, n_out), name="horizon"),
        ]
    return [layers.Dense(n_out, activation=spec.output_activation, name="dense")]


def _to_quantiles(layers: Any, spec: _Spec, x: Any) -> Any:
    """Turn the head's raw ``(..., targets * q)`` output into non-crossing quantiles.

    The raw values are split into the lowest quantile and ``q - 1`` gaps, made non-negative
    by ``softplus``; a fixed upper-triangular ``Dense`` adds the gaps up, so each quantile
    is at least the one below it. Only ``keras.layers`` are used, so the model saves and
    loads without custom objects on every backend; the fixed weights are set by
    :func:`_fix_quantile_weights` once the model is built.
    """
    n_q = len(spec.quantiles)
    raw = layers.Reshape((*_target_shape(spec), n_q), name="quantile_raw")(x)
    base = layers.Dense(1, use_bias=False, trainable=False, name="quantile_lowest")(raw)
    gaps = layers.Dense(n_q - 1, use_bias=False, trainable=False, name="quantile_gaps")(raw)
    gaps = layers.Activation("softplus", name="quantile_gaps_positive")(gaps)
    joined = layers.Concatenate(name="quantile_lowest_and_gaps")([base, gaps])
    return layers.Dense(n_q, use_bias=False, trainable=False, name="quantiles")(joined)


def _target_shape(spec: _Spec) -> tuple[int, ...]:
    """One sample's target shape; a per-timestep lookback of None is ``-1`` (for Reshape)."""
    if spec.per_timestep:
        lookback = spec.input_shape[0]
        return (-1 if lookback is None else lookback, spec.n_targets)
    if spec.horizon is not None:
        return (spec.horizon, spec.n_targets)
    return (spec.n_targets,)


def _fix_quantile_weights(model: Any, n_q: int) -> None:
    """Set the fixed weights of the quantile head: pick the lowest, pick the gaps, add up."""
    import numpy as np

    eye = np.eye(n_q, dtype="float32")
    model.get_layer("quantile_lowest").set_weights([eye[:, :1]])
    model.get_layer("quantile_gaps").set_weights([eye[:, 1:]])
    model.get_layer("quantiles").set_weights([np.triu(np.ones((n_q, n_q), dtype="float32"))])


def _functional(keras: Any, spec: _Spec) -> keras.Model:
    """Build a model with named inputs (past, future, static, mask): stacked or seq2seq."""
    layers = keras.layers
    named: dict[str, Any] = {"past": keras.Input(shape=spec.input_shape, name="past")}
    if spec.future_shape is not None:
        named["future"] = keras.Input(shape=spec.future_shape, name="future")
    if spec.n_static is not None:
        named["static"] = keras.Input(shape=(spec.n_static,), name="static")
    for embedded in spec.categorical:
        named[embedded.name] = keras.Input(shape=embedded.shape, dtype="int32", name=embedded.name)
    if spec.mask:
        named["mask"] = keras.Input(shape=(spec.input_shape[0],), dtype="bool", name="mask")
    joined = _with_embeddings(layers, spec, named)
    if spec.architecture == "encoder_decoder":
        outputs = _encoder_decoder(layers, spec, joined)
        kind = "encoder_decoder"
    else:
        outputs = _stacked(layers, spec, joined)
        kind = "per_timestep" if spec.per_timestep else "many_to_one"
    prefix = "bidirectional_" if spec.bidirectional else ""
    inputs = [named[name] for name in INPUT_ORDER if name in named]
    suffix = ""
    if spec.quantiles:
        outputs, suffix = _to_quantiles(layers, spec, outputs), "_quantiles"
    return keras.Model(inputs, outputs, name=f"{prefix}lstm_{kind}{suffix}")


def _with_embeddings(layers: Any, spec: _Spec, named: dict[str, Any]) -> dict[str, Any]:
    """Return the float inputs with each categorical input's embeddings joined on.

    One ``Embedding`` per column, shared by its past and future codes; the codes of each
    column are sliced out of their int32 input (``codes[..., j]``, a serializable Keras
    op) and embedded, then concatenated to the float input of the same role.
    """
    joined = {name: tensor for name, tensor in named.items() if name in INPUT_ORDER[:3]}
    if "mask" in named:
        joined["mask"] = named["mask"]
    tables: dict[Hashable, Any] = {}
    for embedded in spec.categorical:
        codes = named[embedded.name]
        parts = []
        for j, (column, cardinality, width) in enumerate(embedded.columns):
            if column not in tables:
                tables[column] = layers.Embedding(
                    cardinality, width, name=f"embedding_{len(tables)}_{_layer_word(column)}"
                )
            parts.append(tables[column](codes[..., j]))
        embeddings = (
            parts[0] if len(parts) == 1
            else layers.Concatenate(name=f"{embedded.name}_embedded")(parts)
        )  # fmt: skip
        role = EMBEDDED_INTO[embedded.name]
        if role in joined:
            joined[role] = layers.Concatenate(name=f"{role}_and_{embedded.name}")(
                [joined[role], embeddings]
            )
        else:
            joined[role] = embeddings
    return joined


def _layer_word(label: Hashable) -> str:
    """Return a column label as a piece of a Keras layer name (letters, digits, underscores)."""
    return re.sub(r"\W+", "_", str(label)).strip("_")[:40] or "column"


def _stacked(layers: Any, spec: _Spec, named: dict[str, Any]) -> Any:
    """Return the output of stacked LSTMs over named inputs (static joins the last output)."""
    x = named["past"]
    if "future" in named:  # per timestep: each timestep's future values beside its inputs
        x = layers.Concatenate(name="past_and_future")([x, named["future"]])
    for number in range(spec.layers):
        last = number == spec.layers - 1
        lstm = _lstm(layers, spec, number, return_sequences=spec.per_timestep or not last)
        x = lstm(x, mask=named["mask"]) if number == 0 and "mask" in named else lstm(x)
        if spec.dropout:
            x = layers.Dropout(spec.dropout, name=f"dropout_{number + 1}")(x)
    if "static" in named:
        static = named["static"]
        if spec.per_timestep:
            static = layers.RepeatVector(spec.input_shape[0], name="static_per_timestep")(static)
        x = layers.Concatenate(name="with_static")([x, static])
    for layer in _head(layers, spec):
        x = layer(x)
    return x


#: How a bidirectional encoder's forward and backward states are combined, by merge_mode.
_STATE_MERGES = {"concat": "Concatenate", "sum": "Add", "mul": "Multiply", "ave": "Average"}


def _encoder_decoder(layers: Any, spec: _Spec, named: dict[str, Any]) -> Any:
    """Return the output of encoder LSTMs over past and decoder LSTMs over future."""
    x = named["past"]
    states: list[list[Any]] = []  # the final [h, c] of each encoder layer
    for number in range(spec.layers):
        name = f"encoder_{number + 1}"
        last = number == spec.layers - 1
        lstm = layers.LSTM(
            spec.units,
            return_sequences=not last,
            return_state=True,
            name=name,
            **_cudnn_options(spec),
        )
        if spec.bidirectional:
            lstm = layers.Bidirectional(
                lstm, merge_mode=spec.merge_mode, name=f"bidirectional_{name}"
            )
        out = lstm(x, mask=named["mask"]) if number == 0 and "mask" in named else lstm(x)
        x, layer_states = out[0], list(out[1:])
        if spec.bidirectional:  # [h_fw, c_fw, h_bw, c_bw] -> [h, c], merged like the outputs
            merge = getattr(layers, _STATE_MERGES[spec.merge_mode])
            layer_states = [
                merge(name=f"{name}_{state}")([forward, backward])
                for state, forward, backward in zip(
                    ("h", "c"), layer_states[:2], layer_states[2:], strict=True
                )
            ]
        states.append(layer_states)
        if spec.dropout:
            x = layers.Dropout(spec.dropout, name=f"encoder_dropout_{number + 1}")(x)
    units = 2 * spec.units if spec.bidirectional and spec.merge_mode == "concat" else spec.units
    if "static" in named:  # static -> Dense, added to the first decoder layer's h and c
        h, c = states[0]
        static = named["static"]
        states[0] = [
            layers.Add(name="h_with_static")([h, layers.Dense(units, name="static_to_h")(static)]),
            layers.Add(name="c_with_static")([c, layers.Dense(units, name="static_to_c")(static)]),
        ]
    if "future" in named:
        y = named["future"]
    else:  # the classic seq2seq: the encoding, once per step to decode
        steps = spec.horizon or 1  # a horizon > 1 here (_windows_architecture)
        y = layers.RepeatVector(steps, name="repeat_encoding")(x)
    for number in range(spec.layers):
        decoder = layers.LSTM(units, return_sequences=True, name=f"decoder_{number + 1}")
        y = decoder(y, initial_state=states[number])
        if spec.dropout:
            y = layers.Dropout(spec.dropout, name=f"decoder_dropout_{number + 1}")(y)
    n_out = spec.n_targets * max(1, len(spec.quantiles))
    dense = layers.Dense(n_out, activation=spec.output_activation, name="dense")
    y = layers.TimeDistributed(dense, name="per_step")(y)
    if spec.horizon is None:  # one step with future inputs: (1, targets) -> (targets,)
        y = layers.Reshape((n_out,), name="one_step")(y)
    return y


def _single_shape(model: Any, what: str) -> tuple[int | None, ...]:
    """Return the model's per-sample input or output shape (without the batch axis)."""
    try:
        shape = getattr(model, f"{what}_shape")
    except (AttributeError, ValueError) as error:  # an unbuilt Sequential raises these
        raise TypeError(
            f"`model` must be a built Keras model (one that knows its {what} shape, such as "
            f"one made by lstmshape.build_model). Keras says: {str(error).rstrip('.')}. "
            f"{received_type('model', model)}"
        ) from error
    if not isinstance(shape, tuple) or not shape or isinstance(shape[0], (tuple, list)):
        raise TypeError(
            f"check_model takes a built Keras model with one {what}; this model's {what} "
            f"shape is {shape!r}. {received_type('model', model)}"
        )
    return shape[1:]


def _model_inputs(model: Any) -> list[tuple[str, tuple[int | None, ...]]]:
    """Return the name and per-sample shape of each of the model's inputs, in order."""
    try:
        tensors = list(model.inputs)
    except (AttributeError, ValueError, TypeError) as error:
        raise TypeError(
            "`model` must be a built Keras model (one that knows its inputs, such as one made "
            f"by lstmshape.build_model). {received_type('model', model)}"
        ) from error
    found = []
    for tensor in tensors:
        name = str(getattr(tensor, "name", "")).split(":")[0]
        found.append((name, tuple(tensor.shape)[1:]))
    return found


def _check_named_inputs(model: Any, windows: Windows) -> None:
    """Compare every named input of the windows with the model's input of that name."""
    shapes: dict[str, tuple[int, ...]] = windows.input_shape
    names = list(shapes)
    listed_names = _quoted(names)
    build = "Build the model with lstmshape.build_model(windows)"
    inputs = _model_inputs(model)
    if len(inputs) == 1:
        wanted = ", ".join(f'keras.Input(shape={shape}, name="{n}")' for n, shape in shapes.items())
        raise ShapeError(
            f"The model has one input of shape {_shape(inputs[0][1])}, but these windows have "
            f"named inputs ({listed_names}): X is a dict of {len(names)} arrays. {build}, or "
            f"give the model one input per name: {wanted}."
        )
    model_names = [name for name, _ in inputs]
    if set(model_names) <= set(names):  # matched by name
        by_name = dict(inputs)
        missing = [name for name in names if name not in by_name]
        if missing:
            raise ShapeError(
                f"The model has no input named {_quoted(missing)}; these windows give "
                f"{listed_names} and the model takes {_quoted(model_names)}. {build}, or add "
                + ", ".join(f'keras.Input(shape={shapes[n]}, name="{n}")' for n in missing)
                + "."
            )
    elif len(inputs) == len(names):  # a list of inputs in the windows' order
        by_name = {name: shape for name, (_, shape) in zip(names, inputs, strict=True)}
    else:
        raise ShapeError(
            f"The model takes {len(inputs)} inputs ({_quoted(model_names)}), but "
            f"these windows give {len(names)} ({listed_names}). {build}, or name its inputs "
            "after the windows' (keras.Input(..., name=...))."
        )
    for name, data_shape in shapes.items():
        _compare(
            f'input "{name}" of shape',
            by_name[name],
            f'X["{name}"] of shape',
            data_shape,
            _named_axes(name, windows),
            f"{build}, or make the windows to fit the model.",
        )
    _check_integer_inputs(model, [n for n in names if n.startswith("categorical_")], names)


def _check_integer_inputs(model: Any, categorical: list[str], names: list[str]) -> None:
    """Refuse a model that would read the categorical codes as floats."""
    if not categorical:
        return
    tensors = list(model.inputs)
    by_name = {str(getattr(t, "name", "")).split(":")[0]: t for t in tensors}
    if not set(categorical) <= set(by_name) and len(tensors) == len(names):
        by_name = dict(zip(names, tensors, strict=True))
    for name in categorical:
        dtype = str(getattr(by_name.get(name), "dtype", "int32"))
        if "int" not in dtype:
            raise ShapeError(
                f'The model\'s input "{name}" has dtype {dtype}, but X["{name}"] holds int32 '
                "category codes for embeddings: read as floats, code 7 would be 'more' than "
                f'code 3. Give it keras.Input(..., dtype="int32", name="{name}") and an '
                "Embedding, or build the model with lstmshape.build_model(windows)."
            )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _named_axes(name: str, windows: Windows) -> tuple[str, ...]:
    """Names of the axes of one sample of ``X[name]``."""
    steps = "lookback" if windows.per_timestep else "horizon"
    return {
        "past": ("lookback", "features"),
        "future": (steps, "future inputs"),
        "static": ("static inputs",),
        "categorical_past": ("lookback", "categorical columns"),
        "categorical_future": (steps, "categorical columns"),
        "categorical_static": ("categorical columns",),
        "mask": ("lookback",),
    }.get(name, ("axis",) * len(windows.input_shape[name]))


def _compare(
    model_what: str,
    model_shape: tuple[int | None, ...],
    data_what: str,
    data_shape: tuple[int, ...],
    axes: tuple[str, ...],
    hint: str,
) -> None:
    """Raise a ShapeError when the model's shape does not fit the data's, axis by axis."""
    start = (
        f"The model's {model_what} {_shape(model_shape)} does not fit {data_what} "
        f"{_shape(data_shape)}, per sample {' x '.join(_first_use(axes))}"
    )
    if len(model_shape) != len(data_shape):
        raise ShapeError(
            f"{start}: the model takes {_axes(len(model_shape))} per sample, the windows give "
            f"{_axes(len(data_shape))}. {hint}"
        )
    differences = [
        f"{axis} {'differs' if axis in ('lookback', 'horizon') else 'differ'} "
        f"(model {m}, windows {d})"
        for axis, m, d in zip(axes, model_shape, data_shape, strict=True)
        if m is not None and m != d
    ]
    if differences:
        raise ShapeError(f"{start}: {' and '.join(differences)}. {hint}")


def _target_axes(windows: Windows) -> tuple[str, ...]:
    """Names of the axes of ``windows.target_shape``."""
    if len(windows.target_shape) == 1:
        return ("targets",)
    return ("lookback", "targets") if windows.per_timestep else ("horizon", "targets")


def _first_use(axes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("lookback (timesteps)" if axis == "lookback" else axis for axis in axes)


def _axes(count: int) -> str:
    return "1 axis" if count == 1 else f"{count} axes"


def _input_hint(model_input: tuple[int | None, ...], windows: Windows) -> str:
    build = "Build the model from the windows with lstmshape.build_model(windows)"
    if len(model_input) != 2:
        return (
            f"An LSTM takes 3-D input (batch, lookback, features): {build}, or give the "
            f"model keras.Input(shape={windows.input_shape})."
        )
    lookback = "any lookback" if model_input[0] is None else f"lookback={model_input[0]}"
    features = model_input[1]
    counted = "features" if features is None else plural(features, "feature")
    return f"{build}, or make windows with {lookback} and {counted}."


def _output_hint(windows: Windows, levels: tuple[float, ...] = ()) -> str:
    if levels:
        return (
            "Build the model with lstmshape.build_model(windows, quantiles=...) with the same "
            "levels, or pass check_model the levels the model was built with."
        )
    if windows.per_timestep:
        return (
            "Per-timestep windows need return_sequences=True on every LSTM and a "
            "TimeDistributed(Dense) output: lstmshape.build_model(windows) builds one."
        )
    return "Build the model from the windows with lstmshape.build_model(windows)."


def _shape(shape: Sequence[int | None]) -> str:
    return str(tuple(shape))
