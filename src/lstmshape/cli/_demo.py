"""``lstmshape demo``: the whole workflow, end to end, on built-in data or a CSV.

Check that everything the run needs is there (TensorFlow, scikit-learn, matplotlib, a
writable plot path) before any slow step; then sort by date, split without leakage, scale on
training rows, window, build the model, train, compare the test RMSE with a naive
last-value forecast and plot both. The text describes exactly the settings the model uses.
"""

from __future__ import annotations

import contextlib
import math
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import Split, build_model, explain, folds, score, split, windows
from ..datasets import synthetic
from ._csv import (
    CommandError,
    CsvOptions,
    LoadedTable,
    choose_columns,
    load_csv,
    numeric_columns,
    with_lookback_hint,
)
from ._quiet import INSTALL_HINT, quiet_keras

#: Where a user reads why an LSTM can lose to "tomorrow is like today".
WHY_NAIVE_WINS = (
    'docs/splitting.md, "Honest numbers" (https://lstmshape.readthedocs.io/en/latest/splitting/)'
)
PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg")


@dataclass(frozen=True)
class DemoOptions:
    """Settings of one demo run (the command line's options)."""

    csv: str | None = None
    csv_options: CsvOptions = field(default_factory=CsvOptions)
    target: str | None = None
    features: Sequence[str] | None = None
    lookback: int = 60
    epochs: int = 15
    units: int = 32
    val: float | int = 0.1
    test: float | int = 0.1
    batch_size: int = 32
    plot: str | None = "lstmshape-demo.png"
    seed: int = 0
    folds: int = 3  # rolling-origin folds after the main split (0: none)
    keras_verbose: int = 2  # 0 silent, 1 progress bar (terminals), 2 one line per epoch
    verbose: bool = False  # TensorFlow's own start-up messages


@dataclass(frozen=True)
class DemoResult:
    """What the demo measured."""

    rmse: float
    naive_rmse: float
    forecast: pd.DataFrame
    plot: Path | None


def run_demo(options: DemoOptions, say: Callable[[str], None] = print) -> DemoResult:
    """Run the demo; ``say`` prints each step."""
    plot_path = check_ready(options)
    table = _load(options)
    frame = table.frame
    target, features = choose_columns(frame, options.target, options.features)
    if options.test == 0:
        raise CommandError("The demo scores its forecasts on a test part: --test must be > 0.")

    # Frame everything before saying anything: a lookback too long for the data is one error.
    parts = with_lookback_hint(
        lambda size: _split(frame, size, target, features, options),
        options.lookback,
        rows=len(frame),
        parts=f"validation and test parts, --val {options.val} --test {options.test}",
    )
    whole = windows(frame, options.lookback, features=features, targets=[target])
    say(f"== Data: {table.source}")
    for line in _data_lines(table, target, features, options):
        say(f"   {line}")
    say(_indent(explain(whole)))

    say("\n== Chronological split, scaler fitted on training rows only")
    say(_indent(explain(parts)))

    keras = quiet_keras(verbose=options.verbose)  # the first slow step
    keras.utils.set_random_seed(options.seed)
    model = build_model(parts.train, units=options.units, layers=2)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="mse")
    say("\n== Model (from the windows' shapes)")
    say(
        f"   input {model.input_shape} -> output {model.output_shape}, "
        f"{model.count_params():,} parameters: LSTM({options.units}) x 2, then Dense"
    )
    say(f"\n== Training for {_plural(options.epochs, 'epoch')}")
    train = parts.train.to_dataset(batch_size=options.batch_size, shuffle=True, seed=options.seed)
    val = parts.val.to_dataset(batch_size=256) if parts.val is not None else None
    # shuffle=False: the dataset shuffles itself; Keras' own flag does not apply to datasets.
    model.fit(
        train,
        validation_data=val,
        epochs=options.epochs,
        verbose=options.keras_verbose,
        shuffle=False,
    )

    forecast = _forecast(model, parts, frame, target)
    rmse = _rmse(forecast["predicted"], forecast["actual"])
    naive_rmse = _rmse(forecast["naive"], forecast["actual"])
    say("\n== Test set, in original units")
    say(f"   {len(forecast)} forecasts of {target!r}, {_span(forecast.index)}")
    say(f"   RMSE of the LSTM:                  {rmse:.4g}")
    say(f"   RMSE of the naive last value:      {naive_rmse:.4g}")
    unused = [c for c in numeric_columns(frame) if c not in features]
    more = [*features, *unused] if unused else None
    for line in verdict(rmse, naive_rmse, more_features=more):
        say(f"   {line}")
    if plot_path is not None:
        figure = forecast_figure(frame[target], forecast, target=target)
        save_figure(figure, plot_path)
        say(f"   Plot of actual vs predicted: {plot_path}")
    if options.folds > 0:
        _rolling_origin(frame, target, features, options, keras, say)
    return DemoResult(rmse, naive_rmse, forecast, plot_path)


def _rolling_origin(
    frame: pd.DataFrame,
    target: str,
    features: list[str],
    options: DemoOptions,
    keras: Any,
    say: Callable[[str], None],
) -> None:
    """Train the same model on each fold of a rolling-origin split; score each against naive.

    One test period can flatter or sink a model; folds ask the same question on several.
    """
    from sklearn.preprocessing import MinMaxScaler

    test_rows = _rows(options.test, len(frame))
    size = max(1, test_rows // options.folds)
    try:
        cv = folds(
            frame,
            options.lookback,
            n_folds=options.folds,
            test=size,
            features=features,
            targets=[target],
            scaler=MinMaxScaler(),
        )
    except ValueError as problem:
        say(f"\n== Rolling origin: skipped ({problem})")
        return
    epochs = max(1, options.epochs // len(cv))
    say(
        f"\n== Rolling origin: the same model, trained again on each of {len(cv)} folds "
        f"({_plural(epochs, 'epoch')} each, to keep the demo short: --folds 0 skips this)"
    )
    say(_indent(cv.describe()))
    frames = []
    for fold in cv:
        keras.utils.set_random_seed(options.seed)
        model = build_model(fold.train, units=options.units, layers=2)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="mse")
        train = fold.train.to_dataset(
            batch_size=options.batch_size, shuffle=True, seed=options.seed
        )
        model.fit(train, epochs=epochs, verbose=0, shuffle=False)
        test = fold.test
        if test is not None:
            frames.append(test.to_frame(model.predict(test.X, verbose=0)))
    table = score(frames, frame[[target]])
    say(_indent(_fold_table(table)))
    say(f"   {table.attrs.get('verdict', '')}")


def _fold_table(table: pd.DataFrame) -> str:
    """Return the scores of the LSTM ("model") and of naive per fold, as printed lines."""
    return table[["RMSE", "MAE", "MASE", "vs naive"]].round(4).to_string()


def _rows(size: float | int, n_rows: int) -> int:
    return int(size) if isinstance(size, int) else max(1, round(float(size) * n_rows))


def check_ready(options: DemoOptions) -> Path | None:
    """Check the optional dependencies and the plot path; return the path (None: no plot).

    Runs before anything slow, so a missing package or an unwritable path is reported at
    once instead of after training.
    """
    needed = {"tensorflow": "TensorFlow", "sklearn": "scikit-learn"}
    if options.plot:
        needed["matplotlib"] = "matplotlib"
    missing = [name for module, name in needed.items() if not _importable(module)]
    if missing:
        skip = " (or pass --plot '' to skip the plot)" if missing == ["matplotlib"] else ""
        raise CommandError(
            f"The demo needs {', '.join(needed.values())}; not installed: "
            f"{', '.join(missing)}. Install them with: {INSTALL_HINT}{skip}"
        )
    if not options.plot:
        return None
    return check_output_path(Path(options.plot))


def check_output_path(path: Path) -> Path:
    """Refuse a plot path that cannot be written, before any work is done."""
    if path.is_dir():
        raise CommandError(f"--plot {str(path)!r} is a directory; give a file name in it.")
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise CommandError(
            f"--plot {str(path)!r} must end in {', '.join(PLOT_SUFFIXES)} (the image format), "
            "or be '' for no plot."
        )
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise CommandError(f"--plot {str(path)!r} cannot be written: {parent} is not a directory.")
    existed = path.exists()
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"):
            pass
    except OSError as error:
        raise CommandError(
            f"--plot {str(path)!r} cannot be written: {error.strerror or error}. "
            "Choose another path, or --plot '' for no plot."
        ) from None
    if not existed:
        with contextlib.suppress(OSError):
            path.unlink()
    return path


def _importable(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):  # a broken install, or sys.modules[module] is None
        return False


def _load(options: DemoOptions) -> LoadedTable:
    if options.csv is None:
        return LoadedTable(synthetic(), "built-in data (lstmshape.datasets.synthetic())", None)
    return load_csv(options.csv, options.csv_options)


def _data_lines(
    table: LoadedTable, target: str, features: list[str], options: DemoOptions
) -> list[str]:
    frame = table.frame
    index = frame.index
    if isinstance(index, pd.DatetimeIndex):
        time = f"from {index.min().date()} to {index.max().date()}"
    else:
        time = "in file order (no date column)"
    lines = [f"{len(frame):,} rows {time}; {frame.shape[1]} columns."]
    lines += list(table.notes)
    if table.was_sorted:
        lines.append(f"The file was stored {table.was_sorted}; sorted oldest first for windows.")
    names = ", ".join(map(repr, features))
    default = " (the target alone; add inputs with --features)" if options.features is None else ""
    lines.append(
        f"Forecast {target!r} one step ahead from the last {options.lookback} steps of "
        f"{names}{default}:"
    )
    return lines


def _split(
    frame: pd.DataFrame, lookback: int, target: str, features: list[str], options: DemoOptions
) -> Split:
    from sklearn.preprocessing import MinMaxScaler

    return split(
        frame,
        lookback,
        val=options.val or None,
        test=options.test,
        features=features,
        targets=[target],
        scaler=MinMaxScaler(),
    )


def _forecast(model: Any, parts: Split, frame: pd.DataFrame, target: str) -> pd.DataFrame:
    test = parts.test
    if test is None:  # pragma: no cover - the demo always asks for a test part
        raise CommandError("The demo needs a test part (--test).")
    predicted = test.to_frame(model.predict(test.X, verbose=0))
    actual = test.to_frame(test.y)
    # The naive forecast: the next value is the last one seen (the row before each target).
    naive = frame[target].shift(1).loc[actual.index].to_numpy()
    return pd.DataFrame(
        {"actual": actual[target], "predicted": predicted[target], "naive": naive},
        index=actual.index,
    )


def verdict(
    rmse: float, naive_rmse: float, *, more_features: Sequence[str] | None = None
) -> list[str]:
    """Say whether the LSTM beat the naive forecast, and what to try when it did not.

    ``more_features``: every numeric column, when the model saw only some of them.
    """
    ratio = rmse / naive_rmse if naive_rmse > 0 else math.inf
    if rmse < naive_rmse:
        return [f"The LSTM is better than the naive forecast ({ratio:.2f}x its error)."]
    lines = [
        f"The LSTM is WORSE than the naive forecast ({ratio:.2f}x its error): it has not "
        "learned more than 'the next value is the last one'.",
        "To try: forecast changes instead of levels (the difference or return from the "
        "previous step), more data or more --epochs, a different --lookback.",
    ]
    if more_features:
        columns = " ".join(shlex.quote(str(c)) for c in more_features)
        lines.append(f"The model saw only some columns; give it the others: --features {columns}")
    lines.append(f"Why this happens: {WHY_NAIVE_WINS}.")
    return lines


def forecast_figure(history: pd.Series, forecast: pd.DataFrame, *, target: str) -> Any:
    """Return a two-panel matplotlib figure: recent history with the test period, and a zoom.

    ``forecast`` has the columns ``actual``, ``predicted`` and ``naive``, indexed by the
    target timestamps of the test windows.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rmse = _rmse(forecast["predicted"], forecast["actual"])
    naive_rmse = _rmse(forecast["naive"], forecast["actual"])
    dated = isinstance(forecast.index, pd.DatetimeIndex)
    xlabel = "date" if dated else "row"
    ylabel = f"{target} (original units)"
    context = history.loc[: forecast.index[0]].iloc[-3 * len(forecast) :]
    figure, (whole, zoom) = plt.subplots(2, 1, figsize=(10, 8))
    whole.plot(context.index, context.to_numpy(), color="0.6", label="history (train / val)")
    whole.axvspan(forecast.index[0], forecast.index[-1], color="0.92", label="test period")
    for axes in (whole, zoom):
        axes.plot(forecast.index, forecast["actual"], color="black", label="actual")
        axes.plot(
            forecast.index,
            forecast["predicted"],
            color="tab:red",
            label=f"LSTM forecast (RMSE {rmse:.4g})",
        )
        axes.plot(
            forecast.index,
            forecast["naive"],
            color="tab:blue",
            linestyle=":",
            label=f"naive: last value (RMSE {naive_rmse:.4g})",
        )
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.legend(loc="best", fontsize="small")
    whole.set_title(f"{target}: recent history and the test period (shaded)")
    zoom.set_title(
        f"Test period {_span(forecast.index)}: one-step-ahead forecasts, "
        f"LSTM RMSE {rmse:.4g} vs naive {naive_rmse:.4g}"
    )
    if dated:  # each panel has its own dates: concise labels, no rotation, none hidden
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        for axes in (whole, zoom):
            locator = AutoDateLocator()  # type: ignore[no-untyped-call]
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    figure.tight_layout()
    return figure


def save_figure(figure: Any, path: Path) -> Path:
    """Write the figure (its format from the suffix) and close it."""
    import matplotlib.pyplot as plt

    try:
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
    return path


def _rmse(a: pd.Series, b: pd.Series) -> float:
    return math.sqrt(float(np.mean((a.to_numpy() - b.to_numpy()) ** 2)))


def _span(index: pd.Index) -> str:
    first, last = index[0], index[-1]
    if isinstance(first, pd.Timestamp):
        return f"{first.date()} .. {last.date()}"
    return f"rows {first} .. {last}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in text.splitlines())


__all__ = ["DemoOptions", "DemoResult", "check_ready", "forecast_figure", "run_demo"]
