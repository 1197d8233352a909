"""``forecast()``: a trained model's forecast past the end of the data, in original units."""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._core.arrays import max_copy_bytes
from .._core.docs import shared_docs
from .._core.errors import (
    ShapeError,
    UnknownCategoryWarning,
    format_label,
    listed,
    plural,
    received,
    received_each,
    received_type,
)
from .._core.validate import check_int, check_levels_ordered, check_quantiles
from .._input.categories import Vocabulary
from .._input.frames import to_pandas, with_time_column
from .._input.panel import is_panel
from .._input.table import ColumnSelection, Table, where
from .._input.transform import rows_used_up
from .._readers.predict import call_model, model_kind
from .._readers.units import future_index
from .._windows.request import check_time, make_request
from .._windows.windows import windows


@shared_docs
def forecast(
    model: Any,
    data: Any,
    lookback: int,
    *,
    steps: int,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    future_values: Any = None,
    static: ColumnSelection = None,
    freq: str | pd.DateOffset | None = None,
    time: Hashable | None = None,
    fitted_scaler: Any = None,
    transform: str | None = None,
    horizon: int | None = None,
    min_history: int | None = None,
    quantiles: Any = None,
    categorical: ColumnSelection = None,
    vocabularies: Mapping[Hashable, Vocabulary] | None = None,
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
        A trained model of windows of the same framing: a Keras model, anything with
        ``predict(x)``, a ``torch.nn.Module`` (called in evaluation mode under
        ``torch.no_grad()`` on float32 tensors; a dict of them with named inputs), or a
        callable ``f(x) -> array``. For one window ``x`` of shape ``(1, lookback,
        n_features)`` (or the dict ``{"past", "future", "static", "mask"}`` of the inputs
        in use) it returns ``(1, n_targets)`` (one step) or ``(1, horizon, n_targets)``.
    data : array_like, pandas.Series or pandas.DataFrame
        The history, rows in time order, in original units (not scaled). Only its last
        ``lookback`` rows (one more with a ``transform`` that uses one up) are read: NaN
        in earlier rows is fine.
    {lookback}
        The model's, as in training.
    steps : int
        Rows to forecast, at least 1.
    {features, targets}
        The columns the model was trained on.
    future : optional
        The known-future columns of training (``windows(..., future=...)``); default: the
        columns of ``future_values`` when it is a DataFrame.
    future_values : pandas.DataFrame or array_like, optional
        The values of the ``future`` columns on the forecast rows: a DataFrame with those
        columns indexed by the future timestamps (continuing ``data``'s index at its
        frequency), or an array of shape ``(rows, n_future)``. A model of horizon ``h``
        reads ``h`` rows per call, so ``ceil(steps / h) * h`` rows are needed; later
        rows are ignored, and so are other columns when ``future`` names the columns.
    static : optional
        The static columns of training (``windows(..., static=...)``), read on the last row.
    freq : str or pandas.DateOffset, optional
        The spacing of the future timestamps; default the index's ``freq`` or the one
        pandas infers (business-day data with holidays needs ``freq="B"``). A PeriodIndex
        continues its own periods. Without a DatetimeIndex or PeriodIndex the future rows
        continue the row positions (a RangeIndex continues its own step).
    time : column name, optional
        The date column that is the time axis, as in :func:`lstmshape.windows`.
    fitted_scaler : object, optional
        The scaler fitted in training (``split(...).scaler``); undone on the forecast.
    transform : {"diff", "pct_change", "log", "log_diff"}, optional
        The target transform used in training; undone from the last known level.
    horizon : int, optional
        The model's horizon; default: a Keras model's ``future`` input, else the shape of
        its first prediction. Needed with ``future`` for other models.
    min_history : int, optional
        For a model trained on padded windows (``windows(..., min_history=k)``), which takes
        the inputs ``{"past": ..., "mask": ...}``: pass the same ``k``. The history may
        then be shorter than ``lookback`` (at least ``k`` rows); the missing steps are
        padding, marked False in the mask, as in training.
    quantiles : sequence of float, optional
        The levels of a quantile model (``build_model(..., quantiles=[0.1, 0.5, 0.9])``),
        as for :meth:`Windows.to_frame`: its output then has a trailing axis of
        ``len(quantiles)``, ``(1, n_targets, q)`` or ``(1, horizon, n_targets, q)``. Every
        level is forecast for every step; the **median** (level 0.5) is fed back when the
        model is iterated, so iterating (``steps`` beyond the horizon) needs 0.5 among
        the levels.
    categorical : optional
        The ``categorical`` columns of training (past and static ones; a categorical
        ``future`` column is not supported here). Their labels are read from ``data``.
    vocabularies : dict, optional
        The vocabularies of training (``Windows.vocabularies`` of the training windows),
        needed with ``categorical``: labels are coded as in training, never re-learned
        from the history. A model that reads past categoricals is iterated only when its
        horizon covers ``steps`` (their future labels are unknown).

    Returns
    -------
    pandas.DataFrame
        ``steps`` rows on the future timestamps, one column per target, original units.
        With ``quantiles``, the columns are ``(column, quantile)`` (levels ``"column"``
        and ``"quantile"``, as :meth:`Windows.to_frame` makes them) and
        ``frame.attrs["quantiles"]`` lists the levels. Draw it after its history with
        :func:`plot_forecast` (a band from the lowest to the highest level).

    Raises
    ------
    ShapeError
        ``steps`` beyond the model's horizon when some features are neither targets nor
        ``future`` columns (their future is unknown), NaN in the rows read, missing or
        misplaced ``future_values``, a prediction of an unexpected shape or not finite, no
        frequency for the future timestamps, and everything :func:`windows` refuses. With
        ``quantiles``: an output without that many levels on its last axis, levels that
        cross in the output or once back in the data's units, no 0.5 level to iterate
        on, a change transform over a multi-step horizon.
    TypeError
        ``model`` is none of the kinds above, ``future_values`` of the wrong kind.

    Notes
    -----
    An iterated forecast feeds the model its own predictions: errors compound, and the
    forecast drifts towards what the model predicts for its own output (often a flat or
    smoothly decaying line). Its uncertainty grows with every step, yet a point forecast
    shows none of it; judge it with :func:`folds` and :func:`score` at the horizons you
    need. Features that are neither targets nor ``future`` columns (volume, weather
    observations) are unknown for the future rows: a model that reads them is iterated
    only when its ``horizon`` covers ``steps``. Models trained with ``shift`` other than 1
    or a ``sampling_rate`` are not supported.

    **Quantiles**: the median is fed back; the intervals are the model's quantiles of each
    step's output, given the medians before it, not propagated uncertainty (which would
    need sampled paths): past the model's horizon they are too narrow, the more steps the
    more so. Each level goes back to the data's units on its own, as
    :meth:`Windows.to_frame` takes it: the scaler, then the transform, a change from the
    last known level (the fed-back median, when iterated). Those maps are increasing
    (``"log"``, ``"log_diff"`` and ``"pct_change"`` on positive levels), so a quantile
    stays that quantile and the levels stay sorted; a way back that reverses them
    (``"pct_change"`` on a negative level, a scaler with a negative scale) is refused, and
    so is a change transform over a multi-step horizon (a sum of quantiles is not a
    quantile of the sum).

    Examples
    --------
    >>> import numpy as np, pandas as pd, lstmshape
    >>> class LastValue:                       # a stand-in for a trained Keras model
    ...     def predict(self, x):
    ...         return x[:, -1, :]             # (1, n_targets): the next step
    >>> data = pd.Series(np.arange(10.0), index=pd.date_range("2024-01-01", periods=10))
    >>> lstmshape.forecast(LastValue(), data, 4, steps=3, transform="diff")
                  0
    2024-01-11  10.0
    2024-01-12  11.0
    2024-01-13  12.0

    A plain function is a model too; a PeriodIndex continues its periods:

    >>> monthly = pd.Series(np.ones(6), index=pd.period_range("2024-01", periods=6, freq="M"))
    >>> lstmshape.forecast(lambda x: x[:, -1, :] * 2, monthly, 3, steps=2).index
    PeriodIndex(['2024-07', '2024-08'], dtype='period[M]')

    A quantile model (here the last value plus fixed offsets) gives every level per step:

    >>> spread = np.array([-1.0, 0.0, 1.0])
    >>> bands = lstmshape.forecast(lambda x: x[:, -1, :, None] + spread, data, 4, steps=2,
    ...                            quantiles=[0.1, 0.5, 0.9])
    >>> bands.shape, bands.columns.names
    ((2, 3), FrozenList(['column', 'quantile']))
    """
    steps = check_int(steps, "steps", minimum=1)
    levels = check_quantiles(quantiles)
    if horizon is not None:
        horizon = check_int(horizon, "horizon", minimum=1)
    calling = model_kind(model)
    if future is None and isinstance(future_values, pd.DataFrame):
        future = list(future_values.columns)
    inputs = _keras_inputs(model)
    _check_model_inputs(inputs, min_history, future, static)
    if is_panel(data):
        raise TypeError(
            "forecast() continues one series; `data` is a panel (a list or dict of series), "
            "whose rows it would read as one history. Forecast each series on its own: "
            "{name: lstmshape.forecast(model, series, ...) for name, series in data.items()}. "
            f"{received_type('data', data)}"
        )
    _refuse_series_keys(data, check_time(time), features, targets, future, static, categorical)
    _check_forecast_categorical(categorical, vocabularies)
    # NaN is allowed here (dropna=True) and refused only in the rows read (_last_rows).
    # Known-future columns are read on target rows: not inputs-only windows then.
    request = make_request(
        data, lookback, inputs_only=future is None, features=features, targets=targets,
        future=future, static=static, categorical=categorical, dropna=True, time=time,
        transform=transform, min_history=min_history, scaler=fitted_scaler,
        scaler_name="fitted_scaler",
    )  # fmt: skip
    table, lookback = request.read.table, request.framing.lookback
    kind = None if request.undo is None else request.undo.kind
    need = lookback + rows_used_up(kind, 1)
    history = _last_rows(table, need, lookback)
    options = {
        "features": list(table.feature_names),
        "targets": list(table.target_names),
        "static": [table.names[c] for c in table.static_cols] or None,
        "fitted_scaler": fitted_scaler,
        "transform": kind,
        "min_history": min_history,
    }
    if table.categories is not None:
        history = _with_labels(history, table, need)
        cats = table.categories
        options["features"] += list(cats.role_names("past"))
        options["static"] = (options["static"] or []) + list(cats.role_names("static")) or None
        options["categorical"] = list(cats.names)
        options["vocabularies"] = vocabularies
    future_names = [table.names[c] for c in table.future_cols]
    horizon = _model_horizon(inputs, horizon, future_names, future_values)
    rows = steps if horizon is None else math.ceil(steps / horizon) * horizon
    n_values = len(table.target_cols) * max(1, len(levels))
    _check_size(rows, n_values + len(future_names), steps)
    index = future_index(table.index, len(table.values) - 1, np.arange(1, rows + 1), freq=freq)
    known = _known_future(future_values, future_names, index, table.index)
    with warnings.catch_warnings(record=True) as caught:  # one warning, not one per call
        warnings.simplefilter("always", UnknownCategoryWarning)
        values = _iterate(
            model, calling, history, need, lookback, steps, horizon, (future_names, known),
            options, levels,
        )  # fmt: skip
    for warning in caught[:1]:
        warnings.warn(warning.message, stacklevel=2)
    targets = list(table.target_names)
    if not levels:
        return pd.DataFrame(values, index=index[:steps], columns=targets)
    columns = pd.MultiIndex.from_tuples(
        [(t, q) for t in targets for q in levels], names=["column", "quantile"]
    )
    frame = pd.DataFrame(values.reshape(steps, -1), index=index[:steps], columns=columns)
    frame.attrs["quantiles"] = list(levels)
    return frame


def _check_forecast_categorical(categorical: ColumnSelection, vocabularies: Any) -> None:
    """Forecasts code labels with the training vocabularies: refuse them missing."""
    if categorical is not None and vocabularies is None:
        raise ShapeError(
            "forecast() codes the `categorical` columns with the vocabularies of training, "
            "never re-learned from the history (a label the training rows never showed "
            "must stay code 0). Pass `vocabularies=` the training windows' "
            f"`.vocabularies`. {received_each(categorical=categorical, vocabularies=None)}"
        )


def _with_labels(history: pd.DataFrame, table: Table, need: int) -> pd.DataFrame:
    """Return the history with the label columns of ``table``'s categorical columns."""
    cats = table.categories
    assert cats is not None
    if cats.future:
        raise ShapeError(
            f"forecast() does not take categorical `future` columns yet "
            f"({listed(map(repr, cats.role_names('future')))}): their labels on the forecast "
            "rows would have to come with `future_values`. Train with them as past or "
            "static categoricals, or pass a numeric coding of them as a float `future` column."
        )
    first = max(0, len(table.values) - need)
    labels = {
        n: c.iloc[first:].reset_index(drop=True)
        for n, c in zip(cats.names, cats.labels, strict=True)
    }
    return pd.concat([history, pd.DataFrame(labels)], axis=1)


def _refuse_series_keys(data: Any, time: Hashable | None, *selections: ColumnSelection) -> None:
    """Refuse a long frame: a text or category column that no role names is a series key.

    forecast() continues one series; reading a long frame's rows as one history would
    forecast from the end of the last series with the others' values as its past. The
    ``time`` column is the index, not a key.
    """
    # a polars or Arrow frame is read as pandas reads it
    data = to_pandas(data) if time is None else with_time_column(data, time)
    if not isinstance(data, pd.DataFrame) or selections[0] is not None:
        return  # with `features` named, other columns are not read
    categorical = selections[-1]
    named = set() if categorical is None else (
        {categorical} if isinstance(categorical, Hashable) and not isinstance(categorical, tuple)
        else set(categorical)
    )  # fmt: skip
    keys = [
        c
        for c in data.columns
        if c not in named
        and not pd.api.types.is_numeric_dtype(data[c])
        and not pd.api.types.is_datetime64_any_dtype(data[c])
    ]
    varying = [key for key in keys if len(data) and (data[key] != data[key].iloc[0]).any()]
    if len(varying) > 1:  # several keys (group_by=[...]): each combination is a series
        raise TypeError(
            f"forecast() continues one series, but `data` has columns {varying!r} that tell "
            "series apart (a long frame of several series, as windows(..., group_by=[...]) "
            "reads). Forecast each series on its own: {key: lstmshape.forecast(model, "
            f"rows.drop(columns={varying!r}), ...) for key, rows in data.groupby({varying!r})}}. "
            f"{received_type('data', data)}"
        )
    if varying:
        key = varying[0]
        raise TypeError(
            f"forecast() continues one series, but `data` has a column {key!r} of "
            f"{data[key].nunique()} values that tells series apart (a long frame of several "
            "series, as windows(..., group_by=...) reads). Forecast each series on its own: "
            f"{{name: lstmshape.forecast(model, rows.drop(columns={key!r}), ...) for name, rows "
            f"in data.groupby({key!r})}}. {received_type('data', data)}"
        )


# -- the model side: which inputs it takes, calling it, reading its output ---------------------
def _keras_inputs(model: Any) -> dict[str, tuple[Any, ...]]:
    """Return the named inputs of a Keras model and their shapes; empty for other models."""
    inputs = getattr(model, "inputs", None)
    if not isinstance(inputs, (list, tuple)) or not inputs:
        return {}  # not a Keras model: its output is the judge
    return {
        str(getattr(tensor, "name", "")).split(":")[0]: tuple(getattr(tensor, "shape", ()))
        for tensor in inputs
    }


def _check_model_inputs(
    inputs: dict[str, tuple[Any, ...]],
    min_history: int | None,
    future: ColumnSelection,
    static: ColumnSelection,
) -> None:
    """Match ``min_history``, ``future`` and ``static`` to a Keras model's named inputs."""
    if not inputs:
        return
    names = ", ".join(inputs)
    if "mask" in inputs and min_history is None:
        raise ShapeError(
            "The model takes a 'mask' input: it was built on padded windows "
            "(windows(..., min_history=k)). Pass forecast(..., min_history=k) with the k of "
            "training, so that it gets its mask. Received: min_history=None"
        )
    if "mask" not in inputs and min_history is not None:
        raise ShapeError(
            f"`min_history` gives the model a mask, but its inputs ({names}) have "
            "none: it was built on full windows. Leave out `min_history`. "
            f"{received('min_history', min_history)}"
        )
    if "future" in inputs and future is None:
        shape = inputs["future"]
        raise ShapeError(
            f"The model takes a 'future' input of shape {shape}: the known-future values "
            "(windows(..., future=[...])) of the rows it forecasts. Pass them: "
            "forecast(..., future_values=frame), a DataFrame of those columns on the future "
            "timestamps, or future=[the columns] with future_values=an array of shape "
            f"(rows, {shape[-1]}). Received: future=None, future_values=None"
        )
    if "future" not in inputs and future is not None:
        raise ShapeError(
            f"`future`/`future_values` give the model known-future inputs, but its inputs "
            f"({names}) have no 'future': it was built without them. Leave both out. "
            f"{received('future', future)}"
        )
    if "static" in inputs and static is None:
        raise ShapeError(
            f"The model takes a 'static' input (shape {inputs['static']}): pass the static "
            "columns of training, forecast(..., static=[...]). Received: static=None"
        )
    if "static" not in inputs and static is not None:
        raise ShapeError(
            f"`static` gives the model a static input, but its inputs ({names}) have none. "
            f"Leave out `static`. {received('static', static)}"
        )


def _model_horizon(
    inputs: dict[str, tuple[Any, ...]],
    horizon: int | None,
    future_names: list[Hashable],
    future_values: Any,
) -> int | None:
    """Return the horizon known before the first call: ``horizon=`` or a Keras 'future' input."""
    declared = inputs.get("future", (None, None))[1] if "future" in inputs else None
    if horizon is not None and declared is not None and horizon != declared:
        raise ShapeError(
            f"`horizon` is {horizon}, but the model's 'future' input reads {declared} rows "
            f"(shape {inputs['future']}). {received('horizon', horizon)}"
        )
    horizon = horizon if horizon is not None else declared
    if future_names and future_values is None:
        raise ShapeError(
            f"The forecast needs the known-future values of {listed(map(repr, future_names))} "
            "on the rows it forecasts (the model reads them in its 'future' input). Pass "
            "future_values=a DataFrame of those columns on the future timestamps, or an array "
            f"of shape (rows, {len(future_names)}). Received: future_values=None"
        )
    if future_values is not None and not future_names:
        raise ShapeError(
            "`future_values` needs `future=` naming its columns (or a DataFrame, whose "
            f"columns name them). {received_type('future_values', future_values)}"
        )
    if future_names and horizon is None:
        raise ShapeError(
            "A model with known-future inputs reads `horizon` rows of them per call, and this "
            "model does not say how many: pass forecast(..., horizon=h) with the horizon of "
            "training. Received: horizon=None"
        )
    return horizon


def _iterate(
    model: Any,
    calling: str,
    history: pd.DataFrame,
    need: int,
    lookback: int,
    steps: int,
    horizon: int | None,
    future: tuple[list[Hashable], np.ndarray | None],
    options: dict[str, Any],
    levels: tuple[float, ...] = (),
) -> np.ndarray:
    """Ask the model block by block, appending each block to the history.

    Returns ``(steps, n_targets)``, or ``(steps, n_targets, len(levels))`` for a quantile
    model, whose median block is appended.
    """
    target_names = list(options["targets"])
    future_names, known_values = future
    work = history
    produced: list[np.ndarray] = []
    n_made = 0
    while n_made < steps:
        tail = work.iloc[-need:].reset_index(drop=True)
        if known_values is not None:
            assert horizon is not None
            ahead = known_values[n_made : n_made + horizon]
            framed = windows(
                _with_rows_ahead(tail, future_names, ahead),
                lookback,
                horizon=horizon,
                future=future_names,
                **options,
            )
        else:
            framed = windows(tail, lookback, inputs_only=True, horizon=1, **options)
        prediction = call_model(model, _last_window(framed.X), calling)
        found = _horizon_of(prediction, len(target_names), horizon, levels)
        if n_made == 0 and found < steps:
            _check_iterable(options["features"], target_names, future_names, found, steps)
            _check_median(levels, found, steps)
        if known_values is None:
            framed = windows(tail, lookback, inputs_only=True, horizon=found, **options)
        # Padded windows (min_history) come before the last one: give every sample the
        # prediction, so that to_frame maps it, and read the last.
        spread = np.repeat(prediction.reshape(1, *prediction.shape[1:]), len(framed), axis=0)
        in_units = framed.to_frame(spread, quantiles=levels or None).to_numpy()[-1]
        if levels:  # columns (target+step, level): the median is fed back
            bands = in_units.reshape(len(target_names), found, len(levels)).transpose(1, 0, 2)
            produced.append(bands)
            block = bands[..., levels.index(0.5)] if 0.5 in levels else bands[..., 0]
        else:
            block = in_units.reshape(len(target_names), found).T  # (found, n_targets)
            produced.append(block)
        new_rows = _new_rows(work, block, target_names)
        if known_values is not None:
            new_rows = _put(new_rows, future_names, known_values[n_made : n_made + found])
        n_made += found
        work = pd.concat([work.iloc[-need:], new_rows], ignore_index=True)
    return np.concatenate(produced)[:steps]


def _check_iterable(
    features: list[Hashable],
    targets: list[Hashable],
    future: list[Hashable],
    found: int,
    steps: int,
) -> None:
    unknown = [n for n in features if n not in targets and n not in future]
    if unknown:
        raise ShapeError(
            f"forecast() cannot iterate this model past its horizon of {found} row(s): "
            f"the features {listed(map(repr, unknown))} are neither targets nor `future` "
            f"columns, so their future values are unknown. Train a model with horizon >= "
            f"{steps}, pass their known values (future=..., future_values=...), or train "
            f"with features equal to targets. {received('steps', steps)}"
        )


def _check_median(levels: tuple[float, ...], found: int, steps: int) -> None:
    """Refuse to iterate a quantile model without a median: the level fed back."""
    if levels and 0.5 not in levels:
        raise ShapeError(
            f"forecast() iterates a quantile model past its horizon of {found} row(s) by "
            f"feeding back its median, the level 0.5, which the levels {list(levels)} lack; "
            "feeding back another level would bias every later step. Train with 0.5 among "
            f"the quantiles, or with horizon >= {steps}. {received('steps', steps)}, "
            f"quantiles={list(levels)}"
        )


def _last_window(x: Any) -> Any:
    """Return the last sample of ``X``, kept 3-D (or a dict of them, with named inputs)."""
    if isinstance(x, dict):
        return {name: value[-1:] for name, value in x.items()}
    return x[-1:]


def _horizon_of(
    prediction: np.ndarray, n_targets: int, horizon: int | None, levels: tuple[float, ...] = ()
) -> int:
    """Read the model's horizon from the shape of one prediction, and check it is finite.

    With quantile ``levels``, the prediction has a trailing axis of one value per level,
    in increasing order.
    """
    shape = prediction.shape
    if levels:
        _check_levels_axis(shape, n_targets, horizon, levels)
        shape = shape[:-1]
    if shape == (1, n_targets) or (n_targets == 1 and shape == (1,) and not levels):
        found = 1
    elif len(shape) == 3 and shape[0] == 1 and shape[2] == n_targets:
        found = shape[1]
    else:
        promised = f"(1, {n_targets}) or (1, horizon, {n_targets})"
        if horizon is not None:
            promised = f"(1, {horizon}, {n_targets})" + (
                f" or (1, {n_targets})" if horizon == 1 else ""
            )
        hint = ""
        if shape[:-1] == (1, n_targets) or (len(shape) == 4 and shape[2] == n_targets):
            hint = (
                f" A trailing axis of {shape[-1]}: for a quantile model, pass its levels, "
                "forecast(..., quantiles=[0.1, 0.5, 0.9])."
            )
        raise ShapeError(
            f"`model` returned shape {prediction.shape} for one window, but the windows "
            f"promise {promised}: {plural(n_targets, 'target')}, one window. Is it the model "
            f"trained on these features and targets?{hint}"
        )
    if horizon is not None and horizon != found:
        raise ShapeError(
            f"`horizon` is {horizon}, but the model predicts {found} step(s) at once "
            f"(output shape {prediction.shape}). {received('horizon', horizon)}"
        )
    if not np.isfinite(prediction).all():
        raise ShapeError(
            f"`model` returned NaN or infinite values ({prediction.ravel().tolist()[:6]}) "
            "for the last window; a forecast cannot continue from them. Check the model and "
            "that the data is scaled (`fitted_scaler`) as in training."
        )
    check_levels_ordered(
        prediction, levels, "model",
        "sort another model's output (lambda x: np.sort(model.predict(x), axis=-1)).",
    )  # fmt: skip
    return int(found)


def _check_levels_axis(
    shape: tuple[int, ...], n_targets: int, horizon: int | None, levels: tuple[float, ...]
) -> None:
    """Refuse an output whose last axis is not one value per quantile level."""
    if len(shape) in (3, 4) and shape[-1] == len(levels):
        return
    n = len(levels)
    steps = "horizon" if horizon is None else str(horizon)
    if len(shape) in (3, 4) and shape[-2] == n_targets:
        found = f"its last axis holds {shape[-1]} values: pass the {shape[-1]} levels it predicts"
    else:
        found = "it has no quantile axis: a point model takes no `quantiles`; leave them out"
    raise ShapeError(
        f"`quantiles` names {n} levels {list(levels)}, so the model must return "
        f"(1, {n_targets}, {n}) or (1, {steps}, {n_targets}, {n}) for one window (one value "
        f"per level last); it returned shape {shape}, and {found}. "
        f"Received: quantiles={list(levels)}"
    )


# -- the data side: rows read, known-future values, future timestamps --------------------------
def _last_rows(table: Table, need: int, lookback: int) -> pd.DataFrame:
    """Return the last ``need`` rows as a float64 frame; refuse NaN among them (not earlier)."""
    n_rows = len(table.values)
    first = max(0, n_rows - need)
    values = np.array(table.values[first:], dtype=np.float64)
    missing = ~np.isfinite(values)
    if missing.any():
        row, col = (int(i) for i in np.argwhere(missing)[0])
        used = "" if need == lookback else f", {plural(need - lookback, 'row')} for `transform`"
        raise ShapeError(
            f"forecast() reads the last {plural(need, 'row')} of `data` (lookback={lookback}"
            f"{used}), and {where(first + row, table.index)} among them is NaN in column "
            f"{table.names[col]!r}. Fill it (for example `data.ffill()`) or end the history "
            "before it; NaN in earlier rows is fine, they are not read."
        )
    return pd.DataFrame(values, columns=list(table.names))


def _with_rows_ahead(tail: pd.DataFrame, future: list[Hashable], ahead: np.ndarray) -> pd.DataFrame:
    """Return the history and the rows the model forecasts after it.

    Their future columns hold the known values; the rest (targets, which the model does not
    read) repeat the last row.
    """
    rows = tail.iloc[[-1] * len(ahead)].reset_index(drop=True)  # dtypes kept (labels)
    rows = _put(rows, future, ahead)
    return pd.concat([tail, rows], ignore_index=True)


def _new_rows(work: pd.DataFrame, block: np.ndarray, targets: list[Hashable]) -> pd.DataFrame:
    """Return the rows of a predicted block: the targets predicted, the rest as the last row.

    The rest are static columns (constant) and targets; features that are neither targets
    nor future columns are refused by ``_check_iterable`` before they would be read.
    """
    rows = work.iloc[[-1] * len(block)].reset_index(drop=True)  # dtypes kept (labels)
    return _put(rows, targets, block)


def _put(frame: pd.DataFrame, names: list[Hashable], values: np.ndarray) -> pd.DataFrame:
    """Return ``frame`` with ``values`` in its columns ``names`` (labels are unique)."""
    out = frame.copy()
    for j, name in enumerate(names):
        out[name] = np.asarray(values[:, j], dtype=np.float64)
    return out


def _known_future(
    values: Any, names: list[Hashable], expected: pd.Index, index: pd.Index | None
) -> np.ndarray | None:
    """Validate ``future_values``; return its first ``len(expected)`` rows, ``(rows, n_future)``.

    A DataFrame (or Series) must hold the ``future`` columns and be indexed by the future
    timestamps ``expected`` (which continue ``data``'s index); an array must have the shape
    ``(rows, n_future)`` (1-D for one column).
    """
    if values is None:
        return None
    rows = len(expected)
    if isinstance(values, pd.Series):
        values = values.to_frame()
    if isinstance(values, pd.DataFrame):
        missing = [n for n in names if n not in values.columns]
        if missing:
            raise ShapeError(
                f"`future_values` lacks the future column(s) {listed(map(repr, missing))}: "
                f"the model reads {listed(map(repr, names))}, and it has "
                f"{listed(map(repr, values.columns))}. "
                f"{received_type('future_values', values)}"
            )
        _check_rows(len(values), rows, len(names))
        given = values.index[:rows]
        if not given.equals(expected):
            raise ShapeError(
                "`future_values` must be indexed by the rows it forecasts, which continue "
                f"the index of `data`{_after(index)}: {_span(expected)} ({_kind(expected)}). "
                f"Its first {plural(rows, 'row')} are {_span(given)} ({_kind(given)}). "
                f"Select the rows from {format_label(expected[0])} on "
                f"(future_values.loc[{format_label(expected[0])!r}:]) or pass an array "
                "(future_values.to_numpy())."
            )
        array = values[names].iloc[:rows].to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(
                "`future_values` must be a DataFrame of the future columns on the future "
                f"timestamps, or an array of numbers of shape (rows, {len(names)}). "
                f"{received_type('future_values', values)}"
            ) from error
        if array.ndim == 1 and len(names) == 1:
            array = array[:, None]
        if array.ndim != 2 or array.shape[1] != len(names):
            raise ShapeError(
                f"`future_values` must have shape (rows, {len(names)}): one column per "
                f"future column {listed(map(repr, names))}. It has shape {array.shape}. "
                f"{received_type('future_values', values)}"
            )
        _check_rows(len(array), rows, len(names))
        array = array[:rows]
    bad = ~np.isfinite(array)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ShapeError(
            f"`future_values` is NaN or infinite in row {row} ({format_label(expected[row])}), "
            f"column {names[col]!r}; the model reads it. Fill it: known-future values must "
            "be known."
        )
    return array


def _check_rows(have: int, rows: int, n_future: int) -> None:
    if have < rows:
        raise ShapeError(
            f"`future_values` has {plural(have, 'row')}, but the forecast reads {rows}: the "
            "model takes `horizon` rows of known-future values per call, so a forecast of "
            f"`steps` rows needs ceil(steps / horizon) * horizon = {rows}. Pass {rows} rows "
            f"(shape ({rows}, {n_future}))."
        )


def _after(index: pd.Index | None) -> str:
    if index is None or not len(index):
        return ""
    return f" after its last row {format_label(index[-1])}"


def _span(index: pd.Index) -> str:
    if not len(index):
        return "no rows"
    first, last = format_label(index[0]), format_label(index[-1])
    return first if len(index) == 1 else f"{first} .. {last}"


def _kind(index: pd.Index) -> str:
    freq = getattr(index, "freqstr", None)
    return type(index).__name__ + (f", freq {freq}" if freq else "")


def _check_size(rows: int, n_columns: int, steps: int) -> None:
    """Refuse a forecast whose result (values and index) would not fit the copy bound."""
    nbytes = rows * (n_columns + 1) * 8
    limit = max_copy_bytes()
    if nbytes > limit:
        raise ShapeError(
            f"A forecast of {rows} rows x {n_columns} column(s) takes {nbytes / 2**30:.1f} GiB, "
            f"more than the {limit / 2**30:.1f} GiB lstmshape allocates without asking (a "
            "quarter of this machine's memory; LSTMSHAPE_MAX_COPY_BYTES sets it). Forecast "
            f"fewer steps: an iterated forecast that long repeats its own output. "
            f"{received('steps', steps)}"
        )
