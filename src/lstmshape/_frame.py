"""Predictions back to pandas: original units, target timestamps, per-timestep averaging."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from ._errors import ShapeError
from ._scaling import inverse_scale
from ._source import WindowSource


def to_frame(source: WindowSource, scaler: Any, predictions: Any) -> pd.DataFrame:
    """Implement :meth:`Windows.to_frame`."""
    values = _as_predictions(predictions, (source.n_samples, *source.output_shape))
    if scaler is not None:
        values = inverse_scale(scaler, values, source.names, source.target_cols)
    if source.framing.per_timestep:
        return _average_per_row(source, values)
    rows = source.plan.first_target_rows  # inputs-only: the window's last row
    columns: list[Hashable] = list(source.target_names)
    if values.ndim == 3:  # (samples, horizon, targets): one column per target and step
        columns = [f"{name}+{step}" for name in columns for step in range(values.shape[1])]
        values = values.transpose(0, 2, 1).reshape(len(values), -1)
    return pd.DataFrame(values, index=_index(source, rows), columns=columns)


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


def _average_per_row(source: WindowSource, values: np.ndarray) -> pd.DataFrame:
    """Average overlapping per-timestep predictions of the same row into one value."""
    rows = (source.plan.starts[:, None] + source.framing.target_offsets[None, :]).ravel()
    flat = values.reshape(len(rows), -1)
    unique, position = np.unique(rows, return_inverse=True)
    sums = np.zeros((len(unique), flat.shape[1]))
    np.add.at(sums, position, flat)
    counts = np.bincount(position, minlength=len(unique))[:, None]
    return pd.DataFrame(
        sums / counts, index=_index(source, unique), columns=list(source.target_names)
    )


def _index(source: WindowSource, rows: np.ndarray) -> pd.Index:
    """Index labels of ``rows`` (row positions for numpy input), with groups when grouped."""
    labels = pd.Index(rows, name="row") if source.index is None else source.index[rows]
    if source.group_by is None:
        return labels
    groups = source.plan.groups_of_rows(rows)
    return pd.MultiIndex.from_arrays([groups, labels], names=[source.group_by, labels.name])
