"""tf.data throughput, fit overhead and peak memory: lstmshape vs Keras vs tf.data's own floor.

One run, same machine, same windows: a 200,000 x 8 float32 series, lookback 64, next-step
target (column 0), batch 256. Every contender runs in a fresh subprocess (so its peak
memory is its own), several times, the runs interleaved so that a busy moment on a shared
machine hits every contender alike; the tables give every run and the median.

Contenders, each iterated by an eager Python ``for`` loop over the dataset:

* ``lstmshape`` / ``lstmshape shuffled``: ``Windows.to_dataset(batch_size=256)``, and with
  ``shuffle=True, seed=0``;
* ``shuffled, autotuned``: the same with ``num_parallel_calls=tf.data.AUTOTUNE``, which turns
  tf.data's autotuner on (it is off by default: this row shows why);
* ``keras``: ``keras.utils.timeseries_dataset_from_array`` on the same windows (the peer);
* ``no-work ceiling``: ``Dataset.range(n_batches).map(lambda i: constant batch)`` with
  batches of the same shapes: what tf.data and the loop cost when the map does nothing;
* ``bare gather``: a shuffled in-graph ``tf.gather`` of each batch's rows from a constant,
  with a fixed permutation: the least a shuffled window pipeline does;
* ``numpy``: copy each batch out of a ``sliding_window_view`` (the memory-copy limit,
  TensorFlow not involved).

"first pass" includes building the pipeline; "warm pass" is the second epoch. Then
``model.fit`` of a 32-unit LSTM (``lstmshape.build_model(w, units=32)``, adam/mse) for one
warm-up epoch plus a few timed epochs, fed by ``to_dataset(batch_size=256, shuffle=True,
seed=0)`` or by in-memory arrays (``fit(X, y, batch_size=256, shuffle=True)``, X a contiguous
copy), and by the autotuned ``to_dataset``: same model, same steps; a smaller series keeps
it short. Peak memory is the max RSS
of the process minus its RSS after importing TensorFlow and making the series. Last, lazy
memory: a 2,000,000 x 8 series with lookback 128, whose windows would take 8 GB.

Run:  python benchmarks/bench_pipeline.py            (6 CPU-minutes; longer on a busy machine)
      python benchmarks/bench_pipeline.py --quick    (a smoke run: small sizes, one run)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROWS, FEATURES, LOOKBACK, BATCH = 200_000, 8, 64, 256
FIT_ROWS, FIT_EPOCHS, FIT_UNITS = 25_000, 3, 32
BIG_ROWS, BIG_LOOKBACK = 2_000_000, 128
RUNS = 3
TARGETS = {"keras_warm": 100.0, "ceiling": 0.60, "fit": 1.05}


# -- the data and the contenders (run inside a subprocess) ------------------------------------
def make_series(rows: int) -> Any:
    import numpy as np

    return np.random.default_rng(0).standard_normal((rows, FEATURES)).astype(np.float32)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def n_windows(rows: int, lookback: int) -> int:
    return rows - lookback  # next-step target: the last window needs the row after it


def make_lstmshape(series: Any, lookback: int) -> Any:
    import lstmshape

    return lstmshape.windows(series, lookback, targets=[0]).to_dataset(batch_size=BATCH)


def make_lstmshape_shuffled(series: Any, lookback: int) -> Any:
    import lstmshape

    windows = lstmshape.windows(series, lookback, targets=[0])
    return windows.to_dataset(batch_size=BATCH, shuffle=True, seed=0)


def make_lstmshape_autotuned(series: Any, lookback: int) -> Any:
    import tensorflow as tf

    import lstmshape

    windows = lstmshape.windows(series, lookback, targets=[0])
    return windows.to_dataset(
        batch_size=BATCH, shuffle=True, seed=0, num_parallel_calls=tf.data.AUTOTUNE
    )


def make_keras(series: Any, lookback: int) -> Any:
    import keras

    # Keras' targets[i] belongs to the window starting at row i: the row after it.
    return keras.utils.timeseries_dataset_from_array(
        series[:-1], series[lookback:, 0], sequence_length=lookback, batch_size=BATCH
    )


def make_ceiling(series: Any, lookback: int) -> Any:
    import tensorflow as tf

    n = n_windows(len(series), lookback)
    x = tf.zeros((BATCH, lookback, FEATURES), dtype=tf.float32)
    y = tf.zeros((BATCH, 1), dtype=tf.float32)
    return tf.data.Dataset.range(-(-n // BATCH)).map(lambda _: (x, y))


def make_bare_gather(series: Any, lookback: int) -> Any:
    import numpy as np
    import tensorflow as tf

    n = n_windows(len(series), lookback)
    values = tf.constant(series)
    order = tf.constant(np.random.default_rng(0).permutation(n))
    offsets = tf.range(lookback, dtype=tf.int64)[None, :]
    targets = tf.constant(series[lookback:, :1])

    def batch(number: Any) -> Any:
        starts = order[number * BATCH : (number + 1) * BATCH]
        return tf.gather(values, starts[:, None] + offsets), tf.gather(targets, starts)

    dataset = tf.data.Dataset.range(-(-n // BATCH))
    return dataset.map(batch, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def make_numpy(series: Any, lookback: int) -> Any:
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    windows = np.moveaxis(sliding_window_view(series[:-1], lookback, axis=0), -1, 1)
    targets = series[lookback:, 0]

    class Batches:  # the memory-copy limit: copy each batch out of a strided view
        def __iter__(self) -> Any:
            for begin in range(0, len(windows), BATCH):
                yield (
                    np.ascontiguousarray(windows[begin : begin + BATCH]),
                    targets[begin : begin + BATCH].copy(),
                )

    return Batches()


PIPELINES: dict[str, Callable[[Any, int], Any]] = {
    "lstmshape": make_lstmshape,
    "lstmshape shuffled": make_lstmshape_shuffled,
    "shuffled, autotuned": make_lstmshape_autotuned,
    "keras": make_keras,
    "no-work ceiling": make_ceiling,
    "bare gather": make_bare_gather,
    "numpy": make_numpy,
}
FIT_ARMS = ("fit to_dataset", "fit arrays", "fit autotuned")


def one_pass(dataset: Iterable[Any]) -> int:
    count = 0
    for x, _ in dataset:
        count += int(x.shape[0])
    return count


def measure_pipeline(name: str, rows: int, lookback: int) -> dict[str, Any]:
    import tensorflow as tf  # every contender pays TensorFlow's baseline alike

    tf.constant(0)
    series = make_series(rows)
    baseline = rss_mb()
    start = time.perf_counter()
    dataset = PIPELINES[name](series, lookback)  # building the pipeline counts too
    count = one_pass(dataset)
    first = time.perf_counter() - start
    start = time.perf_counter()
    one_pass(dataset)  # a second epoch: steady state, no set-up
    warm = time.perf_counter() - start
    return {
        "windows": count,
        "first": count / first,
        "warm": count / warm,
        "peak_mb": rss_mb() - baseline,
        "series_mb": series.nbytes / 2**20,
    }


def measure_fit(name: str, rows: int, epochs: int) -> dict[str, Any]:
    import keras
    import numpy as np
    import tensorflow as tf

    import lstmshape

    tf.constant(0)
    series = make_series(rows)
    windows = lstmshape.windows(series, LOOKBACK, targets=[0])
    baseline = rss_mb()
    keras.utils.set_random_seed(0)
    model = lstmshape.build_model(windows, units=FIT_UNITS)
    model.compile(optimizer="adam", loss="mse")
    times: list[float] = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            times.append(time.perf_counter() - self.start)

    timer = EpochTimer()
    if name != "fit arrays":
        tuned = {"num_parallel_calls": tf.data.AUTOTUNE} if name == "fit autotuned" else {}
        dataset = windows.to_dataset(batch_size=BATCH, shuffle=True, seed=0, **tuned)
        steps = len(dataset)
        model.fit(dataset, epochs=1 + epochs, verbose=0, callbacks=[timer])
    else:
        x, y = np.array(windows.X), np.array(windows.y)  # contiguous, in memory
        steps = -(-len(x) // BATCH)
        model.fit(
            x, y, batch_size=BATCH, shuffle=True, epochs=1 + epochs, verbose=0, callbacks=[timer]
        )
    return {"steps": steps, "epochs": times[1:], "warmup": times[0], "peak_mb": rss_mb() - baseline}


def measure(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the report --------------------------------------------------------------------------------
def machine() -> str:
    from importlib.metadata import version  # TensorFlow itself is only imported by the runs

    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores ({model}), {platform.system()}, Python {platform.python_version()}, "
        f"numpy {version('numpy')}, TensorFlow {version('tensorflow')}, Keras {version('keras')}"
    )


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def runs_line(values: list[float], fmt: str) -> str:
    return " ".join(format(v, fmt) for v in values)


def verdict(ok: bool) -> str:
    return "target met" if ok else "TARGET MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run (smoke)")
    parser.add_argument("--runs", type=int, help=f"runs per contender (default {RUNS})")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, name, *sizes = args.one
        measure_one = measure_pipeline if kind == "pipeline" else measure_fit
        print(json.dumps(measure_one(name, *map(int, sizes))))
        return

    wall = time.perf_counter()
    quick = args.quick
    rows, fit_rows, big_rows = (20_000, 3_000, 200_000) if quick else (ROWS, FIT_ROWS, BIG_ROWS)
    fit_epochs = 2 if quick else FIT_EPOCHS
    runs = args.runs or (1 if quick else RUNS)
    print(f"machine: {machine()}")
    print(f"start: {load()}")
    print(
        f"series {rows:,} x {FEATURES} float32, lookback {LOOKBACK}, next-step target, "
        f"batch {BATCH}; {runs} runs per contender, interleaved, each in a fresh process"
    )

    results: dict[str, list[dict[str, Any]]] = {name: [] for name in (*PIPELINES, *FIT_ARMS)}
    for _ in range(runs):
        for name in PIPELINES:
            results[name].append(measure("pipeline", name, str(rows), str(LOOKBACK)))
        for name in FIT_ARMS:
            results[name].append(measure("fit", name, str(fit_rows), str(fit_epochs)))
    # Every contender served the same windows (the ceiling's last batch is a full one).
    counts = {r["windows"] for name in PIPELINES for r in results[name] if "ceiling" not in name}
    assert len(counts) == 1, counts

    med: dict[str, dict[str, float]] = {}
    print(
        f"\nwindows/s, one full pass ({counts.pop():,} windows); first pass includes building "
        f"the pipeline, warm pass is the second epoch; median of {runs} runs"
    )
    print(f"{'':<20}{'first pass':>12}{'warm pass':>12}{'peak MB':>9}   warm pass, every run")
    for name in PIPELINES:
        rs = results[name]
        med[name] = {k: statistics.median(r[k] for r in rs) for k in ("first", "warm", "peak_mb")}
        m = med[name]
        print(
            f"{name:<20}{m['first']:>12,.0f}{m['warm']:>12,.0f}{m['peak_mb']:>9.0f}   "
            f"{runs_line([r['warm'] for r in rs], ',.0f')}"
        )

    ours, shuffled = med["lstmshape"], med["lstmshape shuffled"]
    keras_, ceiling = med["keras"], med["no-work ceiling"]
    print("\nratios of medians (target in brackets):")
    print(
        f"  lstmshape / keras: first pass {ours['first'] / keras_['first']:.1f}x, warm "
        f"{ours['warm'] / keras_['warm']:.1f}x [>= {TARGETS['keras_warm']:.0f}x warm: "
        f"{verdict(ours['warm'] / keras_['warm'] >= TARGETS['keras_warm'])}]"
    )
    ratio = shuffled["warm"] / ceiling["warm"]
    print(
        f"  lstmshape shuffled / no-work ceiling, warm: {ratio:.2f} "
        f"[>= {TARGETS['ceiling']:.2f}: {verdict(ratio >= TARGETS['ceiling'])}]"
    )
    print(f"  lstmshape unshuffled / no-work ceiling, warm: {ours['warm'] / ceiling['warm']:.2f}")
    print(
        f"  lstmshape shuffled / bare gather, warm: "
        f"{shuffled['warm'] / med['bare gather']['warm']:.2f}"
    )
    print(
        f"  shuffled, autotuned / no-work ceiling, warm: "
        f"{med['shuffled, autotuned']['warm'] / ceiling['warm']:.2f} (tf.data's autotuner on)"
    )
    print(f"  lstmshape / numpy copy loop, warm: {ours['warm'] / med['numpy']['warm']:.3f}")

    print(
        f"\nmodel.fit, {FIT_UNITS}-unit LSTM, adam/mse, series {fit_rows:,} x {FEATURES}, "
        f"batch {BATCH}, shuffled; seconds per epoch after a warm-up epoch, "
        f"{fit_epochs} epochs x {runs} runs"
    )
    epoch_medians = {}
    for name in FIT_ARMS:
        rs = results[name]
        steps = {r["steps"] for r in rs}
        epochs = [t for r in rs for t in r["epochs"]]
        epoch_medians[name] = statistics.median(epochs)
        peak = statistics.median(r["peak_mb"] for r in rs)
        print(
            f"  {name:<16} {steps.pop()} steps, median {epoch_medians[name]:.3f} s, peak "
            f"{peak:.0f} MB; epochs: {runs_line(epochs, '.3f')}"
        )
    fit_ratio = epoch_medians["fit to_dataset"] / epoch_medians["fit arrays"]
    print(
        f"  to_dataset / arrays: {fit_ratio:.3f} [<= {TARGETS['fit']:.2f}: "
        f"{verdict(fit_ratio <= TARGETS['fit'])}]"
    )
    tuned_ratio = epoch_medians["fit autotuned"] / epoch_medians["fit arrays"]
    print(f"  to_dataset autotuned / arrays: {tuned_ratio:.3f} (tf.data's autotuner on)")

    big = measure("pipeline", "lstmshape", str(big_rows), str(BIG_LOOKBACK))
    all_windows_gb = big["windows"] * BIG_LOOKBACK * FEATURES * 4 / 1e9
    print(
        f"\nlazy memory: {big_rows:,} x {FEATURES} float32 ({big['series_mb']:.0f} MB), "
        f"lookback {BIG_LOOKBACK}, {big['windows']:,} windows (all at once: "
        f"{all_windows_gb:.1f} GB): peak {big['peak_mb']:.0f} MB over "
        f"TensorFlow's baseline, {big['first']:,.0f} windows/s (one run)"
    )
    print(f"\nend: {load()}; benchmark wall time {time.perf_counter() - wall:.0f} s")


if __name__ == "__main__":
    main()
