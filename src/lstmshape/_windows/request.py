"""The one validated request behind ``windows``, ``split``, ``folds`` and ``forecast``.

Every entry point that cuts windows from user data asks :func:`make_request` first, so
an option is validated in one place, in one order, and reaches all four:

1. the framing and every size-like option (``lookback``, ``horizon``, ``min_history``, ...)
   and the option types, before the data is read or anything is allocated;
2. the data (:func:`read_timeline`: the column roles, groups, gaps, missing rows);
3. the checks that need both (``per_series`` with ``group_by``, a target offered as a
   known-future input);
4. the target transform (the panel read as its series again).

Scaling is not part of the request: :func:`windows` applies a fitted scaler to the whole
request, :func:`split` and :func:`folds` fit one on each part's training rows.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from .._core.errors import ShapeError, listed, received, received_each, received_type
from .._core.validate import check_bool, check_int
from .._input.categories import Vocabulary, warn_unknown
from .._input.scaling import check_scaler
from .._input.table import ColumnSelection, Table
from .._input.timeline import Timeline, keep_panel, read_timeline
from .._input.transform import TargetTransform, check_transform, transform_targets
from .._plan.framing import Framing
from .._plan.plan import WindowPlan
from .._readers.source import WindowSource


@dataclass(frozen=True)
class WindowRequest:
    """What the user asked for, validated: made by :func:`make_request` only.

    Attributes
    ----------
    framing
        The framing of every sample.
    read
        The data as read (roles, runs), before the target transform.
    timeline
        The data the windows are cut from: transformed (when asked), not scaled.
    undo
        The transform to undo on predictions, or None.
    scaler
        The scaler as passed (fitted for ``windows``/``forecast``, unfitted for
        ``split``/``folds``), checked for its methods; None without one.
    per_series
        Fit one scaler per series (``split``/``folds`` with ``group_by``).
    min_history
        The fewest real input steps of a padded window, or None (full windows only).
    """

    framing: Framing
    read: Timeline
    timeline: Timeline
    undo: TargetTransform | None
    scaler: Any
    per_series: bool
    min_history: int | None


def make_request(
    data: Any,
    lookback: Any,
    *,
    horizon: Any = 1,
    shift: Any = 1,
    stride: Any = 1,
    sampling_rate: Any = 1,
    per_timestep: Any = False,
    inputs_only: Any = False,
    features: ColumnSelection = None,
    targets: ColumnSelection = None,
    future: ColumnSelection = None,
    static: ColumnSelection = None,
    categorical: ColumnSelection = None,
    group_by: Any = None,
    freq: str | pd.DateOffset | None = None,
    dropna: Any = False,
    transform: Any = None,
    min_history: Any = None,
    scaler: Any = None,
    scaler_name: str = "scaler",
    per_series: Any = False,
    time: Hashable | None = None,
) -> WindowRequest:
    """Validate everything the four entry points share, in one order (module docstring)."""
    framing = Framing.from_user(
        lookback, horizon=horizon, shift=shift, stride=stride,
        per_timestep=per_timestep, inputs_only=inputs_only, sampling_rate=sampling_rate,
    )  # fmt: skip
    min_history = check_min_history(min_history, framing)
    kind = check_transform(transform)
    dropna = check_bool(dropna, "dropna")
    per_series = check_bool(per_series, "per_series")
    check_scaler(scaler, scaler_name)
    if future is not None and framing.inputs_only:
        raise ShapeError(
            "`future` covariates are read on the target rows, and inputs-only windows have "
            "none in the data: a forecast past the end needs the future rows. Add them to the "
            "data (targets may be NaN there, with dropna=True) or leave `future` out. "
            f"{received('future', future)}"
        )
    read = read_timeline(
        data,
        features=features,
        targets=targets,
        future=future,
        static=static,
        categorical=categorical,
        group_by=group_by,
        freq=freq,
        dropna=dropna,
        time=check_time(time),
    )
    check_per_series(per_series, scaler, read.group_by)
    refuse_targets_as_future(read.table, future)
    timeline, undo = transform_targets(read, kind, framing)
    timeline = keep_panel(read, timeline)
    return WindowRequest(framing, read, timeline, undo, scaler, per_series, min_history)


def check_time(time: Any) -> Hashable | None:
    """Validate ``time``: None, or a column label (a string, number or tuple)."""
    if time is None or (isinstance(time, Hashable) and not isinstance(time, bool)):
        return time
    raise TypeError(
        "`time` must be the name of the time column (a column label such as 'date'). "
        f"{received_type('time', time)}"
    )


def check_min_history(min_history: Any, framing: Framing) -> int | None:
    """Validate ``min_history``: None, or an integer from 1 to ``lookback``, many-to-one."""
    if min_history is None:
        return None
    value = check_int(min_history, "min_history", minimum=1)
    if value > framing.lookback:
        raise ShapeError(
            f"`min_history` must be at most lookback={framing.lookback}: it is the fewest "
            f"real input steps of a padded window. {received('min_history', min_history)}"
        )
    if framing.per_timestep:
        raise ShapeError(
            "`min_history` does not work with per_timestep=True: the targets of padded "
            "timesteps would be padding too. Use many-to-one windows (a horizon) with it. "
            f"{received('min_history', min_history)}"
        )
    return value


def check_per_series(per_series: bool, scaler: Any, group_by: Hashable | None) -> bool:
    """Validate ``per_series``: it needs ``group_by`` (or a panel) and a ``scaler``."""
    if per_series and group_by is None:
        raise ShapeError(
            "`per_series=True` fits one scaler per series of `group_by`, but no `group_by` "
            f"was given. {received('per_series', per_series)}"
        )
    if per_series and scaler is None:
        raise ShapeError(
            "`per_series=True` fits one copy of `scaler` per series, but no `scaler` was "
            f"given (for example MinMaxScaler()). {received('per_series', per_series)}"
        )
    return per_series


def refuse_targets_as_future(table: Table, future: ColumnSelection) -> None:
    """Refuse a target column among the known-future inputs: it would feed the answer.

    ``X["future"]`` is read on each sample's target rows, so a target column there is the
    very value ``y`` holds.
    """
    both = [table.names[c] for c in table.future_cols if c in set(table.target_cols)]
    if both:
        raise ShapeError(
            f"Column(s) {listed(map(repr, both))} are both `targets` and `future`: known-future "
            "inputs are read on the target rows, so the model would be fed the values it must "
            "predict. Leave the target out of `future` (its past values are already among the "
            "features), or pick other `targets`. "
            f"{received_each(future=future, targets=list(table.target_names))}"
        )


def encode_categories(
    timeline: Timeline,
    rows: Sequence[tuple[int, int]] | None,
    *,
    vocabularies: Mapping[Hashable, Vocabulary] | None = None,
    name: str = "vocabularies",
    unknown: dict[Hashable, int] | None = None,
    where: str = "training rows",
    stacklevel: int = 4,
) -> Timeline:
    """Fit the categorical vocabularies on ``rows`` (None: all) and encode every row.

    ``vocabularies`` (fitted before) are used instead of fitting. The labels unseen by
    the vocabularies are added to ``unknown`` when given (the caller warns once), else
    warned about here. Without categorical columns the timeline is returned as it is.
    """
    categories = timeline.table.categories
    if categories is None:
        if vocabularies:
            raise ShapeError(
                f"`{name}` are for `categorical` columns, and these windows have none. Pass "
                "the same `categorical` columns as the windows they were fitted on, or leave "
                f"`{name}` out. Received: {name} for {listed(map(repr, vocabularies))}"
            )
        return timeline
    if vocabularies is not None:
        if not isinstance(vocabularies, Mapping):
            raise TypeError(
                f"`{name}` must be a dict {{column: Vocabulary}} (`Windows.vocabularies`). "
                f"Received: {name} of type {type(vocabularies).__name__}"
            )
        fitted = categories.with_vocabularies(vocabularies, name)
    else:
        fitted = categories.fitted_on(rows)
    encoded, unseen = fitted.encoded()
    if unknown is None:
        warn_unknown(unseen, where, stacklevel=stacklevel)
    else:
        for column, count in unseen.items():
            unknown[column] = unknown.get(column, 0) + count
    table = replace(timeline.table, categories=encoded)
    return replace(timeline, table=table)  # every other field kept (group_keys, ...)


def source_of(timeline: Timeline, plan: WindowPlan) -> WindowSource:
    """Return the frozen description that every reader of these windows receives."""
    table = timeline.table
    return WindowSource(
        values=table.values,
        plan=plan,
        feature_cols=table.feature_cols,
        target_cols=table.target_cols,
        names=table.names,
        index=table.index,
        group_by=timeline.group_by,
        group_keys=timeline.group_keys,
        future_cols=table.future_cols,
        static_cols=table.static_cols,
        categories=table.categories,
    )
