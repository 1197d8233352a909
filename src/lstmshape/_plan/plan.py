"""The window plan: a framing placed on a table, i.e. the first row of every sample.

Everything else in lstmshape reads this plan: the numpy views (``Windows.X`` / ``.y``),
the batch schedule and the loaders, the splits, ``to_frame`` and ``explain``. Which rows
of a window are inputs and targets is the framing's answer (:mod:`._framing`); where each
window starts is answered here, so the readers cannot disagree.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .._core.arrays import readonly
from .framing import Framing

Run = tuple[int, int]
"""A half-open range of rows ``[start, stop)`` that windows may not cross."""


@dataclass(frozen=True)
class Block:
    """Consecutive samples of one run: starts ``first, first + stride, ...`` (``count`` of them).

    A ``padded`` block (``min_history``) holds the samples that start before their run's
    first row: their first input steps are padding, their targets are real rows. The plan
    keeps its blocks as arrays (:class:`WindowPlan`); this is one of them, read out.
    """

    first: int
    count: int
    run: int
    padded: bool = False


@dataclass(frozen=True, eq=False)
class WindowPlan:
    """A framing applied to a table: where every sample starts.

    Samples come in blocks, one per run (two with ``min_history``), kept as arrays (one
    entry per block): ``firsts`` (the first sample's start row), ``counts``, ``block_runs``
    (the run of each block) and ``padded``. So a plan costs no memory per sample until
    someone asks for the per-sample arrays (``starts``, ``run_of_sample``), and splitting
    it costs array arithmetic over the blocks, not a Python object per series.
    ``runs`` are the stretches of rows that windows may not cross (one per group, split
    further at gaps); ``run_groups`` names each run's group (empty without groups).
    ``min_history`` (``None`` unless asked) is the fewest real input steps of a padded
    sample; with it, each run's padded block comes before its other samples.
    """

    framing: Framing
    n_rows: int
    runs: tuple[Run, ...]
    firsts: np.ndarray
    counts: np.ndarray
    block_runs: np.ndarray
    padded: np.ndarray
    run_groups: tuple[Hashable, ...] = field(default=())
    min_history: int | None = None

    def __post_init__(self) -> None:
        firsts = np.asarray(self.firsts)  # Python integers only beyond int64 (refused later)
        columns = {
            "firsts": firsts if firsts.dtype == object else firsts.astype(np.int64, copy=False),
            "counts": np.asarray(self.counts, dtype=np.int64),
            "block_runs": np.asarray(self.block_runs, dtype=np.int64),
            "padded": np.asarray(self.padded, dtype=np.bool_),
        }
        for name, column in columns.items():
            object.__setattr__(self, name, readonly(column))

    @cached_property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.counts.sum())

    @cached_property
    def block_first_samples(self) -> np.ndarray:
        """The number of each block's first sample."""
        return readonly(np.cumsum(self.counts) - self.counts)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks as objects (one per block; for code that must loop over them)."""
        return tuple(
            Block(int(a), int(b), int(c), bool(d))
            for a, b, c, d in zip(
                self.firsts, self.counts, self.block_runs, self.padded, strict=True
            )
        )

    def blocks_with_samples(self) -> list[tuple[Block, int]]:
        """Return the non-empty blocks with the number of their first sample."""
        kept = np.flatnonzero(self.counts > 0)
        columns = (self.firsts, self.counts, self.block_runs, self.padded, self.block_first_samples)
        rows = zip(*(column[kept].tolist() for column in columns), strict=True)
        return [(Block(a, b, c, d), at) for a, b, c, d, at in rows]

    @cached_property
    def progression(self) -> tuple[int, int, int] | None:
        """``(first_start, step, count)`` when all starts are evenly spaced, else ``None``."""
        kept = np.flatnonzero(self.counts > 0)
        if not len(kept):
            return (0, self.step, 0)
        if len(kept) == 1 and not self.padded[kept[0]]:
            return (int(self.firsts[kept[0]]), self.step, int(self.counts[kept[0]]))
        return None

    @cached_property
    def starts(self) -> np.ndarray:
        """The start row of every sample (materialised on first use)."""
        offsets = np.repeat(self.firsts - self.step * self.block_first_samples, self.counts)
        return readonly(offsets + self.step * np.arange(len(offsets), dtype=np.int64))

    @cached_property
    def step(self) -> int:
        """Rows between the starts of a block's samples: ``stride``, within int64.

        A block of two samples or more lies in one run, so its stride is at most the
        number of rows; a stride beyond that (``stride=2**63``) only ever makes one sample
        per block, and is capped so that numpy's int64 arithmetic never sees it.
        """
        return min(self.framing.stride, max(self.n_rows, 1))

    def block_of(self, samples: np.ndarray) -> np.ndarray:
        """Return the block of each of ``samples`` (sample numbers in ``[0, n_samples)``).

        ``searchsorted(block ends, samples, "right")`` without a per-sample array: a
        bucket table (:attr:`_buckets`) gives the block of each bucket's first sample, and
        a few vectorised steps forward reach the sample's own block. A binary search of
        its own over 100,000 series' blocks missed the cache on every level, once a batch's
        gather had filled it: a third of a panel batch's time. Samples still behind after
        a few steps (many tiny blocks in one bucket) are searched for.

        >>> plan = make_plan(Framing(lookback=3, stride=2), n_rows=20, runs=[(0, 8), (10, 20)])
        >>> plan.block_of(np.array([6, 0, 3, 2])).tolist()
        [1, 0, 1, 0]
        """
        samples = np.asarray(samples, dtype=np.int64)
        ends = self._block_ends
        shift, buckets = self._buckets
        block = buckets[samples >> shift]
        for _ in range(4):
            behind = ends[block] <= samples
            if not behind.any():
                return block
            block += behind
        behind = np.flatnonzero(ends[block] <= samples)
        block[behind] = np.searchsorted(ends, samples[behind], "right")
        return block

    @cached_property
    def _buckets(self) -> tuple[int, np.ndarray]:
        """``(shift, table)``: the block of sample ``k << shift``, for every bucket ``k``.

        Buckets are about as long as a block on average (a power of two), so the table
        holds about one entry per block and a sample is one or two blocks past its
        bucket's.
        """
        n, n_blocks = self.n_samples, max(len(self.counts), 1)
        shift = max(0, (n // n_blocks).bit_length() - 1)
        firsts = np.arange(0, max(n, 1), 1 << shift, dtype=np.int64)
        return shift, readonly(np.searchsorted(self._block_ends, firsts, "right"))

    @cached_property
    def _block_ends(self) -> np.ndarray:
        """One past each block's last sample number."""
        return readonly(self.block_first_samples + self.counts)

    def starts_of(self, samples: np.ndarray) -> np.ndarray:
        """Return the start row of each of ``samples``: ``starts[samples]``, from the blocks.

        >>> plan = make_plan(Framing(lookback=3, stride=2), n_rows=20, runs=[(0, 8), (10, 20)])
        >>> plan.starts.tolist(), plan.starts_of(np.array([5, 0, 2])).tolist()
        ([0, 2, 4, 10, 12, 14, 16], [14, 0, 4])
        """
        samples = np.asarray(samples, dtype=np.int64)
        block = self.block_of(samples)
        return self.firsts[block] + self.step * (samples - self.block_first_samples[block])

    def run_begins_of(self, samples: np.ndarray) -> np.ndarray:
        """Return the first row of the run of each of ``samples``: ``run_begins[samples]``."""
        begins, _ = self._run_bounds
        return begins[self.block_runs[self.block_of(samples)]]

    @cached_property
    def _run_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """``(begins, ends)`` of the runs, as arrays."""
        bounds = np.array(self.runs, dtype=np.int64).reshape(-1, 2)
        return readonly(bounds[:, 0].copy()), readonly(bounds[:, 1].copy())

    @cached_property
    def run_of_sample(self) -> np.ndarray:
        """The run each sample lies in."""
        return readonly(np.repeat(self.block_runs, self.counts))

    @cached_property
    def n_padded(self) -> int:
        """Number of samples whose first input steps are padding (``min_history``)."""
        return int(self.counts[self.padded].sum())

    @cached_property
    def run_begins(self) -> np.ndarray:
        """The first row of each sample's run: input rows before it are padding."""
        begins = np.array([begin for begin, _ in self.runs], dtype=np.int64)
        return readonly(begins[self.run_of_sample] if len(begins) else self.run_of_sample)

    @property
    def first_target_rows(self) -> np.ndarray:
        """Row of each sample's first target (its last input row for inputs-only plans)."""
        return self.starts + self.framing.anchor_offset

    @property
    def last_target_rows(self) -> np.ndarray:
        """Row of each sample's last target (its last input row for inputs-only plans)."""
        return self.starts + self.framing.last_anchor_offset

    @property
    def last_input_rows(self) -> np.ndarray:
        """Row of each sample's last input."""
        return self.starts + self.framing.last_input_offset

    @cached_property
    def run_of_row(self) -> np.ndarray:
        """The run of every row (-1 for rows in no run: missing values)."""
        runs = np.full(self.n_rows, -1, dtype=np.int64)
        begins, ends = self._run_bounds
        lengths = ends - begins
        numbers = np.repeat(np.arange(len(begins), dtype=np.int64), lengths)
        before = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        rows = np.repeat(begins - before, lengths) + np.arange(len(numbers), dtype=np.int64)
        runs[rows] = numbers
        return readonly(runs)

    def groups_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Return the group of each of ``rows`` (which must lie in runs of a grouped plan)."""
        return self._group_labels[self.run_of_row[rows]]

    @property
    def sample_groups(self) -> np.ndarray | None:
        """The group of each sample, or ``None`` when the data has no groups."""
        if not self.run_groups:
            return None
        return self._group_labels[self.run_of_sample]

    @cached_property
    def _group_labels(self) -> np.ndarray:
        """Each run's group in an object array (a tuple label stays one element)."""
        groups = np.empty(len(self.run_groups), dtype=object)
        for number, group in enumerate(self.run_groups):
            groups[number] = group
        return groups

    def with_targets_in(self, lows: np.ndarray, highs: np.ndarray) -> WindowPlan:
        """Keep the samples whose target rows all lie in rows ``[lows[run], highs[run])``.

        ``lows`` and ``highs`` have one entry per run; a run with ``low >= high`` keeps no
        samples. Because starts increase inside a block, the kept samples of a block are
        again one block: array arithmetic over the blocks, whatever the number of series.
        """
        f = self.framing
        stride = self.step
        low = np.asarray(lows, dtype=np.int64)[self.block_runs]
        high = np.asarray(highs, dtype=np.int64)[self.block_runs]
        # smallest k with first + k*stride + first_offset >= low
        k_min = np.maximum(0, -((self.firsts + f.anchor_offset - low) // stride))
        # largest k with first + k*stride + last_offset <= high - 1
        k_max = np.minimum(
            self.counts - 1, (high - 1 - f.last_anchor_offset - self.firsts) // stride
        )
        kept = np.flatnonzero(k_max >= k_min)
        return replace(
            self,
            firsts=(self.firsts + k_min * stride)[kept],
            counts=(k_max - k_min + 1)[kept],
            block_runs=self.block_runs[kept],
            padded=self.padded[kept],
        )


def make_plan(
    framing: Framing,
    n_rows: int,
    runs: Sequence[Run] | None = None,
    run_groups: Sequence[Hashable] = (),
    min_history: int | None = None,
) -> WindowPlan:
    """Place samples in every run: forward from each run's start, every ``stride`` rows.

    Inputs-only plans are anchored at each run's end instead, so that the last window ends
    on the run's last row: that is the window a forecaster needs.

    With ``min_history = k``, each run also gets a padded block ahead of its samples: the
    starts before the run's first row, on the same ``stride`` grid, whose last ``k`` input
    steps (at least) are real rows and whose targets all lie in the run.

    >>> plan = make_plan(Framing(lookback=3, stride=2), n_rows=10)
    >>> plan.starts.tolist(), plan.first_target_rows.tolist()
    ([0, 2, 4, 6], [3, 5, 7, 9])
    >>> make_plan(Framing(lookback=3, stride=2, inputs_only=True), n_rows=10).starts.tolist()
    [1, 3, 5, 7]
    """
    runs = ((0, n_rows),) if runs is None else tuple(runs)
    # One pass of numpy over all runs (a panel has one run per series, or more).
    reach = framing.extent + framing.stride + framing.lookback * framing.sampling_rate
    # Sizes beyond int64 (lookback=10**30: refused later, as too long for the data) are
    # computed with Python integers, which numpy's object arrays use.
    exact = np.int64 if reach < 2**62 else object
    bounds = np.array(runs, dtype=exact).reshape(-1, 2)
    begin, end = bounds[:, 0], bounds[:, 1]
    stride, extent = framing.stride, framing.extent
    count = np.maximum(0, (end - begin - extent) // stride + 1)
    first = begin + (end - begin - extent) % stride if framing.inputs_only else begin
    numbers = np.arange(len(runs), dtype=np.int64)
    no = np.zeros(len(runs), dtype=bool)
    if min_history is None:
        firsts, counts, block_runs, padded = np.where(count > 0, first, begin), count, numbers, no
    else:  # each run's padded block, then its other samples
        padded_first, padded_count = _padded_blocks(framing, min_history, begin, end, first)
        firsts = np.stack([padded_first, np.where(count > 0, first, begin)], axis=1).reshape(-1)
        counts = np.stack([padded_count, count], axis=1).reshape(-1)
        block_runs = np.repeat(numbers, 2)
        padded = np.stack([~no, no], axis=1).reshape(-1)
    return WindowPlan(
        framing,
        n_rows,
        runs,
        _as_int64(firsts),
        np.asarray(counts, dtype=np.int64),
        block_runs,
        padded,
        tuple(run_groups),
        min_history=min_history,
    )


def _as_int64(values: np.ndarray) -> np.ndarray:
    """``values`` as int64, or as Python integers where one does not fit (refused later)."""
    try:
        return np.asarray(values).astype(np.int64)
    except OverflowError:
        return np.asarray(values, dtype=object)


def _padded_blocks(
    framing: Framing, min_history: int, begin: np.ndarray, end: np.ndarray, phase: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(first, count)`` of the padded block of every run ``[begin, end)``.

    The samples that start before ``begin``, on ``phase``'s grid. A start ``s`` qualifies
    when ``s < begin``, its last ``min_history`` input rows are in the run
    (``s + (lookback - min_history) * rate >= begin``) and its last target is too
    (``s + extent <= end``).
    """
    stride = framing.stride
    lowest = begin - (framing.lookback - min_history) * framing.sampling_rate
    highest = np.minimum(begin - 1, end - framing.extent)
    first = lowest + (phase - lowest) % stride
    return first, np.maximum(0, (highest - first) // stride + 1)


def runs_between_breaks(n_rows: int, breaks: np.ndarray, skip: np.ndarray | None) -> list[Run]:
    """Cut ``range(n_rows)`` into runs.

    ``breaks[i]`` is True where row ``i + 1`` does not follow row ``i`` (a gap, a new
    group); rows where ``skip`` is True (missing values) belong to no run.

    >>> runs_between_breaks(6, np.array([False, True, False, False, False]), None)
    [(0, 2), (2, 6)]
    >>> runs_between_breaks(6, np.zeros(5, bool), np.array([0, 0, 1, 0, 0, 0], bool))
    [(0, 2), (3, 6)]
    """
    cut = np.ones(n_rows + 1, dtype=bool)
    cut[1:n_rows] = breaks
    keep = np.ones(n_rows, dtype=bool) if skip is None else ~np.asarray(skip, dtype=bool)
    before = np.concatenate([[False], keep[:-1]])
    after = np.concatenate([keep[1:], [False]])
    firsts = np.flatnonzero(keep & (cut[:-1] | ~before))
    lasts = np.flatnonzero(keep & (cut[1:] | ~after))
    return [(int(a), int(b) + 1) for a, b in zip(firsts, lasts, strict=True)]


def arithmetic_step(values: np.ndarray | Sequence[int]) -> int | None:
    """Return the common step of an arithmetic progression, or ``None`` if there is none.

    A single value has step 1. Used to decide whether a set of rows or columns can be
    read as a strided view (a constant step) or needs a gather (a copy).

    >>> arithmetic_step([4, 6, 8]), arithmetic_step([2, 0]), arithmetic_step([0, 1, 3])
    (2, -2, None)
    """
    array = np.asarray(values, dtype=np.int64)
    if len(array) < 2:
        return 1
    steps = np.diff(array)
    return int(steps[0]) if (steps == steps[0]).all() else None


def is_group(groups: np.ndarray, group: Hashable) -> np.ndarray:
    """Return ``groups == group`` elementwise, also for a tuple label (several keys).

    ``groups == (1, "a")`` would compare against the tuple's items; a one-element object
    array compares each label with the whole tuple.
    """
    wanted = np.empty(1, dtype=object)
    wanted[0] = group
    return np.asarray(groups == wanted, dtype=bool)
