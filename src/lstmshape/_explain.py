"""``explain()``: the shape of an array, ``Windows`` or ``Split`` in plain words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._errors import plural, received_type
from ._split import Split
from ._windows import Windows
from ._words import names_in_words, shape_in_words, target_rows_in_words

_AXES_3D = ("sample", "timestep", "feature")


def explain(obj: Any) -> str:
    """Describe, in plain words, what an array, ``Windows`` or ``Split`` holds for an LSTM.

    Keras' recurrent layers take 3-D input ``(samples, timesteps, features)``: *samples*
    are the independent sequences in a batch, *timesteps* the steps of each sequence the
    LSTM walks through, *features* the values observed at every step. ``explain`` spells
    that out for your data: each axis with its size, what one sample's input and target
    cover (with timestamps, for pandas input), and the ``keras.Input`` shape to use.

    Parameters
    ----------
    obj : numpy.ndarray, pandas.DataFrame or Series, Windows or Split

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
    if isinstance(obj, Split):
        return _explain_split(obj)
    if isinstance(obj, Windows):
        return _explain_windows(obj)
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return _explain_table(obj.shape, obj)
    if isinstance(obj, (np.ndarray, list, tuple)) or hasattr(obj, "shape"):
        shape = tuple(int(n) for n in np.shape(obj))
        return _explain_array(shape)
    raise TypeError(
        "explain() takes an array, a pandas DataFrame or Series, lstmshape.Windows or "
        f"lstmshape.Split. {received_type('obj', obj)}"
    )


def _explain_array(shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        _, timesteps, features = shape
        return "\n".join(
            [
                shape_in_words(shape, _AXES_3D),
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
        lines.append(f"Time: {_stamp(index.min())} .. {_stamp(index.max())}, {order}.")
    lookback = max(1, min(60, n // 2))
    lines.append(
        f"Sliding windows: lstmshape.windows(data, lookback={lookback}) gives "
        f"X {(n - lookback, lookback, columns)} and y {(n - lookback, columns)} (next step)."
    )
    lines.append(
        f"One whole sequence: lstmshape.to_3d(data) gives {(1, n, columns)}, one sample "
        f"of {n} timesteps."
    )
    return "\n".join(lines)


def _explain_windows(w: Windows) -> str:
    lines = [f"X {shape_in_words(w.X_shape, _AXES_3D)} ({names_in_words(w.feature_names)})"]
    if not w.inputs_only:
        axes = ("sample", "timestep", "target") if w.per_timestep else (
            ("sample", "target") if w.horizon == 1 else ("sample", "step", "target")
        )  # fmt: skip
        lines.append(
            f"y {shape_in_words((len(w), *w.target_shape), axes)} "
            f"({names_in_words(w.target_names)})"
        )
    lines.append(
        f"One sample's input: {plural(w.lookback, 'consecutive row')}; "
        f"its target: {target_rows_in_words(w.framing)}."
    )
    lines.extend(_examples(w))
    lines.append(_count_formula(w))
    lines.append(_keras_input(w.input_shape))
    lines.append("Model output: " + _output_advice(w))
    return "\n".join(lines)


def _examples(w: Windows) -> list[str]:
    """Which rows (timestamps) the first and last sample read."""
    lines = []
    starts = w.plan.starts
    for name, i in (("first", 0), ("last", len(w) - 1)):
        begin, end = int(starts[i]), int(starts[i]) + w.lookback - 1
        text = f"  {name} sample: input rows {_row(w, begin)} .. {_row(w, end)}"
        if not w.inputs_only:
            first = int(w.plan.first_target_rows[i])
            last = int(w.plan.last_target_rows[i])
            span = _row(w, first) if first == last else f"{_row(w, first)} .. {_row(w, last)}"
            text += f" -> target {span}"
        if w.groups is not None:
            text += f" (group {w.groups[i]!r})"
        lines.append(text)
    if i == 0:
        lines.pop()
    return lines


def _count_formula(w: Windows) -> str:
    f = w.framing
    runs = w.plan.runs
    if len(runs) != 1 or runs[0] != (0, w.plan.n_rows) or len(w) != f.samples_in(w.plan.n_rows):
        return (
            f"Samples: {len(w)}, counted run by run (groups, gaps, missing values or a "
            "split part) with the formula below."
        )
    n = w.plan.n_rows
    if f.inputs_only:
        formula, numbers = "(n - lookback) // stride + 1", f"({n} - {f.lookback})"
    elif f.per_timestep:
        formula = "(n - lookback - shift) // stride + 1"
        numbers = f"({n} - {f.lookback} - {f.shift})"
    else:
        formula = "(n - lookback - shift - horizon + 1) // stride + 1"
        numbers = f"({n} - {f.lookback} - {f.shift} - {f.horizon} + 1)"
    return f"Samples: {formula} = {numbers} // {f.stride} + 1 = {len(w)}"


def _output_advice(w: Windows) -> str:
    n_targets = len(w.target_names)
    if w.inputs_only:
        return "inputs only: predict with model.predict(windows.X), then windows.to_frame(...)."
    if w.per_timestep:
        return (
            f"{(w.lookback, n_targets)} per sample: return_sequences=True on every LSTM, then "
            f"TimeDistributed(Dense({n_targets})). lstmshape.build_model(windows) builds it."
        )
    if w.horizon > 1:
        return (
            f"{(w.horizon, n_targets)} per sample: Dense({w.horizon * n_targets}) then "
            f"Reshape({(w.horizon, n_targets)}). lstmshape.build_model(windows) builds it."
        )
    return (
        f"{(n_targets,)} per sample: the last LSTM returns only its final state, then "
        f"Dense({n_targets}). lstmshape.build_model(windows) builds it."
    )


def _explain_split(parts: Split) -> str:
    lines = [repr(parts).splitlines()[0]]
    for name, w in parts.parts().items():
        lines.append(f"{name}: " + _explain_windows(w).splitlines()[0])
        lines.extend("  " + line for line in _examples(w)[:1])
    lines.append(
        "Targets never repeat across parts; inputs may reach back into the rows before a "
        "part (the context a forecaster has), so nothing is lost at the boundaries."
    )
    lines.append(_keras_input(parts.train.input_shape))
    return "\n".join(lines)


def _keras_input(shape: tuple[Any, ...]) -> str:
    return (
        f"Model input: keras.Input(shape={tuple(shape)}), without the samples axis "
        "(Keras' batch axis)."
    )


def _row(w: Windows, row: int) -> str:
    if w.index is None:
        return str(row)
    return _stamp(w.index[row])


def _stamp(label: Any) -> str:
    if isinstance(label, pd.Timestamp):
        return label.isoformat().replace("T00:00:00", "")
    return str(label)
