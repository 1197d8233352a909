"""The ``lstmshape`` command: ``demo`` (the main job), ``inspect`` and ``explain``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ._csv import CommandError, load_csv
from ._version import __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 bad input, 2 bad usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except (CommandError, ValueError, TypeError, ImportError) as error:
        # Bad input (our ShapeError is a ValueError) or a missing extra: one line, no traceback.
        print(f"lstmshape {args.command}: error: {error}", file=sys.stderr)
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
        "forecast and plot actual vs predicted. Built-in data unless --csv is given.",
    )
    _data_options(demo, csv_required=False)
    demo.add_argument("--lookback", type=_positive, default=60, help="timesteps per window (60)")
    demo.add_argument("--epochs", type=_positive, default=15, help="training epochs (15)")
    demo.add_argument("--units", type=_positive, default=32, help="units per LSTM layer (32)")
    demo.add_argument("--test", type=_size, default=0.1, help="test rows or fraction (0.1)")
    demo.add_argument("--val", type=_size, default=0.1, help="validation rows or fraction (0.1)")
    demo.add_argument(
        "--plot",
        default="lstmshape-demo.png",
        help="PNG to write ('' for none; lstmshape-demo.png)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (0)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=_run_demo)

    inspect = commands.add_parser(
        "inspect",
        help="show what a CSV holds and the shapes it gives, without training",
        description="Rows, columns, time order, gaps and missing values of a CSV, and the "
        "exact shapes windows() and split() would produce, with the keras.Input shape.",
    )
    inspect.add_argument("path", help="the CSV file")
    _data_options(inspect, csv_required=True)
    inspect.add_argument("--lookback", type=_positive, default=60, help="timesteps per window (60)")
    inspect.add_argument("--horizon", type=_positive, default=1, help="steps to forecast (1)")
    inspect.add_argument("--test", type=_size, default=0.1, help="test rows or fraction (0.1)")
    inspect.set_defaults(run=_run_inspect)
    return parser


def _data_options(parser: argparse.ArgumentParser, *, csv_required: bool) -> None:
    if not csv_required:
        parser.add_argument("--csv", help="a CSV file (default: built-in synthetic data)")
    parser.add_argument("--date-column", help="column with the dates (default: one named Date)")
    parser.add_argument("--target", help="column to forecast")
    parser.add_argument("--features", nargs="+", help="input columns (default: the target)")


def _run_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from ._demo import DemoOptions, run_demo

    options = DemoOptions(
        csv=args.csv,
        date_column=args.date_column,
        target=args.target,
        features=args.features,
        lookback=args.lookback,
        epochs=args.epochs,
        units=args.units,
        test=args.test,
        val=args.val,
        plot=args.plot or None,
        seed=args.seed,
        verbose=0 if args.quiet else 1,
    )
    run_demo(options)
    return 0


def _run_inspect(args: argparse.Namespace) -> int:
    from ._inspect import inspect_table

    table = load_csv(args.path, args.date_column)
    print(
        inspect_table(
            table,
            lookback=args.lookback,
            target=args.target,
            features=args.features,
            horizon=args.horizon,
            test=args.test,
        )
    )
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _size(text: str) -> float | int:
    """Parse a number of rows (int) or a fraction (float in (0, 1))."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected rows (int) or a fraction, got {text!r}"
        ) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"a fraction must be between 0 and 1, got {value}")
    return value
