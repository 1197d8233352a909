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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["torch", "tf"])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--global-batch", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

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
