"""The same lstmshape model trained on Keras 3 with TensorFlow, JAX or PyTorch.

One backend per run (Keras picks its backend once per process, when it is imported): the
script sets KERAS_BACKEND from --backend, then imports Keras. The windows, the model
(build_model) and its parameter count are the same on every backend. Built-in data
(lstmshape.datasets.synthetic): forecast tomorrow's load from the last 30 days of four
sensors, scaled on the training rows only, and compare with a naive forecast.

Needs only the extra of the chosen backend: pip install "lstmshape[jax]" (or [torch], [tf]).

    python examples/keras_backends.py --backend jax
    python examples/keras_backends.py --backend torch --epochs 3
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

BACKENDS = ("tensorflow", "jax", "torch")


class Standardize:
    """A tiny scaler (mean 0, std 1 per column): anything with fit/transform/inverse works.

    scikit-learn's StandardScaler does the same; this one keeps the example free of it.
    """

    def fit(self, data: Any) -> Standardize:
        """Learn each column's mean and standard deviation."""
        import numpy as np

        values = np.asarray(data, dtype=np.float64)
        self.mean_, self.scale_ = values.mean(axis=0), values.std(axis=0)
        return self

    def transform(self, data: Any) -> Any:
        """Scale to mean 0, standard deviation 1."""
        return (data - self.mean_) / self.scale_

    def inverse_transform(self, data: Any) -> Any:
        """Back to original units."""
        return data * self.scale_ + self.mean_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("KERAS_BACKEND", "tensorflow"),
        help="Keras backend for this run (default: $KERAS_BACKEND, else tensorflow)",
    )
    parser.add_argument("--epochs", type=int, default=5, help="training epochs (5)")
    parser.add_argument("--rows", type=int, default=1500, help="days of built-in data (1500)")
    parser.add_argument("--lookback", type=int, default=30, help="days per window (30)")
    parser.add_argument("--units", type=int, default=32, help="LSTM units (32)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size (32)")
    parser.add_argument("--verbose", action="store_true", help="show the frameworks' log lines")
    args = parser.parse_args()

    # The backend must be chosen before Keras is first imported. Everything heavy is
    # imported after the arguments are parsed, so --help answers at once.
    os.environ["KERAS_BACKEND"] = args.backend
    import numpy as np

    import lstmshape
    from lstmshape.datasets import synthetic

    if args.backend == "tensorflow":  # Keras on TensorFlow, without its start-up notices
        from lstmshape.cli import quiet_keras

        keras = quiet_keras(verbose=args.verbose)
    else:  # no TensorFlow needed (keras.utils.set_random_seed seeds it too if installed)
        import keras

    framework = __import__(args.backend)
    print(
        f"Keras {keras.__version__} on {keras.backend.backend()} "
        f"({args.backend} {framework.__version__})"
    )

    df = synthetic(args.rows)
    parts = lstmshape.split(
        df, args.lookback, val=0.1, test=0.2, targets=["load"], scaler=Standardize()
    )
    print(parts, "\n")

    keras.utils.set_random_seed(0)
    model = lstmshape.build_model(parts.train, units=args.units)
    lstmshape.check_model(model, parts.train)
    model.compile(keras.optimizers.Adam(0.005), "mse")
    print(
        f"Model: input {model.input_shape}, output {model.output_shape}, "
        f"{model.count_params():,} parameters"
    )

    # Plain numpy arrays (zero-copy views) feed model.fit on every backend. Windows.to_dataset
    # is the lazy tf.data route on TensorFlow; Windows.to_pydataset (any backend) and
    # Windows.to_torch (PyTorch loops) are the lazy routes where they exist.
    started = time.perf_counter()
    history = model.fit(
        parts.train.X,
        parts.train.y,
        validation_data=(parts.val.X, parts.val.y),
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        verbose=0,
    )
    seconds = time.perf_counter() - started
    losses = history.history["loss"]
    print(
        f"fit: {args.epochs} epochs in {seconds:.1f} s; training loss "
        f"{losses[0]:.4f} -> {losses[-1]:.4f} (scaled units)"
    )

    test = parts.test
    forecast = test.to_frame(model.predict(test.X, verbose=0))["load"]  # original units
    actual = test.to_frame(test.y)["load"]
    rmse = float(np.sqrt(np.mean((forecast - actual) ** 2)))
    naive = float(np.sqrt(np.mean(actual.diff().dropna() ** 2)))  # tomorrow = today
    print(f"Test RMSE, LSTM on {args.backend}: {rmse:.3f}   naive (tomorrow = today): {naive:.3f}")


if __name__ == "__main__":
    main()
