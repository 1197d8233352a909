"""Windows per second of lstmshape's loaders over panels of many short series.

The M4/M5 shape: 1,000 / 10,000 / 100,000 series of 300 rows, 1 float32 feature,
lookback 24, horizon 1, batch 256, shuffled. For every size, in one process (one per
size), the same windows for everyone:

* numpy limit -- the series concatenated into one array, every sample's start row in it,
  and each shuffled batch gathered as ``sliding_window_view(rows)[starts]`` (the
  memory-copy limit of gathering batches of windows in Python);
* ``batches``, ``to_torch``, ``to_torch(device="cpu")``, ``to_pydataset`` (``dataset[i]``
  for every batch) and ``to_dataset`` (tf.data) over a list of the series, and
  ``batches`` / ``to_torch`` over the same data as one long frame with ``group_by``;
* ``to_torch`` in a ``DataLoader(batch_size=None, num_workers=k)`` for k = 1, 2 (fork).

Contenders run in rounds (every contender once per round, the median over ``--runs``
rounds), so that a busy moment of a shared machine falls on all of them alike. 1,000
series: one whole epoch per measurement (making the epoch's order included); 10,000 and
100,000 series: ``--big-batches`` batches after the first (the epoch's order of 2.76 or
27.6 million windows, made once per epoch, is left out; it is printed on its own). Peak
memory: the largest traced allocation (``tracemalloc``) while serving 200 batches,
made after the windows were built. Build: seconds of ``lstmshape.windows(...)``.

neuralforecast, darts, gluonts and pytorch-forecasting are compared in the issue that
asked for this benchmark; the table says whether they are installed here. With
``--peers-python PATH`` (a Python of another environment with neuralforecast: its
dependencies differ from lstmshape's), neuralforecast's training loader is measured on
the same data and batch in that interpreter (see :func:`peers_one_size`).

Run:  python benchmarks/bench_panels.py            (add --quick for a smoke run)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROWS, LOOKBACK, BATCH, SEED = 300, 24, 256, 0
SIZES = (1_000, 10_000, 100_000)
OTHERS = ("neuralforecast", "darts", "gluonts", "pytorch_forecasting")
CONTENDERS = (
    "numpy limit",
    "batches (list)",
    "to_torch (list)",
    "to_torch device=cpu (list)",
    "to_pydataset (list)",
    "to_dataset (list)",
    "batches (group_by)",
    "to_torch (group_by)",
    "to_torch + 1 worker (list)",
    "to_torch + 2 workers (list)",
)
NEEDS = {"torch": "torch", "pydataset": "keras", "to_dataset": "tensorflow"}


def needs(name: str) -> str | None:
    return next((module for key, module in NEEDS.items() if key in name), None)


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def make_data(n_series: int):
    import numpy as np

    return np.random.default_rng(0).standard_normal((n_series, ROWS), dtype=np.float32)


class Panel:
    """The windows of one size, built once: as a list, and as a long frame with group_by."""

    def __init__(self, n_series: int) -> None:
        import numpy as np
        import pandas as pd

        import lstmshape

        data = make_data(n_series)
        series = [data[k] for k in range(n_series)]
        start = time.perf_counter()
        self.listed = lstmshape.windows(series, LOOKBACK)
        self.list_build = time.perf_counter() - start
        frame = pd.DataFrame({"id": np.repeat(np.arange(n_series), ROWS), "v": data.ravel()})
        start = time.perf_counter()
        self.grouped = lstmshape.windows(frame, LOOKBACK, group_by="id", features=["v"])
        self.group_build = time.perf_counter() - start
        del frame
        # The numpy limit: one array, the start row of every sample, a gather per batch.
        self.rows = data.reshape(-1, 1)
        per_series = ROWS - LOOKBACK
        self.starts = (
            ROWS * np.arange(n_series, dtype=np.int64)[:, None] + np.arange(per_series)[None, :]
        ).ravel()
        self.view = np.moveaxis(
            np.lib.stride_tricks.sliding_window_view(self.rows, LOOKBACK, axis=0), -1, 1
        )
        assert len(self.starts) == len(self.listed) == len(self.grouped)

    def epoch(self, name: str, epoch: int):
        """An iterable over one shuffled epoch of ``name``, built anew."""
        import numpy as np

        shuffled = {"shuffle": True, "seed": SEED, "epoch": epoch}
        w = self.grouped if "group_by" in name else self.listed
        if name == "numpy limit":
            n = len(self.starts)
            order = np.random.default_rng([SEED, epoch]).permutation(n)
            return (
                (self.view[s], self.rows[s + LOOKBACK])
                for s in (self.starts[b] for b in np.split(order, range(BATCH, n, BATCH)))
            )
        if name.startswith("batches"):
            return w.batches(BATCH, **shuffled)
        if name.startswith("to_pydataset"):
            dataset = w.to_pydataset(BATCH, **shuffled)
            return (dataset[i] for i in range(len(dataset)))
        if name.startswith("to_dataset"):
            return w.to_dataset(batch_size=BATCH, **shuffled)
        device = "cpu" if "device" in name else None
        loader = w.to_torch(BATCH, **shuffled, device=device)
        if "worker" not in name:
            return loader
        from torch.utils.data import DataLoader

        workers = int(name.split("+ ")[1].split(" ")[0])
        return DataLoader(
            loader,
            batch_size=None,
            num_workers=workers,
            multiprocessing_context="fork",
        )


def rate(iterable, limit: int | None) -> tuple[float, int]:
    """Windows per second over the epoch, or over ``limit`` batches after the first."""
    import numpy as np

    count = 0
    start = time.perf_counter()
    iterator = iter(iterable)
    if limit is not None:
        next(iterator)  # the epoch's order and the first batch, off the clock
        start = time.perf_counter()
    for number, (x, _) in enumerate(iterator):
        count += int(np.shape(x)[0])
        if limit is not None and number + 1 >= limit:
            break
    return count / (time.perf_counter() - start), count


def peak_mb(iterable, batches: int = 200) -> float:
    iterator = iter(iterable)
    tracemalloc.start()
    for _, _ in zip(range(batches), iterator, strict=False):
        pass
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def one_size(n_series: int, runs: int, limit: int | None, names: list[str]) -> dict:
    """Measure every contender on one size (called in a subprocess)."""
    for module in {needs(name) for name in names} - {None}:
        __import__(module)
    panel = Panel(n_series)
    for name in names:  # first-call costs off the clock
        for _, _ in zip(range(3), panel.epoch(name, 99), strict=False):
            pass
    rates: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        for name in names:
            value, _ = rate(panel.epoch(name, round_), limit)
            rates[name].append(value)
    import numpy as np

    start = time.perf_counter()
    np.random.default_rng([SEED, 0]).permutation(len(panel.starts))
    order_seconds = time.perf_counter() - start
    return {
        "series": n_series,
        "windows": len(panel.starts),
        "list_build": panel.list_build,
        "group_build": panel.group_build,
        "order_seconds": order_seconds,
        "data_mb": panel.rows.nbytes / 2**20,
        "median": {name: statistics.median(values) for name, values in rates.items()},
        "peak_mb": {
            name: peak_mb(panel.epoch(name, runs)) for name in names if "worker" not in name
        },
    }


def one_series(runs: int, rows: int) -> dict:
    """``to_torch`` and ``batches`` on one long series, against the numpy gather."""
    import numpy as np
    import torch  # noqa: F401 - imported before the clock

    import lstmshape

    series = make_data(1).reshape(-1)[:rows] if rows <= ROWS else None
    if series is None:
        series = np.random.default_rng(1).standard_normal(rows, dtype=np.float32)
    w = lstmshape.windows(series, LOOKBACK)
    view = np.lib.stride_tricks.sliding_window_view(series, LOOKBACK)[:, :, None]
    n = len(w)

    def numpy_epoch(epoch: int):
        order = np.random.default_rng([SEED, epoch]).permutation(n)
        return ((view[b], series[b + LOOKBACK]) for b in np.split(order, range(BATCH, n, BATCH)))

    makers = {
        "numpy limit": numpy_epoch,
        "batches": lambda e: w.batches(BATCH, shuffle=True, seed=SEED, epoch=e),
        "to_torch": lambda e: w.to_torch(BATCH, shuffle=True, seed=SEED, epoch=e),
    }
    rates: dict[str, list[float]] = {name: [] for name in makers}
    for round_ in range(runs):
        for name, make in makers.items():
            rates[name].append(rate(make(round_), None)[0])
    return {name: statistics.median(values) for name, values in rates.items()}


def peers_one_size(n_series: int, runs: int, steps: int) -> dict:
    """neuralforecast's training loader on one size (run by the peers' interpreter).

    What ``training_step`` does before the model sees a batch: ``TimeSeriesLoader``
    yields 32 series (shuffled), ``_create_windows`` unfolds every window of them, and
    ``_sample_windows`` keeps ``windows_batch_size=256`` (the batch the model trains on).
    Counted: those 256 per step; the windows unfolded per step are reported beside.
    """
    import logging
    import warnings

    import numpy as np
    import pandas as pd
    import torch

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from neuralforecast.models import MLP
    from neuralforecast.tsdataset import TimeSeriesDataset, TimeSeriesLoader

    data = make_data(n_series)
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n_series), ROWS),
            "ds": np.tile(np.arange(ROWS), n_series),
            "y": data.ravel(),
        }
    )
    start = time.perf_counter()
    dataset, *_ = TimeSeriesDataset.from_df(frame)
    build = time.perf_counter() - start
    del frame
    model = MLP(h=1, input_size=LOOKBACK, windows_batch_size=BATCH, batch_size=32, max_steps=1)
    model.val_size = model.test_size = 0
    torch.manual_seed(SEED)
    sampled, unfolded = [], []
    for _ in range(runs):
        loader = TimeSeriesLoader(dataset, batch_size=32, shuffle=True)
        count = made = 0
        start = time.perf_counter()
        for step, batch in enumerate(loader):
            temporal, static, static_cols, condition, weights, columns = model._create_windows(
                batch, step="train"
            )
            picked = torch.randperm(len(condition))[:BATCH]
            windows = model._sample_windows(
                windows_temporal=temporal,
                static=static,
                static_cols=static_cols,
                temporal_cols=columns,
                w_idxs=picked,
                final_condition=condition,
                sample_weight=weights,
            )
            count += len(windows["temporal"])
            made += len(condition)
            if step + 1 >= steps:
                break
        seconds = time.perf_counter() - start
        sampled.append(count / seconds)
        unfolded.append(made / seconds)
    import neuralforecast

    return {
        "neuralforecast": neuralforecast.__version__,
        "build": build,
        "sampled": statistics.median(sampled),
        "unfolded": statistics.median(unfolded),
    }


def in_subprocess(args: list[str], python: str | None = None) -> dict:
    out = subprocess.run(
        [python or sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--runs", type=int, default=3, help="rounds of every contender (3)")
    parser.add_argument(
        "--big-batches", type=int, default=2_000, help="batches timed at 100,000 series"
    )
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--names", help=argparse.SUPPRESS)
    parser.add_argument("--one-series", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--peers-python",
        help="a Python with neuralforecast installed (another venv): its loader is measured too",
    )
    parser.add_argument("--peer-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--peer-steps", type=int, default=200, help="steps timed per round")
    args = parser.parse_args()
    if args.peer_size:
        print(json.dumps(peers_one_size(args.peer_size, args.runs, args.peer_steps)))
        return
    if args.size:
        names = json.loads(args.names)
        print(json.dumps(one_size(args.size, args.runs, args.limit, names)))
        return
    if args.one_series:
        print(json.dumps(one_series(args.runs, args.one_series)))
        return

    sizes = (100, 10_000) if args.quick else SIZES
    runs = 1 if args.quick else max(args.runs, 1)
    big = 50 if args.quick else args.big_batches
    names = []
    skipped = []
    for name in CONTENDERS:
        module = needs(name)
        if module is not None and not installed(module):
            skipped.append(f"{name} ({module} not installed)")
        else:
            names.append(name)
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"series of {ROWS} rows x 1 float32 feature, lookback {LOOKBACK}, horizon 1, batch "
        f"{BATCH}, shuffled; median of {runs} rounds; load average at start "
        f"{os.getloadavg()[0]:.1f}"
    )
    absent = [
        f"{name} (not installed)" if args.peers_python is None else f"{name} (not wired in)"
        for name in OTHERS
        if not installed(name) and not (args.peers_python and name == "neuralforecast")
    ]
    print("not measured: " + ", ".join(skipped + absent or ["-"]))
    for size in sizes:
        limit = big if size >= 10_000 else None
        extra = ["--limit", str(limit)] if limit else []
        result = in_subprocess(
            ["--size", str(size), "--runs", str(runs), "--names", json.dumps(names), *extra]
        )
        measured = "one epoch" if limit is None else f"{limit:,} batches after the first"
        print(
            f"\n{size:,} series, {result['windows']:,} windows ({measured}); data "
            f"{result['data_mb']:.1f} MB; build: list {result['list_build']:.2f} s, group_by "
            f"{result['group_build']:.2f} s; the epoch's order {result['order_seconds']:.2f} s"
        )
        numpy_rate = result["median"]["numpy limit"]
        print(f"  {'':<30}{'windows/s':>12}{'vs numpy':>10}{'peak MB':>9}")
        for name, value in result["median"].items():
            peak = result["peak_mb"].get(name)
            shown = f"{peak:>9.1f}" if peak is not None else f"{'':>9}"
            print(f"  {name:<30}{value:>12,.0f}{value / numpy_rate:>9.2f}x{shown}")
        if args.peers_python:
            steps = 20 if args.quick else args.peer_steps
            peer = in_subprocess(
                ["--peer-size", str(size), "--runs", str(runs), "--peer-steps", str(steps)],
                args.peers_python,
            )
            name = f"neuralforecast {peer['neuralforecast']}"
            value = peer["sampled"]
            print(
                f"  {name:<30}{value:>12,.0f}{value / numpy_rate:>9.2f}x  ({steps} steps of "
                f"32 series: {peer['unfolded']:,.0f} windows/s unfolded, {BATCH} per step "
                f"sampled; build {peer['build']:.2f} s)"
            )
    if installed("torch"):
        rows = 20_000 if args.quick else 300_000
        single = in_subprocess(["--one-series", str(rows), "--runs", str(runs)])
        print(f"\none series of {rows:,} rows, one epoch:")
        for name, value in single.items():
            print(f"  {name:<30}{value:>12,.0f}{value / single['numpy limit']:>9.2f}x")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
