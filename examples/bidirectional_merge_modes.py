"""Forward, backward and Bidirectional LSTMs on the cumulative-sum problem.

Each sequence holds 10 random values in [0, 1); the label of each step is 1 once the running
sum has reached 2.5. We train, on the same data and seeds, a forward LSTM, a backward LSTM
(go_backwards=True) and Bidirectional LSTMs with each merge mode: sum, mul, ave, concat.
The script prints a table of final loss and per-timestep accuracy on fresh sequences, and
writes a PNG of the loss curves.

    python examples/bidirectional_merge_modes.py --epochs 10
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import lstmshape
from lstmshape.datasets import cumulative_sum

if TYPE_CHECKING:
    import keras

TIMESTEPS, UNITS = 10, 20


def one_direction(backwards: bool) -> keras.Model:
    """Build a plain LSTM reading forwards or backwards, one sigmoid output per timestep."""
    import keras

    lstm = keras.layers.LSTM(UNITS, return_sequences=True, go_backwards=backwards)
    layers = [keras.Input((TIMESTEPS, 1)), lstm]
    if backwards:  # go_backwards returns the sequence reversed: put it back in time order
        layers.append(keras.layers.Lambda(lambda x: keras.ops.flip(x, axis=1)))
    layers.append(keras.layers.TimeDistributed(keras.layers.Dense(1, activation="sigmoid")))
    return keras.Sequential(layers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (10)")
    parser.add_argument("--samples", type=int, default=2000, help="training sequences (2000)")
    parser.add_argument("--plot", default="merge_modes.png", help="PNG of the loss curves")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines")
    args = parser.parse_args()

    # The heavy imports come after the arguments are parsed, so --help answers at once.
    # quiet_keras() imports TensorFlow without its start-up noise (unless --verbose).
    import matplotlib

    from lstmshape.cli import quiet_keras

    keras = quiet_keras(verbose=args.verbose)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = cumulative_sum(args.samples, lookback=TIMESTEPS, seed=0)
    X_new, y_new = cumulative_sum(1000, lookback=TIMESTEPS, seed=1)  # fresh sequences
    print(lstmshape.explain(X), "\n")

    builders = {
        "forward": lambda: one_direction(backwards=False),
        "backward": lambda: one_direction(backwards=True),
    }
    for mode in ("sum", "mul", "ave", "concat"):
        builders[f"bidirectional {mode}"] = lambda mode=mode: lstmshape.build_model(
            (TIMESTEPS, 1), units=UNITS, per_timestep=True, bidirectional=True,
            merge_mode=mode, output_activation="sigmoid",
        )  # fmt: skip

    curves, rows = {}, []
    for name, build in builders.items():
        keras.utils.set_random_seed(0)  # same initial conditions for every model
        model = build()
        model.compile("adam", "binary_crossentropy", metrics=["binary_accuracy"])
        history = model.fit(X, y, batch_size=32, epochs=args.epochs, verbose=0)
        loss, accuracy = model.evaluate(X_new, y_new, verbose=0)
        curves[name] = history.history["loss"]
        rows.append((name, model.count_params(), loss, accuracy))

    print(f"{'model':<22}{'params':>8}{'loss':>9}{'accuracy':>10}")
    for name, params, loss, accuracy in rows:
        print(f"{name:<22}{params:>8,}{loss:>9.4f}{accuracy:>10.1%}")

    figure, axes = plt.subplots(figsize=(8, 4.5))
    for name, losses in curves.items():
        axes.plot(range(1, len(losses) + 1), losses, label=name)
    axes.set_xlabel("epoch")
    axes.set_ylabel("training loss (binary cross-entropy)")
    axes.set_title("Cumulative-sum problem: LSTM directions and merge modes")
    axes.legend()
    figure.tight_layout()
    figure.savefig(args.plot, dpi=100)
    print(f"\nLoss curves written to {args.plot}")


if __name__ == "__main__":
    main()
