"""Windows.to_grain: a grain map-style dataset of the batch schedule (issue 22).

The oracle is :meth:`Windows.batches` with the same options, epoch after epoch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

REPO = Path(__file__).resolve().parents[1]


def table(n=60):
    values = np.zeros((n, 2))
    values[:, 0] = np.arange(n)
    values[:, 1] = np.arange(n) * 10.0
    return values


def grouped(n=60):
    frame = pd.DataFrame(table(n), columns=["a", "b"])
    frame["series"] = np.arange(n) * 4 // n
    return lstmshape.windows(frame, 3, group_by="series")


def pairs(batches):
    return [(np.asarray(x), np.asarray(y)) for x, y in batches]


def same(got, want):
    assert len(got) == len(want)
    for (gx, gy), (wx, wy) in zip(got, want, strict=True):
        np.testing.assert_array_equal(gx, wx)
        np.testing.assert_array_equal(gy, wy)
        assert gx.dtype == wx.dtype


def expected(w, epochs, first=0, **options):
    return [b for e in range(first, first + epochs) for b in pairs(w.batches(epoch=e, **options))]


@pytest.mark.parametrize(
    "options",
    [
        {"batch_size": 7},
        {"batch_size": 5, "shuffle": True, "seed": 3},
        {"batch_size": 4, "shuffle": True, "seed": 1, "num_shards": 3, "shard_index": 2},
        {"batch_size": 6, "drop_remainder": True, "dtype": "float32"},
        {"batch_size": 4, "shuffle": True, "seed": 2, "shard_by": "series", "num_shards": 2,
         "shard_index": 1, "even_shards": True},
    ],
)  # fmt: skip
def test_to_grain_serves_the_batches_of_batches_epoch_after_epoch(options):
    pytest.importorskip("grain")
    for w in (lstmshape.windows(table(), 5), grouped()):
        if options.get("shard_by") == "series" and w.group_by is None:
            continue  # one series: one shard
        dataset = w.to_grain(epoch=2, epochs=3, **options)
        want = expected(w, 3, first=2, **options)
        assert len(dataset) == len(want)
        same(pairs(dataset[i] for i in range(len(dataset))), want)
        same(pairs(dataset), want)  # grain's own iterator (threads reading ahead)


def test_grain_shard_options_are_the_shards():
    grain = pytest.importorskip("grain")
    w = lstmshape.windows(table(61), 5)
    options = {"batch_size": 4, "shuffle": True, "seed": 5}
    served = []
    for k in range(3):
        shard = grain.sharding.ShardOptions(shard_index=k, shard_count=3, drop_remainder=True)
        dataset = w.to_grain(shard_options=shard, **options)
        want = expected(w, 1, num_shards=3, shard_index=k, even_shards=True, **options)
        same(pairs(dataset), want)
        served += [float(v) for x, _ in want for v in x[:, 0, 0]]
    assert len(served) == len(set(served)) == 3 * (len(w) // 3)  # disjoint, evened out
    one = w.to_grain(shard_options=grain.sharding.NoSharding(), **options)
    same(pairs(one), expected(w, 1, **options))


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    epoch=st.integers(0, 3),
    num_shards=st.integers(1, 3),
    data=st.data(),
)
def test_a_grain_iterator_checkpoint_restores_exactly(seed, epoch, num_shards, data):
    pytest.importorskip("grain")
    w = lstmshape.windows(table(50), 4)
    shard_index = data.draw(st.integers(0, num_shards - 1))
    options = {"batch_size": data.draw(st.integers(1, 9)), "shuffle": True, "seed": seed}
    options |= {"num_shards": num_shards, "shard_index": shard_index, "epoch": epoch}
    dataset = w.to_grain(epochs=2, **options)
    want = pairs(dataset.to_iter_dataset())
    k = data.draw(st.integers(0, len(want)))
    iterator = iter(dataset.to_iter_dataset())
    same(pairs(next(iterator) for _ in range(k)), want[:k])
    state = json.loads(json.dumps(iterator.get_state()))
    restored = iter(w.to_grain(epochs=2, **options).to_iter_dataset())
    restored.set_state(state)
    same(pairs(restored), want[k:])


MP_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np, grain, lstmshape
    from absl import flags
    if __name__ == "__main__":
        flags.FLAGS.mark_as_parsed()  # grain's workers read absl flags; no absl.app here
        w = lstmshape.windows(np.arange(300.0), 12)
        dataset = w.to_grain(16, shuffle=True, seed=4, epochs=2)
        want = [x[:, 0, 0].tolist() for e in (0, 1) for x, _ in w.batches(16, shuffle=True, seed=4, epoch=e)]
        out = {}
        for workers in (0, 1):
            options = grain.MultiprocessingOptions(num_workers=workers)
            iterator = iter(dataset.to_iter_dataset().mp_prefetch(options))
            got = [next(iterator)[0][:, 0, 0].tolist() for _ in range(5)]
            state = iterator.get_state()
            resumed = iter(dataset.to_iter_dataset().mp_prefetch(options))
            resumed.set_state(state)
            got += [x[:, 0, 0].tolist() for x, _ in resumed]
            out[workers] = got == want
        print(json.dumps(out))
    """
)


def test_grain_multiprocess_prefetch_with_zero_and_one_worker(tmp_path):
    pytest.importorskip("grain")
    script = tmp_path / "mp_grain.py"  # grain's workers import the main module: a file
    script.write_text(MP_SCRIPT)
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=180, cwd=REPO
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"0": True, "1": True}


FIT_SCRIPT = textwrap.dedent(
    """
    import json
    import numpy as np, keras, lstmshape
    keras.utils.set_random_seed(0)
    w = lstmshape.windows(np.sin(np.arange(300) / 8), 12)
    dataset = w.to_grain(32, shuffle=True, seed=0, dtype="float32", epochs=4)
    model = keras.Sequential([keras.Input(w.input_shape), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    steps = len(dataset) // 4
    history = model.fit(dataset, epochs=4, steps_per_epoch=steps, verbose=0)
    print(json.dumps({"backend": keras.backend.backend(),
                      "loss": [float(v) for v in history.history["loss"]]}))
    """
)


def test_to_grain_trains_a_keras_model_on_jax():
    pytest.importorskip("grain")
    pytest.importorskip("keras")
    pytest.importorskip("jax")
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run(
        [sys.executable, "-c", FIT_SCRIPT],
        capture_output=True, text=True, env=env, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["backend"] == "jax"
    assert result["loss"][-1] < result["loss"][0] / 2, result["loss"]


def test_to_grain_errors():
    grain = pytest.importorskip("grain")
    w = lstmshape.windows(table(), 5)
    with pytest.raises(ShapeError, match=r"`num_shards` and `shard_index` go together"):
        w.to_grain(num_shards=2)
    with pytest.raises(ShapeError, match=r"Pass the shards once"):
        w.to_grain(num_shards=2, shard_index=0, shard_options=grain.sharding.NoSharding())
    with pytest.raises(TypeError, match=r"`shard_options` must be a grain.sharding.ShardOptions"):
        w.to_grain(shard_options=(0, 2))
    with pytest.raises(ShapeError, match=r"`epochs` must be at least 1"):
        w.to_grain(epochs=0)
    source = w.to_grain(7, epochs=2)._source  # grain's MapDataset wraps indices around
    with pytest.raises(IndexError, match=r"batch 16 out of range: 2 epochs of 8 batches hold 16"):
        source[16]
    assert repr(source) == "BatchSource(2 epochs of 8 batches of up to 7 windows, from epoch 0)"


def test_missing_grain_names_the_extra():
    code = (
        "import sys; sys.modules['grain'] = None\n"
        "import numpy as np, lstmshape\n"
        "try:\n"
        "    lstmshape.windows(np.arange(20.0), 5).to_grain()\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'pip install "lstmshape[grain]"' in out.stdout
