"""Hypothesis strategies for series and framings."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])


@st.composite
def series(draw, *, min_rows=1, max_rows=60, max_features=4, dtype=None, ndim=None):
    """A finite 1-D or 2-D numeric array; values are distinct row ids so misalignment shows."""
    n = draw(st.integers(min_rows, max_rows))
    ndim = draw(st.sampled_from([1, 2])) if ndim is None else ndim
    f = 1 if ndim == 1 else draw(st.integers(1, max_features))
    dtype = draw(FLOAT_DTYPES) if dtype is None else dtype
    base = (
        np.arange(n * f, dtype=np.float64).reshape(n, f)
        if ndim == 2
        else np.arange(n, dtype=np.float64)
    )
    noise = draw(hnp.arrays(np.float64, base.shape, elements=st.floats(0, 0.5)))
    return (base + noise).astype(dtype)


@st.composite
def framings(draw, *, max_lookback=12):
    """Keyword arguments of windows(): lookback, horizon, shift, stride, per_timestep.

    ``sampling_rate`` is drawn too, 1 most of the time (the common case).
    """
    per_timestep = draw(st.booleans())
    framing = {
        "lookback": draw(st.integers(1, max_lookback)),
        "horizon": 1 if per_timestep else draw(st.integers(1, 5)),
        "shift": draw(st.integers(0, 4)),
        "stride": draw(st.integers(1, 5)),
        "per_timestep": per_timestep,
    }
    rate = draw(st.sampled_from([1, 1, 1, 2, 3]))
    if rate != 1:
        framing["sampling_rate"] = rate
    return framing


def extent(framing):
    """Rows one sample needs (the plain formula from the issue, generalised to a rate)."""
    lb, h, s = framing["lookback"], framing["horizon"], framing["shift"]
    r = framing.get("sampling_rate", 1)
    span = (lb - 1) * r + 1
    if framing["per_timestep"]:
        return span + s
    return max(span, span + s + (h - 1) * r)


@st.composite
def series_and_framing(draw, *, max_rows=60):
    framing = draw(framings())
    data = draw(series(min_rows=extent(framing), max_rows=max(max_rows, extent(framing))))
    return data, framing


@st.composite
def column_choices(draw, n_columns):
    """A non-empty list of distinct column positions, in any order."""
    return draw(
        st.lists(st.integers(0, n_columns - 1), min_size=1, max_size=n_columns, unique=True)
    )
