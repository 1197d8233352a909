"""Built-in data: deterministic, generated on the spot, nothing downloaded.

* :func:`synthetic` -- a daily multivariate series with trend, seasonality and noise,
  the default data of ``lstmshape demo`` and the examples.
* :func:`cumulative_sum` -- the sequence-classification toy problem of the classic
  bidirectional LSTM tutorial.
* :func:`weekly_load` -- a daily load driven by the calendar (weekdays and holidays known
  in advance), for known-future covariates and encoder-decoder models.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._core.errors import ShapeError, received, received_type
from ._core.validate import check_int, check_size

#: The largest data set generated here (values, not bytes): 10 million, about 80 MB.
MAX_ROWS = 10_000_000


def _check_start(start: object) -> pd.Timestamp:
    if not isinstance(start, (str, pd.Timestamp)) and not hasattr(start, "isoformat"):
        raise TypeError(
            f"`start` must be a date such as '2020-01-01'. {received_type('start', start)}"
        )
    try:
        stamp = pd.Timestamp(start)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise ShapeError(
            f"`start` is not a date pandas can read. {received('start', start)}"
        ) from None
    if stamp is pd.NaT:
        raise ShapeError(f"`start` is not a date. {received('start', start)}")
    return stamp


def _check_threshold(threshold: object) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"`threshold` must be a number. {received_type('threshold', threshold)}")
    if not np.isfinite(float(threshold)):
        raise ShapeError(f"`threshold` must be finite. {received('threshold', threshold)}")
    return float(threshold)


__all__ = ["cumulative_sum", "synthetic", "weekly_load"]

#: How much each weekday (Monday first) moves :func:`weekly_load`'s load from its level.
WEEKDAY_EFFECT = (4.0, 6.0, 6.0, 5.0, 2.0, -9.0, -14.0)


def synthetic(
    rows: int = 1500,
    *,
    start: str = "2020-01-01",
    seed: int = 0,
) -> pd.DataFrame:
    """Return a seeded daily series with trend, weekly and yearly seasonality and noise.

    The columns are correlated like a small plant's sensors: ``load`` (the target of the
    demo) follows ``temperature`` with a yearly cycle and a weekly working pattern;
    ``price`` drifts with load; ``humidity`` moves against temperature.

    Parameters
    ----------
    rows : int, default 1500
        Days, from ``start``.
    start : str, default "2020-01-01"
        The first date.
    seed : int, default 0
        Seed of the noise; the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        ``rows`` rows, a daily ``DatetimeIndex`` named ``"date"`` (``freq="D"``) and the
        float64 columns ``load``, ``temperature``, ``humidity`` and ``price``.

    Examples
    --------
    >>> from lstmshape.datasets import synthetic
    >>> df = synthetic()
    >>> df.shape, list(df.columns)
    ((1500, 4), ['load', 'temperature', 'humidity', 'price'])
    >>> df.index[0], df.index.freqstr
    (Timestamp('2020-01-01 00:00:00'), 'D')
    """
    rows = check_size(rows, "rows", minimum=1, maximum=MAX_ROWS)
    seed = check_int(seed, "seed", minimum=0)
    first = _check_start(start)
    rng = np.random.default_rng(seed)
    day = np.arange(rows, dtype=np.float64)
    yearly = np.sin(2 * np.pi * day / 365.25)
    weekly = np.sin(2 * np.pi * day / 7)
    weather = _ar1(rng.normal(0, 1.0, rows), 0.8)  # warm and cold spells last a few days
    temperature = 12 + 9 * yearly + weather
    humidity = 65 - 1.2 * (temperature - 12) + rng.normal(0, 2, rows)
    load = 100 + 0.02 * day + 2.5 * (temperature - 12) + 6 * weekly
    load += _ar1(rng.normal(0, 1.0, rows), 0.5)
    price = 40 + 0.15 * (load - 100) + 0.005 * day + rng.normal(0, 0.5, rows)
    index = pd.date_range(first, periods=rows, freq="D", name="date")
    return pd.DataFrame(
        {"load": load, "temperature": temperature, "humidity": humidity, "price": price},
        index=index,
    )


def weekly_load(
    rows: int = 1095,
    *,
    start: str = "2021-01-01",
    seed: int = 0,
) -> pd.DataFrame:
    """Return a seeded daily load driven by the calendar: weekdays and holidays.

    ``load = 100 + yearly cycle + WEEKDAY_EFFECT[weekday] - 15 * holiday + noise``, with
    autoregressive noise. Holidays fall on about one day in twenty, at random (seeded), so
    a model that only reads the past cannot tell when the next one comes; the calendar
    knows them in advance. That is what known-future covariates are for
    (``windows(..., future=["weekday", "holiday"])``).

    Parameters
    ----------
    rows : int, default 1095
        Days, from ``start`` (three years by default).
    start : str, default "2021-01-01"
        The first date.
    seed : int, default 0
        Seed of the holidays and the noise; the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        ``rows`` rows, a daily ``DatetimeIndex`` named ``"date"`` (``freq="D"``) and the
        float64 columns ``load``, ``weekday`` (0 for Monday to 6 for Sunday) and
        ``holiday`` (1.0 on holidays, else 0.0).

    Examples
    --------
    >>> from lstmshape.datasets import weekly_load
    >>> df = weekly_load()
    >>> df.shape, list(df.columns)
    ((1095, 3), ['load', 'weekday', 'holiday'])
    >>> df.groupby("weekday")["load"].mean().round().tolist()   # Monday .. Sunday
    [103.0, 105.0, 106.0, 104.0, 101.0, 90.0, 85.0]
    """
    rows = check_size(rows, "rows", minimum=1, maximum=MAX_ROWS)
    seed = check_int(seed, "seed", minimum=0)
    first = _check_start(start)
    rng = np.random.default_rng(seed)
    index = pd.date_range(first, periods=rows, freq="D", name="date")
    weekday = np.asarray(index.day_of_week, dtype=np.int64)
    holiday = (rng.random(rows) < 0.05).astype(np.float64)
    yearly = 5 * np.sin(2 * np.pi * np.arange(rows) / 365.25)
    load = 100 + yearly + np.asarray(WEEKDAY_EFFECT)[weekday] - 15 * holiday
    load += _ar1(rng.normal(0, 1.0, rows), 0.6)
    return pd.DataFrame(
        {"load": load, "weekday": weekday.astype(np.float64), "holiday": holiday}, index=index
    )


def _ar1(shocks: np.ndarray, phi: float) -> np.ndarray:
    """Autoregressive noise: each value keeps ``phi`` of the previous one."""
    out = np.empty_like(shocks)
    out[0] = shocks[0]
    for t in range(1, len(shocks)):
        out[t] = phi * out[t - 1] + shocks[t]
    return out


def cumulative_sum(
    samples: int,
    *,
    lookback: int = 10,
    threshold: float | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the cumulative-sum classification problem, already shaped for Keras.

    Each sequence holds ``lookback`` random values in ``[0, 1)``; the label at each step
    is 1 once the running sum has reached ``threshold`` (default ``lookback / 4``, so
    2.5 for 10 steps), else 0. A per-timestep, sequence-labelling problem: the label
    depends on everything seen so far.

    Returns
    -------
    X, y : numpy.ndarray
        Both of shape ``(samples, timesteps, 1)``, float32.

    Examples
    --------
    >>> from lstmshape.datasets import cumulative_sum
    >>> X, y = cumulative_sum(100)
    >>> X.shape, y.shape
    ((100, 10, 1), (100, 10, 1))
    """
    samples = check_size(samples, "samples", minimum=1, maximum=MAX_ROWS)
    lookback = check_size(lookback, "lookback", minimum=1, maximum=MAX_ROWS // samples)
    seed = check_int(seed, "seed", minimum=0)
    limit = lookback / 4.0 if threshold is None else _check_threshold(threshold)
    values = np.random.default_rng(seed).random((samples, lookback))
    labels = np.cumsum(values, axis=1) >= limit
    return values[..., None].astype(np.float32), labels[..., None].astype(np.float32)
