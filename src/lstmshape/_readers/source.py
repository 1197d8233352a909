"""What every reader of windows receives: the data, the plan and the columns, frozen.

A :class:`WindowSource` is the one-method contract between the windows and their readers
(as pandas' window indexers hand ``(start, end)`` to every rolling operation): the numpy
views of ``Windows.X`` / ``.y``, the batch gathers of the loaders, ``to_frame`` and
``explain`` read it and nothing else. It reads rows through numpy's
``sliding_window_view``: zero-copy, read-only, and never outside the data.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._core.arrays import check_copy_size, readonly
from .._input.categories import ROLES, Categories, Vocabulary
from .._input.panel import row_labels, store_of
from .._plan.framing import Framing
from .._plan.plan import WindowPlan, arithmetic_step

#: The names of the inputs when there are covariates (or a mask), in this order.
INPUT_NAMES = (
    "past",
    "future",
    "static",
    "categorical_past",
    "categorical_future",
    "categorical_static",
    "mask",
)

#: The categorical inputs (int32 codes, never cast to the float dtype), by role.
CATEGORICAL_INPUTS = {role: f"categorical_{role}" for role in ROLES}


@dataclass(frozen=True)
class WindowSource:
    """The data a set of windows reads, and which rows and columns each sample takes.

    Attributes
    ----------
    values
        The read-only 2-D array ``(rows, columns)`` (scaled, when a scaler was applied).
        For a panel (a list of series), a :class:`._panel.SeriesStore`: the series' own
        arrays. In memory, they are read through one concatenation of them
        (:attr:`row_store`), so a batch of a panel is one gather as for one series; memory
        maps and lazy series are read series by series, only the rows of the batch.
        ``X``/``y`` of a panel are copies.
    plan
        Where every sample starts, and its framing.
    feature_cols, target_cols
        Positions in ``values`` of the input and target columns, in the order asked.
    names
        One label per column of ``values``.
    index
        The pandas index of the rows, or ``None`` for numpy input.
    group_by
        The column that told series apart, the tuple of columns with several keys, or
        ``None``.
    group_keys
        The names of the series' index levels (``to_frame``, ``score``): ``(group_by,)``,
        the keys with several (each series' label is then a tuple, one value per key),
        ``("series",)`` for a panel, ``()`` without groups.
    future_cols, static_cols
        Positions of the known-future and static covariates. With either, inputs are
        named: ``{"past": ..., "future": ..., "static": ...}`` (only the keys in use).
        A plan with ``min_history`` adds ``"mask"``: ``(samples, lookback)`` booleans, True
        on real input steps; padded steps of ``"past"`` hold 0.
    categories
        The ``categorical`` columns, encoded (int32 codes of every row): they add the
        inputs ``"categorical_past"``, ``"categorical_future"``, ``"categorical_static"``
        (the roles in use), shaped like their float siblings; padded steps hold code 0.
    """

    values: np.ndarray
    plan: WindowPlan
    feature_cols: tuple[int, ...]
    target_cols: tuple[int, ...]
    names: tuple[Hashable, ...]
    index: pd.Index | None = None
    group_by: Hashable | None = None
    group_keys: tuple[Hashable, ...] = ()
    future_cols: tuple[int, ...] = ()
    static_cols: tuple[int, ...] = ()
    categories: Categories | None = None

    @property
    def framing(self) -> Framing:
        """How one sample is framed."""
        return self.plan.framing

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return self.plan.n_samples

    @property
    def feature_names(self) -> tuple[Hashable, ...]:
        """Labels of the input columns."""
        return tuple(self.names[c] for c in self.feature_cols)

    @property
    def target_names(self) -> tuple[Hashable, ...]:
        """Labels of the target columns."""
        return tuple(self.names[c] for c in self.target_cols)

    @cached_property
    def input_names(self) -> tuple[str, ...]:
        """Names of the inputs: ``"past"``, then ``"future"``, ``"static"``, ``"mask"`` if used."""
        cats = self.categories
        used = {
            "future": bool(self.future_cols),
            "static": bool(self.static_cols),
            "mask": self.plan.min_history is not None,
        }
        for role, name in CATEGORICAL_INPUTS.items():
            used[name] = cats is not None and bool(getattr(cats, role))
        return INPUT_NAMES[:1] + tuple(name for name in INPUT_NAMES[1:] if used[name])

    @cached_property
    def named_inputs(self) -> bool:
        """Whether inputs are a dict by name (covariates), not one array."""
        return len(self.input_names) > 1

    @property
    def input_shapes(self) -> dict[str, tuple[int, ...]]:
        """One sample's shape of every input, by name."""
        f = self.framing
        shapes: dict[str, tuple[int, ...]] = {"past": (f.lookback, len(self.feature_cols))}
        if self.future_cols:
            shapes["future"] = (f.target_length, len(self.future_cols))
        if self.static_cols:
            shapes["static"] = (len(self.static_cols),)
        cats = self.categories
        if cats is not None:
            lengths = {"past": (f.lookback,), "future": (f.target_length,), "static": ()}
            for role, name in CATEGORICAL_INPUTS.items():
                if getattr(cats, role):
                    shapes[name] = (*lengths[role], len(getattr(cats, role)))
        if self.plan.min_history is not None:
            shapes["mask"] = (f.lookback,)
        return shapes

    @property
    def categorical_names(self) -> dict[str, tuple[Hashable, ...]]:
        """The columns of each categorical input, by input name (empty without them)."""
        cats = self.categories
        if cats is None:
            return {}
        return {
            name: cats.role_names(role)
            for role, name in CATEGORICAL_INPUTS.items()
            if getattr(cats, role)
        }

    @property
    def vocabularies(self) -> dict[Hashable, Vocabulary]:
        """``{column: Vocabulary}`` of the categorical columns (empty without them)."""
        return {} if self.categories is None else self.categories.vocabulary_map

    @cached_property
    def codes_source(self) -> WindowSource | None:
        """Return the same plan over the categorical codes, or None without them.

        Its "input", "future" and "static" windows are the categorical inputs (int32,
        padded steps code 0).
        """
        cats = self.categories
        if cats is None or cats.codes is None:
            return None
        return WindowSource(
            values=cats.codes,
            plan=self.plan,
            feature_cols=cats.past,
            target_cols=(),
            names=cats.names,
            future_cols=cats.future,
            static_cols=cats.static,
        )

    def _categorical(self, pick: Callable[[WindowSource, str], np.ndarray]) -> dict[str, Any]:
        """Return the categorical inputs in use, each read by ``pick(codes_source, role)``."""
        codes = self.codes_source
        if codes is None:
            return {}
        roles = {"past": "input", "future": "future", "static": "static"}
        out: dict[str, Any] = {}
        for role, name in CATEGORICAL_INPUTS.items():
            if name in self.input_names:
                picked = pick(codes, roles[role])
                out[name] = picked[:, 0, :] if role == "static" else picked
        return out

    @property
    def input_shape(self) -> Any:
        """``(lookback, n_features)``, or the dict of :attr:`input_shapes` with covariates."""
        return self.input_shapes if self.named_inputs else self.input_shapes["past"]

    @property
    def target_shape(self) -> tuple[int, ...]:
        """One sample's target shape (the framing's rule)."""
        return self.framing.target_shape(len(self.target_cols))

    @property
    def output_shape(self) -> tuple[int, ...]:
        """One sample's model output shape (also for inputs-only windows)."""
        return self.framing.output_shape(len(self.target_cols))

    # -- whole arrays ----------------------------------------------------------------------
    def inputs(self) -> Any:
        """``X``: read-only views when possible, else copies of checked size.

        One array, or a dict by input name when there are covariates.
        """
        past = self._all("input", self.framing.lookback, len(self.feature_cols))
        if not self.named_inputs:
            return past
        inputs = {"past": past}
        if self.future_cols:
            length = self.framing.target_length
            inputs["future"] = self._all("future", length, len(self.future_cols))
        if self.static_cols:
            static = self._all("static", 1, len(self.static_cols))
            inputs["static"] = static[:, 0, :]
        f = self.framing
        lengths = {"input": f.lookback, "future": f.target_length, "static": 1}
        cats = self.categories
        inputs.update(
            self._categorical(
                lambda codes, role: codes._all(
                    role, lengths[role], len(getattr(cats, "past" if role == "input" else role))
                )
            )
        )
        if self.plan.min_history is not None:
            check_copy_size(
                self.n_samples * self.framing.lookback, (self.n_samples, self.framing.lookback)
            )
            inputs["mask"] = readonly(self._mask(np.arange(self.n_samples)))
        return inputs

    def targets(self) -> np.ndarray | None:
        """``y``, or ``None`` for inputs-only windows."""
        if self.framing.inputs_only:
            return None
        y = self._all("target", self.framing.target_length, len(self.target_cols))
        return y[:, 0, :] if self.framing.drops_step_axis else y

    def _all(self, role: str, length: int, n_cols: int) -> np.ndarray:
        """Every sample's window: a view of one progression, or the blocks concatenated.

        ``role`` is ``"input"``, ``"future"``, ``"static"`` or ``"target"``. A panel's
        windows are views of its :attr:`row_store` when they are one progression, else a
        copy (a lazy panel's read row by row).
        """
        nbytes = self.n_samples * length * n_cols * self.values.dtype.itemsize
        if self.row_store is None:  # a lazy panel: read row by row
            check_copy_size(nbytes, (self.n_samples, length, n_cols))
            if self.plan.n_padded:
                return readonly(self._pick_padded(role, np.arange(self.n_samples)))
            return readonly(self._pick(role, self.plan.starts))
        windows: _Windows = getattr(self, f"_{role}_windows")
        progression = self.plan.progression
        if progression is not None and windows.is_view:
            first, step, count = progression
            return windows.pick(slice(first, first + step * count, step))
        check_copy_size(nbytes, (self.n_samples, length, n_cols))
        if not self.plan.n_padded:
            return readonly(windows.pick(self.plan.starts))
        stride = self.plan.step
        parts = [
            self._pick_padded(role, np.arange(number, number + block.count))
            if block.padded
            else windows.pick(slice(block.first, block.first + stride * block.count, stride))
            for block, number in self.plan.blocks_with_samples()
        ]
        return readonly(np.concatenate(parts) if parts else windows.pick(slice(0, 0)).copy())

    # -- batches ---------------------------------------------------------------------------
    def starts_of(self, samples: np.ndarray) -> np.ndarray:
        """Return the first row of each of ``samples`` (sample numbers)."""
        progression = self.plan.progression
        if progression is not None:
            first, step, _ = progression
            if first == 0 and step == 1:  # one series, stride 1: sample numbers are start rows
                return np.asarray(samples, dtype=np.int64)
            return first + step * np.asarray(samples, dtype=np.int64)
        return self.plan.starts_of(samples)  # from the blocks: no array per sample

    def gather(
        self, samples: np.ndarray, dtype: np.dtype[Any] | None = None
    ) -> tuple[Any, np.ndarray | None]:
        """Copy the inputs and targets of ``samples`` into new arrays: one batch.

        Only the rows of these samples are read (a memory-mapped series stays on disk).
        Inputs are one array, or a dict by input name when there are covariates.
        """
        samples = np.asarray(samples, dtype=np.int64)
        # Where some samples start before their run (min_history), read row by row.
        pick: Callable[[str, np.ndarray], np.ndarray] = self._pick
        starts = self.starts_of(samples)
        if self.plan.n_padded:
            pick, starts = self._pick_padded, samples
        x: Any = pick("input", starts)
        if dtype is not None:
            x = x.astype(dtype, copy=False)
        if self.named_inputs:
            x = {"past": x}
            if self.future_cols:
                x["future"] = pick("future", starts)
            if self.static_cols:
                x["static"] = pick("static", starts)[:, 0, :]
            if dtype is not None:
                x = {name: value.astype(dtype, copy=False) for name, value in x.items()}
            # int32 codes: never cast to the float dtype
            if self.plan.n_padded:
                x.update(self._categorical(lambda codes, role: codes._pick_padded(role, samples)))
            else:
                x.update(self._categorical(lambda codes, role: codes._pick(role, starts)))
            if self.plan.min_history is not None:  # booleans: never cast
                x["mask"] = self._mask(samples)
        if self.framing.inputs_only:
            return x, None
        y = pick("target", starts)
        if self.framing.drops_step_axis:
            y = y[:, 0, :]
        if dtype is not None:
            y = y.astype(dtype, copy=False)
        return x, y

    def row_labels(self, rows: np.ndarray) -> pd.Index:
        """Index labels of ``rows``; row positions (named ``row``) for numpy input.

        For a panel of arrays, the positions inside each row's own series.
        """
        return row_labels(self.values, self.index, rows)

    @cached_property
    def row_store(self) -> np.ndarray | None:
        """The one in-memory array of rows every sample reads, or ``None`` (a lazy panel).

        ``values`` itself, or for a panel its series concatenated once
        (:attr:`._panel.SeriesStore.rows`): then a batch of a panel is the same gather
        by start rows as a batch of one series.
        """
        store = store_of(self.values)
        return self.values if store is None else store.rows

    def _pick(self, role: str, starts: np.ndarray) -> np.ndarray:
        """Return the ``role`` windows at ``starts``; a lazy panel's are read row by row."""
        store = store_of(self.values)
        if store is None or self.row_store is not None:
            windows: _Windows = getattr(self, f"_{role}_windows")
            return windows.pick(starts)
        offset, length, step, columns = self._role_rows(role)
        starts = np.asarray(starts, dtype=np.int64)
        rows = (starts + offset)[:, None] + step * np.arange(length, dtype=np.int64)[None, :]
        return store.read(rows)[..., list(columns)]

    def _mask(self, samples: np.ndarray) -> np.ndarray:
        """``(len(samples), lookback)`` booleans: True where an input step is a real row."""
        samples = np.asarray(samples, dtype=np.int64)
        if not self.plan.n_padded:
            return np.ones((len(samples), self.framing.lookback), dtype=bool)
        rows = self.plan.starts_of(samples)[:, None] + self.framing.input_offsets[None, :]
        return rows >= self.plan.run_begins_of(samples)[:, None]

    def _pick_padded(self, role: str, samples: np.ndarray) -> np.ndarray:
        """Return the ``role`` windows of ``samples`` (numbers), read row by row (a copy).

        For samples that start before their run's first row (``min_history``), input rows
        before it are padding and hold 0; the static covariates are read on the run's first
        row; future and target rows always lie in the run.
        """
        offset, length, step, columns = self._role_rows(role)
        starts = self.plan.starts_of(samples)
        begins = self.plan.run_begins_of(samples)[:, None]
        if role == "static":
            rows = np.maximum(starts[:, None], begins)
        else:
            rows = (starts + offset)[:, None] + step * np.arange(length)[None, :]
        real = rows >= begins
        rows = np.where(real, rows, begins)
        values = self.row_store
        if values is None:
            store = store_of(self.values)
            assert store is not None  # only a lazy panel has no row store
            out = store.read(rows)[..., list(columns)]
        else:
            out = values[rows[..., None], np.asarray(columns, dtype=np.int64)]
        if role == "input":
            out[~real] = 0
        return out

    def _role_rows(self, role: str) -> tuple[int, int, int, tuple[int, ...]]:
        """``(offset, length, step, columns)`` of the windows of ``role`` (see ``_Windows``)."""
        f = self.framing
        return {
            "input": (0, f.lookback, f.sampling_rate, self.feature_cols),
            "future": (f.target_start, f.target_length, f.sampling_rate, self.future_cols),
            "static": (0, 1, 1, self.static_cols),
            "target": (f.target_start, f.target_length, f.sampling_rate, self.target_cols),
        }[role]

    # -- windows over every start row (views) -----------------------------------------------
    @property
    def _view_rows(self) -> np.ndarray:
        """The array the windows below view: :attr:`row_store` (never ``None`` there)."""
        rows = self.row_store
        if rows is None:  # pragma: no cover - lazy panels never ask for these views
            raise AssertionError("a lazy panel has no array of all rows to view")
        return rows

    @cached_property
    def _input_windows(self) -> _Windows:
        """``W[s] = values[s : s + lookback, feature_cols]`` for every row ``s``."""
        f = self.framing
        return _Windows.over(self._view_rows, 0, f.lookback, f.sampling_rate, self.feature_cols)

    @cached_property
    def _future_windows(self) -> _Windows:
        """``W[s]`` = the future covariates on sample ``s``'s target rows."""
        f = self.framing
        return _Windows.over(
            self._view_rows, f.target_start, f.target_length, f.sampling_rate, self.future_cols
        )

    @cached_property
    def _static_windows(self) -> _Windows:
        """``W[s]`` = the static covariates on sample ``s``'s first row, ``(1, n_static)``."""
        return _Windows.over(self._view_rows, 0, 1, 1, self.static_cols)

    @cached_property
    def _target_windows(self) -> _Windows:
        """``W[s] = values[s + target_start : ... + target_length, target_cols]``."""
        f = self.framing
        return _Windows.over(
            self._view_rows, f.target_start, f.target_length, f.sampling_rate, self.target_cols
        )


@dataclass(frozen=True)
class _Windows:
    """``W[s] = values[s + offset + step * arange(length), columns]`` for each possible ``s``.

    ``view`` is a read-only ``sliding_window_view`` of shape ``(starts, length, columns)``.
    Columns picked out of order cannot be a view; they are picked after the samples, so
    only the samples asked for are ever copied.
    """

    view: np.ndarray
    columns: slice | list[int]

    @classmethod
    def over(
        cls, values: np.ndarray, offset: int, length: int, step: int, columns: tuple[int, ...]
    ) -> _Windows:
        """Windows of ``length`` rows ``step`` apart from ``offset`` on, for every start row."""
        shifted = values[offset:]
        n_rows, n_cols = shifted.shape
        span = (length - 1) * step + 1
        if length == 0 or n_rows < span:  # no sample reads these rows; keep the shape honest
            empty = np.empty((0, length, n_cols), dtype=values.dtype)
            return cls(empty, list(columns))
        view = np.lib.stride_tricks.sliding_window_view(shifted, span, axis=0)[:, :, ::step]
        view = view.transpose(0, 2, 1)  # (starts, length, columns)
        column_step = arithmetic_step(columns)
        if column_step is not None and column_step > 0:
            # Columns in one step are part of the view: a batch copies only them.
            return cls(view[:, :, columns[0] : columns[-1] + 1 : column_step], slice(None))
        low = min(columns)
        covered = view[:, :, low : max(columns) + 1]
        return cls(covered, [c - low for c in columns])

    @property
    def is_view(self) -> bool:
        """Whether picking a slice of samples gives a view (the columns are a slice)."""
        return isinstance(self.columns, slice)

    def pick(self, samples: slice | np.ndarray) -> np.ndarray:
        """Return the windows at start rows ``samples`` (a slice gives a view where it can)."""
        return self.view[samples][:, :, self.columns]
