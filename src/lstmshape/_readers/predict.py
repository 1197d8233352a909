"""Call any model on windows and return its output as a float64 numpy array.

A model is a Keras model, anything with ``predict``, a ``torch.nn.Module`` or a plain
callable ``f(x) -> array``: what kind of model it is and how to call it (``forecast`` uses
it); ``predict`` itself is called by :func:`.units.predict_quietly`, the output read by
:func:`.units.read_predictions`. PyTorch is imported only when the model is a
``torch.nn.Module``, through ``_core.frameworks``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.errors import received_type
from .._core.frameworks import import_torch
from .units import predict_quietly, read_predictions


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

    Keras-style ``predict`` goes through :func:`.units.predict_quietly` (``verbose=0``
    when it takes it); a ``torch.nn.Module`` is called in evaluation mode under
    ``torch.no_grad()`` on float32 tensors (boolean masks stay boolean) on the device of
    its parameters, its training mode restored afterwards. Every output is read by
    :func:`.units.read_predictions`.
    """
    kind = model_kind(model) if kind is None else kind
    if kind == "torch":
        output = _call_torch(model, x)
    elif kind == "predict":
        return predict_quietly(model, x)
    else:
        output = model(x)
    return read_predictions(output, "model(x)").astype(np.float64, copy=False)


def _is_torch_module(model: Any) -> bool:
    return any(
        cls.__name__ == "Module" and cls.__module__.startswith("torch.nn")
        for cls in type(model).__mro__
    )


def _call_torch(model: Any, x: Any) -> Any:
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
    detach = getattr(output, "detach", None)
    return detach().cpu().numpy() if callable(detach) else output
