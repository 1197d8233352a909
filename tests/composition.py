"""The composition matrix: every option with every operation, on every kind of input.

A **cell** is ``(input kind, options, operation)``. Each cell either equals a plain-loop
oracle written here (values, index labels, alignment) or refuses with a ``ShapeError`` /
``TypeError`` whose message names both sides of the conflict (:data:`REFUSALS`). Cells
that fail today because of a known defect are listed in :data:`KNOWN_DEFECTS`, the one
place to edit when a fix lands (they run as ``xfail(strict=True)``: a fixed cell shows up
as an XPASS failure, and its entry is removed).

``tests/test_composition.py`` runs the cells; ``tests/make_composition_table.py`` writes
``docs/composition.md`` from the same definitions.

The oracles follow the rules of the docs literally, one sample and one row at a time:

* runs are cut at NaN rows (``dropna``) and at gaps (``freq``); a ``transform`` changes
  the target columns against the value ``sampling_rate`` rows earlier in the same run, and
  the first ``sampling_rate`` rows of each run are used up;
* a scaler is fitted on training rows only (all rows for ``windows``), pooled or per series;
* samples are taken per run with :func:`tests.oracles.sample_rows`, padded samples
  (``min_history``) first, series in order;
* evaluation never reads a level after the window's last input row: a change is undone
  from ``min(first target - lag, last input row)``, and the naive forecast repeats the
  level of the last input row (issue 19, item 2).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import lstmshape
from lstmshape import ShapeError

from .oracles import sample_rows

REPO = Path(__file__).resolve().parents[1]

# -- the axes of the matrix ------------------------------------------------------------------
LOOKBACK = 4
LENGTHS_ONE = (60,)
LENGTHS_MANY = (60, 47)
NAN_ROW = 40  # the row of each series whose target is NaN with the "dropna" option
GAP_AFTER = 25  # rows 0..24, then two missing time steps, with the "freq" option
SPLIT = {"val": 8, "test": 8}
FOLDS = {"n_folds": 2, "test": 8}

#: Input kinds: how the same series are handed to lstmshape.
KINDS = (
    "array1d",
    "array2d",
    "memmap",
    "frame_datetime",
    "frame_period",
    "frame_range",
    "long_group_by",
    "panel_list",
    "panel_dict",
)

#: Options: one value each of the parameters a user combines.
OPTIONS: dict[str, str] = {
    "horizon": "horizon=3",
    "shift0": "shift=0",
    "shift3": "shift=3",
    "stride": "stride=2",
    "sampling_rate": "sampling_rate=2",
    "per_timestep": "per_timestep=True",
    "min_history": "min_history=2",
    "future": "future=[a covariate]",
    "static": "static=[a constant column]",
    "diff": "transform='diff'",
    "log_diff": "transform='log_diff'",
    "scaler": "StandardScaler, pooled",
    "per_series": "MinMaxScaler, per_series=True",
    "freq": "freq= with a gap in the dates",
    "dropna": "dropna=True with a NaN target",
    "two_keys": "group_by two keys",
    "quantiles": "quantiles=[0.1, 0.5, 0.9] (a quantile model)",
    "published": "a monthly covariate as_published(available_after='14D')",
    "categorical": "categorical=[the constant column] (past, or static with static=)",
}

#: Options that only input kinds with group columns take (the cell is not in the matrix).
GROUP_COLUMNS_ONLY = {"two_keys": ("long_group_by",)}

#: Options that set the same parameter: never in one cell.
EXCLUSIVE = ({"shift0", "shift3"}, {"diff", "log_diff"}, {"scaler", "per_series"})

#: Operations.
OPERATIONS: dict[str, str] = {
    "windows": "windows() X / y",
    "split": "split()",
    "folds": "folds()",
    "to_frame": "Windows.to_frame",
    "score": "score()",
    "forecast": "forecast()",
    "plot": "Windows.plot / Split.plot",
    "explain": "explain()",
    "batches": "Windows.batches",
    "to_dataset": "Windows.to_dataset",
    "to_torch": "Windows.to_torch",
    "to_pydataset": "Windows.to_pydataset",
    "build_model": "build_model / check_model",
    "inspect": "CLI inspect",
}

#: Operations that need a framework (imported lazily, skipped when it is missing).
FRAMEWORK = {
    "to_dataset": "tensorflow",
    "to_torch": "torch",
    "to_pydataset": "keras",
    "build_model": "keras",
    "plot": "matplotlib",
}

#: The quantile levels of the "quantiles" option, and the model's offsets for them (model
#: units: scaled changes), added to a point prediction.
LEVELS = (0.1, 0.5, 0.9)
SPREAD = np.array([-0.3, 0.0, 0.2])

#: Operations that do not read a model's output: they take no ``quantiles``.
_WINDOWS_ONLY = (
    "windows", "split", "folds", "explain", "batches", "to_dataset", "to_torch", "to_pydataset",
)  # fmt: skip

#: Options an operation does not take (the cell is not part of the matrix): why.
NOT_AN_OPTION: dict[str, dict[str, str]] = {
    **{
        op: {"quantiles": "quantiles are a model's output: the windows are the same"}
        for op in _WINDOWS_ONLY
    },
    "forecast": {
        "shift0": "forecast() predicts the rows after the data (shift 1)",
        "shift3": "forecast() predicts the rows after the data (shift 1)",
        "stride": "forecast() makes one window",
        "sampling_rate": "forecast() supports sampling_rate 1 only",
        "per_timestep": "forecast() forecasts many-to-one models",
    },
    "inspect": {
        name: "not a flag of `lstmshape inspect`"
        for name in OPTIONS
        if name not in ("horizon", "dropna")
    },
}

#: Input kinds an operation does not take.
NOT_A_KIND: dict[str, dict[str, str]] = {
    "inspect": {
        kind: "the CLI reads CSV files"
        for kind in KINDS
        if kind not in ("frame_datetime", "frame_range")
    },
}


@dataclass(frozen=True)
class Cell:
    kind: str
    options: tuple[str, ...]
    op: str

    @property
    def id(self) -> str:
        return f"{self.op}-{self.kind}-{'+'.join(self.options) or 'base'}"

    def has(self, *names: str) -> bool:
        return any(name in self.options for name in names)


#: A few triples where three rules meet (the matrix is pairwise otherwise).
TRIPLES = (
    ("shift3", "per_timestep", "diff"),
    ("horizon", "sampling_rate", "diff"),
    ("shift3", "sampling_rate", "log_diff"),
    ("horizon", "shift3", "scaler"),
    ("min_history", "diff", "per_series"),
    ("horizon", "future", "scaler"),
    ("static", "per_series", "dropna"),
    ("min_history", "freq", "dropna"),
    ("horizon", "diff", "quantiles"),
    ("per_timestep", "log_diff", "quantiles"),
)


def option_sets(max_size: int = 2) -> list[tuple[str, ...]]:
    """No option, every option, every pair of compatible options (and :data:`TRIPLES`)."""
    found: list[tuple[str, ...]] = [()]
    for size in range(1, max_size + 1):
        for combo in itertools.combinations(OPTIONS, size):
            if any(len(group & set(combo)) > 1 for group in EXCLUSIVE):
                continue
            found.append(combo)
    if max_size >= 2:
        order = list(OPTIONS)
        found += [tuple(sorted(t, key=order.index)) for t in TRIPLES]
    return found


def in_matrix(cell: Cell) -> bool:
    """Whether the cell exists (the operation takes the options and the input kind)."""
    skipped = NOT_AN_OPTION.get(cell.op, {})
    if any(name in skipped for name in cell.options):
        return False
    if any(cell.kind not in GROUP_COLUMNS_ONLY.get(name, (cell.kind,)) for name in cell.options):
        return False
    return cell.kind not in NOT_A_KIND.get(cell.op, {})


def all_cells(max_size: int = 2) -> list[Cell]:
    cells = [
        Cell(kind, options, op)
        for options in option_sets(max_size)
        for op in OPERATIONS
        for kind in KINDS
    ]
    return [cell for cell in cells if in_matrix(cell)]


def sampled_cells(budget: int, seed: int = 19) -> list[Cell]:
    """The fast part: every (single option, operation) on a kind chosen in turn, plus a
    fixed random sample of pairs, ``budget`` cells in all (the same cells every run)."""
    rng = np.random.default_rng(seed)
    singles = all_cells(1)
    chosen: dict[tuple[tuple[str, ...], str], Cell] = {}
    for cell in singles:
        key = (cell.options, cell.op)
        kinds = [c for c in singles if (c.options, c.op) == key]
        if key not in chosen:
            chosen[key] = kinds[int(rng.integers(len(kinds)))]
    picked = list(chosen.values())
    pairs = [c for c in all_cells(2) if len(c.options) == 2]
    extra = max(0, budget - len(picked))
    numbers = sorted(rng.choice(len(pairs), size=min(extra, len(pairs)), replace=False))
    picked.extend(pairs[int(number)] for number in numbers)
    return picked


# -- expected refusals and known defects -----------------------------------------------------
@dataclass(frozen=True)
class Refusal:
    """An expected refusal: the error type and words that name both sides of the conflict."""

    why: str
    error: type[BaseException] | tuple[type[BaseException], ...]
    words: tuple[str, ...]
    applies: Callable[[Cell], bool] = field(compare=False)


def _single(cell: Cell) -> bool:
    return cell.kind not in ("long_group_by", "panel_list", "panel_dict")


_NO_DATES = ("array1d", "array2d", "memmap", "frame_period", "frame_range", "panel_list")
_PANELS = ("panel_list", "panel_dict")
_DATED = ("frame_datetime", "long_group_by", "panel_dict")

#: Cells that must refuse, first match wins: why, error, message words, which cells.
REFUSALS: list[Refusal] = [
    Refusal(
        "per-timestep windows have one target per timestep: horizon must be 1",
        ShapeError,
        ("horizon", "per_timestep"),
        lambda c: c.has("horizon") and c.has("per_timestep"),
    ),
    Refusal(
        "padded timesteps would have padding targets: min_history is not per timestep",
        ShapeError,
        ("min_history", "per_timestep"),
        lambda c: c.has("min_history") and c.has("per_timestep"),
    ),
    Refusal(
        "a change undone past the last input row: a differencing transform with shift > "
        "sampling_rate would read a level the forecaster does not know",
        ShapeError,
        ("transform=", "shift=3", "sampling_rate", "forecaster does not know"),
        lambda c: c.has("shift3") and c.has("diff", "log_diff") and c.op != "forecast",
    ),
    Refusal(
        "shift=0 per timestep: the first target is row 0, with no earlier row for the naive "
        "forecast",
        ShapeError,
        ("naive", "no row before"),
        lambda c: c.op == "score" and c.has("shift0") and c.has("per_timestep"),
    ),
    Refusal(
        "a panel is many series; forecast() continues one",
        TypeError,
        ("panel", "each series"),
        lambda c: c.op == "forecast" and c.kind in _PANELS,
    ),
    Refusal(
        "forecast() takes no group_by: a long frame holds many series",
        (TypeError, ShapeError),
        ("group", "each series"),
        lambda c: c.op == "forecast" and c.kind == "long_group_by",
    ),
    Refusal(
        "the target is also a known-future input (the answer fed to the model)",
        ShapeError,
        ("future", "target"),
        lambda c: c.kind == "array1d" and c.has("future"),
    ),
    Refusal(
        "static takes the only column: no features left",
        ShapeError,
        ("static", "features"),
        lambda c: c.kind == "array1d" and c.has("static"),
    ),
    Refusal(
        "freq finds gaps between timestamps: needs a DatetimeIndex",
        TypeError,
        ("freq", "DatetimeIndex"),
        lambda c: c.has("freq") and c.kind in _NO_DATES,
    ),
    Refusal(
        "a scaler per series needs several series (group_by or a panel)",
        ShapeError,
        ("per series", "group_by"),
        lambda c: c.has("per_series") and _single(c),
    ),
    Refusal(
        "categorical columns are labels read from one frame: a panel has none",
        ShapeError,
        ("categorical", "DataFrame"),
        lambda c: c.has("categorical") and c.kind in _PANELS,
    ),
    Refusal(
        "the only column is categorical and so would be the target",
        ShapeError,
        ("categorical", "targets"),
        lambda c: c.has("categorical") and c.kind == "array1d",
    ),
    Refusal(
        "as_published aligns a covariate by publication time: the data needs timestamps",
        TypeError,
        ("`on`", "DatetimeIndex"),
        lambda c: c.has("published") and c.kind not in _DATED,
    ),
    Refusal(
        "quantiles of a change over a horizon: a sum of quantiles is not a quantile of the sum",
        ShapeError,
        ("quantiles", "transform=", "horizon", "sum of quantiles"),
        lambda c: (
            c.has("quantiles")
            and c.has("diff", "log_diff")
            and c.has("horizon")
            and not c.has("per_timestep")
            and c.op in ("to_frame", "score", "forecast", "plot")
        ),
    ),
]

#: Known defects (issue 19 unless said otherwise): reason -> which cells. They run as
#: ``xfail(strict=True)``; when a fix lands the cell XPASSes and its entry goes.
KNOWN_DEFECTS: dict[str, Callable[[Cell], bool]] = {}


def expected_refusals(cell: Cell) -> list[Refusal]:
    return [refusal for refusal in REFUSALS if refusal.applies(cell)]


def expected_refusal(cell: Cell) -> Refusal | None:
    for refusal in REFUSALS:
        if refusal.applies(cell):
            return refusal
    return None


def known_defect(cell: Cell) -> str | None:
    for reason, applies in KNOWN_DEFECTS.items():
        if applies(cell):
            return reason
    return None


# -- the data ---------------------------------------------------------------------------------
@dataclass
class Series:
    """One series as the oracle sees it: raw values (NaN where missing), labels, its key."""

    key: Hashable | None
    values: np.ndarray  # (rows, columns) float64, original units
    labels: pd.Index  # index labels (row positions for arrays)


@dataclass
class Case:
    cell: Cell
    data: Any
    series: list[Series]
    names: list[Hashable]  # the table's columns (not group_by)
    kw: dict[str, Any]  # keyword arguments of windows / split / folds
    targets: list[int]
    features: list[int]
    future: list[int]
    static: list[int]
    scaler: str | None  # None, "standard" or "minmax"
    per_series: bool
    transform: str | None
    actual: Any  # the data as score() reads it
    framing: dict[str, Any]
    group_level: Hashable | None = None  # the name of the group level in to_frame's index
    categorical: list[int] = field(default_factory=list)  # label columns (int32 codes)

    @property
    def used(self) -> list[int]:
        """The float columns of the table (what a scaler sees): all but the categorical."""
        return [i for i in range(len(self.names)) if i not in self.categorical]

    @property
    def lag(self) -> int:
        return self.framing["sampling_rate"]

    @property
    def named(self) -> bool:
        return self.cell.kind.startswith(("frame", "long", "panel_dict"))


def _values(n: int, g: int, ncol: int) -> np.ndarray:
    t = np.arange(n, dtype=np.float64)
    columns = [10.0 + (t + 1) ** 1.5 + 50.0 * g, 3.0 + np.sin(t) + g, np.full(n, g + 1.0)]
    return np.stack(columns[:ncol], axis=1)


def _dates(n: int, cell: Cell, period: bool = False) -> pd.Index:
    steps = np.arange(n)
    if cell.has("freq"):
        steps = np.where(steps >= GAP_AFTER, steps + 2, steps)
    if period:
        base = pd.Period("2020-01", freq="M")
        return pd.PeriodIndex([base + int(k) for k in steps], name="month")
    return pd.DatetimeIndex(pd.Timestamp("2024-01-01") + pd.to_timedelta(steps, "D"), name="date")


#: The "published" option: column 1 is a monthly figure known 14 days after its month ends.
PUBLISHED_AFTER = "14D"


def _monthly_figure(g: int) -> pd.Series:
    """The monthly figure of series ``g``, by the month it describes (from before the data)."""
    months = pd.period_range("2023-10", "2024-06", freq="M")
    return pd.Series(2.0 + 0.7 * np.arange(len(months)) + 0.5 * g, index=months, name="x")


def _published_by_loop(figure: pd.Series, labels: pd.Index) -> np.ndarray:
    """The latest value of ``figure`` published at or before each label, by plain loops."""
    lag = pd.Timedelta(PUBLISHED_AFTER)
    found = np.full(len(labels), np.nan)
    for i, t in enumerate(labels):
        for month, value in figure.items():
            if (month + 1).start_time + lag <= t:  # known 14 days after the month ends
                found[i] = value
    return found


def _publish(figure: pd.Series, on: Any) -> np.ndarray:
    """What a user does: ``as_published`` of the figure on the data's timestamps."""
    out = lstmshape.as_published(figure, on, available_after=PUBLISHED_AFTER)
    return np.asarray(out["x"], dtype=np.float64)


def make_case(cell: Cell, tmp_path: Path) -> Case:
    kind = cell.kind
    ncol = 1 if kind == "array1d" else 3
    lengths = LENGTHS_MANY if kind in ("long_group_by", "panel_list", "panel_dict") else LENGTHS_ONE
    keys: list[Hashable | None]
    if kind == "long_group_by" and cell.has("two_keys"):
        keys = [("A", 2), ("B", 1)]  # group_by=["g", "h"]: series labelled by tuples
    elif kind == "long_group_by":
        keys = ["A", "B"]
    elif kind == "panel_list":
        keys = [0, 1]
    elif kind == "panel_dict":
        keys = ["a", "b"]
    else:
        keys = [None]
    named = kind.startswith(("frame", "long", "panel_dict"))
    names: list[Hashable] = ["y", "x", "s"][:ncol] if named else list(range(ncol))
    series = []
    for g, (n, key) in enumerate(zip(lengths, keys, strict=True)):
        values = _values(n, g, ncol)
        if cell.has("dropna"):
            values[NAN_ROW, 0] = np.nan
        if kind in ("frame_datetime", "long_group_by", "panel_dict"):
            labels = _dates(n, cell)
        elif kind == "frame_period":
            labels = _dates(n, cell, period=True)
        else:
            labels = pd.RangeIndex(n)
        if cell.has("published"):
            if kind not in _DATED:  # the user's call, refused: no timestamps to align to
                _publish(_monthly_figure(g), labels if kind.startswith("frame") else values)
            values[:, 1] = _published_by_loop(_monthly_figure(g), labels)
        series.append(Series(key, values, labels))
    data: Any
    actual: Any
    group_level: Hashable | None = None
    first = series[0]
    if kind == "array1d":
        data = first.values[:, 0].copy()
    elif kind == "array2d":
        data = first.values.copy()
    elif kind == "memmap":
        data = np.memmap(
            tmp_path / "data.f64", dtype=np.float64, mode="w+", shape=first.values.shape
        )
        data[:] = first.values
        data.flush()
        data = np.memmap(
            tmp_path / "data.f64", dtype=np.float64, mode="r", shape=first.values.shape
        )
    elif kind in ("frame_datetime", "frame_period", "frame_range"):
        data = pd.DataFrame(first.values, index=first.labels, columns=names)
    elif kind == "long_group_by" and cell.has("two_keys"):
        frames = [
            pd.DataFrame(s.values, index=s.labels, columns=names).assign(g=s.key[0], h=s.key[1])
            for s in series
        ]
        data = pd.concat(frames)[["g", "h", *names]]
        group_level = ("g", "h")
    elif kind == "long_group_by":
        frames = [
            pd.DataFrame(s.values, index=s.labels, columns=names).assign(g=s.key) for s in series
        ]
        data = pd.concat(frames)[["g", *names]]
        group_level = "g"
    elif kind == "panel_list":
        data = [s.values.copy() for s in series]
    else:
        data = {s.key: pd.DataFrame(s.values, index=s.labels, columns=names) for s in series}
    if cell.has("published"):  # column 1 from as_published, as a user joins it
        if kind == "frame_datetime":
            data["x"] = _publish(_monthly_figure(0), data.index)
        elif kind == "long_group_by":
            for g, s in enumerate(series):
                if cell.has("two_keys"):
                    mine = ((data["g"] == s.key[0]) & (data["h"] == s.key[1])).to_numpy()
                else:
                    mine = (data["g"] == s.key).to_numpy()
                data.loc[mine, "x"] = _publish(_monthly_figure(g), data.index[mine])
        else:
            for g, s in enumerate(series):
                data[s.key]["x"] = _publish(_monthly_figure(g), data[s.key].index)
    actual = data
    kw: dict[str, Any] = {}
    if kind == "long_group_by":
        kw["group_by"] = ["g", "h"] if cell.has("two_keys") else "g"
    framing = {
        "horizon": 3 if cell.has("horizon") else 1,
        "shift": 0 if cell.has("shift0") else 3 if cell.has("shift3") else 1,
        "stride": 2 if cell.has("stride") else 1,
        "sampling_rate": 2 if cell.has("sampling_rate") else 1,
        "per_timestep": cell.has("per_timestep"),
    }
    defaults = {"horizon": 1, "shift": 1, "stride": 1, "sampling_rate": 1}
    kw.update({k: v for k, v in framing.items() if v != defaults.get(k, False)})
    targets = [0]
    future = [1] if ncol > 1 else [0]
    static = [2] if ncol > 1 else [0]
    if ncol > 1:
        kw["targets"] = [names[0]]
    if cell.has("future"):
        kw["future"] = [names[i] for i in future]
    if cell.has("static"):
        kw["static"] = [names[i] for i in static]
    categorical = static if cell.has("categorical") else []
    if cell.has("categorical"):
        kw["categorical"] = [names[i] for i in categorical]
    features = [i for i in range(ncol) if not (cell.has("static", "categorical") and i in static)]
    if cell.has("min_history"):
        kw["min_history"] = 2
    transform = "diff" if cell.has("diff") else "log_diff" if cell.has("log_diff") else None
    if transform is not None:
        kw["transform"] = transform
    if cell.has("freq"):
        kw["freq"] = "M" if kind == "frame_period" else "D"
    if cell.has("dropna"):
        kw["dropna"] = True
    scaler = "standard" if cell.has("scaler") else "minmax" if cell.has("per_series") else None
    return Case(
        cell, data, series, names, kw, targets, features, future if cell.has("future") else [],
        static if cell.has("static") and not categorical else [], scaler,
        cell.has("per_series"), transform, actual, framing, group_level, categorical,
    )  # fmt: skip


def new_scaler(case: Case) -> Any:
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    return StandardScaler() if case.scaler == "standard" else MinMaxScaler()


# -- the oracle: runs, transform, scaler, samples ---------------------------------------------
@dataclass
class Prepared:
    """One series after missing rows, gaps and the transform: runs of usable rows."""

    series: Series
    changed: np.ndarray  # transformed values (NaN where unusable)
    runs: list[tuple[int, int]]


def _runs(case: Case, s: Series) -> list[tuple[int, int]]:
    n = len(s.values)
    missing = np.isnan(s.values).any(axis=1)
    breaks = np.zeros(n, dtype=bool)
    if case.cell.has("freq") and len(s.labels):
        labels = s.labels
        step = labels[1] - labels[0]
        for r in range(1, n):
            if labels[r] - labels[r - 1] != step:
                breaks[r] = True
    runs, begin = [], None
    for r in range(n):
        if missing[r]:
            if begin is not None:
                runs.append((begin, r))
            begin = None
            continue
        if begin is None:
            begin = r
        elif breaks[r]:
            runs.append((begin, r))
            begin = r
    if begin is not None:
        runs.append((begin, n))
    return runs


def prepare(case: Case) -> list[Prepared]:
    found = []
    for s in case.series:
        runs = _runs(case, s)
        changed = np.array(s.values, dtype=np.float64)
        lag = case.lag
        kept = []
        for begin, end in runs:
            for col in case.targets:
                x = s.values[:, col]
                for r in range(end - 1, begin - 1, -1):
                    if case.transform is None:
                        continue
                    if r - begin < lag:
                        changed[r, col] = np.nan
                    elif case.transform == "diff":
                        changed[r, col] = x[r] - x[r - lag]
                    else:
                        changed[r, col] = math.log(x[r]) - math.log(x[r - lag])
            if case.transform is None:
                kept.append((begin, end))
            elif end - begin > lag:
                kept.append((begin + lag, end))
        found.append(Prepared(s, changed, kept))
    return found


def _scaler_input(case: Case, rows: np.ndarray) -> Any:
    """The float columns of ``rows`` (all columns) as the scaler sees them."""
    rows = rows[:, case.used]
    if case.named:
        return pd.DataFrame(rows, columns=[str(case.names[i]) for i in case.used])
    return rows


def _usable_rows(p: Prepared, limit: int | None = None) -> np.ndarray:
    rows = [r for b, e in p.runs for r in range(b, e) if limit is None or r < limit]
    return p.changed[rows]


def fit_scalers(case: Case, prepared: list[Prepared], limits: list[int | None]) -> Any:
    """Fit the case's scaler on the usable rows before ``limits`` (per series or pooled)."""
    if case.scaler is None or not case.used:  # no float column: the cell refuses
        return None
    if case.per_series:
        fitted = {}
        for p, limit in zip(prepared, limits, strict=True):
            fitted[p.series.key] = new_scaler(case).fit(_scaler_input(case, _usable_rows(p, limit)))
        return fitted
    rows = np.concatenate([_usable_rows(p, lim) for p, lim in zip(prepared, limits, strict=True)])
    return new_scaler(case).fit(_scaler_input(case, rows))


def _scaler_of(fitted: Any, p: Prepared) -> Any:
    return fitted[p.series.key] if isinstance(fitted, dict) else fitted


def scaled(case: Case, p: Prepared, fitted: Any) -> np.ndarray:
    if fitted is None:
        return p.changed
    out = _scaler_of(fitted, p).transform(_scaler_input(case, p.changed))
    full = np.array(p.changed, dtype=np.float64)
    full[:, case.used] = np.asarray(out, dtype=np.float64)
    return full


@dataclass
class Sample:
    series: int  # position in case.series
    inputs: list[int]  # input rows; rows of padding are below the run's begin
    begin: int  # the run's first row
    targets: list[int]
    past: np.ndarray
    future: np.ndarray | None
    static: np.ndarray | None
    mask: np.ndarray | None
    y: np.ndarray  # (steps, n_targets)
    codes: np.ndarray | None = None  # the categorical input: per input row, or per sample

    @property
    def last_input(self) -> int:
        return self.inputs[-1]


def category_codes(case: Case, limits: list[int | None] | None) -> list[np.ndarray]:
    """Per series, the code of every row: the sorted labels of the fitting rows (the rows
    before each series' limit, all rows without limits) from 1, an unseen label 0."""
    limits = limits or [None] * len(case.series)
    seen = sorted(
        {
            float(s.values[r, c])
            for s, limit in zip(case.series, limits, strict=True)
            for r in range(len(s.values) if limit is None else limit)
            for c in case.categorical
        }
    )
    return [
        np.array(
            [
                [seen.index(v) + 1 if v in seen else 0 for v in map(float, s.values[:, c])]
                for c in case.categorical
            ]
        ).T
        for s in case.series
    ]


def samples(
    case: Case, prepared: list[Prepared], fitted: Any, limits: list[int | None] | None = None
) -> list[Sample]:
    """Every sample of ``case``; ``limits`` are the rows a vocabulary is fitted before."""
    codes = category_codes(case, limits) if case.categorical else None
    f = case.framing
    L, rate, stride = LOOKBACK, f["sampling_rate"], f["stride"]
    options = {k: f[k] for k in ("horizon", "shift", "per_timestep", "sampling_rate")}
    min_history = case.kw.get("min_history")
    found = []
    for number, p in enumerate(prepared):
        values = scaled(case, p, fitted)
        for begin, end in p.runs:
            starts: list[int] = []
            if min_history is not None:
                s = begin - (L - min_history) * rate
                s += (begin - s) % stride
                while s < begin:
                    starts.append(s)
                    s += stride
            s = begin
            while True:
                starts.append(s)
                s += stride
                if s >= end:
                    break
            for s in starts:
                inputs, targets = sample_rows(s, L, **options)
                if max(inputs + targets) >= end or min(targets) < begin:
                    continue
                real = np.array([r >= begin for r in inputs])
                past = np.zeros((L, len(case.features)))
                for j, r in enumerate(inputs):
                    if r >= begin:
                        past[j] = [values[r, c] for c in case.features]
                fut = None
                if case.future:
                    fut = np.array([[values[r, c] for c in case.future] for r in targets])
                stat = None
                if case.static:
                    stat = np.array([values[begin, c] for c in case.static])
                y = np.array([[values[r, c] for c in case.targets] for r in targets])
                cat = None
                if codes is not None and case.cell.has("static"):
                    cat = codes[number][begin]
                elif codes is not None:
                    cat = np.array(
                        [codes[number][r] if r >= begin else [0] * len(case.categorical)
                         for r in inputs]
                    )  # fmt: skip
                found.append(
                    Sample(number, inputs, begin, targets, past, fut, stat,
                           real if min_history is not None else None, y, cat)
                )  # fmt: skip
    return found


def stack_x(case: Case, chosen: list[Sample]) -> Any:
    past = np.array([s.past for s in chosen])
    if not (case.future or case.static or case.kw.get("min_history") or case.categorical):
        return past
    x: dict[str, np.ndarray] = {"past": past}
    if case.future:
        x["future"] = np.array([s.future for s in chosen])
    if case.static:
        x["static"] = np.array([s.static for s in chosen])
    if case.categorical:
        role = "static" if case.cell.has("static") else "past"
        shape = (0, len(case.categorical)) if role == "static" else (0, LOOKBACK, 1)
        codes = [s.codes for s in chosen]
        x[f"categorical_{role}"] = np.array(codes) if codes else np.zeros(shape)
    if case.kw.get("min_history"):
        x["mask"] = np.array([s.mask for s in chosen])
    return x


def stack_y(case: Case, chosen: list[Sample]) -> np.ndarray:
    y = np.array([s.y for s in chosen])
    if not case.framing["per_timestep"] and case.framing["horizon"] == 1:
        return y[:, 0, :]
    return y


def assert_same(got: Any, expected: Any, what: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(got, dict), f"{what}: expected a dict of inputs, got {type(got)}"
        assert sorted(got) == sorted(expected), (
            f"{what}: inputs {sorted(got)} != {sorted(expected)}"
        )
        for key in expected:
            assert_same(got[key], expected[key], f"{what}[{key!r}]")
        return
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, f"{what}: shape {got.shape}, oracle {expected.shape}"
    if expected.dtype == bool:
        np.testing.assert_array_equal(got, expected, err_msg=what)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=what)


# -- oracle of to_frame: original units, from the last level the forecaster knew --------------
def _inverse(case: Case, p: Prepared, fitted: Any, values: np.ndarray) -> np.ndarray:
    """Undo the scaler on target values ``(k, n_targets)``."""
    if fitted is None:
        return values
    full = np.zeros((len(values), len(case.names)))
    for j, c in enumerate(case.targets):
        full[:, c] = values[:, j]
    out = np.asarray(_scaler_of(fitted, p).inverse_transform(_scaler_input(case, full)))
    return out[:, [case.used.index(c) for c in case.targets]]


def _undo(case: Case, p: Prepared, rows: list[int], values: np.ndarray, known: list[int]) -> Any:
    """Levels of transformed ``values`` at ``rows``; ``known[k]`` is the last known row."""
    if case.transform is None:
        return values
    x = p.series.values
    lag = case.lag
    out = np.zeros_like(values)
    chained = not case.framing["per_timestep"]
    level = None
    for k, r in enumerate(rows):
        if level is None or not chained:
            base_row = min(r - lag, known[k])
            level = x[base_row, case.targets].astype(np.float64)
        level = level + values[k] if case.transform == "diff" else level * np.exp(values[k])
        out[k] = level
    return out


def _label(case: Case, number: int, row: int) -> Any:
    s = case.series[number]
    label = s.labels[row]
    if isinstance(s.key, tuple):  # several group keys: one index level each
        return (*s.key, label)
    if case.cell.kind in ("panel_list", "panel_dict", "long_group_by"):
        return (s.key, label)
    return label


def oracle_frame(
    case: Case, prepared: list[Prepared], fitted: Any, chosen: list[Sample], predictions: Any
) -> tuple[list[Any], np.ndarray]:
    """Index labels and values of ``to_frame(predictions)`` by plain loops."""
    per_timestep = case.framing["per_timestep"]
    preds = np.asarray(predictions, dtype=np.float64)
    rows_out: dict[Any, list[np.ndarray]] = {}
    labels, values = [], []
    for i, s in enumerate(chosen):
        p = prepared[s.series]
        v = preds[i].reshape(len(s.targets), len(case.targets))
        v = _inverse(case, p, fitted, v)
        known = list(s.inputs) if per_timestep else [s.last_input] * len(s.targets)
        levels = _undo(case, p, s.targets, v, known)
        if per_timestep:
            for r, level in zip(s.targets, levels, strict=True):
                rows_out.setdefault((s.series, r), []).append(level)
        else:
            labels.append(_label(case, s.series, s.targets[0]))
            values.append(levels.T.ravel())  # columns name+0, name+1, ... per target
    if per_timestep:
        for number, r in sorted(rows_out):
            labels.append(_label(case, number, r))
            values.append(np.mean(rows_out[(number, r)], axis=0))
    return labels, np.array(values)


def naive_rows(case: Case, chosen: list[Sample]) -> list[tuple[int, int, int]]:
    """(series, target row, naive row) of every scored value: the naive forecast repeats the
    level of the window's last input row (the row before the target, per timestep)."""
    found = set()
    shift = case.framing["shift"]
    for s in chosen:
        if case.framing["per_timestep"]:
            for r in s.targets:
                found.add((s.series, r, r - max(shift, 1)))
        else:
            for r in s.targets:
                found.add((s.series, r, s.targets[0] - max(shift, 1)))
    return sorted(found)


# -- running one cell ----------------------------------------------------------------------------
class LastStep:
    """A stand-in model: repeats the last input step of the target columns (model space)."""

    def __init__(self, horizon: int, n_targets: int) -> None:
        self.horizon, self.n_targets = horizon, n_targets

    def predict(self, x: Any, verbose: Any = None) -> np.ndarray:
        past = x["past"] if isinstance(x, dict) else x
        last = np.asarray(past)[:, -1, : self.n_targets]
        if self.horizon == 1:
            return last
        return np.repeat(last[:, None, :], self.horizon, axis=1)


class LastStepQuantiles(LastStep):
    """:class:`LastStep` with a trailing axis of quantiles: its output plus :data:`SPREAD`."""

    def predict(self, x: Any, verbose: Any = None) -> np.ndarray:
        return super().predict(x, verbose)[..., None] + SPREAD


def run_cell(cell: Cell, tmp_path: Path, convert: Callable[[Any], Any] | None = None) -> None:
    """Run the cell's operation and check it against the oracle (raises on a mismatch).

    ``convert`` hands the operation another kind of the same data (a polars frame of the
    pandas one): the oracle, made from the pandas data, must not change.
    """
    case = make_case(cell, tmp_path)
    if convert is not None:
        case = dataclasses.replace(case, data=convert(case.data))
    before = _snapshot(case.data)
    try:
        OPERATION_CHECKS[cell.op](case, tmp_path)
    finally:
        assert_unchanged(before, case.data)


def _snapshot(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _snapshot(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_snapshot(v) for v in data]
    if isinstance(data, pd.DataFrame):
        return data.copy(deep=True)
    if type(data).__module__.startswith("polars"):  # compared as pandas (NaN equals NaN)
        return data.to_pandas()
    return np.array(data, copy=True)


def assert_unchanged(before: Any, data: Any) -> None:
    """The caller's data is as it was: no operation writes into it."""
    if isinstance(before, dict):
        for key, value in before.items():
            assert_unchanged(value, data[key])
    elif isinstance(before, list):
        for value, now in zip(before, data, strict=True):
            assert_unchanged(value, now)
    elif isinstance(before, pd.DataFrame):
        now = data.to_pandas() if type(data).__module__.startswith("polars") else data
        pd.testing.assert_frame_equal(now, before, obj="the caller's data")
    else:
        np.testing.assert_array_equal(np.asarray(data), before, err_msg="the caller's data")


class WrongRefusalError(AssertionError):
    """A cell that should refuse did not, or refused with other words or another error."""


def check_cell(cell: Cell, tmp_path: Path, convert: Callable[[Any], Any] | None = None) -> None:
    """The whole contract of one cell: the oracle's answer, or an expected refusal.

    When several refusals apply (two conflicts in one cell), any one of them will do: the
    order in which lstmshape checks them is not part of the contract.
    """
    refusals = expected_refusals(cell)
    if not refusals:
        run_cell(cell, tmp_path, convert)
        return
    refusal = refusals[0]
    try:
        run_cell(cell, tmp_path, convert)
    except (TypeError, ShapeError) as error:
        for candidate in refusals:
            if isinstance(error, candidate.error) and not message_names(
                str(error), candidate.words
            ):
                return
        raise WrongRefusalError(
            f"{cell.id} must refuse ({'; or '.join(r.why for r in refusals)}) with the words "
            f"{[r.words for r in refusals]}; it raised {type(error).__name__}: {error}"
        ) from error
    except AssertionError as error:
        raise WrongRefusalError(f"{cell.id} must refuse ({refusal.why}); it answered") from error
    raise WrongRefusalError(f"{cell.id} must refuse ({refusal.why}); it answered")


def _windows(case: Case) -> tuple[Any, list[Prepared], Any, list[Sample]]:
    prepared = prepare(case)
    fitted = fit_scalers(case, prepared, [None] * len(prepared))
    kw = dict(case.kw)
    if fitted is not None:
        kw["fitted_scaler"] = fitted
    w = lstmshape.windows(case.data, LOOKBACK, **kw)
    return w, prepared, fitted, samples(case, prepared, fitted)


def check_windows(case: Case, tmp_path: Path) -> None:
    w, _, _, chosen = _windows(case)
    assert_same(w.X, stack_x(case, chosen), "X")
    assert_same(w.y, stack_y(case, chosen), "y")


def _part_samples(chosen: list[Sample], ranges: list[tuple[int, int]]) -> list[Sample]:
    return [
        s for s in chosen if all(ranges[s.series][0] <= r < ranges[s.series][1] for r in s.targets)
    ]


def _check_fitted(case: Case, got: Any, expected: Any) -> None:
    if expected is None:
        assert got is None
        return
    pairs = [(got, expected)]
    if isinstance(expected, dict):
        assert isinstance(got, dict) and list(got) == list(expected), f"scalers {got}"
        pairs = [(got[k], expected[k]) for k in expected]
    for g, e in pairs:
        for name in ("mean_", "scale_", "data_min_", "data_max_"):
            if hasattr(e, name):
                np.testing.assert_allclose(getattr(g, name), getattr(e, name), rtol=1e-9,
                                           err_msg=f"scaler {name}: fitted on other rows")  # fmt: skip


def _check_parts(
    case: Case,
    parts: dict[str, Any],
    bounds: dict[str, list[tuple[int, int]]],
    fitted_got: Any,
    train_end: list[int],
) -> None:
    prepared = prepare(case)
    fitted = fit_scalers(case, prepared, list(train_end))
    _check_fitted(case, fitted_got, fitted)
    chosen = samples(case, prepared, fitted, list(train_end))
    for name, w in parts.items():
        mine = _part_samples(chosen, bounds[name])
        assert_same(w.X, stack_x(case, mine), f"{name}.X")
        assert_same(w.y, stack_y(case, mine), f"{name}.y")


def _split_kw(case: Case) -> dict[str, Any]:
    kw = dict(case.kw)
    if case.scaler is not None:
        kw["scaler"] = new_scaler(case)
        if case.per_series:
            kw["per_series"] = True
    return kw


def check_split(case: Case, tmp_path: Path) -> None:
    s = lstmshape.split(case.data, LOOKBACK, **SPLIT, **_split_kw(case))
    bounds: dict[str, list[tuple[int, int]]] = {"train": [], "val": [], "test": []}
    for series in case.series:
        n = len(series.values)
        test, val = n - SPLIT["test"], n - SPLIT["test"] - SPLIT["val"]
        bounds["train"].append((0, val))
        bounds["val"].append((val, test))
        bounds["test"].append((test, n))
    _check_parts(case, s.parts(), bounds, s.scaler, [b for _, b in bounds["train"]])


def check_folds(case: Case, tmp_path: Path) -> None:
    folds = lstmshape.folds(case.data, LOOKBACK, **FOLDS, **_split_kw(case))
    assert len(folds) == FOLDS["n_folds"]
    # Series with timestamps share one clock (the union of their dates); without them,
    # each series is its own clock.
    shared = len(case.series) > 1 and not isinstance(case.series[0].labels, pd.RangeIndex)
    clock = sorted(set().union(*(s.labels for s in case.series))) if shared else None
    for k, fold in enumerate(folds):
        bounds: dict[str, list[tuple[int, int]]] = {"train": [], "test": []}
        for series in case.series:
            n = len(series.values)
            length = n if clock is None else len(clock)
            low = length - (FOLDS["n_folds"] - k) * FOLDS["test"]
            high = low + FOLDS["test"]
            if clock is not None:
                labels = list(series.labels)
                low = sum(1 for label in labels if label < clock[low])
                high = n if high >= len(clock) else sum(1 for x in labels if x < clock[high])
            bounds["train"].append((0, low))
            bounds["test"].append((low, high))
        _check_parts(case, fold.parts(), bounds, fold.scaler, [b for _, b in bounds["train"]])


def _predictions(w: Any) -> np.ndarray:
    y = np.asarray(w.y, dtype=np.float64)
    return 0.5 * y + 0.01 * np.arange(y.size).reshape(y.shape)


def _flat_index(index: pd.Index) -> list[Any]:
    return [tuple(v) if isinstance(v, tuple) else v for v in index.tolist()]


def _quantile_oracle(
    case: Case, prepared: list[Prepared], fitted: Any, chosen: list[Sample], q: np.ndarray
) -> tuple[list[Any], list[np.ndarray]]:
    """``oracle_frame`` of each level of quantile predictions ``q`` (levels last), on its own."""
    found = [oracle_frame(case, prepared, fitted, chosen, q[..., j]) for j in range(len(LEVELS))]
    return found[0][0], [values for _, values in found]


def check_to_frame(case: Case, tmp_path: Path) -> None:
    w, prepared, fitted, chosen = _windows(case)
    predictions = _predictions(w)
    if case.cell.has("quantiles"):
        q = predictions[..., None] + SPREAD
        frame = w.to_frame(q, quantiles=list(LEVELS))
        labels, per_level = _quantile_oracle(case, prepared, fitted, chosen, q)
        assert _flat_index(frame.index) == labels, f"index {frame.index[:3].tolist()}"
        expected = np.stack(per_level, axis=-1).reshape(len(labels), -1)  # (column, level)
        assert_same(frame.to_numpy(), expected, "to_frame values of each quantile level")
        assert frame.columns.names == ["column", "quantile"]
        assert list(dict.fromkeys(frame.columns.get_level_values("quantile"))) == list(LEVELS)
        return
    frame = w.to_frame(predictions)
    labels, values = oracle_frame(case, prepared, fitted, chosen, predictions)
    assert _flat_index(frame.index) == labels, f"index {frame.index[:3].tolist()} != {labels[:3]}"
    assert_same(frame.to_numpy(), values, "to_frame values")
    name = case.names[case.targets[0]]
    if case.framing["per_timestep"] or case.framing["horizon"] == 1:
        assert list(frame.columns) == [name]
    elif case.framing["sampling_rate"] == 1:
        assert list(frame.columns) == [f"{name}+{k}" for k in range(case.framing["horizon"])]


def check_score(case: Case, tmp_path: Path) -> None:
    w, prepared, fitted, chosen = _windows(case)
    quantiles = case.cell.has("quantiles")
    if quantiles:  # the median is the truth: the point metrics are those of w.y
        q = np.asarray(w.y, dtype=np.float64)[..., None] + SPREAD
        frame = w.to_frame(q, quantiles=list(LEVELS))
    else:
        frame = w.to_frame(w.y)
    table = lstmshape.score(frame, case.actual)
    if quantiles:
        _check_quantile_score(case, prepared, fitted, chosen, q, table)
    _, levels = oracle_frame(case, prepared, fitted, chosen, np.asarray(w.y))
    model_errors: list[float] = []
    naive_errors: list[float] = []
    # the model's errors: oracle levels against the actual values, row by row
    if case.framing["per_timestep"]:
        rows = sorted({(s.series, r) for s in chosen for r in s.targets})
        for (number, r), level in zip(rows, levels, strict=True):
            model_errors.append(float(level[0] - case.series[number].values[r, 0]))
    else:
        for s, level in zip(chosen, levels, strict=True):
            for k, r in enumerate(s.targets):
                model_errors.append(float(level[k] - case.series[s.series].values[r, 0]))
    for number, r, known in naive_rows(case, chosen):
        x = case.series[number].values[:, 0]
        naive_errors.append(float(x[known] - x[r]))
    got = _score_rows(table)
    expected_model = float(np.sqrt(np.mean(np.square(model_errors))))
    expected_naive = float(np.sqrt(np.mean(np.square(naive_errors))))
    assert got["model"] == pytest_approx(expected_model), (
        f"model RMSE {got['model']} != {expected_model}"
    )
    assert got["naive"] == pytest_approx(expected_naive), (
        f"naive RMSE {got['naive']} != {expected_naive} (the naive forecast repeats the last input row's level)"
    )


def _check_quantile_score(
    case: Case,
    prepared: list[Prepared],
    fitted: Any,
    chosen: list[Sample],
    q: np.ndarray,
    table: pd.DataFrame,
) -> None:
    """Pinball, coverage and width of the model and of the naive forecast, by loops.

    The naive forecast's quantiles: the last known level plus the empirical quantiles of
    the series' changes over as many rows, on its rows up to the first origin scored; NaN
    when there are too few changes for the outer levels (their values are checked on long
    histories in ``tests/test_metrics.py``).
    """
    _, per_level = _quantile_oracle(case, prepared, fitted, chosen, q)
    shift = max(case.framing["shift"], 1)
    # (series, target row, known row, model quantiles) of every scored value
    scored: list[tuple[int, int, int, list[float]]] = []
    if case.framing["per_timestep"]:
        rows = sorted({(s.series, r) for s in chosen for r in s.targets})
        for i, (number, r) in enumerate(rows):
            scored.append((number, r, r - shift, [float(v[i][0]) for v in per_level]))
    else:
        for i, s in enumerate(chosen):
            for k, r in enumerate(s.targets):
                quantiles = [float(v[i][k]) for v in per_level]
                scored.append((s.series, r, s.targets[0] - shift, quantiles))
    first = {}
    for number, _, known, _ in scored:
        first[number] = min(first.get(number, known), known)
    pairs: dict[str, list[tuple[float, list[float]]]] = {"model": [], "naive": []}
    for number, r, known, quantiles in scored:
        x = case.series[number].values[:, 0]
        ahead = r - known
        history = x[: first[number] + 1]
        changes = [
            history[i] - history[i - ahead]
            for i in range(ahead, len(history))
            if not (math.isnan(history[i]) or math.isnan(history[i - ahead]))
        ]
        # the outer levels need n * q >= 1 changes (10 for 0.1..0.9), else no quantiles
        enough = len(changes) * min(LEVELS[0], 1 - LEVELS[-1]) >= 1 - 1e-9
        spread = np.quantile(changes, LEVELS) if enough else np.full(len(LEVELS), np.nan)
        pairs["model"].append((float(x[r]), quantiles))
        pairs["naive"].append((float(x[r]), [float(x[known] + d) for d in spread]))
    got = _score_rows(table, ("pinball", "coverage", "width"))
    for name, found in pairs.items():
        losses, inside, widths = [], [], []
        for actual, quantiles in found:
            for level, p in zip(LEVELS, quantiles, strict=True):
                error = actual - p
                losses.append(level * error if error >= 0 else (level - 1) * error)
            inside.append(quantiles[0] <= actual <= quantiles[-1])
            widths.append(quantiles[-1] - quantiles[0])
        unknown = any(math.isnan(q[0]) or math.isnan(q[-1]) for _, q in found)
        expected = {
            "pinball": float(np.mean(losses)),
            "coverage": math.nan if unknown else float(np.mean(inside)),
            "width": float(np.mean(widths)),
        }
        for metric, value in expected.items():
            have = got[name][metric]
            assert (math.isnan(have) and math.isnan(value)) or have == pytest_approx(value), (
                f"{name} {metric} {have} != {value} (loops over rows and levels)"
            )


def pytest_approx(value: float) -> Any:
    import pytest

    return pytest.approx(value, rel=1e-6, abs=1e-9)


def _score_rows(table: pd.DataFrame, columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """The RMSE (or the ``columns``) of the model and the naive forecast, all steps pooled."""
    found: dict[str, Any] = {}
    for key, row in table.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        if any(isinstance(v, str) and v.startswith("+") for v in key):
            continue  # a single step of a horizon: "all" pools them
        forecast = key[-1]
        if forecast in ("model", "naive"):
            found[forecast] = {c: float(row[c]) for c in columns} if columns else float(row["RMSE"])
    return found


def check_forecast(case: Case, tmp_path: Path) -> None:
    prepared = prepare(case)
    fitted = fit_scalers(case, prepared, [None] * len(prepared))
    horizon = case.framing["horizon"]
    steps = horizon
    quantiles = case.cell.has("quantiles")
    model = (LastStepQuantiles if quantiles else LastStep)(horizon, len(case.targets))
    kw: dict[str, Any] = {"steps": steps}
    if quantiles:
        kw["quantiles"] = list(LEVELS)
    for name in ("targets", "transform", "min_history", "freq", "future", "static", "categorical"):
        if name in case.kw:
            kw[name] = case.kw[name]
    if "categorical" in kw:  # the vocabularies of training (all rows here)
        kw["vocabularies"] = _windows(case)[0].vocabularies
    if "future" in kw:  # the known future of the covariates on the forecast rows
        kw["future_values"] = np.full((steps, len(case.future)), 3.5)
    if horizon > 1 or "future" in kw:
        kw["horizon"] = horizon
    if fitted is not None:
        kw["fitted_scaler"] = fitted
    got = lstmshape.forecast(model, case.data, LOOKBACK, **kw)
    labels, values = [], []
    for p in prepared:
        model_space = scaled(case, p, fitted)
        last = p.runs[-1][1] - 1
        n = len(p.series.values)
        v = np.repeat(model_space[last, case.targets][None, :], steps, axis=0)
        offsets = SPREAD if quantiles else [0.0]
        # each level on its own (a point forecast is one level): unscaled, then undone
        each = [
            _undo(
                case,
                p,
                list(range(n, n + steps)),
                _inverse(case, p, fitted, v + d),
                [n - 1] * steps,
            )
            for d in offsets
        ]
        levels = np.stack(each, axis=-1).reshape(steps, -1) if quantiles else each[0]
        for k in range(steps):
            s = p.series
            if isinstance(s.labels, pd.RangeIndex):
                label: Any = n + k
            else:
                label = s.labels[-1] + (k + 1) * (s.labels[-1] - s.labels[-2])
            key = s.key if isinstance(s.key, tuple) else (s.key,)
            labels.append((*key, label) if s.key is not None else label)
            values.append(levels[k])
    assert _flat_index(got.index) == labels, f"forecast index {got.index.tolist()} != {labels}"
    assert_same(got.to_numpy(), np.array(values), "forecast values")


def check_plot(case: Case, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w, prepared, fitted, chosen = _windows(case)
    model = LastStep(case.framing["horizon"], len(case.targets))
    per_timestep = case.framing["per_timestep"]
    quantiles = case.cell.has("quantiles")
    q = _predictions(w)[..., None] + SPREAD if quantiles else None
    try:
        if quantiles:
            fig = w.plot(q, samples=[0], quantiles=list(LEVELS))
        else:
            fig = w.plot(None if per_timestep else model, samples=[0])
        lines = {line.get_label(): line for ax in fig.axes for line in ax.get_lines()}
        s = chosen[0]
        x = case.series[s.series].values[:, 0]
        labels = case.series[s.series].labels
        real = [r for r in s.inputs if r >= s.begin]
        checks = {"inputs": real, "target": s.targets}
        for label, rows in checks.items():
            assert label in lines, f"no line {label!r} in {sorted(lines)}"
            np.testing.assert_allclose(
                np.asarray(lines[label].get_ydata(), dtype=np.float64), x[rows], rtol=1e-6,
                err_msg=f"plot draws {label} in other units than the data",
            )  # fmt: skip
            xs = lines[label].get_xdata()
            if isinstance(labels, pd.PeriodIndex):
                shown = pd.DatetimeIndex(pd.to_datetime(np.asarray(xs)))
                want = labels[rows].to_timestamp()
                assert list(shown) == list(want), "plot of a PeriodIndex: x is not the dates"
        if quantiles:  # the median as the prediction, the outer levels as the interval
            assert q is not None
            _, per_level = _quantile_oracle(case, prepared, fitted, chosen[:1], q[:1])
            steps = [v[:, 0] if per_timestep else v[0][: len(s.targets)] for v in per_level]
            np.testing.assert_allclose(
                np.asarray(lines["prediction"].get_ydata(), dtype=np.float64), steps[1],
                rtol=1e-6, err_msg="plot draws the median in other units than to_frame",
            )  # fmt: skip
            bands = [c for ax in fig.axes for c in ax.collections if "quantiles" in c.get_label()]
            assert len(bands) == 1, "no interval of the quantiles drawn"
            drawn = np.array([segment[:, 1] for segment in bands[0].get_segments()])
            np.testing.assert_allclose(drawn, np.stack([steps[0], steps[-1]], axis=1), rtol=1e-6)
        elif not per_timestep:  # the prediction, in the data's units (as to_frame gives it)
            predicted = model.predict(stack_x(case, chosen[:1]))
            _, levels = oracle_frame(case, prepared, fitted, chosen[:1], predicted)
            assert "prediction" in lines, f"no line 'prediction' in {sorted(lines)}"
            np.testing.assert_allclose(
                np.asarray(lines["prediction"].get_ydata(), dtype=np.float64), levels[0],
                rtol=1e-6, err_msg="plot draws the prediction in other units than to_frame",
            )  # fmt: skip
        plt.close(fig)
        parts = lstmshape.split(case.data, LOOKBACK, **SPLIT, **_split_kw(case))
        fig = parts.plot()
        plt.close(fig)
    finally:
        plt.close("all")


def check_explain(case: Case, tmp_path: Path) -> None:
    w, _, _, chosen = _windows(case)
    text = lstmshape.explain(w)
    assert str(len(chosen)) in text, f"explain() does not give the {len(chosen)} samples"


def _loader_rows(batches: list[Any]) -> tuple[Any, np.ndarray]:
    xs, ys = [], []
    for x, y in batches:
        xs.append(x)
        ys.append(np.asarray(y))
    if isinstance(xs[0], dict):
        return {k: np.concatenate([np.asarray(x[k]) for x in xs]) for k in xs[0]}, np.concatenate(
            ys
        )
    return np.concatenate([np.asarray(x) for x in xs]), np.concatenate(ys)


def _check_loader(case: Case, batches: list[Any], what: str) -> None:
    _, _, _, chosen = _windows(case)
    x, y = _loader_rows(batches)
    assert_same(x, stack_x(case, chosen), f"{what} X")
    assert_same(y, stack_y(case, chosen), f"{what} y")


def check_batches(case: Case, tmp_path: Path) -> None:
    w, *_ = _windows(case)
    _check_loader(case, list(w.batches(7)), "batches")


def check_to_dataset(case: Case, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("tensorflow")
    w, *_ = _windows(case)
    _check_loader(case, list(w.to_dataset(batch_size=7).as_numpy_iterator()), "to_dataset")


def check_to_torch(case: Case, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("torch")
    w, *_ = _windows(case)

    def numpy(v: Any) -> Any:
        return {k: t.numpy() for k, t in v.items()} if isinstance(v, dict) else v.numpy()

    _check_loader(case, [(numpy(x), numpy(y)) for x, y in w.to_torch(7)], "to_torch")


def check_to_pydataset(case: Case, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("keras")
    w, *_ = _windows(case)
    ds = w.to_pydataset(7)
    _check_loader(case, [ds[i] for i in range(len(ds))], "to_pydataset")


def check_build_model(case: Case, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("keras")
    w, _, _, chosen = _windows(case)
    levels = list(LEVELS) if case.cell.has("quantiles") else None
    model = lstmshape.build_model(w, units=4, quantiles=levels)
    lstmshape.check_model(model, w, quantiles=levels)
    expected = stack_y(case, chosen).shape[1:] + ((len(LEVELS),) if levels else ())
    assert tuple(model.output_shape[1:]) == expected, f"{model.output_shape} != {expected}"
    shapes = stack_x(case, chosen)
    shapes = (
        {k: v.shape[1:] for k, v in shapes.items()}
        if isinstance(shapes, dict)
        else {"past": shapes.shape[1:]}
    )
    got = [tuple(t.shape[1:]) for t in model.inputs]
    assert sorted(got) == sorted(shapes.values()), f"model inputs {got} != {shapes}"


def check_inspect(case: Case, tmp_path: Path) -> None:
    import contextlib
    import io

    from lstmshape.cli import main

    path = tmp_path / "data.csv"
    frame = case.data
    frame.to_csv(
        path, index=True, index_label="date" if case.cell.kind == "frame_datetime" else "row"
    )
    argv = [
        "inspect",
        str(path),
        "--target",
        "y",
        "--lookback",
        str(LOOKBACK),
        "--test",
        str(SPLIT["test"]),
    ]
    if case.framing["horizon"] != 1:
        argv += ["--horizon", str(case.framing["horizon"])]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(argv)
    text = out.getvalue()
    assert code == 0, text
    one = Case(**{**case.__dict__, "features": [0], "targets": [0]})
    chosen = samples(one, prepare(one), None)
    expected = f"({len(chosen)}, {LOOKBACK}, 1)"
    assert expected in text, f"inspect does not print X {expected}:\n{text}"


OPERATION_CHECKS: dict[str, Callable[[Case, Path], None]] = {
    "windows": check_windows,
    "split": check_split,
    "folds": check_folds,
    "to_frame": check_to_frame,
    "score": check_score,
    "forecast": check_forecast,
    "plot": check_plot,
    "explain": check_explain,
    "batches": check_batches,
    "to_dataset": check_to_dataset,
    "to_torch": check_to_torch,
    "to_pydataset": check_to_pydataset,
    "build_model": check_build_model,
    "inspect": check_inspect,
}


def message_names(message: str, words: tuple[str, ...]) -> list[str]:
    """The words of ``words`` that ``message`` lacks (case-insensitive)."""
    return [w for w in words if not re.search(re.escape(w), message, re.IGNORECASE)]


__all__ = ["Cell", "ShapeError", "all_cells", "run_cell"]
