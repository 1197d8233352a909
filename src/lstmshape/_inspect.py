"""``lstmshape inspect``: what a CSV holds and the shapes it would give, without training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._csv import CommandError, LoadedTable, require_columns, require_numeric
from ._errors import plural
from ._explain import explain
from ._split import split
from ._windows import windows


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
        kind = "numeric" if pd.api.types.is_numeric_dtype(dtype) else "NOT numeric (left out)"
        missing = int(frame[name].isna().sum())
        note = f", {missing} missing" if missing else ""
        lines.append(f"  {name!s:<24} {dtype!s:<10} {kind}{note}")
    lines += _time_report(table)
    numeric = [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    chosen_target = target if target is not None else (numeric[0] if numeric else None)
    if chosen_target is None:
        raise CommandError("The file has no numeric column: nothing to make windows of.")
    require_columns(frame, [chosen_target], "--target")
    require_numeric(frame, [chosen_target], "--target")
    chosen_features = list(features) if features is not None else numeric
    require_columns(frame, chosen_features, "--features")
    require_numeric(frame, chosen_features, "--features")
    nan_rows = int(frame[list({*chosen_features, chosen_target})].isna().any(axis=1).sum())
    if not nan_rows:
        lines.append("Missing values: none in the chosen columns.")
    else:
        lines.append(
            f"Missing values: {plural(nan_rows, 'row')} with NaN in the chosen columns; "
            "windows() refuses them unless you fill them or pass dropna=True (they become gaps)."
        )
        return "\n".join(lines)
    try:
        w = windows(
            frame, lookback, horizon=horizon, features=chosen_features, targets=[chosen_target]
        )
        parts = split(
            frame,
            lookback,
            test=test,
            horizon=horizon,
            features=chosen_features,
            targets=[chosen_target],
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
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
            f"  Usual spacing {usual_step}; {len(longer)} steps are longer"
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
