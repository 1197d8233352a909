"""Time ``split`` and ``folds`` against ``windows`` on many short series (issue 19, item 5).

50,000 series of 30 rows in one DataFrame with a ``group_by`` column, lookback 5, next-step
target. ``split`` holds out 5 validation and 5 test rows per series; ``folds`` makes 3 folds
of 3 test rows. Each call is timed ``--runs`` times (median reported), all in this process;
the target is ``split`` and ``folds`` taking at most 5x the time of ``windows``.

Run:  python benchmarks/bench_split.py            (--series 2000 for a smoke run)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import lstmshape

ROWS, LOOKBACK = 30, 5


def make_data(series: int) -> pd.DataFrame:
    """``series`` series of ``ROWS`` rows, one float column and the group key ``g``."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "g": np.repeat(np.arange(series), ROWS),
            "v": rng.standard_normal(series * ROWS).cumsum(),
        }
    )


def median_seconds(call: Callable[[], Any], runs: int) -> float:
    """The median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = make_data(args.series)
    calls: dict[str, Callable[[], Any]] = {
        "windows": lambda: lstmshape.windows(data, LOOKBACK, group_by="g"),
        "split": lambda: lstmshape.split(data, LOOKBACK, val=5, test=5, group_by="g"),
        "folds": lambda: lstmshape.folds(data, LOOKBACK, n_folds=3, test=3, group_by="g"),
    }
    print(f"{args.series:,} series x {ROWS} rows, lookback {LOOKBACK}, median of {args.runs} runs")
    seconds = {name: median_seconds(call, args.runs) for name, call in calls.items()}
    for name, value in seconds.items():
        ratio = value / seconds["windows"]
        print(f"  {name:<8} {value:8.2f} s   {ratio:5.1f}x windows")


if __name__ == "__main__":
    main()
