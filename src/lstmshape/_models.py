"""Keras model factories for the classic LSTM setups, shaped by the data they will take."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import ShapeError, received, received_type
from ._tf import import_keras
from ._validate import check_bool, check_int

if TYPE_CHECKING:
    import keras

    from ._windows import Windows

MERGE_MODES = ("sum", "mul", "ave", "concat")


@dataclass(frozen=True)
class _Spec:
    """What a model must look like: validated, before Keras is imported."""

    input_shape: tuple[int | None, int]
    output_shape: tuple[int, ...]
    per_timestep: bool
    units: int
    layers: int
    bidirectional: bool
    merge_mode: str
    dropout: float
    output_activation: str | None


def build_model(
    shape_source: Windows | Sequence[int | None],
    *,
    units: int = 32,
    layers: int = 1,
    bidirectional: bool = False,
    merge_mode: str = "concat",
    dropout: float = 0.0,
    outputs: int | None = None,
    per_timestep: bool | None = None,
    output_activation: str | None = None,
) -> keras.Model:
    """Build an uncompiled Keras LSTM model whose shapes come from the data.

    Three classic setups, chosen by ``per_timestep`` and ``bidirectional``:

    * **many-to-one**: stacked ``LSTM(units)`` layers (``return_sequences=True`` on all
      but the last), each optionally followed by ``Dropout(dropout)``, then ``Dense`` to
      the target shape (reshaped to ``(horizon, n_targets)`` for multi-step windows);
    * **per-timestep**: every LSTM returns sequences, then ``TimeDistributed(Dense)``:
      one output per timestep;
    * **bidirectional**: each LSTM wrapped in ``Bidirectional(..., merge_mode=...)``.

    Parameters
    ----------
    shape_source : Windows or tuple
        Windows to train on (input shape, target shape and ``per_timestep`` are read from
        them), or an input shape ``(timesteps, features)`` without the samples axis, as
        ``keras.Input(shape=...)`` takes it (``timesteps`` may be None: any length).
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
    outputs : int, optional
        Target columns (default: from the windows, or 1 for a shape tuple).
    per_timestep : bool, optional
        One output per timestep (default: from the windows, or False for a shape tuple).
    output_activation : str, optional
        Activation of the final ``Dense`` (``"sigmoid"`` for binary labels). Default linear.

    Returns
    -------
    keras.Model
        Uncompiled (compile it with your loss and optimizer). Input
        ``(batch, timesteps, features)``; output ``(batch, outputs)``,
        ``(batch, horizon, outputs)`` or, per timestep, ``(batch, timesteps, outputs)``.
        It saves and loads with ``model.save("m.keras")`` / ``keras.models.load_model``
        without custom objects.

    Raises
    ------
    ShapeError, TypeError
        Invalid sizes, an unknown ``merge_mode``, a shape that is not
        ``(timesteps, features)``, ``per_timestep`` or ``outputs`` contradicting the windows.

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
        shape_source,
        units=units,
        layers=layers,
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        dropout=dropout,
        outputs=outputs,
        per_timestep=per_timestep,
        output_activation=output_activation,
    )
    keras = import_keras("lstmshape.build_model")
    return _assemble(keras, spec)


def check_model(model: keras.Model, windows: Windows) -> None:
    """Raise a readable error if ``model`` cannot take ``windows``; return quietly if it can.

    Compares the model's input shape with ``windows.input_shape`` and its output shape
    with ``windows.target_shape``, axis by axis (a ``None`` in the model accepts any size).

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> w = lstmshape.windows(np.ones((100, 1)), 60)
    >>> lstmshape.check_model(lstmshape.build_model(w), w)       # fits: returns None
    >>> lstmshape.check_model(lstmshape.build_model((50, 2)), w)
    Traceback (most recent call last):
    ...
    lstmshape.ShapeError: The model's input shape (50, 2) does not fit windows of input
    shape (60, 1): timesteps differ (model 50, windows 60) and features differ (model 2,
    windows 1). Build the model...
    """
    from ._windows import Windows

    if not isinstance(windows, Windows):
        raise TypeError(f"`windows` must be lstmshape.Windows. {received_type('windows', windows)}")
    import_keras("lstmshape.check_model")
    model_input = _single_shape(getattr(model, "input_shape", None), "input")[1:]
    problems = _axis_differences(model_input, windows.input_shape, ("timesteps", "features"))
    if problems:
        raise ShapeError(
            f"The model's input shape {_shape(model_input)} does not fit windows of input shape "
            f"{windows.input_shape}: {problems}. Build the model from the windows with "
            f"lstmshape.build_model(windows), or make windows with lookback={model_input[0]} "
            f"and {model_input[1]} features."
        )
    if windows.inputs_only:
        return
    model_output = _single_shape(getattr(model, "output_shape", None), "output")[1:]
    target_axes = ("timesteps", "targets") if windows.per_timestep else (
        ("targets",) if windows.horizon == 1 else ("horizon steps", "targets")
    )  # fmt: skip
    if len(model_output) != len(windows.target_shape):
        raise ShapeError(
            f"The model's output shape {_shape(model_output)} does not fit targets of shape "
            f"{windows.target_shape} (per sample: {' x '.join(target_axes)}): they have "
            f"{len(model_output)} and {len(windows.target_shape)} axes. " + _output_hint(windows)
        )
    problems = _axis_differences(model_output, windows.target_shape, target_axes)
    if problems:
        raise ShapeError(
            f"The model's output shape {_shape(model_output)} does not fit targets of shape "
            f"{windows.target_shape}: {problems}. " + _output_hint(windows)
        )


def _spec(
    shape_source: Any,
    *,
    units: Any,
    layers: Any,
    bidirectional: Any,
    merge_mode: Any,
    dropout: Any,
    outputs: Any,
    per_timestep: Any,
    output_activation: Any,
) -> _Spec:
    from ._windows import Windows

    bidirectional = check_bool(bidirectional, "bidirectional")
    merge_mode = _check_merge_mode(merge_mode, bidirectional)
    if per_timestep is not None:
        per_timestep = check_bool(per_timestep, "per_timestep")
    if outputs is not None:
        outputs = check_int(outputs, "outputs", minimum=1)
    if output_activation is not None and not isinstance(output_activation, str):
        raise TypeError(
            "`output_activation` must be the name of a Keras activation such as 'sigmoid'. "
            f"{received_type('output_activation', output_activation)}"
        )

    if isinstance(shape_source, Windows):
        input_shape: tuple[int | None, int] = shape_source.input_shape
        output_shape = _windows_output_shape(shape_source, outputs, per_timestep)
        per_timestep = shape_source.per_timestep
    else:
        input_shape = _check_input_shape(shape_source)
        per_timestep = bool(per_timestep)
        n_out = 1 if outputs is None else outputs
        output_shape = (input_shape[0], n_out) if per_timestep else (n_out,)  # type: ignore[assignment]
    return _Spec(
        input_shape=input_shape,
        output_shape=output_shape,
        per_timestep=per_timestep,
        units=check_int(units, "units", minimum=1),
        layers=check_int(layers, "layers", minimum=1),
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        dropout=_check_dropout(dropout),
        output_activation=output_activation,
    )


def _windows_output_shape(
    windows: Windows, outputs: int | None, per_timestep: bool | None
) -> tuple[int, ...]:
    if per_timestep is not None and per_timestep != windows.per_timestep:
        made = "with" if windows.per_timestep else "without"
        raise ShapeError(
            f"`per_timestep={per_timestep}` contradicts the windows, which were made {made} "
            "per_timestep=True. Leave `per_timestep` out to take it from the windows, or make "
            f"windows with per_timestep={per_timestep}."
        )
    n_targets = len(windows.target_names)
    if outputs is not None and outputs != n_targets:
        raise ShapeError(
            f"`outputs={outputs}` contradicts the windows, which have {n_targets} target "
            f"column(s) ({', '.join(map(repr, windows.target_names))}). Leave `outputs` out to "
            "take it from the windows."
        )
    if windows.per_timestep:
        return (windows.lookback, n_targets)
    return (n_targets,) if windows.horizon == 1 else (windows.horizon, n_targets)


def _check_input_shape(shape: Any) -> tuple[int | None, int]:
    if not isinstance(shape, (tuple, list)):
        raise TypeError(
            "`shape_source` must be lstmshape.Windows or an input shape tuple "
            f"(timesteps, features). {received_type('shape_source', shape)}"
        )
    shape = tuple(shape)
    if len(shape) == 3:
        raise ShapeError(
            f"`shape_source` {shape} has 3 axes, but an input shape leaves out the samples "
            f"(batch) axis: Keras' input_shape is (timesteps, features), here "
            f"{shape[1:]}. Pass {shape[1:]}. {received('shape_source', shape)}"
        )
    if len(shape) != 2:
        raise ShapeError(
            "`shape_source` must be (timesteps, features), two axes. "
            f"{received('shape_source', shape)}"
        )
    timesteps, features = shape
    for name, value in (("timesteps", timesteps), ("features", features)):
        if name == "timesteps" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ShapeError(
                f"`shape_source` must be (timesteps, features) of positive integers, but "
                f"{name} is {value!r}. {received('shape_source', shape)}"
            )
    return (None if timesteps is None else int(timesteps), int(features))


def _check_merge_mode(merge_mode: Any, bidirectional: bool) -> str:
    if merge_mode not in MERGE_MODES:
        none_note = (
            " (Keras' merge_mode=None returns the two directions as separate outputs, which "
            "does not fit one target; build such a model by hand)"
            if merge_mode is None
            else ""
        )
        raise ShapeError(
            f"`merge_mode` must be one of {', '.join(map(repr, MERGE_MODES))}{none_note}. "
            f"{received('merge_mode', merge_mode)}"
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
    n_out = spec.output_shape[-1]
    if spec.per_timestep:
        dense = layers.Dense(n_out, activation=spec.output_activation, name="dense")
        stack.append(layers.TimeDistributed(dense, name="per_timestep"))
    elif len(spec.output_shape) == 2:  # a multi-step horizon
        size = spec.output_shape[0] * n_out
        stack.append(layers.Dense(size, activation=spec.output_activation, name="dense"))
        stack.append(layers.Reshape(spec.output_shape, name="horizon"))
    else:
        stack.append(layers.Dense(n_out, activation=spec.output_activation, name="dense"))
    kind = "per_timestep" if spec.per_timestep else "many_to_one"
    prefix = "bidirectional_" if spec.bidirectional else ""
    return keras.Sequential(stack, name=f"{prefix}lstm_{kind}")


def _single_shape(shape: Any, what: str) -> tuple[Any, ...]:
    if not isinstance(shape, tuple) or (shape and isinstance(shape[0], (tuple, list))):
        raise TypeError(
            f"check_model takes a built Keras model with one {what}; this model's {what} "
            f"shape is {shape!r}."
        )
    return shape


def _axis_differences(
    model_shape: Sequence[int | None], data_shape: Sequence[int], axes: Sequence[str]
) -> str:
    differences = [
        f"{axis} differ (model {m}, windows {d})"
        for axis, m, d in zip(axes, model_shape, data_shape, strict=False)
        if m is not None and m != d
    ]
    return " and ".join(differences)


def _output_hint(windows: Windows) -> str:
    if windows.per_timestep:
        return (
            "Per-timestep windows need return_sequences=True on every LSTM and a "
            "TimeDistributed(Dense) output: lstmshape.build_model(windows) builds one."
        )
    return "Build the model from the windows with lstmshape.build_model(windows)."


def _shape(shape: Sequence[int | None]) -> str:
    return str(tuple(shape))
