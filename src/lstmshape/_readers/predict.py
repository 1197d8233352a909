"""Call any model on windows and return its output as a float64 numpy array.

A model is a Keras model, anything with ``predict``, a ``torch.nn.Module`` or a plain
callable ``f(x) -> array``. The one home of "how do I ask this model for a prediction"
(``forecast`` uses it). PyTorch is imported only when the model is a ``torch.nn.Module``,
through ``_core.frameworks``.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from .._core.errors import received_type
from .._core.frameworks import import_torch


def model_kind(model: Any) -> str:
    """Return ``"torch"``, ``"predict"`` or ``"callable"``, or raise a TypeError naming the kinds.

    A ``torch.nn.Module`` is recognised by its class' ancestry, without importing PyTorch
    (it is already imported when such an object exists).
    """
    if _is_torch_module(model):
        return "torch"
    if callable(getattr(model, "predict", None)):
        return "predict"
    if callable(model):
        return "callable"
    raise TypeError(
        "`model` must be a trained model: a Keras model, anything with a predict(x) method, "
        "a torch.nn.Module, or a callable f(x) -> array. "
        f"{received_type('model', model)}"
    )


def call_model(model: Any, x: Any, kind: str | None = None) -> np.ndarray:
    """Return the model's output for the inputs ``x`` (an array or a dict of named arrays).

    Keras ``predict`` is called with ``verbose=0`` when it takes it; a ``torch.nn.Module``
    in evaluation mode under ``torch.no_grad()`` on float32 tensors (boolean masks stay
    boolean) on the device of its parameters, its training mode restored afterwards.
    """
    kind = model_kind(model) if kind is None else kind
    if kind == "torch":
        return _call_torch(model, x)
    if kind == "predict":
        predict = model.predict
        output = predict(x, verbose=0) if takes_verbose(predict) else predict(x)
    else:
        output = model(x)
    return _as_numpy(output)


def takes_verbose(function: Any) -> bool:
    """Whether ``function`` accepts a ``verbose`` keyword (Keras' ``predict`` does)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "verbose" or p.kind is p.VAR_KEYWORD for p in parameters)


def _is_torch_module(model: Any) -> bool:
    return any(
        cls.__name__ == "Module" and cls.__module__.startswith("torch.nn")
        for cls in type(model).__mro__
    )


def _call_torch(model: Any, x: Any) -> np.ndarray:
    torch = import_torch("forecast() with a torch.nn.Module")
    parameter = next(iter(model.parameters()), None)
    device = parameter.device if parameter is not None else torch.device("cpu")

    def tensor(value: Any) -> Any:
        kind = np.bool_ if np.asarray(value).dtype == np.bool_ else np.float32
        array = np.array(value, dtype=kind)  # a writable copy: windows are read-only views
        return torch.from_numpy(array).to(device)

    inputs = {k: tensor(v) for k, v in x.items()} if isinstance(x, dict) else tensor(x)
    was_training = bool(model.training)
    model.eval()
    try:
        with torch.no_grad():
            output = model(inputs)
    finally:
        model.train(was_training)
    return _as_numpy(output)


def _as_numpy(output: Any) -> np.ndarray:
    """Return a Keras, TensorFlow, JAX or PyTorch output as a float64 numpy array."""
    detach = getattr(output, "detach", None)
    if callable(detach):  # a torch tensor
        output = detach().cpu().numpy()
    try:
        return np.asarray(output, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            "The model's output is not an array of numbers: forecast() needs one array "
            "(a Keras model with several outputs, or a dict, is not a forecaster of these "
            f"targets). {received_type('output', output)}"
        ) from error
