"""``lstmshape inspect``: what a CSV holds and the shapes it would give, without training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import Split, Windows, explain, split, windows
from .._core.errors import plural
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
    transform: str | None = None,
    dropna: bool = False,
    test: float | int = 0.1,
) -> str:
    """Return the report: rows and columns, time order, gaps, missing values, shapes.

    With missing values in the chosen columns, the shapes are those of ``dropna=True``
    (``--dropna``): the rows with NaN become gaps that no window spans.
    """
    frame = table.frame
    lines = [f"File: {table.source}", f"Rows: {len(frame):,}   Columns: {frame.shape[1]:,}"]
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
    elif dropna:
        lines.append(
            f"Missing values: {plural(nan_rows, 'row')} with NaN in the chosen columns; with "
            "--dropna they become gaps that no window spans (the shapes below)."
        )
    else:
        lines.append(
            f"Missing values: {plural(nan_rows, 'row')} with NaN in the chosen columns; "
            "windows() refuses them unless you fill them or pass dropna=True (--dropna: they "
            "become gaps that no window spans). The shapes below are those of --dropna."
        )
        dropna = True
    options = {"horizon": horizon, "transform": transform, "dropna": dropna}
    shown = ", ".join(f"{k}={v!r}" for k, v in options.items() if v not in (None, False))

    def frame_it(size: int) -> tuple[Windows, Split]:
        features, targets = chosen_features, [chosen_target]
        return (
            windows(frame, size, features=features, targets=targets, **options),  # type: ignore[arg-type]
            split(frame, size, test=test, features=features, targets=targets, **options),  # type: ignore[arg-type]
        )

    w, parts = with_lookback_hint(
        frame_it, lookback, rows=len(frame), parts=f"a test part, --test {test}"
    )
    lines.append("")
    lines.append(
        f"lstmshape.windows(data, {lookback}, {shown}, features={chosen_features!r}, "
        f"targets=[{chosen_target!r}]):"
    )
    lines += ["  " + line for line in explain(w).splitlines()]
    lines.append("")
    lines.append(f"lstmshape.split(data, {lookback}, test={test!r}, {shown}, ...):")
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
        usual, longer, longest, kind = _spacing(index)
        counted = {0: "no step is longer", 1: "1 step is longer"}
        lines.append(
            f"  Usual spacing {usual}; "
            + counted.get(longer, f"{longer} steps are longer")
            + (f" (the longest {longest})" if longer else "")
            + (f". Pass freq= to windows() to keep windows from spanning them{_FREQ_HINTS[kind]}."
               if longer else ".")
        )  # fmt: skip
    return lines


#: What to pass as ``freq`` for each kind of spacing.
_FREQ_HINTS = {
    "days": " (for trading days, freq='B' still spans holidays)",
    "months": " (freq='MS' for dates on the first of the month, 'ME' on the last)",
    "other": "",
}


def _spacing(index: pd.DatetimeIndex) -> tuple[str, int, str, str]:
    """Return the usual step, how many steps are longer, the longest step, and their kind.

    Calendar months, quarters and years are counted in months: 28 to 31 days are one month.
    """
    steps = pd.Series(np.diff(index.asi8))
    usual = pd.Timedelta(int(steps.mode().iloc[0]), unit=index.unit)
    if pd.Timedelta(days=28) <= usual <= pd.Timedelta(days=366) and _month_like(usual):
        months = pd.Series(np.diff(index.year.to_numpy() * 12 + index.month.to_numpy()))
        step = int(months.mode().iloc[0])
        named = {1: " (monthly)", 3: " (quarterly)", 12: " (yearly)"}.get(step, "")
        count = int((months > step).sum())
        return (
            f"{plural(step, 'month')}{named}",
            count,
            plural(int(months.max()), "month"),
            "months",
        )
    count = int((steps > steps.mode().iloc[0]).sum())
    longest = pd.Timedelta(int(steps.max()), unit=index.unit)
    kind = "days" if usual == pd.Timedelta(days=1) else "other"
    return _duration(usual), count, _duration(longest), kind


def _month_like(step: pd.Timedelta) -> bool:
    """Whether a step is one, three or twelve calendar months long (28..31 days per month)."""
    days = step / pd.Timedelta(days=1)
    return any(28 * n <= days <= 31 * n for n in (1, 3, 12)) and days == int(days)


def _duration(delta: pd.Timedelta) -> str:
    if delta % pd.Timedelta(days=1) == pd.Timedelta(0):
        return plural(delta // pd.Timedelta(days=1), "day")
    return str(delta)
