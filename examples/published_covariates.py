"""Covariates published late: the leak a naive join hides in a backtest, and its fix.

A monthly figure (here the month's average of the daily target, as a statistics office would
publish it) comes out 14 days after its month ends. Joined to daily data by its month, every
window of that month sees the month's average, days before it existed: the backtest then
rewards a model for reading the future. `lstmshape.as_published` joins it by publication
date instead. The script backtests the same linear forecaster (least squares on the
flattened window, so it runs in a second without a framework) three ways over rolling
origins and prints each RMSE:

    python examples/published_covariates.py

Copy it and replace the synthetic frames with your own daily data and your monthly figure.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import lstmshape


def make_data(seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Daily values around a monthly level that drifts, and each month's published average."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2019-01-01", "2023-12-31", freq="D")
    months = days.to_period("M")
    level = pd.Series(np.cumsum(rng.normal(0, 3, len(months.unique()))), index=months.unique())
    daily = pd.DataFrame({"sales": level[months].to_numpy() + rng.normal(0, 1, len(days))}, days)
    figure = daily["sales"].groupby(months).mean().rename("monthly_mean")
    return daily, figure


def backtest(data: pd.DataFrame, lookback: int, n_folds: int, test: int) -> float:
    """RMSE of least squares on the flattened windows, over rolling origins."""
    errors = []
    for fold in lstmshape.folds(
        data, lookback, n_folds=n_folds, test=test, targets="sales", dropna=True
    ):
        train, held_out = fold.train, fold.test

        def design(x: np.ndarray) -> np.ndarray:
            return np.column_stack([x.reshape(len(x), -1), np.ones(len(x))])

        coef, *_ = np.linalg.lstsq(design(train.X), train.y, rcond=None)
        errors.append((design(held_out.X) @ coef - held_out.y).ravel())
    return float(np.sqrt(np.mean(np.concatenate(errors) ** 2)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lag", default="14D", help="publication lag after the month ends")
    parser.add_argument("--folds", type=int, default=6, help="rolling origins")
    parser.add_argument("--test", type=int, default=60, help="test days per fold")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    daily, figure = make_data(args.seed)
    lookback = 14
    # What a naive join gives: the month's figure on every day of that month.
    naive = daily.assign(monthly_mean=figure.to_timestamp().reindex(daily.index, method="ffill"))
    # Joined by publication: each day holds the newest figure published by that day.
    published = daily.join(lstmshape.as_published(figure, daily, available_after=args.lag))

    rows = [
        ("target only", backtest(daily, lookback, args.folds, args.test)),
        ("+ figure joined by month (leaks)", backtest(naive, lookback, args.folds, args.test)),
        (
            f"+ figure as published ({args.lag} late)",
            backtest(published, lookback, args.folds, args.test),
        ),
    ]
    print(f"Next-day RMSE over {args.folds} folds of {args.test} days, lookback {lookback}:")
    for name, rmse in rows:
        print(f"  {name:<36} {rmse:.3f}")
    leak, honest = rows[1][1], rows[2][1]
    print(
        f"The naive join's RMSE is {1 - leak / honest:.0%} lower than what the figure can "
        "really give: skill borrowed from days that had not happened yet."
    )


if __name__ == "__main__":
    main()
