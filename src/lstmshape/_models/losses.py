"""Losses for the models of :mod:`.models`: the pinball (quantile) loss, on any Keras backend."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from .._core.frameworks import import_keras
from .._core.validate import check_quantiles


def pinball_loss(quantiles: Sequence[float]) -> Any:
    """Return the pinball (quantile) loss for a model built with ``quantiles``.

    For a target ``y`` and the prediction ``p_q`` of quantile level ``q``, the loss is
    ``max(q * (y - p_q), (q - 1) * (y - p_q))``, averaged over the quantiles, the steps and
    the targets of each sample (then over the batch, as Keras does). Its minimum is at the
    ``q``-quantile of ``y``: under-predictions cost ``q`` per unit, over-predictions
    ``1 - q``.

    Parameters
    ----------
    quantiles : sequence of float
        The levels the model predicts, in the model's order (increasing, in ``(0, 1)``):
        the same list as ``build_model(..., quantiles=...)``.

    Returns
    -------
    keras.losses.Loss
        A loss for ``model.compile(loss=...)``: ``y_true`` of shape
        ``(batch,) + windows.target_shape``, ``y_pred`` with a trailing axis of
        ``len(quantiles)``. It is registered with Keras (``"lstmshape>PinballLoss"``), so a
        compiled model saves and loads once ``lstmshape.pinball_loss`` has been called in
        the loading process (or load with ``compile=False``).

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> loss = lstmshape.pinball_loss([0.1, 0.5, 0.9])
    >>> y_true = np.zeros((2, 1), "float32")
    >>> y_pred = np.ones((2, 1, 3), "float32")   # every quantile 1 above the truth
    >>> round(float(loss(y_true, y_pred)), 4)    # mean of 0.9, 0.5 and 0.1
    0.5
    """
    levels = check_quantiles(quantiles)
    keras = import_keras("lstmshape.pinball_loss")
    return _loss_class(keras)(quantiles=list(levels))


@cache
def _loss_class(keras: Any) -> Any:
    """Define (once per Keras module) the registered ``PinballLoss`` class."""

    @keras.saving.register_keras_serializable(package="lstmshape", name="PinballLoss")
    class PinballLoss(keras.losses.Loss):  # type: ignore[misc]
        def __init__(self, quantiles: Sequence[float], **kwargs: Any) -> None:
            kwargs.setdefault("name", "pinball_loss")
            super().__init__(**kwargs)
            self.quantiles = [float(q) for q in quantiles]

        def call(self, y_true: Any, y_pred: Any) -> Any:
            ops = keras.ops
            y_pred = ops.convert_to_tensor(y_pred)
            y_true = ops.cast(y_true, y_pred.dtype)
            levels = ops.cast(ops.convert_to_tensor(self.quantiles), y_pred.dtype)
            error = ops.expand_dims(y_true, -1) - y_pred
            loss = ops.maximum(levels * error, (levels - 1.0) * error)
            return ops.mean(ops.reshape(loss, (ops.shape(loss)[0], -1)), axis=-1)

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "quantiles": self.quantiles}

    return PinballLoss
