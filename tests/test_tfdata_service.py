"""tf.data service: an in-memory pipeline, shuffled or not, is served by a dispatcher and a
worker on 127.0.0.1 with the batches of the local pipeline (issue 22).

The servers run in this process (``DispatchServer`` / ``WorkerServer`` on port 0), so the
test needs no network beyond loopback; the checks are bounded by a deadline.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import lstmshape
from lstmshape import ShapeError


@pytest.fixture(scope="module")
def service():
    tf = pytest.importorskip("tensorflow")
    dispatcher = tf.data.experimental.service.DispatchServer(
        tf.data.experimental.service.DispatcherConfig(port=0)
    )
    address = dispatcher.target.split("://")[1]
    worker = tf.data.experimental.service.WorkerServer(
        tf.data.experimental.service.WorkerConfig(dispatcher_address=address, port=0)
    )
    yield dispatcher.target
    worker.stop()
    dispatcher.stop()


def first_values(dataset):
    return [x[:, 0, 0].tolist() for x, _ in dataset.as_numpy_iterator()]


def table(n=120):
    values = np.zeros((n, 3))
    values[:, 0] = np.arange(n)
    values[:, 1:] = np.arange(2 * n).reshape(n, 2)
    return values


@pytest.mark.parametrize(
    "options",
    [
        {"shuffle": True, "seed": 3, "epoch": 2},
        {"shuffle": True, "seed": 1, "num_shards": 2, "shard_index": 1},
        {},
        {"drop_remainder": True, "dtype": "float32"},
    ],
)
def test_a_shuffled_in_memory_pipeline_is_served_with_the_local_batches(service, options):
    start = time.monotonic()
    for w in (
        lstmshape.windows(table(), 6, horizon=2),
        lstmshape.windows(pd.DataFrame(table(), columns=list("abc")).assign(
            g=np.repeat([0, 1, 2], 40)), 5, group_by="g", targets=["b"]),
    ):  # fmt: skip
        local = w.to_dataset(16, reshuffle_each_iteration=False, **options)
        served = w.to_dataset(16, reshuffle_each_iteration=False, service=service, **options)
        want = [x[:, 0, 0].tolist() for x, _ in w.batches(16, **options)]
        assert first_values(local) == want
        got = [x for x, y in served.as_numpy_iterator()]
        assert [x[:, 0, 0].tolist() for x in got] == want
        y_local = [y for _, y in local.as_numpy_iterator()]
        y_served = [y for _, y in served.as_numpy_iterator()]
        for a, b in zip(y_local, y_served, strict=True):
            np.testing.assert_array_equal(a, b)
    assert time.monotonic() - start < 120


def test_a_panel_in_memory_is_served_and_a_panel_of_files_refused(service, tmp_path):
    parts = {"a": table(50), "b": table(35) + 1000.0, "c": table(44) + 2000.0}
    w = lstmshape.windows(parts, 5, targets=[1])
    options = {"shuffle": True, "seed": 2, "reshuffle_each_iteration": False}
    served = w.to_dataset(8, service=service, **options)
    want = [x[:, 0, 0].tolist() for x, _ in w.batches(8, shuffle=True, seed=2)]
    assert first_values(served) == want
    assert "PyFunc" not in w.to_dataset(8, **options)._as_serialized_graph().numpy().decode(
        "latin-1"
    )
    for name, values in parts.items():
        np.save(tmp_path / f"{name}.npy", values)
    files = lstmshape.windows(lstmshape.read_npy_folder(tmp_path), 5, targets=[1])
    with pytest.raises(ShapeError, match=r"panel's series are files.*mmap_mode=None"):
        files.to_dataset(8, service=service, **options)
    assert first_values(files.to_dataset(8, **options)) == want  # locally: read from the files


def test_one_served_dataset_per_epoch_gives_each_epoch_its_order(service):
    w = lstmshape.windows(table(), 6)
    orders = []
    for epoch in (0, 1):
        ds = w.to_dataset(
            10, shuffle=True, seed=5, epoch=epoch, reshuffle_each_iteration=False, service=service
        )
        orders.append(first_values(ds))
        want = [x[:, 0, 0].tolist() for x, _ in w.batches(10, shuffle=True, seed=5, epoch=epoch)]
        assert orders[-1] == want
    assert orders[0] != orders[1]


def test_what_needs_python_is_refused_with_the_alternatives(service, tmp_path):
    path = tmp_path / "series.npy"
    np.save(path, table())
    mapped = lstmshape.windows(np.load(path, mmap_mode="r"), 6)
    with pytest.raises(ShapeError, match=r"memory-mapped file.*np.asarray.*to_grain"):
        mapped.to_dataset(8, service=service)
    mapped.to_dataset(8)  # without the service: read from the file batch by batch
    padded = lstmshape.windows(table(), 6, min_history=2)
    with pytest.raises(ShapeError, match=r"min_history"):
        padded.to_dataset(8, service=service)
    w = lstmshape.windows(table(), 6)
    with pytest.raises(ShapeError, match=r"reshuffle_each_iteration=False"):
        w.to_dataset(8, shuffle=True, seed=0, service=service)
    with pytest.raises(TypeError, match=r"`service` must be the address"):
        w.to_dataset(8, service=5000)


def test_the_shuffled_pipeline_needs_no_python_callback():
    pytest.importorskip("tensorflow")
    w = lstmshape.windows(table(), 6)
    ds = w.to_dataset(8, shuffle=True, seed=0, reshuffle_each_iteration=False)
    text = ds._as_serialized_graph().numpy().decode("latin-1")
    assert "PyFunc" not in text and "EagerPyFunc" not in text
    again = w.to_dataset(8, shuffle=True, seed=0)  # reshuffled per pass: the local counter
    assert "PyFunc" in again._as_serialized_graph().numpy().decode("latin-1")
