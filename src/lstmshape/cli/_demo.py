"""``lstmshape demo``: the whole workflow, end to end, on built-in data or a CSV.

Check that everything the run needs is there (TensorFlow, scikit-learn, matplotlib, a
writable plot path) before any slow step; then sort by date, split without leakage, scale on
training rows, window, build the model, train, and score the test forecasts with
:func:`lstmshape.score` against the naive last-value forecast (and the seasonal naive one,
when the data has a season); then ask the same question on rolling-origin folds, trained
exactly like the main model, and end with one verdict that says whether both answers agree.
The text describes exactly the settings the model uses; the picture is drawn by
``Split.plot`` and the Axes of a figure made through ``_core.frameworks``.
"""

from __future__ import annotations

import contextlib
import math
import shlex
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import Split, build_model, explain, folds, score, split, windows
from .._core.errors import plural
from .._core.frameworks import import_pyplot, installed, quiet_keras
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

#: Where a user reads why an LSTM can lose to "tomorrow is like today".
WHY_NAIVE_WINS = (
    'docs/splitting.md, "Honest numbers" (https://lstmshape.readthedocs.io/en/latest/splitting/)'
)
PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg")
INSTALL_HINT = 'pip install "lstmshape[all]"'
#: Rows per season for an index of this frequency (one step of it), and the season's name.
SEASONS: tuple[tuple[Any, int, str], ...] = (
    (pd.offsets.Hour, 24, "daily cycle of hourly data"),
    (pd.offsets.Day, 7, "weekly cycle of daily data"),
    (pd.offsets.BusinessDay, 5, "weekly cycle of business days"),
    (pd.offsets.Week, 52, "yearly cycle of weekly data"),
    (pd.offsets.MonthEnd, 12, "yearly cycle of monthly data"),
    (pd.offsets.MonthBegin, 12, "yearly cycle of monthly data"),
    (pd.offsets.BusinessMonthEnd, 12, "yearly cycle of monthly data"),
    (pd.offsets.QuarterEnd, 4, "yearly cycle of quarterly data"),
    (pd.offsets.QuarterBegin, 4, "yearly cycle of quarterly data"),
)


@dataclass(frozen=True)
class DemoOptions:
    """Settings of one demo run (the command line's options)."""

    csv: str | None = None
    csv_options: CsvOptions = field(default_factory=CsvOptions)
    target: str | None = None
    features: Sequence[str] | None = None
    lookback: int = 60
    horizon: int = 1
    transform: str | None = None
    dropna: bool = False
    season: int | None = None  # None: from the index's frequency; 0: no seasonal naive
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
    """What the demo measured: RMSE of the LSTM and of naive on the test part, and more."""

    rmse: float
    naive_rmse: float
    forecast: pd.DataFrame
    plot: Path | None
    scores: pd.DataFrame | None = None  # score() of the test part
    fold_scores: pd.DataFrame | None = None  # score() of the rolling-origin folds


def run_demo(options: DemoOptions, say: Callable[[str], None] = print) -> DemoResult:
    """Run the demo; ``say`` prints each step."""
    plot_path = check_ready(options)
    table = _load(options)
    frame = table.frame
    target, features = choose_columns(frame, options.target, options.features)
    if options.test == 0:
        raise CommandError("The demo scores its forecasts on a test part: --test must be > 0.")
    season, season_name = choose_season(frame.index, options.season)

    # Frame everything before saying anything: a lookback too long for the data is one error.
    parts = with_lookback_hint(
        lambda size: _split(frame, size, target, features, options),
        options.lookback,
        rows=len(frame),
        parts=f"validation and test parts, --val {options.val} --test {options.test}",
    )
    whole = windows(frame, options.lookback, targets=[target], **_window_options(features, options))
    say(f"== Data: {table.source}")
    for line in _data_lines(table, target, features, options):
        say(f"   {line}")
    say(_indent(explain(whole)))

    say("\n== Chronological split, scaler fitted on training rows only")
    say(_indent(explain(parts)))

    keras = quiet_keras(verbose=options.verbose)  # the first slow step
    model = _build(keras, parts, options)
    say("\n== Model (from the windows' shapes)")
    say(
        f"   input {model.input_shape} -> output {model.output_shape}, "
        f"{model.count_params():,} parameters: LSTM({options.units}) x 2, then Dense"
    )
    say(f"\n== Training for {plural(options.epochs, 'epoch')}")
    _fit(model, parts, options, validation=True)
    test = parts.test
    if test is None:  # pragma: no cover - the demo always asks for a test part
        raise CommandError("The demo needs a test part (--test).")
    predicted = test.to_frame(model.predict(test.X, verbose=0))
    scores = score(predicted, frame[[target]], season=season)
    overall = _overall(scores)
    rmse, naive_rmse = _at(overall, "model", "RMSE"), _at(overall, "naive", "RMSE")
    forecast = _forecast(predicted, frame, target)
    say("\n== Test set, in original units (lstmshape.score)")
    ahead = "" if options.horizon == 1 else f" {options.horizon} steps ahead each"
    say(f"   {len(predicted)} forecasts of {target!r}{ahead}, {_span(predicted.index)}")
    say(f"   RMSE of the LSTM:                  {rmse:.4g}")
    say(f"   RMSE of the naive last value:      {naive_rmse:.4g}")
    if "seasonal naive" in overall.index:
        seasonal_rmse = _at(overall, "seasonal naive", "RMSE")
        say(f"   RMSE of the seasonal naive:        {seasonal_rmse:.4g}  ({season_name})")
    unused = [c for c in numeric_columns(frame) if c not in features]
    more = [*features, *unused] if unused else None
    main_lines = verdict_of(overall, more_features=more)
    for line in main_lines:
        say(f"   {line}")
    if plot_path is not None:
        first = _first_step(scores)
        rmses = (_at(first, "model", "RMSE"), _at(first, "naive", "RMSE"))
        figure = forecast_figure(parts, forecast, target=target, rmse=rmses)
        save_figure(figure, plot_path)
        say(f"   Plot of actual vs predicted: {plot_path}")
    fold_scores = None
    if options.folds > 0:
        fold_scores = _rolling_origin(frame, target, features, options, keras, season, say)
    say("\n== Verdict")
    for line in conclusion(overall, fold_scores):
        say(f"   {line}")
    return DemoResult(rmse, naive_rmse, forecast, plot_path, scores, fold_scores)


def _window_options(features: list[str], options: DemoOptions) -> dict[str, Any]:
    """Return the options every framing of the demo shares: windows, split and folds."""
    return {
        "features": features,
        "horizon": options.horizon,
        "transform": options.transform,
        "dropna": options.dropna,
    }


def _build(keras: Any, parts: Any, options: DemoOptions) -> Any:
    """Build and compile one model, the same way for the test part and for every fold."""
    keras.utils.set_random_seed(options.seed)
    model = build_model(parts.train, units=options.units, layers=2)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="mse")
    return model


def _fit(model: Any, parts: Any, options: DemoOptions, *, validation: bool) -> None:
    """Train for ``options.epochs``: the test part's model and every fold's alike."""
    train = parts.train.to_dataset(batch_size=options.batch_size, shuffle=True, seed=options.seed)
    val = parts.val.to_dataset(batch_size=256) if validation and parts.val is not None else None
    # shuffle=False: the dataset shuffles itself; Keras' own flag does not apply to datasets.
    model.fit(
        train,
        validation_data=val,
        epochs=options.epochs,
        verbose=options.keras_verbose if validation else 0,
        shuffle=False,
    )


def _rolling_origin(
    frame: pd.DataFrame,
    target: str,
    features: list[str],
    options: DemoOptions,
    keras: Any,
    season: int | None,
    say: Callable[[str], None],
) -> pd.DataFrame | None:
    """Train the same model on each fold of a rolling-origin split; score each against naive.

    The folds cut the test part into consecutive test periods; each fold's model is built
    and trained exactly like the main one (same epochs, seed and settings), on the rows
    before its test period, so the two answers differ only by what each model could see.
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
            targets=[target],
            scaler=MinMaxScaler(),
            **_window_options(features, options),
        )
    except ValueError as problem:
        say(f"\n== Rolling origin: skipped ({problem})")
        return None
    say(
        "\n== Rolling origin: the same model, trained the same way "
        f"({plural(options.epochs, 'epoch')}) on each of {len(cv)} folds, each forecasting "
        f"the next {plural(size, 'row')} of the test part from the rows before it "
        "(--folds 0 skips this)"
    )
    say(_indent(cv.describe()))
    frames = []
    for fold in cv:
        model = _build(keras, fold, options)
        _fit(model, fold, options, validation=False)
        test = fold.test
        if test is not None:
            frames.append(test.to_frame(model.predict(test.X, verbose=0)))
    table = score(frames, frame[[target]], season=season)
    say(_indent(_fold_table(table)))
    say(f"   {table.attrs.get('verdict', '')}")
    return table


def _fold_table(table: pd.DataFrame) -> str:
    """Return the scores of the LSTM ("model") and of the baselines per fold, as lines.

    With a horizon, the steps are pooled ("all"); score() has them one by one.
    """
    if "step" in table.index.names:
        table = pd.DataFrame(table.xs("all", level="step"))
    return table[["RMSE", "MAE", "MASE", "vs naive"]].round(4).to_string()


def _rows(size: float | int, n_rows: int) -> int:
    return int(size) if isinstance(size, int) else max(1, round(float(size) * n_rows))


def choose_season(index: pd.Index, season: int | None) -> tuple[int | None, str]:
    """Return the rows per season for the seasonal naive forecast, and what it is.

    ``season`` None: from the index's frequency (7 for daily data, 12 for monthly, ...; none
    when the index has no regular frequency); 0: no seasonal naive forecast.
    """
    if season is not None:
        return (season, f"the value {plural(season, 'row')} earlier") if season else (None, "")
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None, ""
    freq = index.freq
    if freq is None:
        try:
            with warnings.catch_warnings():  # pandas 3 warns that a string will become an offset
                warnings.simplefilter("ignore")
                inferred = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None, ""
        if inferred is None:
            return None, ""
        freq = pd.tseries.frequencies.to_offset(inferred)
    for kind, rows, name in SEASONS:
        if isinstance(freq, kind) and freq.n == 1:
            return rows, f"the value {rows} rows earlier: the {name}; --season 0 leaves it out"
    return None, ""


#: What the model forecasts with a transform (it is undone before scoring and plotting).
_CHANGES = {
    "diff": " (as its change from the previous step, --transform diff)",
    "pct_change": " (as its relative change, --transform pct_change)",
    "log": " (as its logarithm, --transform log)",
    "log_diff": " (as its log return, --transform log_diff)",
}


def check_ready(options: DemoOptions) -> Path | None:
    """Check the optional dependencies and the plot path; return the path (None: no plot).

    Runs before anything slow, so a missing package or an unwritable path is reported at
    once instead of after training.
    """
    needed = {"tensorflow": "TensorFlow", "sklearn": "scikit-learn"}
    if options.plot:
        needed["matplotlib"] = "matplotlib"
    missing = [name for module, name in needed.items() if not installed(module)]
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
    lines = [f"{len(frame):,} rows {time}; {plural(frame.shape[1], 'column')}."]
    lines += list(table.notes)
    if table.was_sorted:
        lines.append(f"The file was stored {table.was_sorted}; sorted oldest first for windows.")
    names = ", ".join(map(repr, features))
    default = " (the target alone; add inputs with --features)" if options.features is None else ""
    ahead = "one step" if options.horizon == 1 else f"{options.horizon} steps"
    change = _CHANGES.get(options.transform or "", "")
    lines.append(
        f"Forecast {target!r}{change} {ahead} ahead from the last {options.lookback} steps of "
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
        targets=[target],
        scaler=MinMaxScaler(),
        **_window_options(features, options),
    )


def _overall(table: pd.DataFrame) -> pd.DataFrame:
    """Return score()'s rows for every fold and step together, indexed by forecaster."""
    for level in [name for name in table.index.names if name != "forecast"]:
        table = pd.DataFrame(table.xs("all", level=level))
    return table


def _first_step(table: pd.DataFrame) -> pd.DataFrame:
    """Return score()'s rows of the first step (all of them without a horizon)."""
    if "step" in table.index.names:
        table = pd.DataFrame(table.xs("+0", level="step"))
    return table


def _at(table: pd.DataFrame, row: str, column: str) -> float:
    """Return one number of a score() table."""
    return float(table[column].to_dict()[row])


def _forecast(predicted: pd.DataFrame, frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Return the one-step-ahead forecasts to draw: ``actual``, ``predicted`` and ``naive``.

    With a horizon, the first step (``target+0``) is drawn. ``naive`` repeats the value of
    the row before each target, as score()'s naive forecast does.
    """
    column = target if target in predicted.columns else f"{target}+0"
    index = predicted.index
    history = frame[target]
    return pd.DataFrame(
        {
            "actual": history.loc[index].to_numpy(),
            "predicted": predicted[column].to_numpy(),
            "naive": history.shift(1).loc[index].to_numpy(),
        },
        index=index,
    )


def verdict_of(overall: pd.DataFrame, *, more_features: Sequence[str] | None = None) -> list[str]:
    """Return :func:`verdict` of the ratios in score()'s overall rows."""
    ratio = _at(overall, "model", "vs naive")
    seasonal = None
    if "seasonal naive" in overall.index:
        seasonal = ratio / _at(overall, "seasonal naive", "vs naive")
    return verdict(ratio, vs_seasonal=seasonal, more_features=more_features)


def verdict(
    vs_naive: float, *, vs_seasonal: float | None = None, more_features: Sequence[str] | None = None
) -> list[str]:
    """Say whether the LSTM beat the naive forecasts, and what to try when it did not.

    ``vs_naive`` and ``vs_seasonal``: the LSTM's RMSE divided by the naive (last value)
    and the seasonal naive forecasts'. ``more_features``: every numeric column, when the
    model saw only some of them.
    """
    if not math.isfinite(vs_naive):
        return [f"The LSTM could not be compared with the naive forecast (ratio {vs_naive})."]
    if vs_seasonal is not None and not math.isfinite(vs_seasonal):
        vs_seasonal = None
    word = _compared(vs_naive)
    if word == "better":
        first = f"The LSTM is better than the naive forecast ({vs_naive:.2f}x its error)"
    else:
        first = (
            f"The LSTM is {word.upper()} than the naive forecast ({vs_naive:.2f}x its error): it "
            "has not learned more than 'the next value is the last one'"
        )
    if vs_seasonal is None:
        first += "."
    elif _compared(vs_seasonal) == "better":
        first += f"; {vs_seasonal:.2f}x the seasonal naive forecast's error."
    else:
        also = "but" if word == "better" else "and"
        first += (
            f", {also} {_compared(vs_seasonal).upper()} than the seasonal naive forecast "
            f"({vs_seasonal:.2f}x its error)."
        )
    if word == "better" and (vs_seasonal is None or _compared(vs_seasonal) == "better"):
        return [first]
    lines = [
        first,
        "To try: forecast changes instead of levels (--transform diff), more data or more "
        "--epochs, a different --lookback.",
    ]
    if more_features:
        columns = " ".join(shlex.quote(str(c)) for c in more_features)
        lines.append(f"The model saw only some columns; give it the others: --features {columns}")
    lines.append(f"Why this happens: {WHY_NAIVE_WINS}.")
    return lines


def conclusion(overall: pd.DataFrame, fold_scores: pd.DataFrame | None) -> list[str]:
    """Return one verdict from the test part and the folds: they agree, or why they differ."""
    ratio = _at(overall, "model", "vs naive")
    test_word = _compared(ratio)
    line = f"Test part: the LSTM is {test_word} than the naive forecast ({ratio:.2f}x its RMSE)."
    if fold_scores is None:
        return [line]
    folds_overall = _overall(fold_scores)
    fold_ratio = _at(folds_overall, "model", "vs naive")
    per_fold = fold_scores
    for level in [name for name in per_fold.index.names if name not in ("fold", "forecast")]:
        per_fold = pd.DataFrame(per_fold.xs("all", level=level))
    ratios = per_fold.xs("model", level="forecast")["vs naive"].drop(index="all", errors="ignore")
    wins, n = sum(_compared(r) == "better" for r in ratios), len(ratios)
    fold_word = _compared(fold_ratio)
    lines = [
        line,
        f"Rolling origin: {fold_word} overall ({fold_ratio:.2f}x), better in {wins} of "
        f"{plural(n, 'fold')}.",
    ]
    if (test_word == "better") == (fold_word == "better"):
        lines.append(f"Both agree: the LSTM is {test_word} than the naive forecast on these data.")
    else:
        lines.append(
            "They differ: the folds forecast the same test rows, but each fold's model was "
            "trained only on the rows before its own test period (the test part's model saw "
            "every row before the test part, and a validation part). A verdict that changes "
            "with the training rows is not settled: more data, more --epochs or more --folds "
            "tell more."
        )
    return lines


def _compared(ratio: float) -> str:
    """Return "better", "worse" or "no better" for an RMSE ratio, as printed (2 decimals)."""
    shown = round(ratio, 2)
    return "better" if shown < 1 else "worse" if shown > 1 else "no better"


def forecast_figure(
    parts: Split, forecast: pd.DataFrame, *, target: str, rmse: tuple[float, float]
) -> Any:
    """Return a two-panel figure: the split (``Split.plot``), and the test period's forecasts.

    ``forecast`` has the columns ``actual``, ``predicted`` and ``naive``, indexed by the
    target timestamps of the test windows; ``rmse`` is score()'s RMSE of the LSTM and of
    the naive forecast on those (first-step) forecasts. matplotlib comes through
    ``_core.frameworks``.
    """
    plt = import_pyplot("lstmshape demo --plot")
    scores = dict(zip(("predicted", "naive"), rmse, strict=True))
    dated = isinstance(forecast.index, pd.DatetimeIndex)
    with plt.rc_context({"date.converter": "concise"}):
        figure, (whole, zoom) = plt.subplots(2, 1, figsize=(10, 8), layout="constrained")
        parts.plot(column=target, ax=whole)
        zoom.plot(forecast.index, forecast["actual"], color="black", label="actual")
        zoom.plot(
            forecast.index,
            forecast["predicted"],
            color="tab:red",
            label=f"LSTM forecast (RMSE {scores['predicted']:.4g})",
        )
        zoom.plot(
            forecast.index,
            forecast["naive"],
            color="tab:blue",
            linestyle=":",
            label=f"naive: last value (RMSE {scores['naive']:.4g})",
        )
    zoom.set_xlabel("date" if dated else "row")
    zoom.set_ylabel(f"{target} (original units)")
    zoom.legend(loc="best", fontsize="small")
    zoom.set_title(
        f"Test period {_span(forecast.index)}: one-step-ahead forecasts, "
        f"LSTM RMSE {scores['predicted']:.4g} vs naive {scores['naive']:.4g}"
    )
    return figure


def save_figure(figure: Any, path: Path) -> Path:
    """Write the figure (its format from the suffix) and close it."""
    plt = import_pyplot("lstmshape demo --plot")
    try:
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
    return path


def _span(index: pd.Index) -> str:
    first, last = index[0], index[-1]
    if isinstance(first, pd.Timestamp):
        return f"{first.date()} .. {last.date()}"
    return f"rows {first} .. {last}"


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in text.splitlines())


__all__ = [
    "DemoOptions",
    "DemoResult",
    "check_ready",
    "choose_season",
    "conclusion",
    "forecast_figure",
    "run_demo",
    "verdict",
]
