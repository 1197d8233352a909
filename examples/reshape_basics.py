"""Reshape basics: from 1-D and 2-D data to the 3-D input an LSTM takes.

Keras' LSTM layers read 3-D arrays of shape (samples, timesteps, features). This script
walks through the classic cases with lstmshape.to_3d and lstmshape.windows, prints every
shape with an explanation, and builds LSTM(32) for input (50, 2).

Copy it and replace the toy arrays with your own data.

    python examples/reshape_basics.py
"""

from __future__ import annotations

import argparse

import numpy as np

import lstmshape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="skip the Keras part")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines")
    args = parser.parse_args()

    # 1. Ten values of one series: one sample of 10 timesteps with 1 feature.
    data = np.arange(10, 110, 10)
    one_series = lstmshape.to_3d(data)
    print("10 values        ->", one_series.shape)  # (1, 10, 1)

    # 2. Two parallel series of 10 steps: one sample, 10 timesteps, 2 features.
    parallel = np.stack([np.arange(10), np.arange(10)[::-1]], axis=1)  # (10, 2)
    print("two series       ->", lstmshape.to_3d(parallel).shape)  # (1, 10, 2)

    # 3. A long series cut into non-overlapping blocks of 5 timesteps.
    print("blocks of 5      ->", lstmshape.to_3d(np.arange(100.0), lookback=5).shape)  # (20, 5, 1)

    # 4. Many short sequences of one feature each, one per row.
    print("rows as samples  ->", lstmshape.to_3d(np.ones((32, 50)), univariate=True).shape)

    # 5. Sliding windows with the next value as target (supervised learning).
    series = np.sin(np.linspace(0, 20, 200))
    w = lstmshape.windows(series, lookback=50)
    print("\nSliding windows over a 200-step series:")
    print(lstmshape.explain(w))

    if args.no_model:
        return
    # TensorFlow only now, and without its start-up noise (unless --verbose).
    from lstmshape.cli import quiet_keras

    quiet_keras(verbose=args.verbose)
    # 6. The model for 50 timesteps of 2 features: LSTM(32) + Dense(1).
    model = lstmshape.build_model((50, 2), units=32)
    print(
        f"\nLSTM(32) for input_shape=(50, 2): input {model.input_shape}, "
        f"output {model.output_shape}, {model.count_params():,} parameters"
    )


if __name__ == "__main__":
    main()
