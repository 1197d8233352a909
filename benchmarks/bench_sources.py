"""Panels read from files: memory follows what a batch touches, not the number of series.

For 1,000 and 10,000 series of ``ROWS`` rows and ``COLUMNS`` float columns, each in a fresh
process: write a Parquet folder (``FILES`` files, a row group per ``SERIES_PER_GROUP`` series)
and an uncompressed Arrow IPC file, then ``read_parquet``/``read_arrow`` it, make windows,
``split`` it (test = the last 20% of each series) and serve ``BATCHES`` shuffled batches of
256 training windows through ``to_torch`` (readers' cache bound ``CACHE_BYTES``, 8 MiB).
Printed per run: the time of each step, peak tracemalloc (Python and numpy allocations),
Arrow's peak pool allocation, peak RSS, and the sizes of the index (series column, times,
row numbers) and of the data, for scale.

    PYTHONPATH=src python benchmarks/bench_sources.py            # 1,000 and 10,000 series
    PYTHONPATH=src python benchmarks/bench_sources.py --series 1000
    PYTHONPATH=src python benchmarks/bench_sources.py --compare 2000   # Arrow IPC vs Parquet
    PYTHONPATH=src python benchmarks/bench_sources.py --speed 10000    # without tracemalloc
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 200
COLUMNS = 4
FILES = 10
SERIES_PER_GROUP = 20
LOOKBACK = 24
#: Batches served per run (shuffled, so they touch series all over the panel).
BATCHES = 300
#: The readers' cache bound, below the data's size so that reads must go to the files.
CACHE_BYTES = 8 * 2**20


def _write(folder: Path, n_series: int) -> dict[str, float]:
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    started = time.perf_counter()
    (folder / "parquet").mkdir()
    per_file = n_series // FILES
    dates = pd.date_range("2020-01-01", periods=ROWS, freq="h", unit="us").asi8
    rng = np.random.default_rng(0)
    writer = None
    arrow_path = folder / "data.arrow"
    for f in range(FILES):
        names = np.repeat(np.arange(f * per_file, (f + 1) * per_file), ROWS)
        columns = {
            "series": pa.array(names.astype(np.int32)),
            "time": pa.array(np.tile(dates, per_file), pa.timestamp("us")),
        }
        for j in range(COLUMNS):
            columns[f"x{j}"] = pa.array(rng.standard_normal(names.size))
        table = pa.table(columns)
        pq.write_table(
            table,
            folder / "parquet" / f"part-{f:03d}.parquet",
            row_group_size=SERIES_PER_GROUP * ROWS,
        )
        if writer is None:
            sink = pa.OSFile(str(arrow_path), "wb")
            writer = pa.ipc.new_file(sink, table.schema)
        writer.write_table(table, max_chunksize=SERIES_PER_GROUP * ROWS)
    assert writer is not None
    writer.close()
    sink.close()
    del feather
    return {"write_s": time.perf_counter() - started}


def _run(kind: str, folder: Path) -> dict[str, float]:
    import pyarrow as pa

    import lstmshape

    pool = pa.default_memory_pool()
    tracemalloc.start()
    steps: dict[str, float] = {}
    started = time.perf_counter()
    if kind == "parquet":
        panel = lstmshape.read_parquet(folder / "parquet", series="series", cache_bytes=CACHE_BYTES)
    else:
        panel = lstmshape.read_arrow(
            folder / "data.arrow", series="series", cache_bytes=CACHE_BYTES
        )
    steps["open_s"] = time.perf_counter() - started
    started = time.perf_counter()
    windows = lstmshape.windows(panel, LOOKBACK)
    steps["windows_s"] = time.perf_counter() - started
    started = time.perf_counter()
    parts = lstmshape.split(panel, LOOKBACK, test=0.2)
    steps["split_s"] = time.perf_counter() - started
    started = time.perf_counter()
    served = 0
    for number, (x, _) in enumerate(parts.train.to_torch(256, shuffle=True, seed=0)):
        served += int(x.shape[0])
        if number + 1 == BATCHES:
            break
    steps["to_torch_epoch_s"] = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = sum(len(s) for s in panel.values())
    return {
        **steps,
        "series": len(panel),
        "windows": len(windows),
        "train_windows_served": served,
        "tracemalloc_peak_mib": peak / 2**20,
        "arrow_pool_peak_mib": pool.max_memory() / 2**20,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10,
        "index_mib": rows * (4 + 8 + 8) / 2**20,  # series code, time, row number per row
        "data_mib": rows * COLUMNS * 8 / 2**20,
    }


def compare(n_series: int) -> None:
    """Arrow IPC or Parquet: size on disk and the time of shuffled batches (no tracemalloc)."""
    import lstmshape

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, n_series)
        parquet_bytes = sum(p.stat().st_size for p in (folder / "parquet").iterdir())
        arrow_bytes = (folder / "data.arrow").stat().st_size
        print(
            f"{n_series:,} series, {n_series * ROWS * COLUMNS * 8 / 2**20:.1f} MiB of float64: "
            f"Parquet (snappy) {parquet_bytes / 2**20:.1f} MiB on disk, Arrow IPC "
            f"(uncompressed) {arrow_bytes / 2**20:.1f} MiB"
        )
        for kind, cache in itertools.product(("parquet", "arrow"), (64 * 2**20, 2**20)):
            if kind == "parquet":
                panel = lstmshape.read_parquet(
                    folder / "parquet", series="series", cache_bytes=cache
                )
            else:
                panel = lstmshape.read_arrow(
                    folder / "data.arrow", series="series", cache_bytes=cache
                )
            windows = lstmshape.windows(panel, LOOKBACK)
            for label, shuffle in (("in order", False), ("shuffled", True)):
                started = time.perf_counter()
                seed = 0 if shuffle else None
                for number, _ in enumerate(windows.batches(256, shuffle=shuffle, seed=seed)):
                    if number + 1 == 100:
                        break
                per_batch = (time.perf_counter() - started) / 100 * 1000
                print(
                    f"  {kind:8s} cache {cache // 2**20:2d} MiB, 100 batches of 256 windows, "
                    f"{label}: {per_batch:.1f} ms/batch"
                )


def speed(n_series: int) -> None:
    """Open and shuffled ``to_torch`` batches without tracemalloc (which slows Python code)."""
    import lstmshape

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, n_series)
        for kind in ("parquet", "arrow"):
            started = time.perf_counter()
            if kind == "parquet":
                panel = lstmshape.read_parquet(
                    folder / "parquet", series="series", cache_bytes=CACHE_BYTES
                )
            else:
                panel = lstmshape.read_arrow(
                    folder / "data.arrow", series="series", cache_bytes=CACHE_BYTES
                )
            opened = time.perf_counter() - started
            parts = lstmshape.split(panel, LOOKBACK, test=0.2)
            batches = iter(parts.train.to_torch(256, shuffle=True, seed=0))
            next(batches)  # torch imported, the first row groups read
            started = time.perf_counter()
            for _ in range(40):
                next(batches)
            per_batch = (time.perf_counter() - started) / 40 * 1000
            print(
                f"  {kind:8s} {n_series:,} series: open {opened:.2f} s, 40 shuffled batches of "
                f"to_torch(256), cache {CACHE_BYTES // 2**20} MiB: {per_batch:.0f} ms/batch"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=int, metavar="SERIES", help=compare.__doc__)
    parser.add_argument("--speed", type=int, metavar="SERIES", help=speed.__doc__)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare)
        return
    if args.speed:
        speed(args.speed)
        return
    if args.child:
        kind, folder, n = args.child
        result = _write(Path(folder), int(n)) if kind == "write" else _run(kind, Path(folder))
        print(json.dumps(result))
        return
    print(
        f"{ROWS} rows x {COLUMNS} float64 columns per series; Parquet: {FILES} files, a row "
        f"group per {SERIES_PER_GROUP} series; Arrow IPC: one uncompressed file, a record "
        f"batch per {SERIES_PER_GROUP} series; lookback {LOOKBACK}, split test=0.2, "
        f"{BATCHES} batches of to_torch(256, shuffle=True) over the training part, "
        f"cache_bytes={CACHE_BYTES // 2**20} MiB"
    )
    for n in args.series:
        with tempfile.TemporaryDirectory() as tmp:
            written = _child("write", tmp, n)
            print(f"\n{n:,} series (written in {written['write_s']:.1f} s)")
            for kind in ("parquet", "arrow"):
                r = _child(kind, tmp, n)
                print(
                    f"  {kind:8s} open {r['open_s']:.2f} s  windows {r['windows_s']:.2f} s  "
                    f"split {r['split_s']:.2f} s  to_torch {r['to_torch_epoch_s']:.2f} s "
                    f"({int(r['train_windows_served']):,} windows)\n"
                    f"           peak tracemalloc {r['tracemalloc_peak_mib']:.1f} MiB  "
                    f"Arrow pool peak {r['arrow_pool_peak_mib']:.1f} MiB  "
                    f"peak RSS {r['peak_rss_mib']:.0f} MiB  "
                    f"(index {r['index_mib']:.1f} MiB, data {r['data_mib']:.1f} MiB)"
                )


def _child(kind: str, folder: str, n: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, folder, str(n)]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    main()
