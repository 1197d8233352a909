"""``lstmshape demo``: the whole workflow, end to end, on built-in data or a CSV.

Sort by date, split without leakage, scale on training rows, window, build the model,
train, then compare the test RMSE with a naive last-value forecast and plot both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._csv import CommandError, LoadedTable, load_csv, require_columns, require_numeric
from ._explain import explain
from ._models import build_model
from ._split import Split, split
from ._tf import import_keras
from .datasets import synthetic


@dataclass(frozen=True)
class DemoOptions:
    """Settings of one demo run (the command line's options)."""

    csv: str | None = None
    date_column: str | None = None
    target: str | None = None
    features: Sequence[str] | None = None
    lookback: int = 60
    epochs: int = 15
    units: int = 32
    val: float = 0.1
    test: float = 0.1
    batch_size: int = 32
    plot: str | None = "lstmshape-demo.png"
    seed: int = 0
    verbose: int = 1


@dataclass(frozen=True)
class DemoResult:
    """What the demo measured."""

    rmse: float
    naive_rmse: float
    forecast: pd.DataFrame
    plot: Path | None


def run_demo(options: DemoOptions, say: Callable[[str], None] = print) -> DemoResult:
    """Run the demo; ``say`` prints each step."""
    table = _load(options)
    frame, target, features = _columns(table, options)
    say(f"== Data: {table.source}")
    if table.was_sorted:
        say(f"   The file was stored {table.was_sorted}; sorted oldest first for windows.")
    say(_indent(explain(frame[list(dict.fromkeys([*features, target]))])))

    parts = _split(frame, target, features, options)
    say("\n== Chronological split, scaler fitted on training rows only")
    say(_indent(explain(parts)))

    keras = import_keras("lstmshape demo")
    keras.utils.set_random_seed(options.seed)
    model = build_model(parts.train, units=options.units, layers=2)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="mse")
    say("\n== Model (from the windows' shapes)")
    say(
        f"   input {model.input_shape} -> output {model.output_shape}, "
        f"{model.count_params():,} parameters: LSTM({options.units}) x 2, then Dense"
    )
    say(f"\n== Training for {options.epochs} epochs")
    train = parts.train.to_dataset(batch_size=options.batch_size, shuffle=True, seed=options.seed)
    val = parts.val.to_dataset(batch_size=256) if parts.val is not None else None
    model.fit(
        train, validation_data=val, epochs=options.epochs, verbose=options.verbose, shuffle=False
    )

    forecast = _forecast(model, parts, frame, target)
    rmse = _rmse(forecast["predicted"], forecast["actual"])
    naive_rmse = _rmse(forecast["naive"], forecast["actual"])
    say("\n== Test set, in original units")
    say(f"   {len(forecast)} forecasts of {target!r}, {_span(forecast.index)}")
    say(f"   RMSE of the LSTM:                  {rmse:.4g}")
    say(f"   RMSE of the naive last value:      {naive_rmse:.4g}")
    verdict = "better" if rmse < naive_rmse else "worse"
    say(f"   The LSTM is {verdict} than the naive forecast ({rmse / naive_rmse:.2f}x its error).")
    plot = None
    if options.plot:
        plot = plot_forecast(frame[target], forecast, Path(options.plot), title=target)
        say(f"   Plot of actual vs predicted: {plot}")
    return DemoResult(rmse, naive_rmse, forecast, plot)


def _load(options: DemoOptions) -> LoadedTable:
    if options.csv is None:
        return LoadedTable(synthetic(), "built-in data (lstmshape.datasets.synthetic())", None)
    return load_csv(options.csv, options.date_column)


def _columns(table: LoadedTable, options: DemoOptions) -> tuple[pd.DataFrame, str, list[str]]:
    frame = table.frame
    numeric = [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    if options.target is None:
        if not numeric:
            raise CommandError("The data has no numeric column to forecast.")
        target = "load" if options.csv is None else numeric[0]
    else:
        target = options.target
    require_columns(frame, [target], "--target")
    require_numeric(frame, [target], "--target")
    if options.features is not None:
        features = list(options.features)
    else:
        features = numeric if options.csv is None else [target]
    require_columns(frame, features, "--features")
    require_numeric(frame, features, "--features")
    return frame, target, features


def _split(frame: pd.DataFrame, target: str, features: list[str], options: DemoOptions) -> Split:
    try:
        return split(
            frame,
            options.lookback,
            val=options.val or None,
            test=options.test,
            features=features,
            targets=[target],
            scaler=_min_max_scaler(),
        )
    except ValueError as error:
        raise CommandError(str(error)) from None


def _min_max_scaler() -> object:
    try:
        from sklearn.preprocessing import MinMaxScaler
    except ImportError:
        raise CommandError(
            "The demo scales with scikit-learn, which is not installed: "
            'pip install "lstmshape[all]"'
        ) from None
    return MinMaxScaler()


def _forecast(model: object, parts: Split, frame: pd.DataFrame, target: str) -> pd.DataFrame:
    test = parts.test
    if test is None:  # pragma: no cover - the demo always asks for a test part
        raise CommandError("The demo needs a test part (--test).")
    predictions = model.predict(test.to_dataset(batch_size=256), verbose=0)  # type: ignore[attr-defined]
    predicted = test.to_frame(predictions)
    actual = test.to_frame(test.y)
    # The naive forecast: tomorrow is like today (the last row of each input window).
    naive = frame[target].loc[test.end_index].to_numpy()
    return pd.DataFrame(
        {"actual": actual[target], "predicted": predicted[target], "naive": naive},
        index=actual.index,
    )


def plot_forecast(history: pd.Series, forecast: pd.DataFrame, path: Path, *, title: str) -> Path:
    """Write a PNG of the recent history, the actual test values and the forecasts."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CommandError(
            'Plotting needs matplotlib, which is not installed: pip install "lstmshape[all]" '
            "(or pass --plot '' to skip the plot)"
        ) from None
    context = history.loc[: forecast.index[0]].iloc[-3 * len(forecast) :]
    figure, axes = plt.subplots(figsize=(10, 4.5))
    axes.plot(context.index, context.to_numpy(), color="0.6", label="history (train / val)")
    axes.plot(forecast.index, forecast["actual"], color="black", label="actual (test)")
    axes.plot(forecast.index, forecast["predicted"], color="tab:red", label="LSTM forecast")
    axes.plot(forecast.index, forecast["naive"], color="tab:blue", linestyle=":", label="naive")
    axes.set_title(f"{title}: one-step-ahead forecasts on the test period")
    axes.legend(loc="best")
    figure.autofmt_xdate()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _rmse(a: pd.Series, b: pd.Series) -> float:
    return math.sqrt(float(np.mean((a.to_numpy() - b.to_numpy()) ** 2)))


def _span(index: pd.Index) -> str:
    first, last = index[0], index[-1]
    if isinstance(first, pd.Timestamp):
        return f"{first.date()} .. {last.date()}"
    return f"rows {first} .. {last}"


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in text.splitlines())
