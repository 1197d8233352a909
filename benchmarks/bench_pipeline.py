"""Windows per second and peak memory: lstmshape vs Keras' utility vs a numpy copy loop.

One run, same machine, same windows: a 200,000 x 8 float32 series, lookback 64, next-step
target (column 0), batch 256, one full pass over the dataset. Each contender runs in a
fresh subprocess so that its peak memory (max RSS, minus the process' baseline after
importing TensorFlow) is its own. A second scenario checks lazy memory on a 2,000,000 x 8
series with lookback 128, where all windows together would take 8 GB.

Run:  python benchmarks/bench_pipeline.py            (add --quick for a smoke run)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROWS, FEATURES, LOOKBACK, BATCH = 200_000, 8, 64, 256
BIG_ROWS, BIG_LOOKBACK = 2_000_000, 128


def make_series(rows: int):
    import numpy as np

    return np.random.default_rng(0).standard_normal((rows, FEATURES)).astype(np.float32)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def make_lstmshape(series, lookback):
    import lstmshape

    return lstmshape.windows(series, lookback, targets=[0]).to_dataset(batch_size=BATCH)


def make_keras(series, lookback):
    import keras

    # Keras' targets[i] belongs to the window starting at row i: the row after it.
    return keras.utils.timeseries_dataset_from_array(
        series[:-1], series[lookback:, 0], sequence_length=lookback, batch_size=BATCH
    )


def make_numpy(series, lookback):
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    windows = np.moveaxis(sliding_window_view(series[:-1], lookback, axis=0), -1, 1)
    targets = series[lookback:, 0]

    class Batches:  # the memory-copy limit: copy each batch out of a strided view
        def __iter__(self):
            for begin in range(0, len(windows), BATCH):
                yield (
                    np.ascontiguousarray(windows[begin : begin + BATCH]),
                    targets[begin : begin + BATCH].copy(),
                )

    return Batches()


def one_pass(dataset) -> int:
    count = 0
    for x, _ in dataset:
        count += int(x.shape[0])
    return count


RUNNERS = {"lstmshape": make_lstmshape, "keras": make_keras, "numpy": make_numpy}


def one(name: str, rows: int, lookback: int) -> dict:
    """Measure one contender in this process (called in a subprocess)."""
    import tensorflow as tf  # every contender pays TensorFlow's baseline alike

    tf.constant(0)
    series = make_series(rows)
    baseline = rss_mb()
    start = time.perf_counter()
    dataset = RUNNERS[name](series, lookback)  # building the pipeline counts too
    count = one_pass(dataset)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    one_pass(dataset)  # a second epoch: steady state, no set-up
    warm = time.perf_counter() - start
    return {
        "name": name,
        "windows": count,
        "seconds": seconds,
        "windows_per_s": count / seconds,
        "warm_windows_per_s": count / warm,
        "peak_mb_over_baseline": rss_mb() - baseline,
        "series_mb": series.nbytes / 2**20,
    }


def measure(name: str, rows: int, lookback: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", name, "--rows", str(rows), "--lookback", str(lookback)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=ROWS, help=argparse.SUPPRESS)
    parser.add_argument("--lookback", type=int, default=LOOKBACK, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rows, args.lookback)))
        return

    rows, big_rows = (20_000, 200_000) if args.quick else (ROWS, BIG_ROWS)
    print(f"series {rows:,} x {FEATURES} float32, lookback {LOOKBACK}, batch {BATCH}, one pass")
    results = {name: measure(name, rows, LOOKBACK) for name in RUNNERS}
    assert len({r["windows"] for r in results.values()}) == 1, results
    print("first pass includes building the pipeline; second pass is a warm epoch")
    print(f"{'':<11}{'first pass/s':>14}{'seconds':>9}{'warm pass/s':>14}{'peak MB':>9}")
    for r in results.values():
        print(
            f"{r['name']:<11}{r['windows_per_s']:>14,.0f}{r['seconds']:>9.2f}"
            f"{r['warm_windows_per_s']:>14,.0f}{r['peak_mb_over_baseline']:>9.0f}"
        )
    for key, label in (("windows_per_s", "first pass"), ("warm_windows_per_s", "warm pass")):
        ours = results["lstmshape"][key]
        print(
            f"{label}: lstmshape / keras = {ours / results['keras'][key]:.1f}x, "
            f"lstmshape / numpy = {ours / results['numpy'][key]:.3f}x"
        )

    big = measure("lstmshape", big_rows, BIG_LOOKBACK)
    all_windows_gb = big["windows"] * BIG_LOOKBACK * FEATURES * 4 / 1e9
    print(
        f"\nlazy memory: {big_rows:,} x {FEATURES} float32 ({big['series_mb']:.0f} MB), "
        f"lookback {BIG_LOOKBACK}, {big['windows']:,} windows (all at once: "
        f"{all_windows_gb:.1f} GB): peak {big['peak_mb_over_baseline']:.0f} MB over "
        f"TensorFlow's baseline, {big['windows_per_s']:,.0f} windows/s"
    )


if __name__ == "__main__":
    main()
