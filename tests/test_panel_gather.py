"""Panels gathered like one series: every batch equals a plain loop, for every kind of panel.

A panel (a list or dict of series, a long frame with ``group_by``, a folder of memory
maps, a lazy columnar reader) is served by one gather per batch; these properties check
that gather against a per-sample loop written from the definitions (padding, covariates,
``per_timestep``, ``sampling_rate``, shards), the lazy per-series path against the same
loop, and the device path of ``to_torch`` against ``batches()``.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import threading
import tracemalloc
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape._core.arrays import MAX_COPY_ENV
from lstmshape._input.panel import SeriesStore
from tests.oracles import sample_rows, window_starts
from tests.strategies import framings


# -- the oracle: one sample at a time -------------------------------------------------------
def series_samples(table, framing, min_history, columns):
    """Every sample of one series, padded ones first, as dicts of nested lists."""
    options = {
        k: framing.get(k, d)
        for k, d in (("horizon", 1), ("shift", 1), ("per_timestep", False), ("sampling_rate", 1))
    }
    lookback, stride, n = framing["lookback"], framing["stride"], len(table)
    rate = options["sampling_rate"]
    starts = []
    if min_history is not None:  # starts before row 0 on the stride grid from row 0
        lowest = -(lookback - min_history) * rate
        for s in range(lowest, 0):
            _, targets = sample_rows(s, lookback, **options)
            if s % stride == 0 and max(targets) < n:
                starts.append(s)
    starts += window_starts(n, lookback, stride=stride, **options)
    features, target_cols, future, static = columns
    samples = []
    for s in starts:
        inputs, targets = sample_rows(s, lookback, **options)
        sample = {
            "past": [[table[r][c] if r >= 0 else 0.0 for c in features] for r in inputs],
            "y": [[table[r][c] for c in target_cols] for r in targets],
        }
        if not options["per_timestep"] and options["horizon"] == 1:
            sample["y"] = sample["y"][0]
        if future:
            sample["future"] = [[table[r][c] for c in future] for r in targets]
        if static:
            sample["static"] = [table[max(s, 0)][c] for c in static]
        if min_history is not None:
            sample["mask"] = [r >= 0 for r in inputs]
        samples.append(sample)
    return samples


def panel_oracle(tables, framing, min_history=None, columns=None):
    """The samples of every series, one after another, as arrays by name."""
    n_cols = tables[0].shape[1]
    columns = columns or (list(range(n_cols)), list(range(n_cols)), [], [])
    samples = [s for t in tables for s in series_samples(t, framing, min_history, columns)]
    return {key: np.array([s[key] for s in samples]) for key in (samples[0] if samples else {})}


def assert_batch(x, y, want, numbers, dtype):
    if isinstance(x, dict):
        for name, value in x.items():
            expected = want[name][numbers]
            np.testing.assert_array_equal(value, expected.astype(value.dtype), err_msg=name)
    else:
        np.testing.assert_array_equal(x, want["past"][numbers].astype(dtype))
    np.testing.assert_array_equal(y, want["y"][numbers].astype(dtype))


@contextmanager
def copy_bound(nbytes):
    """Lower ``LSTMSHAPE_MAX_COPY_BYTES`` for a block (forces the lazy path)."""
    before = os.environ.get(MAX_COPY_ENV)
    os.environ[MAX_COPY_ENV] = str(nbytes)
    try:
        yield
    finally:
        if before is None:
            del os.environ[MAX_COPY_ENV]
        else:
            os.environ[MAX_COPY_ENV] = before


class LazyRows:
    """A series that is not a numpy array: rows on demand (the columnar readers' protocol)."""

    def __init__(self, array):
        self._array = array
        self.shape, self.dtype = array.shape, array.dtype
        self.reads = 0

    def __getitem__(self, rows):
        self.reads += 1
        return np.array(self._array[rows])


# -- strategies -----------------------------------------------------------------------------
@st.composite
def panel_tables(draw, *, max_series=5, max_rows=30):
    n_features = draw(st.integers(1, 3))
    count = draw(st.integers(1, max_series))
    return [
        (1000.0 * k + np.arange(rows * n_features, dtype=np.float64)).reshape(rows, n_features)
        for k, rows in enumerate(draw(st.lists(st.integers(1, max_rows), min_size=count)))
    ]


@st.composite
def padded_framings(draw):
    """A framing and a ``min_history`` (None, or 1..lookback for many-to-one windows)."""
    framing = draw(framings(max_lookback=6))
    min_history = None
    if not framing["per_timestep"] and draw(st.booleans()):
        min_history = draw(st.integers(1, framing["lookback"]))
    return framing, min_history


def windows_or_none(data, framing, min_history, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # series too short for a window are skipped
        try:
            return lstmshape.windows(data, **framing, min_history=min_history, **options)
        except lstmshape.ShapeError:
            return None


SCHEDULES = st.fixed_dictionaries(
    {
        "batch_size": st.integers(1, 9),
        "shuffle": st.booleans(),
        "num_shards": st.integers(1, 3),
        "shard_by": st.sampled_from(["window", "series"]),
    }
)


def check_every_batch(w, want, schedule, dtype=np.float64):
    schedule = dict(schedule)
    num_shards = schedule.pop("num_shards")
    if num_shards > len(w):
        return
    for index in range(num_shards):
        options = {**schedule, "num_shards": num_shards, "shard_index": index}
        if schedule["shuffle"]:
            options["seed"] = 3
        if schedule["shard_by"] == "series" and num_shards > len(set(w.groups)):
            with pytest.raises(lstmshape.ShapeError, match="is more than the"):
                w.schedule(**options)
            return
        plan = w.schedule(**options)
        got = w.batches(**options, epoch=1, dtype=dtype)
        for numbers, (x, y) in zip(plan.batches(epoch=1), got, strict=True):
            assert_batch(x, y, want, numbers, dtype)


# -- properties -----------------------------------------------------------------------------
@given(panel_tables(), padded_framings(), SCHEDULES, st.sampled_from(["list", "dict", "group_by"]))
def test_panel_batches_equal_the_loop(tables, framed, schedule, kind):
    framing, min_history = framed
    if kind == "group_by":
        frame = pd.concat(
            [
                pd.DataFrame(t, columns=[f"c{j}" for j in range(t.shape[1])]).assign(g=f"s{k:02d}")
                for k, t in enumerate(tables)
            ],
            ignore_index=True,
        )
        data = frame
        options = {"group_by": "g"}
    else:
        data = {f"s{k}": t for k, t in enumerate(tables)} if kind == "dict" else tables
        options = {}
    w = windows_or_none(data, framing, min_history, **options)
    want = panel_oracle(tables, framing, min_history)
    if w is None:
        assert not want
        return
    X = w.X if isinstance(w.X, dict) else {"past": w.X}
    for name, value in X.items():
        np.testing.assert_array_equal(value, want[name], err_msg=name)
    np.testing.assert_array_equal(w.y, want["y"])
    check_every_batch(w, want, schedule)


@given(panel_tables(max_series=4, max_rows=25), padded_framings(), SCHEDULES)
def test_lazy_and_memory_mapped_panels_equal_the_loop(tables, framed, schedule):
    framing, min_history = framed
    want = panel_oracle(tables, framing, min_history)
    with tempfile.TemporaryDirectory() as folder:
        for k, t in enumerate(tables):
            np.save(f"{folder}/s{k:02d}.npy", t)
        panel = lstmshape.read_npy_folder(folder)
        w = windows_or_none(panel, framing, min_history)
        if w is None:
            assert not want
            return
        assert w.source.row_store is None  # memory maps are never concatenated
        check_every_batch(w, want, schedule)
        del w, panel
    # The same panel in memory, but beyond the bound on copies: read series by series.
    w = windows_or_none(tables, framing, min_history)
    assert w is not None
    with copy_bound(0):
        source = dataclasses.replace(
            w.source, values=SeriesStore(list(w.source.values.arrays), w.source.values.names)
        )
        assert source.row_store is None
    check_every_batch(lstmshape.Windows(source), want, schedule)
    # A lazy reader of rows (not a numpy array), as the columnar sources give.
    lazy = [LazyRows(a) for a in w.source.values.arrays]
    source = dataclasses.replace(w.source, values=SeriesStore(lazy, w.source.values.names))
    assert source.row_store is None
    check_every_batch(lstmshape.Windows(source), want, schedule)
    x, y = source.gather(np.arange(len(w))[::-1])
    assert_batch(x, y, want, np.arange(len(w))[::-1], np.float64)
    assert sum(a.reads for a in lazy) > 0


@st.composite
def covariate_frames(draw):
    """Series with columns a, b (inputs), f (known future) and c (static), as frames."""
    frames = []
    for k in range(draw(st.integers(1, 4))):
        rows = draw(st.integers(1, 25))
        base = 100.0 * k + np.arange(rows, dtype=np.float64)
        frames.append(
            pd.DataFrame({"a": base, "b": -base, "f": base + 0.5, "c": np.full(rows, 7.0 + k)})
        )
    return frames


@given(covariate_frames(), padded_framings(), SCHEDULES, st.booleans())
def test_covariates_of_a_panel_equal_the_loop(frames, framed, schedule, grouped):
    framing, min_history = framed
    options = {"features": ["a", "b"], "targets": ["a"], "future": ["f"], "static": ["c"]}
    if grouped:
        data = pd.concat([f.assign(g=k) for k, f in enumerate(frames)], ignore_index=True)
        options["group_by"] = "g"
    else:
        data = dict(enumerate(frames))
    w = windows_or_none(data, framing, min_history, **options)
    tables = [f.to_numpy() for f in frames]
    want = panel_oracle(tables, framing, min_history, ([0, 1], [0], [2], [3]))
    if w is None:
        assert not want
        return
    check_every_batch(w, want, schedule, dtype=np.float32)


@given(panel_tables(max_series=4), padded_framings(), st.booleans(), st.booleans())
def test_to_torch_on_a_device_equals_batches(tables, framed, covariates, shuffle):
    torch = pytest.importorskip("torch")
    framing, min_history = framed
    options = {}
    if covariates:  # a static column (constant per series) and a known-future one
        tables = [
            np.column_stack([np.full(len(t), k), t[:, 0], t[:, 0] + 0.5])
            for k, t in enumerate(tables)
        ]
        options = {"features": [1], "targets": [1], "future": [2], "static": [0]}
    w = windows_or_none(tables, framing, min_history, **options)
    if w is None:
        return
    order = {"shuffle": True, "seed": 5} if shuffle else {}
    loader = w.to_torch(4, **order, dtype="float32", device="cpu")
    assert loader.device == torch.device("cpu")
    batches = w.batches(4, **order, dtype="float32")
    for (x, y), (xn, yn) in zip(loader, batches, strict=True):
        if isinstance(xn, dict):
            assert list(x) == list(xn)
            for name in xn:
                assert x[name].dtype == torch.from_numpy(xn[name]).dtype
                np.testing.assert_array_equal(x[name].numpy(), xn[name], err_msg=name)
        else:
            np.testing.assert_array_equal(x.numpy(), xn)
        assert y.dtype == torch.float32
        np.testing.assert_array_equal(y.numpy(), yn)


# -- examples -------------------------------------------------------------------------------
def test_an_in_memory_panel_is_one_store_and_a_memmap_panel_is_not(tmp_path):
    series = [np.arange(10.0 * (k + 1)) for k in range(3)]
    w = lstmshape.windows(series, 4)
    rows = w.source.row_store
    assert rows is not None and rows.shape == (60, 1) and not rows.flags.writeable
    np.testing.assert_array_equal(rows[:, 0], np.concatenate(series))
    for k, s in enumerate(series):
        np.save(tmp_path / f"s{k}.npy", s)
    assert lstmshape.windows(lstmshape.read_npy_folder(tmp_path), 4).source.row_store is None


def test_a_transformed_panel_keeps_its_one_array():
    """A transform makes one array of the panel; the store reads it, no second copy."""
    series = [np.arange(1.0, 31.0), np.arange(1.0, 21.0)]
    w = lstmshape.windows(series, 3, transform="diff")
    store = w.source.values
    assert isinstance(store, SeriesStore)
    assert np.shares_memory(store.rows, store.arrays[0])


def test_a_panel_epoch_holds_the_data_plus_a_batch_not_a_view_per_series():
    """Regression: a cache of per-series views grew with every series a batch touched."""
    rng = np.random.default_rng(0)
    series = [rng.standard_normal(40) for _ in range(3000)]
    w = lstmshape.windows(series, 5)
    batches = w.batches(64, shuffle=True, seed=0)
    tracemalloc.start()
    for _ in batches:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    data = 3000 * 40 * 8
    order = len(w) * 8 * 2  # the epoch's permutation (and its slice)
    assert peak < data + order + 2**20, peak
    assert not any("panel_windows" in key for key in vars(w.source))


def test_workers_hand_batches_over_by_value():
    pytest.importorskip("torch")
    from lstmshape._readers.torch import _ByValue, by_value

    x = np.arange(6.0).reshape(2, 3)
    wrapped = by_value({"past": x})
    assert isinstance(wrapped["past"], _ByValue)
    import pickle

    tensor = pickle.loads(pickle.dumps(wrapped["past"]))
    np.testing.assert_array_equal(tensor.numpy(), x)


@settings(max_examples=30, deadline=None)
@given(panel_tables(max_series=4), padded_framings(), st.booleans(), st.integers(1, 3))
def test_to_torch_prefetched_serves_the_batches_in_order(tables, framed, shuffle, depth):
    pytest.importorskip("torch")
    framing, min_history = framed
    w = windows_or_none(tables, framing, min_history)
    if w is None:
        return
    order = {"shuffle": True, "seed": 5} if shuffle else {}
    loader = w.to_torch(3, **order, epoch=1, prefetch=depth)
    before = threading.active_count()
    got = list(loader)
    want = list(w.batches(3, **order, epoch=1))
    assert len(got) == len(want) == len(loader)
    for (x, y), (xn, yn) in zip(got, want, strict=True):
        if isinstance(xn, dict):  # min_history: the inputs and their mask
            assert list(x) == list(xn)
            for name in xn:
                np.testing.assert_array_equal(x[name].numpy(), xn[name], err_msg=name)
        else:
            np.testing.assert_array_equal(x.numpy(), xn)
        np.testing.assert_array_equal(y.numpy(), yn)
    assert loader.state_dict()["batch"] == len(loader)
    assert threading.active_count() <= before  # the thread ended with the pass


def test_prefetch_stops_its_thread_when_the_loop_leaves_early_and_raises_in_order():
    pytest.importorskip("torch")
    from lstmshape._readers.torch import ahead

    w = lstmshape.windows(np.arange(500.0), 5)
    loader = w.to_torch(7, shuffle=True, seed=1, prefetch=4)
    before = threading.active_count()
    iterator = iter(loader)
    first = [next(iterator) for _ in range(3)]
    assert loader.state_dict()["batch"] == 3  # counted as served, not as gathered ahead
    iterator.close()
    assert threading.active_count() == before
    want = list(w.batches(7, shuffle=True, seed=1))[:3]
    for (x, _), (xn, _) in zip(first, want, strict=True):
        np.testing.assert_array_equal(x.numpy(), xn)

    def failing():
        yield 1
        raise ValueError("gather failed")

    items = ahead(failing(), 2)
    assert next(items) == 1
    with pytest.raises(ValueError, match="gather failed"):
        next(items)
    assert threading.active_count() == before


def test_prefetch_runs_beside_dataloader_workers():
    torch = pytest.importorskip("torch")
    w = lstmshape.windows(np.arange(300.0), 5)
    loader = w.to_torch(10, shuffle=True, seed=2, prefetch=2)
    dataloader = torch.utils.data.DataLoader(
        loader, batch_size=None, num_workers=2, multiprocessing_context="fork", timeout=60
    )
    got = sorted(float(x[0, 0, 0]) for x, _ in dataloader)
    want = sorted(float(x[0, 0, 0]) for x, _ in w.batches(10, shuffle=True, seed=2))
    assert got == want
