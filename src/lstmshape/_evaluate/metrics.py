"""``score()``: forecasts against the actual values and against the naive forecasts.

An LSTM forecaster is worth its training only if it beats the forecasts that need none:
the **naive** forecast (every future value equals the last one known) and, for seasonal
data, the **seasonal naive** forecast (the value one season earlier). ``score`` computes
RMSE, MAE and MASE of all three on the same target rows, per fold and overall, and says
which is better.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, listed, received_type
from .._core.validate import check_int

MODEL, NAIVE, SEASONAL = "model", "naive", "seasonal naive"
_STEP = re.compile(r"^(?P<name>.*)\+(?P<step>\d+)$")


@dataclass
class _Points:
    """Errors of each forecaster on the scored target rows of one (fold, target, step)."""

    errors: dict[str, list[np.ndarray]] = field(default_factory=dict)
    scales: list[np.ndarray] = field(default_factory=list)

    def add(self, errors: dict[str, np.ndarray], scale: np.ndarray) -> None:
        for name, e in errors.items():
            self.errors.setdefault(name, []).append(e)
        self.scales.append(scale)

    def merged(self, other: _Points) -> _Points:
        out = _Points({k: list(v) for k, v in self.errors.items()}, list(self.scales))
        for name, e in other.errors.items():
            out.errors.setdefault(name, []).extend(e)
        out.scales.extend(other.scales)
        return out

    def metrics(self) -> dict[str, dict[str, float]]:
        scale = np.concatenate(self.scales)
        found = {}
        for name, parts in self.errors.items():
            e = np.concatenate(parts)
            found[name] = {
                "RMSE": float(np.sqrt(np.mean(e**2))),
                "MAE": float(np.mean(np.abs(e))),
                "MASE": float(np.mean(np.abs(e) / scale)),
                "n": len(e),
            }
        return found


def score(forecasts: Any, actual: Any, *, season: int | None = None) -> pd.DataFrame:
    """Score forecasts against the actual values, and against naive forecasts.

    Parameters
    ----------
    forecasts : pandas.DataFrame or list of them
        What :meth:`Windows.to_frame` returns for a model's predictions, in original
        units, or one such frame per fold (``[f.test.to_frame(...) for f in folds]``).
        Columns ``"Open"`` (one step, per timestep) or ``"Open+k"`` (step ``k`` of a
        horizon) are scored against the column ``"Open"`` of ``actual``.
    actual : pandas.DataFrame, pandas.Series or array_like
        The data the windows were made from, in original units, with the same index
        (rows, for numpy input); with ``group_by``, including the group column.
    season : int, optional
        Rows per season (7 for daily data with a weekly pattern, 12 for monthly data):
        adds the seasonal naive forecast.

    Returns
    -------
    pandas.DataFrame
        Columns ``RMSE``, ``MAE``, ``MASE``, ``vs naive`` (the RMSE divided by the naive
        forecast's: below 1 beats naive) and ``n`` (target values scored). Rows: a
        MultiIndex of ``fold`` (0, 1, ..., and ``"all"`` for every fold together when there
        are several), ``target`` (when there are several), ``step`` (``"+0"``, ``"+1"``,
        ..., ``"all"``, for a horizon) and ``forecast`` (``"model"``, ``"naive"``,
        ``"seasonal naive"``). ``result.attrs["verdict"]`` says, in one sentence per
        target, whether the model beats the naive forecast overall and in how many folds.

    Raises
    ------
    ShapeError
        A forecast timestamp or column that ``actual`` does not have, no history before
        the first forecast (MASE needs it), ``season`` < 1.
    TypeError
        ``forecasts`` that are not DataFrames.

    Notes
    -----
    For a forecast dated by its first target row ``t`` (``to_frame``'s index):

    * the **naive** forecast of every step is ``actual[t - 1]``, the last value before the
      first target (what the forecaster knew);
    * the **seasonal naive** forecast of the value ``h`` rows after ``t - 1`` is the value
      ``m * ceil(h / m)`` rows before it, the latest known one of the same season;
    * **MASE** divides each absolute error by the in-sample naive MAE of the history: the
      mean of ``|actual[i] - actual[i - 1]|`` over the rows of ``actual`` (of the same
      series) before the frame's first forecast row, i.e. the fold's training and
      validation rows. MASE < 1: better than the naive forecast was, on average, in-sample.
      It is NaN when that history has fewer than 2 rows (padded windows near a series'
      start) or is constant.
    * RMSE and MAE are in the target's units; ``"all"`` pools the errors of every fold
      (and step), it does not average the per-fold numbers.

    Examples
    --------
    >>> import numpy as np, pandas as pd, lstmshape
    >>> data = pd.Series(np.sin(np.arange(120) / 3) + np.arange(120) / 50, name="y")
    >>> parts = lstmshape.split(data, 12, test=20)
    >>> perfect = parts.test.to_frame(parts.test.y)          # predictions = the truth
    >>> table = lstmshape.score(perfect, data)
    >>> table["RMSE"].round(3).tolist()
    [0.0, 0.229]
    >>> table.attrs["verdict"]
    "Target 'y': the model beats the naive forecast (RMSE 0.00x the naive forecast's)."
    """
    frames = _frames(forecasts)
    season = None if season is None else check_int(season, "season", minimum=1)
    actual_frame = _actual(actual)
    points: dict[tuple[int, str, int], _Points] = {}
    for fold, frame in enumerate(frames):
        for group, sub, series in _series(frame, actual_frame):
            for column in sub.columns:
                target, step = _target_of(column, series)
                errors, scale = _errors(sub[column], series[target], step, frame, season, group)
                points.setdefault((fold, target, step), _Points()).add(errors, scale)
    return _table(points, len(frames))


def _frames(forecasts: Any) -> list[pd.DataFrame]:
    frames = forecasts if isinstance(forecasts, (list, tuple)) else [forecasts]
    if not frames:
        raise ShapeError("`forecasts` is an empty list; give at least one to_frame() result.")
    for frame in frames:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                "`forecasts` must be a DataFrame from Windows.to_frame(predictions), or a list "
                f"of them (one per fold). {received_type('forecasts', frame)}"
            )
    return list(frames)


def _actual(actual: Any) -> pd.DataFrame:
    if isinstance(actual, pd.Series):
        return actual.to_frame(name=0 if actual.name is None else actual.name)
    if isinstance(actual, pd.DataFrame):
        return actual
    try:
        array = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            "`actual` must be a DataFrame, a Series or a numeric array (the data the windows "
            f"were made from). {received_type('actual', actual)}"
        ) from None
    if array.ndim not in (1, 2):
        raise ShapeError(f"`actual` must be 1-D or 2-D. Received: actual of shape {array.shape}")
    return pd.DataFrame(array.reshape(len(array), -1))


def _series(
    frame: pd.DataFrame, actual: pd.DataFrame
) -> list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]]:
    """Split a grouped frame (MultiIndex group, time) into one frame per series."""
    if not isinstance(frame.index, pd.MultiIndex):
        return [(None, frame, actual)]
    group_by = frame.index.names[0]
    if group_by not in actual.columns:
        raise ShapeError(
            f"The forecasts are grouped by {group_by!r}, but `actual` has no column of that "
            f"name; pass the data with its group column. Columns: "
            f"{listed(map(repr, actual.columns))}"
        )
    found: list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]] = []
    for group, sub in frame.groupby(level=0, sort=False):
        series = actual[actual[group_by] == group].drop(columns=[group_by])
        found.append((group, sub.droplevel(0), series))
    return found


def _target_of(column: Any, actual: pd.DataFrame) -> tuple[Any, int]:
    """Return the column of ``actual`` a forecast column predicts, and its step."""
    by_text = {str(c): c for c in actual.columns}
    if column in actual.columns:
        return column, 0
    match = _STEP.match(str(column))
    if match and match["name"] in by_text:
        return by_text[match["name"]], int(match["step"])
    raise ShapeError(
        f"`actual` has no column for the forecast column {column!r}; it has "
        f"{listed(map(repr, actual.columns))}. Pass the data the windows were made from."
    )


def _errors(
    predicted: pd.Series,
    truth_column: pd.Series,
    step: int,
    frame: pd.DataFrame,
    season: int | None,
    group: Hashable | None,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Errors of the model and the naive forecasts on these target rows, and MASE scales."""
    where = f" (group {group!r})" if group is not None else ""
    truth = truth_column.to_numpy(dtype=np.float64)
    positions = truth_column.index.get_indexer(predicted.index)
    if (positions < 0).any():
        missing = predicted.index[positions < 0][0]
        raise ShapeError(
            f"The forecast for {missing!r}{where} has no row in `actual`; pass the data the "
            "windows were made from, with the same index."
        )
    first = int(positions.min())
    if first < 1:
        raise ShapeError(
            f"The first forecast{where} is for row {first} of `actual`: there is no row "
            "before it to give the naive forecast (the last value known)."
        )
    history = truth[:first]
    # One row of history (a padded window of min_history=1) gives the naive forecast but
    # no in-sample naive error; a constant history gives a zero one: MASE is undefined.
    scale = float(np.nanmean(np.abs(np.diff(history)))) if first > 1 else np.nan
    if not scale > 0:
        scale = np.nan
    rows = positions + step * int(frame.attrs.get("step_rows", 1))
    inside = rows < len(truth)
    rows, origin, value = rows[inside], positions[inside] - 1, predicted.to_numpy()[inside]
    actual_values = truth[rows]
    errors = {MODEL: value - actual_values, NAIVE: truth[origin] - actual_values}
    if season is not None:
        h = rows - origin
        back = season * np.ceil(h / season).astype(np.int64)
        ok = rows - back >= 0
        seasonal = np.full(len(rows), np.nan)
        seasonal[ok] = truth[rows[ok] - back[ok]]
        errors[SEASONAL] = seasonal - actual_values
    return errors, np.full(len(rows), scale)


def _table(points: dict[tuple[int, str, int], _Points], n_folds: int) -> pd.DataFrame:
    targets = list(dict.fromkeys(t for _, t, _ in points))
    steps = sorted({s for _, _, s in points})
    folds: list[Any] = list(range(n_folds)) + (["all"] if n_folds > 1 else [])
    step_keys: list[Any] = steps + (["all"] if len(steps) > 1 else [])
    records, keys = [], []
    ratios: dict[tuple[Any, Any, Any, str], float] = {}
    for fold in folds:
        for target in targets:
            for step in step_keys:
                chosen = [
                    p
                    for (f, t, s), p in points.items()
                    if (fold == "all" or f == fold) and t == target and (step == "all" or s == step)
                ]
                if not chosen:
                    continue
                merged = chosen[0]
                for other in chosen[1:]:
                    merged = merged.merged(other)
                found = merged.metrics()
                naive = found[NAIVE]["RMSE"]
                for name, values in found.items():
                    ratio = values["RMSE"] / naive if naive > 0 else np.nan
                    records.append({**values, "vs naive": ratio})
                    step_label = step if step == "all" else f"+{step}"
                    keys.append((fold, target, step_label, name))
                    ratios[(fold, target, step if len(steps) > 1 else None, name)] = ratio
    index = pd.MultiIndex.from_tuples(keys, names=["fold", "target", "step", "forecast"])
    table = pd.DataFrame(records, index=index)[["RMSE", "MAE", "MASE", "vs naive", "n"]]
    drop = [level for level, n in (("target", len(targets)), ("step", len(steps))) if n == 1]
    if n_folds == 1:
        drop.append("fold")
    if drop:
        table = table.droplevel(drop)
    table.attrs["verdict"] = _verdict(ratios, targets, n_folds, len(steps) > 1)
    return table


def _verdict(
    ratios: dict[tuple[Any, Any, Any, str], float],
    targets: Sequence[Any],
    n_folds: int,
    steps: bool,
) -> str:
    """One sentence per target: does the model beat the naive forecast, overall and per fold."""
    sentences = []
    overall_fold = "all" if n_folds > 1 else 0
    step = "all" if steps else None
    for target in targets:
        ratio = ratios[(overall_fold, target, step, MODEL)]
        word = "beats" if ratio < 1 else "does not beat"
        text = (
            f"Target {target!r}: the model {word} the naive forecast (RMSE {ratio:.2f}x the "
            "naive forecast's"
        )
        if n_folds > 1:
            wins = sum(ratios[(fold, target, step, MODEL)] < 1 for fold in range(n_folds))
            text += f" overall; better in {wins} of {n_folds} folds"
        seasonal = ratios.get((overall_fold, target, step, SEASONAL))
        if seasonal is not None:
            text += f"; the seasonal naive forecast: {seasonal:.2f}x"
        sentences.append(text + ").")
    return " ".join(sentences)
