"""Windows per second of each engine lstmshape feeds, against the local numpy loader, in one run.

The same windows for everyone: a 100,000 x 4 float32 series, lookback 32, next-step
target, batch 256, shuffled (seed 0). Each engine serves one warm-up epoch, then ``--epochs``
timed epochs; the table gives windows per second and the ratio to ``Windows.batches``
(the local loader: one numpy gather per batch in this process). Engines:

* ``batches`` -- the local numpy loader;
* ``to_torch`` -- in this process, and through ``DataLoader(num_workers=1)`` (a worker
  process gathers, batches come back through shared memory);
* ``to_pydataset`` -- ``dataset[i]`` for every batch, as Keras' ``fit`` reads it;
* ``to_grain`` -- grain's iterator (its reading threads), and ``mp_prefetch`` with one
  worker process;
* ``to_dataset`` -- the local tf.data pipeline (one dataset, the next epoch each pass), and
  one epoch's pipeline per epoch served by tf.data service (a dispatcher and a worker in
  this process, on loopback; building each epoch's dataset is part of its time).

Consumers only touch each batch (no model): the figures are what each engine can deliver,
the ceiling of the input pipeline. Processes are started before TensorFlow is imported.

Run:  python benchmarks/bench_engines.py            (add --quick for a smoke run)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

import lstmshape

ROWS, FEATURES, LOOKBACK, BATCH, SEED = 100_000, 4, 32, 256, 0


def windows(rows: int) -> lstmshape.Windows:
    series = np.random.default_rng(0).standard_normal((rows, FEATURES)).astype(np.float32)
    return lstmshape.windows(series, LOOKBACK, targets=[0])


def timed(epoch: Callable[[int], Iterable[Any]], epochs: int) -> float:
    """Windows per second over ``epochs`` epochs, after one warm-up epoch."""
    for _ in epoch(0):
        pass
    served = 0
    start = time.perf_counter()
    for e in range(1, epochs + 1):
        for batch in epoch(e):
            x = batch[0]
            served += len(x)
    return served / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    rows = 5_000 if args.quick else ROWS
    epochs = 1 if args.quick else args.epochs
    w = windows(rows)
    options = {"shuffle": True, "seed": SEED}
    results: dict[str, float] = {}

    results["batches (local numpy)"] = timed(lambda e: w.batches(BATCH, epoch=e, **options), epochs)

    import torch

    torch.set_num_threads(1)
    loader = w.to_torch(BATCH, **options)

    def torch_epoch(e: int) -> Iterable[Any]:
        loader.set_epoch(e)
        return loader

    results["to_torch"] = timed(torch_epoch, epochs)
    workers = torch.utils.data.DataLoader(
        loader, batch_size=None, num_workers=1, multiprocessing_context="spawn"
    )
    results["to_torch + DataLoader(num_workers=1)"] = timed(
        lambda e: (torch_epoch(e), workers)[1], epochs
    )

    import grain
    from absl import flags

    flags.FLAGS.mark_as_parsed()  # grain's workers read absl flags
    source = w.to_grain(BATCH, epochs=epochs + 1, **options)
    n = len(w.schedule(BATCH))

    def grain_epochs(dataset: Any) -> Callable[[int], Iterable[Any]]:
        iterator = iter(dataset)

        def epoch(_: int) -> Iterable[Any]:
            return (next(iterator) for _ in range(n))

        return epoch

    results["to_grain (threads)"] = timed(grain_epochs(source.to_iter_dataset()), epochs)
    prefetched = source.to_iter_dataset().mp_prefetch(grain.MultiprocessingOptions(num_workers=1))
    results["to_grain + mp_prefetch(1 worker)"] = timed(grain_epochs(prefetched), epochs)

    import keras

    pydataset = w.to_pydataset(BATCH, **options)

    def keras_epoch(e: int) -> Iterable[Any]:
        pydataset.set_epoch(e)
        return (pydataset[i] for i in range(len(pydataset)))

    results["to_pydataset (dataset[i])"] = timed(keras_epoch, epochs)

    import tensorflow as tf

    def tf_epoch(service: str | None) -> Callable[[int], Iterable[Any]]:
        def epoch(e: int) -> Iterable[Any]:
            dataset = w.to_dataset(
                BATCH, epoch=e, reshuffle_each_iteration=False, service=service, **options
            )
            return dataset.as_numpy_iterator()

        return epoch

    local_dataset = w.to_dataset(BATCH, **options)  # one dataset, the next epoch per pass
    results["to_dataset (local tf.data)"] = timed(
        lambda e: local_dataset.as_numpy_iterator(), epochs
    )
    dispatcher = tf.data.experimental.service.DispatchServer(
        tf.data.experimental.service.DispatcherConfig(port=0)
    )
    worker = tf.data.experimental.service.WorkerServer(
        tf.data.experimental.service.WorkerConfig(
            dispatcher_address=dispatcher.target.split("://")[1], port=0
        )
    )
    results["to_dataset + tf.data service (1 worker, loopback)"] = timed(
        tf_epoch(dispatcher.target), epochs
    )
    worker.stop()
    dispatcher.stop()

    print(
        f"{len(w):,} windows of {LOOKBACK} x {FEATURES} float32, batch {BATCH}, shuffled; "
        f"{epochs} timed epochs after one warm-up. {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {torch.__version__}, grain {getattr(grain, '__version__', '?')}, "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__} ({keras.backend.backend()})"
    )
    local = results["batches (local numpy)"]
    print("\n| engine | windows/s | vs local |\n|---|---|---|")
    for name, rate in results.items():
        print(f"| {name} | {rate:,.0f} | {rate / local:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
