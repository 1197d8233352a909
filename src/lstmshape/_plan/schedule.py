"""The batch schedule: which samples form each batch, for every loader and framework.

Pure numpy and framework-free. Given the number of samples and the loader options
(``batch_size``, ``shuffle``, ``seed``, ``epoch``, ``drop_remainder``, ``num_shards``,
``shard_index``, ``shard_by``, ``even_shards``) it says which sample numbers make up batch
``b`` of epoch ``e``. The
tf.data pipeline, the numpy iterator, the Keras ``PyDataset`` and the PyTorch loader all
read it, so one seed means one order everywhere.

The rules, stated once:

* **order**: without shuffling, samples in order. With ``shuffle=True``, position ``p`` of
  epoch ``e`` serves sample ``shuffle_positions(p, n, (seed, e))``: a keyed pseudo-random
  bijection of ``range(n)`` (numpy's ``permutation`` up to 524,288 samples; above, a
  Feistel network with cycle-walking, see :func:`shuffle_positions`), so a new order every
  epoch, the same order for the same seed and epoch on every machine, and above that size
  a batch's samples are computed from its positions alone: a large epoch never
  materialises its order (memory O(batch), not 8 bytes per window).
* **shards** (``shard_by="window"``, the default): shard ``k`` of ``K`` takes every
  ``K``-th sample of the epoch's order, starting at position ``k`` (as
  ``torch.utils.data.DistributedSampler`` does, without padding). The shards are disjoint
  and together hold every sample exactly once per epoch; their sizes differ by at most one
  sample.
* **shards of series** (``shard_by="series"``): whole series go to one shard (a series is
  a ``group_by`` group, or without groups a run between gaps). Series are dealt out
  largest first, each to the shard with the fewest windows so far (ties: the lower shard
  number), so the shards are balanced by window count and the same on every machine.
  A shard's samples are in order, or with ``shuffle=True`` shuffled within the shard by
  the same bijection keyed by ``(seed, e, k)``. Disjoint, every sample once per epoch; the
  sizes may differ by up to the largest series. ``shard_by=("series", key)``, with several
  ``group_by`` keys, deals out the values of one key instead: every series of one store
  (``("series", "store")``) goes to the same shard, dealt and balanced the same way.
* **even shards** (``even_shards=True``, as ``DistributedSampler(drop_last=True)``): every
  shard serves as many samples as the smallest one, so every worker runs the same number
  of steps (distributed engines wait for all workers at every step). The samples beyond
  (fewer than ``K`` with window shards; at the end of each larger shard's order with
  series shards) are left out of that epoch: different ones each epoch when shuffled.
* **batches**: consecutive slices of ``batch_size`` of the shard's order; the last one
  may be smaller unless ``drop_remainder=True`` drops it.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._core.errors import ShapeError, plural, received
from .._core.validate import check_bool, check_choice, check_int, check_seed, check_size

if TYPE_CHECKING:
    from .plan import WindowPlan

Segment = tuple[int, int, int]
"""Consecutive samples of one series: ``(first_sample, count, series)``."""

SHARD_BY = ("window", "series")


@dataclass(frozen=True)
class BatchSchedule:
    """Which sample numbers form each batch of each epoch (see the module docstring).

    Examples
    --------
    >>> schedule = BatchSchedule(10, batch_size=4)
    >>> len(schedule), [b.tolist() for b in schedule.batches(epoch=0)]
    (3, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    >>> shard = BatchSchedule(10, batch_size=4, num_shards=2, shard_index=1)
    >>> [b.tolist() for b in shard.batches(epoch=0)]
    [[1, 3, 5, 7], [9]]

    Shards of series: three series of 5, 3 and 2 samples; the largest goes to shard 0, the
    other two to shard 1.

    >>> segments = ((0, 5, 0), (5, 3, 1), (8, 2, 2))
    >>> by_series = BatchSchedule.from_user(
    ...     10, batch_size=4, num_shards=2, shard_index=1, shard_by="series", series=segments
    ... )
    >>> by_series.shard_sizes, [b.tolist() for b in by_series.batches(epoch=0)]
    ((5, 5), [[5, 6, 7, 8], [9]])
    """

    n_samples: int
    batch_size: int = 32
    shuffle: bool = False
    seed: int = 0
    drop_remainder: bool = False
    num_shards: int = 1
    shard_index: int = 0
    shard_by: str = "window"
    series: tuple[Segment, ...] = ()
    even_shards: bool = False

    def __post_init__(self) -> None:
        # The constructor is public too: the same sizes are checked as in from_user.
        check_int(self.n_samples, "n_samples", minimum=0)
        check_size(self.batch_size, "batch_size", minimum=1)
        num_shards = check_int(self.num_shards, "num_shards", minimum=1)
        if not 0 <= check_int(self.shard_index, "shard_index", minimum=0) < num_shards:
            raise ShapeError(
                f"`shard_index` must be less than `num_shards` ({num_shards}). "
                f"{received('shard_index', self.shard_index)}"
            )

    @classmethod
    def from_user(
        cls,
        n_samples: int,
        *,
        batch_size: Any = 32,
        shuffle: Any = False,
        seed: Any = None,
        drop_remainder: Any = False,
        num_shards: Any = 1,
        shard_index: Any = 0,
        shard_by: Any = "window",
        series: Sequence[Segment] | None = None,
        even_shards: Any = False,
    ) -> BatchSchedule:
        """Validate loader options against ``n_samples``; never a silently empty schedule.

        Without a ``seed``, a shuffled schedule draws one at random (once), so its epochs
        still differ from each other but runs do not repeat. ``series`` (the segments of
        :func:`series_segments`) is needed with ``shard_by="series"`` only;
        ``("series", key)`` is that (the segments then number the key's values).
        """
        batch_size = check_size(batch_size, "batch_size", minimum=1)
        shuffle = check_bool(shuffle, "shuffle")
        checked_seed = check_seed(seed, shuffle=shuffle)
        drop_remainder = check_bool(drop_remainder, "drop_remainder")
        num_shards = check_int(num_shards, "num_shards", minimum=1)
        if shuffle and num_shards > 1 and checked_seed is None:
            raise ShapeError(
                "Shuffled shards need a `seed` shared by every worker: each worker draws the "
                "epoch's permutation itself, and without one seed their shards would overlap "
                f"and miss windows. Pass the same seed=... everywhere. "
                f"{received('num_shards', num_shards)}"
            )
        shard_index = check_int(shard_index, "shard_index", minimum=0)
        shard_by = check_shard_by(shard_by)[0]
        even_shards = check_bool(even_shards, "even_shards")
        if shard_index >= num_shards:
            raise ShapeError(
                f"`shard_index` must be less than `num_shards` ({num_shards}): shards are "
                f"numbered 0 to {num_shards - 1}. {received('shard_index', shard_index)}"
            )
        if num_shards > n_samples:
            raise ShapeError(
                f"`num_shards={num_shards}` is more than the {plural(n_samples, 'window')}: "
                f"some shards would get none, and a worker with no data stalls the others. "
                f"Use at most {n_samples} shards, or more data. "
                f"{received('num_shards', num_shards)}"
            )
        segments: tuple[Segment, ...] = ()
        if shard_by == "series":
            segments = _checked_segments(series, n_samples)
            n_series = len({number for _, count, number in segments if count})
            if num_shards > n_series:
                raise ShapeError(
                    f"`num_shards={num_shards}` is more than the {n_series} series "
                    f"with windows: with shard_by='series' a series is never split, so some "
                    f"shards would get none. Use at most {plural(n_series, 'shard')}, or "
                    f"shard_by='window'. {received('num_shards', num_shards)}"
                )
        schedule = cls(
            n_samples=n_samples,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=secrets.randbits(63) if checked_seed is None else checked_seed,
            drop_remainder=drop_remainder,
            num_shards=num_shards,
            shard_index=shard_index,
            shard_by=shard_by,
            series=segments,
            even_shards=even_shards,
        )
        smallest = min(schedule.shard_sizes)
        if drop_remainder and smallest < batch_size:
            where = "" if num_shards == 1 else f" in the smallest of {num_shards} shards"
            raise ShapeError(
                f"drop_remainder=True with batch_size={batch_size} would drop every window: "
                f"there are only {plural(smallest, 'window')}{where}, fewer than one batch. "
                f"Use batch_size <= {smallest}, or drop_remainder=False. "
                f"{received('batch_size', batch_size)}"
            )
        return schedule

    @staticmethod
    def deal_series(sizes: Sequence[int], num_shards: int) -> tuple[tuple[int, ...], ...]:
        """Return the series numbers of each shard, as ``shard_by="series"`` deals them.

        ``sizes[n]`` is the number of windows of series ``n`` (for example
        ``Framing.samples_in(rows)``). Before any data is opened, a worker can learn its
        own series from the sizes alone (a file's rows are in its header) and open only
        those files: the same deal as :meth:`Windows.schedule` with ``shard_by="series"``.

        Examples
        --------
        >>> BatchSchedule.deal_series([5, 3, 2, 4], 2)
        ((0, 2), (1, 3))
        """
        checked = [check_int(size, "sizes", minimum=0) for size in sizes]
        num_shards = check_int(num_shards, "num_shards", minimum=1)
        segments: list[Segment] = []
        first = 0
        for number, size in enumerate(checked):
            segments.append((first, size, number))
            first += size
        n_series = sum(1 for size in checked if size)
        if num_shards > n_series:
            raise ShapeError(
                f"`num_shards={num_shards}` is more than the {n_series} series "
                f"with windows: a series is never split, so some shards would get none. "
                f"{received('num_shards', num_shards)}"
            )
        shards = _series_shards(tuple(segments), num_shards)
        owner = {first: number for first, size, number in segments if size}
        # A shard's members are whole series: the series of each of its segments.
        return tuple(
            tuple(sorted(owner[first] for first in firsts.tolist())) for firsts, _ in shards
        )

    @property
    def shard_sizes(self) -> tuple[int, ...]:
        """Samples served by every shard per epoch (before dropping a remainder batch)."""
        if self.shard_by == "series":
            sizes = tuple(
                int(ends[-1]) if len(ends) else 0
                for _, ends in _series_shards(self.series, self.num_shards)
            )
        else:
            sizes = tuple(
                len(range(k, self.n_samples, self.num_shards)) for k in range(self.num_shards)
            )
        return (min(sizes),) * self.num_shards if self.even_shards else sizes

    @property
    def shard_size(self) -> int:
        """Number of samples in this shard, per epoch (before dropping a remainder)."""
        if self.shard_by == "window" and not self.even_shards:
            return len(range(self.shard_index, self.n_samples, self.num_shards))
        return self.shard_sizes[self.shard_index]

    @property
    def left_out(self) -> int:
        """Samples no shard serves in an epoch: 0 unless ``even_shards`` evens them out."""
        return self.n_samples - sum(self.shard_sizes)

    def __len__(self) -> int:
        """Return the number of batches per epoch."""
        full, rest = divmod(self.shard_size, self.batch_size)
        return full if self.drop_remainder or not rest else full + 1

    @property
    def in_order(self) -> bool:
        """Whether the shard's samples are an arithmetic progression (never shuffled)."""
        return not self.shuffle and self.shard_by == "window"

    def order(self, epoch: int = 0) -> np.ndarray:
        """Return this shard's sample numbers for one epoch, in the order they are served.

        Parameters
        ----------
        epoch : int, default 0
            The epoch: with ``shuffle``, each has its own order for the seed.
        """
        epoch = check_int(epoch, "epoch", minimum=0)
        k, size = self.shard_index, self.shard_size
        if self.shard_by == "series":
            return self._series_members(np.arange(size, dtype=np.int64), epoch)
        # Window shards; even shards stop where every shard still has a sample.
        end = self.num_shards * size if self.even_shards else self.n_samples
        if not self.shuffle:
            return np.arange(k, end, self.num_shards, dtype=np.int64)
        positions = np.arange(k, end, self.num_shards, dtype=np.int64)
        return shuffle_positions(positions, self.n_samples, (self.seed, epoch))

    @property
    def per_batch(self) -> bool:
        """Whether :meth:`batch` works out a batch from its positions alone (no order needed).

        Always: window shards and shards of series, shuffled or not, take memory per
        batch, never per epoch (loaders then hold no order).
        """
        return True

    def _series_members(self, positions: np.ndarray, epoch: int) -> np.ndarray:
        """Return the samples at ``positions`` of this series shard's order of ``epoch``.

        The shard's samples, in order, are its segments one after the other; shuffled,
        position ``p`` serves its ``shuffle_positions(p, size, (seed, e, k))``-th sample.
        A binary search in the segments' cumulative counts finds each one.
        """
        k = self.shard_index
        firsts, ends = _series_shards(self.series, self.num_shards)[k]
        size = int(ends[-1]) if len(ends) else 0
        if self.shuffle:
            positions = shuffled_at(positions, size, (self.seed, epoch, k))
        segment = np.searchsorted(ends, positions, side="right")
        before = np.concatenate([[0], ends[:-1]])[segment]  # positions before the segment
        return firsts[segment] + positions - before

    def batch(self, number: int, epoch: int = 0, order: np.ndarray | None = None) -> np.ndarray:
        """Return the sample numbers of one batch.

        Parameters
        ----------
        number : int
            The batch, from 0 to ``len(self) - 1``.
        epoch : int, default 0
            The epoch whose order the batch is cut from.
        order : numpy.ndarray, optional
            ``order(epoch)``, when the caller has it. Without it, the batch is worked out
            from its positions alone (memory of the batch, see :attr:`per_batch`).
        """
        if not 0 <= number < len(self):
            raise IndexError(f"batch {number} out of range: this epoch has {len(self)} batches")
        begin = number * self.batch_size
        end = min(begin + self.batch_size, self.shard_size)
        if order is not None:
            return order[begin:end]
        if self.shard_by == "series":
            epoch = check_int(epoch, "epoch", minimum=0)
            return self._series_members(np.arange(begin, end, dtype=np.int64), epoch)
        if self.per_batch:
            first = self.shard_index + self.num_shards * begin
            positions = np.arange(first, first + self.num_shards * (end - begin), self.num_shards)
            if not self.shuffle:
                return positions
            epoch = check_int(epoch, "epoch", minimum=0)
            return shuffled_at(positions, self.n_samples, (self.seed, epoch))
        return self.order(epoch)[begin:end]

    def batches(self, epoch: int = 0) -> Iterator[np.ndarray]:
        """Yield the sample numbers of every batch of one epoch.

        Each batch is worked out on its own: the epoch's order is never made whole.

        Parameters
        ----------
        epoch : int, default 0
            The epoch (its order, when shuffled).
        """
        epoch = check_int(epoch, "epoch", minimum=0)
        for number in range(len(self)):
            yield self.batch(number, epoch)


#: Rounds of the Feistel network of :func:`feistel_positions`.
FEISTEL_ROUNDS = 8
#: Positions of a shuffled epoch worked out together, and kept for the next batches
#: (256 KB each; a few are cached): a batch costs a share of one pass over them.
CHUNK = 1 << 15


@lru_cache(maxsize=256)
def _round_keys(key: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(adds, odd multipliers)`` of every round: raw words of ``default_rng(key)``."""
    words = np.random.default_rng(list(key)).bit_generator.random_raw(2 * FEISTEL_ROUNDS)
    words = np.asarray(words, dtype=np.uint64)
    adds, muls = words[:FEISTEL_ROUNDS].copy(), words[FEISTEL_ROUNDS:] | np.uint64(1)
    adds.flags.writeable = muls.flags.writeable = False
    return adds, muls


def _feistel(values: np.ndarray, bits: int, keys: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Pass ``values`` through a Feistel network on ``bits``-bit integers (a bijection).

    Each round splits a value into its high ``a`` and low ``b`` bits and maps it to
    ``b`` followed by ``a ^ F(b)`` (unbalanced when ``bits`` is odd: the two sizes swap
    every round); each round can be undone, so the network is a bijection. ``F(b)``:
    ``z = (b + add) * odd``, ``z ^= z >> 32``, ``z *= odd`` in 64-bit arithmetic, and its top
    bits (multiply-shift hashing with one xor-shift between: not affine, and every bit of
    ``b`` reaches every bit of ``F``). ``values`` is overwritten.
    """
    high, low = bits // 2, bits - bits // 2
    for add, mul in zip(*keys, strict=True):
        b = values & np.uint64((1 << low) - 1)
        values >>= np.uint64(low)  # a
        if high:
            f = b + add
            f *= mul
            f ^= f >> np.uint64(32)
            f *= mul
            f >>= np.uint64(64 - high)
            values ^= f
        b <<= np.uint64(high)
        values |= b
        high, low = low, high
    return values


#: Epochs of at most this many samples draw their order whole (numpy's ``permutation``,
#: 8 bytes a sample: 4 MB at most, about 10x faster than the network per sample);
#: larger ones work out each batch's samples from its positions (:func:`feistel_positions`).
WHOLE_ORDER_LIMIT = 1 << 19


def shuffle_positions(positions: np.ndarray, n: int, key: tuple[int, ...]) -> np.ndarray:
    """Return the sample served at each of ``positions`` of a shuffled order of ``range(n)``.

    The documented order of a shuffled epoch: up to :data:`WHOLE_ORDER_LIMIT` samples,
    ``numpy.random.default_rng(key).permutation(n)``, drawn once and kept (a few are
    cached); above it the keyed bijection :func:`feistel_positions`, worked out per batch
    in memory of the batch. Both are functions of ``(positions, n, key)`` alone, so every
    loader, shard and machine serves the same order.

    Examples
    --------
    >>> order = shuffle_positions(np.arange(10), 10, (0, 0))
    >>> sorted(order.tolist()) == list(range(10))
    True
    >>> bool((shuffle_positions(np.arange(4, 7), 10, (0, 0)) == order[4:7]).all())
    True
    """
    positions = np.asarray(positions, dtype=np.int64)
    if n <= WHOLE_ORDER_LIMIT:
        return _whole_order(n, tuple(int(k) for k in key))[positions]
    return feistel_positions(positions, n, key)


@lru_cache(maxsize=4)
def _whole_order(n: int, key: tuple[int, ...]) -> np.ndarray:
    """Return the shuffled order of a small epoch, drawn whole (read-only)."""
    order = np.random.default_rng(list(key)).permutation(n)
    order.flags.writeable = False
    return order


def feistel_positions(positions: np.ndarray, n: int, key: tuple[int, ...]) -> np.ndarray:
    """Return the sample at each of ``positions`` of the keyed Feistel order of ``range(n)``.

    A keyed pseudo-random bijection of ``range(n)``: a Feistel network of
    ``FEISTEL_ROUNDS`` rounds on ``b`` bits, the fewest that hold ``n - 1`` (round function
    multiply-shift hashing, round keys drawn from ``numpy.random.default_rng(key)``),
    with cycle-walking: a value ``>= n`` goes through the network again until it lands in
    range (the domain ``2**b`` is less than ``2 n``, so under 2 passes on average, and
    the walk ends because it started in range). Positions are computed on their own, in
    memory of their number: a batch of a shuffled epoch needs no permutation of the
    whole epoch. Four rounds mix every bit of a position into every bit of its sample
    (Feistel networks with random round functions are pseudo-random permutations from 4
    rounds, Luby-Rackoff): no position says anything usable about its sample, which is
    what stochastic gradient descent asks of a shuffle.

    Examples
    --------
    >>> order = feistel_positions(np.arange(10), 10, (0, 0))
    >>> sorted(order.tolist()) == list(range(10))
    True
    >>> bool((feistel_positions(np.arange(4, 7), 10, (0, 0)) == order[4:7]).all())
    True
    """
    positions = np.asarray(positions, dtype=np.int64)
    if n <= 1:
        return positions.copy()
    bits = (n - 1).bit_length()
    keys = _round_keys(tuple(int(k) for k in key))
    out = np.empty(len(positions), dtype=np.int64)
    limit = np.uint64(n)
    for begin in range(0, len(positions), 1 << 20):  # bounds the temporaries
        values = _feistel(positions[begin : begin + (1 << 20)].astype(np.uint64), bits, keys)
        outside = np.flatnonzero(values >= limit)
        while len(outside):
            values[outside] = _feistel(values[outside], bits, keys)
            outside = outside[values[outside] >= limit]
        out[begin : begin + len(values)] = values.astype(np.int64)
    return out


@lru_cache(maxsize=4)
def _shuffled_chunk(n: int, key: tuple[int, ...], chunk: int) -> np.ndarray:
    """Positions ``[chunk * CHUNK, (chunk + 1) * CHUNK)`` of the shuffled order (read-only)."""
    begin = chunk * CHUNK
    found = feistel_positions(np.arange(begin, min(begin + CHUNK, n), dtype=np.int64), n, key)
    found.flags.writeable = False
    return found


def shuffled_at(positions: np.ndarray, n: int, key: tuple[int, ...]) -> np.ndarray:
    """``shuffle_positions(positions, n, key)``, read from cached chunks of the order.

    For a batch: the chunks it touches are worked out once and serve the batches after
    it, so a batch costs about its share of a chunk (a few are kept: memory O(CHUNK)).
    """
    positions = np.asarray(positions, dtype=np.int64)
    if n <= WHOLE_ORDER_LIMIT or not len(positions):
        return shuffle_positions(positions, n, key)
    chunks = positions // CHUNK
    first = int(chunks[0])
    if (chunks == first).all():  # a batch, nearly always
        return _shuffled_chunk(n, key, first)[positions - first * CHUNK]
    out = np.empty(len(positions), dtype=np.int64)
    for chunk in np.unique(chunks).tolist():
        inside = chunks == chunk
        out[inside] = _shuffled_chunk(n, key, chunk)[positions[inside] - chunk * CHUNK]
    return out


def series_segments(plan: WindowPlan, level: int | None = None) -> tuple[Segment, ...]:
    """Return the plan's samples as segments ``(first_sample, count, series)``.

    A series is a ``group_by`` group (all its runs), or without groups a run between
    gaps; series are numbered in order of their first sample. With ``level`` (several
    group keys), the number is that of the key's value: the series sharing it are one.
    """
    numbers: dict[Hashable, int] = {}
    segments = []
    for block, first in plan.blocks_with_samples():
        key = plan.run_groups[block.run] if plan.run_groups else block.run
        if level is not None:
            key = cast(tuple[Hashable, ...], key)[level]
        segments.append((first, block.count, numbers.setdefault(key, len(numbers))))
    return tuple(segments)


def check_shard_by(shard_by: Any) -> tuple[str, Hashable | None]:
    """Return ``(kind, key)``: ``"window"`` or ``"series"``, and the key of ``("series", key)``."""
    if isinstance(shard_by, (tuple, list)):
        if len(shard_by) == 2 and shard_by[0] == "series" and isinstance(shard_by[1], Hashable):
            return "series", shard_by[1]
        raise ShapeError(
            "`shard_by` must be 'window', 'series' or ('series', key): the pair keeps every "
            "series with the same value of one `group_by` key on one shard (for example "
            f"('series', 'store')). {received('shard_by', shard_by)}"
        )
    return check_choice(shard_by, "shard_by", SHARD_BY), None


def segments_for(
    plan: WindowPlan, shard_by: Any, group_keys: tuple[Hashable, ...]
) -> tuple[Segment, ...] | None:
    """Return the segments a schedule with ``shard_by`` deals (``None`` for windows).

    ``group_keys`` are the windows' keys (:attr:`WindowSource.group_keys`): the key of
    ``("series", key)`` must be one of them.
    """
    kind, key = check_shard_by(shard_by)
    if kind == "window":
        return None
    if key is None:
        return series_segments(plan)
    if key not in group_keys:
        keys = ", ".join(map(repr, group_keys)) if group_keys else "none (no `group_by`)"
        raise ShapeError(
            f"`shard_by=('series', {key!r})` keeps the series of each value of key {key!r} "
            f"on one shard, but the windows' `group_by` keys are {keys}. Name one of "
            f"them, or use shard_by='series'. {received('shard_by', shard_by)}"
        )
    return series_segments(plan, group_keys.index(key) if len(group_keys) > 1 else None)


def _checked_segments(series: Sequence[Segment] | None, n_samples: int) -> tuple[Segment, ...]:
    """Return the segments as int triples, checked to tile ``range(n_samples)``."""
    if series is None:
        raise ShapeError(
            "shard_by='series' needs the series of every sample: use Windows.schedule(...) "
            f"or pass series=series_segments(plan). {received('series', series)}"
        )
    segments = tuple((int(a), int(b), int(c)) for a, b, c in series)
    covered = sorted((first, count) for first, count, _ in segments if count)
    at = 0
    for first, count in covered:
        if first != at:
            break
        at += count
    if at != n_samples or any(count < 0 for _, count, _ in segments):
        raise ShapeError(
            f"`series` must cover samples 0 to {n_samples - 1} once, in segments "
            f"(first_sample, count, series). {received('series', segments)}"
        )
    return segments


@lru_cache(maxsize=64)
def _series_shards(
    segments: tuple[Segment, ...], num_shards: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Deal whole series to shards, largest first, each to the lightest shard.

    Returns every shard's samples as segments in increasing order: ``(firsts, ends)``,
    the first sample of each segment and the cumulative count at its end (read-only;
    memory per series, not per sample). Deterministic: ties between series go by series
    number, ties between shards to the lower shard.
    """
    sizes: dict[int, int] = {}
    for _, count, number in segments:
        sizes[number] = sizes.get(number, 0) + count
    loads = [0] * num_shards
    shard_of: dict[int, int] = {}
    for number in sorted(sizes, key=lambda n: (-sizes[n], n)):
        lightest = min(range(num_shards), key=lambda k: (loads[k], k))
        shard_of[number] = lightest
        loads[lightest] += sizes[number]
    parts: list[list[tuple[int, int]]] = [[] for _ in range(num_shards)]
    for first, count, number in sorted(segments):
        if count:
            parts[shard_of[number]].append((first, count))
    shards = []
    for part in parts:
        pairs = np.array(part, dtype=np.int64).reshape(-1, 2)
        firsts, ends = pairs[:, 0].copy(), np.cumsum(pairs[:, 1])
        firsts.flags.writeable = ends.flags.writeable = False
        shards.append((firsts, ends))
    return tuple(shards)
