"""Quantile encoder-decoder LSTM on a panel of series of two kinds, scored against naive.

Four daily loads from ``lstmshape.datasets.weekly_load`` (different seeds) make a long
frame with a ``site`` column: two **offices** (busy on weekdays, quiet at weekends and on
holidays) and two **homes** (the mirror image: busy at weekends and on holidays). The
kind of a site is a **categorical static covariate**: a label that never changes and says
which weekly pattern to expect, given to the model as an integer code and learned as an
embedding (``static=["kind"], categorical=["kind"]``). An encoder-decoder LSTM reads the
last 28 days (load and calendar), the calendar of the 7 days it forecasts (known in
advance: ``future=``) and the site's kind, and predicts the 10 %, 50 % and 90 %
quantiles of each of those days (``build_model(..., quantiles=[0.1, 0.5, 0.9])``, trained
with ``pinball_loss``).

The test period is scored in original units with ``lstmshape.score``: the pinball loss
(lower is better), the coverage of the 10-90 % interval (nominal 0.8) and its width, for
the model and for the naive forecast (the last day seen, plus the empirical quantiles of
the in-sample changes over as many days).

    python examples/quantile_forecast.py               # under a minute on 2 CPU cores
    python examples/quantile_forecast.py --epochs 3    # quicker, less trained
    python examples/quantile_forecast.py --plot q.png  # and a picture of two test windows
    python examples/quantile_forecast.py --no-kind     # without the site's kind

Copy it and replace ``make_panel`` with your own long frame (one row per series and day)
and ``static_inputs`` with your own static columns.
"""

from __future__ import annotations

import argparse

import pandas as pd

import lstmshape

QUANTILES = [0.1, 0.5, 0.9]
FUTURE = ["weekday", "holiday"]  # known in advance: the calendar
SITES = {"office A": ("office", 0), "office B": ("office", 1), "home A": ("home", 2),
         "home B": ("home", 3)}  # fmt: skip


def make_panel(rows: int) -> pd.DataFrame:
    """Return a long frame of four sites: ``site``, ``kind`` (static), ``load``, calendar."""
    frames = []
    for site, (kind, seed) in SITES.items():
        frame = lstmshape.datasets.weekly_load(rows, seed=seed)
        if kind == "home":  # the mirror image: the weekday and holiday effects reversed
            frame["load"] = 2 * frame["load"].mean() - frame["load"]
        frames.append(frame.assign(site=site, kind=kind))
    return pd.concat(frames)[["site", "kind", "load", *FUTURE]]


def static_inputs(data: pd.DataFrame, kind: bool = True) -> tuple[pd.DataFrame, dict[str, object]]:
    """Return the data and the window options of the static covariates of each site.

    The site's kind is a label, not a number: ``categorical=`` makes it an int32 input
    (``X["categorical_static"]``, one code per series, the vocabulary learned on the
    training rows) that ``build_model`` embeds. Add your own static columns here: float
    ones in ``static`` only, labels in both ``static`` and ``categorical``. Without
    ``kind``, the model learns each site's pattern from its history only.
    """
    if not kind:
        return data.drop(columns=["kind"]), {}
    return data, {"static": ["kind"], "categorical": ["kind"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=730, help="days of data per site (730)")
    parser.add_argument("--lookback", type=int, default=28, help="days the encoder reads (28)")
    parser.add_argument("--horizon", type=int, default=7, help="days forecast (7)")
    parser.add_argument("--test", type=int, default=91, help="test days at the end (91)")
    parser.add_argument("--val", type=int, default=56, help="validation days before them (56)")
    parser.add_argument("--units", type=int, default=16, help="LSTM units (16)")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs (8)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and order (0)")
    parser.add_argument("--no-kind", action="store_true", help="leave out the site's kind")
    parser.add_argument("--plot", metavar="PNG", help="save a picture of two test windows")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines")
    args = parser.parse_args()

    # The heavy imports come after the arguments are parsed, so --help answers at once.
    from sklearn.preprocessing import MinMaxScaler

    from lstmshape.cli import quiet_keras

    keras = quiet_keras(verbose=args.verbose)

    data, static = static_inputs(make_panel(args.rows), kind=not args.no_kind)
    parts = lstmshape.split(
        data,
        args.lookback,
        val=args.val,
        test=args.test,
        horizon=args.horizon,
        targets="load",
        future=FUTURE,
        group_by="site",
        scaler=MinMaxScaler(),  # one per site, fitted on its training days only
        per_series=True,
        **static,
    )
    print(f"{len(SITES)} sites ({', '.join(SITES)}), {args.rows} days each")
    print("train:\n  " + "\n  ".join(repr(parts.train).splitlines()[1:]))

    keras.utils.set_random_seed(args.seed)
    model = lstmshape.build_model(parts.train, units=args.units, quantiles=QUANTILES)
    lstmshape.check_model(model, parts.test, quantiles=QUANTILES)
    model.compile(keras.optimizers.Adam(0.005), lstmshape.pinball_loss(QUANTILES))
    model.fit(
        parts.train.X,
        parts.train.y,
        validation_data=(parts.val.X, parts.val.y),
        batch_size=64,
        epochs=args.epochs,
        verbose=0,
    )
    inputs = ", ".join(f"{t.name.split(':')[0]} {tuple(t.shape)}" for t in model.inputs)
    print(f"model {model.name}: inputs {inputs}, output {tuple(model.output.shape)}, "
          f"{model.count_params():,} parameters")  # fmt: skip

    predictions = model.predict(parts.test.X, verbose=0)  # (samples, horizon, 1, 3)
    frame = parts.test.to_frame(predictions, quantiles=QUANTILES)  # sites, dates, levels
    table = lstmshape.score(frame, data)
    overall = table.xs("all", level="step")
    low, high = table.attrs["interval"]
    print(
        f"\nTest: {len(frame)} forecasts of {args.horizon} days over {len(SITES)} sites, "
        f"quantiles {QUANTILES} (interval {low:g} to {high:g}: nominal coverage "
        f"{high - low:.1f}), all steps pooled:"
    )
    print(f"  {'forecast':<8}  {'pinball':>8}  {'coverage':>8}  {'width':>7}  {'RMSE':>6}")
    for name in ("model", "naive"):
        row = overall.loc[name]
        print(f"  {name:<8}  {row['pinball']:8.3f}  {row['coverage']:8.3f}  "
              f"{row['width']:7.2f}  {row['RMSE']:6.2f}")  # fmt: skip
    ratio = overall.loc["model", "pinball"] / overall.loc["naive", "pinball"]
    word = "beats" if ratio < 1 else "does not beat"
    print(f"The quantile LSTM {word} the naive forecast: pinball loss {ratio:.2f}x the naive's.")
    if args.plot:  # the last test window of an office and of a home: median and interval
        last = [int(max(i for i, g in enumerate(parts.test.groups) if g == site))
                for site in ("office A", "home A")]  # fmt: skip
        figure = parts.test.plot(predictions, samples=last, quantiles=QUANTILES)
        figure.savefig(args.plot, dpi=80)
        print(f"Picture of two test windows: {args.plot}")


if __name__ == "__main__":
    main()
