"""``explain()``: the shape of an array, ``Windows`` or ``Split`` in plain words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._core.errors import ShapeError, format_label, plural, received_type
from .._core.words import names_in_words, shape_in_words
from .._evaluate.folds import Folds
from .._evaluate.split import Split
from .._input.frames import to_pandas
from .._input.table import refuse_date_columns
from .._plan.framing import INPUT_AXES, Framing
from .._windows.windows import Windows

#: The lookback ``explain`` suggests for a bare series: 60 rows (the classic tutorial's),
#: or half the rows of a shorter series, so that the example call always works.
SUGGESTED_LOOKBACK = 60


def explain(obj: Any) -> str:
    """Describe, in plain words, what an array, ``Windows`` or ``Split`` holds for an LSTM.

    Keras' recurrent layers take 3-D input ``(samples, timesteps, features)``: *samples*
    are the independent sequences in a batch, *timesteps* the steps of each sequence the
    LSTM walks through, *features* the values observed at every step. ``explain`` spells
    that out for your data: each axis with its size, what one sample's input and target
    cover (with timestamps, for pandas input), and the ``keras.Input`` shape to use.

    Parameters
    ----------
    obj : numpy.ndarray, pandas.DataFrame or Series, Windows, Split or Folds

    Returns
    -------
    str
        A few lines of text; ``print`` it.

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> print(lstmshape.explain(np.zeros((32, 10, 1))))
    (32, 10, 1) = 32 samples x 10 timesteps x 1 feature
    Each sample is a sequence of 10 timesteps with 1 feature at every step.
    Model input: keras.Input(shape=(10, 1)), without the samples axis (Keras' batch axis).
    >>> w = lstmshape.windows(np.arange(100.0), 60)
    >>> print(lstmshape.explain(w))  # doctest: +ELLIPSIS
    X (40, 60, 1) = 40 samples x 60 timesteps x 1 feature (column 0)
    ...
    """
    if isinstance(obj, Folds):
        return obj.describe()
    if isinstance(obj, Split):
        return _explain_split(obj)
    if isinstance(obj, Windows):
        return _explain_windows(obj)
    try:  # polars, pyarrow, ...: as pandas reads them (the date column as the index)
        obj = to_pandas(obj, "obj")
    except ShapeError as refused:
        return f"Before making windows: {refused}"
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return _explain_table(obj.shape, obj)
    if isinstance(obj, (np.ndarray, list, tuple)) or hasattr(obj, "shape"):
        try:
            shape = tuple(int(n) for n in np.shape(obj))
        except (ValueError, TypeError):
            raise TypeError(
                "explain() could not read the shape of `obj`: its rows have different "
                f"lengths. {received_type('obj', obj)}"
            ) from None
        return _explain_array(shape)
    raise TypeError(
        "explain() takes an array, a pandas DataFrame or Series, lstmshape.Windows, "
        f"lstmshape.Split or lstmshape.Folds. {received_type('obj', obj)}"
    )


def _explain_array(shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        _, timesteps, features = shape
        return "\n".join(
            [
                shape_in_words(shape, INPUT_AXES),
                f"Each sample is a sequence of {plural(timesteps, 'timestep')} with "
                f"{plural(features, 'feature')} at every step.",
                _keras_input((timesteps, features)),
            ]
        )
    return _explain_table(shape, None)


def _explain_table(shape: tuple[int, ...], table: pd.DataFrame | pd.Series | None) -> str:
    if len(shape) == 1:
        (n,) = shape
        words = f"{shape} = {plural(n, 'row')} of one series: not yet LSTM input (that is 3-D)."
        columns = 1
    elif len(shape) == 2:
        n, columns = shape
        names = ""
        if isinstance(table, pd.DataFrame):
            names = f" ({names_in_words(list(table.columns))})"
        words = (
            f"{shape} = {plural(n, 'row')} (time steps) x {plural(columns, 'column')}"
            f"{names}: not yet LSTM input (that is 3-D)."
        )
    else:
        return (
            f"{shape}: {len(shape)}-D. LSTM input is 3-D (samples, timesteps, features); "
            "a series to cut into windows is 1-D or 2-D."
        )
    lines = [words]
    if isinstance(table, (pd.DataFrame, pd.Series)) and isinstance(table.index, pd.DatetimeIndex):
        index = table.index
        order = "oldest first" if index.is_monotonic_increasing else (
            "NEWEST FIRST: sort it with sort_index() before making windows"
            if index.is_monotonic_decreasing
            else "NOT in time order: sort it with sort_index()"
        )  # fmt: skip
        lines.append(f"Time: {format_label(index.min())} .. {format_label(index.max())}, {order}.")
    if isinstance(table, pd.DataFrame):
        try:
            refuse_date_columns(table)
        except ShapeError as refused:
            lines.append(f"Before making windows: {refused}")
            return "\n".join(lines)
    if table is not None:
        problem = _data_problem(table)
        if problem:
            lines.append(f"Before making windows: {problem}")
            return "\n".join(lines)
    lines.extend(_suggestions(n, columns))
    return "\n".join(lines)


def _data_problem(table: pd.DataFrame | pd.Series) -> str | None:
    """Say what would stop windows of this frame (text columns, NaN), or ``None``."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    other = [c for c in frame.columns if c not in numeric]
    if not numeric:
        return "no numeric column: LSTM input must be numbers. Convert the columns first."
    if other:
        return (
            f"{'the column' if len(other) == 1 else 'the columns'} {names_in_words(other)} "
            f"{'is' if len(other) == 1 else 'are'} not numeric; choose the inputs with "
            f"features=[...] and targets=[...] among {names_in_words(numeric)}."
        )
    missing = int(frame.isna().any(axis=1).sum())
    if missing:
        return (
            f"{plural(missing, 'row')} {'holds' if missing == 1 else 'hold'} NaN values: fill "
            "them (data.ffill()), or pass "
            "dropna=True to windows() to treat them as gaps."
        )
    return None


def _suggestions(n: int, columns: int) -> list[str]:
    """Return the calls that work on ``n`` rows: sliding windows (when 2 rows or more) and to_3d."""
    if n == 0:
        return ["No rows: there is nothing to make windows from."]
    if columns == 0:
        return ["No columns: there is nothing to make windows from."]
    lines = []
    if n >= 2:
        lookback = min(SUGGESTED_LOOKBACK, n // 2)
        why = (
            f"{SUGGESTED_LOOKBACK} past steps, as in the classic tutorials"
            if lookback == SUGGESTED_LOOKBACK
            else f"half the {n} rows, so that windows fit"
        )
        samples = Framing(lookback).samples_in(n)
        lines.append(
            f"Sliding windows: lstmshape.windows(data, lookback={lookback}) ({why}) gives "
            f"X {(samples, lookback, columns)} and y {(samples, columns)}: each sample is "
            f"{plural(lookback, 'consecutive row')}, its target the next row."
        )
    else:
        lines.append("Sliding windows need at least 2 rows: one input step and its target.")
    lines.append(
        f"One whole sequence: lstmshape.to_3d(data) gives {(1, n, columns)}, one sample "
        f"of {plural(n, 'timestep')}."
    )
    return lines


def _explain_windows(w: Windows) -> str:
    series = w.series_line()
    panel = [f"A panel of {series}; no window crosses from one series into another."]
    lines = (panel if series else []) + _shape_lines(w)
    lines.append(
        f"One sample's input: {plural(w.lookback, 'consecutive row')}; "
        f"its target: {w.framing.targets_in_words()}."
    )
    lines.extend(_examples(w))
    plan = w.source.plan
    lines.append(_count_formula(w))
    if plan.min_history is not None:
        lines[-1] += (
            f" With min_history={plan.min_history} the samples also include {plan.n_padded} "
            "that start before their series' first row: padded at the start with 0 and "
            'marked False in X["mask"].'
        )
    lines.append(_keras_input(w.input_shape))
    lines.append("Model output: " + _output_advice(w))
    return "\n".join(lines)


def _shape_lines(w: Windows) -> list[str]:
    """``X`` and ``y`` with their shapes axis by axis."""
    lines = w.input_lines()
    if w.y_shape is not None:
        lines.append(
            f"y {shape_in_words(w.y_shape, w.framing.target_axes)} "
            f"({names_in_words(w.target_names)})"
        )
    return lines


def _examples(w: Windows) -> list[str]:
    """Which rows (timestamps) the first and last sample read."""
    lines = []
    plan = w.source.plan
    f = w.framing
    for name, i in (("first", 0), ("last", len(w) - 1)):
        begin = int(plan.starts[i])
        end = begin + f.last_input_offset
        # min_history: steps before the series' first row are padding, not rows
        padded = max(0, -(-(int(plan.run_begins[i]) - begin) // f.sampling_rate))
        first_real = begin + padded * f.sampling_rate
        rows = f"rows {_row(w, first_real)} .. {_row(w, end)}"
        if padded:
            rows = f"{plural(padded, 'padded step')}, then {rows}"
        text = f"  {name} sample: input {rows}"
        if not w.inputs_only:
            first = begin + f.anchor_offset
            last = begin + f.last_anchor_offset
            span = _row(w, first) if first == last else f"{_row(w, first)} .. {_row(w, last)}"
            text += f" -> target {span}"
        if w.groups is not None:
            text += f" ({'series' if w.series_line() else 'group'} {w.groups[i]!r})"
        lines.append(text)
    if i == 0:
        lines.pop()
    return lines


def _count_formula(w: Windows) -> str:
    f = w.framing
    plan = w.source.plan
    if (
        len(plan.runs) != 1
        or plan.runs[0] != (0, plan.n_rows)
        or len(w) != f.samples_in(plan.n_rows)
    ):
        return (
            f"Samples: {len(w)}, counted stretch by stretch (each series, and each piece "
            f"between gaps or missing values, or a part of a split) as {f.count_formula()} "
            "with n the rows of the stretch."
        )
    return f"Samples: {f.count_formula()} = {f.count_in_numbers(plan.n_rows)}"


def _output_advice(w: Windows) -> str:
    n_targets = len(w.target_names)
    shape = w.output_shape
    if w.inputs_only:
        return "inputs only: predict with model.predict(windows.X), then windows.to_frame(...)."
    if w.per_timestep:
        return (
            f"{shape} per sample: return_sequences=True on every LSTM, then "
            f"TimeDistributed(Dense({n_targets})). lstmshape.build_model(windows) builds it."
        )
    if w.horizon > 1:
        return (
            f"{shape} per sample: Dense({w.horizon * n_targets}) then "
            f"Reshape({shape}). lstmshape.build_model(windows) builds it."
        )
    return (
        f"{shape} per sample: the last LSTM returns only its final state, then "
        f"Dense({n_targets}). lstmshape.build_model(windows) builds it."
    )


def _explain_split(parts: Split) -> str:
    lines = [repr(parts).splitlines()[0]]
    for name, w in parts.parts().items():
        x_line, *y_lines = _shape_lines(w)
        lines.append(f"{name}: {x_line}")
        lines.extend(f"{' ' * (len(name) + 2)}{line}" for line in y_lines)
        lines.extend("  " + line for line in _examples(w)[:1])
    lines.append(
        "Targets never repeat across parts; inputs may reach back into the rows before a "
        "part (the context a forecaster has), so nothing is lost at the boundaries."
    )
    lines.append(_keras_input(parts.train.input_shape))
    return "\n".join(lines)


def _dtype_word(name: str) -> str:
    """Close a ``keras.Input(...`` with the dtype of input ``name`` when it is not float."""
    if name == "mask":
        return ', dtype="bool")'
    return ', dtype="int32")' if name.startswith("categorical_") else ")"


def _keras_input(shape: Any) -> str:
    if isinstance(shape, dict):
        inputs = ", ".join(
            f'keras.Input(shape={tuple(one)}, name="{name}"' + _dtype_word(name)
            for name, one in shape.items()
        )
        embedded = ""
        if any(name.startswith("categorical_") for name in shape):
            embedded = (
                " The categorical inputs are int32 codes: build_model gives each column an "
                "Embedding (sizes in Windows.cardinalities)."
            )
        return f"Model inputs: {inputs}, without the samples axis (Keras' batch axis).{embedded}"
    return (
        f"Model input: keras.Input(shape={tuple(shape)}), without the samples axis "
        "(Keras' batch axis)."
    )


def _row(w: Windows, row: int) -> str:
    """Return a row's label: its timestamp, or its position (in its series, for a panel)."""
    return format_label(w.source.row_labels(np.array([row]))[0])
