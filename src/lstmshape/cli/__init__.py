"""The ``lstmshape`` command: ``demo`` (the main job) and ``inspect``.

Only :mod:`argparse` is imported until a command runs, so ``--help`` answers at once;
TensorFlow is imported by ``demo`` alone, after every input, option, optional dependency and
output path has been checked. Every failure ends in one branch, :func:`main`'s: one message
on standard error (``lstmshape: error: ...``), exit code 1 (2 for a malformed command line),
and never a traceback unless ``--verbose`` asks for it.

:func:`quiet_keras` (``lstmshape.quiet()`` and Keras) is also what the example scripts use to
import TensorFlow without its start-up noise; the code lives in ``lstmshape._core.frameworks``.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from .._core.frameworks import quiet, quiet_environment, quiet_keras
from .._version import __version__

#: The name of :func:`lstmshape.quiet` in earlier versions.
quiet_tensorflow = quiet

__all__ = ["main", "quiet_keras", "quiet_tensorflow"]

ISSUES = "https://github.com/lstmshape/lstmshape/issues"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 bad input, 2 bad usage).

    Examples
    --------
    >>> from lstmshape.cli import main
    >>> main([])  # no command: the help goes to standard error
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    verbose = bool(getattr(args, "verbose", False))
    quiet_environment(verbose=verbose)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("lstmshape: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the one error branch: no traceback reaches a user
        return _report(error, verbose=verbose)


def _report(error: Exception, *, verbose: bool) -> int:
    from ._csv import CommandError

    if verbose:
        traceback.print_exception(error, file=sys.stderr)
    message = str(error).strip() or type(error).__name__
    expected = (CommandError, ValueError, TypeError, ImportError, OSError)
    if not isinstance(error, expected):
        message = (
            f"unexpected {type(error).__name__}: {message}\n"
            f"This is a bug in lstmshape; please report it at {ISSUES} with the command "
            "(run it with --verbose for the traceback)."
        )
    print(f"lstmshape: error: {message}", file=sys.stderr)
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstmshape",
        description="LSTM input shapes that cannot be wrong: windows, splits, models.",
    )
    parser.add_argument("--version", action="version", version=f"lstmshape {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="train a forecaster end to end and plot it (the main job)",
        description="Sort by date, split without leakage, scale on training rows, window, "
        "build and train an LSTM, then compare its test RMSE with a naive last-value "
        "forecast and plot actual vs predicted. Built-in data unless --csv is given. "
        "Needs TensorFlow, scikit-learn and matplotlib: pip install 'lstmshape[all]'.",
    )
    demo.add_argument("--csv", help="a CSV file (default: built-in synthetic data)")
    _data_options(demo)
    demo.add_argument("--lookback", type=_positive, default=60, help="timesteps per window (60)")
    _framing_options(demo)
    demo.add_argument(
        "--season",
        type=_rows,
        default=None,
        help="rows per season for the seasonal naive forecast (default: from the dates: 7 for "
        "daily data, 12 for monthly, 24 for hourly, ...; 0 leaves it out)",
    )
    demo.add_argument("--epochs", type=_positive, default=15, help="training epochs (15)")
    demo.add_argument("--units", type=_positive, default=32, help="units per LSTM layer (32)")
    demo.add_argument("--test", type=_size, default=0.1, help="test rows or fraction (0.1)")
    demo.add_argument("--val", type=_size, default=0.1, help="validation rows or fraction (0.1)")
    demo.add_argument(
        "--plot",
        default="lstmshape-demo.png",
        help="image to write, .png/.pdf/.svg/.jpg ('' for none; lstmshape-demo.png)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (0)")
    demo.add_argument(
        "--folds",
        type=int,
        default=3,
        help="rolling-origin folds to check the verdict on other periods (3; 0 skips them)",
    )
    noise = demo.add_mutually_exclusive_group()
    noise.add_argument("--quiet", action="store_true", help="no training progress")
    noise.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's start-up messages, and a traceback on errors",
    )
    demo.set_defaults(run=_run_demo)

    inspect = commands.add_parser(
        "inspect",
        help="show what a CSV holds and the shapes it gives, without training",
        description="Rows, columns, time order, gaps and missing values of a CSV, and the "
        "exact shapes windows() and split() would produce, with the keras.Input shape. "
        "Never imports TensorFlow.",
    )
    inspect.add_argument("path", help="the CSV file")
    _data_options(inspect)
    inspect.add_argument("--lookback", type=_positive, default=60, help="timesteps per window (60)")
    _framing_options(inspect)
    inspect.add_argument("--test", type=_size, default=0.1, help="test rows or fraction (0.1)")
    inspect.add_argument("--verbose", action="store_true", help="a traceback on errors")
    inspect.set_defaults(run=_run_inspect)
    return parser


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date-column",
        help="column with the dates, made the time axis (default: one named Date, Time, ... "
        "or the first column of dates)",
    )
    order = parser.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", action="store_const", const=True, dest="dayfirst", help="dates are 31/12/2020"
    )
    order.add_argument(
        "--monthfirst",
        action="store_const",
        const=False,
        dest="dayfirst",
        help="dates are 12/31/2020 (default: whichever reading works; ambiguous dates are "
        "refused unless only one reading is in time order)",
    )
    parser.add_argument("--sep", type=_separator, default=",", help="field separator (',')")
    parser.add_argument(
        "--decimal", default=".", choices=[".", ","], help="decimal mark of the numbers ('.')"
    )
    parser.add_argument("--target", help="column to forecast (default: the first numeric column)")
    parser.add_argument(
        "--features",
        nargs="+",
        metavar="COLUMN",
        help="input columns (default: the target alone; list it too if the model should see "
        "its past values)",
    )


def _framing_options(parser: argparse.ArgumentParser) -> None:
    """Add the window options that ``windows``, ``split`` and ``folds`` all take."""
    from .._input.transform import TRANSFORMS

    parser.add_argument("--horizon", type=_positive, default=1, help="steps to forecast (1)")
    parser.add_argument(
        "--transform",
        choices=TRANSFORMS,
        help="forecast changes instead of levels (undone before scoring and plotting)",
    )
    parser.add_argument(
        "--dropna",
        action="store_true",
        help="rows with a missing value become gaps that no window spans (default: refused)",
    )


def _csv_options(args: argparse.Namespace) -> object:
    from ._csv import CsvOptions

    return CsvOptions(
        date_column=args.date_column, sep=args.sep, decimal=args.decimal, dayfirst=args.dayfirst
    )


def _run_demo(args: argparse.Namespace) -> int:
    from ._demo import DemoOptions, run_demo

    # Keras' progress bar rewrites one line: fine on a terminal, 60 KB of noise in a file;
    # 2 prints one line per epoch instead.
    keras_verbose = 0 if args.quiet else 1 if sys.stdout.isatty() else 2
    options = DemoOptions(
        csv=args.csv,
        csv_options=_csv_options(args),  # type: ignore[arg-type]
        target=args.target,
        features=args.features,
        lookback=args.lookback,
        horizon=args.horizon,
        transform=args.transform,
        dropna=args.dropna,
        season=args.season,
        epochs=args.epochs,
        units=args.units,
        test=args.test,
        val=args.val,
        plot=args.plot or None,
        seed=args.seed,
        folds=args.folds,
        keras_verbose=keras_verbose,
        verbose=args.verbose,
    )
    run_demo(options)
    return 0


def _run_inspect(args: argparse.Namespace) -> int:
    from ._csv import load_csv
    from ._inspect import inspect_table

    table = load_csv(args.path, _csv_options(args))  # type: ignore[arg-type]
    print(
        inspect_table(
            table,
            lookback=args.lookback,
            target=args.target,
            features=args.features,
            horizon=args.horizon,
            transform=args.transform,
            dropna=args.dropna,
            test=args.test,
        )
    )
    return 0


def _whole(text: str, minimum: int) -> int:
    """Parse a whole number of at least ``minimum`` (an argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        least = "at least 1" if minimum == 1 else f"{minimum} or more"
        raise argparse.ArgumentTypeError(f"must be {least}, got {value}")
    return value


def _positive(text: str) -> int:
    return _whole(text, 1)


def _rows(text: str) -> int:
    return _whole(text, 0)


def _size(text: str) -> float | int:
    """Parse a number of rows (int) or a fraction (float in (0, 1))."""
    try:
        value = int(text)
    except ValueError:
        pass
    else:
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more rows, got {value}")
        return value
    try:
        fraction = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected rows (int) or a fraction, got {text!r}"
        ) from None
    if not 0 < fraction < 1:
        raise argparse.ArgumentTypeError(f"a fraction must be between 0 and 1, got {fraction}")
    return fraction


def _separator(text: str) -> str:
    """Accept one character, or ``tab`` (a tab is hard to type in a shell) for a tab."""
    if text in {"\\t", "tab", "TAB"}:
        return "\t"
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"expected one character (or tab), got {text!r}")
    return text
