"""The loaders (batches, to_pydataset, to_torch, to_dataset): one schedule, one order, X/y exactly.

Every batch of every loader is compared with ``w.X[numbers]`` / ``w.y[numbers]``, where
``numbers`` is the schedule's answer for that batch, epoch and shard.
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .strategies import series_and_framing

REPO = Path(__file__).resolve().parents[1]


# -- the oracle and the loaders ----------------------------------------------------------
def take(inputs, numbers):
    """``X[numbers]``, also for named inputs (a dict of arrays)."""
    if isinstance(inputs, dict):
        return {k: v[numbers] for k, v in inputs.items()}
    return inputs[numbers]


def expected(w, epoch=0, **options):
    """The batches the schedule promises: (X[numbers], y[numbers]) per batch."""
    schedule = w.schedule(**options)
    return [(take(w.X, b), None if w.y is None else w.y[b]) for b in schedule.batches(epoch)]


def as_numpy(x):
    return {k: np.asarray(v) for k, v in x.items()} if isinstance(x, dict) else np.asarray(x)


def as_pairs(batches):
    """Normalise what a loader yields to a list of numpy (x, y or None)."""
    out = []
    for batch in batches:
        if not isinstance(batch, (tuple, list)):
            batch = (batch,)
        x, y = batch if len(batch) == 2 else (batch[0], None)
        out.append((as_numpy(x), None if y is None else np.asarray(y)))
    return out


def assert_arrays(got, want, label):
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), f"{label}: {got.keys()}"
        for key in want:
            assert_arrays(got[key], want[key], f"{label}[{key!r}]")
        return
    np.testing.assert_array_equal(got, want, err_msg=label)
    assert got.dtype == want.dtype, f"{label}: {got.dtype} != {want.dtype}"


def from_batches(w, epoch, **options):
    return as_pairs(w.batches(epoch=epoch, **options))


def from_torch(w, epoch, **options):
    pytest.importorskip("torch")
    return as_pairs(w.to_torch(epoch=epoch, **options))


def from_pydataset(w, epoch, **options):
    pytest.importorskip("keras")
    dataset = w.to_pydataset(epoch=epoch, **options)
    return as_pairs(dataset[i] for i in range(len(dataset)))


def from_dataset(w, epoch, **options):
    pytest.importorskip("tensorflow")
    dataset = w.to_dataset(epoch=epoch, **options)
    return as_pairs(dataset.as_numpy_iterator())


LOADERS = {
    "batches": from_batches,
    "to_torch": from_torch,
    "to_pydataset": from_pydataset,
    "to_dataset": from_dataset,
}


def assert_same(got, want, label=""):
    assert len(got) == len(want), f"{label}: {len(got)} batches, expected {len(want)}"
    for number, ((gx, gy), (wx, wy)) in enumerate(zip(got, want, strict=True)):
        assert_arrays(gx, wx, f"{label} batch {number}: x")
        if wy is None:
            assert gy is None, f"{label} batch {number}: targets for inputs-only windows"
        else:
            np.testing.assert_array_equal(gy, wy, err_msg=f"{label} batch {number}: y")


#: The framework each loader needs; a loader whose framework is missing is left out of a
#: comparison (the others still run), so the parity checks do not need every framework.
NEEDS = {"batches": None, "to_torch": "torch", "to_pydataset": "keras", "to_dataset": "tensorflow"}


def installed(loader):
    module = NEEDS[loader]
    return module is None or importlib.util.find_spec(module) is not None


def check_every_loader(w, loaders=tuple(LOADERS), epochs=(0, 1), **options):
    loaders = [name for name in loaders if installed(name)]
    for epoch in epochs:
        want = expected(w, epoch, **options)
        for name in loaders:
            got = LOADERS[name](w, epoch, **dict(options))
            assert_same(got, want, f"{name} epoch {epoch} {options}")


# -- the windows of the issue: grouped, gapped, strided, multi-step, per-timestep, ... -----
def table(n=60, columns=3):
    """Row ids in column 0 (every window is recognisable by its first value)."""
    values = np.arange(n * columns, dtype=np.float64).reshape(n, columns)
    values[:, 0] = np.arange(n)
    return values


def grouped():
    frame = pd.DataFrame(table(50), columns=["a", "b", "c"])
    frame["series"] = np.repeat(["x", "y", "z"], [20, 17, 13])
    return lstmshape.windows(frame, 4, targets=["b"], group_by="series")


def gapped():
    index = pd.date_range("2024-01-01", periods=41, freq="D").delete(17)  # a missing day
    frame = pd.DataFrame(table(40), index=index, columns=["a", "b", "c"])
    return lstmshape.windows(frame, 5, freq="D")


def covariates(inputs_only=False):
    frame = pd.DataFrame(table(50, 4), columns=["load", "temp", "holiday", "site"])
    frame["site"] = 7.0
    future = None if inputs_only else ["holiday"]
    return lstmshape.windows(
        frame, 6, horizon=2, targets=["load"], future=future, static=["site"],
        inputs_only=inputs_only,
    )  # fmt: skip


CASES = {
    "one series": lambda: lstmshape.windows(table(), 6),
    "grouped": grouped,
    "gapped": gapped,
    "strided": lambda: lstmshape.windows(table(), 5, stride=3),
    "multi-step": lambda: lstmshape.windows(table(), 5, horizon=3, targets=[2, 0]),
    "per-timestep": lambda: lstmshape.windows(table(), 7, per_timestep=True, shift=2),
    "inputs-only": lambda: lstmshape.windows(table(), 8, inputs_only=True),
    "columns out of order": lambda: lstmshape.windows(table(), 4, features=[2, 0]),
    "float32, classification": lambda: lstmshape.windows(table().astype(np.float32), 5, shift=0),
    "covariates": covariates,
    "covariates, inputs-only": lambda: covariates(inputs_only=True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_loader_serves_the_schedule(case):
    w = CASES[case]()
    check_every_loader(w, batch_size=7)
    check_every_loader(w, batch_size=5, shuffle=True, seed=3)
    check_every_loader(w, batch_size=4, shuffle=True, seed=1, num_shards=2, shard_index=1)
    check_every_loader(w, batch_size=6, drop_remainder=True, num_shards=3, shard_index=2)


def test_every_loader_reads_a_memmap(tmp_path):
    path = tmp_path / "series.npy"
    np.save(path, table(80).astype(np.float32))
    w = lstmshape.windows(np.load(path, mmap_mode="r"), 6, horizon=2)
    check_every_loader(w, batch_size=9, shuffle=True, seed=5)


def test_dtype_casts_every_loader():
    w = lstmshape.windows(table(), 5)
    for name in filter(installed, LOADERS):
        got = LOADERS[name](w, 0, batch_size=8, dtype="float32")
        assert {x.dtype for x, _ in got} == {np.dtype(np.float32)}, name
        assert {y.dtype for _, y in got} == {np.dtype(np.float32)}, name
        np.testing.assert_array_equal(got[0][0], w.X[:8].astype(np.float32))


@st.composite
def loader_options(draw, n_samples):
    shuffle = draw(st.booleans())
    num_shards = draw(st.integers(1, min(3, n_samples)))
    return {
        "batch_size": draw(st.integers(1, 9)),
        "shuffle": shuffle,
        "seed": draw(st.integers(0, 2**31)) if shuffle else None,
        "num_shards": num_shards,
        "shard_index": draw(st.integers(0, num_shards - 1)),
    }


@settings(max_examples=40)
@given(case=series_and_framing(), inputs_only=st.booleans(), data=st.data())
def test_one_order_everywhere_for_random_framings(case, inputs_only, data):
    series, framing = case
    if inputs_only and not framing["per_timestep"]:
        framing = {"lookback": framing["lookback"], "stride": framing["stride"]}
        w = lstmshape.windows(series, inputs_only=True, **framing)
    else:
        w = lstmshape.windows(series, **framing)
    options = data.draw(loader_options(len(w)))
    epoch = data.draw(st.integers(0, 3))
    check_every_loader(
        w, loaders=("batches", "to_torch", "to_pydataset"), epochs=[epoch], **options
    )


@settings(max_examples=10)
@given(case=series_and_framing(), data=st.data())
def test_to_dataset_joins_the_order_for_random_framings(case, data):
    pytest.importorskip("tensorflow")
    series, framing = case
    w = lstmshape.windows(series, **framing)
    options = data.draw(loader_options(len(w)))
    check_every_loader(w, loaders=("batches", "to_dataset"), epochs=[2], **options)


# -- shards and epochs ---------------------------------------------------------------------
def first_values(batches):
    """Each window's first input value: its start row in ``table()``."""
    return [float(v) for x, _ in batches for v in x[:, 0, 0]]


@pytest.mark.parametrize("make", [from_torch, from_pydataset, from_batches])
def test_shards_are_disjoint_and_cover_every_window_once(make):
    w = lstmshape.windows(table(101), 5)
    for epoch in (0, 1):
        served = []
        for shard in range(3):
            options = {"batch_size": 8, "shuffle": True, "seed": 11}
            served += first_values(make(w, epoch, num_shards=3, shard_index=shard, **options))
        assert sorted(served) == sorted(w.X[:, 0, 0].tolist())


def test_set_epoch_reshuffles_and_ranks_agree():
    pytest.importorskip("torch")
    w = lstmshape.windows(table(101), 5)
    rank0 = w.to_torch(10, shuffle=True, seed=4, num_shards=2, shard_index=0)
    rank1 = w.to_torch(10, shuffle=True, seed=4, num_shards=2, shard_index=1)
    again = w.to_torch(10, shuffle=True, seed=4, num_shards=2, shard_index=0)
    orders = []
    for epoch in (0, 1):
        for loader in (rank0, rank1, again):
            loader.set_epoch(epoch)
        a, b, c = (first_values(as_pairs(loader)) for loader in (rank0, rank1, again))
        assert a == c  # a separate object in another process: the same order
        assert sorted(a + b) == sorted(w.X[:, 0, 0].tolist())
        orders.append(a)
    assert orders[0] != orders[1]  # set_epoch reshuffles
    assert first_values(as_pairs(rank0)) == orders[1]  # and every pass repeats until told


def test_pydataset_set_epoch_matches_batches():
    pytest.importorskip("keras")
    w = lstmshape.windows(table(), 5)
    dataset = w.to_pydataset(7, shuffle=True, seed=9)
    dataset.set_epoch(3)
    got = as_pairs(dataset[i] for i in range(len(dataset)))
    assert_same(got, expected(w, 3, batch_size=7, shuffle=True, seed=9), "set_epoch(3)")
    assert dataset.epoch == 3


def test_to_torch_shards_by_torch_distributed(monkeypatch):
    torch = pytest.importorskip("torch")
    w = lstmshape.windows(table(), 5)
    dist = torch.distributed
    assert w.to_torch(8).schedule.num_shards == 1  # no process group: one shard
    monkeypatch.setattr(dist, "is_available", lambda: True)
    monkeypatch.setattr(dist, "is_initialized", lambda: True)
    monkeypatch.setattr(dist, "get_world_size", lambda: 4)
    monkeypatch.setattr(dist, "get_rank", lambda: 3)
    s = w.to_torch(8, shuffle=True, seed=0).schedule
    assert (s.num_shards, s.shard_index) == (4, 3)
    s = w.to_torch(8, num_shards=1, shard_index=0).schedule  # told otherwise
    assert (s.num_shards, s.shard_index) == (1, 0)
    with pytest.raises(ShapeError, match=r"Shuffled shards need a `seed`.*num_shards=4"):
        w.to_torch(8, shuffle=True)


# -- torch specifics -------------------------------------------------------------------------
def test_to_torch_yields_tensors_of_the_window_shapes():
    torch = pytest.importorskip("torch")
    w = lstmshape.windows(table(), 6, horizon=2, targets=[1])
    loader = w.to_torch(16)
    x, y = next(iter(loader))
    assert isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)
    assert tuple(x.shape) == (16, *w.input_shape) and tuple(y.shape) == (16, *w.target_shape)
    assert x.dtype == torch.float64  # kept unless asked
    assert (
        len(loader) == 4 and repr(loader) == "TorchBatches(4 batches of up to 16 windows, epoch 0)"
    )
    x32, _ = next(iter(w.to_torch(16, dtype="float32")))
    assert x32.dtype == torch.float32
    x[0, 0, 0] = -1.0  # batches are the caller's own copies: the windows do not change
    assert w.X[0, 0, 0] == 0.0
    only = lstmshape.windows(table(), 6, inputs_only=True).to_torch(16)
    assert isinstance(next(iter(only)), torch.Tensor)


def test_to_torch_trains_a_torch_lstm():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    w = lstmshape.windows(np.sin(np.arange(400) / 8), 12)
    lstm, head = torch.nn.LSTM(1, 8, batch_first=True), torch.nn.Linear(8, 1)
    optimiser = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.02)
    loader = w.to_torch(32, shuffle=True, seed=0, dtype="float32")
    losses = []
    for epoch in range(4):
        loader.set_epoch(epoch)
        total = 0.0
        for x, y in loader:
            optimiser.zero_grad()
            loss = torch.nn.functional.mse_loss(head(lstm(x)[0][:, -1]), y)
            loss.backward()
            optimiser.step()
            total += loss.item() * len(x)
        losses.append(total / len(w))
    assert losses[-1] < losses[0] / 5, losses


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_dataloader_workers_share_the_epoch(context):
    torch = pytest.importorskip("torch")
    w = lstmshape.windows(table(203), 5, horizon=2)
    loader = w.to_torch(10, shuffle=True, seed=2, epoch=1)
    before = set(multiprocessing.active_children())
    start = time.perf_counter()
    dataloader = torch.utils.data.DataLoader(
        loader, batch_size=None, num_workers=2, multiprocessing_context=context, timeout=60
    )
    got = as_pairs(dataloader)
    elapsed = time.perf_counter() - start
    want = expected(w, 1, batch_size=10, shuffle=True, seed=2)
    key = lambda pair: float(pair[0][0, 0, 0])  # noqa: E731 - first window's start row
    assert_same(sorted(got, key=key), sorted(want, key=key), f"DataLoader({context})")
    assert len(dataloader) == len(loader)
    assert elapsed < 60
    deadline = time.monotonic() + 10
    while set(multiprocessing.active_children()) - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(multiprocessing.active_children()) - before == set()


def test_window_dataset_with_a_shuffling_dataloader():
    torch = pytest.importorskip("torch")
    w = lstmshape.windows(table(), 6, horizon=2)
    dataset = w.to_torch_dataset(dtype="float32")
    assert len(dataset) == len(w)
    x, y = dataset[-1]
    np.testing.assert_array_equal(x.numpy(), w.X[-1].astype(np.float32))
    np.testing.assert_array_equal(y.numpy(), w.y[-1].astype(np.float32))
    generator = torch.Generator().manual_seed(0)
    dataloader = torch.utils.data.DataLoader(
        dataset, batch_size=8, shuffle=True, generator=generator
    )
    seen = []
    for xb, yb in dataloader:
        rows = xb[:, 0, 0].long().numpy()
        starts = [int(np.flatnonzero(w.X[:, 0, 0] == r)[0]) for r in rows]
        np.testing.assert_array_equal(yb.numpy(), w.y[starts].astype(np.float32))
        seen += starts
    assert sorted(seen) == list(range(len(w)))
    with pytest.raises(
        IndexError, match=rf"window {len(w)} out of range: there are {len(w)} windows"
    ):
        dataset[len(w)]
    only = lstmshape.windows(table(), 6, inputs_only=True).to_torch_dataset()
    assert isinstance(only[0], torch.Tensor)
    named = covariates()
    xb, yb = next(iter(torch.utils.data.DataLoader(named.to_torch_dataset(), batch_size=5)))
    assert_arrays(as_numpy(xb), take(named.X, slice(0, 5)), "named inputs")
    np.testing.assert_array_equal(yb.numpy(), named.y[:5])


# -- Keras PyDataset -------------------------------------------------------------------------
def test_pydataset_is_a_keras_pydataset():
    keras = pytest.importorskip("keras")
    w = lstmshape.windows(table(), 5)
    dataset = w.to_pydataset(8, workers=2, max_queue_size=4)
    assert isinstance(dataset, keras.utils.PyDataset)
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (2, False, 4)
    assert repr(dataset) == "WindowsPyDataset(7 batches of up to 8 windows, epoch 0)"
    copy = pickle.loads(pickle.dumps(dataset))  # for multiprocessing with spawn
    assert_same(as_pairs([copy[3]]), as_pairs([dataset[3]]), "pickled")
    only = lstmshape.windows(table(), 5, inputs_only=True).to_pydataset(8)
    assert isinstance(only[0], np.ndarray)


def small_model(keras, w):
    model = keras.Sequential(
        [keras.Input(w.input_shape), keras.layers.LSTM(8), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    return model


FIT_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("error")
    import numpy as np, keras, lstmshape
    keras.utils.set_random_seed(0)
    w = lstmshape.windows(np.sin(np.arange(300) / 8), 12)
    model = keras.Sequential([keras.Input(w.input_shape), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    dataset = w.to_pydataset(32, shuffle=True, seed=0, dtype="float32", workers=int(sys.argv[1]))
    history = model.fit(dataset, epochs=4, shuffle=False, verbose=0)
    served = [dataset[i][0][:, 0, 0].tolist() for i in range(len(dataset))]
    want = [w.X[b, 0, 0].astype("float32").tolist() for b in w.schedule(32, shuffle=True, seed=0).batches(4)]
    print(json.dumps({"backend": keras.backend.backend(), "loss": [float(v) for v in history.history["loss"]],
                      "epoch": dataset.epoch, "same": served == want}))
    """
)


def run_fit(backend, workers=1):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-c", FIT_SCRIPT, str(workers)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_pydataset_trains_in_model_fit_and_moves_on_each_epoch():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    w = lstmshape.windows(np.sin(np.arange(300) / 8), 12)
    dataset = w.to_pydataset(32, shuffle=True, seed=0, dtype="float32")
    history = small_model(keras, w).fit(dataset, epochs=3, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0], losses
    assert dataset.epoch == 3  # Keras' look at the first batches before training does not count


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_pydataset_trains_on_every_keras_backend(backend):
    pytest.importorskip("keras")
    if backend == "tensorflow":
        pytest.importorskip("tensorflow")
    else:
        pytest.importorskip(backend, reason=f"Keras' {backend} backend needs {backend} installed")
    result = run_fit(backend)
    assert result["backend"] == backend
    assert result["loss"][-1] < result["loss"][0], result["loss"]
    assert result["epoch"] == 4 and result["same"]


SHORT_EPOCHS_SCRIPT = textwrap.dedent(
    """
    import json, warnings
    warnings.simplefilter("error")
    import numpy as np, keras, lstmshape
    result = {}
    for n_batches in (1, 2, 3):
        w = lstmshape.windows(np.sin(np.arange(12 + 4 * n_batches) / 3), 12)
        dataset = w.to_pydataset(4, shuffle=True, seed=0, dtype="float32")
        read = []

        class Recorder:  # records the epoch each batch is read in
            def __init__(self, source):
                self.source = source

            def gather(self, numbers, dtype):
                read.append(dataset.epoch)
                return self.source.gather(numbers, dtype)

        dataset._source = Recorder(dataset._source)
        model = keras.Sequential([keras.Input(w.input_shape), keras.layers.LSTM(4), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(dataset, epochs=3, shuffle=False, verbose=0)
        trained = read[-3 * n_batches:]  # the batches of the three epochs, after Keras' look
        model.fit(dataset, epochs=1, shuffle=False, verbose=0)  # a second fit: no look at all
        result[n_batches] = {"trained": trained, "again": read[-n_batches:], "epoch": dataset.epoch}
    print(json.dumps(result))
    """
)


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_pydataset_serves_the_right_epoch_when_an_epoch_has_one_or_two_batches(backend):
    # Issue 19: Keras reads a batch to build the model and then resets its iterator, which
    # calls on_epoch_end; with one or two batches per epoch that look was counted as a
    # whole epoch, so fit trained on epochs 1, 2, 3 instead of 0, 1, 2.
    pytest.importorskip("keras")
    pytest.importorskip("tensorflow" if backend == "tensorflow" else backend)
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-c", SHORT_EPOCHS_SCRIPT],
        capture_output=True, text=True, env=env, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for n_batches, got in result.items():
        n = int(n_batches)
        assert got["trained"] == [0] * n + [1] * n + [2] * n, (backend, n_batches, got)
        assert got["again"] == [3] * n and got["epoch"] == 4, (backend, n_batches, got)


@pytest.mark.slow
def test_pydataset_with_worker_threads_trains():
    pytest.importorskip("jax", reason="runs on Keras' JAX backend")
    result = run_fit("jax", workers=2)
    assert result["loss"][-1] < result["loss"][0], result["loss"]


# -- errors ----------------------------------------------------------------------------------
def test_loader_errors_name_the_parameter():
    pytest.importorskip("torch")
    w = lstmshape.windows(table(), 5)
    with pytest.raises(
        ShapeError, match=r"`num_shards` and `shard_index` go together.*Received: num_shards=2"
    ):
        w.to_torch(8, num_shards=2)
    with pytest.raises(ShapeError, match=r"Received: shard_index=0"):
        w.to_torch(8, shard_index=0)
    with pytest.raises(ShapeError, match=r"Shuffled shards need a `seed` shared by every worker"):
        w.to_torch(8, shuffle=True, num_shards=2, shard_index=0)
    with pytest.raises(ShapeError, match=r"`shard_index` must be less than `num_shards` \(2\)"):
        w.to_torch(8, num_shards=2, shard_index=2)
    with pytest.raises(ShapeError, match=r"Received: seed=1"):
        w.to_torch(8, seed=1)  # a seed without shuffle=True
    with pytest.raises(ShapeError, match=r"would truncate"):
        w.to_torch(8, dtype="int32")
    with pytest.raises(ShapeError, match=r"epoch"):
        w.to_torch(8).set_epoch(-1)
    with pytest.raises(TypeError, match=r"epoch"):
        w.to_torch(8, epoch=1.5)
    with pytest.raises(ShapeError, match=r"workers"):
        w.to_pydataset(8, workers=0)
    with pytest.raises(TypeError, match=r"use_multiprocessing"):
        w.to_pydataset(8, use_multiprocessing="yes")
    with pytest.raises(ShapeError, match=r"batch_size"):
        w.to_pydataset(0)
    with pytest.raises(IndexError, match=r"batch 7 out of range: this epoch has 7 batches"):
        w.to_pydataset(8)[7]


def test_missing_torch_names_the_extra():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import numpy as np, lstmshape\n"
        "try:\n"
        "    lstmshape.windows(np.arange(20.0), 5).to_torch()\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'pip install "lstmshape[torch]"' in out.stdout
    assert "Windows.to_torch" in out.stdout
