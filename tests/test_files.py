"""read_parquet / read_arrow: panels whose series are read on demand, equal to pandas panels."""

from __future__ import annotations

import pickle
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import ShapeError

pa = pytest.importorskip("pyarrow")  # pyarrow comes with pandas 3; the module needs it
import pyarrow.feather as feather  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from lstmshape._input import files  # noqa: E402
from lstmshape._input.lazy import LazySeries  # noqa: E402


def _long_frame(lengths: dict[str, int], columns: int = 2) -> pd.DataFrame:
    """Rows of several series, one after another, with a date column and values."""
    parts = []
    start = 0
    for name, n in lengths.items():
        part = pd.DataFrame(
            {
                f"c{j}": np.arange(start, start + n, dtype=np.float64) * (j + 1)
                for j in range(columns)
            }
        )
        part.insert(0, "date", pd.date_range("2022-01-01", periods=n, freq="D", unit="ns"))
        part.insert(0, "store", name)
        parts.append(part)
        start += n
    return pd.concat(parts, ignore_index=True)


def _reference(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        name: rows.drop(columns="store").set_index("date")
        for name, rows in frame.groupby("store", sort=True)
    }


def _assert_same_windows(panel: Any, reference: Any, **options: Any) -> None:
    got, expected = (
        lstmshape.windows(panel, 4, **options),
        lstmshape.windows(reference, 4, **options),
    )
    np.testing.assert_array_equal(got.X, expected.X)
    np.testing.assert_array_equal(got.y, expected.y)
    assert got.X.dtype == expected.X.dtype
    pd.testing.assert_frame_equal(got.to_frame(got.y), expected.to_frame(expected.y))


@settings(max_examples=15)
@given(
    lengths=st.lists(st.integers(1, 25), min_size=1, max_size=5),
    group=st.integers(1, 30),
    shuffle=st.booleans(),
)
def test_parquet_and_arrow_panels_equal_pandas_panels(
    lengths: list[int], group: int, shuffle: bool, tmp_path_factory: Any
) -> None:
    names = {f"s{k}": n for k, n in enumerate(lengths)}
    frame = _long_frame(names)
    if shuffle:  # series interleaved in the file: each series keeps its rows' order
        frame = frame.sample(frac=1.0, random_state=0).sort_values("date", kind="stable")
    reference = _reference(frame)
    folder = tmp_path_factory.mktemp("files")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, folder / "d.parquet", row_group_size=group)
    feather.write_feather(table, folder / "d.arrow", compression="uncompressed", chunksize=group)
    feather.write_feather(table, folder / "z.arrow", compression="zstd", chunksize=group)
    opened = [
        lstmshape.read_parquet(folder / "d.parquet", series="store"),
        lstmshape.read_arrow(folder / "d.arrow", series="store"),
        lstmshape.read_arrow(folder / "z.arrow", series="store"),
    ]
    for panel in opened:
        assert list(panel) == sorted(reference)
        outcome = _outcomes(panel)
        assert outcome == _outcomes(reference)


def _outcomes(panel: Any) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            w = lstmshape.windows(panel, 4, targets="c0")
        except ShapeError as error:
            return str(error)
    frame = w.to_frame(w.y)
    said = [str(warning.message) for warning in caught]
    return w.X.tolist(), w.y.tolist(), frame.index.tolist(), list(frame.columns), said


def test_hive_partitions_are_series_and_each_is_read_from_its_own_files(tmp_path: Path) -> None:
    frame = _long_frame({"a": 30, "b": 20, "c": 25})
    frame.to_parquet(tmp_path, partition_cols=["store"])
    panel = lstmshape.read_parquet(tmp_path)
    assert list(panel) == ["a", "b", "c"]
    _assert_same_windows(panel, _reference(frame), targets="c0")
    reader = next(iter(panel.values())).reader
    opened: list[str] = []
    original = files._ParquetReader.load

    def spy(self: Any, chunk: int, columns: tuple[str, ...]) -> dict[str, Any]:
        opened.append(Path(self.chunks[chunk][0]).parent.name)
        return original(self, chunk, columns)

    w = lstmshape.windows(panel, 4)
    reader._reset()  # an empty cache, as in a fresh worker
    files._ParquetReader.load = spy  # type: ignore[method-assign]
    try:
        for _ in w.batches(8, num_shards=3, shard_index=1, shard_by="series"):
            pass
    finally:
        files._ParquetReader.load = original  # type: ignore[method-assign]
    assert len(set(opened)) == 1  # one series of three: its own file only


def test_a_folder_of_plain_files_is_one_series_per_file(tmp_path: Path) -> None:
    for name, n in (("north", 12), ("south", 9)):
        pd.DataFrame({"x": np.arange(float(n))}).to_parquet(tmp_path / f"{name}.parquet")
    panel = lstmshape.read_parquet(tmp_path)
    assert {k: v.shape for k, v in panel.items()} == {"north": (12, 1), "south": (9, 1)}
    assert lstmshape.windows(panel, 3).X.shape == (15, 3, 1)


def test_reads_are_bounded_by_the_cache_not_the_data(tmp_path: Path) -> None:
    frame = _long_frame({f"s{k:03d}": 50 for k in range(200)}, columns=4)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "d.parquet",
                   row_group_size=50)  # fmt: skip
    panel = lstmshape.read_parquet(tmp_path / "d.parquet", series="store", cache_bytes=4096)
    w = lstmshape.windows(panel, 5)
    reader = next(iter(panel.values())).reader
    reads: list[set[int]] = []  # the chunks of each read (a batch: its inputs, its targets)
    evict = reader._evict

    def spy(used: set[int]) -> None:
        reads.append(set(used))
        evict(used)

    reader._evict = spy  # type: ignore[method-assign]
    for x, _ in w.batches(64, shuffle=True, seed=1):
        assert x.shape[1:] == (5, 4)
        batch = reads[-1] | reads[-2]  # kept until the next batch: decoded once per batch
        assert batch and len(batch) < 200 / 2
        beyond = sum(cost for (chunk, _), (_, cost) in reader._cache.items() if chunk not in batch)
        assert beyond <= 4096  # beyond the batch's own chunks: the bound
        cached = {chunk for chunk, _ in reader._cache}
        assert len(cached - batch) <= 4096 // (50 * 8)  # a few chunks of the 200


def test_arrow_columns_are_views_of_the_mapped_file(tmp_path: Path) -> None:
    table = pa.table({"x": np.arange(100.0), "y": np.arange(100.0) * 2})
    feather.write_feather(table, tmp_path / "d.arrow", compression="uncompressed")
    series = lstmshape.read_arrow(tmp_path / "d.arrow")
    assert isinstance(series, LazySeries)
    reader = series.reader
    (column,) = reader._columns(0, ("x",))
    assert not column.flags.owndata  # a view of the mapped buffer, not a copy
    np.testing.assert_array_equal(series[10:13], np.c_[np.arange(10.0, 13), np.arange(20.0, 26, 2)])


def test_lazy_series_index_like_numpy(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20, dtype=np.int32)})
    frame.to_parquet(tmp_path / "d.parquet", row_group_size=6)
    series = lstmshape.read_parquet(tmp_path / "d.parquet")
    array = frame.to_numpy(dtype=np.float64)
    for key in (
        slice(3, 9),
        slice(None, None, 4),
        np.array([5, 1, 19, 1]),
        -1,
        np.arange(20) % 3 == 0,
    ):
        np.testing.assert_array_equal(series[key], array[key])
    np.testing.assert_array_equal(series[2:5, 1], array[2:5, 1])
    np.testing.assert_array_equal(np.asarray(series), array)
    with pytest.raises(IndexError, match="out of bounds"):
        series[np.array([20])]


def test_a_series_survives_pickling_for_spawned_workers(tmp_path: Path) -> None:
    pd.DataFrame({"a": np.arange(9.0)}).to_parquet(tmp_path / "d.parquet")
    series = lstmshape.read_parquet(tmp_path / "d.parquet")
    series[0:2]
    again = pickle.loads(pickle.dumps(series))
    np.testing.assert_array_equal(again[3:5], series[3:5])


def test_split_folds_scaling_and_torch_on_a_parquet_panel(tmp_path: Path) -> None:
    frame = _long_frame({"a": 40, "b": 30})
    frame.to_parquet(tmp_path / "d.parquet")
    panel = lstmshape.read_parquet(tmp_path / "d.parquet", series="store")
    reference = _reference(frame)
    for build in (
        lambda d: lstmshape.split(d, 4, test=0.25, targets="c0"),
        lambda d: lstmshape.split(d, 4, test=0.25, targets="c0", scaler=_scaler(), per_series=True),
    ):
        got, expected = build(panel), build(reference)
        np.testing.assert_array_equal(got.train.X, expected.train.X)
        np.testing.assert_array_equal(got.test.y, expected.test.y)
    got_folds = lstmshape.folds(panel, 4, n_folds=2, test=3)
    expected_folds = lstmshape.folds(reference, 4, n_folds=2, test=3)
    for a, b in zip(got_folds, expected_folds, strict=True):
        np.testing.assert_array_equal(a.test.X, b.test.X)
    pytest.importorskip("torch")
    w = lstmshape.windows(panel, 4)
    batches = [x.numpy() for x, _ in w.to_torch(16)]
    np.testing.assert_array_equal(np.concatenate(batches), lstmshape.windows(reference, 4).X)


def test_time_is_found_or_named(tmp_path: Path) -> None:
    frame = _long_frame({"a": 10})
    frame["again"] = frame["date"]
    frame.to_parquet(tmp_path / "d.parquet")
    with pytest.raises(ShapeError, match=re.escape("2 date/time columns ('date', 'again'); name")):
        lstmshape.read_parquet(tmp_path / "d.parquet", series="store")
    panel = lstmshape.read_parquet(tmp_path / "d.parquet", series="store", time="date",
                                   columns=["c0"])  # fmt: skip
    assert panel["a"].index[0] == pd.Timestamp("2022-01-01")
    assert panel["a"].shape == (10, 1)


FILE_ERRORS = [
    ({"path": 3}, TypeError, "`path` must be a file or folder path"),
    ({"path": "/nonexistent/x.parquet"}, ShapeError, "`path` does not exist"),
    ({"series": "shop"}, ShapeError, "`series` names a column the data does not have: 'shop'"),
    ({"time": "dates"}, ShapeError, "Did you mean 'date'?"),
    ({"columns": ["c9"]}, ShapeError, "`columns` names a column the data does not have"),
    ({"columns": ["date"]}, ShapeError, "which is the time column"),
    ({"cache_bytes": -1}, ShapeError, "`cache_bytes` must be 0 or more"),
    ({"cache_bytes": 1.5}, TypeError, "`cache_bytes` must be an integer"),
]


@pytest.mark.parametrize(("options", "error", "fragment"), FILE_ERRORS)
@pytest.mark.parametrize("reader", ["parquet", "arrow"])
def test_file_errors(
    tmp_path: Path, reader: str, options: dict[str, Any], error: type, fragment: str
) -> None:
    frame = _long_frame({"a": 10})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, tmp_path / "d.parquet")
    feather.write_feather(table, tmp_path / "d.arrow")
    path = tmp_path / ("d.parquet" if reader == "parquet" else "d.arrow")
    call = lstmshape.read_parquet if reader == "parquet" else lstmshape.read_arrow
    kwargs = {"path": path, "series": "store", **options}
    with pytest.raises(error, match=_escaped(fragment)):
        call(kwargs.pop("path"), **kwargs)


def _escaped(fragment: str) -> str:
    return re.escape(fragment)


def _scaler() -> Any:
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    return preprocessing.MinMaxScaler()


def test_read_arrow_refuses_a_folder_and_a_stream(tmp_path: Path) -> None:
    with pytest.raises(ShapeError, match="is a folder; read_arrow opens one"):
        lstmshape.read_arrow(tmp_path)
    table = pa.table({"x": np.arange(5.0)})
    with (
        pa.OSFile(str(tmp_path / "s.arrows"), "wb") as sink,
        pa.ipc.new_stream(sink, table.schema) as w,
    ):
        w.write_table(table)
    with pytest.raises(ShapeError, match="an Arrow \\*stream\\* cannot be read by position"):
        lstmshape.read_arrow(tmp_path / "s.arrows")


def test_text_and_missing_values_are_refused_as_in_pandas(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"x": [1.0, np.nan, 3.0, 4.0, 5.0], "t": list("abcde"), "k": [1, None, 3, 4, 5]}
    )
    frame.to_parquet(tmp_path / "d.parquet")
    panel = lstmshape.read_parquet(tmp_path / "d.parquet")
    reference = frame
    for options in ({}, {"features": ["x"], "targets": "x"}, {"features": ["k"], "targets": "k"}):
        with pytest.raises((ShapeError, TypeError)) as got:
            lstmshape.windows(panel, 2, **options)
        with pytest.raises((ShapeError, TypeError)) as expected:
            lstmshape.windows(reference, 2, **options)
        assert str(got.value) == str(expected.value)
    got_w = lstmshape.windows(panel, 1, features=["x", "k"], targets="x", dropna=True)
    expected_w = lstmshape.windows(reference, 1, features=["x", "k"], targets="x", dropna=True)
    np.testing.assert_array_equal(got_w.X, expected_w.X)
    assert got_w.X.dtype == expected_w.X.dtype


@pytest.mark.parametrize("name", ["prices.parquet", "prices.feather", "prices.arrow"])
def test_the_cli_reads_parquet_and_arrow_files_like_csv(
    tmp_path: Path, name: str, capsys: Any
) -> None:
    from lstmshape.cli import main

    frame = pd.DataFrame(
        {"price": np.sin(np.arange(60.0)), "volume": np.arange(60.0)},
        index=pd.date_range("2020-01-01", periods=60, name="Date"),
    )
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    else:
        frame.reset_index().to_feather(path)
    frame.to_csv(tmp_path / "prices.csv")
    assert main(["inspect", str(path), "--lookback", "10"]) == 0
    got = capsys.readouterr().out
    assert main(["inspect", str(tmp_path / "prices.csv"), "--lookback", "10"]) == 0
    expected = capsys.readouterr().out
    assert "X (50, 10, 1)" in got
    assert got.splitlines()[1:] == expected.splitlines()[1:]  # all but the file name


def test_pictures_of_a_parquet_panel_are_those_of_its_pandas_twin(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = _long_frame({"a": 40, "b": 30})
    frame.to_parquet(tmp_path / "d.parquet")
    panel = lstmshape.read_parquet(tmp_path / "d.parquet", series="store")
    drawn = []
    for source in (panel, _reference(frame)):
        s = lstmshape.split(source, 4, test=0.25, targets="c0")
        for figure in (s.plot(group="b"), s.test.plot(samples=2)):
            axes = figure.axes if hasattr(figure, "axes") else figure.figure.axes
            drawn.append([line.get_xydata().tolist() for ax in axes for line in ax.lines])
        plt.close("all")
    assert drawn[:2] == drawn[2:]


def test_a_panel_of_one_file_shares_the_readers_row_numbers(tmp_path: Path) -> None:
    from lstmshape._input.lazy import _joined_rows

    frame = _long_frame({"a": 7, "b": 5, "c": 6})
    frame.to_parquet(tmp_path / "d.parquet")
    panel = lstmshape.read_parquet(tmp_path / "d.parquet", series="store")
    parts = [s.rows for s in panel.values()]
    joined = _joined_rows(parts)
    assert joined.base is parts[0].base  # no index-sized copy
    np.testing.assert_array_equal(joined, np.concatenate(parts))
    shuffled = _joined_rows([parts[1], parts[0]])  # not back to back: a concatenation
    np.testing.assert_array_equal(shuffled, np.concatenate([parts[1], parts[0]]))


def test_the_series_indexes_join_without_a_copy(tmp_path: Path) -> None:
    from lstmshape._input.lazy import joined_index

    frame = _long_frame({"b": 9, "a": 12, "c": 7})
    frame = frame.assign(date=pd.date_range("2021-01-01", periods=len(frame), freq="D"))
    frame.to_parquet(tmp_path / "d.parquet")
    panel = lstmshape.read_parquet(tmp_path / "d.parquet", series="store", time="date")
    indexes = [s.index for s in panel.values()]
    joined = joined_index(indexes)
    assert joined is not None
    assert joined.equals(indexes[0].append(indexes[1:])) and joined.name == "date"
    assert np.shares_memory(joined.to_numpy(copy=False), indexes[0].to_numpy(copy=False))
    assert joined_index(indexes[::-1]) is None  # not back to back: appended by the caller


def test_a_lazy_series_indexes_rows_and_columns_like_numpy(tmp_path: Path) -> None:
    """Rows broadcast against columns give numpy's shape (min_history read 4-D before)."""
    frame = pd.DataFrame({"v": np.arange(30.0), "x": np.arange(30.0) * 2})
    frame.to_parquet(tmp_path / "a.parquet")
    lazy = lstmshape.read_parquet(tmp_path / "a.parquet")
    values = frame.to_numpy()
    rows = np.array([[3, 1], [1, 2]])
    for key in ((rows[..., None], np.array([1, 0])), (rows,), (rows, 1), (slice(2, 9, 3), [1])):
        np.testing.assert_array_equal(lazy[key], values[key])
    padded = lstmshape.windows(lazy, 4, min_history=2)
    expected = lstmshape.windows(frame, 4, min_history=2)
    np.testing.assert_array_equal(padded.X["past"], expected.X["past"])
