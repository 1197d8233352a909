"""Plain-loop definitions that the properties are checked against.

They follow the issue text literally, row by row, with no numpy tricks, so that a bug in
the strided views or the tf.data gather cannot hide in the oracle too.
"""

from __future__ import annotations

import numpy as np


def window_starts(n, lookback, *, horizon=1, shift=1, stride=1, per_timestep=False):
    """Start rows of every complete sample, by trying every start."""
    if per_timestep:
        last_needed = lambda s: s + shift + lookback - 1  # noqa: E731
    else:
        last_needed = lambda s: max(s + lookback - 1, s + lookback - 1 + shift + horizon - 1)  # noqa: E731
    starts = []
    s = 0
    while last_needed(s) < n:
        starts.append(s)
        s += stride
    return starts


def windows_loop(
    table,
    lookback,
    *,
    horizon=1,
    shift=1,
    stride=1,
    per_timestep=False,
    features=None,
    targets=None,
):
    """X and y exactly as the contract defines them, one sample at a time."""
    table = np.asarray(table)
    if table.ndim == 1:
        table = table[:, None]
    n, f = table.shape
    features = list(range(f)) if features is None else list(features)
    targets = list(range(f)) if targets is None else list(targets)
    xs, ys = [], []
    for s in window_starts(
        n, lookback, horizon=horizon, shift=shift, stride=stride, per_timestep=per_timestep
    ):
        xs.append([[table[r][c] for c in features] for r in range(s, s + lookback)])
        if per_timestep:
            rows = range(s + shift, s + shift + lookback)
        else:
            first = s + lookback - 1 + shift
            rows = range(first, first + horizon)
        y = [[table[r][c] for c in targets] for r in rows]
        ys.append(y[0] if (not per_timestep and horizon == 1) else y)
    return np.array(xs), np.array(ys)


def runs_loop(group_labels, timestamps=None, step=None, missing=None):
    """Contiguous runs by walking the rows: a new run at a new group, a gap, or a NaN row."""
    runs, begin = [], None
    n = len(group_labels)
    for r in range(n):
        if missing is not None and missing[r]:
            if begin is not None:
                runs.append((begin, r))
            begin = None
            continue
        if begin is None:
            begin = r
            continue
        new_group = group_labels[r] != group_labels[r - 1]
        gap = timestamps is not None and timestamps[r] - timestamps[r - 1] != step
        if new_group or gap:
            runs.append((begin, r))
            begin = r
    if begin is not None:
        runs.append((begin, n))
    return runs
