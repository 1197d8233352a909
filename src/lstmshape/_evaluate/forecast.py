"""``forecast()``: a trained model's forecast past the end of the data, in original units."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, listed, received, received_type
from .._core.validate import check_int
from .._input.panel import is_panel
from .._input.table import ColumnSelection
from .._input.transform import rows_used_up
from .._readers.units import future_index, predict_quietly
from .._windows.request import make_request
from .._windows.windows import windows


def forecast(
    model: Any,
    data: Any,
    steps: int,
    *,
    lookback: int,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    freq: str | pd.DateOffset | None = None,
    fitted_scaler: Any = None,
    transform: str | None = None,
    horizon: int | None = None,
    min_history: int | None = None,
) -> pd.DataFrame:
    """Forecast ``steps`` rows past the end of ``data`` with a trained many-to-one model.

    The model sees the last ``lookback`` rows (scaled by ``fitted_scaler`` and transformed
    by ``transform``, as in training) and predicts the next row (a one-step model) or the
    next ``horizon`` rows (a multi-step model). When ``steps`` is more than it predicts at
    once, the prediction is appended to the data in original units and the model is asked
    again: an *iterated* (recursive) forecast.

    Parameters
    ----------
    model : object
        Anything with ``predict(x)`` taking ``(1, lookback, n_features)`` and returning
        ``(1, n_targets)`` (one step) or ``(1, horizon, n_targets)``: a Keras model
        trained on :func:`windows` or :func:`split` windows of the same framing.
    data : array_like, pandas.Series or pandas.DataFrame
        The history, rows in time order, in original units (not scaled).
    steps : int
        Rows to forecast, at least 1.
    lookback : int
        The model's timesteps per window.
    features, targets : optional
        The columns the model was trained on, as for :func:`windows`.
    freq : str or pandas.DateOffset, optional
        The spacing of the future timestamps; default the index's ``freq`` or what
        ``pandas.infer_freq`` finds (business-day data with holidays needs ``freq="B"``).
        Without a DatetimeIndex the future rows continue the row positions (a RangeIndex
        continues its own step).
    fitted_scaler : object, optional
        The scaler fitted in training (``split(...).scaler``); undone on the forecast.
    transform : {"diff", "pct_change", "log", "log_diff"}, optional
        The target transform used in training; undone from the last known level.
    horizon : int, optional
        The model's horizon; default: read from the shape of its first prediction.
    min_history : int, optional
        For a model trained on padded windows (``windows(..., min_history=k)``), which takes
        the inputs ``{"past": ..., "mask": ...}``: pass the same ``k``. The history may
        then be shorter than ``lookback`` (at least ``k`` rows); the missing steps are
        padding, marked False in the mask, as in training.

    Returns
    -------
    pandas.DataFrame
        ``steps`` rows on the future timestamps, one column per target, original units.

    Raises
    ------
    ShapeError
        ``steps`` beyond the model's horizon when some features are not targets (their
        future is unknown), a prediction of an unexpected shape, no frequency for the
        future timestamps, and everything :func:`windows` refuses.

    Notes
    -----
    An iterated forecast feeds the model its own predictions: errors compound, and the
    forecast drifts towards what the model predicts for its own output (often a flat or
    smoothly decaying line). Its uncertainty grows with every step, yet a point forecast
    shows none of it; judge it with :func:`folds` and :func:`score` at the horizons you
    need. Features that are not targets (exogenous inputs: volume, weather, holidays)
    must be known for the future rows, which this function does not assume: it iterates
    only models whose features are their targets, and otherwise needs a multi-step model
    whose ``horizon`` covers ``steps``. Models trained with ``shift`` other than 1 or a
    ``sampling_rate`` are not supported.

    Examples
    --------
    >>> import numpy as np, pandas as pd, lstmshape
    >>> class LastValue:                       # a stand-in for a trained Keras model
    ...     def predict(self, x):
    ...         return x[:, -1, :]             # (1, n_targets): the next step
    >>> data = pd.Series(np.arange(10.0), index=pd.date_range("2024-01-01", periods=10))
    >>> lstmshape.forecast(LastValue(), data, 3, lookback=4, transform="diff")
                  0
    2024-01-11  10.0
    2024-01-12  11.0
    2024-01-13  12.0
    """
    steps = check_int(steps, "steps", minimum=1)
    if horizon is not None:
        horizon = check_int(horizon, "horizon", minimum=1)
    if not callable(getattr(model, "predict", None)):
        raise TypeError(
            "`model` must have a predict(x) method (a trained Keras model, for example). "
            f"{received_type('model', model)}"
        )
    _check_mask_input(model, min_history)
    if is_panel(data):
        raise TypeError(
            "forecast() continues one series; `data` is a panel (a list or dict of series), "
            "whose rows it would read as one history. Forecast each series on its own: "
            "{name: lstmshape.forecast(model, series, ...) for name, series in data.items()}. "
            f"{received_type('data', data)}"
        )
    request = make_request(
        data, lookback, inputs_only=True, features=features, targets=targets,
        transform=transform, min_history=min_history, scaler=fitted_scaler,
        scaler_name="fitted_scaler",
    )  # fmt: skip
    table, lookback = request.read.table, request.framing.lookback
    kind = None if request.undo is None else request.undo.kind
    future = future_index(table.index, len(table.values) - 1, np.arange(1, steps + 1), freq=freq)
    names = list(table.names)
    feature_names = list(table.feature_names)
    target_names = list(table.target_names)
    work = pd.DataFrame(np.asarray(table.values, dtype=np.float64), columns=names)
    need = lookback + rows_used_up(kind, 1)
    options = {
        "features": feature_names,
        "targets": target_names,
        "fitted_scaler": fitted_scaler,
        "transform": kind,
        "inputs_only": True,
        "min_history": min_history,
    }
    produced: list[np.ndarray] = []
    n_made = 0
    while n_made < steps:
        tail = work.iloc[-need:].reset_index(drop=True)
        first = windows(tail, lookback, horizon=1, **options)
        prediction = predict_quietly(model, _last_window(first.X))
        found = _horizon_of(prediction, len(target_names), horizon)
        if n_made == 0 and found < steps and set(feature_names) != set(target_names):
            extra = [n for n in feature_names if n not in target_names]
            raise ShapeError(
                f"forecast() cannot iterate this model past its horizon of {found} row(s): "
                f"the features {listed(map(repr, extra))} are not targets, so their future "
                f"values are unknown. Train a model with horizon >= {steps}, or with "
                f"features equal to targets. {received('steps', steps)}"
            )
        framed = windows(tail, lookback, horizon=found, **options)
        # Padded windows (min_history) come before the last one: give every sample the
        # prediction, so that to_frame maps it, and read the last.
        spread = np.repeat(prediction.reshape(1, *prediction.shape[1:]), len(framed), axis=0)
        levels = framed.to_frame(spread).to_numpy()[-1]
        block = levels.reshape(len(target_names), found).T  # (found, n_targets)
        produced.append(block)
        n_made += found
        new_rows = pd.DataFrame(block, columns=target_names).reindex(columns=names)
        work = pd.concat([work.iloc[-need:], new_rows], ignore_index=True)
    values = np.concatenate(produced)[:steps]
    return pd.DataFrame(values, index=future, columns=target_names)


def _check_mask_input(model: Any, min_history: int | None) -> None:
    """Match ``min_history`` to a Keras model's inputs: a mask input needs it, and only it."""
    inputs = getattr(model, "inputs", None)
    if not isinstance(inputs, (list, tuple)) or not inputs:
        return  # not a Keras model: its predict() is the judge
    names = [str(getattr(tensor, "name", "")).split(":")[0] for tensor in inputs]
    if "mask" in names and min_history is None:
        raise ShapeError(
            "The model takes a 'mask' input: it was built on padded windows "
            "(windows(..., min_history=k)). Pass forecast(..., min_history=k) with the k of "
            "training, so that it gets its mask. Received: min_history=None"
        )
    if "mask" not in names and min_history is not None:
        raise ShapeError(
            f"`min_history` gives the model a mask, but its inputs ({', '.join(names)}) have "
            "none: it was built on full windows. Leave out `min_history`. "
            f"{received('min_history', min_history)}"
        )


def _last_window(x: Any) -> Any:
    """Return the last sample of ``X``, kept 3-D (or a dict of them, with ``min_history``)."""
    if isinstance(x, dict):
        return {name: value[-1:] for name, value in x.items()}
    return x[-1:]


def _horizon_of(prediction: np.ndarray, n_targets: int, horizon: int | None) -> int:
    """Read the model's horizon from the shape of one prediction."""
    shape = prediction.shape
    if shape == (1, n_targets) or (n_targets == 1 and shape == (1,)):
        found = 1
    elif len(shape) == 3 and shape[0] == 1 and shape[2] == n_targets:
        found = shape[1]
    else:
        raise ShapeError(
            f"`model.predict` returned shape {shape} for one window, but a many-to-one model "
            f"of {n_targets} target(s) returns (1, {n_targets}) or (1, horizon, {n_targets}). "
            "Is it the model trained on these features and targets?"
        )
    if horizon is not None and horizon != found:
        raise ShapeError(
            f"`horizon` is {horizon}, but the model predicts {found} step(s) at once "
            f"(output shape {shape}). {received('horizon', horizon)}"
        )
    return int(found)
