"""MkDocs hook: draw the pictures of ``pictures.md`` with lstmshape while the docs build.

The PNGs are made from the built-in data (``lstmshape.datasets.synthetic``) on every build
and added to the site as generated files (``images/generated/*.png``): nothing is written
into ``docs/`` and no picture is committed. The predictions drawn are the naive forecast
("the next value is the last one seen"), so the build trains nothing and needs neither
TensorFlow nor scikit-learn. Each picture is the code shown above it in ``pictures.md``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

IMAGES = "images/generated"


def split_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    df = synthetic(730)
    parts = lstmshape.split(df, 30, val=0.15, test=0.15, targets=["load"])
    return _plot_split(parts)


def many_to_one_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    df = synthetic(730)
    parts = lstmshape.split(df, 30, val=0.15, test=0.15, targets=["load"])
    naive = parts.test.X[:, -1, :1]  # the last load seen, for each test window
    return _plot_windows(parts.test, naive)


def horizon_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    w = lstmshape.windows(synthetic(730), 28, horizon=7, targets=["load"])
    naive = np.repeat(w.X[:, -1:, :1], 7, axis=1)  # (samples, 7, 1)
    return _plot_windows(w, naive, samples=2)


def per_timestep_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    w = lstmshape.windows(synthetic(730)[["load"]], 21, per_timestep=True)
    naive = w.X  # each step predicts the next row from the current one
    return _plot_windows(w, naive, samples=2)


def inputs_only_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    future = lstmshape.windows(synthetic(730), 28, inputs_only=True, horizon=7, targets=["load"])
    naive = np.repeat(future.X[-1:, -1:, :1], 7, axis=1)  # (1, 7, 1): the last window only
    return _plot_windows(future, naive, samples=[len(future) - 1])


def grouped_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    sites = pd.concat(
        [synthetic(365).assign(site="north"), synthetic(365, seed=1).assign(site="south")]
    )
    w = lstmshape.windows(sites, 28, group_by="site", targets=["load"])
    return _plot_windows(w, samples=2)


def folds_picture() -> Any:
    """The folds of ``evaluating.md`` on the time axis: one bar per part, one row per fold."""
    import matplotlib.pyplot as plt

    import lstmshape
    from lstmshape.datasets import synthetic

    df = synthetic(730)
    cv = lstmshape.folds(df, 30, n_folds=4, test=60, val=30, gap=7, targets=["load"])
    periods = cv.periods()
    colors = {"train": "tab:blue", "val": "tab:orange", "test": "tab:red"}
    figure, axes = plt.subplots(figsize=(9, 3.2))
    one_day = pd.Timedelta(days=1)
    for fold, row in periods.iterrows():
        for part, color in colors.items():
            first, last = row[f"{part}_first"], row[f"{part}_last"]
            axes.barh(fold, last - first + one_day, left=first, color=color, height=0.6,
                      label=part if fold == 0 else None)  # fmt: skip
    axes.set_yticks(list(periods.index), [f"fold {k}" for k in periods.index])
    axes.invert_yaxis()
    axes.set_xlim(df.index[0], df.index[-1] + one_day)
    axes.set_title("folds(df, 30, n_folds=4, test=60, val=30, gap=7): target periods")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def forecast_picture() -> Any:
    import lstmshape
    from lstmshape.datasets import synthetic

    df = synthetic(730)

    def last_week(x: Any) -> Any:  # a stand-in model: the load of the same day last week
        return x[:, -7:, :1]  # (1, 7, 1): 7 steps of 1 target

    future = lstmshape.forecast(last_week, df, 28, steps=14, features="load", targets="load")
    return lstmshape.plot_forecast(df, future, history=56)


PICTURES: dict[str, Callable[[], Any]] = {
    "folds.png": folds_picture,
    "split.png": split_picture,
    "many_to_one.png": many_to_one_picture,
    "horizon.png": horizon_picture,
    "per_timestep.png": per_timestep_picture,
    "inputs_only.png": inputs_only_picture,
    "grouped.png": grouped_picture,
    "forecast.png": forecast_picture,
}


def _plot_windows(windows: Any, *args: Any, **kwargs: Any) -> Any:
    """``windows.plot(...)`` (the function behind it, whether or not the method exists)."""
    from lstmshape._readers.plot import plot_windows

    return plot_windows(windows, *args, **kwargs)


def _plot_split(split: Any, **kwargs: Any) -> Any:
    """``split.plot(...)``."""
    from lstmshape._readers.plot import plot_split

    return plot_split(split, **kwargs)


def render(dpi: int = 80) -> dict[str, bytes]:
    """Draw every picture; return PNG bytes by file name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images = {}
    for name, draw in PICTURES.items():
        figure = draw()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        plt.close(figure)
        images[name] = buffer.getvalue()
    return images


def on_files(files: Any, config: Any) -> Any:
    """Add the pictures to the site as generated files, before pages are read."""
    from mkdocs.structure.files import File

    began = time.perf_counter()
    for name, content in render().items():
        files.append(File.generated(config, f"{IMAGES}/{name}", content=content))
    seconds = time.perf_counter() - began
    import logging

    logging.getLogger("mkdocs.hooks.pictures").info(
        "Drew %d pictures in %.1f s", len(PICTURES), seconds
    )
    return files
