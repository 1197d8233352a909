"""Encoder-decoder LSTM with a known-future calendar, with and without it, on one test period.

A daily load (``lstmshape.datasets.weekly_load``) rises on weekdays, drops at weekends and
drops again on holidays, which fall at random but are in the calendar long in advance.
Two encoder-decoder LSTMs forecast the next 7 days from the last 28, with the same data,
seed, size and epochs:

* **without** the future calendar: the encoder reads the past (load, weekday, holiday);
  the decoder repeats the encoding 7 times (``architecture="encoder_decoder"``, the
  classic ``RepeatVector`` seq2seq);
* **with** it: the decoder also reads the weekday and holiday flag of each of the 7 days
  it predicts (``windows(..., future=["weekday", "holiday"])``, the default architecture
  then).

Both are scored on the same test period, in original units, against the naive forecasts
(``lstmshape.score``).

    python examples/encoder_decoder.py               # about a minute on a laptop CPU
    python examples/encoder_decoder.py --epochs 5    # quicker, less trained
"""

from __future__ import annotations

import argparse

import lstmshape

FUTURE = ["weekday", "holiday"]  # known in advance: the calendar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1095, help="days of data (1095)")
    parser.add_argument("--lookback", type=int, default=28, help="days the encoder reads (28)")
    parser.add_argument("--horizon", type=int, default=7, help="days forecast (7)")
    parser.add_argument("--test", type=int, default=182, help="test days at the end (182)")
    parser.add_argument("--val", type=int, default=91, help="validation days before them (91)")
    parser.add_argument("--units", type=int, default=32, help="LSTM units (32)")
    parser.add_argument("--epochs", type=int, default=30, help="training epochs per model (30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and order (0)")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines")
    args = parser.parse_args()

    # The heavy imports come after the arguments are parsed, so --help answers at once.
    from sklearn.preprocessing import MinMaxScaler

    from lstmshape.cli import quiet_keras

    keras = quiet_keras(verbose=args.verbose)

    data = lstmshape.datasets.weekly_load(args.rows)
    options = {
        "val": args.val,
        "test": args.test,
        "horizon": args.horizon,
        "targets": "load",
        "scaler": MinMaxScaler(),  # fitted on the training days only, calendar included
    }
    variants = {
        "without future calendar": {},
        "with future calendar": {"future": FUTURE},
    }
    forecasts, test_periods = {}, []
    for name, covariates in variants.items():
        parts = lstmshape.split(data, args.lookback, **options, **covariates)
        print(f"{name}:")
        print("  " + "\n  ".join(repr(parts.train).splitlines()[1:]))
        keras.utils.set_random_seed(args.seed)
        model = lstmshape.build_model(parts.train, units=args.units, architecture="encoder_decoder")
        lstmshape.check_model(model, parts.test)
        model.compile(keras.optimizers.Adam(0.005), "mse")
        model.fit(
            parts.train.X,
            parts.train.y,
            validation_data=(parts.val.X, parts.val.y),
            batch_size=32,
            epochs=args.epochs,
            verbose=0,
        )
        inputs = ", ".join(f"{t.name.split(':')[0]} {tuple(t.shape)}" for t in model.inputs)
        print(f"  model {model.name}: inputs {inputs}, {model.count_params():,} parameters")
        predictions = model.predict(parts.test.X, verbose=0)
        forecasts[name] = parts.test.to_frame(predictions)  # dates, original units
        test_periods.append(tuple(parts.test.target_index))

    assert test_periods[0] == test_periods[1], "both models must be scored on the same days"
    first, last = forecasts["with future calendar"].index[[0, -1]]
    print(
        f"\nTest: {len(test_periods[0])} forecasts of {args.horizon} days, first days "
        f"{first:%Y-%m-%d} .. {last:%Y-%m-%d} (RMSE of load, all {args.horizon} steps pooled)"
    )
    rows = {}
    for name, frame in forecasts.items():
        table = lstmshape.score(frame, data[["load"]], season=7)
        overall = table.xs("all", level="step")["RMSE"]
        rows[f"encoder-decoder {name}"] = overall["model"]
        rows["naive (last day seen)"] = overall["naive"]
        rows["seasonal naive (same day last week)"] = overall["seasonal naive"]
    width = max(map(len, rows))
    for name in sorted(rows, key=rows.__getitem__):
        print(f"  {name:<{width}}  RMSE {rows[name]:6.2f}")
    without = rows["encoder-decoder without future calendar"]
    with_future = rows["encoder-decoder with future calendar"]
    print(
        f"Knowing the calendar of the forecast days changes the RMSE by "
        f"{100 * (with_future - without) / without:+.0f}% ({without:.2f} -> {with_future:.2f})."
    )


if __name__ == "__main__":
    main()
