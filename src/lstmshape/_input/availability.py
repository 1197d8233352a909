"""Covariates by availability: each row sees only the values published by its time.

A monthly indicator joined to daily data by its month, or a figure that is published two
weeks after the period it describes, hands a window values that did not exist yet at the
window's last timestep: a leak that looks like skill in every backtest. ``as_published``
aligns such a covariate to the data's timestamps by *when each value became known*, so a
window that reads row ``t`` reads only what was published by ``t``. It returns plain
columns: every other feature of lstmshape (windows, split, folds, loaders, forecast) reads
them like any other column, with nothing to get wrong downstream.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, format_label, received, received_type


def as_published(
    covariates: pd.Series | pd.DataFrame,
    on: pd.Index | pd.Series | pd.DataFrame,
    *,
    available_after: Any = None,
    published: Hashable | pd.Series | None = None,
) -> pd.DataFrame:
    """Align covariates to timestamps by when each value became known, never earlier.

    Each row of the result holds, for the timestamp ``t`` of that row of ``on``, the
    latest value published at or before ``t`` (an as-of join on the publication time, as
    ``pandas.merge_asof(direction="backward")``); rows before the first publication are NaN.
    A window whose last input row is ``t`` therefore sees no value published after ``t``,
    at any of its timesteps: each timestep ``s <= t`` holds what was known at ``s``.

    When a value is published is said in one of two ways:

    * ``available_after``: a fixed lag after the period the value describes. For a
      ``PeriodIndex`` (``2024-01`` for January), the lag counts from the period's end, the
      start of the next period (``"14D"``: known from 15 February, 00:00);
      ``available_after=0`` means known as the period ends. For a ``DatetimeIndex``, the
      lag counts from the label itself: a monthly series labelled by its first day would
      then be "known" before its month is over, so label such data by period
      (``series.to_period("M")``).
    * ``published``: the publication time of each value, a column of ``covariates`` (by
      name) or a Series aligned with it. Revisions are not modelled: each row is one value
      and its one publication.

    Parameters
    ----------
    covariates : Series or DataFrame
        Values indexed by the period or timestamp they describe, at any frequency
        (monthly beside daily data, irregular releases). Numeric columns.
    on : Index, Series or DataFrame
        The timestamps to align to: the data's ``DatetimeIndex`` (or a frame or series
        indexed by it). Must increase.
    available_after : str, Timedelta or DateOffset, optional
        The publication lag, ``"14D"``, ``pd.Timedelta(hours=6)``, ``pd.DateOffset(months=1)``.
    published : label or Series, optional
        The publication time of each value, instead of ``available_after``.

    Returns
    -------
    DataFrame
        One row per timestamp of ``on`` (indexed by it), one column per covariate (the
        ``published`` column left out). Join it to the data (``data.join(...)``) and pass
        the columns as features.

    Raises
    ------
    TypeError
        ``covariates`` is not a pandas Series or DataFrame, ``on`` has no DatetimeIndex,
        ``available_after`` is not a lag, ``published`` is of the wrong type.
    ShapeError
        Neither or both of ``available_after`` and ``published``; a negative lag; a
        covariate index that is not a PeriodIndex or DatetimeIndex (with
        ``available_after``); ``on`` not increasing; a publication time that is missing or
        comes before the period it describes ends; a non-numeric covariate column.

    Notes
    -----
    As ``known-future`` inputs, such covariates are not known: ``windows(future=...)``
    reads a value on each *target* row, which a forecaster at the window's end has only if
    it was published by then. Pass them as features (past inputs), not as ``future``.

    Examples
    --------
    A monthly figure, published 14 days after each month ends, beside daily data:

    >>> import numpy as np, pandas as pd, lstmshape
    >>> days = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    >>> cpi = pd.Series([1.0, 2.0, 3.0], index=pd.period_range("2024-01", periods=3, freq="M"),
    ...                 name="cpi")
    >>> known = lstmshape.as_published(cpi, days, available_after="14D")
    >>> known.shape
    (91, 1)
    >>> known["cpi"].loc[["2024-02-14", "2024-02-15", "2024-03-15"]].tolist()
    [nan, 1.0, 2.0]
    """
    frame = _covariate_frame(covariates)
    index = _target_index(on)
    times = _publication_times(frame, available_after, published)
    if (pd.DatetimeIndex(times).tz is None) != (index.tz is None):
        raise ShapeError(
            "The publication times and `on` must both carry a time zone or both not: "
            f"publications are {pd.DatetimeIndex(times).tz or 'naive'}, `on` is "
            f"{index.tz or 'naive'}. Convert one (`tz_localize`/`tz_convert`)."
        )
    values = frame
    if _is_column(frame, published):
        values = frame.drop(columns=[cast(Hashable, published)])
    _check_numeric(values)
    order = np.argsort(times.to_numpy(), kind="stable")  # ties: the later-described value wins
    known = values.iloc[order].reset_index(drop=True)
    # One resolution on both sides: merge_asof refuses datetime64[us] against [ns].
    known["__published__"] = pd.DatetimeIndex(times.to_numpy()[order]).as_unit("ns")
    left = pd.DataFrame({"__at__": index.as_unit("ns")})
    joined = pd.merge_asof(
        left, known, left_on="__at__", right_on="__published__", direction="backward"
    )
    return joined.drop(columns=["__at__", "__published__"]).set_axis(index, axis=0)


def _covariate_frame(covariates: Any) -> pd.DataFrame:
    if isinstance(covariates, pd.Series):
        name = covariates.name if covariates.name is not None else "covariate"
        return covariates.to_frame(name)
    if isinstance(covariates, pd.DataFrame):
        return covariates
    raise TypeError(
        "`covariates` must be a pandas Series or DataFrame indexed by the period or time each "
        f"value describes. {received_type('covariates', covariates)}"
    )


def _target_index(on: Any) -> pd.DatetimeIndex:
    index = on.index if isinstance(on, pd.Series | pd.DataFrame) else on
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(
            "`on` must be the data's DatetimeIndex (or a frame or series indexed by one): the "
            "times at which each row is known. "
            f"{received_type('on', index if isinstance(index, pd.Index) else on)}"
        )
    if len(index) > 1 and not index.is_monotonic_increasing:
        raise ShapeError(
            "`on` must run forward in time: each row's values are those known at its time. "
            f"Sort the data (`data.sort_index()`). Received: on from {format_label(index[0])} "
            f"to {format_label(index[-1])}, not increasing"
        )
    return index


def _is_column(frame: pd.DataFrame, published: Any) -> bool:
    return (
        published is not None
        and not isinstance(published, pd.Series)
        and isinstance(published, Hashable)
        and published in frame.columns
    )


def _publication_times(frame: pd.DataFrame, available_after: Any, published: Any) -> pd.Series:
    if (available_after is None) == (published is None):
        raise ShapeError(
            "Say when each covariate value became known with exactly one of "
            "`available_after` (a lag after the period it describes, such as '14D') or "
            "`published` (a publication time per value). "
            f"{received('available_after', available_after)}, published={published!r}"
        )
    if published is not None:
        return _published_column(frame, published)
    lag = _lag(available_after)
    index = frame.index
    if isinstance(index, pd.PeriodIndex):
        # A period ends where the next one starts (January at 1 February, 00:00).
        ends = pd.DatetimeIndex((index + 1).start_time)
        return pd.Series(ends + lag, index=index)
    if isinstance(index, pd.DatetimeIndex):
        return pd.Series(index + lag, index=index)
    raise ShapeError(
        "With `available_after`, the covariates must be indexed by the period (PeriodIndex) or "
        "time (DatetimeIndex) each value describes, so the lag has something to count from. "
        f"Received: covariates with an index of type {type(index).__name__}"
    )


def _lag(available_after: Any) -> Any:
    if isinstance(available_after, bool):
        raise TypeError(
            "`available_after` must be a lag such as '14D', pd.Timedelta or pd.DateOffset. "
            f"{received_type('available_after', available_after)}"
        )
    if isinstance(available_after, int | np.integer) and available_after == 0:
        return pd.Timedelta(0)
    if isinstance(available_after, pd.DateOffset):
        return available_after
    try:
        lag = pd.Timedelta(available_after)
    except (TypeError, ValueError):
        raise TypeError(
            "`available_after` must be a lag such as '14D', '6h', pd.Timedelta or "
            f"pd.DateOffset(months=1). {received_type('available_after', available_after)}"
        ) from None
    if lag < pd.Timedelta(0):
        raise ShapeError(
            "`available_after` must not be negative: a value cannot be known before the "
            f"period it describes. {received('available_after', available_after)}"
        )
    return lag


def _published_column(frame: pd.DataFrame, published: Any) -> pd.Series:
    if isinstance(published, pd.Series):
        if len(published) != len(frame):
            raise ShapeError(
                f"`published` must give one time per covariate row: {len(frame)} rows, "
                f"{len(published)} times. Received: published of length {len(published)}"
            )
        times = pd.Series(published.to_numpy(), index=frame.index)
    elif _is_column(frame, published):
        times = frame[published]
    else:
        raise TypeError(
            "`published` must name a column of `covariates` holding each value's publication "
            f"time, or be a Series of those times. {received_type('published', published)}"
        )
    try:
        times = pd.Series(pd.to_datetime(times.to_numpy()), index=frame.index)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"`published` must hold timestamps; pandas could not read them ({error})."
        ) from None
    missing = times.isna().to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise ShapeError(
            f"`published` must give a time for every value; the value for "
            f"{format_label(frame.index[row])} has none (NaT). Drop unpublished rows first."
        )
    if isinstance(frame.index, pd.PeriodIndex):
        early = (times.to_numpy() < frame.index.start_time.to_numpy()).nonzero()[0]
        if len(early):
            row = int(early[0])
            raise ShapeError(
                f"A value cannot be published before the period it describes begins: the "
                f"value for {frame.index[row]} is published at {format_label(times.iloc[row])}. "
                "Check the `published` column."
            )
    return times


def _check_numeric(values: pd.DataFrame) -> None:
    for name in values.columns:
        if not pd.api.types.is_numeric_dtype(values[name]) or pd.api.types.is_bool_dtype(
            values[name]
        ):
            raise ShapeError(
                f"Covariate column {name!r} must be numeric to become a feature; it holds "
                f"{values[name].dtype}. Encode it first, or leave it out."
            )
