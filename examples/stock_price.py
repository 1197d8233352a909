"""Stock price forecasting, the reference tutorial done right.

The classic tutorial (NSE-TATAGLOBAL.csv) windows time backwards (the file is stored newest
first), fits its scaler on all the data, and builds its test inputs by gluing 2010 rows in
front of 2018 ones. Here every step is the short, correct one:

1. read the CSV and sort it oldest first;
2. split by time, with the scaler fitted on the training rows only;
3. build the model from the windows' shapes; train through tf.data;
4. map predictions back to dates in original units; compare with a naive forecast; plot;
5. forecast the day after the data ends, from the last `lookback` rows, scaled the same way.

    python examples/stock_price.py                        # built-in data
    python examples/stock_price.py --csv NSE-TATAGLOBAL.csv --target Open --test 16

Copy it for your own CSV: change --csv, --date-column, --target and --features.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import lstmshape


def load(csv: str | None, date_column: str, target: str) -> pd.DataFrame:
    if csv is None:
        return lstmshape.datasets.synthetic().rename(columns={"load": target})
    frame = pd.read_csv(csv, parse_dates=[date_column], index_col=date_column)
    return frame.sort_index()  # the reference CSV is stored newest first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", help="CSV file (default: built-in synthetic data)")
    parser.add_argument("--date-column", default="Date", help="column with dates (Date)")
    parser.add_argument("--target", default="Open", help="column to forecast (Open)")
    parser.add_argument("--features", nargs="+", help="input columns (default: the target)")
    parser.add_argument("--lookback", type=int, default=60, help="days per window (60)")
    parser.add_argument("--test", type=int, default=60, help="test days at the end (60)")
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (10)")
    parser.add_argument("--plot", default="stock_price.png", help="PNG to write")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines")
    args = parser.parse_args()

    # The heavy imports come after the arguments are parsed, so --help answers at once.
    # quiet_keras() imports TensorFlow without its start-up noise (unless --verbose).
    import matplotlib
    from sklearn.preprocessing import MinMaxScaler

    from lstmshape.cli import quiet_keras

    keras = quiet_keras(verbose=args.verbose)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = load(args.csv, args.date_column, args.target)
    features = args.features or [args.target]
    parts = lstmshape.split(
        frame,
        args.lookback,
        test=args.test,
        features=features,
        targets=[args.target],
        scaler=MinMaxScaler(),
    )
    print(lstmshape.explain(parts))

    keras.utils.set_random_seed(0)
    # The tutorial's model: 4 x LSTM(50) + Dropout(0.2), then Dense(1).
    model = lstmshape.build_model(parts.train, units=50, layers=4, dropout=0.2)
    model.compile(optimizer="adam", loss="mean_squared_error")
    train = parts.train.to_dataset(batch_size=32, shuffle=True, seed=0)
    # shuffle=False: the dataset shuffles itself; Keras' own flag does not apply to datasets.
    model.fit(train, epochs=args.epochs, verbose=2, shuffle=False)

    test = parts.test
    predicted = test.to_frame(model.predict(test.X, verbose=0))[args.target]
    actual = test.to_frame(test.y)[args.target]
    naive = frame[args.target].loc[test.end_index].to_numpy()  # tomorrow = today

    def rmse(values):
        return float(np.sqrt(np.mean((np.asarray(values) - actual.to_numpy()) ** 2)))

    print(f"\nTest RMSE, LSTM: {rmse(predicted):.3f}   naive last value: {rmse(naive):.3f}")

    # Past the end of the data: the last window, no target, scaled by the training scaler.
    future = lstmshape.windows(
        frame.iloc[-args.lookback :],
        args.lookback,
        inputs_only=True,
        features=features,
        targets=[args.target],
        fitted_scaler=parts.scaler,
    )
    tomorrow = future.to_frame(model.predict(future.X, verbose=0))[args.target]
    print(f"Forecast for the step after {tomorrow.index[-1]:%Y-%m-%d}: {tomorrow.iloc[-1]:.2f}")

    figure, axes = plt.subplots(figsize=(10, 4))
    history = frame[args.target].loc[: actual.index[0]].iloc[-3 * len(actual) :]
    axes.plot(history.index, history, color="0.6", label="history")
    axes.plot(actual.index, actual, color="black", label="actual")
    axes.plot(predicted.index, predicted, color="tab:red", label="predicted")
    axes.set_title(f"{args.target}: actual vs predicted (test period)")
    axes.legend()
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(args.plot, dpi=100)
    print(f"Plot written to {args.plot}")


if __name__ == "__main__":
    main()
