"""Pictures: a few windows with their targets and predictions, and a split on its time axis.

``plot_windows`` becomes ``Windows.plot`` and ``plot_split`` becomes ``Split.plot``.
matplotlib is imported only when a picture is drawn. Values are drawn in the data's
units, through the one way back of :mod:`.units` that :meth:`Windows.to_frame` takes: the
scaler undone (each series with its own, for per-series scalers), a target transform
undone from the last level the forecaster knew; masked predictions are not drawn.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, received_type
from .._core.validate import check_choice, check_levels_ordered, check_quantiles
from .._plan.plan import is_group
from .source import WindowSource
from .units import (
    check_quantile_undo,
    data_in_units,
    future_index,
    predict_quietly,
    predictions_in_units,
    read_predictions,
    restore_target_axis,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .._evaluate.split import Split
    from .._windows.windows import Windows

INSTALL_HINT = 'pip install "lstmshape[plot]"'
#: What ``units=`` accepts: the data's units, or the model's (scaled, changes).
UNITS = ("data", "model")

#: Colours of the window pictures (matplotlib's default cycle, as in the TensorFlow tutorial).
INPUT_COLOR, TARGET_COLOR, PREDICTION_COLOR = "#1f77b4", "#2ca02c", "#ff7f0e"
#: Colours of the split parts and of the series drawn under them.
PART_COLORS = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#2ca02c"}
SERIES_COLOR = "#333333"


# -- the only places that ask the windows where their rows and columns are ------------------
def _sample_rows(windows: Windows, sample: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the data rows that sample(s) ``sample`` read as inputs and as targets.

    ``sample`` is one sample number (1-D results) or an array of them (2-D results, one
    row per sample). Targets are empty for inputs-only windows. The third array says which
    input steps are real rows: with ``min_history``, the first steps of a padded sample lie
    before its series' first row; they are padding, and their "rows" are no rows at all
    (before the data, or in the series before), so they must never be read or drawn.
    """
    start = np.asarray(windows.starts)[sample]
    plan = windows.source.plan
    begin = plan.run_begins[sample] if plan.n_padded else None
    if np.ndim(start):
        start = start[:, None]
        begin = None if begin is None else begin[:, None]
    input_rows = start + windows.framing.input_offsets
    real = np.ones(input_rows.shape, dtype=bool) if begin is None else input_rows >= begin
    return input_rows, start + windows.framing.target_offsets, real


def _column_names(windows: Windows) -> tuple[Hashable, ...]:
    """Labels of the columns of ``windows.data``, in order."""
    return tuple(windows.source.names)


# -- public ------------------------------------------------------------------------------------
def plot_windows(
    windows: Windows,
    model: Any = None,
    *,
    samples: int | Sequence[int] = 3,
    column: Hashable | None = None,
    ax: Axes | None = None,
    units: str = "data",
    quantiles: Any = None,
) -> Figure:
    """Draw a few samples: their input steps, target steps and predictions, on the time axis.

    This is ``Windows.plot``. Each panel shows one sample: the drawn column over the
    window's input rows (a line), its target rows (open circles) and, given a model or
    predictions, what was predicted for them (crosses), at the rows' timestamps (row
    numbers for numpy input). Inputs-only windows have no targets: their predictions are
    drawn ``shift`` (and more) steps after the window, spaced like the index.

    Parameters
    ----------
    windows : Windows
        Any windows: many-to-one, multi-step, per-timestep, inputs-only, grouped.
    model : Keras model or array_like, optional
        Something with ``.predict`` (called on the drawn samples' inputs only), or
        predictions already made: ``(samples, ...)`` for every sample of ``windows``, in
        order (``model.predict(windows.X)``), or for just the drawn samples, in the order
        drawn. A trailing target axis of size 1 may be squeezed, as in ``to_frame``.
    samples : int or sequence of int, default 3
        How many samples to draw, spread evenly from the first to the last (so 3 draws
        the first, the middle and the last; more than ``len(windows)`` draws them all), or
        the sample numbers to draw. With ``ax``, one sample is drawn: the first, or the one
        sample number given.
    column : column name, optional
        The feature or target to draw, as named in ``feature_names`` / ``target_names``
        (integer positions for numpy input, as in ``windows(features=...)``). Default:
        the first target. Its inputs are drawn when it is also a feature, its targets and
        predictions when it is a target; the legend says which is missing and why.
    ax : matplotlib.axes.Axes, optional
        Draw one sample on these axes instead of making a figure.
    units : {"data", "model"}, default "data"
        ``"data"``: the data's units (the scaler and a target transform undone, as in
        ``to_frame``). ``"model"``: what the model sees and predicts (scaled, changes for a
        target under ``transform``), said on the y axis label.
    quantiles : sequence of float, optional
        The levels of a quantile model (``build_model(..., quantiles=...)``), as for
        ``to_frame``: the predictions have a trailing axis of ``len(quantiles)``. The
        median (the level nearest 0.5, the lower one on a tie, as ``score`` takes it) is
        drawn as the prediction, and the lowest to the highest level as an interval on
        each step; each level is taken back to the data's units on its own.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per sample (or the figure of ``ax``). Nothing is shown: call
        ``plt.show()`` in a script, or save it with ``fig.savefig(...)``. Values are in
        the data's units unless ``units="model"``.

    Raises
    ------
    ShapeError
        ``samples`` < 1 or a sample number out of range, an unknown ``column``, a
        ``model`` for a column that is not a target, predictions of the wrong shape (both
        shapes are named).
    TypeError
        ``samples``, ``model`` or ``ax`` of the wrong type.
    ImportError
        matplotlib is not installed (the message says ``pip install "lstmshape[plot]"``).

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> from lstmshape._readers.plot import plot_windows
    >>> w = lstmshape.windows(np.arange(100.0), 10, horizon=3)
    >>> fig = plot_windows(w, w.y, samples=2)          # the targets, as perfect predictions
    >>> len(fig.axes), [line.get_label() for line in fig.axes[0].lines]
    (2, ['inputs', 'target', 'prediction'])
    >>> fig.axes[1].get_title()
    'sample 87: inputs rows 87..96, targets rows 97..99'
    >>> fig.axes[1].lines[1].get_ydata().shape        # the target steps of the last sample
    (3,)
    """
    plt = _import_pyplot("Windows.plot")
    windows = _check_windows(windows, "plot_windows", "Windows")
    axes_given = _check_ax(ax)
    chosen = _pick_samples(windows, samples, one=axes_given is not None)
    drawn = _pick_column(windows, column, windows.target_names)
    in_data_units = check_choice(units, "units", UNITS) == "data"
    levels = check_quantiles(quantiles)
    predictions = _predictions(windows, model, chosen, drawn, in_data_units, levels)

    figure, panels = _stacked_panels(plt, axes_given, len(chosen), (1.2, 2.3))
    for number, (panel, sample) in enumerate(zip(panels, chosen, strict=True)):
        _draw_sample(
            panel,
            windows,
            int(sample),
            drawn,
            None if predictions is None else predictions[number],
            in_data_units,
            levels,
        )
        panel.set_ylabel(_column_label(windows, drawn, in_data_units))
        if axes_given is not None or number == len(panels) - 1:
            panel.set_xlabel(_axis_label(windows))
    panels[0].legend(loc="best", fontsize="small", framealpha=0.9)
    return figure


def _stacked_panels(
    plt: Any, axes_given: Axes | None, count: int, height: tuple[float, float]
) -> tuple[Figure, list[Axes]]:
    """Return a figure of ``count`` panels stacked, or the user's ``ax`` and its figure.

    The figure is ``base + per_panel * count`` inches high (``height``).
    """
    if axes_given is not None:  # (a subfigure's axes: the subfigure, drawn the same way)
        return cast("Figure", axes_given.figure), [axes_given]
    base, per_panel = height
    figure, grid = plt.subplots(
        count, 1, figsize=(10, base + per_panel * count), squeeze=False, layout="constrained"
    )
    return figure, list(grid[:, 0])


def plot_split(
    split: Split,
    *,
    column: Hashable | None = None,
    group: Hashable | None = None,
    ax: Axes | None = None,
    units: str = "data",
) -> Figure:
    """Draw the series with the train, val and test target periods shaded.

    This is ``Split.plot``. The drawn column (original units) runs over the whole time
    axis; each part's target rows, first to last, are shaded in its colour; the rows that
    the first val and test windows read from the part before them (their context: up to
    ``lookback`` rows, the only rows a part shares with another, and only as inputs) are
    hatched. Where the shading of two parts meets, no target row belongs to both.

    Parameters
    ----------
    split : Split
        Made by :func:`split`.
    column : column name, optional
        The feature or target to draw. Default: the first target.
    group : optional
        With ``group_by``, the group (series) to draw. Default: the first group.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes instead of making a figure.
    units : {"data", "model"}, default "data"
        As for :func:`plot_windows`: ``"model"`` draws what the model sees (scaled,
        changes), said on the y axis label.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (or the figure of ``ax``); its title counts the windows of each part.
        Nothing is shown.

    Raises
    ------
    ShapeError
        An unknown ``column`` or ``group``.
    TypeError
        ``split`` or ``ax`` of the wrong type.
    ImportError
        matplotlib is not installed (the message says ``pip install "lstmshape[plot]"``).

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> from lstmshape._readers.plot import plot_split
    >>> parts = lstmshape.split(np.arange(200.0), 20, val=30, test=30)
    >>> fig = plot_split(parts)
    >>> fig.axes[0].get_title()
    'Split: 120 train, 30 val, 30 test windows (lookback 20)'
    >>> [p.get_label() for p in fig.axes[0].patches][:3]
    ['train targets', 'val targets', 'context for val']
    >>> [(int(p.get_x()), int(p.get_x() + p.get_width())) for p in fig.axes[0].patches][:3]
    [(20, 139), (140, 169), (120, 140)]
    """
    plt = _import_pyplot("Split.plot")
    split = _check_split(split)
    axes_given = _check_ax(ax)
    parts = split.parts()
    first = split.train
    names = tuple(dict.fromkeys((*first.target_names, *first.feature_names)))
    drawn = _pick_column(first, column, first.target_names, choices=names)
    chosen_group = _pick_group(list(parts.values()), group)
    in_data_units = check_choice(units, "units", UNITS) == "data"

    if axes_given is None:
        figure, panel = plt.subplots(figsize=(10, 3.6), layout="constrained")
    else:
        figure, panel = axes_given.figure, axes_given

    kept = {name: _samples_in_group(w, chosen_group) for name, w in parts.items()}
    rows = _series_rows(parts, kept)
    values = _values(first, drawn.data_column, rows, in_data_units)
    label = _column_label(first, drawn, in_data_units)
    panel.plot(_x(first, rows), values, color=SERIES_COLOR, linewidth=1.0, label=label)
    for name, w in parts.items():
        _shade_part(panel, w, name, kept[name])
    counts = ", ".join(f"{len(w)} {name}" for name, w in parts.items())
    title = f"Split: {counts} windows (lookback {first.lookback})"
    if chosen_group is not None:
        title += f"; group {chosen_group!r}"
    panel.set_title(title)
    panel.set_xlabel(_axis_label(first))
    panel.set_ylabel(label)
    _format_time_axis(panel, first)
    panel.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return figure


# -- validation ---------------------------------------------------------------------------
def _import_pyplot(feature: str) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            f"{feature} needs matplotlib, which is not installed in this environment. "
            f"Install it with: {INSTALL_HINT}"
        ) from error
    return plt


def _check_windows(windows: Any, function: str, kind: str) -> Windows:
    if not isinstance(getattr(windows, "source", None), WindowSource):
        raise TypeError(
            f"{function} draws {kind} made by lstmshape.windows() or split(). "
            f"Received: windows of type {type(windows).__name__}"
        )
    return windows


def _check_split(split: Any) -> Split:
    if not callable(getattr(split, "parts", None)) or isinstance(split, type):
        raise TypeError(
            "Split.plot draws a Split made by lstmshape.split(). "
            f"Received: split of type {type(split).__name__}"
        )
    return split


def _check_ax(ax: Any) -> Axes | None:
    if ax is None:
        return None
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(
            "`ax` must be matplotlib axes (for example from plt.subplots()). "
            f"Received: ax of type {type(ax).__name__}"
        )
    return ax


def _pick_samples(windows: Windows, samples: Any, *, one: bool) -> np.ndarray:
    """Return the sample numbers to draw: spread evenly over the windows, or as given."""
    total = len(windows)
    if isinstance(samples, (bool, np.bool_)) or not isinstance(
        samples, (numbers.Integral, Sequence, np.ndarray)
    ):
        raise TypeError(
            "`samples` must be how many samples to draw (an int) or a list of sample "
            f"numbers. Received: samples={samples!r} (of type {type(samples).__name__})"
        )
    if isinstance(samples, numbers.Integral):
        if samples < 1:
            raise ShapeError(f"`samples` must be at least 1. Received: samples={samples}")
        count = 1 if one else min(int(samples), total)
        return np.unique(np.linspace(0, total - 1, count).round().astype(np.int64))
    chosen = np.asarray(samples)
    if chosen.ndim != 1 or len(chosen) == 0 or not np.issubdtype(chosen.dtype, np.integer):
        raise TypeError(
            "`samples` as a list must hold one or more sample numbers (ints). "
            f"Received: samples={samples!r}"
        )
    outside = chosen[(chosen < 0) | (chosen >= total)]
    if len(outside):
        raise ShapeError(
            f"`samples` must be sample numbers from 0 to {total - 1} (these windows have "
            f"{total} samples). Received: samples={list(chosen.tolist())}"
        )
    if one and len(chosen) != 1:
        raise ShapeError(
            "With `ax`, one sample is drawn on it: pass one sample number, samples=[i], or "
            f"leave out `ax` for one panel per sample. Received: samples={list(chosen.tolist())}"
        )
    return chosen.astype(np.int64)


@dataclass(frozen=True)
class _Column:
    """The column to draw: its label, where it is in ``data``, X and y."""

    name: Hashable
    data_column: int
    feature: int | None  # position in X's last axis, or None when not an input
    target: int | None  # position in y's last axis, or None when not a target


def _pick_column(
    windows: Windows,
    column: Hashable | None,
    targets: Sequence[Hashable],
    choices: Sequence[Hashable] | None = None,
) -> _Column:
    features = list(windows.feature_names)
    targets = list(targets)
    if choices is None:
        choices = tuple(dict.fromkeys((*targets, *features)))
    if column is None:
        name = targets[0] if targets else features[0]
    else:
        try:
            known = column in choices
        except TypeError:  # an unhashable column, such as a list
            known = False
        if not known:
            close = difflib.get_close_matches(str(column), [str(c) for c in choices], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ShapeError(
                f"`column` must be one of the windows' columns: targets "
                f"{', '.join(map(repr, targets)) or 'none'}; features "
                f"{', '.join(map(repr, features))}.{hint} Received: column={column!r}"
            )
        name = column
    return _Column(
        name=name,
        data_column=_column_names(windows).index(name),
        feature=features.index(name) if name in features else None,
        target=targets.index(name) if name in targets else None,
    )


def _pick_group(parts: list[Windows], group: Any) -> Hashable | None:
    """Return the group to draw: ``group``, checked, or the first; any part's groups count."""
    if parts[0].groups is None:
        if group is not None:
            raise ShapeError(
                "`group` picks one series of data split with group_by, but this split has no "
                f"groups. Received: group={group!r}"
            )
        return None
    # A short series may have test windows but no training ones (min_history).
    every = [part.groups.tolist() for part in parts if part.groups is not None]
    available = list(dict.fromkeys(g for groups in every for g in groups))
    if isinstance(group, list):  # several keys: the label is a tuple
        group = tuple(group)
    if group is None:
        return available[0]
    if group not in available:
        shown = ", ".join(map(repr, available[:10]))
        more = f" and {len(available) - 10} more" if len(available) > 10 else ""
        raise ShapeError(
            f"`group` must be one of the split's groups: {shown}{more}. Received: group={group!r}"
        )
    return group


def _predictions(
    windows: Windows,
    model: Any,
    chosen: np.ndarray,
    drawn: _Column,
    in_data_units: bool = True,
    levels: tuple[float, ...] = (),
) -> np.ndarray | None:
    """Predictions of the drawn target for the chosen samples, in units.

    ``(drawn, steps)``, or ``(drawn, steps, len(levels))`` for a quantile model.
    """
    if model is None:
        return None
    if drawn.target is None:
        raise ShapeError(
            f"`column`={drawn.name!r} is not a target, so a model predicts nothing for it: "
            f"draw a target ({', '.join(map(repr, windows.target_names))}) or leave out "
            "`model`."
        )
    shape: tuple[int, ...] = tuple(windows.output_shape)
    if levels:
        shape = (*shape, len(levels))
    if callable(getattr(model, "predict", None)):
        expected = (len(chosen), *shape)
        values = predict_quietly(model, _sample_inputs(windows, chosen))
        values = values if levels else restore_target_axis(values, expected)
        if values.shape != expected:
            raise ShapeError(
                f"`model` predicts shape {values.shape} for {len(chosen)} samples, but these "
                f"windows need {expected} (samples, then the target shape {shape}). Build the "
                "model for these windows, for example lstmshape.build_model(windows)."
                + _levels_hint(values.shape, expected, levels)
            )
    else:
        try:
            values = read_predictions(model, "model")
        except TypeError:
            dtype = getattr(model, "dtype", None)
            kind = "" if dtype is None else f" (dtype {dtype})"
            raise TypeError(
                "`model` must be a model with .predict() or an array of predictions; it is "
                f"not numeric{kind}. {received_type('model', model)}"
            ) from None
        every, drawn_only = (len(windows), *shape), (len(chosen), *shape)
        if not levels:
            values = restore_target_axis(restore_target_axis(values, every), drawn_only)
        if values.shape == every:
            values = values[chosen]
        elif values.shape != drawn_only:
            raise ShapeError(
                f"`model` as predictions has shape {values.shape}, but these windows need "
                f"{every} (every sample, as model.predict(windows.X) gives) or {drawn_only} "
                f"(the {len(chosen)} drawn samples). Received: model of shape {values.shape}."
                + _levels_hint(values.shape, every, levels)
            )
    values = values.astype(np.float64)
    check_levels_ordered(
        values, levels, "model", "sort another model's output (np.sort(..., axis=-1))."
    )
    if not levels:
        values = values[..., None]
    if in_data_units:
        check_quantile_undo(windows.source, windows.transform, levels)
        values = np.stack(
            [
                predictions_in_units(
                    windows.source, windows.scaler, windows.transform, values[..., j], chosen
                )
                for j in range(values.shape[-1])
            ],
            axis=-1,
        )
    values = values[..., drawn.target, :].reshape(len(chosen), -1, values.shape[-1])
    return values if levels else values[..., 0]


def _levels_hint(
    found: tuple[int, ...], expected: tuple[int, ...], levels: tuple[float, ...]
) -> str:
    """Return a hint for a quantile axis without ``quantiles`` (or of another length)."""
    if not levels and found[:-1] == expected:
        return (
            f" A trailing axis of {found[-1]}: for a quantile model, pass its levels, "
            "plot(..., quantiles=[0.1, 0.5, 0.9])."
        )
    if levels and found[:-1] == expected[:-1]:
        return f" The last axis holds {found[-1]} values, and `quantiles` names {len(levels)}."
    return ""


def _sample_inputs(windows: Windows, chosen: np.ndarray) -> Any:
    """``windows.X[chosen]`` (a dict with named inputs), gathered as the loaders gather it."""
    inputs, _ = windows.source.gather(chosen)
    return inputs


# -- drawing --------------------------------------------------------------------------------
def _draw_sample(
    panel: Axes,
    windows: Windows,
    sample: int,
    drawn: _Column,
    predicted: np.ndarray | None,
    in_data_units: bool = True,
    levels: tuple[float, ...] = (),
) -> None:
    input_rows, target_rows, real = _sample_rows(windows, sample)
    column = drawn.data_column
    if drawn.feature is not None:
        label = "inputs" if drawn.target is not None else f"inputs ({drawn.name!r} is not a target)"
        values = _values(windows, column, input_rows[real], in_data_units)
        panel.plot(
            _x(windows, input_rows[real]), values, color=INPUT_COLOR, marker=".", markersize=5,
            linewidth=1.2, label=label, zorder=2,
        )  # fmt: skip
    if drawn.target is not None and len(target_rows):
        label = (
            "target" if drawn.feature is not None else f"target ({drawn.name!r} is not an input)"
        )
        values = _values(windows, column, target_rows, in_data_units)
        panel.plot(
            _x(windows, target_rows), values, linestyle="none", marker="o", markersize=7,
            markerfacecolor="white", markeredgecolor=TARGET_COLOR, markeredgewidth=1.6,
            label=label, zorder=3,
        )  # fmt: skip
    forecast_x = _forecast_x(windows, sample, input_rows[-1]) if windows.inputs_only else None
    if predicted is not None:
        x = _x(windows, target_rows) if forecast_x is None else forecast_x
        if levels:  # the interval of the outer levels, then the median as the prediction
            low, high = predicted[:, 0], predicted[:, -1]
            predicted = predicted[:, _median_of(levels)]
            panel.vlines(
                x, low, high, color=PREDICTION_COLOR, linewidth=3, alpha=0.35, zorder=3,
                label=f"{levels[0]:g} to {levels[-1]:g} quantiles",
            )  # fmt: skip
        panel.plot(
            x, predicted, linestyle="none", marker="X",
            markersize=7, color=PREDICTION_COLOR, markeredgecolor="white",
            markeredgewidth=0.5, label="prediction", zorder=4,
        )  # fmt: skip
    panel.set_title(_sample_title(windows, sample, input_rows[real], target_rows, forecast_x))
    panel.grid(alpha=0.3)
    _format_time_axis(panel, windows)


def _sample_title(
    windows: Windows,
    sample: int,
    input_rows: np.ndarray,
    target_rows: np.ndarray,
    forecast_x: Any,
) -> str:
    rows = "rows " if windows.index is None else ""
    row = "row " if windows.index is None else ""
    padded = windows.lookback - len(input_rows)  # input_rows: the real ones
    then = f"{padded} padded steps, then " if padded else ""
    title = f"sample {sample}: inputs {then}{rows}{_span(windows, input_rows)}"
    if forecast_x is not None:
        first, last = _when(forecast_x[0]), _when(forecast_x[-1])
        title += f", forecast for {row}{first}" + (f"..{last}" if len(forecast_x) > 1 else "")
    elif len(target_rows) == 1:
        title += f", target {row}{_span(windows, target_rows)}"
    else:
        title += f", targets {rows}{_span(windows, target_rows)}"
    groups = windows.groups
    if groups is not None:
        title = f"group {groups[sample]!r}, {title}"
    return title


def _shade_part(panel: Axes, windows: Windows, name: str, samples: np.ndarray) -> None:
    """Shade each stretch of a part's target rows; hatch the context of its first windows."""
    if not len(samples):
        return
    input_rows, target_rows, real = _sample_rows(windows, samples)
    starts = input_rows[:, 0]
    # A new stretch wherever consecutive samples are not one stride apart (a gap, a group).
    breaks = np.flatnonzero(np.diff(starts) != windows.stride) + 1
    color = PART_COLORS[name]
    for number, (a, b) in enumerate(zip((0, *breaks), (*breaks, len(starts)), strict=True)):
        first, last = int(target_rows[a, 0]), int(target_rows[b - 1, -1])
        panel.axvspan(
            *_x(windows, np.array([first, last])), color=color, alpha=0.16, linewidth=0,
            label=f"{name} targets" if number == 0 else None, zorder=0,
        )  # fmt: skip
        context = int(input_rows[a][real[a]].min())
        if name != "train" and number == 0 and context < first:
            panel.axvspan(  # from the first row read up to where the part's targets begin
                *_x(windows, np.array([context, first])), facecolor="none",
                edgecolor=color, hatch="///", linewidth=0.6, alpha=0.7, label=f"context for {name}",
                zorder=1,
            )  # fmt: skip


def _samples_in_group(windows: Windows, group: Hashable | None) -> np.ndarray:
    samples = np.arange(len(windows))
    groups = windows.groups
    if group is None or groups is None:
        return samples
    return samples[is_group(groups, group)]


def _series_rows(parts: dict[str, Windows], kept: dict[str, np.ndarray]) -> np.ndarray:
    """Rows to draw the series over: all rows, or the rows the chosen group's windows read."""
    first = next(iter(parts.values()))
    if first.groups is None:
        return np.arange(len(first.data))
    low, high = len(first.data), -1
    for name, w in parts.items():
        if len(kept[name]):
            input_rows, target_rows, real = _sample_rows(w, kept[name])
            low = min(low, int(input_rows[real].min()))
            high = max(high, int(input_rows.max()), int(target_rows.max()))
    return np.arange(low, high + 1)


# -- time axis and units --------------------------------------------------------------------
def _values(windows: Windows, column: int, rows: np.ndarray, in_data_units: bool) -> np.ndarray:
    """Column ``column`` at ``rows``: in the data's units (see :mod:`.units`) or the model's."""
    if not in_data_units:
        return np.asarray(windows.data[rows, column], dtype=np.float64)
    return data_in_units(windows.source, windows.scaler, windows.transform, rows, column)


def _time_kind(windows: Windows) -> str:
    index = windows.index
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return "time"
    if index is not None and pd.api.types.is_numeric_dtype(index.dtype):
        return "number"
    return "row"


def _x(windows: Windows, rows: np.ndarray) -> Any:
    """Return the x positions of data rows: timestamps, numeric index values or row numbers."""
    if _time_kind(windows) == "row":
        if windows.index is None:  # a panel of arrays counts rows within each series
            return windows.source.row_labels(np.asarray(rows)).to_numpy()
        return np.asarray(rows)
    assert windows.index is not None
    return _x_of(windows.index[rows])


def _x_of(labels: pd.Index) -> Any:
    """Positions on the x axis of index labels; periods are drawn at their start, as timestamps."""
    if isinstance(labels, pd.PeriodIndex):
        return labels.to_timestamp(how="start").to_numpy()
    return labels.to_numpy()


def _forecast_x(windows: Windows, sample: int, last_row: int) -> Any:
    """Where an inputs-only window's predictions lie: ``shift`` (and more) steps after it.

    The rule of :func:`.units.future_index` (also ``forecast``'s): the index's ``freq``,
    its periods or its step, or the spacing of the sample's own run (never across a gap
    or into another series).
    """
    steps = windows.shift + np.arange(windows.horizon) * windows.framing.sampling_rate
    if _time_kind(windows) == "row":
        return _x(windows, np.array([last_row]))[0] + steps
    plan = windows.source.plan
    run = plan.runs[int(plan.run_of_sample[sample])]
    return _x_of(future_index(windows.index, last_row, steps, run=run))


def _column_label(windows: Windows, drawn: _Column, in_data_units: bool = True) -> str:
    """``"load"``, or ``"column 0"`` for numpy input (whose columns are positions).

    In the model's units, what differs from the data's is said: ``"v: x[t] - x[t-1],
    scaled"``.
    """
    name = f"column {drawn.name}" if windows.index is None else str(drawn.name)
    if in_data_units:
        return name
    said = []
    transform = windows.transform
    if transform is not None and drawn.target is not None:
        said.append(transform.formula)
    if windows.scaler is not None:
        said.append("scaled")
    return f"{name}: {', '.join(said)}" if said else name


def _axis_label(windows: Windows) -> str:
    index = windows.index
    kind = _time_kind(windows)
    if kind == "row":
        return "row"
    assert index is not None
    return str(index.name) if index.name is not None else ("time" if kind == "time" else "index")


def _format_time_axis(panel: Axes, windows: Windows) -> None:
    if _time_kind(windows) != "time":
        return
    import matplotlib.dates as mdates

    tz = getattr(windows.index, "tz", None)  # ticks in the index's own time zone
    locator = mdates.AutoDateLocator(tz=tz, minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    formatter = mdates.ConciseDateFormatter(locator, tz=tz)  # type: ignore[no-untyped-call]
    panel.xaxis.set_major_locator(locator)
    panel.xaxis.set_major_formatter(formatter)


def _when(value: Any) -> str:
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):  # in the index's time zone, as on the axis
        return value.tz_localize(None).isoformat().replace("T00:00:00", "")
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def _span(windows: Windows, rows: np.ndarray) -> str:
    x = _x(windows, rows)
    first, last = _when(x[0]), _when(x[-1])
    return first if len(rows) == 1 else f"{first}..{last}"


# -- a forecast after its history (forecast() returns the frame; this draws it) ----------------
def plot_forecast(
    data: Any,
    forecast: pd.DataFrame,
    *,
    history: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw a forecast after the end of its history: one panel per forecast column.

    Both are in the data's units: ``forecast`` is what :func:`lstmshape.forecast` returns
    (scaler and transform already undone), so nothing is converted here. The history is
    drawn as a line up to its last row, the forecast as a dashed line with markers from
    that row on, a vertical line marking where the data ends. A quantile forecast
    (``forecast(..., quantiles=[...])``) draws its median as the line (the level nearest
    0.5, the lower one on a tie, as :func:`lstmshape.score` scores it) and a shaded band
    between each pair of outer levels (the lowest and the highest, labelled with the pair).

    Parameters
    ----------
    data : array_like, pandas.Series or pandas.DataFrame
        The history given to :func:`lstmshape.forecast`. NaN rows are drawn as gaps.
    forecast : pandas.DataFrame
        The frame :func:`lstmshape.forecast` returned: its columns are columns of ``data``
        (integer positions for numpy input), or ``(column, quantile)`` pairs for a quantile
        forecast, and its index continues ``data``'s index (timestamps, periods or row
        numbers).
    history : int, optional
        How many of the last rows of ``data`` to draw; default ``max(4 * steps, 30)``
        (all rows when there are fewer).
    ax : matplotlib.axes.Axes, optional
        Draw on these axes (a forecast of one column only) instead of making a figure.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per forecast column. Nothing is shown: call ``plt.show()`` or
        ``fig.savefig(...)``.

    Raises
    ------
    ShapeError
        A forecast column that ``data`` lacks, an index that does not continue ``data``'s,
        several columns with ``ax``, ``history`` < 1.
    TypeError
        ``forecast`` is not a DataFrame, ``ax`` is not matplotlib axes.
    ImportError
        matplotlib is not installed (the message says ``pip install "lstmshape[plot]"``).

    Examples
    --------
    >>> import numpy as np, pandas as pd, lstmshape
    >>> data = pd.Series(np.sin(np.arange(60) / 5), index=pd.date_range("2024-01-01",
    ...                  periods=60), name="load")
    >>> future = lstmshape.forecast(lambda x: x[:, -1, :], data, 5, steps=7)
    >>> fig = lstmshape.plot_forecast(data, future, history=20)
    >>> [line.get_label() for line in fig.axes[0].lines][:2], fig.axes[0].get_title()
    (['history', 'forecast'], "forecast of 'load': 7 steps after 2024-02-29")
    >>> fig.axes[0].lines[0].get_ydata().shape, fig.axes[0].lines[1].get_ydata().shape
    ((20,), (8,))
    >>> import matplotlib.pyplot as plt; plt.close(fig)

    A quantile forecast adds its band:

    >>> spread = np.array([-0.2, 0.0, 0.2])
    >>> bands = lstmshape.forecast(lambda x: x[:, -1, :, None] + spread, data, 5, steps=7,
    ...                            quantiles=[0.1, 0.5, 0.9])
    >>> fig = lstmshape.plot_forecast(data, bands, history=20)
    >>> [c.get_label() for c in fig.axes[0].collections]
    ['0.1 to 0.9 quantiles']
    >>> plt.close(fig)
    """
    from .._core.validate import check_int
    from .._input.timeline import read_timeline

    plt = _import_pyplot("plot_forecast")
    if not isinstance(forecast, pd.DataFrame):
        raise TypeError(
            "`forecast` must be the DataFrame that lstmshape.forecast() returns (columns: "
            f"targets; index: the future rows). Received: forecast of type "
            f"{type(forecast).__name__}"
        )
    axes_given = _check_ax(ax)
    table = read_timeline(data, dropna=True).table
    names = list(table.names)
    levels = _forecast_levels(forecast)
    columns = list(forecast.columns)
    if levels:
        columns = list(dict.fromkeys(forecast.columns.get_level_values("column")))
    missing = [c for c in columns if c not in names]
    if missing or not columns:
        raise ShapeError(
            f"`forecast` has the column(s) {columns}, which must be columns of `data` (the "
            f"forecast of those columns); `data` has {names}. Pass the data the forecast was "
            "made from."
        )
    if axes_given is not None and len(columns) > 1:
        raise ShapeError(
            f"With `ax`, one column is drawn; `forecast` has {len(columns)}: {columns}. "
            "Select one (forecast[[name]]) or leave out `ax`."
        )
    n_rows = len(table.values)
    shown = (
        max(4 * len(forecast), 30) if history is None else check_int(history, "history", minimum=1)
    )
    rows = np.arange(max(0, n_rows - shown), n_rows)
    past_x = _data_x(table.index, rows)
    future_x = _forecast_frame_x(table.index, n_rows, forecast.index)
    figure, panels = _stacked_panels(plt, axes_given, len(columns), (1.4, 2.6))
    for panel, column in zip(panels, columns, strict=True):
        values = np.asarray(table.values[rows[0] : n_rows, names.index(column)], np.float64)
        label = f"column {column}" if table.index is None else str(column)
        panel.plot(past_x, values, color=SERIES_COLOR, label="history")
        joined_x = np.concatenate([past_x[-1:], future_x])
        if levels:
            bands = forecast[column][list(levels)].to_numpy(dtype=np.float64)
            _draw_bands(panel, joined_x, values[-1], bands, levels)
            ahead = bands[:, _median_of(levels)]
        else:
            ahead = forecast[column].to_numpy(dtype=np.float64)
        panel.plot(joined_x, np.concatenate([values[-1:], ahead]), color=PREDICTION_COLOR,
                   linestyle="--", marker="o", markevery=list(range(1, len(joined_x))),
                   label="forecast")  # fmt: skip
        panel.axvline(past_x[-1], color="#999999", linewidth=0.8, linestyle=":")
        panel.set_title(
            f"forecast of {label!r}: {len(forecast)} steps after {_when(table.index[-1])}"
            if table.index is not None
            else f"forecast of {label}: {len(forecast)} steps after row {n_rows - 1}"
        )
        panel.set_ylabel(label)
        panel.legend(loc="best", fontsize="small", framealpha=0.9)
    panels[-1].set_xlabel(_index_axis_label(table.index))
    if isinstance(table.index, (pd.DatetimeIndex, pd.PeriodIndex)):
        import matplotlib.dates as mdates

        for panel in panels:
            locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
            panel.xaxis.set_major_locator(locator)
            panel.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    return figure


def _forecast_levels(forecast: pd.DataFrame) -> tuple[float, ...]:
    """Return the quantile levels of a quantile forecast (columns ``(column, quantile)``), or ()."""
    columns = forecast.columns
    if not isinstance(columns, pd.MultiIndex) or "quantile" not in columns.names:
        return ()
    found = list(dict.fromkeys(columns.get_level_values("quantile")))
    return check_quantiles(sorted(found), "quantile")


def _median_of(levels: tuple[float, ...]) -> int:
    """Return the position of the level nearest 0.5, the lower one on a tie (as ``score``)."""
    return int(np.argmin(np.abs(np.asarray(levels) - 0.5)))


def _draw_bands(
    panel: Axes, x: np.ndarray, last: float, bands: np.ndarray, levels: tuple[float, ...]
) -> None:
    """Shade between each pair of outer levels, from the last known value on."""
    for i in range(len(levels) // 2):
        low = np.concatenate([[last], bands[:, i]])
        high = np.concatenate([[last], bands[:, len(levels) - 1 - i]])
        label = f"{levels[i]:g} to {levels[-1 - i]:g} quantiles" if i == 0 else None
        panel.fill_between(x, low, high, color=PREDICTION_COLOR, alpha=0.18, linewidth=0,
                           label=label)  # fmt: skip


def _data_x(index: pd.Index | None, rows: np.ndarray) -> np.ndarray:
    """X positions of data rows: timestamps (periods at their start), numbers or row numbers."""
    if index is None:
        return rows
    return _index_x(index[rows])


def _index_x(index: pd.Index) -> np.ndarray:
    if isinstance(index, pd.PeriodIndex):
        return np.asarray(index.to_timestamp(how="start").to_numpy())
    if isinstance(index, pd.DatetimeIndex):
        return np.asarray(index.tz_localize(None).to_numpy())
    return np.asarray(index.to_numpy())


def _forecast_frame_x(index: pd.Index | None, n_rows: int, future: pd.Index) -> np.ndarray:
    """X positions of the forecast rows; refuse an index that does not continue the data's."""
    last = n_rows - 1 if index is None else index[-1]
    kind = "rows" if index is None else type(index).__name__
    same_kind = (
        pd.api.types.is_integer_dtype(future.dtype)
        if index is None or isinstance(index, pd.RangeIndex)
        else type(future) is type(index)
    )
    try:
        after = same_kind and len(future) > 0 and bool(future[0] > last)
    except TypeError:
        after = False
    if not after:
        first = _when(future[0]) if len(future) else "no rows"
        raise ShapeError(
            f"`forecast`'s index must continue `data`'s ({kind}, last {_when(last)}); "
            f"it is a {type(future).__name__} starting at {first}. Pass the frame "
            "lstmshape.forecast() returned for this data."
        )
    return _index_x(future)


def _index_axis_label(index: pd.Index | None) -> str:
    if index is None:
        return "row"
    if index.name is not None:
        return str(index.name)
    return "time" if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) else "index"
