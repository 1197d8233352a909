"""One target per timestep: return_sequences=True with TimeDistributed(Dense).

Sequence labelling: for every step of a window, predict a value of that same step (here,
a smoothed version of a noisy signal: denoising). lstmshape.windows(..., per_timestep=True)
lines up y[i, t] with X[i, t]; the model returns a sequence; to_frame averages the
overlapping predictions of each row into one series.

    python examples/per_timestep.py --epochs 5
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import lstmshape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookback", type=int, default=20, help="timesteps per window (20)")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs (8)")
    parser.add_argument("--rows", type=int, default=2000, help="length of the series (2000)")
    parser.add_argument("--plot", help="save a picture of a few windows and predictions (PNG)")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines")
    args = parser.parse_args()

    # After parsing, so --help answers at once; without TensorFlow's start-up noise.
    from lstmshape.cli import quiet_keras

    keras = quiet_keras(verbose=args.verbose)

    rng = np.random.default_rng(0)
    t = np.arange(args.rows)
    clean = np.sin(t / 15) + 0.5 * np.sin(t / 4)
    frame = pd.DataFrame({"noisy": clean + rng.normal(0, 0.4, args.rows), "clean": clean})

    # shift=0: the target of step t is the clean value at the same step t.
    w = lstmshape.windows(
        frame, args.lookback, features=["noisy"], targets=["clean"], per_timestep=True, shift=0
    )
    print(lstmshape.explain(w))

    keras.utils.set_random_seed(0)
    model = lstmshape.build_model(w, units=32, bidirectional=True)  # sees both directions
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="mse")
    print(f"\nModel output {model.output_shape}: one value per timestep")
    model.fit(
        w.to_dataset(batch_size=64, shuffle=True, seed=0),
        epochs=args.epochs,
        verbose=2,
        shuffle=False,
    )

    denoised = w.to_frame(model.predict(w.X, verbose=0))["clean"]
    noise_before = np.sqrt(np.mean((frame["noisy"] - frame["clean"]) ** 2))
    noise_after = np.sqrt(np.mean((denoised - frame["clean"].loc[denoised.index]) ** 2))
    print(f"\nRMSE to the clean signal: noisy input {noise_before:.3f}, denoised {noise_after:.3f}")
    if args.plot:
        # Inputs, targets and the model's predictions of three windows, on the row axis.
        figure = w.plot(model, samples=3, column="clean")
        figure.savefig(args.plot, dpi=100)
        print(f"Picture of three windows: {args.plot}")


if __name__ == "__main__":
    main()
