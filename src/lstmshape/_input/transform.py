"""Targets as changes: differences, percentage changes, logs and log differences.

A model of min-max-scaled *levels* cannot forecast a level it never saw in training (a
price above the training range); a model of *changes* can. ``transform=`` on
:func:`lstmshape.windows`, :func:`lstmshape.split` and :func:`lstmshape.folds` replaces the
target columns by one of these before scaling, and :meth:`Windows.to_frame` turns
predictions of them back into levels.

Rules stated here once:

* Only the **target columns** are transformed, wherever they appear (a target that is also
  a feature is an input of changes too, so the model sees changes); features that are not
  targets stay as they are.
* Each value is taken against the one ``lag`` rows before it, where ``lag`` is the
  window's ``sampling_rate`` (1 unless asked): the change over one timestep of a window.
* Inside each run only (a series of ``group_by``, a stretch between gaps or NaN rows): the
  first ``lag`` rows of a run have no earlier value, so they become missing rows, which no
  window reads. A run therefore starts ``lag`` rows later (``"log"`` needs no earlier
  value and keeps every row).
* **Undoing never reads a level the forecaster did not know.** A change is undone from
  the original level ``lag`` rows before its row; for the first target of a window that
  row must be the window's last input row or earlier, which holds when ``shift <=
  sampling_rate`` (the default ``shift=1``: exactly the last input row). A larger
  ``shift`` would need the level of a row after the window (``shift=3``: the target is
  ``x[L+3] - x[L+2]``, and ``x[L+2]`` lies two rows in the future of the last input row
  ``L``), or the changes of the rows in between, which the model does not predict; so the
  differencing transforms refuse ``shift > sampling_rate`` (:func:`check_framing`), and
  :meth:`TargetTransform.undo` refuses to read past the last known row. Multi-step targets
  chain: ``level[t + k] = level[t - 1] + d[t] + ... + d[t + k]`` (``"diff"``), a product
  of ``1 + p`` (``"pct_change"``), ``exp`` of a cumulative sum times the level
  (``"log_diff"``); ``"log"`` is undone by ``exp`` alone. Per-timestep targets are undone
  one row at a time, each from the original level ``lag`` rows before it.
* Finite data whose change overflows (``1e308 - -1e308``) is refused with the column and
  row, rather than turned into ``inf``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core.arrays import readonly
from .._core.errors import ShapeError, received
from .._core.validate import check_choice
from .._plan.framing import Framing
from .table import Table, where
from .timeline import Timeline

#: The transforms ``transform=`` accepts.
TRANSFORMS = ("diff", "pct_change", "log", "log_diff")

_FORMULAS = {
    "diff": "x[t] - x[t-1]",
    "pct_change": "x[t] / x[t-1] - 1",
    "log": "log(x[t])",
    "log_diff": "log(x[t]) - log(x[t-1])",
}


def check_transform(transform: Any) -> str | None:
    """Return ``transform`` if it is ``None`` or one of :data:`TRANSFORMS`, else raise."""
    return check_choice(transform, "transform", TRANSFORMS, none="levels")


@dataclass(frozen=True)
class TargetTransform:
    """How the target columns were transformed, and their original levels to undo it.

    Attributes
    ----------
    kind : str
        ``"diff"``, ``"pct_change"``, ``"log"`` or ``"log_diff"``.
    lag : int
        Rows between a value and the earlier value it is taken against.
    levels : numpy.ndarray
        The original (untransformed, unscaled) values of the target columns, float64,
        ``(rows, n_targets)``, read-only; NaN where the data has missing rows.
    """

    kind: str
    lag: int
    levels: np.ndarray

    @property
    def needs_previous(self) -> bool:
        """Whether undoing needs an earlier level (every transform but ``"log"``)."""
        return self.kind != "log"

    @property
    def formula(self) -> str:
        """The transform as a formula, for messages and ``repr``."""
        return _FORMULAS[self.kind].replace("t-1", f"t-{self.lag}")

    def undo(
        self,
        values: np.ndarray,
        rows: np.ndarray,
        *,
        chained: bool,
        known: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return the levels of predicted transformed ``values``.

        Parameters
        ----------
        values
            ``(samples, steps, n_targets)``: transformed values of the target rows.
        rows
            ``(samples, steps)``: the row of each value (rows ``lag`` apart along steps).
        chained
            True for multi-step targets: step ``k`` builds on the level undone at step
            ``k - 1``, and only the level before the first step is read from the data.
            False: each value is undone from the original level ``lag`` rows before it.
        known
            ``(samples,)``: the last row each sample's forecaster knew (its last input row).
            A level after it is never read: that would be evaluation seeing the future.
        """
        values = np.asarray(values, dtype=np.float64)
        if self.kind == "log":
            return np.exp(values)
        base_rows = (rows[:, :1] if chained else rows) - self.lag
        if known is not None:
            late = base_rows > np.asarray(known).reshape(-1, 1)
            if late.any():
                sample = int(np.argwhere(late)[0][0])
                raise ShapeError(
                    f"Cannot undo transform={self.kind!r} from a known level: it needs the "
                    f"level of row {int(base_rows[late][0])}, after the last input row "
                    f"{int(np.asarray(known).reshape(-1)[sample])} of the window that made "
                    "the prediction. Use shift <= sampling_rate with a transform."
                )
        base = self._levels_at(base_rows)  # (samples, 1 or steps, n_targets)
        if self.kind == "diff":
            return base + (np.cumsum(values, axis=1) if chained else values)
        if self.kind == "pct_change":
            return base * (np.cumprod(1.0 + values, axis=1) if chained else 1.0 + values)
        return base * np.exp(np.cumsum(values, axis=1) if chained else values)

    def _levels_at(self, rows: np.ndarray) -> np.ndarray:
        n_rows = len(self.levels)
        outside = (rows < 0) | (rows >= n_rows)
        if outside.any():
            row = int(rows[outside].flat[0])
            raise ShapeError(
                f"Cannot undo transform={self.kind!r}: it needs the level of row {row}, "
                f"{self.lag} row(s) before a predicted row, and the data has rows 0 to "
                f"{n_rows - 1}."
            )
        found = self.levels[rows]
        if np.isnan(found).any():
            row = int(rows[np.isnan(found).any(axis=-1)].flat[0])
            raise ShapeError(
                f"Cannot undo transform={self.kind!r}: the level of row {row}, {self.lag} "
                "row(s) before a predicted row, is missing (NaN) in the data."
            )
        return found


def rows_used_up(kind: str | None, lag: int) -> int:
    """Rows at the start of each run that ``kind`` leaves without a value (no earlier row).

    >>> rows_used_up("diff", 1), rows_used_up("log", 1), rows_used_up(None, 1)
    (1, 0, 0)
    """
    return lag if kind is not None and kind != "log" else 0


def check_framing(kind: str | None, framing: Framing) -> None:
    """Refuse a differencing transform whose undo would need a level after the window.

    With ``shift > sampling_rate`` the first target's change is taken against a row after
    the window's last input row (see the module docstring).

    >>> check_framing("diff", Framing(lookback=4, shift=3))
    Traceback (most recent call last):
    ...
    lstmshape.ShapeError: transform='diff' with shift=3 > sampling_rate=1: ...
    """
    if rows_used_up(kind, 1) == 0 or framing.shift <= framing.sampling_rate:
        return
    s, r = framing.shift, framing.sampling_rate
    fix = (
        f"shift=1 with horizon={s} (its last step is row L+{s}, undone from x[L] through the "
        "steps before it)"
        if r == 1
        else f"shift <= {r}"
    )
    raise ShapeError(
        f"transform={kind!r} with shift={s} > sampling_rate={r}: the first target is the change "
        f"from row L+{s - r} to row L+{s}, and undoing it needs the level of row L+{s - r}, "
        "after the window's last input row L, which the forecaster does not know (evaluation "
        f"would see the future). Use {fix}, or transform='log' or None. {received('shift', s)}"
    )


def transform_targets(
    timeline: Timeline, transform: str | None, lag: int | Framing
) -> tuple[Timeline, TargetTransform | None]:
    """Transform the target columns of ``timeline`` run by run (see the module docstring).

    ``lag`` is the windows' ``sampling_rate``, or their :class:`Framing` (which also
    checks that the transform can be undone from a known level: :func:`check_framing`).
    Returns the transformed timeline (the first ``lag`` rows of each run become missing
    rows, for the differencing transforms) and the :class:`TargetTransform` that undoes it.
    """
    kind = check_transform(transform)
    if kind is None:
        return timeline, None
    if isinstance(lag, Framing):
        check_framing(kind, lag)
        lag = lag.sampling_rate
    table = timeline.table
    cols = list(table.target_cols)
    levels = np.array(table.values[:, cols], dtype=np.float64)
    if table.missing_rows is not None:
        levels[table.missing_rows] = np.nan
    changed = levels.copy()
    lag = rows_used_up(kind, lag)
    missing = np.zeros(timeline.n_rows, dtype=bool)
    if table.missing_rows is not None:
        missing |= table.missing_rows
    runs, run_groups = [], []
    for number, (begin, end) in enumerate(timeline.runs):
        here = levels[begin:end]
        if kind in ("log", "log_diff"):
            _refuse_non_positive(here, begin, cols, table, kind)
        if kind == "pct_change":
            _refuse_zero_levels(here[: max(len(here) - lag, 0)], begin, cols, table)
        changed[begin:end] = _forward(kind, here, lag)
        _refuse_overflow(here, changed[begin:end], begin, cols, table, kind)
        missing[begin : min(begin + lag, end)] = True
        if end - begin > lag:
            runs.append((begin + lag, end))
            if timeline.run_groups:
                run_groups.append(timeline.run_groups[number])
    values = np.array(table.values, copy=True)
    values[:, cols] = changed.astype(values.dtype)
    new_table = dataclasses.replace(
        table.with_values(values), missing_rows=missing if missing.any() else None
    )
    new_timeline = dataclasses.replace(
        timeline, table=new_table, runs=tuple(runs), run_groups=tuple(run_groups)
    )
    return new_timeline, TargetTransform(kind, max(lag, 1), readonly(levels))


def _forward(kind: str, x: np.ndarray, lag: int) -> np.ndarray:
    """Return the transformed rows of one run; the first ``lag`` rows are NaN."""
    out = np.full_like(x, np.nan)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if kind == "log":
            return np.log(x)
        if len(x) <= lag:
            return out
        now, before = x[lag:], x[:-lag]
        if kind == "diff":
            out[lag:] = now - before
        elif kind == "pct_change":
            out[lag:] = now / before - 1.0
        else:
            out[lag:] = np.log(now) - np.log(before)
    return out


def _refuse_overflow(
    levels: np.ndarray, changed: np.ndarray, begin: int, cols: list[int], table: Table, kind: str
) -> None:
    """Refuse an infinite change made from finite levels (an overflow, such as 1e308 - -1e308)."""
    bad = np.isinf(changed) & np.isfinite(levels)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ShapeError(
            f"transform={kind!r} overflows: column {table.names[cols[col]]!r} at "
            f"{where(begin + row, table.index)} is {levels[row, col]}, and its change is "
            f"{changed[row, col]} (beyond float64's range of about 1.8e308). Rescale the "
            "column (for example divide it by a power of 10) before the transform."
        )


def _refuse_non_positive(
    values: np.ndarray, begin: int, cols: list[int], table: Table, kind: str
) -> None:
    bad = ~(values > 0)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ShapeError(
            f"transform={kind!r} takes the log of the targets, which needs positive values; "
            f"column {table.names[cols[col]]!r} has {values[row, col]} at "
            f"{where(begin + row, table.index)}. Use transform='diff' for values that can be "
            "zero or negative."
        )


def _refuse_zero_levels(values: np.ndarray, begin: int, cols: list[int], table: Table) -> None:
    bad = values == 0
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ShapeError(
            "transform='pct_change' divides by the previous value, which must not be 0; "
            f"column {table.names[cols[col]]!r} is 0 at {where(begin + row, table.index)}. "
            "Use transform='diff' instead."
        )
