"""Scalers with scikit-learn's interface: fitted on training rows only, applied to all rows.

lstmshape writes no scalers of its own. A scaler sees the table's used columns (features
and targets together, in the data's column order) and must scale each column on its own,
as scikit-learn's MinMaxScaler, StandardScaler and RobustScaler do, so that
``to_frame`` can undo it on the target columns alone.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ._errors import ShapeError, received_type
from ._plan import Run
from ._timeline import Timeline
from ._words import names_in_words

REQUIRED = ("fit", "transform", "inverse_transform")


def check_scaler(scaler: Any) -> None:
    """Raise a TypeError naming the methods a scaler lacks."""
    if scaler is None:
        return
    missing = [m for m in REQUIRED if not callable(getattr(scaler, m, None))]
    if missing:
        raise TypeError(
            "`scaler` must have scikit-learn's fit, transform and inverse_transform methods "
            f"(for example sklearn.preprocessing.MinMaxScaler()); it lacks "
            f"{', '.join(missing)}. {received_type('scaler', scaler)}"
        )


def fit_scaler(timeline: Timeline, scaler: Any, train_rows: list[Run]) -> tuple[Any, Timeline]:
    """Fit a copy of ``scaler`` on ``train_rows`` only; return it and the scaled timeline.

    The caller's scaler is left as it was.
    """
    values = timeline.table.values
    mask = np.zeros(len(values), dtype=bool)
    for begin, end in train_rows:
        mask[begin:end] = True
    if timeline.table.missing_rows is not None:
        mask &= ~timeline.table.missing_rows
    fitted = copy.deepcopy(scaler)
    fitted.fit(np.asarray(values[mask]))
    return fitted, apply_scaler(timeline, fitted)


def apply_scaler(timeline: Timeline, fitted: Any) -> Timeline:
    """Transform every row with an already fitted scaler."""
    values = timeline.table.values
    expected = getattr(fitted, "n_features_in_", values.shape[1])
    if expected != values.shape[1]:
        raise ShapeError(
            f"`scaler` was fitted on {expected} columns, but these windows use "
            f"{values.shape[1]} ({names_in_words(timeline.table.names)}): the features and "
            "targets together, in the data's column order. Select the same columns as when "
            "the scaler was fitted (for example by split())."
        )
    scaled = np.array(fitted.transform(np.asarray(values)), dtype=values.dtype)
    return timeline.with_values(scaled)
