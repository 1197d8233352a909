"""Keras model factories for the classic LSTM setups, shaped by the data they will take.

They run on Keras 3 with any of its backends (TensorFlow, JAX, PyTorch): the model is built
from ``keras.layers`` only, so the same call gives the same layers and parameter counts on
every backend, and TensorFlow is not imported unless it is Keras' backend.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import ShapeError, received, received_type
from ._frameworks import import_keras
from ._validate import check_bool, check_int

if TYPE_CHECKING:
    import keras

    from . import Windows

MERGE_MODES = ("sum", "mul", "ave", "concat")


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
) -> keras.Model:
    """Build an uncompiled Keras 3 LSTM model whose shapes come from the data.

    Three classic setups, chosen by ``per_timestep`` and ``bidirectional``:

    * **many-to-one**: stacked ``LSTM(units)`` layers (``return_sequences=True`` on all
      but the last), each optionally followed by ``Dropout(dropout)``, then ``Dense`` to
      the target shape (reshaped to ``(horizon, targets)`` for multi-step windows);
    * **per-timestep**: every LSTM returns sequences, then ``TimeDistributed(Dense)``:
      one output per timestep;
    * **bidirectional**: each LSTM wrapped in ``Bidirectional(..., merge_mode=...)``.

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

    Returns
    -------
    keras.Model
        Uncompiled (compile it with your loss and optimizer). Input
        ``(batch, lookback, features)``; output ``(batch, targets)``,
        ``(batch, horizon, targets)`` or, per timestep, ``(batch, lookback, targets)``:
        for windows, ``(batch,) + windows.target_shape``. It saves and loads with
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
        inputs-only windows (they have no targets to shape the output).
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
    )
    keras = import_keras("lstmshape.build_model")
    _check_activation(keras, spec.output_activation)
    return _assemble(keras, spec)


def check_model(model: keras.Model, windows: Windows) -> None:
    """Raise a readable error if ``model`` cannot take ``windows``; return quietly if it can.

    Compares the model's whole input shape with ``windows.input_shape`` and its whole
    output shape with ``windows.target_shape``: first the number of axes, then each axis
    (a ``None`` in the model accepts any size). Works on every Keras backend.

    Parameters
    ----------
    model : keras.Model
        A built Keras model with one input and one output.
    windows : Windows
        The windows it is meant to train on or predict from.

    Raises
    ------
    TypeError
        ``windows`` is not :class:`Windows`, or ``model`` is not a built Keras model with one
        input and one output.
    ShapeError
        The shapes do not fit: a different number of axes (a model taking ``(lookback,)``
        given windows ``(lookback, features)``) or a different size on an axis; the
        message names the axis, both sizes and the fix.

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
    from . import Windows

    if not isinstance(windows, Windows):
        raise TypeError(f"`windows` must be lstmshape.Windows. {received_type('windows', windows)}")
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
    model_output = _single_shape(model, "output")
    _compare(
        "output shape",
        model_output,
        "targets of shape",
        windows.target_shape,
        _target_axes(windows),
        _output_hint(windows),
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
) -> _Spec:
    from . import Windows

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

    horizon: int | None = None
    if isinstance(windows, Windows):
        input_shape: tuple[int | None, int] = windows.input_shape
        target_shape = _windows_target_shape(windows, targets, per_timestep)
        per_timestep = windows.per_timestep
        n_targets = target_shape[-1]
        if len(target_shape) == 2 and not per_timestep:
            horizon = target_shape[0]
    else:
        input_shape = _check_input_shape(windows)
        per_timestep = bool(per_timestep)
        n_targets = 1 if targets is None else targets
    return _Spec(
        input_shape=input_shape,
        n_targets=n_targets,
        horizon=horizon,
        per_timestep=per_timestep,
        units=check_int(units, "units", minimum=1),
        layers=check_int(layers, "layers", minimum=1),
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        dropout=_check_dropout(dropout),
        output_activation=output_activation,
    )


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
    valid = ", ".join(map(repr, MERGE_MODES))
    if merge_mode is not None and not isinstance(merge_mode, str):
        raise TypeError(
            f"`merge_mode` must be a string, one of {valid}. "
            f"{received_type('merge_mode', merge_mode)}"
        )
    if merge_mode not in MERGE_MODES:
        none_note = (
            " (Keras' merge_mode=None returns the two directions as separate outputs, which "
            "does not fit one target; build such a model by hand)"
            if merge_mode is None
            else ""
        )
        raise ShapeError(
            f"`merge_mode` must be one of {valid}{none_note}. {received('merge_mode', merge_mode)}"
        )
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
    layers = keras.layers
    stack: list[Any] = [keras.Input(shape=spec.input_shape, name="windows")]
    for number in range(spec.layers):
        last = number == spec.layers - 1
        lstm = layers.LSTM(
            spec.units, return_sequences=spec.per_timestep or not last, name=f"lstm_{number + 1}"
        )
        if spec.bidirectional:
            lstm = layers.Bidirectional(
                lstm, merge_mode=spec.merge_mode, name=f"bidirectional_{number + 1}"
            )
        stack.append(lstm)
        if spec.dropout:
            stack.append(layers.Dropout(spec.dropout, name=f"dropout_{number + 1}"))
    n_out = spec.n_targets
    if spec.per_timestep:
        dense = layers.Dense(n_out, activation=spec.output_activation, name="dense")
        stack.append(layers.TimeDistributed(dense, name="per_timestep"))
    elif spec.horizon is not None:  # a multi-step output: (horizon, targets)
        size = spec.horizon * n_out
        stack.append(layers.Dense(size, activation=spec.output_activation, name="dense"))
        stack.append(layers.Reshape((spec.horizon, n_out), name="horizon"))
    else:
        stack.append(layers.Dense(n_out, activation=spec.output_activation, name="dense"))
    kind = "per_timestep" if spec.per_timestep else "many_to_one"
    prefix = "bidirectional_" if spec.bidirectional else ""
    return keras.Sequential(stack, name=f"{prefix}lstm_{kind}")


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
        f"{axis} {'differs' if axis == 'lookback' else 'differ'} (model {m}, windows {d})"
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
    return f"{build}, or make windows with {lookback} and {model_input[1]} features."


def _output_hint(windows: Windows) -> str:
    if windows.per_timestep:
        return (
            "Per-timestep windows need return_sequences=True on every LSTM and a "
            "TimeDistributed(Dense) output: lstmshape.build_model(windows) builds one."
        )
    return "Build the model from the windows with lstmshape.build_model(windows)."


def _shape(shape: Sequence[int | None]) -> str:
    return str(tuple(shape))
