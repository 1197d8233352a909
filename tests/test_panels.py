"""Panels: windows, split and loaders over a list (or dict) of series, never concatenated."""

from __future__ import annotations

import dataclasses
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape._input.panel import SeriesStore
from lstmshape._input.timeline import read_timeline
from tests.oracles import windows_loop
from tests.strategies import FLOAT_DTYPES, framings


@st.composite
def panels(draw, *, max_series=4, max_rows=40):
    """A list of 1 to ``max_series`` series of different lengths, with the same columns."""
    n_features = draw(st.integers(1, 3))
    count = draw(st.integers(1, max_series))
    items = []
    for k in range(count):
        rows = draw(st.integers(1, max_rows))
        dtype = draw(FLOAT_DTYPES)
        base = 1000.0 * k + np.arange(rows * n_features, dtype=np.float64)
        items.append(base.reshape(rows, n_features).astype(dtype))
    return items


def oracle(items, framing, **columns):
    """X, y and the series of each sample, series by series (the contract, by loops)."""
    xs, ys, names = [], [], []
    for name, item in items:
        x, y = windows_loop(item, **framing, **columns)
        if len(x):
            xs.append(x)
            ys.append(y)
            names += [name] * len(x)
    return xs, ys, names


@given(panels(), framings(max_lookback=8), st.booleans())
def test_windows_of_a_panel_are_the_windows_of_each_series(items, framing, as_dict):
    data = {f"s{k}": item for k, item in enumerate(items)} if as_dict else items
    named = list(data.items()) if as_dict else list(enumerate(items))
    xs, ys, names = oracle(named, framing)
    if not xs:
        with pytest.raises(lstmshape.ShapeError, match="series of the panel"):
            lstmshape.windows(data, **framing)
        return
    skipped = len({n for n, _ in named} - set(names))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = lstmshape.windows(data, **framing)
    assert len([c for c in caught if "Skipped" in str(c.message)]) == (1 if skipped else 0)
    dtype = np.result_type(*(item.dtype for item in items))
    assert w.X.dtype == dtype and not w.X.flags.writeable
    np.testing.assert_array_equal(w.X, np.concatenate(xs).astype(dtype))
    np.testing.assert_array_equal(w.y, np.concatenate(ys).astype(dtype))
    assert w.groups.tolist() == names
    assert isinstance(w.data, SeriesStore)
    # every loader batch is X[numbers]
    schedule = w.schedule(5, shuffle=True, seed=1)
    for numbers, (x, y) in zip(
        schedule.batches(epoch=2), w.batches(5, shuffle=True, seed=1, epoch=2), strict=True
    ):
        np.testing.assert_array_equal(x, w.X[numbers])
        np.testing.assert_array_equal(y, w.y[numbers])


@given(panels(max_rows=30), st.data())
def test_store_indexes_like_the_concatenation(items, data):
    store = SeriesStore(items, range(len(items)))
    whole = np.concatenate([i.astype(store.dtype) for i in items])
    n = len(whole)
    keys = [
        slice(None),
        slice(data.draw(st.integers(-n, n)), data.draw(st.integers(-n, n))),
        slice(None, None, data.draw(st.integers(1, 4))),
        data.draw(st.integers(-n, n - 1)),
        np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=12)), dtype=np.int64),
        np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
    ]
    for key in keys:
        np.testing.assert_array_equal(store[key], whole[key])
        np.testing.assert_array_equal(store[key, 0], whole[key, 0])
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6)))
    columns = np.arange(whole.shape[1])
    np.testing.assert_array_equal(
        store[rows[:, None], columns[None, :]], whole[rows[:, None], columns[None, :]]
    )
    np.testing.assert_array_equal(np.asarray(store), whole)


def test_dataframes_match_group_by_on_the_concatenation():
    """Gaps (freq), NaN rows (dropna) and to_frame: as group_by does on one frame."""
    frames = {}
    for name, start, rows in (("north", "2020-01-01", 30), ("south", "2020-03-01", 22)):
        index = pd.date_range(start, periods=rows, freq="D").delete([7])  # a gap
        frame = pd.DataFrame(
            {"a": np.arange(len(index), dtype=float), "b": 100 + np.arange(len(index))},
            index=index,
        )
        frame.iloc[12, 0] = np.nan
        frames[name] = frame
    options = {"horizon": 2, "targets": ["a"], "freq": "D", "dropna": True}
    w = lstmshape.windows(frames, 3, **options)
    together = pd.concat([f.assign(series=name) for name, f in frames.items()])
    g = lstmshape.windows(together, 3, group_by="series", **options)
    np.testing.assert_array_equal(w.X, g.X)
    np.testing.assert_array_equal(w.y, g.y)
    pd.testing.assert_frame_equal(w.to_frame(w.y), g.to_frame(g.y))
    assert w.to_frame(w.y).index.names == ["series", None]
    assert w.feature_names == ("a", "b")


def test_to_frame_and_explain_name_the_series_and_rows_inside_them():
    w = lstmshape.windows({"a": np.arange(10.0), "b": np.arange(50.0, 58.0)}, 3)
    frame = w.to_frame(w.y)
    assert frame.index.names == ["series", "row"]
    assert frame.loc["b"].index.tolist() == list(range(3, 8))
    assert frame.loc["b"][0].tolist() == [53.0, 54.0, 55.0, 56.0, 57.0]
    assert w.target_index.tolist() == [*range(3, 10), *range(3, 8)]
    assert "a panel of 2 series (windows each: 'a' (7), 'b' (5))" in repr(w)
    text = lstmshape.explain(w)
    assert "A panel of 2 series" in text
    assert "last sample: input rows 4 .. 6 -> target 7 (series 'b')" in text


def test_split_of_a_panel_is_the_split_of_each_series():
    items = {"a": np.arange(40.0), "b": 100 + np.arange(31.0), "c": 200 + np.arange(25.0)}
    parts = lstmshape.split(items, 4, val=5, test=0.2, horizon=2)
    for name in ("train", "val", "test"):
        each = [
            getattr(lstmshape.split(item, 4, val=5, test=0.2, horizon=2), name)
            for item in items.values()
        ]
        got = getattr(parts, name)
        np.testing.assert_array_equal(got.X, np.concatenate([e.X for e in each]))
        np.testing.assert_array_equal(got.y, np.concatenate([e.y for e in each]))
        assert got.groups.tolist() == [k for k, e in zip(items, each, strict=True) for _ in e.y]
    assert parts.boundaries["test"][1] == "'b': 25 .. 30"


@pytest.mark.parametrize("per_series", [False, True])
def test_scaled_split_of_a_panel_matches_group_by_and_undoes(per_series):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    items = {"a": np.arange(40.0), "b": 100 + 3 * np.arange(31.0)}
    together = pd.concat(
        [pd.DataFrame({"v": v, "series": k}) for k, v in items.items()], ignore_index=True
    )
    options = {"val": 5, "test": 5, "per_series": per_series}
    scaler = preprocessing.MinMaxScaler()
    parts = lstmshape.split(list(items.values()), 4, scaler=scaler, **options)
    grouped = lstmshape.split(together, 4, scaler=scaler, group_by="series", **options)
    np.testing.assert_allclose(parts.test.X, grouped.test.X)
    assert isinstance(parts.test.data, SeriesStore)
    restored = parts.test.to_frame(parts.test.y)
    np.testing.assert_allclose(restored.loc[1][0], [100 + 3 * r for r in range(26, 31)])


def test_a_transformed_panel_keeps_its_series():
    w = lstmshape.windows({"a": np.arange(1.0, 11.0) ** 2, "b": np.arange(5.0, 12.0)}, 2,
                          transform="diff")  # fmt: skip
    assert isinstance(w.data, SeriesStore)
    frame = w.to_frame(w.y)
    assert frame.loc["b"].index.tolist() == [3, 4, 5, 6]
    assert frame.loc["b"][0].tolist() == [8.0, 9.0, 10.0, 11.0]


def test_every_loader_serves_the_panel_batches(tmp_path):
    for k, rows in enumerate((50, 23, 37)):
        np.save(tmp_path / f"s{k}.npy", np.arange(rows * 2, dtype=np.float32).reshape(rows, 2))
    panel = lstmshape.read_npy_folder(tmp_path)
    assert list(panel) == ["s0", "s1", "s2"]
    assert all(isinstance(a, np.memmap) for a in panel.values())
    w = lstmshape.windows(panel, 6, horizon=2, targets=[1])
    options = {"shuffle": True, "seed": 3, "num_shards": 2, "shard_index": 1, "shard_by": "series"}
    schedule = w.schedule(8, **options)
    expected = [(w.X[b], w.y[b]) for b in schedule.batches(epoch=0)]
    loaders = {"batches": list(w.batches(8, **options))}
    pydataset = w.to_pydataset(8, shuffle=True, seed=3, num_shards=2, shard_index=1)
    pd_expected = [w.schedule(8, shuffle=True, seed=3, num_shards=2, shard_index=1)]
    got = [pydataset[i] for i in range(len(pydataset))]
    for (x, y), b in zip(got, pd_expected[0].batches(epoch=0), strict=True):
        np.testing.assert_array_equal(x, w.X[b])
        np.testing.assert_array_equal(y, w.y[b])
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        loaders["to_torch"] = [(x.numpy(), y.numpy()) for x, y in w.to_torch(8, **options)]
    for name, batches in loaders.items():
        assert len(batches) == len(expected), name
        for (x, y), (ex, ey) in zip(batches, expected, strict=True):
            np.testing.assert_array_equal(x, ex)
            np.testing.assert_array_equal(y, ey)


def test_to_dataset_reads_a_panel_through_the_numpy_gather(tmp_path):
    pytest.importorskip("tensorflow")
    panel = {"a": np.arange(30.0), "b": np.arange(100.0, 121.0)}
    w = lstmshape.windows(panel, 4)
    options = {"shuffle": True, "seed": 0, "num_shards": 2, "shard_index": 0}
    dataset = w.to_dataset(batch_size=7, **options, shard_by="series")
    batches = w.schedule(7, **options, shard_by="series").batches(epoch=0)
    for (x, y), numbers in zip(dataset, batches, strict=True):
        np.testing.assert_array_equal(x.numpy(), w.X[numbers])
        np.testing.assert_array_equal(y.numpy(), w.y[numbers])


class _Untouchable:
    """A series whose rows must not be read: only its shape and dtype are there."""

    def __init__(self, array: np.ndarray, name: str) -> None:
        self.shape, self.dtype, self.name = array.shape, array.dtype, name

    def __getitem__(self, key):
        raise AssertionError(f"series {self.name!r} was read")

    def __array__(self, *args, **kwargs):
        raise AssertionError(f"series {self.name!r} was read")


def test_a_series_shard_reads_only_its_own_series():
    panel = {f"s{k}": np.arange(20.0 + 7 * k) for k in range(6)}
    w = lstmshape.windows(panel, 5)
    options = {"shuffle": True, "seed": 0, "num_shards": 2, "shard_by": "series"}
    for shard in (0, 1):
        numbers = np.concatenate(list(w.schedule(4, shard_index=shard, **options).batches(0)))
        mine = set(w.groups[numbers])
        store = w.data
        pairs = zip(store.names, store.arrays, strict=True)
        guarded = store.with_arrays([a if n in mine else _Untouchable(a, n) for n, a in pairs])
        worker = lstmshape.Windows(dataclasses.replace(w.source, values=guarded))
        for epoch in (0, 1):
            for x, _ in worker.batches(4, shard_index=shard, epoch=epoch, **options):
                assert len(x)
        with pytest.raises(AssertionError, match="was read"):
            list(worker.batches(4, shard_index=1 - shard, **options))


def test_a_panel_of_memmaps_larger_than_the_bound_streams_in_batches(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMSHAPE_MAX_COPY_BYTES", str(2**20))  # 1 MiB
    for k in range(8):
        array = np.lib.format.open_memmap(
            tmp_path / f"sensor{k}.npy", mode="w+", dtype=np.float64, shape=(20_000 + k, 16)
        )
        array[:] = k
        array.flush()
        del array
    panel = lstmshape.read_npy_folder(tmp_path)  # 8 x 2.4 MiB on disk, 20 MiB in all
    total = sum(a.nbytes for a in panel.values())
    tracemalloc.start()
    w = lstmshape.windows(panel, 32, targets=[0])
    _, built = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    seen = 0
    for x, _ in w.batches(256, shuffle=True, seed=0):
        seen += len(x)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == len(w) == sum(20_000 + k - 32 for k in range(8))
    batch_bytes = 256 * 32 * 16 * 8  # 1 MiB of X per batch
    assert built < 2**20  # validation reads the files in chunks, keeps nothing
    # a few batches, the epoch's order and the start rows (8 bytes per window each)
    assert peak < 6 * batch_bytes < total / 3
    with pytest.raises(lstmshape.ShapeError, match="Stream them instead"):
        w.X  # noqa: B018
    with pytest.raises(lstmshape.ShapeError, match="whole panel of 8 series"):
        np.asarray(w.data)


def test_panel_errors():
    with pytest.raises(lstmshape.ShapeError, match=r"data\['b'\]` has 'x', 'z'"):
        lstmshape.windows(
            {"a": pd.DataFrame({"x": [1.0] * 9, "y": 1.0}), "b": pd.DataFrame({"x": [1.0] * 9, "z": 1.0})}, 3
        )  # fmt: skip
    with pytest.raises(lstmshape.ShapeError, match="empty dict"):
        lstmshape.windows({}, 3)
    with pytest.raises(lstmshape.ShapeError, match="empty"):
        lstmshape.windows([], 3)
    with pytest.warns(UserWarning, match=r"Skipped 1 series of the panel .*: 1\."):
        w = lstmshape.windows([np.arange(10.0), np.arange(3.0), np.arange(8.0)], 4)
    assert sorted(set(w.groups)) == [0, 2]
    with pytest.raises(lstmshape.ShapeError, match="longest series of the panel has 3 rows"):
        lstmshape.windows([np.arange(3.0), np.arange(2.0)], 4)
    with pytest.raises(lstmshape.ShapeError, match="`group_by` names a column"):
        lstmshape.windows([pd.DataFrame({"g": [1] * 9, "v": 1.0})], 3, group_by="g")
    with pytest.raises(lstmshape.ShapeError, match="indexed alike"):
        lstmshape.windows([np.arange(9.0), pd.Series(np.arange(9.0))], 3)
    with pytest.raises(lstmshape.ShapeError, match=r"`data\[1\]` has NaN"):
        lstmshape.windows([np.arange(9.0), np.r_[1.0, np.nan, 3.0, 4.0, 5.0]], 2)
    with pytest.raises(lstmshape.ShapeError, match=r"`data\['b'\]` is empty"):
        lstmshape.windows({"a": np.arange(9.0), "b": np.zeros(0)}, 2)
    with pytest.raises(TypeError, match="must be hashable"):
        lstmshape.windows({None: np.arange(9.0)}, 2)


def test_read_npy_folder_errors(tmp_path):
    with pytest.raises(lstmshape.ShapeError, match="not a folder"):
        lstmshape.read_npy_folder(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(lstmshape.ShapeError, match=r"no file matching '\*\.npy'.*'notes\.txt'"):
        lstmshape.read_npy_folder(tmp_path)
    with pytest.raises(TypeError, match="mmap_mode"):
        lstmshape.read_npy_folder(tmp_path, mmap_mode="r+")


def test_a_list_of_numbers_is_still_one_table():
    assert lstmshape.windows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], 2).X.shape == (1, 2, 2)
    assert lstmshape.windows([1.0, 2.0, 3.0, 4.0], 2).X.shape == (2, 2, 1)


def test_folds_of_a_panel_cut_every_series():
    panel = {"a": np.arange(40.0), "b": 100 + np.arange(30.0)}
    folds = lstmshape.folds(panel, 4, n_folds=2, test=3)
    for fold in folds:
        assert set(fold.test.groups) == {"a", "b"}
        assert fold.test.to_frame(fold.test.y).index.names == ["series", "row"]


def test_a_dict_of_lists_is_refused_as_before():
    with pytest.raises(TypeError, match="or dict of them"):
        lstmshape.windows({"a": [1.0, 2.0, 3.0]}, 1)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"garbage bytes, not an array", "pickled"),
        (b"\x93NUMPY\x01\x00", ""),  # a header cut short
    ],
)
def test_a_corrupt_npy_file_is_named(tmp_path, content, said):
    np.save(tmp_path / "good.npy", np.arange(10.0))
    (tmp_path / "broken.npy").write_bytes(content)
    with pytest.raises(
        lstmshape.ShapeError, match=rf"broken\.npy in .* is not a readable \.npy array.*{said}"
    ):
        lstmshape.read_npy_folder(tmp_path)


ALIKE_DTYPES = st.sampled_from([np.float32, np.float64, np.int64, np.int16, np.bool_])


@st.composite
def alike_panels(draw, *, max_series=5, max_rows=30):
    """Series alike in ndim, columns and dtype: the panel validated at once."""
    ndim = draw(st.sampled_from([1, 2]))
    n_features = 1 if ndim == 1 else draw(st.integers(1, 3))
    dtype = draw(ALIKE_DTYPES)
    items = []
    for k in range(draw(st.integers(1, max_series))):
        rows = draw(st.integers(1, max_rows))
        base = 100 * k + np.arange(rows * n_features)
        base = base % 2 if dtype is np.bool_ else base
        shape = (rows,) if ndim == 1 else (rows, n_features)
        items.append(base.reshape(shape).astype(dtype))
    return items


@given(alike_panels(), framings(max_lookback=6), st.data())
def test_a_panel_of_alike_arrays_is_the_windows_of_each_series(items, framing, data):
    n_features = 1 if items[0].ndim == 1 else items[0].shape[1]
    columns = {}
    if n_features > 1 and data.draw(st.booleans()):
        columns["features"] = data.draw(
            st.lists(st.integers(0, n_features - 1), min_size=1, max_size=2, unique=True)
        )
        columns["targets"] = data.draw(
            st.lists(st.integers(0, n_features - 1), min_size=1, max_size=2, unique=True)
        )
    xs, ys, names = oracle(list(enumerate(items)), framing, **columns)
    if not xs:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = lstmshape.windows(items, **framing, **columns)
    expected = np.float32  # bool, int16 and small int64 are exact in float32
    if items[0].dtype == np.float64:
        expected = np.float64
    assert w.X.dtype == expected
    np.testing.assert_array_equal(w.X, np.concatenate(xs).astype(expected))
    np.testing.assert_array_equal(w.y, np.concatenate(ys).astype(expected))
    assert w.groups.tolist() == names
    assert "rows" in vars(w.data)  # validated at once: the concatenation is the row store


@given(
    alike_panels(max_series=6),
    st.data(),
    st.sampled_from([np.nan, np.inf, -np.inf]),
    st.booleans(),
)
def test_a_bad_value_in_series_k_is_reported_as_series_k(items, data, bad, as_dict):
    items = [item.astype(np.float64) for item in items]
    k = data.draw(st.integers(0, len(items) - 1))
    row = data.draw(st.integers(0, len(items[k]) - 1))
    items[k] = items[k].copy()
    if items[k].ndim == 1:
        items[k][row] = bad
    else:
        items[k][row, data.draw(st.integers(0, items[k].shape[1] - 1))] = bad
    panel = {f"s{j}": item for j, item in enumerate(items)} if as_dict else items
    name = f"s{k}" if as_dict else k
    said = "NaN values in 1 row" if np.isnan(bad) else "an infinite value"
    with pytest.raises(
        lstmshape.ShapeError, match=rf"`data\[{name!r}\]` has {said}:? (at )?row {row}\b"
    ):
        lstmshape.windows(panel, 1)


@given(alike_panels(max_series=4, max_rows=20), st.data())
def test_dropna_runs_of_a_panel_cut_each_series_at_its_missing_rows(items, data):
    items = [item.astype(np.float32) for item in items]
    for item in items:
        for row in data.draw(st.lists(st.integers(0, len(item) - 1), max_size=3)):
            item[row] = np.nan
    timeline = read_timeline(items, dropna=True)
    runs, groups, offset = [], [], 0
    for k, item in enumerate(items):  # the oracle: runs of present rows, series by series
        present = [bool(np.isfinite(v).all()) for v in item]
        r = 0
        while r < len(item):
            if present[r]:
                end = r
                while end < len(item) and present[end]:
                    end += 1
                runs.append((offset + r, offset + end))
                groups.append(k)
                r = end
            else:
                r += 1
        offset += len(item)
    assert list(timeline.runs) == runs
    assert list(timeline.run_groups) == groups
