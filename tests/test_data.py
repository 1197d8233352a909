"""Windows.to_dataset(): batches equal the numpy windows, shuffles, shards, memmaps, parity."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

from .strategies import series_and_framing

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")


def collect(dataset):
    xs, ys = [], []
    for element in dataset:
        x, y = element if isinstance(element, tuple) else (element, None)
        xs.append(x.numpy())
        if y is not None:
            ys.append(y.numpy())
    return np.concatenate(xs), (np.concatenate(ys) if ys else None)


def as_rows(x, y):
    """Each sample as one hashable row, to compare multisets."""
    flat = np.concatenate([x.reshape(len(x), -1), y.reshape(len(y), -1)], axis=1)
    return sorted(map(tuple, flat.tolist()))


@settings(max_examples=25)
@given(series_and_framing(max_rows=50), st.integers(1, 20), st.booleans())
def test_batches_equal_the_numpy_windows(case, batch_size, drop_remainder):
    data, framing = case
    w = lstmshape.windows(data, **framing)
    kept = len(w) - len(w) % batch_size if drop_remainder else len(w)
    if kept == 0:  # dropping every window is refused, never an empty dataset
        with pytest.raises(ShapeError, match=r"drop_remainder=True .* would drop every window"):
            w.to_dataset(batch_size=batch_size, drop_remainder=drop_remainder)
        return
    dataset = w.to_dataset(batch_size=batch_size, drop_remainder=drop_remainder)
    x, y = collect(dataset)
    np.testing.assert_array_equal(x, w.X[:kept])
    np.testing.assert_array_equal(y, w.y[:kept])
    assert x.dtype == w.dtype
    assert dataset.cardinality() == -(-kept // batch_size)


@settings(max_examples=20)
@given(
    series_and_framing(max_rows=50),
    st.integers(1, 9),
    st.integers(0, 2**31),
    st.integers(0, 3),
    st.integers(1, 3),
    st.booleans(),
)
def test_one_schedule_numpy_views_batches_and_tf_data_agree_sample_for_sample(
    case, batch_size, seed, epoch, num_shards, shuffle
):
    """The same seed, epoch and shard give the same batches in every loader."""
    data, framing = case
    w = lstmshape.windows(data, **framing)
    assume(num_shards <= len(w))
    options = {
        "shuffle": shuffle,
        "seed": seed if shuffle else None,
        "num_shards": num_shards,
    }
    for shard in range(num_shards):
        schedule = w.schedule(batch_size, shard_index=shard, **options)
        numbers = list(schedule.batches(epoch))
        from_numpy = list(w.batches(batch_size, epoch=epoch, shard_index=shard, **options))
        dataset = w.to_dataset(batch_size=batch_size, epoch=epoch, shard_index=shard, **options)
        from_tf = [(x.numpy(), y.numpy()) for x, y in dataset]
        assert len(numbers) == len(from_numpy) == len(from_tf) == len(schedule)
        for picked, (x1, y1), (x2, y2) in zip(numbers, from_numpy, from_tf, strict=True):
            np.testing.assert_array_equal(x1, w.X[picked])
            np.testing.assert_array_equal(y1, w.y[picked])
            np.testing.assert_array_equal(x2, x1)
            np.testing.assert_array_equal(y2, y1)
    everyone = np.concatenate(
        [
            np.concatenate(list(w.schedule(batch_size, shard_index=k, **options).batches(epoch)))
            for k in range(num_shards)
        ]
    )
    assert sorted(everyone.tolist()) == list(range(len(w)))  # each sample once per epoch


def test_to_dataset_serves_the_next_epoch_on_each_pass():
    w = lstmshape.windows(np.arange(60.0), 4)
    dataset = w.to_dataset(batch_size=8, shuffle=True, seed=3, epoch=2)
    for epoch in (2, 3, 4):
        expected = [b.tolist() for b in w.schedule(8, shuffle=True, seed=3).batches(epoch)]
        served = [(x.numpy()[:, 0, 0]).astype(int).tolist() for x, _ in dataset]
        assert served == [[w.starts[i] for i in batch] for batch in expected]


@settings(max_examples=15)
@given(series_and_framing(max_rows=50), st.integers(1, 16), st.integers(0, 2**31))
def test_shuffle_is_a_reproducible_permutation_of_windows(case, batch_size, seed):
    data, framing = case
    w = lstmshape.windows(data, **framing)
    first = collect(w.to_dataset(batch_size=batch_size, shuffle=True, seed=seed))
    again = collect(w.to_dataset(batch_size=batch_size, shuffle=True, seed=seed))
    assert as_rows(*first) == as_rows(w.X, w.y)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])


def test_shuffle_permutes_windows_and_reshuffles_each_epoch():
    w = lstmshape.windows(np.arange(500.0), 5)
    dataset = w.to_dataset(batch_size=64, shuffle=True, seed=1)
    epoch1, epoch2 = collect(dataset), collect(dataset)
    # windows keep their rows in order: each X row is consecutive and y follows it
    np.testing.assert_array_equal(np.diff(epoch1[0][..., 0], axis=1), 1)
    np.testing.assert_array_equal(epoch1[1][:, 0], epoch1[0][:, -1, 0] + 1)
    assert not np.array_equal(epoch1[1], epoch2[1])
    assert as_rows(*epoch1) == as_rows(*epoch2)
    fixed = w.to_dataset(batch_size=64, shuffle=True, seed=1, reshuffle_each_iteration=False)
    np.testing.assert_array_equal(collect(fixed)[1], collect(fixed)[1])
    assert not np.array_equal(epoch1[1], collect(w.to_dataset(batch_size=64))[1])


@settings(max_examples=15)
@given(series_and_framing(max_rows=50), st.integers(1, 5), st.integers(1, 8), st.booleans())
def test_shards_are_disjoint_and_cover_every_window(case, num_shards, batch_size, shuffle):
    data, framing = case
    w = lstmshape.windows(data, **framing)
    if num_shards > len(w):  # empty shards are refused, never silently empty
        with pytest.raises(ShapeError, match=r"`num_shards=\d+` is more than the"):
            w.to_dataset(num_shards=num_shards)
        return
    parts = []
    for j in range(num_shards):
        ds = w.to_dataset(
            batch_size=batch_size,
            num_shards=num_shards,
            shard_index=j,
            shuffle=shuffle,
            seed=0 if shuffle else None,
        )
        if ds.cardinality() > 0:
            parts.append(collect(ds))
    xs = np.concatenate([p[0] for p in parts])
    ys = np.concatenate([p[1] for p in parts])
    assert as_rows(xs, ys) == as_rows(w.X, w.y)  # every window exactly once


def test_shard_policy_is_set():
    w = lstmshape.windows(np.arange(50.0), 5)
    policy = tf.data.experimental.AutoShardPolicy
    sharded = w.to_dataset(num_shards=2, shard_index=1)
    assert sharded.options().experimental_distribute.auto_shard_policy == policy.OFF
    assert w.to_dataset().options().experimental_distribute.auto_shard_policy == policy.DATA


@pytest.mark.parametrize(
    ("knobs", "tuned"),
    [
        ({}, False),
        ({"num_parallel_calls": 2, "prefetch": 1}, False),
        ({"num_parallel_calls": tf.data.AUTOTUNE}, True),
        ({"prefetch": tf.data.AUTOTUNE}, True),
    ],
)
def test_tf_data_autotuner_runs_only_when_asked_for(knobs, tuned):
    # Off by default (it cost about a fifth of the throughput on 2 cores); asking for
    # tf.data.AUTOTUNE by name turns it on.
    w = lstmshape.windows(np.arange(50.0), 5)
    dataset = w.to_dataset(batch_size=8, shuffle=True, seed=0, **knobs)
    assert dataset.options().autotune.enabled is tuned
    assert [x.shape[0] for x, _ in dataset] == [8] * 5 + [5]


def test_static_shapes():
    w = lstmshape.windows(np.ones((100, 3), np.float32), 10, horizon=2, targets=[0, 2])
    x_spec, y_spec = w.to_dataset(batch_size=8).element_spec
    assert x_spec.shape.as_list() == [None, 10, 3]
    assert y_spec.shape.as_list() == [None, 2, 2]
    assert x_spec.dtype == tf.float32
    x_spec, y_spec = w.to_dataset(batch_size=8, drop_remainder=True).element_spec
    assert x_spec.shape.as_list() == [8, 10, 3]
    assert y_spec.shape.as_list() == [8, 2, 2]


def test_dtype_can_be_cast():
    w = lstmshape.windows(np.arange(30.0), 4)
    x_spec, y_spec = w.to_dataset(dtype="float32").element_spec
    assert x_spec.dtype == y_spec.dtype == tf.float32
    np.testing.assert_array_equal(collect(w.to_dataset(dtype="float32"))[0], w.X.astype(np.float32))


def test_inputs_only_yields_inputs_alone():
    w = lstmshape.windows(np.arange(30.0), 4, stride=3, inputs_only=True)
    dataset = w.to_dataset(batch_size=4)
    assert isinstance(dataset.element_spec, tf.TensorSpec)
    x, y = collect(dataset)
    assert y is None
    np.testing.assert_array_equal(x, w.X)


def test_columns_in_any_order_and_grouped_samples():
    df = pd.DataFrame(
        {
            "g": ["a"] * 20 + ["b"] * 15,
            "u": np.arange(35.0),
            "v": -np.arange(35.0),
            "z": np.arange(35.0) * 10,
        }
    )
    w = lstmshape.windows(df, 4, features=["z", "u", "v"], targets=["v", "z"], group_by="g")
    x, y = collect(w.to_dataset(batch_size=7))
    np.testing.assert_array_equal(x, w.X)
    np.testing.assert_array_equal(y, w.y)


def test_memory_mapped_series_is_read_from_the_file(tmp_path):
    path = tmp_path / "series.npy"
    np.save(path, np.arange(3000, dtype=np.float32).reshape(1000, 3))
    mapped = np.load(path, mmap_mode="r")
    w = lstmshape.windows(mapped, 16, targets=[2])
    assert np.shares_memory(w.X, mapped)  # no copy of the file for the numpy views either
    from lstmshape._core.arrays import is_file_backed

    assert is_file_backed(w.data)
    x, y = collect(w.to_dataset(batch_size=100, shuffle=True, seed=0))
    assert as_rows(x, y) == as_rows(np.asarray(w.X), np.asarray(w.y))
    x, y = collect(w.to_dataset(batch_size=100))
    np.testing.assert_array_equal(x, w.X)
    np.testing.assert_array_equal(y, w.y)


@settings(max_examples=20)
@given(
    st.integers(20, 80),
    st.integers(1, 10),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_parity_with_keras_timeseries_dataset_from_array(
    n, lookback, shift, stride, n_features, sampling_rate
):
    """Keras' utility and ours give the same windows and targets.

    Mapping (horizon 1, many-to-one), with span = (lookback - 1) * sampling_rate + 1: our
    windows(data, lookback, shift=shift, stride=stride, sampling_rate=r) equal
    keras.utils.timeseries_dataset_from_array(data[:n - shift], data[span - 1 + shift:],
    sequence_length=lookback, sequence_stride=stride, sampling_rate=r): Keras' targets[i]
    belongs to the window starting at row i, and its windows stop where the targets run out.
    """
    span = (lookback - 1) * sampling_rate + 1
    assume(n >= span + shift)
    data = np.arange(n * n_features, dtype=np.float32).reshape(n, n_features)
    w = lstmshape.windows(data, lookback, shift=shift, stride=stride, sampling_rate=sampling_rate)
    theirs = keras.utils.timeseries_dataset_from_array(
        data[: n - shift],
        data[span - 1 + shift :],
        sequence_length=lookback,
        sequence_stride=stride,
        sampling_rate=sampling_rate,
        batch_size=7,
    )
    ours = w.to_dataset(batch_size=7)
    for (x1, y1), (x2, y2) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(x1.numpy(), x2.numpy())
        np.testing.assert_array_equal(y1.numpy(), y2.numpy())


@pytest.mark.slow
def test_tiny_fit_runs_end_to_end():
    keras.utils.set_random_seed(0)
    t = np.arange(400, dtype=np.float32)
    w = lstmshape.windows(np.sin(t / 10), 12)
    model = keras.Sequential(
        [keras.Input(w.input_shape), keras.layers.LSTM(8), keras.layers.Dense(1)]
    )
    model.compile("adam", "mse")
    history = model.fit(w.to_dataset(batch_size=32, shuffle=True, seed=0), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.slow
def test_mirrored_strategy_on_two_logical_cpus():
    # Logical devices must be set before TensorFlow starts, so this runs in a fresh process.
    code = textwrap.dedent(
        """
        import numpy as np, tensorflow as tf, keras, lstmshape
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        w = lstmshape.windows(np.sin(np.arange(300, dtype=np.float32) / 7), 10)
        with strategy.scope():
            model = keras.Sequential([keras.Input(w.input_shape), keras.layers.LSTM(4), keras.layers.Dense(1)])
            model.compile("adam", "mse")
        history = model.fit(w.to_dataset(batch_size=32, drop_remainder=True), epochs=1, verbose=0)
        x, y = next(iter(strategy.experimental_distribute_dataset(w.to_dataset(batch_size=32))))
        assert [int(t.shape[0]) for t in x.values] == [16, 16], x  # one half per replica
        print("ok", history.history["loss"][0])
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("ok")


ERRORS = [
    ({"batch_size": 0}, ShapeError, r"`batch_size` must be at least 1. Received: batch_size=0"),
    ({"batch_size": 2.5}, TypeError, r"`batch_size` must be an integer. Received: batch_size=2.5"),
    ({"seed": -1}, ShapeError, r"`seed` must be at least 0. Received: seed=-1"),
    ({"num_shards": 0}, ShapeError, r"`num_shards` must be at least 1. Received: num_shards=0"),
    (
        {"num_shards": 2, "shard_index": 2},
        ShapeError,
        r"`shard_index` must be less than `num_shards` \(2\): shards are numbered 0 to 1. Received: shard_index=2",
    ),
    (
        {"shard_index": -1},
        ShapeError,
        r"`shard_index` must be at least 0. Received: shard_index=-1",
    ),
    ({"shuffle": "yes"}, TypeError, r"`shuffle` must be True or False"),
    ({"num_parallel_calls": 0}, ShapeError, r"`num_parallel_calls` must be at least 1"),
]


@pytest.mark.parametrize(("kwargs", "error", "pattern"), ERRORS)
def test_errors(kwargs, error, pattern):
    w = lstmshape.windows(np.arange(30.0), 4)
    with pytest.raises(error, match=pattern):
        w.to_dataset(**kwargs)


def test_missing_tensorflow_says_how_to_install_it():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["tensorflow"] = None  # as if it were not installed
        import numpy as np, lstmshape
        w = lstmshape.windows(np.arange(30.0), 4)
        try:
            w.to_dataset()
        except ImportError as error:
            print(error)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Windows.to_dataset needs TensorFlow" in out.stdout
    assert 'pip install "lstmshape[tf]"' in out.stdout
