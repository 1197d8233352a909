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

import json
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
    with pytest.raises(
        TypeError, match=r"`shard_by` must be a string, one of.*Received: shard_by=3"
    ):
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


# -- workers that open only their own files ----------------------------------------------------
FILE_WORKER = """
import json, sys
from pathlib import Path
import numpy as np, lstmshape

rank, world, folder, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
opened = []  # every data file this process maps (np.load), by name
real_load = np.load

def counting_load(file, *args, **kwargs):
    opened.append(Path(file).stem)
    return real_load(file, *args, **kwargs)

np.load = counting_load
framing = lstmshape.Framing.from_user(5, horizon=2)
files = sorted(folder.glob("*.npy"))
sizes = []
for path in files:  # the rows of every series, from the 128-byte headers alone
    with path.open("rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = getattr(np.lib.format, f"read_array_header_{version[0]}_0")
        shape = read_header(f)[0]
    sizes.append(framing.samples_in(shape[0]))
mine = lstmshape.BatchSchedule.deal_series(sizes, world)[rank]
panel = {files[n].stem: np.load(files[n], mmap_mode="r") for n in mine}
w = lstmshape.windows(panel, 5, horizon=2)
rows = {e: [] for e in range(2)}
loader = w.batches(16, shuffle=True, seed=7)
for epoch in range(2):
    loader.set_epoch(epoch)
    for x, y in loader:
        rows[epoch] += [[float(v) for v in pair] for pair in x[:, 0, :2]]
(out / f"files-{rank}.json").write_text(json.dumps({"opened": opened, "rows": rows}))
"""


def test_workers_open_only_their_own_series_files():
    # Issue 22: with shard_by="series" over a folder of .npy files, each worker maps only
    # its own series' files (counted), and together they read every window once per epoch.
    import subprocess
    import sys

    lengths = {"a": 90, "b": 40, "c": 70, "d": 55, "e": 30}
    with tempfile.TemporaryDirectory(prefix="lstmshape-files-") as tmp:
        folder, out = Path(tmp) / "series", Path(tmp) / "out"
        folder.mkdir()
        out.mkdir()
        for number, (name, rows) in enumerate(lengths.items()):
            # column 0: the series' number; column 1: the row: a window names its start
            np.save(folder / f"{name}.npy", np.c_[np.full(rows, number), np.arange(rows)])
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", FILE_WORKER, str(rank), "2", str(folder), str(out)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )
            for rank in range(2)
        ]  # fmt: skip
        try:
            for proc in procs:
                _, err = proc.communicate(timeout=120)
                assert proc.returncode == 0, err.decode()[-3000:]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
        reports = [json.loads((out / f"files-{rank}.json").read_text()) for rank in range(2)]
        whole = lstmshape.windows(lstmshape.read_npy_folder(folder, mmap_mode=None), 5, horizon=2)
    sizes = [len(range(rows - 6)) for rows in lengths.values()]
    deal = lstmshape.BatchSchedule.deal_series(sizes, 2)
    names = list(lengths)
    for rank, report in enumerate(reports):
        assert report["opened"] == [names[n] for n in deal[rank]]  # its own files, once each
    assert sorted(reports[0]["opened"] + reports[1]["opened"]) == names
    for epoch in ("0", "1"):
        read = sorted(tuple(pair) for report in reports for pair in report["rows"][epoch])
        assert read == sorted(map(tuple, whole.X[:, 0, :2].tolist()))  # every window once
    # The deal is the schedule's: the same series as shard_by="series" over the whole panel.
    for rank in range(2):
        order = whole.schedule(num_shards=2, shard_index=rank, shard_by="series").order()
        assert sorted(set(whole.groups[order])) == [names[n] for n in deal[rank]]


def test_deal_series_is_the_schedules_deal_and_refuses_empty_shards():
    sizes = [30 - 5, 12 - 5, 25 - 5, 8 - 5, 17 - 5]
    w = grouped_windows([30, 12, 25, 8, 17], 5)
    deal = lstmshape.BatchSchedule.deal_series(sizes, 2)
    for rank in range(2):
        order = w.schedule(num_shards=2, shard_index=rank, shard_by="series").order()
        assert sorted({int(g[1:]) for g in w.groups[order]}) == list(deal[rank])
    with pytest.raises(ShapeError, match=r"`num_shards=3` is more than the 2 series with windows"):
        lstmshape.BatchSchedule.deal_series([4, 0, 6], 3)
    with pytest.raises(ShapeError, match=r"`sizes` must be at least 0"):
        lstmshape.BatchSchedule.deal_series([4, -1], 1)
