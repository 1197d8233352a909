"""Resumable loaders: a loader interrupted after k batches and restored from its state serves
the batches an uninterrupted one would have served (issue 22).

The oracle is an uninterrupted loader of the same options: its epochs, batch for batch.
"""

from __future__ import annotations

import importlib.util
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError


def table(n):
    values = np.zeros((n, 2))
    values[:, 0] = np.arange(n)  # every window is recognisable by its first value
    values[:, 1] = np.arange(n) * 10.0
    return values


def grouped(n):
    frame = pd.DataFrame(table(n), columns=["a", "b"])
    frame["series"] = np.arange(n) * 5 // n  # five series
    return lstmshape.windows(frame, 3, group_by="series")


def numpy_of(batch):
    x, y = batch if isinstance(batch, (tuple, list)) else (batch, None)
    return np.asarray(x), None if y is None else np.asarray(y)


def passes(loader, epochs):
    """Serve ``epochs`` (a list of epoch numbers) the way a training loop does."""
    out = []
    for epoch in epochs:
        loader.set_epoch(epoch)
        out.append([numpy_of(b) for b in loader])
    return out


def indexed(dataset, epoch, start=0):
    dataset.set_epoch(epoch)
    return [numpy_of(dataset[i]) for i in range(start, len(dataset))]


def same(got, want):
    assert len(got) == len(want)
    for (gx, gy), (wx, wy) in zip(got, want, strict=True):
        np.testing.assert_array_equal(gx, wx)
        np.testing.assert_array_equal(gy, wy)


MAKERS = {
    "batches": lambda w, **o: w.batches(**o),
    "to_torch": lambda w, **o: w.to_torch(**o),
    "to_pydataset": lambda w, **o: w.to_pydataset(**o),
}
NEEDS = {"batches": None, "to_torch": "torch", "to_pydataset": "keras"}


def available(name):
    return NEEDS[name] is None or importlib.util.find_spec(NEEDS[name]) is not None


@st.composite
def runs(draw):
    n = draw(st.integers(25, 70))
    w = grouped(n) if draw(st.booleans()) else lstmshape.windows(table(n), 3)
    shuffle = draw(st.booleans())
    shard_by = draw(st.sampled_from(["window", "series"]))
    if shard_by == "series":
        most = len({number for *_, number in w.schedule(shard_by="series").series})
    else:
        most = min(4, len(w))
    num_shards = draw(st.integers(1, most))
    options = {
        "batch_size": draw(st.integers(1, 9)),
        "shuffle": shuffle,
        "seed": draw(st.integers(0, 2**31)) if shuffle else None,
        "num_shards": num_shards,
        "shard_index": draw(st.integers(0, num_shards - 1)),
        "shard_by": shard_by,
        "even_shards": draw(st.booleans()),
    }
    return w, options


@pytest.mark.parametrize("name", list(MAKERS))
@settings(max_examples=25, deadline=None)
@given(run=runs(), data=st.data())
def test_a_restored_loader_serves_what_an_uninterrupted_one_would(name, run, data):
    if not available(name):
        pytest.skip(f"{name} needs {NEEDS[name]}")
    w, options = run
    epoch = data.draw(st.integers(0, 3), label="epoch")
    uninterrupted = MAKERS[name](w, **options)
    n = len(uninterrupted)
    k = data.draw(st.integers(0, n), label="k")
    want = passes(uninterrupted, [epoch, epoch + 1]) if name != "to_pydataset" else None

    first = MAKERS[name](w, **options)
    first.set_epoch(epoch)
    if name == "to_pydataset":
        got_first = [numpy_of(first[i]) for i in range(k)]
        want = [indexed(uninterrupted, epoch), indexed(uninterrupted, epoch + 1)]
    else:
        iterator = iter(first)
        got_first = [numpy_of(next(iterator)) for _ in range(k)]
    same(got_first, want[0][:k])
    state = pickle.loads(pickle.dumps(first.state_dict()))  # what a checkpoint holds
    assert (state["epoch"], state["batch"]) == (epoch, k)
    json.dumps(state)  # plain values

    restored = MAKERS[name](w, **options)
    restored.load_state_dict(state)
    assert restored.state_dict() == state
    if name == "to_pydataset":
        rest = indexed(restored, epoch, start=k)
        same(rest, want[0][k:])
        restored.on_epoch_end()
        assert restored.epoch == epoch + 1
        same(indexed(restored, epoch + 1), want[1])
        return
    restored.set_epoch(epoch)  # a resumed loop sets the epoch again: the position stays
    same([numpy_of(b) for b in restored], want[0][k:] if k < n else want[0])
    restored.set_epoch(epoch + 1)
    same([numpy_of(b) for b in restored], want[1])


def test_the_state_counts_batches_and_a_finished_pass():
    w = lstmshape.windows(table(40), 5)
    batches = w.batches(8, shuffle=True, seed=1, epoch=2)
    assert batches.state_dict()["batch"] == 0
    list(batches)
    state = batches.state_dict()
    assert (state["epoch"], state["batch"]) == (2, len(batches))
    again = w.batches(8, shuffle=True, seed=1)
    again.load_state_dict(state)  # a finished pass: the next pass is whole, as without a stop
    same([numpy_of(b) for b in again], [numpy_of(b) for b in batches])
    assert again.epoch == 2


def test_another_layout_resumes_at_the_next_epoch_boundary():
    w = lstmshape.windows(table(60), 4)
    two = w.batches(5, shuffle=True, seed=3, num_shards=2, shard_index=1, epoch=4)
    next(iter(two))
    state = two.state_dict()
    three = w.batches(5, shuffle=True, seed=3, num_shards=3, shard_index=0)
    three.load_state_dict(state)
    assert (three.epoch, three.state_dict()["batch"]) == (5, 0)
    want = w.batches(5, shuffle=True, seed=3, num_shards=3, shard_index=0, epoch=5)
    same([numpy_of(b) for b in three], [numpy_of(b) for b in want])
    # Nothing of epoch 4 served yet: epoch 4 from its start.
    fresh = w.batches(5, shuffle=True, seed=3, num_shards=2, shard_index=1, epoch=4)
    other = w.batches(7, shuffle=True, seed=3)
    other.load_state_dict(fresh.state_dict())
    assert (other.epoch, other.state_dict()["batch"]) == (4, 0)


def test_a_state_of_other_data_or_order_is_refused():
    w = lstmshape.windows(table(60), 4)
    state = w.batches(5, shuffle=True, seed=3).state_dict()
    with pytest.raises(ShapeError, match=r"seed=3 \(now 4\)"):
        w.batches(5, shuffle=True, seed=4).load_state_dict(state)
    with pytest.raises(ShapeError, match=r"n_samples=56 \(now 57\)"):
        lstmshape.windows(table(61), 4).batches(5, shuffle=True, seed=3).load_state_dict(state)
    with pytest.raises(ShapeError, match=r"shuffle=True \(now False\)"):
        w.batches(5).load_state_dict(state)
    with pytest.raises(ShapeError, match=r"takes the dict Batches.state_dict\(\) returned"):
        w.batches(5).load_state_dict({"epoch": 1})
    with pytest.raises(ShapeError, match=r"state\['batch'\] must be at most the 12 batches"):
        w.batches(5, shuffle=True, seed=3).load_state_dict({**state, "batch": 13})
    with pytest.raises(ShapeError, match=r"state\['epoch'\]"):
        w.batches(5, shuffle=True, seed=3).load_state_dict({**state, "epoch": -1})


def test_torch_dataloader_workers_resume_from_a_counted_state():
    torch = pytest.importorskip("torch")
    w = lstmshape.windows(table(80), 4)
    loader = w.to_torch(6, shuffle=True, seed=2, epoch=1)
    want = [numpy_of(b) for b in loader]
    state = {**loader.state_dict(), "batch": 5}  # the loop counted 5 batches
    restored = w.to_torch(6, shuffle=True, seed=2)
    restored.load_state_dict(state)
    dataloader = torch.utils.data.DataLoader(restored, batch_size=None, num_workers=2, timeout=60)
    same([numpy_of(b) for b in dataloader], want[5:])  # in order: the workers alternate
