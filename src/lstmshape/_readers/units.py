"""One way back to the data's units, for ``to_frame``, pictures, ``forecast`` and ``score``.

A model works in the windows' units: scaled (``scaler=``), and for the target columns
changes (``transform=``). Everything that shows a value to a person goes back the same
way, in this order, and only here:

1. **read** the predictions like data (:func:`read_predictions`: any framework's tensor,
   masked entries become NaN, a squeezed single-target axis is restored);
2. **undo the scaler** on the target columns, per series when it is a dict
   ``{series: scaler}`` (:func:`predictions_in_units`, :func:`data_in_units`);
3. **undo the transform** from the last level the forecaster knew (the window's last
   input row or earlier, never a later row: see :mod:`lstmshape._input.transform`);
4. **date** the rows: :func:`future_index` gives the labels of rows past a known one
   (a DatetimeIndex with its ``freq``, a PeriodIndex, a RangeIndex, row numbers).

:func:`predict_quietly` is the one place that calls a model's ``predict``.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Hashable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from .._core.errors import ShapeError, listed, received, received_type
from .._input.scaling import inverse_scale
from .._input.transform import TargetTransform
from .._plan.plan import is_group
from .source import WindowSource

Run = tuple[int, int]


# -- 1. read ---------------------------------------------------------------------------------
def read_predictions(predictions: Any, name: str = "predictions") -> np.ndarray:
    """Read model output like data: an array of real numbers; masked entries become NaN.

    Tensors of any framework work through ``numpy.asarray`` (``.numpy()`` for TensorFlow).

    >>> read_predictions(np.ma.masked_array([1.0, 2.0], mask=[False, True])).tolist()
    [1.0, nan]
    """
    if predictions is None or isinstance(predictions, (str, bytes, dict, set, Iterator)):
        raise TypeError(
            f"`{name}` must be an array of model outputs, such as what model.predict "
            f"returns. {received_type(name, predictions)}"
        )
    if isinstance(predictions, np.ma.MaskedArray):
        predictions = np.ma.filled(predictions.astype(np.float64), np.nan)
    try:
        values = np.asarray(predictions)
    except (ValueError, TypeError):
        raise TypeError(
            f"`{name}` could not be read as a rectangular array (rows of different "
            f"lengths?). {received_type(name, predictions)}"
        ) from None
    if np.issubdtype(values.dtype, np.complexfloating) or not (
        np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.bool_)
    ):
        raise TypeError(
            f"`{name}` must be numeric (real numbers); they have dtype {values.dtype}. "
            f"{received_type(name, predictions)}"
        )
    return values


def restore_target_axis(values: np.ndarray, expected: tuple[int, ...]) -> np.ndarray:
    """Restore a squeezed single-target axis: ``(samples,)`` for ``(samples, 1)``."""
    if values.shape != expected and expected[-1] == 1 and values.shape == expected[:-1]:
        return values[..., None]
    return values


def takes_verbose(predict: Any) -> bool:
    """Whether a ``predict`` method takes Keras' ``verbose`` keyword."""
    try:
        parameters = inspect.signature(predict).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "verbose" or p.kind is p.VAR_KEYWORD for p in parameters)


def predict_quietly(model: Any, x: Any, name: str = "model.predict(...)") -> np.ndarray:
    """Call ``model.predict(x)`` (with ``verbose=0`` when it takes it) and read the output."""
    predict = model.predict
    keywords = {"verbose": 0} if takes_verbose(predict) else {}
    return read_predictions(predict(x, **keywords), name).astype(np.float64, copy=False)


# -- 2. and 3. scaler, then transform ------------------------------------------------------------
def predictions_in_units(
    source: WindowSource,
    scaler: Any,
    transform: TargetTransform | None,
    values: np.ndarray,
    samples: np.ndarray | None = None,
) -> np.ndarray:
    """Return predictions of ``samples`` (default: all) in the data's units.

    ``values`` has shape ``(len(samples), *output_shape)`` in the model's units. The
    scaler is undone on the target columns (each series with its own scaler for a dict),
    then the transform from the last level known to each sample's forecaster.
    """
    samples = np.arange(source.n_samples) if samples is None else np.asarray(samples)
    values = np.array(values, dtype=np.float64, copy=True)
    groups = source.plan.sample_groups
    values = _unscale(
        source, scaler, values, source.target_cols, None if groups is None else groups[samples]
    )
    if transform is None:
        return values
    f = source.framing
    starts = source.plan.starts[samples]
    if f.per_timestep:
        rows = starts[:, None] + f.target_offsets[None, :]
        return transform.undo(values, rows, chained=False, known=starts + f.last_input_offset)
    steps = values[:, None, :] if values.ndim == 2 else values
    first = starts + f.last_input_offset + f.shift  # the first predicted row
    rows = first[:, None] + np.arange(steps.shape[1])[None, :] * f.sampling_rate
    levels = transform.undo(steps, rows, chained=True, known=starts + f.last_input_offset)
    return levels[:, 0, :] if values.ndim == 2 else levels


def check_quantile_undo(
    source: WindowSource, transform: TargetTransform | None, levels: tuple[float, ...]
) -> None:
    """Refuse quantiles that cannot be undone level by level: a change over a horizon.

    Each level is taken back on its own, which is exact when every step is undone on its
    own (the scaler, ``"log"``, one step of a change, per-timestep targets): those maps
    are increasing, so a quantile stays that quantile. A cumulative sum of several steps'
    quantiles is not a quantile of the sum.
    """
    f = source.framing
    chained = not f.per_timestep and f.horizon > 1
    if levels and transform is not None and transform.needs_previous and chained:
        raise ShapeError(
            f"Quantiles of transform={transform.kind!r} over a horizon of {f.horizon} steps "
            "cannot be undone level by level: the level of step k adds up the changes of "
            "steps 0..k, and a sum of quantiles is not a quantile of the sum. Use "
            "transform='log' or None with quantiles, or horizon=1. "
            f"Received: quantiles={list(levels)}"
        )


def data_in_units(
    source: WindowSource,
    scaler: Any,
    transform: TargetTransform | None,
    rows: np.ndarray,
    column: int,
) -> np.ndarray:
    """Return the data's column ``column`` at ``rows`` in the data's units.

    A target column under a transform is read from the original levels the transform
    kept (also on the rows it used up); any other column has its scaler undone.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if transform is not None and column in source.target_cols:
        return np.array(transform.levels[rows, source.target_cols.index(column)])
    flat = rows.ravel()
    values = np.asarray(source.values[flat, column], dtype=np.float64)[:, None]
    if not (isinstance(scaler, dict) and source.plan.run_groups):
        return _unscale(source, scaler, values, (column,), None).reshape(rows.shape)
    # Each series with its own scaler; a row in no series' run (missing) is not drawn.
    known = source.plan.run_of_row[flat] >= 0
    restored = np.full(values.shape, np.nan)
    groups = source.plan.groups_of_rows(flat[known])
    restored[known] = _unscale(source, scaler, values[known], (column,), groups)
    return restored.reshape(rows.shape)


def _unscale(
    source: WindowSource,
    scaler: Any,
    values: np.ndarray,
    columns: tuple[int, ...],
    groups: np.ndarray | None,
) -> np.ndarray:
    """Undo ``scaler`` on ``columns`` (the last axis of ``values``); per group for a dict."""
    if scaler is None:
        return values
    if not isinstance(scaler, dict):
        return inverse_scale(scaler, values, source.names, columns)
    if groups is None:
        raise ShapeError(
            "A scaler per series (a dict) needs windows made with `group_by` (or a panel); "
            f"these have no series. Received: scaler with keys {listed(map(repr, scaler))}"
        )
    restored = np.array(values, dtype=np.float64, copy=True)
    for group in dict.fromkeys(groups.tolist()):
        if group not in scaler:
            raise ShapeError(
                f"The per-series scalers have no scaler for group {group!r}; they were fitted "
                f"for {listed(map(repr, scaler))}."
            )
        mine = is_group(groups, group)
        restored[mine] = inverse_scale(scaler[group], values[mine], source.names, columns)
    return restored


# -- 4. timestamps -------------------------------------------------------------------------------
def future_index(
    index: pd.Index | None,
    last_row: int,
    steps: Any,
    *,
    freq: Any = None,
    run: Run | None = None,
) -> pd.Index:
    """Return the labels of the rows ``steps`` (ints >= 0) rows after row ``last_row``.

    The one rule for dates past the data (``forecast``) and past a window (pictures of
    inputs-only windows). Row numbers continue without an index; a RangeIndex continues
    its step; a PeriodIndex its periods; a DatetimeIndex ``freq=`` when given, else the
    index's ``freq``, else what ``pandas.infer_freq`` finds in the series' rows. With
    ``run`` (the rows of the series the row lies in), a numeric index or a DatetimeIndex
    without a frequency continues the spacing of the run's last two rows; without ``run``
    they are refused (a forecast should not guess a calendar).

    >>> future_index(pd.period_range("2024-01", periods=3, freq="M"), 2, [1, 2]).tolist()
    [Period('2024-04', 'M'), Period('2024-05', 'M')]
    >>> future_index(None, 9, [1, 2]).tolist()
    [10, 11]
    """
    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    if freq is not None and not isinstance(index, pd.DatetimeIndex):
        kind = "no index (numpy input)" if index is None else f"a {type(index).__name__}"
        extra = " (a PeriodIndex carries its own)" if isinstance(index, pd.PeriodIndex) else ""
        raise TypeError(
            f"`freq` spaces future timestamps, so `data` needs a DatetimeIndex; it has "
            f"{kind}{extra}. {received('freq', freq)}"
        )
    if index is None:
        return _numbers(last_row + steps, "row")
    end = index[last_row]
    if isinstance(index, pd.PeriodIndex):
        return pd.PeriodIndex([end + int(k) for k in steps], freq=index.freq, name=index.name)
    if isinstance(index, pd.RangeIndex):
        return _numbers(end + steps * index.step, index.name)
    begin, stop = (0, len(index)) if run is None else run
    if isinstance(index, pd.DatetimeIndex):
        offset = _offset(index, freq, begin, stop, allow_spacing=run is not None)
        if offset is not None:
            every = int(steps[1] - steps[0]) if len(steps) > 1 else 1
            if len(steps) and every > 0 and (np.diff(steps) == every).all():
                return pd.date_range(
                    end + int(steps[0]) * offset,
                    periods=len(steps),
                    freq=every * offset,
                    name=index.name,
                    unit=index.unit,
                )
            return pd.DatetimeIndex(
                [end + int(k) * offset for k in steps], name=index.name
            ).as_unit(index.unit)
    elif run is None or not pd.api.types.is_numeric_dtype(index.dtype):
        raise ShapeError(
            "forecast() dates its rows after the last index label, which needs a "
            f"DatetimeIndex, a PeriodIndex or a RangeIndex; `data` has a "
            f"{type(index).__name__}. Set one of those, or reset the index "
            "(`data.reset_index(drop=True)`) to number the future rows."
        )
    if last_row > begin:
        step = index[last_row] - index[last_row - 1]
    elif stop - begin > 1:
        step = index[begin + 1] - index[begin]
    else:
        raise ShapeError(
            f"Cannot date the rows after row {last_row}: its series (or run between gaps) has "
            f"one row, {_label(end)}, so the spacing of the rows after it is unknown. Give the "
            "data an index with a frequency (for example df.asfreq('D'))."
        )
    if isinstance(index, pd.DatetimeIndex):
        return pd.DatetimeIndex([end + int(k) * step for k in steps], name=index.name)
    return pd.Index(end + steps * step, name=index.name)


def _offset(
    index: pd.DatetimeIndex, freq: Any, begin: int, stop: int, *, allow_spacing: bool
) -> pd.DateOffset | None:
    """``freq=``, the index's ``freq`` or the inferred one; None to fall back on spacing."""
    chosen: Any = freq if freq is not None else index.freq
    if chosen is None and stop - begin >= 3:
        chosen = _infer_freq(index[begin:stop])
    if chosen is None:
        if allow_spacing:
            return None
        raise ShapeError(
            "forecast() cannot tell the spacing of future timestamps: the index has no `freq` "
            "and pandas.infer_freq finds none (trading days with holidays, for example). Pass "
            "freq=, for example freq='B' (business days) or 'D'."
        )
    try:
        return to_offset(chosen)
    except (ValueError, TypeError):
        raise ShapeError(
            f"`freq` is not a frequency pandas understands. Use an offset alias such as 'D', "
            f"'B', 'h' or 'min'. {received('freq', freq)}"
        ) from None


def _numbers(values: np.ndarray, name: Hashable) -> pd.Index:
    """Return a RangeIndex when ``values`` are evenly spaced (as forecast dates), else ints."""
    step = int(values[1] - values[0]) if len(values) > 1 else 1
    if len(values) and step != 0 and (np.diff(values) == step).all():
        return pd.RangeIndex(int(values[0]), int(values[-1]) + step, step, name=name)
    return pd.Index(values, name=name)


def _infer_freq(index: pd.DatetimeIndex) -> Any:
    """``pandas.infer_freq`` without its pandas-4 change warning; None when it finds none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Pandas4Warning: str -> offset
        try:
            return pd.infer_freq(index)
        except (TypeError, ValueError):  # duplicates or a non-monotonic stretch
            return None


def _label(value: Any) -> str:
    if isinstance(value, pd.Timestamp):  # in the index's time zone, as on the axis
        return value.tz_localize(None).isoformat().replace("T00:00:00", "")
    if isinstance(value, pd.Period):
        return str(value)
    return repr(value.item() if isinstance(value, np.generic) else value)


def labels(source: WindowSource, rows: np.ndarray) -> pd.Index:
    """Index labels of ``rows`` (row positions for numpy input), with groups when grouped."""
    found = source.row_labels(rows)  # inside each series, for a panel of arrays
    if source.group_by is None:
        return found
    groups = source.plan.groups_of_rows(rows)
    keys = source.group_keys or (source.group_by,)
    names: list[Hashable] = [*keys, found.name]
    if len(keys) > 1:  # several keys: one level per key
        levels = [[group[k] for group in groups] for k in range(len(keys))]
        return pd.MultiIndex.from_arrays([*levels, found], names=names)
    return pd.MultiIndex.from_arrays([groups, found], names=names)
