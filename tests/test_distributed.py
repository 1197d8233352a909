"""Training on more than one worker: shards of windows and of series, and the engines for real.

* The schedule's shards of series against a loop oracle (hypothesis): whole series per
  shard, dealt largest first to the lightest shard, every window once per epoch; even
  shards (every shard as large as the smallest).
* Two worker processes on loopback, each on its shard (``tests/distributed_workers.py``):
  PyTorch ``DistributedDataParallel`` over ``gloo`` and TensorFlow
  ``MultiWorkerMirroredStrategy``. Checked: together the workers read every window of
  every epoch exactly once, their final weights are identical, and the loss follows the
  single-process run of the same model, data and global batch.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from . import distributed_workers as workers

#: Wall-clock budget of one two-process test, all its launches together (seconds).
BUDGET = 240.0


# -- the oracle -----------------------------------------------------------------------------
def deal_series_loop(sizes: list[int], num_shards: int) -> list[list[int]]:
    """Series numbers of each shard: largest first, each to the lightest shard (a loop)."""
    loads = [0] * num_shards
    shards: list[list[int]] = [[] for _ in range(num_shards)]
    for number in sorted(range(len(sizes)), key=lambda n: (-sizes[n], n)):
        lightest = min(range(num_shards), key=lambda k: (loads[k], k))
        shards[lightest].append(number)
        loads[lightest] += sizes[number]
    return shards


def grouped_windows(lengths: list[int], lookback: int):
    """Windows over series of ``lengths`` rows (too-short series keep no windows)."""
    names = [f"g{i}" for i in range(len(lengths))]
    frame = pd.DataFrame(
        {"g": np.repeat(names, lengths), "v": np.arange(sum(lengths), dtype=float)}
    )
    with warnings.catch_warnings():  # series too short for a window are skipped, with a warning
        warnings.filterwarnings("ignore", "Skipped .* too short", UserWarning)
        return lstmshape.windows(frame, lookback, group_by="g", features=["v"], targets=["v"])


@st.composite
def sharded_panels(draw):
    lookback = draw(st.integers(1, 4))
    lengths = draw(st.lists(st.integers(lookback + 1, lookback + 40), min_size=1, max_size=9))
    # a few series too short to hold a window: they belong to no shard
    lengths += draw(st.lists(st.integers(1, lookback), max_size=2))
    lengths = draw(st.permutations(lengths))
    n_series = sum(length > lookback for length in lengths)
    shuffle = draw(st.booleans())
    return {
        "lengths": lengths,
        "lookback": lookback,
        "num_shards": draw(st.integers(1, min(4, n_series))),
        "shuffle": shuffle,
        "seed": draw(st.integers(0, 2**32)) if shuffle else None,
        "epoch": draw(st.integers(0, 3)),
        "batch_size": draw(st.integers(1, 9)),
        "even_shards": draw(st.booleans()),
    }


@given(sharded_panels())
def test_series_shards_match_the_loop_oracle(case):
    w = grouped_windows(case["lengths"], case["lookback"])
    groups = w.groups
    names = list(dict.fromkeys(groups))  # series in order of their first window
    sizes = [int((groups == name).sum()) for name in names]
    K = case["num_shards"]
    expected = deal_series_loop(sizes, K)
    options = {k: case[k] for k in ("shuffle", "seed", "batch_size", "even_shards")}
    served_all: list[int] = []
    for k in range(K):
        s = w.schedule(**options, num_shards=K, shard_index=k, shard_by="series")
        members = np.flatnonzero(np.isin(groups, [names[n] for n in expected[k]]))
        order = s.order(case["epoch"])
        batches = list(
            w.batches(
                **options, epoch=case["epoch"], num_shards=K, shard_index=k, shard_by="series"
            )
        )
        # whole series, the oracle's, in order unless shuffled
        assert set(order) <= set(members)
        if not case["even_shards"]:
            assert sorted(order) == members.tolist()
        if not case["shuffle"]:
            assert order.tolist() == members[: len(order)].tolist()
        # even shards: every shard as large as the smallest
        smallest = min(sum(sizes[n] for n in shard) for shard in expected)
        assert len(order) == (smallest if case["even_shards"] else len(members))
        # the batches serve exactly this order, window by window
        x = np.concatenate([xb for xb, _ in batches]) if batches else np.empty((0,))
        assert np.array_equal(x, w.X[order]) if len(order) else len(batches) == 0
        served_all += order.tolist()
    # disjoint; every window once per epoch (all but the evened-out rest)
    assert len(served_all) == len(set(served_all))
    left_out = w.schedule(**options, num_shards=K, shard_by="series").left_out
    assert len(served_all) == len(w) - left_out
    if not case["even_shards"]:
        assert left_out == 0 and sorted(served_all) == list(range(len(w)))
    # balanced: greedy largest-first keeps the spread within the largest series
    loads = [sum(sizes[n] for n in shard) for shard in expected]
    assert max(loads) - min(loads) <= max(sizes)


@given(
    n=st.integers(1, 300),
    num_shards=st.integers(1, 5),
    seed=st.integers(0, 1000),
    epoch=st.integers(0, 3),
    shuffle=st.booleans(),
)
def test_even_window_shards_leave_out_fewer_than_num_shards(n, num_shards, seed, epoch, shuffle):
    if num_shards > n:
        return
    w = lstmshape.windows(np.arange(n + 2.0), 2)
    options = {"shuffle": shuffle, "seed": seed if shuffle else None}
    orders = [
        w.schedule(7, **options, num_shards=num_shards, shard_index=k, even_shards=True).order(
            epoch
        )
        for k in range(num_shards)
    ]
    assert {len(o) for o in orders} == {n // num_shards}  # the same steps on every worker
    served = np.concatenate(orders)
    assert len(set(served.tolist())) == len(served) == n - n % num_shards
    # the same samples as the uneven shards, minus the tail of the epoch's order
    uneven = [
        w.schedule(7, **options, num_shards=num_shards, shard_index=k).order(epoch)
        for k in range(num_shards)
    ]
    for even, full in zip(orders, uneven, strict=True):
        assert even.tolist() == full[: len(even)].tolist()


def test_series_shards_in_tf_data_and_torch_are_the_schedules():
    pytest.importorskip("tensorflow")
    pytest.importorskip("torch")
    w = grouped_windows([30, 12, 25, 8, 17], 5)
    for k in range(2):
        options = {"shuffle": True, "seed": 3, "num_shards": 2, "shard_index": k}
        order = w.schedule(4, **options, shard_by="series").order(0)
        ds = w.to_dataset(batch_size=4, **options, shard_by="series")
        got = np.concatenate([x.numpy() for x, _ in ds])
        np.testing.assert_array_equal(got, w.X[order])
        loader = w.to_torch(4, **options, shard_by="series")
        np.testing.assert_array_equal(np.concatenate([x.numpy() for x, _ in loader]), w.X[order])
    # unshuffled series shards are not arithmetic: tf.data reads the schedule's order
    order = w.schedule(4, num_shards=2, shard_index=1, shard_by="series").order(0)
    ds = w.to_dataset(batch_size=4, num_shards=2, shard_index=1, shard_by="series")
    np.testing.assert_array_equal(np.concatenate([x.numpy() for x, _ in ds]), w.X[order])


def test_series_shards_of_ungrouped_data_are_runs_between_gaps():
    values = np.arange(40.0)
    values[[12, 25]] = np.nan
    w = lstmshape.windows(values, 3, dropna=True)
    shards = [
        set(w.schedule(num_shards=3, shard_index=k, shard_by="series").order()) for k in range(3)
    ]
    runs = [
        set(np.flatnonzero(w.starts < 12)),
        set(np.flatnonzero((w.starts > 12) & (w.starts < 25))),
        set(np.flatnonzero(w.starts > 25)),
    ]
    assert sorted(map(sorted, shards)) == sorted(map(sorted, runs))


def test_shard_by_errors():
    w = grouped_windows([30, 12, 25], 5)
    with pytest.raises(
        ShapeError, match=r"`shard_by` must be one of 'window', 'series'.*Received: shard_by='row'"
    ):
        w.schedule(shard_by="row")
    with pytest.raises(TypeError, match=r"`shard_by` must be one of.*Received: shard_by=3"):
        w.batches(shard_by=3)
    with pytest.raises(TypeError, match=r"`even_shards` must be True or False"):
        w.schedule(even_shards="yes")
    with pytest.raises(
        ShapeError, match=r"`num_shards=4` is more than the 3 series.*Received: num_shards=4"
    ):
        w.schedule(num_shards=4, shard_index=0, shard_by="series")
    one = lstmshape.windows(np.arange(50.0), 5)
    with pytest.raises(ShapeError, match=r"more than the 1 series.*shard_by='window'"):
        one.schedule(num_shards=2, shard_index=0, shard_by="series")


# -- two worker processes ---------------------------------------------------------------------
def run_workers(engine: str, world: int, out: Path, began: float, *extra: str) -> list[dict]:
    """Launch within what is left of the test's budget; every process cleaned up."""
    left = BUDGET - (time.monotonic() - began)
    if left <= 10:
        pytest.fail(f"the {BUDGET:.0f} s budget of this test is spent before the {engine} run")
    (out).mkdir(parents=True)
    return workers.launch(engine, world, out, timeout=left, extra=extra)


def check_each_epoch_once(reports: list[dict], expected_rows: np.ndarray, epochs: int) -> None:
    """Together, the workers read every window of each epoch exactly once."""
    for epoch in range(epochs):
        read = sorted(r for report in reports for r in report["rows"][epoch])
        assert read == sorted(expected_rows.tolist()), f"epoch {epoch}"


def check_same_weights(out: Path, world: int) -> None:
    first = workers.weights_of(out, 0)
    for rank in range(1, world):
        for a, b in zip(first, workers.weights_of(out, rank), strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


@pytest.mark.slow
def test_torch_ddp_two_ranks_read_every_window_once():
    pytest.importorskip("torch")
    began = time.monotonic()
    w = workers.make_windows("window")
    epochs = 3
    with tempfile.TemporaryDirectory(prefix="lstmshape-ddp-") as tmp:
        two = run_workers("torch", 2, Path(tmp) / "two", began, "--epochs", str(epochs))
        one = run_workers(
            "torch", 1, Path(tmp) / "one", began, "--epochs", str(epochs), "--batch-size", "64"
        )
        check_each_epoch_once(two, w.starts, epochs)
        check_same_weights(Path(tmp) / "two", 2)
    # the order: a new one each epoch, and the schedule's, computed in this process
    for rank, report in enumerate(two):
        assert report["rows"][0] != report["rows"][1]
        for epoch in range(epochs):
            s = w.schedule(
                32, shuffle=True, seed=0, num_shards=2, shard_index=rank, even_shards=True
            )
            assert report["rows"][epoch] == w.starts[s.order(epoch)].tolist()
    # Global batch k of the two ranks (positions 2i and 2i+1 of the epoch's permutation,
    # 32 each) is exactly batch k of the single process (64 in a row), DDP averages the
    # two ranks' gradients: the same steps, so the loss matches up to float rounding.
    np.testing.assert_allclose(two[0]["loss"], one[0]["loss"], rtol=1e-4)
    assert two[0]["loss"] == two[1]["loss"]
    assert two[0]["loss"][-1] < 0.5 * two[0]["loss"][0]


@pytest.mark.slow
def test_torch_ddp_series_shards_uneven_with_join():
    pytest.importorskip("torch")
    began = time.monotonic()
    w = workers.make_windows("series")
    epochs = 2
    with tempfile.TemporaryDirectory(prefix="lstmshape-ddp-series-") as tmp:
        out = Path(tmp) / "two"
        two = run_workers("torch", 2, out, began, "--epochs", str(epochs), "--kind", "series")
        check_each_epoch_once(two, w.starts, epochs)
        check_same_weights(out, 2)
    # whole series per rank, and uneven: DDP's join() kept the longer rank going
    series_of_start = dict(zip(w.starts.tolist(), w.groups.tolist(), strict=True))
    mine = [{series_of_start[r] for r in report["rows"][0]} for report in two]
    assert not mine[0] & mine[1] and mine[0] | mine[1] == set(w.groups)
    assert len(two[0]["rows"][0]) != len(two[1]["rows"][0])
    assert two[0]["loss"][-1] < 0.5 * two[0]["loss"][0]


@pytest.mark.slow
@pytest.mark.tf
def test_tf_multi_worker_two_workers_read_every_window_once():
    pytest.importorskip("tensorflow")
    began = time.monotonic()
    w = workers.make_windows("window")
    epochs = 2
    with tempfile.TemporaryDirectory(prefix="lstmshape-mwms-") as tmp:
        two = run_workers("tf", 2, Path(tmp) / "two", began, "--epochs", str(epochs))
        one = run_workers(
            "tf", 1, Path(tmp) / "one", began, "--epochs", str(epochs), "--batch-size", "64"
        )
        check_each_epoch_once(two, w.starts, epochs)
        check_same_weights(Path(tmp) / "two", 2)
    for report in two:
        assert report["rows"][0] != report["rows"][1]
    # As for DDP: each step's two per-worker batches are the single run's batch of 64,
    # and the summed gradients of the mean loss over the global batch are its gradient.
    np.testing.assert_allclose(two[0]["loss"], one[0]["loss"], rtol=1e-4)
    assert two[0]["loss"][-1] < 0.5 * two[0]["loss"][0]
