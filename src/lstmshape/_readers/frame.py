"""Predictions back to pandas: original units, target timestamps, per-timestep averaging.

The way back to the data's units is :mod:`.units` (shared with pictures, ``forecast`` and
``score``); this module only lays the result out as a frame.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from .._core.errors import ShapeError
from .._core.validate import check_levels_ordered, check_quantiles
from .._input.transform import TargetTransform
from .source import WindowSource
from .units import (
    check_quantile_undo,
    labels,
    predictions_in_units,
    read_predictions,
    restore_target_axis,
)

__all__ = ["read_predictions", "step_columns", "to_frame"]


def to_frame(
    source: WindowSource,
    scaler: Any,
    predictions: Any,
    transform: TargetTransform | None = None,
    quantiles: Any = None,
) -> pd.DataFrame:
    """Implement :meth:`Windows.to_frame`: undo the scaler, then the target transform.

    Many-to-one frames are indexed by each sample's first target row (inputs-only ones by
    the window's last input row) and have one column per target and step, named
    ``"name+k"`` where ``k`` counts **rows** after the index row (``k * sampling_rate``
    for step ``k``; plus ``shift`` for inputs-only frames), so that a frame read back from
    CSV still says which row each value is for. ``frame.attrs["origin"]`` is the number of
    rows from the last row the forecaster knew (the window's last input row) to the index
    row: what :func:`lstmshape.score` repeats as the naive forecast.
    """
    levels = check_quantiles(quantiles)
    if levels:
        return _quantile_frame(source, scaler, predictions, transform, levels)
    expected = (source.n_samples, *source.output_shape)
    values = restore_target_axis(read_predictions(predictions), expected)
    if values.shape != expected:
        hint = ""
        if values.shape[:-1] == expected or values.shape[:-1] == (*expected[:-1], 1):
            hint = (
                f" A trailing axis of {values.shape[-1]}: for a quantile model, pass its "
                "levels, to_frame(predictions, quantiles=[0.1, 0.5, 0.9])."
            )
        raise ShapeError(
            f"`predictions` have shape {values.shape}, but these windows need {expected} "
            f"(samples, then the target shape {expected[1:]}). Predict on the same windows: "
            f"model.predict(windows.X) or model.predict(windows.to_dataset()).{hint}"
        )
    return _point_frame(source, scaler, transform, values)


def _point_frame(
    source: WindowSource, scaler: Any, transform: TargetTransform | None, values: np.ndarray
) -> pd.DataFrame:
    values = predictions_in_units(source, scaler, transform, values)
    f = source.framing
    if f.per_timestep:
        frame = _average_per_row(source, values)
        frame.attrs["origin"] = max(f.shift, 1)
        return frame
    rows = source.plan.first_target_rows  # inputs-only: the window's last row
    columns: list[Hashable] = list(source.target_names)
    if values.ndim == 3:  # (samples, horizon, targets): one column per target and step
        columns = step_columns(columns, values.shape[1], f.sampling_rate, f.inputs_only, f.shift)
        values = values.transpose(0, 2, 1).reshape(len(values), -1)
    elif f.inputs_only:
        columns = step_columns(columns, 1, f.sampling_rate, True, f.shift)
    frame = pd.DataFrame(values, index=labels(source, rows), columns=columns)
    frame.attrs["origin"] = 0 if f.inputs_only else max(f.shift, 1)
    return frame


_SORT_HINT = "sort another model's predictions first (np.sort(predictions, axis=-1))."


def _quantile_frame(
    source: WindowSource,
    scaler: Any,
    predictions: Any,
    transform: TargetTransform | None,
    levels: tuple[float, ...],
) -> pd.DataFrame:
    """One point frame per quantile level, side by side: columns ``(column, quantile)``.

    Each level is taken back to the data's units on its own (see
    :func:`.units.check_quantile_undo` for when that is exact, and the one refusal).
    """
    expected = (source.n_samples, *source.output_shape, len(levels))
    values = read_predictions(predictions)
    if values.shape != expected:
        raise ShapeError(
            f"`predictions` have shape {values.shape}, but these windows with "
            f"{len(levels)} quantile levels need {expected} (samples, then the target shape "
            f"{expected[1:-1]}, then one value per level, as build_model(..., quantiles=...) "
            "predicts)."
        )
    check_levels_ordered(values, levels, "predictions", _SORT_HINT)
    check_quantile_undo(source, transform, levels)
    frames = [_point_frame(source, scaler, transform, values[..., j]) for j in range(len(levels))]
    stacked = np.stack([frame.to_numpy() for frame in frames], axis=-1)
    with np.errstate(invalid="ignore"):
        ordered_in = np.diff(values.reshape(len(values), -1, len(levels)), axis=-1) >= 0
        reversed_out = np.diff(stacked, axis=-1) < 0
    if len(levels) > 1 and ordered_in.all() and reversed_out.any():
        raise ShapeError(
            "The quantiles cross once back in the data's units: the way back reverses their "
            "order (a negative level under transform='pct_change', or a scaler with a "
            "negative scale), so the levels would be mislabelled. Use transform='diff' or "
            f"'log', or a scaler that keeps the order. Received: quantiles={list(levels)}"
        )
    combined = pd.concat(frames, axis=1, keys=list(levels), names=["quantile", "column"])
    combined = combined.reorder_levels(["column", "quantile"], axis=1)
    order = [(column, q) for column in frames[0].columns for q in levels]
    combined = combined[order]
    combined.attrs = {**frames[0].attrs, "quantiles": list(levels)}
    return combined


def step_columns(
    names: list[Hashable], steps: int, sampling_rate: int, inputs_only: bool, shift: int
) -> list[Hashable]:
    """Column names ``"name+k"``, ``k`` rows after the frame's index row, step by step.

    >>> step_columns(["v"], 3, 2, False, 1)
    ['v+0', 'v+2', 'v+4']
    >>> step_columns(["v"], 2, 1, True, 1)      # inputs-only: indexed by the last input row
    ['v+1', 'v+2']
    """
    first = shift if inputs_only else 0
    return [f"{name}+{first + step * sampling_rate}" for name in names for step in range(steps)]


def _average_per_row(source: WindowSource, values: np.ndarray) -> pd.DataFrame:
    """Average overlapping per-timestep predictions of the same row into one value."""
    rows = (source.plan.starts[:, None] + source.framing.target_offsets[None, :]).ravel()
    flat = values.reshape(len(rows), -1)
    unique, position = np.unique(rows, return_inverse=True)
    sums = np.zeros((len(unique), flat.shape[1]))
    np.add.at(sums, position, flat)
    counts = np.bincount(position, minlength=len(unique))[:, None]
    return pd.DataFrame(
        sums / counts, index=labels(source, unique), columns=list(source.target_names)
    )
