"""Stock price forecasting, the reference tutorial done right, and judged honestly.

The classic tutorial (NSE-TATAGLOBAL.csv) windows time backwards (the file is stored newest
first), fits its scaler on all the data, and builds its test inputs by gluing 2010 rows in
front of 2018 ones. Here every step is the short, correct one:

1. read the CSV and sort it oldest first;
2. rolling-origin evaluation (``folds``): several test periods one after the other, each
   model trained only on the days before its test period, the scaler fitted on those days;
3. two targets side by side: the price *level* (the tutorial's) and the daily *change*
   (``transform="diff"``), which lets the model forecast prices above the training range;
4. map predictions back to dates in original units (``to_frame`` undoes scaler and
   change); score both models against the naive forecast "tomorrow = today" (``score``);
5. forecast the day after the data ends (``forecast``), scaled the same way.

    python examples/stock_price.py                        # built-in data
    python examples/stock_price.py --csv NSE-TATAGLOBAL.csv --target Open --test 16

Copy it for your own CSV: change --csv, --date-column, --target and --features.
"""

from __future__ import annotations

import argparse

import pandas as pd

import lstmshape

TARGETS = {"level": None, "change": "diff"}  # the name we print: the transform= it uses


def load(csv: str | None, date_column: str, target: str) -> pd.DataFrame:
    if csv is None:
        return lstmshape.datasets.synthetic().rename(columns={"load": target})
    frame = pd.read_csv(csv, index_col=date_column, parse_dates=True)
    return frame.sort_index()  # the reference CSV is stored newest first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", help="CSV file (default: built-in synthetic data)")
    parser.add_argument("--date-column", default="Date", help="column with dates (Date)")
    parser.add_argument("--target", default="Open", help="column to forecast (Open)")
    parser.add_argument("--features", nargs="+", help="input columns (default: the target)")
    parser.add_argument("--lookback", type=int, default=60, help="days per window (60)")
    parser.add_argument("--test", type=int, default=60, help="test days per fold (60)")
    parser.add_argument("--folds", type=int, default=3, help="test periods, one after another (3)")
    parser.add_argument("--epochs", type=int, default=10, help="training epochs per model (10)")
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
    actual = frame[[args.target]]
    scores, last_fold, periods = {}, {}, pd.DataFrame()
    for name, transform in TARGETS.items():
        cv = lstmshape.folds(
            frame,
            args.lookback,
            n_folds=args.folds,
            test=args.test,
            features=features,
            targets=[args.target],
            scaler=MinMaxScaler(),  # a copy fitted per fold, on that fold's training days
            transform=transform,
        )
        if name == "level":
            print(cv)  # the folds as a table of periods
            print(lstmshape.explain(cv[-1]))
            periods = cv.periods()
        frames = []
        for k, fold in enumerate(cv):
            keras.utils.set_random_seed(k)
            # The tutorial's model: 4 x LSTM(50) + Dropout(0.2), then Dense(1).
            model = lstmshape.build_model(fold.train, units=50, layers=4, dropout=0.2)
            model.compile(optimizer="adam", loss="mean_squared_error")
            train = fold.train.to_dataset(batch_size=32, shuffle=True, seed=0)
            # shuffle=False: the dataset shuffles itself; Keras' flag does not apply to it.
            model.fit(train, epochs=args.epochs, verbose=0, shuffle=False)
            frames.append(fold.test.to_frame(model.predict(fold.test.X, verbose=0)))
        scores[name] = lstmshape.score(frames, actual)
        last_fold[name] = (model, cv[-1], frames[-1][args.target])

    print(f"\nTest RMSE per fold ({args.target}, original units; lower is better):")
    print(f"  {'fold':<6}{'test period':<26}{'LSTM level':>12}{'LSTM change':>13}{'naive':>9}")
    level, change = scores["level"], scores["change"]
    folds = list(range(args.folds)) + (["all"] if args.folds > 1 else [])

    def row(fold: object, forecast: str) -> object:  # score() has no fold level for one fold
        return (fold, forecast) if args.folds > 1 else forecast

    for fold in folds:
        period = "every test day"
        if fold != "all":
            first, last = periods.loc[fold, "test_first"], periods.loc[fold, "test_last"]
            period = f"{first:%Y-%m-%d} .. {last:%Y-%m-%d}"
        lstm_level = level.loc[row(fold, "model"), "RMSE"]
        lstm_change = change.loc[row(fold, "model"), "RMSE"]
        naive = level.loc[row(fold, "naive"), "RMSE"]
        print(f"  {fold!s:<6}{period:<26}{lstm_level:>12.3f}{lstm_change:>13.3f}{naive:>9.3f}")
    every = "all" if args.folds > 1 else 0
    print(
        f"\nTest RMSE, LSTM: {level.loc[row(every, 'model'), 'RMSE']:.3f} (level target), "
        f"{change.loc[row(every, 'model'), 'RMSE']:.3f} (change target)   "
        f"naive last value: {level.loc[row(every, 'naive'), 'RMSE']:.3f}"
    )
    print(f"Level target:  {level.attrs['verdict']}")
    print(f"Change target: {change.attrs['verdict']}")
    best = min(TARGETS, key=lambda n: scores[n].loc[row(every, "model"), "RMSE"])
    beats = scores[best].loc[row(every, "model"), "vs naive"] < 1
    print(
        f"Verdict: the {best} target is the better LSTM here, and it "
        + ("beats" if beats else "does NOT beat")
        + " the naive forecast overall."
        + ("" if beats else " Use the naive forecast, or give the model more information.")
    )

    # Past the end of the data: the last fold's model of the better target, scaled alike.
    model, fold, _ = last_fold[best]
    # the index's own frequency, or the one pandas infers, else trading days: business days
    freq = frame.index.freq or pd.DatetimeIndex(frame.index, freq="infer").freq or "B"
    tomorrow = lstmshape.forecast(
        model,
        frame,
        args.lookback,
        steps=1,
        features=features,
        targets=[args.target],
        fitted_scaler=fold.scaler,
        transform=TARGETS[best],
        freq=freq,
    )[args.target]
    print(
        f"Forecast for the step after {frame.index[-1]:%Y-%m-%d}: {tomorrow.iloc[-1]:.2f} "
        f"({tomorrow.index[-1]:%Y-%m-%d}, {best} target)"
    )

    figure, axes = plt.subplots(figsize=(10, 4))
    tested = last_fold["level"][2]
    truth = actual[args.target].loc[tested.index]
    history = actual[args.target].loc[: tested.index[0]].iloc[-3 * len(tested) :]
    axes.plot(history.index, history, color="0.6", label="history")
    axes.plot(truth.index, truth, color="black", label="actual")
    for name, color in (("level", "tab:red"), ("change", "tab:blue")):
        predicted = last_fold[name][2]
        axes.plot(predicted.index, predicted, color=color, label=f"LSTM, {name} target")
    axes.set_title(f"{args.target}: the last fold's test period")
    axes.legend()
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(args.plot, dpi=100)
    print(f"Plot written to {args.plot}")


if __name__ == "__main__":
    main()
