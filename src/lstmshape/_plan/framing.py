"""The framing: how one sample is cut from a series, and every shape that follows from it.

A framing is independent of the data's length. It answers, once for all of lstmshape:
which rows of a window are inputs and which are targets (as offsets from the window's
first row), how many rows one sample needs, the shape of one sample's target and of a
model's output, the names of the axes, and all of that in words. The numpy views, the
loaders, ``to_frame``, ``explain``, ``check_model`` and ``build_model`` ask it.

For a sample starting at row ``s``, with ``r = sampling_rate`` (1 unless asked):

* inputs are rows ``s + input_offsets``, i.e. ``s, s + r, ..., s + (lookback - 1) * r``;
* targets are rows ``s + target_offsets``: ``horizon`` rows ``r`` apart from the window's
  last row plus ``shift`` (many-to-one), or each input row plus ``shift``
  (per-timestep); none for inputs-only framings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core.errors import ShapeError, plural, received
from .._core.validate import check_bool, check_int

INPUT_AXES = ("sample", "timestep", "feature")


@dataclass(frozen=True)
class Framing:
    """How one sample is framed: lookback, horizon, shift, stride and the mode.

    Examples
    --------
    >>> f = Framing(lookback=60, horizon=3)
    >>> f.target_offsets.tolist(), f.extent, f.target_shape(n_targets=2)
    ([60, 61, 62], 63, (3, 2))
    """

    lookback: int
    horizon: int = 1
    shift: int = 1
    stride: int = 1
    per_timestep: bool = False
    inputs_only: bool = False
    sampling_rate: int = 1

    @classmethod
    def from_user(
        cls,
        lookback: Any,
        *,
        horizon: Any = 1,
        shift: Any = 1,
        stride: Any = 1,
        per_timestep: Any = False,
        inputs_only: Any = False,
        sampling_rate: Any = 1,
    ) -> Framing:
        """Validate the framing parameters of :func:`windows` and :func:`split`."""
        framing = cls(
            lookback=check_int(lookback, "lookback", minimum=1),
            horizon=check_int(horizon, "horizon", minimum=1),
            shift=check_int(shift, "shift", minimum=0),
            stride=check_int(stride, "stride", minimum=1),
            per_timestep=check_bool(per_timestep, "per_timestep"),
            inputs_only=check_bool(inputs_only, "inputs_only"),
            sampling_rate=check_int(sampling_rate, "sampling_rate", minimum=1),
        )
        if framing.per_timestep and framing.horizon != 1:
            raise ShapeError(
                "`horizon` must be 1 with per_timestep=True: per-timestep windows have one "
                "target per input timestep (use `shift` to look further ahead). "
                f"{received('horizon', framing.horizon)}"
            )
        if framing.per_timestep and framing.inputs_only:
            raise ShapeError(
                "`per_timestep` and `inputs_only` cannot both be True: inputs-only windows "
                "have no targets, per-timestep or otherwise."
            )
        return framing

    # -- rows, relative to a window's first row ------------------------------------------
    @property
    def span(self) -> int:
        """Rows from a window's first input to its last, inclusive: ``(lookback-1)*r + 1``."""
        return (self.lookback - 1) * self.sampling_rate + 1

    @property
    def target_start(self) -> int:
        """Row of the first target, relative to the sample's first input row."""
        return self.shift if self.per_timestep else self.last_input_offset + self.shift

    @property
    def target_length(self) -> int:
        """Number of target rows per sample (0 for inputs-only framing)."""
        if self.inputs_only:
            return 0
        return self.lookback if self.per_timestep else self.horizon

    @property
    def anchor_offset(self) -> int:
        """The row that dates a sample: its first target (its last input if inputs-only)."""
        return self.last_input_offset if self.inputs_only else self.target_start

    @property
    def last_anchor_offset(self) -> int:
        """The sample's last target row (its last input row if inputs-only)."""
        steps = max(self.target_length, 1) - 1
        return self.anchor_offset + steps * self.sampling_rate

    @property
    def last_input_offset(self) -> int:
        """The window's last input row."""
        return self.span - 1

    @property
    def extent(self) -> int:
        """Number of consecutive rows one sample needs, inputs and targets together."""
        if self.inputs_only:
            return self.span
        return max(self.span, self.last_anchor_offset + 1)

    @property
    def input_offsets(self) -> np.ndarray:
        """Rows of a sample's inputs, relative to its first input row."""
        return np.arange(self.lookback) * self.sampling_rate

    @property
    def target_offsets(self) -> np.ndarray:
        """Rows of a sample's targets, relative to its first input row."""
        return self.target_start + np.arange(self.target_length) * self.sampling_rate

    def fewest_rows(self, min_history: int | None = None) -> int:
        """Rows of one series that give it a sample: ``extent``, or fewer with ``min_history``.

        A padded sample needs only its last ``min_history`` input steps and its targets.

        Parameters
        ----------
        min_history : int, optional
            The real input steps a padded sample needs (``windows(min_history=...)``).

        Examples
        --------
        >>> Framing(lookback=10).fewest_rows(), Framing(lookback=10).fewest_rows(3)
        (11, 4)
        """
        if min_history is None:
            return self.extent
        return self.extent - (self.lookback - min_history) * self.sampling_rate

    def samples_in(self, rows: int) -> int:
        """Return how many samples fit in consecutive rows.

        Parameters
        ----------
        rows : int
            Consecutive rows (one run).

        Examples
        --------
        >>> Framing(lookback=60).samples_in(100)   # (100 - 60 - 1 - 1 + 1) // 1 + 1
        40
        >>> Framing(lookback=3, per_timestep=True, stride=2).samples_in(10)
        4
        """
        return max(0, (rows - self.extent) // self.stride + 1)

    def largest_lookback(self, rows: int) -> int:
        """Return the largest lookback giving one sample or more (0: none).

        Parameters
        ----------
        rows : int
            Rows of the series.
        """
        fits = (n for n in range(rows, 0, -1) if self._with_lookback(n).extent <= rows)
        return next(fits, 0)

    def _with_lookback(self, lookback: int) -> Framing:
        return Framing(
            lookback,
            self.horizon,
            self.shift,
            self.stride,
            self.per_timestep,
            self.inputs_only,
            self.sampling_rate,
        )

    # -- shapes --------------------------------------------------------------------------
    @property
    def drops_step_axis(self) -> bool:
        """Whether one sample's target has no steps axis: one step, many-to-one."""
        return not self.per_timestep and self.horizon == 1

    def output_shape(self, n_targets: int) -> tuple[int, ...]:
        """Return the shape of a model's output for one sample (also for inputs-only windows).

        ``(n_targets,)`` for one step, ``(horizon, n_targets)`` for several, and
        ``(lookback, n_targets)`` per timestep.

        Parameters
        ----------
        n_targets : int
            Target columns.
        """
        if self.per_timestep:
            return (self.lookback, n_targets)
        return (n_targets,) if self.drops_step_axis else (self.horizon, n_targets)

    def target_shape(self, n_targets: int) -> tuple[int, ...]:
        """Return the shape of one sample's target: :meth:`output_shape`, ``()`` if inputs-only.

        Parameters
        ----------
        n_targets : int
            Target columns.
        """
        return () if self.inputs_only else self.output_shape(n_targets)

    @property
    def target_axes(self) -> tuple[str, ...]:
        """Names of the axes of ``y``, the samples axis first."""
        if self.per_timestep:
            return ("sample", "timestep", "target")
        return ("sample", "target") if self.drops_step_axis else ("sample", "step", "target")

    # -- words ---------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """``"many-to-one"``, ``"many-to-one, 3-step horizon"``, ``"per-timestep ..."``."""
        if self.inputs_only:
            return "inputs only"
        if self.per_timestep:
            return "per-timestep (return_sequences=True)"
        return "many-to-one" + ("" if self.horizon == 1 else f", {self.horizon}-step horizon")

    def rows_needed(self) -> str:
        """How many rows one window needs, with the formula when it is not just lookback.

        >>> Framing(lookback=60).rows_needed()
        '61 rows (lookback + horizon = 60 + 1)'
        """
        if self.sampling_rate != 1:
            return f"{self.extent} rows ({self.parameters_in_words()})"
        if self.inputs_only or self.extent == self.lookback:
            return f"{self.extent} rows (lookback)"
        if self.per_timestep:
            return f"{self.extent} rows (lookback + shift = {self.lookback} + {self.shift})"
        if self.shift == 1:
            return f"{self.extent} rows (lookback + horizon = {self.lookback} + {self.horizon})"
        return (
            f"{self.extent} rows (lookback + shift + horizon - 1 = "
            f"{self.lookback} + {self.shift} + {self.horizon} - 1)"
        )

    def parameters_in_words(self) -> str:
        """Name the parameters that decide a window's length: ``lookback=60 and horizon=1``."""
        rate = f", sampling_rate={self.sampling_rate}" if self.sampling_rate != 1 else ""
        if self.inputs_only:
            return f"lookback={self.lookback}{rate}"
        if self.per_timestep:
            return f"per_timestep=True, lookback={self.lookback}{rate} and shift={self.shift}"
        shift = f", shift={self.shift}" if self.shift != 1 else ""
        return f"lookback={self.lookback}{rate}{shift} and horizon={self.horizon}"

    def targets_in_words(self) -> str:
        """Say which rows a sample's targets are, relative to its window.

        >>> Framing(lookback=60).targets_in_words()
        'the 1 row right after the window'
        >>> Framing(lookback=60, shift=0).targets_in_words()
        "the window's own last row"
        >>> Framing(lookback=10, per_timestep=True).targets_in_words()
        'one per timestep, each 1 row after its input row'
        """
        if self.inputs_only:
            return "none (inputs only, for forecasting past the end of the data)"
        if self.sampling_rate != 1:
            first = self.target_start - self.last_input_offset
            where = "its input row" if self.per_timestep else "the window's last row"
            return (
                f"{plural(self.target_length, 'row')} {self.sampling_rate} apart, the first "
                f"{plural(first, 'row')} after {where}"
                if not self.per_timestep
                else f"one per timestep, each {plural(self.shift, 'row')} after {where}"
            )
        if self.per_timestep:
            if self.shift == 0:
                return "one per timestep, the input row itself"
            return f"one per timestep, each {plural(self.shift, 'row')} after its input row"
        if self.shift == 0:
            if self.horizon == 1:
                return "the window's own last row"
            return f"{self.horizon} rows starting at the window's last row"
        if self.shift == 1:
            return f"the {plural(self.horizon, 'row')} right after the window"
        gap = self.shift - 1
        return f"{plural(self.horizon, 'row')} starting {plural(gap, 'row')} after the window's end"

    def count_formula(self) -> str:
        """Return the formula for the number of samples in ``n`` rows of one run."""
        if self.sampling_rate != 1:
            return "(n - extent) // stride + 1"
        if self.inputs_only:
            return "(n - lookback) // stride + 1"
        if self.per_timestep:
            return "(n - lookback - shift) // stride + 1"
        return "(n - lookback - shift - horizon + 1) // stride + 1"

    def count_in_numbers(self, n_rows: int) -> str:
        """Return :meth:`count_formula` with the numbers put in, and its value.

        Parameters
        ----------
        n_rows : int
            Rows of the series (or run).
        """
        if self.sampling_rate != 1:
            numbers = f"({n_rows} - {self.extent})"
        elif self.inputs_only:
            numbers = f"({n_rows} - {self.lookback})"
        elif self.per_timestep:
            numbers = f"({n_rows} - {self.lookback} - {self.shift})"
        else:
            numbers = f"({n_rows} - {self.lookback} - {self.shift} - {self.horizon} + 1)"
        return f"{numbers} // {self.stride} + 1 = {self.samples_in(n_rows)}"
