"""Windows per second of every lstmshape loader, against the numpy limit and the PyTorch recipe.

One run, one machine, the same windows for everyone: a 200,000 x 8 float32 series, lookback
64, next-step target (column 0), batch 256, shuffled, one full epoch per run. Contenders:

* numpy limit -- ``swv[starts]`` of the same shuffled batches from a ``sliding_window_view``
  (the memory-copy limit of gathering batches of windows in Python);
* ``Windows.batches``, ``Windows.to_torch``, ``Windows.to_pydataset`` (``dataset[i]`` for
  every batch, as ``model.fit`` reads it) and ``Windows.to_dataset`` (tf.data);
* lstmshape's map-style ``WindowDataset`` in a default shuffling ``DataLoader``;
* the hand-written PyTorch recipe -- a map-style ``Dataset`` slicing one window per
  ``__getitem__``, ``DataLoader(batch_size=256, shuffle=True)``.

Each contender runs in its own process (its peak memory is its own: max RSS over the
process' baseline after its imports and the series, and the peak of numpy's and Python's
allocations traced by ``tracemalloc`` in one more epoch). Every contender runs once per
round, in a fresh process, for ``--runs`` rounds; the median over the rounds is reported
(a busy moment of a shared machine then falls on all contenders alike).

``--keras`` adds the epoch time of one small LSTM on every installed Keras backend, fed by
``to_pydataset`` and by in-memory arrays (one process per backend, epochs alternating).

Run:  python benchmarks/bench_loaders.py            (add --quick for a smoke run)
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
import tracemalloc

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROWS, FEATURES, LOOKBACK, BATCH, SEED = 200_000, 8, 64, 256, 0
EPOCHS = 2  # timed epochs per process and round
CONTENDERS = (
    "numpy limit",
    "batches",
    "to_torch",
    "to_pydataset",
    "to_dataset",
    "WindowDataset + DataLoader",
    "hand-written recipe",
)
#: The framework each contender imports before its baseline is taken.
NEEDS = {
    "to_torch": "torch",
    "WindowDataset + DataLoader": "torch",
    "hand-written recipe": "torch",
    "to_pydataset": "keras",
    "to_dataset": "tensorflow",
}


def make_series(rows: int):
    import numpy as np

    return np.random.default_rng(0).standard_normal((rows, FEATURES), dtype=np.float32)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def epoch_of(name: str, series, epoch: int):
    """Return an iterable over one shuffled epoch of ``name``, built anew (building counts)."""
    import numpy as np

    import lstmshape

    w = lstmshape.windows(series, LOOKBACK, targets=[0])
    shuffled = {"shuffle": True, "seed": SEED}
    if name == "numpy limit":
        view = np.moveaxis(np.lib.stride_tricks.sliding_window_view(series, LOOKBACK, 0), -1, 1)
        targets = series[LOOKBACK:, 0:1]
        n = len(series) - LOOKBACK
        order = np.random.default_rng([SEED, epoch]).permutation(n)
        return ((view[b], targets[b]) for b in np.split(order, range(BATCH, n, BATCH)))
    if name == "batches":
        return w.batches(BATCH, epoch=epoch, **shuffled)
    if name == "to_torch":
        return w.to_torch(BATCH, epoch=epoch, **shuffled)
    if name == "to_pydataset":
        dataset = w.to_pydataset(BATCH, epoch=epoch, **shuffled)
        return (dataset[i] for i in range(len(dataset)))
    if name == "to_dataset":
        return w.to_dataset(batch_size=BATCH, epoch=epoch, **shuffled)
    import torch
    from torch.utils.data import DataLoader, Dataset

    if name == "WindowDataset + DataLoader":
        generator = torch.Generator().manual_seed(epoch)
        return DataLoader(w.to_torch_dataset(), batch_size=BATCH, shuffle=True, generator=generator)

    class Recipe(Dataset):  # the hand-written recipe of countless tutorials
        def __init__(self, data, lookback):
            self.data = torch.from_numpy(data)
            self.lookback = lookback

        def __len__(self):
            return len(self.data) - self.lookback

        def __getitem__(self, i):
            return self.data[i : i + self.lookback], self.data[i + self.lookback, 0:1]

    generator = torch.Generator().manual_seed(epoch)
    return DataLoader(Recipe(series, LOOKBACK), batch_size=BATCH, shuffle=True, generator=generator)


def one(name: str, rows: int, runs: int) -> dict:
    """Measure one contender in this process (called in a subprocess)."""
    if name in NEEDS:
        __import__(NEEDS[name])
    import numpy as np

    series = make_series(rows)
    list(epoch_of(name, make_series(2_000), 0))  # imports and first-call costs, off the clock
    baseline = rss_mb()
    rates, count = [], 0
    for epoch in range(runs):
        start = time.perf_counter()
        count = 0
        for x, _ in epoch_of(name, series, epoch):
            count += int(np.shape(x)[0])
        rates.append(count / (time.perf_counter() - start))
    rss_growth = max(rss_mb() - baseline, 0.0)
    tracemalloc.start()  # one more epoch, off the clock: numpy's and Python's allocations
    for _ in epoch_of(name, series, runs):
        pass
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "name": name,
        "windows": count,
        "rates": rates,
        "median": statistics.median(rates),
        "rss_mb": rss_growth,
        "traced_mb": traced_peak,
    }


KERAS_SETUP = {"rows": 5_000, "lookback": 32, "units": 16, "epochs": 5}


def keras_epochs(backend: str, quick: bool) -> dict:
    """Seconds per epoch of one small LSTM fed both ways (a subprocess with KERAS_BACKEND set).

    One model, epochs alternating between the two feeds, so that both see the same moments
    of a shared machine; the first epoch of each feed (compilation) is not counted.
    """
    import keras
    import numpy as np

    import lstmshape

    setup = dict(KERAS_SETUP, rows=1_000, epochs=2) if quick else KERAS_SETUP
    series = make_series(setup["rows"])
    w = lstmshape.windows(series, setup["lookback"], targets=[0])
    model = keras.Sequential(
        [keras.Input(w.input_shape), keras.layers.LSTM(setup["units"]), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    dataset = w.to_pydataset(BATCH, shuffle=True, seed=SEED)
    x, y = np.ascontiguousarray(w.X), np.ascontiguousarray(w.y)
    seconds: dict[str, list[float]] = {"to_pydataset": [], "arrays": []}
    for _ in range(setup["epochs"] + 1):
        start = time.perf_counter()
        model.fit(dataset, epochs=1, shuffle=False, verbose=0)
        seconds["to_pydataset"].append(time.perf_counter() - start)
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        seconds["arrays"].append(time.perf_counter() - start)
    warm = {feed: times[1:] for feed, times in seconds.items()}
    return {"backend": backend, "windows": len(w), "seconds": warm}


def in_subprocess(args: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=1800,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--runs", type=int, default=5, help="rounds of every contender (5)")
    parser.add_argument("--keras", action="store_true", help="also time an LSTM per backend")
    parser.add_argument("--keras-only", action="store_true", help="only the Keras epochs")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--feed", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=ROWS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one and args.feed:
        print(json.dumps(keras_epochs(args.one, args.quick)))
        return
    if args.one:
        print(json.dumps(one(args.one, args.rows, args.runs)))
        return

    rows = 20_000 if args.quick else ROWS
    runs = 3 if args.quick else max(args.runs, 3)
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"series {rows:,} x {FEATURES} float32, lookback {LOOKBACK}, batch {BATCH}, "
        f"shuffled; median of {runs} rounds, each contender in a fresh process per round; "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )
    if not args.keras_only:
        names = []
        for name in CONTENDERS:
            if name in NEEDS and not installed(NEEDS[name]):
                print(f"  ({name}: skipped, {NEEDS[name]} is not installed)")
            else:
                names.append(name)
        # Rounds: every contender once per round, each in a fresh process, so that a busy moment
        # of the machine falls on all of them alike; the median is taken over the rounds.
        rounds: dict[str, list[dict]] = {name: [] for name in names}
        for _ in range(runs):
            for name in names:
                rounds[name].append(
                    in_subprocess(["--one", name, "--rows", str(rows), "--runs", str(EPOCHS)])
                )
        results = {
            name: {
                "name": name,
                "windows": runs_[0]["windows"],
                "median": statistics.median(r["median"] for r in runs_),
                "rss_mb": max(r["rss_mb"] for r in runs_),
                "traced_mb": max(r["traced_mb"] for r in runs_),
            }
            for name, runs_ in rounds.items()
        }
        assert len({r["windows"] for r in results.values()}) == 1, results
        numpy_rate = results["numpy limit"]["median"]
        recipe = results.get("hand-written recipe", {}).get("median")
        print(
            f"{'':<28}{'windows/s':>12}{'vs numpy':>10}{'vs recipe':>11}"
            f"{'RSS MB':>8}{'traced MB':>11}"
        )
        for r in results.values():
            versus = f"{r['median'] / recipe:>10.1f}x" if recipe else f"{'':>11}"
            print(
                f"{r['name']:<28}{r['median']:>12,.0f}{r['median'] / numpy_rate:>9.2f}x"
                f"{versus}{r['rss_mb']:>8.0f}{r['traced_mb']:>11.1f}"
            )

        print(f"load average at the end of the loaders: {os.getloadavg()[0]:.1f}")
    if args.keras or args.keras_only:
        setup = dict(KERAS_SETUP, rows=1_000, epochs=2) if args.quick else KERAS_SETUP
        print(
            f"\nKeras: LSTM({setup['units']}) on {setup['rows']:,} x {FEATURES}, lookback "
            f"{setup['lookback']}, batch {BATCH}; seconds per epoch (median of "
            f"{setup['epochs']}, after a first one that compiles); one process per backend, "
            "epochs alternating between the feeds"
        )
        print(f"{'backend':<12}{'to_pydataset':>14}{'arrays':>10}{'ratio':>8}")
        for backend in ("tensorflow", "jax", "torch"):
            if not installed(backend):
                print(f"{backend:<12}  (not installed)")
                continue
            seconds = in_subprocess(
                ["--one", backend, "--feed", "both"] + (["--quick"] if args.quick else []),
                env={"KERAS_BACKEND": backend},
            )["seconds"]
            times = {feed: statistics.median(values) for feed, values in seconds.items()}
            print(
                f"{backend:<12}{times['to_pydataset']:>13.2f}s{times['arrays']:>9.2f}s"
                f"{times['to_pydataset'] / times['arrays']:>8.2f}"
            )


if __name__ == "__main__":
    main()
