"""Plain-loop definitions that the properties are checked against.

They follow the issue text literally, row by row, with no numpy tricks, so that a bug in
the strided views or the tf.data gather cannot hide in the oracle too.
"""

from __future__ import annotations

import numpy as np


def sample_rows(s, lookback, *, horizon=1, shift=1, per_timestep=False, sampling_rate=1):
    """Input rows and target rows of the sample starting at row ``s``, one by one."""
    inputs = [s + j * sampling_rate for j in range(lookback)]
    if per_timestep:
        targets = [row + shift for row in inputs]
    else:
        first = inputs[-1] + shift
        targets = [first + k * sampling_rate for k in range(horizon)]
    return inputs, targets


def window_starts(
    n, lookback, *, horizon=1, shift=1, stride=1, per_timestep=False, sampling_rate=1
):
    """Start rows of every complete sample, by trying every start."""

    def last_needed(s):
        inputs, targets = sample_rows(
            s,
            lookback,
            horizon=horizon,
            shift=shift,
            per_timestep=per_timestep,
            sampling_rate=sampling_rate,
        )
        return max(inputs + targets)

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
    sampling_rate=1,
):
    """X and y exactly as the contract defines them, one sample at a time."""
    table = np.asarray(table)
    if table.ndim == 1:
        table = table[:, None]
    n, f = table.shape
    features = list(range(f)) if features is None else list(features)
    targets = list(range(f)) if targets is None else list(targets)
    xs, ys = [], []
    options = {
        "horizon": horizon,
        "shift": shift,
        "per_timestep": per_timestep,
        "sampling_rate": sampling_rate,
    }
    for s in window_starts(n, lookback, stride=stride, **options):
        input_rows, rows = sample_rows(s, lookback, **options)
        xs.append([[table[r][c] for c in features] for r in input_rows])
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
