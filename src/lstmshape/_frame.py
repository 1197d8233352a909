"""Predictions back to pandas: original units, target timestamps, per-timestep averaging."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._errors import ShapeError

if TYPE_CHECKING:
    from ._windows import Windows


def to_frame(windows: Windows, predictions: Any) -> pd.DataFrame:
    """Implement :meth:`Windows.to_frame`."""
    expected = (len(windows), *_prediction_shape(windows))
    values = _as_predictions(predictions, expected)
    values = _unscale(windows, values)
    if windows.per_timestep:
        return _average_per_row(windows, values)
    rows = windows.plan.starts + windows.lookback - 1  # inputs-only: the window's last row
    if not windows.inputs_only:
        rows = windows.plan.first_target_rows
    columns: list[Hashable] = list(windows.target_names)
    if values.ndim == 3:  # (samples, horizon, targets): one column per target and step
        columns = [f"{name}+{step}" for name in columns for step in range(values.shape[1])]
        values = values.transpose(0, 2, 1).reshape(len(values), -1)
    return pd.DataFrame(values, index=_index(windows, rows), columns=columns)


def _prediction_shape(windows: Windows) -> tuple[int, ...]:
    n_targets = len(windows.target_names)
    if windows.inputs_only:
        return (n_targets,) if windows.horizon == 1 else (windows.horizon, n_targets)
    return windows.target_shape


def _as_predictions(predictions: Any, expected: tuple[int, ...]) -> np.ndarray:
    values = np.asarray(predictions)
    if values.shape != expected and expected[-1] == 1 and values.shape == expected[:-1]:
        values = values[..., None]  # a squeezed single target, e.g. (samples,)
    if values.shape != expected:
        raise ShapeError(
            f"`predictions` have shape {values.shape}, but these windows need {expected} "
            f"(samples, then the target shape {expected[1:]}). Predict on the same windows: "
            "model.predict(windows.X) or model.predict(windows.to_dataset())."
        )
    if not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"`predictions` must be numeric. Received: dtype {values.dtype}")
    return values.astype(np.float64, copy=False)


def _unscale(windows: Windows, values: np.ndarray) -> np.ndarray:
    """Undo the scaler fitted by ``split`` on the target columns; other columns are zeros."""
    if windows.scaler is None:
        return values
    target_cols = list(windows._table.target_cols)
    flat = values.reshape(-1, len(target_cols))
    full = np.zeros((len(flat), windows.data.shape[1]))
    full[:, target_cols] = flat
    restored = np.asarray(windows.scaler.inverse_transform(full))[:, target_cols]
    return restored.reshape(values.shape)


def _average_per_row(windows: Windows, values: np.ndarray) -> pd.DataFrame:
    """Average overlapping per-timestep predictions of the same row into one value."""
    rows = (windows.plan.starts[:, None] + windows.framing.target_offsets[None, :]).ravel()
    flat = values.reshape(len(rows), -1)
    unique, position = np.unique(rows, return_inverse=True)
    sums = np.zeros((len(unique), flat.shape[1]))
    np.add.at(sums, position, flat)
    counts = np.bincount(position, minlength=len(unique))[:, None]
    return pd.DataFrame(
        sums / counts, index=_index(windows, unique), columns=list(windows.target_names)
    )


def _index(windows: Windows, rows: np.ndarray) -> pd.Index:
    """Index labels of ``rows`` (row positions for numpy input), with groups when grouped."""
    labels = pd.Index(rows, name="row") if windows.index is None else windows.index[rows]
    if windows.group_by is None:
        return labels
    run_groups = np.empty(len(windows.plan.run_groups), dtype=object)
    run_groups[:] = list(windows.plan.run_groups)
    run_of_row = np.zeros(windows.plan.n_rows, dtype=np.int64)
    for number, (begin, end) in enumerate(windows.plan.runs):
        run_of_row[begin:end] = number
    groups = run_groups[run_of_row[rows]]
    return pd.MultiIndex.from_arrays([groups, labels], names=[windows.group_by, labels.name])
