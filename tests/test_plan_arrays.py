"""The plan as arrays (issue 19, linear split/folds; issue 24, per-batch starts).

``split`` and ``folds`` keep, in each part, the windows of the whole data whose target rows
all lie in that part's rows of their series: checked here against plain loops over every
window of :func:`lstmshape.windows` (its starts are checked against loop oracles elsewhere),
for lists, ``group_by`` (rows and timestamps), gaps and every framing option.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError
from lstmshape._plan.framing import Framing
from lstmshape._plan.plan import make_plan

from .test_folds import oracle_cuts


@st.composite
def cases(draw):
    kind = draw(st.sampled_from(["group_by", "list", "dates", "gaps"]))
    n_series = 1 if kind == "gaps" else draw(st.integers(1, 5))
    lengths = [draw(st.integers(18, 45)) for _ in range(n_series)]
    lookback = draw(st.integers(1, 5))
    options = {
        "horizon": draw(st.integers(1, 3)),
        "shift": draw(st.integers(1, 3)),
        "stride": draw(st.integers(1, 3)),
        "sampling_rate": draw(st.integers(1, 2)),
        "per_timestep": draw(st.booleans()),
    }
    if draw(st.booleans()):  # padded windows (many-to-one only)
        options["min_history"] = draw(st.integers(1, lookback))
        options["per_timestep"] = False
    values = [np.arange(n, dtype=float) + 1000.0 * k for k, n in enumerate(lengths)]
    missing = []
    if kind == "gaps":
        missing = draw(st.lists(st.integers(0, lengths[0] - 1), max_size=3, unique=True))
        for row in missing:
            values[0][row] = np.nan
        options["dropna"] = True
    if kind == "list":
        data = [pd.DataFrame({"v": v}) for v in values]
    elif kind == "gaps":
        data = pd.DataFrame({"v": values[0]})
    else:
        frames = []
        for k, v in enumerate(values):
            frame = pd.DataFrame({"g": k, "v": v})
            if kind == "dates":  # series start on different days: folds cut them by time
                start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=draw(st.integers(0, 4)))
                frame.index = pd.date_range(start, periods=len(v), freq="D")
            frames.append(frame)
        data = pd.concat(frames, ignore_index=kind != "dates")
        options["group_by"] = "g"
    return kind, data, lengths, lookback, options


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def _all_windows(data, lookback, options):
    """Every window of the data: starts, target rows, series number, targets."""
    w = _quiet(lambda: lstmshape.windows(data, lookback, **options))
    starts = np.asarray(w.starts)
    targets = starts[:, None] + np.asarray(w.framing.target_offsets)[None, :]
    return w, starts, targets


def _series_of(rows, lengths):
    begins = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    series = np.searchsorted(begins, rows, side="right") - 1
    return series, rows - begins[series]


def _expected(starts, targets, lengths, allowed):
    """Keep the windows whose target rows (relative to their series) all lie in ``allowed``."""
    series, _ = _series_of(starts + 0 * targets[:, 0], lengths)  # a window stays in a series
    _, relative = _series_of(targets.ravel(), lengths)
    relative = relative.reshape(targets.shape)
    keep = [all(r in allowed(int(s)) for r in row) for s, row in zip(series, relative, strict=True)]
    return np.asarray(keep, dtype=bool)


def _check_part(part, w, starts, keep):
    assert part is not None
    assert np.array_equal(np.asarray(part.starts), starts[keep])
    assert np.array_equal(part.y, w.y[keep])


@given(cases(), st.sampled_from([None, 2, 3]), st.integers(2, 5))
@settings(max_examples=60, deadline=None)
def test_split_parts_equal_the_loop_oracle(case, val, test):
    _, data, lengths, lookback, options = case
    try:
        w, starts, targets = _all_windows(data, lookback, options)
        parts = _quiet(lambda: lstmshape.split(data, lookback, val=val, test=test, **options))
    except ShapeError:
        assume(False)
    v = val or 0
    ranges = {
        "train": lambda s: range(0, lengths[s] - test - v),
        "val": lambda s: range(lengths[s] - test - v, lengths[s] - test),
        "test": lambda s: range(lengths[s] - test, lengths[s]),
    }
    for name, allowed in ranges.items():
        if name == "val" and val is None:
            assert parts.val is None
            continue
        _check_part(getattr(parts, name), w, starts, _expected(starts, targets, lengths, allowed))


@given(
    cases(),
    st.integers(1, 3),
    st.integers(2, 4),
    st.sampled_from([0, 2]),
    st.integers(0, 2),
    st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_folds_parts_equal_the_loop_oracle(case, n_folds, test, val, gap, expanding):
    kind, data, lengths, lookback, options = case
    try:
        w, starts, targets = _all_windows(data, lookback, options)
        cv = _quiet(
            lambda: lstmshape.folds(
                data, lookback, n_folds=n_folds, test=test, val=val, gap=gap,
                expanding=expanding, **options,
            )
        )  # fmt: skip
    except ShapeError:
        assume(False)
    if kind == "dates":  # one clock for all series: cut by timestamps
        clock = data.index.unique().sort_values()
        position = clock.get_indexer(data.index)
        cuts = oracle_cuts(len(clock), n_folds, test, val, gap, expanding)
        begins = np.concatenate([[0], np.cumsum(lengths)[:-1]])

        def in_part(rows, s):  # relative rows of series s -> clock positions
            return {int(r) for r in range(lengths[s]) if int(position[begins[s] + r]) in rows}

        per_series = [
            [{name: in_part(rows, s) for name, rows in fold.items()} for fold in cuts]
            for s in range(len(lengths))
        ]
    else:
        per_series = [oracle_cuts(n, n_folds, test, val, gap, expanding) for n in lengths]
    assert len(cv) == n_folds
    for k, fold in enumerate(cv):
        for name in ("train", "val", "test"):
            if name == "val" and not val:
                assert fold.val is None
                continue
            keep = _expected(starts, targets, lengths, lambda s: per_series[s][k][name])  # noqa: B023
            _check_part(getattr(fold, name), w, starts, keep)


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6),
    st.integers(1, 4),
    st.integers(1, 3),
    st.one_of(st.none(), st.integers(1, 4)),
    st.booleans(),
    st.data(),
)
@settings(max_examples=80, deadline=None)
def test_starts_of_equals_the_materialised_starts(pairs, lookback, stride, history, only, data):
    # Issue 24: a batch's starts come from the blocks (a binary search), not a per-sample array.
    runs, at = [], 0
    for gap, length in pairs:
        runs.append((at + gap, at + gap + length))
        at += gap + length
    history = None if history is None or history > lookback or only else history
    framing = Framing(lookback=lookback, stride=stride, inputs_only=only)
    plan = make_plan(framing, at, runs, min_history=history)
    assert plan.n_samples == len(plan.starts)
    ids = np.asarray(data.draw(st.lists(st.integers(0, max(plan.n_samples - 1, 0)), max_size=20)))
    ids = ids[ids < plan.n_samples].astype(np.int64)
    assert np.array_equal(plan.starts_of(ids), plan.starts[ids])
    # The blocks read out as objects agree with the arrays.
    blocks = plan.blocks_with_samples()
    assert sum(block.count for block, _ in blocks) == plan.n_samples
    for block, first in blocks:
        expected = block.first + stride * np.arange(block.count)
        assert np.array_equal(plan.starts[first : first + block.count], expected)


def test_split_of_many_series_does_not_make_an_object_per_series():
    # 2,000 series: the plan of a part is arrays, as many blocks as series with windows.
    data = pd.DataFrame({"g": np.repeat(np.arange(2000), 20), "v": np.arange(40000.0)})
    parts = lstmshape.split(data, 3, val=3, test=3, group_by="g")
    plan = parts.test.source.plan
    assert isinstance(plan.firsts, np.ndarray) and len(plan.firsts) == 2000
    assert np.array_equal(plan.counts, np.full(2000, 3))
    with pytest.raises(ValueError, match="read-only"):
        plan.firsts[0] = 1  # read-only


@given(
    st.lists(st.integers(1, 3), min_size=0, max_size=300),
    st.integers(0, 5_000),
    st.integers(0, 2),
    st.data(),
)
@settings(max_examples=60, deadline=None)
def test_block_of_equals_a_binary_search_with_tiny_and_huge_blocks(tiny, huge, where, data):
    # Many blocks of 1-3 samples beside one of thousands: buckets that hold hundreds of
    # blocks, so the steps forward run out and the search takes over.
    lengths = list(tiny)
    lengths.insert(min(where * len(lengths) // 2, len(lengths)), huge + 1)
    # a run of n + 1 rows holds n samples (lookback 1, next step); a row between runs
    bounds = np.cumsum([0, *[n + 2 for n in lengths]])
    runs = [(int(b), int(b) + n + 1) for b, n in zip(bounds[:-1], lengths, strict=True)]
    plan = make_plan(Framing(lookback=1), n_rows=int(bounds[-1]), runs=runs)
    samples = np.asarray(
        data.draw(st.lists(st.integers(0, plan.n_samples - 1), min_size=1, max_size=300))
    )
    ends = np.cumsum(plan.counts)
    assert np.array_equal(plan.block_of(samples), np.searchsorted(ends, samples, "right"))
    assert np.array_equal(plan.starts_of(samples), plan.starts[samples])


def test_a_stride_beyond_int64_makes_one_window_per_series():
    # The plan's arrays are int64: a stride of 2**63 overflowed them (found by the fuzz
    # test); it can only ever make one sample per block, so it is capped to the rows.
    frame = pd.DataFrame({"g": ["a", "a", "a", "b", "b"], "v": [1.0, 2.0, 3.0, 4.0, 5.0]})
    w = lstmshape.windows(frame, 1, group_by="g", stride=2**63)
    assert w.y.ravel().tolist() == [2.0, 5.0]
    served = [y.ravel().tolist() for _, y in w.batches(1, shuffle=True, seed=0)]
    assert sorted(served) == [[2.0], [5.0]]
    parts = lstmshape.split(frame, 1, group_by="g", stride=2**63, test=1)
    # one window per series, where each series starts: "a"'s target falls in training
    assert parts.train.y.ravel().tolist() == [2.0]
    assert parts.test.y.ravel().tolist() == [5.0]
