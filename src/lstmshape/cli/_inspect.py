"""``lstmshape inspect``: what a CSV holds and the shapes it would give, without training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import Split, Windows, explain, split, windows
from ._csv import (
    LoadedTable,
    choose_columns,
    decimal_comma_hint,
    with_lookback_hint,
)


def inspect_table(
    table: LoadedTable,
    *,
    lookback: int,
    target: str | None,
    features: Sequence[str] | None,
    horizon: int = 1,
    test: float | int = 0.1,
) -> str:
    """Return the report: rows and columns, time order, gaps, missing values, shapes."""
    frame = table.frame
    lines = [f"File: {table.source}", f"Rows: {len(frame):,}   Columns: {frame.shape[1]}"]
    for name, dtype in frame.dtypes.items():
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        kind = "numeric" if numeric else f"NOT numeric{decimal_comma_hint(frame[name])}"
        missing = int(frame[name].isna().sum())
        note = f", {missing} missing" if missing else ""
        lines.append(f"  {name!s:<24} {dtype!s:<10} {kind}{note}")
    lines += _time_report(table)
    chosen_target, chosen_features = choose_columns(frame, target, features)
    lines.append(
        f"Target: {chosen_target!r}   Features: {', '.join(map(repr, chosen_features))}"
        + ("  (the target alone; add columns with --features)" if features is None else "")
    )
    columns = list(dict.fromkeys([*chosen_features, chosen_target]))
    nan_rows = int(frame[columns].isna().any(axis=1).sum())
    if not nan_rows:
        lines.append("Missing values: none in the chosen columns.")
    else:
        lines.append(
            f"Missing values: {nan_rows} row{'s' if nan_rows != 1 else ''} with NaN in the "
            "chosen columns; windows() refuses them unless you fill them or pass dropna=True "
            "(they become gaps)."
        )
        return "\n".join(lines)

    def frame_it(size: int) -> tuple[Windows, Split]:
        features, targets = chosen_features, [chosen_target]
        return (
            windows(frame, size, horizon=horizon, features=features, targets=targets),
            split(frame, size, test=test, horizon=horizon, features=features, targets=targets),
        )

    w, parts = with_lookback_hint(
        frame_it, lookback, rows=len(frame), parts=f"a test part, --test {test}"
    )
    lines.append("")
    lines.append(
        f"lstmshape.windows(data, {lookback}, horizon={horizon}, features={chosen_features!r}, "
        f"targets=[{chosen_target!r}]):"
    )
    lines += ["  " + line for line in explain(w).splitlines()]
    lines.append("")
    lines.append(f"lstmshape.split(data, {lookback}, test={test!r}, ...):")
    lines += ["  " + line for line in explain(parts).splitlines()]
    return "\n".join(lines)


def _time_report(table: LoadedTable) -> list[str]:
    index = table.frame.index
    if not isinstance(index, pd.DatetimeIndex):
        return ["Time: no date column found (use --date-column); rows are taken in file order."]
    lines = [f"Time: {index.min().date()} .. {index.max().date()} ({index.name})"]
    lines += [f"  {note}" for note in table.notes]
    if table.was_sorted:
        lines.append(f"  The file is stored {table.was_sorted}: it will be sorted oldest first.")
    else:
        lines.append("  The file is stored oldest first.")
    if index.has_duplicates:
        lines.append(
            f"  {int(index.duplicated().sum())} duplicated timestamps: windows() refuses them."
        )
        return lines
    if len(index) > 2:
        steps = pd.Series(np.diff(index.asi8))
        usual = steps.mode().iloc[0]
        longer = steps[steps > usual]
        usual_step = _duration(pd.Timedelta(int(usual), unit=index.unit))
        longest = _duration(pd.Timedelta(int(steps.max()), unit=index.unit))
        lines.append(
            f"  Usual spacing {usual_step}; "
            + ("1 step is longer" if len(longer) == 1 else f"{len(longer)} steps are longer")
            + (f" (the longest {longest})" if len(longer) else "")
            + (". Pass freq= to windows() to keep windows from spanning them (for trading days, "
               "freq='B' still spans holidays)." if len(longer) else ".")
        )  # fmt: skip
    return lines


def _duration(delta: pd.Timedelta) -> str:
    if delta % pd.Timedelta(days=1) == pd.Timedelta(0):
        days = delta // pd.Timedelta(days=1)
        return f"{days} day" if days == 1 else f"{days} days"
    return str(delta)
