"""What each worker process of the distributed tests (and the scaling benchmark) runs.

Run as a script, one process per worker::

    python tests/distributed_workers.py torch --rank 0 --world 2 --port 29500 --out DIR
    python tests/distributed_workers.py tf --rank 0 --world 2 --out DIR   # TF_CONFIG set

Each worker trains on its shard and writes ``DIR/worker-<rank>.json`` (the start row of
every window it read, per epoch; its loss per epoch; seconds per epoch; peak memory) and
``DIR/weights-<rank>.npz`` (its final weights). The data says which rows it came from:
the second feature of every row is ``row / 1024``, exact in float32, so the first
timestep of a window names the window's start row (:func:`start_rows`).

The data (:func:`make_windows`) is built here and in the test alike, from a fixed seed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROW_SCALE = 1024.0
LOOKBACK = 8
#: Rows of each series of the grouped ("series") data: uneven on purpose.
SERIES_LENGTHS = (220, 150, 310, 90, 180, 130)
#: Rows of the single series of the "window" data: 1200 - 8 = 1192 windows (even).
SINGLE_ROWS = 1200


def make_frame(kind: str, rows: int = SINGLE_ROWS) -> pd.DataFrame:
    """A noisy sine wave (one series, or several of uneven lengths) with a row column."""
    rng = np.random.default_rng(0)
    if kind == "window":
        lengths: tuple[int, ...] = (rows,)
    elif kind == "series":
        lengths = SERIES_LENGTHS
    else:
        raise ValueError(f"kind must be 'window' or 'series', got {kind!r}")
    n = sum(lengths)
    t = np.arange(n)
    value = np.sin(t / 9.0) + 0.05 * rng.standard_normal(n)
    frame = pd.DataFrame(
        {
            "series": np.repeat([f"s{i}" for i in range(len(lengths))], lengths),
            "value": value.astype("float32"),
            "row": (t / ROW_SCALE).astype("float32"),
        }
    )
    return frame


def make_windows(kind: str, rows: int = SINGLE_ROWS) -> Any:
    """The windows every worker trains on: inputs ``(value, row)``, target the next value."""
    import lstmshape

    frame = make_frame(kind, rows)
    group_by = "series" if kind == "series" else None
    if group_by is None:
        frame = frame.drop(columns="series")
    return lstmshape.windows(
        frame, LOOKBACK, features=["value", "row"], targets=["value"], group_by=group_by
    )


def start_rows(x: Any) -> list[int]:
    """Start row of every window of a batch ``x`` (numpy or tensor)."""
    first = np.asarray(x)[:, 0, 1].astype(np.float64)
    return [int(r) for r in np.rint(first * ROW_SCALE)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write_report(out: Path, rank: int, report: dict[str, Any], weights: list[Any]) -> None:
    """Write the JSON report and the weights of one worker."""
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / f"weights-{rank}.npz", *[np.asarray(v) for v in weights])
    (out / f"worker-{rank}.json").write_text(json.dumps(report))


# -- PyTorch: torch.distributed (gloo) + DistributedDataParallel ----------------------------
def run_torch(args: argparse.Namespace) -> None:
    """Train a torch.nn.LSTM under DDP on this rank's shard of ``to_torch``."""
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    torch.set_num_threads(1)
    world, rank = args.world, args.rank
    if world > 1:
        dist.init_process_group(
            "gloo",
            init_method=f"tcp://127.0.0.1:{args.port}",
            rank=rank,
            world_size=world,
        )
    w = make_windows(args.kind, args.rows)

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(2, 16, batch_first=True)
            self.head = torch.nn.Linear(16, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    torch.manual_seed(0)
    net = Net()
    model: Any = DistributedDataParallel(net) if world > 1 else net
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    # to_torch picks rank and world size from the process group. Window shards are even
    # here (1192 windows on 2 ranks); series shards are not, and DDP's join() lets the
    # rank that runs out first shadow the others' all-reduces instead of hanging.
    loader = w.to_torch(
        args.batch_size,
        shuffle=True,
        seed=0,
        dtype="float32",
        shard_by=args.kind,
        even_shards=args.kind == "window",
    )
    uneven = world > 1 and args.kind == "series"
    rows, losses, seconds = [], [], []
    for epoch in range(args.epochs):
        loader.set_epoch(epoch)
        read: list[int] = []
        total, count = torch.zeros(2, dtype=torch.float64), 0
        began = time.perf_counter()
        with model.join() if uneven else contextlib.nullcontext():
            for x, y in loader:
                read += start_rows(x)
                loss = torch.nn.functional.mse_loss(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += torch.tensor([loss.item() * len(x), len(x)], dtype=torch.float64)
                count += 1
        seconds.append(time.perf_counter() - began)
        if world > 1:
            dist.all_reduce(total)  # the epoch's loss over every window of every rank
        losses.append(float(total[0] / total[1]))
        rows.append(read)
    weights = [p.detach().numpy().copy() for p in net.state_dict().values()]
    if world > 1:
        # Every rank past its last collective before any tears gloo down: a rank that
        # exits first could abort its peer's pair thread ("terminate called without an
        # active exception", seen once under load).
        dist.barrier()
        dist.destroy_process_group()
    report = {
        "rows": rows,
        "loss": losses,
        "seconds": seconds,
        "peak_mb": peak_rss_mb(),
        "steps": count,
    }
    write_report(Path(args.out), rank, report, weights)


# -- TensorFlow: MultiWorkerMirroredStrategy and Keras fit ---------------------------------
def run_tf(args: argparse.Namespace) -> None:
    """Train ``lstmshape.build_model`` under MultiWorkerMirroredStrategy (TF_CONFIG)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(2)
    import keras

    import lstmshape

    world = args.world
    strategy = (
        tf.distribute.MultiWorkerMirroredStrategy() if world > 1 else tf.distribute.get_strategy()
    )
    w = make_windows(args.kind, args.rows)
    read: list[int] = []

    def record(x: np.ndarray) -> np.ndarray:
        read.extend(start_rows(x))
        return np.zeros((), np.int64)

    def dataset_fn(context: tf.distribute.InputContext) -> tf.data.Dataset:
        # One input pipeline per worker: lstmshape shards (TF's auto-sharding is off),
        # and batch_size is per worker: the global batch is batch_size * workers.
        dataset = w.to_dataset(
            batch_size=context.get_per_replica_batch_size(args.batch_size * world),
            shuffle=True,
            seed=0,
            num_shards=context.num_input_pipelines,
            shard_index=context.input_pipeline_id,
            shard_by=args.kind,
            even_shards=True,
            dtype="float32",
        )

        def tap(x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
            done = tf.numpy_function(record, [x], tf.int64, stateful=True)
            with tf.control_dependencies([done]):
                return tf.identity(x), y

        return dataset.map(tap)

    data = strategy.distribute_datasets_from_function(dataset_fn)
    keras.utils.set_random_seed(0)
    with strategy.scope():
        model = lstmshape.build_model(w, units=16)
        optimizer = keras.optimizers.Adam(0.01)
        optimizer.build(model.trainable_variables)

    # Keras 3's fit() does not run under MultiWorkerMirroredStrategy (keras-team/keras
    # #20585), so this is TensorFlow's own custom loop: strategy.run on each worker's
    # batch, gradients summed across workers by the optimizer.
    def replica_step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            errors = tf.reduce_mean(tf.square(model(x, training=True) - y), axis=-1)
            # mean over the global batch: this worker's sum / (its batch * workers)
            loss = tf.nn.compute_average_loss(errors)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def train_step(iterator: Any) -> tf.Tensor:
        x, y = next(iterator)
        return strategy.reduce("SUM", strategy.run(replica_step, args=(x, y)), axis=None)

    mine = w.schedule(
        args.batch_size,
        shuffle=True,
        seed=0,
        num_shards=world,
        shard_index=args.rank,
        shard_by=args.kind,
        even_shards=True,
    )
    losses: list[float] = []
    seconds: list[float] = []
    for _ in range(args.epochs):
        began = time.perf_counter()
        iterator = iter(data)  # a new pass: the next epoch's order
        total = 0.0
        for _ in range(len(mine)):  # the same on every worker: even shards
            total += float(train_step(iterator))
        losses.append(total / len(mine))
        seconds.append(time.perf_counter() - began)

    # The tap records in order; tf.data may read ahead into the next epoch, so cut the
    # record by the shard's size (every epoch of a shard serves the same number).
    size = mine.shard_size
    rows = [read[e * size : (e + 1) * size] for e in range(args.epochs)]
    report = {
        "rows": rows,
        "loss": losses,
        "seconds": seconds,
        "peak_mb": peak_rss_mb(),
        "steps": len(mine),
    }
    write_report(Path(args.out), args.rank, report, [v.numpy() for v in model.weights])


# -- the launcher: start the workers, wait (bounded), always clean up ----------------------
def free_ports(count: int) -> list[int]:
    """Ports on 127.0.0.1 free right now (bound to port 0, read, released together)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def launch(
    engine: str,
    world: int,
    out: Path,
    *,
    timeout: float = 240.0,
    extra: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Run ``world`` workers of ``engine`` on loopback; return their reports by rank.

    Every process is killed and waited for, whatever happens (a failure, a hang past
    ``timeout`` seconds, an interrupt); a worker that fails raises with its output.
    """
    ports = free_ports(world)
    procs: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for rank in range(world):
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", OMP_NUM_THREADS="1")
            env.pop("TF_CONFIG", None)
            if engine == "tf" and world > 1:
                workers = [f"localhost:{port}" for port in ports]
                cluster = {
                    "cluster": {"worker": workers},
                    "task": {"type": "worker", "index": rank},
                }
                env["TF_CONFIG"] = json.dumps(cluster)
            log = (out / f"log-{rank}.txt").open("wb")
            logs.append(log)
            command = [sys.executable, __file__, engine, "--rank", str(rank), "--world"]
            command += [str(world), "--port", str(ports[0]), "--out", str(out), *extra]
            procs.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
        deadline = time.monotonic() + timeout
        for rank, proc in enumerate(procs):
            try:
                code = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise TimeoutError(
                    f"{engine} worker {rank} of {world} still running after {timeout:.0f} s; "
                    f"its output:\n{_tail(out / f'log-{rank}.txt')}"
                ) from None
            if code != 0:
                raise RuntimeError(
                    f"{engine} worker {rank} of {world} exited with {code}; its output:\n"
                    f"{_tail(out / f'log-{rank}.txt')}"
                )
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        for log in logs:
            log.close()
    return [json.loads((out / f"worker-{rank}.json").read_text()) for rank in range(world)]


def weights_of(out: Path, rank: int) -> list[np.ndarray]:
    """The final weights a worker wrote."""
    with np.load(out / f"weights-{rank}.npz") as saved:
        return [saved[f"arr_{i}"] for i in range(len(saved.files))]


def _tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no output)"
    return "\n".join(text.splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    """Parse the worker's arguments and train."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=["torch", "tf"])
    parser.add_argument("--rank", type=int, default=0)
    parser.add_argument("--world", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="torch: the rendezvous port")
    parser.add_argument("--out", required=True)
    parser.add_argument("--kind", choices=["window", "series"], default="window")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32, help="per worker")
    parser.add_argument("--rows", type=int, default=SINGLE_ROWS)
    args = parser.parse_args(argv)
    (run_torch if args.engine == "torch" else run_tf)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
