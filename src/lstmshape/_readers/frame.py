"""Predictions back to pandas: original units, target timestamps, per-timestep averaging."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, received_type
from .._input.scaling import inverse_scale
from .._input.transform import TargetTransform
from .source import WindowSource


def to_frame(
    source: WindowSource,
    scaler: Any,
    predictions: Any,
    transform: TargetTransform | None = None,
) -> pd.DataFrame:
    """Implement :meth:`Windows.to_frame`: undo the scaler, then the target transform."""
    values = _as_predictions(predictions, (source.n_samples, *source.output_shape))
    if isinstance(scaler, dict):
        values = _inverse_per_series(source, scaler, values)
    elif scaler is not None:
        values = inverse_scale(scaler, values, source.names, source.target_cols)
    if source.framing.per_timestep:
        if transform is not None:
            rows = source.plan.starts[:, None] + source.framing.target_offsets[None, :]
            values = transform.undo(values, rows, chained=False)
        return _average_per_row(source, values)
    rows = source.plan.first_target_rows  # inputs-only: the window's last row
    if transform is not None:
        values = _undo_steps(source, transform, values)
    columns: list[Hashable] = list(source.target_names)
    if values.ndim == 3:  # (samples, horizon, targets): one column per target and step
        columns = [f"{name}+{step}" for name in columns for step in range(values.shape[1])]
        values = values.transpose(0, 2, 1).reshape(len(values), -1)
    frame = pd.DataFrame(values, index=_index(source, rows), columns=columns)
    frame.attrs["step_rows"] = source.framing.sampling_rate
    return frame


def _undo_steps(source: WindowSource, transform: TargetTransform, values: np.ndarray) -> np.ndarray:
    """Undo a transform on many-to-one predictions (one step or a chained horizon)."""
    f = source.framing
    steps = values[:, None, :] if values.ndim == 2 else values
    first = source.plan.starts + f.last_input_offset + f.shift  # the first predicted row
    rows = first[:, None] + np.arange(steps.shape[1])[None, :] * f.sampling_rate
    levels = transform.undo(steps, rows, chained=True)
    return levels[:, 0, :] if values.ndim == 2 else levels


def _inverse_per_series(
    source: WindowSource, scalers: dict[Hashable, Any], values: np.ndarray
) -> np.ndarray:
    """Undo one fitted scaler per group on the samples of that group."""
    groups = source.plan.sample_groups
    restored = np.array(values, dtype=np.float64, copy=True)
    if groups is None:
        raise ShapeError("A scaler per series (a dict) needs windows made with `group_by`.")
    for group in dict.fromkeys(groups.tolist()):
        if group not in scalers:
            raise ShapeError(
                f"The per-series scalers have no scaler for group {group!r}; they were fitted "
                f"for {', '.join(map(repr, scalers))}."
            )
        mine = groups == group
        restored[mine] = inverse_scale(
            scalers[group], values[mine], source.names, source.target_cols
        )
    return restored


def _as_predictions(predictions: Any, expected: tuple[int, ...]) -> np.ndarray:
    values = read_predictions(predictions)
    if values.shape != expected and expected[-1] == 1 and values.shape == expected[:-1]:
        values = values[..., None]  # a squeezed single target, e.g. (samples,)
    if values.shape != expected:
        raise ShapeError(
            f"`predictions` have shape {values.shape}, but these windows need {expected} "
            f"(samples, then the target shape {expected[1:]}). Predict on the same windows: "
            "model.predict(windows.X) or model.predict(windows.to_dataset())."
        )
    return values.astype(np.float64, copy=False)


def read_predictions(predictions: Any) -> np.ndarray:
    """Read model output like data: an array of real numbers; masked entries become NaN.

    Tensors of any framework work through ``numpy.asarray`` (``.numpy()`` for TensorFlow).
    """
    if predictions is None or isinstance(predictions, (str, bytes, dict, set, Iterator)):
        raise TypeError(
            "`predictions` must be an array of model outputs, such as what model.predict "
            f"returns. {received_type('predictions', predictions)}"
        )
    if isinstance(predictions, np.ma.MaskedArray):
        predictions = np.ma.filled(predictions.astype(np.float64), np.nan)
    try:
        values = np.asarray(predictions)
    except (ValueError, TypeError):
        raise TypeError(
            "`predictions` could not be read as a rectangular array (rows of different "
            f"lengths?). {received_type('predictions', predictions)}"
        ) from None
    if np.issubdtype(values.dtype, np.complexfloating) or not (
        np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.bool_)
    ):
        raise TypeError(
            f"`predictions` must be numeric (real numbers); they have dtype {values.dtype}. "
            f"{received_type('predictions', predictions)}"
        )
    return values


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
    labels = source.row_labels(rows)  # inside each series, for a panel of arrays
    if source.group_by is None:
        return labels
    groups = source.plan.groups_of_rows(rows)
    return pd.MultiIndex.from_arrays([groups, labels], names=[source.group_by, labels.name])
