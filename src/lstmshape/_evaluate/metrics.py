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
from .._input.panel import is_panel
from .._input.table import check_time_order

MODEL, NAIVE, SEASONAL = "model", "naive", "seasonal naive"
#: MASE scaled by the lag-1 naive's in-sample MAE, shown beside the seasonal MASE.
MASE1 = "MASE (lag 1)"
_STEP = re.compile(r"^(?P<name>.*)\+(?P<step>\d+)$")


@dataclass
class _Points:
    """Forecasts and actual values on the scored rows of one (fold, target, step).

    With the MASE scales of each row's series.
    """

    predicted: dict[str, list[np.ndarray]] = field(default_factory=dict)
    actual: list[np.ndarray] = field(default_factory=list)
    scales: list[np.ndarray] = field(default_factory=list)
    lag1: list[np.ndarray] = field(default_factory=list)
    bands: dict[str, list[np.ndarray]] = field(default_factory=dict)
    levels: tuple[float, ...] = ()

    def add(
        self,
        predicted: dict[str, np.ndarray],
        actual: np.ndarray,
        scale: float,
        lag1: float,
        bands: dict[str, np.ndarray],
        levels: tuple[float, ...] = (),
    ) -> None:
        for name, p in predicted.items():
            self.predicted.setdefault(name, []).append(p)
        for name, b in bands.items():
            self.bands.setdefault(name, []).append(b)
        if self.actual[:-1] and levels != self.levels:
            raise ShapeError(
                "The forecasts mix quantile levels: some frames have "
                f"{list(self.levels) or 'none'}, another {list(levels) or 'none'}. Score "
                "frames of the same model (the same `quantiles`) together."
            )
        self.levels = levels
        self.actual.append(actual)
        self.scales.append(np.full(len(actual), scale))
        self.lag1.append(np.full(len(actual), lag1))

    def merged(self, other: _Points) -> _Points:
        out = _Points(
            {k: [*v, *other.predicted.get(k, [])] for k, v in self.predicted.items()},
            [*self.actual, *other.actual],
            [*self.scales, *other.scales],
            [*self.lag1, *other.lag1],
            {k: [*v, *other.bands.get(k, [])] for k, v in self.bands.items()},
            self.levels,
        )
        return out

    def metrics(self, seasonal_mase: bool) -> dict[str, dict[str, float]]:
        actual = np.concatenate(self.actual)
        scale, lag1 = np.concatenate(self.scales), np.concatenate(self.lag1)
        found = {}
        for name, parts in self.predicted.items():
            p = np.concatenate(parts)
            # Only the seasonal naive may lack a forecast (an origin with < m rows before it).
            keep = ~np.isnan(p) if name == SEASONAL else np.ones(len(p), dtype=bool)
            found[name] = _metrics(p[keep], actual[keep], scale[keep], lag1[keep], seasonal_mase)
            found[name]["left out"] = int((~keep).sum())
            if self.levels:
                found[name].update(_quantile_metrics(self.bands.get(name), actual, self.levels))
            # "vs naive" compares with the naive forecast on the same rows.
            naive = np.concatenate(self.predicted[NAIVE])[keep] - actual[keep]
            found[name]["naive RMSE"] = float(np.sqrt(np.mean(naive**2))) if keep.any() else np.nan
        return found


def fewest_changes(levels: np.ndarray) -> int:
    """Return the changes empirical quantiles at ``levels`` need: outer ones off the extremes.

    The empirical ``q`` quantile of ``n`` values is more than their smallest only when
    ``n * q >= 1`` (likewise ``1 - q`` at the top): 10 changes for levels 0.1..0.9.

    >>> fewest_changes(np.array([0.1, 0.5, 0.9])), fewest_changes(np.array([0.025, 0.975]))
    (10, 40)
    """
    outer = min(float(levels.min()), 1 - float(levels.max()))
    return max(1, int(np.ceil(round(1 / outer, 9))))


def _naive_spread(history: np.ndarray, ahead: int, levels: np.ndarray) -> np.ndarray:
    """Return the naive forecast's quantiles around its value: its ``ahead``-row changes'.

    NaN (so the naive pinball, coverage and width are NaN) when the history holds fewer
    changes than :func:`fewest_changes`: a quantile of one change would claim an interval
    of width 0.
    """
    if ahead < 1:  # the forecast row is the origin itself: the naive forecast is exact
        return np.zeros(len(levels))
    changes = history[ahead:] - history[:-ahead] if len(history) > ahead else np.zeros(0)
    changes = changes[~np.isnan(changes)]
    if len(changes) < fewest_changes(levels):
        return np.full(len(levels), np.nan)
    return np.quantile(changes, levels)


def _quantile_metrics(
    parts: list[np.ndarray] | None, y: np.ndarray, levels: tuple[float, ...]
) -> dict[str, float]:
    """Pinball loss (mean over levels), coverage and width of the outer interval."""
    if not parts:
        return {"pinball": np.nan, "coverage": np.nan, "width": np.nan}
    p = np.concatenate(parts)
    q = np.asarray(levels)[None, :]
    e = y[:, None] - p
    pinball = np.maximum(q * e, (q - 1) * e)
    low, high = p[:, 0], p[:, -1]
    known = len(levels) > 1 and not (np.isnan(low).any() or np.isnan(high).any())
    return {
        "pinball": float(np.mean(pinball)),
        "coverage": float(np.mean((low <= y) & (y <= high))) if known else np.nan,
        "width": float(np.mean(high - low)) if len(levels) > 1 else np.nan,
    }


def _metrics(
    p: np.ndarray, y: np.ndarray, scale: np.ndarray, lag1: np.ndarray, seasonal_mase: bool
) -> dict[str, float]:
    """RMSE, MAE, MASE, MAPE and sMAPE of forecasts ``p`` of the actual values ``y``."""
    e = p - y
    n = len(e)
    absolute = np.abs(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = absolute / np.abs(y)
        both = np.abs(y) + np.abs(p)
        sape = np.where(both == 0, 0.0, absolute / both)
    found = {
        "RMSE": float(np.sqrt(np.mean(e**2))) if n else np.nan,
        "MAE": float(np.mean(absolute)) if n else np.nan,
        "MASE": float(np.mean(absolute / scale)) if n else np.nan,
        "MAPE": float(100 * np.mean(ape)) if n and not (y == 0).any() else np.nan,
        "sMAPE": float(200 * np.mean(sape)) if n else np.nan,
        "n": n,
    }
    if seasonal_mase:
        found[MASE1] = float(np.mean(absolute / lag1)) if n else np.nan
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
        (rows, for numpy input); with ``group_by``, including the group column (every key
        column, with several keys).
    season : int, optional
        Rows per season (7 for daily data with a weekly pattern, 12 for monthly data):
        adds the seasonal naive forecast, and scales MASE by the seasonal naive's
        in-sample error (the lag-1 MASE stays, as the column ``"MASE (lag 1)"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``RMSE``, ``MAE``, ``MASE`` (``MASE (lag 1)`` too with ``season``),
        ``MAPE``, ``sMAPE``, for quantile frames ``pinball``, ``coverage`` and ``width``,
        ``vs naive`` (the RMSE divided by the naive forecast's: below 1 beats naive) and
        ``n`` (target values scored). Rows: a
        MultiIndex of ``fold`` (0, 1, ..., and ``"all"`` for every fold together when there
        are several), ``target`` (when there are several), ``step`` (``"+0"``, ``"+1"``,
        ..., ``"all"``, for a horizon) and ``forecast`` (``"model"``, ``"naive"``,
        ``"seasonal naive"``). ``result.attrs["verdict"]`` says, in one sentence per
        target, whether the model beats the naive forecast overall and in how many folds
        (and how many values the seasonal naive forecast left out, if any).

    Raises
    ------
    ShapeError
        A forecast timestamp or column that ``actual`` does not have, no history before
        the first forecast (MASE needs it), ``season`` < 1, a time index of ``actual``
        (of one of its ``group_by`` series) not in time order.
    TypeError
        ``forecasts`` that are not DataFrames.

    Notes
    -----
    Each forecast was made at its **origin** ``o``: the last row its forecaster knew, the
    window's last input row. ``to_frame`` dates a frame by its first target row ``t`` and
    records ``frame.attrs["origin"]``, the rows from ``o`` to ``t`` (``shift``; 0 for
    inputs-only frames, dated by ``o`` itself); a frame without it (read back from a CSV
    file, or made by hand) counts 1 (``o = t - 1``, right for the default ``shift=1``).
    A column ``"name+k"`` holds the value of the row ``k`` rows after ``t``.

    * the **naive** forecast of every step is ``actual[o]``, the last value known;
    * the **seasonal naive** forecast of the value ``h`` rows after ``o`` is the value
      ``m * ceil(h / m)`` rows before it, the latest known one of the same season. An
      origin with too little history for it is left out of the seasonal naive's row only
      (its ``n`` is smaller), and the verdict says how many values were left out;
    * **MASE** divides each absolute error by the in-sample MAE of a naive forecast on the
      history known at the frame's first origin (rows of ``actual`` of the same series up
      to it, i.e. the fold's training and validation rows): ``|actual[i] - actual[i - m]|``
      with ``season=m`` (as darts' ``mase(m=...)`` and sktime's ``sp=`` do), else
      ``|actual[i] - actual[i - 1]|``, shown as ``"MASE (lag 1)"`` beside a seasonal one.
      MASE < 1: better than that naive forecast was, on average, in-sample. It is NaN when
      the history has no such pair of rows (padded windows near a series' start) or is
      constant;
    * **MAPE** is ``100 * mean(|forecast - actual| / |actual|)``, in percent: 100 times
      scikit-learn's ``mean_absolute_percentage_error`` (a fraction). It is undefined
      where an actual value is 0, so it is NaN then (scikit-learn divides by machine
      epsilon instead, giving about 1e15; darts raises);
    * **sMAPE** is ``200 * mean(|forecast - actual| / (|actual| + |forecast|))``, from 0
      to 200, as the M4 competition and darts' ``smape`` define it; a term whose actual
      value and forecast are both 0 counts 0 (a perfect forecast; darts raises);
    * RMSE and MAE are in the target's units; ``"all"`` pools the errors of every fold
      (and step), it does not average the per-fold numbers.
    * **Quantile frames** (``to_frame(predictions, quantiles=[...])``, columns
      ``(column, quantile)``): the point metrics score the median (the level nearest 0.5,
      the lower one on a tie); ``pinball`` is ``max(q * (y - p_q), (q - 1) * (y - p_q))``
      averaged over the rows and levels (the mean of scikit-learn's
      ``mean_pinball_loss(alpha=q)`` over the levels, and ``lstmshape.pinball_loss``);
      ``coverage`` is the share of actual values inside the outer interval, from the
      lowest level to the highest (nominal: their difference, ``attrs["interval"]``);
      ``width`` its mean width. The naive forecast's quantiles are its value plus the
      empirical quantiles of the in-sample changes over as many rows
      (``actual[i] - actual[i - h]`` on the history known at the first origin), NaN
      when that history holds too few changes for the outer levels (fewer than
      ``1 / min(q_low, 1 - q_high)``: 10 for 0.1..0.9); the seasonal naive forecast has
      none (NaN).

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
            for column in _point_columns(sub):
                target, step = _target_of(column, series)
                block = sub[column]
                levels = (
                    tuple(float(q) for q in block.columns)
                    if isinstance(block, pd.DataFrame)
                    else ()
                )
                found = _forecasts(block, series[target], step, frame, season, group)
                points.setdefault((fold, target, step), _Points()).add(*found, levels)
    return _table(points, len(frames), season)


def _point_columns(frame: pd.DataFrame) -> list[Any]:
    """Return the forecast columns: a quantile frame's ``column`` level, else every column."""
    if isinstance(frame.columns, pd.MultiIndex) and "quantile" in frame.columns.names:
        return list(dict.fromkeys(frame.columns.get_level_values("column")))
    return list(frame.columns)


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


def _actual(actual: Any) -> pd.DataFrame | dict[Hashable, pd.DataFrame]:
    """Read the actual values as a frame; a panel (list or dict of series) as a frame each."""
    if is_panel(actual):
        items = actual.items() if isinstance(actual, dict) else enumerate(actual)
        return {key: _one_actual(series) for key, series in items}
    return _one_actual(actual)


def _one_actual(actual: Any) -> pd.DataFrame:
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
    frame: pd.DataFrame, actual: pd.DataFrame | dict[Hashable, pd.DataFrame]
) -> list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]]:
    """Split a grouped frame (MultiIndex group, time) into one frame per series."""
    if isinstance(actual, dict):
        found = _panel_series(frame, actual)
    elif not isinstance(frame.index, pd.MultiIndex):
        found = [(None, frame, actual)]
    else:
        found = _group_series(frame, actual)
    for group, _, series in found:  # the naive forecast reads rows by position
        where = "actual" if group is None else f"actual (group {group!r})"
        check_time_order(series.index, where)
    return found


def _group_series(
    frame: pd.DataFrame, actual: pd.DataFrame
) -> list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]]:
    """Match grouped forecasts (index: every key, then time) to their rows of ``actual``."""
    keys = list(frame.index.names[:-1])  # one level per group key, then time
    absent = [key for key in keys if key not in actual.columns]
    if absent:
        raise ShapeError(
            f"The forecasts are grouped by {listed(map(repr, keys))}, but `actual` has no "
            f"column {listed(map(repr, absent))}; pass the data with its group "
            f"column(s). Columns: {listed(map(repr, actual.columns))}"
        )
    one = len(keys) == 1
    by: Any = keys[0] if one else keys
    rows = dict(actual.groupby(by, sort=False, observed=True).indices)
    found: list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]] = []
    for group, sub in frame.groupby(level=0 if one else by, sort=False):
        mine = rows.get(group, np.empty(0, dtype=np.int64))
        series = actual.iloc[mine].drop(columns=keys)
        found.append((group, sub.droplevel(0 if one else by), series))
    return found


def _panel_series(
    frame: pd.DataFrame, panel: dict[Hashable, pd.DataFrame]
) -> list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]]:
    """Match the forecasts of a panel (index: series, then its rows) to its own series."""
    if not isinstance(frame.index, pd.MultiIndex):
        raise ShapeError(
            f"`actual` is a panel of {len(panel)} series, but the forecasts are not indexed by "
            "series: pass the data the windows were made from (one table for one table, the "
            "panel for a panel)."
        )
    found: list[tuple[Hashable | None, pd.DataFrame, pd.DataFrame]] = []
    for key, sub in frame.groupby(level=0, sort=False):
        if key not in panel:
            raise ShapeError(
                f"The forecasts hold series {key!r}, which `actual` does not have; its series "
                f"are {listed(map(repr, panel))}. Pass the panel the windows were made from."
            )
        found.append((key, sub.droplevel(0), panel[key]))
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


def _forecasts(
    predicted: pd.Series | pd.DataFrame,
    truth_column: pd.Series,
    step: int,
    frame: pd.DataFrame,
    season: int | None,
    group: Hashable | None,
) -> tuple[dict[str, np.ndarray], np.ndarray, float, float, dict[str, np.ndarray]]:
    """Forecasts of the model and the naive forecasts of these rows, and the truth.

    Returns the forecasts, the actual values, the MASE scales (seasonal or lag 1, and
    lag 1) and, for a quantile frame (``predicted`` a DataFrame of levels), the quantile
    forecasts ``(rows, levels)`` of the model and of the naive forecast.
    """
    where = f" (group {group!r})" if group is not None else ""
    truth = truth_column.to_numpy(dtype=np.float64)
    positions = truth_column.index.get_indexer(predicted.index)
    if (positions < 0).any():
        missing = predicted.index[positions < 0][0]
        raise ShapeError(
            f"The forecast for {missing!r}{where} has no row in `actual`; pass the data the "
            "windows were made from, with the same index."
        )
    before = int(frame.attrs.get("origin", 1))
    origins = positions - before
    first = int(origins.min())
    if first < 0:
        raise ShapeError(
            f"The first forecast{where} is for row {int(positions.min())} of `actual`, made "
            f"at row {first} ({before} row(s) before it): there is no row before it to give "
            "the naive forecast (the last value known)."
        )
    history = truth[: first + 1]  # what the first forecaster knew
    lag1 = _naive_scale(history, 1)
    scale = lag1 if season is None else _naive_scale(history, season)
    rows = positions + step
    inside = rows < len(truth)
    bands: dict[str, np.ndarray] = {}
    if isinstance(predicted, pd.DataFrame):  # quantile levels: the median is the point
        levels = np.asarray(predicted.columns, dtype=np.float64)
        given = predicted.to_numpy(dtype=np.float64)[inside]
        point = given[:, int(np.argmin(np.abs(levels - 0.5)))]
        ahead = step + before  # rows from the origin: the same for every row of a column
        spread = _naive_spread(history, ahead, levels)
        bands = {MODEL: given, NAIVE: truth[origins[inside]][:, None] + spread[None, :]}
    else:
        point = predicted.to_numpy()[inside]
    rows, origin, value = rows[inside], origins[inside], point
    forecasts = {MODEL: value.astype(np.float64), NAIVE: truth[origin]}
    if season is not None:
        h = rows - origin
        back = season * np.ceil(h / season).astype(np.int64)
        ok = rows - back >= 0
        seasonal = np.full(len(rows), np.nan)
        seasonal[ok] = truth[rows[ok] - back[ok]]
        forecasts[SEASONAL] = seasonal
    return forecasts, truth[rows], scale, lag1, bands


def _naive_scale(history: np.ndarray, lag: int) -> float:
    """In-sample MAE of the naive forecast ``lag`` rows back; NaN when undefined or 0."""
    if len(history) <= lag:
        return np.nan
    with np.errstate(invalid="ignore"):
        changes = np.abs(history[lag:] - history[:-lag])
    changes = changes[~np.isnan(changes)]
    scale = float(np.mean(changes)) if len(changes) else np.nan
    return scale if scale > 0 else np.nan


def _table(
    points: dict[tuple[int, str, int], _Points], n_folds: int, season: int | None
) -> pd.DataFrame:
    targets = list(dict.fromkeys(t for _, t, _ in points))
    steps = sorted({s for _, _, s in points})
    folds: list[Any] = list(range(n_folds)) + (["all"] if n_folds > 1 else [])
    step_keys: list[Any] = steps + (["all"] if len(steps) > 1 else [])
    records, keys = [], []
    ratios: dict[tuple[Any, Any, Any, str], float] = {}
    left_out: dict[Any, tuple[int, int]] = {}
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
                found = merged.metrics(season is not None)
                for name, values in found.items():
                    naive = values.pop("naive RMSE")
                    ratio = values["RMSE"] / naive if naive > 0 else np.nan
                    dropped = int(values.pop("left out"))
                    if (
                        name == SEASONAL
                        and fold == ("all" if n_folds > 1 else 0)
                        and step == ("all" if len(steps) > 1 else steps[0])
                    ):
                        left_out[target] = (dropped, int(values["n"]) + dropped)
                    records.append({**values, "vs naive": ratio})
                    step_label = step if step == "all" else f"+{step}"
                    keys.append((fold, target, step_label, name))
                    ratios[(fold, target, step if len(steps) > 1 else None, name)] = ratio
    index = pd.MultiIndex.from_tuples(keys, names=["fold", "target", "step", "forecast"])
    mase = ["MASE", MASE1] if season is not None else ["MASE"]
    levels = next(iter(points.values())).levels
    bands = ["pinball", "coverage", "width"] if levels else []
    columns = ["RMSE", "MAE", *mase, "MAPE", "sMAPE", *bands, "vs naive", "n"]
    table = pd.DataFrame(records, index=index)[columns]
    drop = [level for level, n in (("target", len(targets)), ("step", len(steps))) if n == 1]
    if n_folds == 1:
        drop.append("fold")
    if drop:
        table = table.droplevel(drop)
    if levels:
        table.attrs["quantiles"] = list(levels)
        table.attrs["interval"] = (levels[0], levels[-1])  # nominal coverage: their gap
    table.attrs["verdict"] = _verdict(ratios, targets, n_folds, len(steps) > 1, left_out, season)
    return table


def _verdict(
    ratios: dict[tuple[Any, Any, Any, str], float],
    targets: Sequence[Any],
    n_folds: int,
    steps: bool,
    left_out: dict[Any, tuple[int, int]],
    season: int | None,
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
            dropped, total = left_out.get(target, (0, 0))
            if dropped:
                text += (
                    f", scored on {total - dropped} of {total} values: {dropped} had fewer "
                    f"than {season} rows of history"
                )
        sentences.append(text + ").")
    return " ".join(sentences)
