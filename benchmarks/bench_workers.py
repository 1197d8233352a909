"""Throughput and memory per worker: 1 vs 2 workers, PyTorch DDP and TF multi-worker.

Every run starts real worker processes on loopback (the script of the distributed tests,
``tests/distributed_workers.py``): PyTorch ``DistributedDataParallel`` over ``gloo`` fed by
``Windows.to_torch``, and TensorFlow ``MultiWorkerMirroredStrategy`` fed by
``Windows.to_dataset`` (one input pipeline per worker). Same data, same model (an LSTM of
16 units), same global batch (``--global-batch`` split evenly between the workers).

Reported per engine and number of workers, the median of ``--repeats`` runs:

* windows/s: the windows of the last epoch (all workers together) over the slowest
  worker's time for it (the first epoch includes tracing and warm-up);
* peak MiB per worker: the largest peak resident memory of any worker process.

Run::

    python benchmarks/bench_workers.py              # the table of docs/scaling.md
    python benchmarks/bench_workers.py --repeats 1 --rows 4000   # a quick look

``--dataloader`` measures something else, in this process: ``Windows.to_torch`` inside
``torch.utils.data.DataLoader(batch_size=None, num_workers=k)`` for k = 0, 1, 2 (fork),
against ``to_torch(prefetch=2)`` (a background thread, no workers) and against the
DataLoader's own floor (an ``IterableDataset`` of plain ints: what handing over one item
from a worker costs, whatever the item). Each is measured bare (the loop only takes the
batches) and with a training step (an LSTM of 32 units, forward and backward, PyTorch on
one thread), windows/s, median of ``--repeats`` rounds::

    python benchmarks/bench_workers.py --dataloader
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import distributed_workers as workers  # the worker script of the tests


def one_run(
    engine: str, world: int, rows: int, global_batch: int, epochs: int
) -> tuple[float, float]:
    """Return (windows/s of the last epoch, peak MiB of the largest worker)."""
    with tempfile.TemporaryDirectory(prefix="lstmshape-bench-") as tmp:
        reports = workers.launch(
            engine,
            world,
            Path(tmp),
            timeout=600,
            extra=(
                "--epochs",
                str(epochs),
                "--batch-size",
                str(global_batch // world),
                "--rows",
                str(rows),
            ),
        )
    last = epochs - 1
    read = sum(len(report["rows"][last]) for report in reports)
    seconds = max(report["seconds"][last] for report in reports)
    return read / seconds, max(report["peak_mb"] for report in reports)


def dataloader_table(repeats: int) -> None:
    """Print windows/s of to_torch with DataLoader workers, prefetch, and the floor."""
    import time

    import numpy as np
    import torch
    from torch.utils.data import DataLoader, IterableDataset, get_worker_info

    import lstmshape

    # One thread for PyTorch's ops: on a 2-core machine the second core is the gather's
    # (a worker process or the prefetch thread); two OpenMP threads competing with them
    # made a training step 5-15x slower on a busy machine.
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows, features, lookback, batch = 50_000, 8, 32, 256
    series = np.random.default_rng(0).standard_normal((rows, features), dtype=np.float32)
    w = lstmshape.windows(series, lookback, targets=[0])
    n_batches = -(-len(w) // batch)
    lstm = torch.nn.LSTM(features, 32, batch_first=True)
    head = torch.nn.Linear(32, 1)
    optimiser = torch.optim.SGD([*lstm.parameters(), *head.parameters()], lr=1e-3)

    class Ints(IterableDataset):  # the floor: one small item per batch, nothing gathered
        def __iter__(self):
            info = get_worker_info()
            step, first = (1, 0) if info is None else (info.num_workers, info.id)
            return iter(range(first, n_batches, step))

    def train(x: torch.Tensor, y: torch.Tensor) -> None:
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(head(lstm(x)[0][:, -1]), y)
        loss.backward()
        optimiser.step()

    def loader(k: int, prefetch: int = 0, floor: bool = False):
        dataset = Ints() if floor else w.to_torch(batch, shuffle=True, seed=0, prefetch=prefetch)
        if k == 0 and not floor:
            return dataset
        context = "fork" if k else None
        return DataLoader(dataset, batch_size=None, num_workers=k, multiprocessing_context=context)

    rows_of = {
        "to_torch, no DataLoader": (0, 0, False),
        "to_torch(prefetch=2), no DataLoader": (0, 2, False),
        "to_torch + DataLoader, 1 worker": (1, 0, False),
        "to_torch + DataLoader, 2 workers": (2, 0, False),
        "floor: DataLoader of ints, 0 workers": (0, 0, True),
        "floor: DataLoader of ints, 1 worker": (1, 0, True),
        "floor: DataLoader of ints, 2 workers": (2, 0, True),
    }
    print(
        f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads); one series "
        f"{rows:,} x {features} float32, lookback {lookback}, batch {batch}, shuffled, "
        f"{n_batches} batches; windows/s (batches/s x {batch} for the floor), median of "
        f"{repeats}"
    )
    print("| loader | bare loop | with a training step |")
    print("|---|---:|---:|")
    for name, (k, prefetch, floor) in rows_of.items():
        rates: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(repeats):
            for step in (False,) if floor else (False, True):
                start = time.perf_counter()
                for item in loader(k, prefetch, floor):
                    if step:
                        train(*item)
                rates[step].append(len(w) / (time.perf_counter() - start))
        trained = f"{statistics.median(rates[True]):,.0f}" if rates[True] else "-"
        print(f"| {name} | {statistics.median(rates[False]):,.0f} | {trained} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["torch", "tf"])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--global-batch", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dataloader", action="store_true", help="DataLoader workers")
    args = parser.parse_args()
    if args.dataloader:
        dataloader_table(args.repeats)
        return

    print(
        f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{args.rows} rows ({args.rows - workers.LOOKBACK} windows of {workers.LOOKBACK} x 2), "
        f"global batch {args.global_batch}, median of {args.repeats} runs"
    )
    print("| engine | workers | batch per worker | windows/s | peak MiB per worker |")
    print("|---|---|---|---|---|")
    for engine in args.engines:
        for world in (1, 2):
            runs = [
                one_run(engine, world, args.rows, args.global_batch, args.epochs)
                for _ in range(args.repeats)
            ]
            speed = statistics.median(r[0] for r in runs)
            memory = statistics.median(r[1] for r in runs)
            name = "PyTorch DDP (gloo)" if engine == "torch" else "TF MultiWorkerMirrored"
            print(
                f"| {name} | {world} | {args.global_batch // world} | {speed:,.0f} | "
                f"{memory:,.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
