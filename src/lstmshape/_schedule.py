"""The batch schedule: which samples form each batch, for every loader and framework.

Pure numpy and framework-free. Given the number of samples and the loader options
(``batch_size``, ``shuffle``, ``seed``, ``epoch``, ``drop_remainder``, ``num_shards``,
``shard_index``) it says which sample numbers make up batch ``b`` of epoch ``e``. The
tf.data pipeline, the numpy iterator, the Keras ``PyDataset`` and the PyTorch loader all
read it, so one seed means one order everywhere.

The rules, stated once:

* **order**: without shuffling, samples in order. With ``shuffle=True``, epoch ``e``
  uses the permutation drawn by ``numpy.random.default_rng([seed, e])``: a new order every
  epoch, the same order for the same seed and epoch on every machine.
* **shards**: shard ``k`` of ``K`` takes every ``K``-th sample of the epoch's order,
  starting at position ``k`` (as ``torch.utils.data.DistributedSampler`` does, without
  padding). The shards are disjoint and together hold every sample exactly once per epoch;
  their sizes differ by at most one sample.
* **batches**: consecutive slices of ``batch_size`` of the shard's order; the last one
  may be smaller unless ``drop_remainder=True`` drops it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._errors import ShapeError, plural, received
from ._validate import check_bool, check_int, check_seed


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
    """

    n_samples: int
    batch_size: int = 32
    shuffle: bool = False
    seed: int = 0
    drop_remainder: bool = False
    num_shards: int = 1
    shard_index: int = 0

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
    ) -> BatchSchedule:
        """Validate loader options against ``n_samples``; never a silently empty schedule.

        Without a ``seed``, a shuffled schedule draws one at random (once), so its epochs
        still differ from each other but runs do not repeat.
        """
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        shuffle = check_bool(shuffle, "shuffle")
        checked_seed = check_seed(seed, shuffle=shuffle)
        drop_remainder = check_bool(drop_remainder, "drop_remainder")
        num_shards = check_int(num_shards, "num_shards", minimum=1)
        shard_index = check_int(shard_index, "shard_index", minimum=0)
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
        schedule = cls(
            n_samples=n_samples,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=secrets.randbits(63) if checked_seed is None else checked_seed,
            drop_remainder=drop_remainder,
            num_shards=num_shards,
            shard_index=shard_index,
        )
        smallest = n_samples // num_shards
        if drop_remainder and smallest < batch_size:
            where = "" if num_shards == 1 else f" in the smallest of {num_shards} shards"
            raise ShapeError(
                f"drop_remainder=True with batch_size={batch_size} would drop every window: "
                f"there are only {plural(smallest, 'window')}{where}, fewer than one batch. "
                f"Use batch_size <= {smallest}, or drop_remainder=False. "
                f"{received('batch_size', batch_size)}"
            )
        return schedule

    @property
    def shard_size(self) -> int:
        """Number of samples in this shard, per epoch (before dropping a remainder)."""
        return len(range(self.shard_index, self.n_samples, self.num_shards))

    def __len__(self) -> int:
        """Return the number of batches per epoch."""
        full, rest = divmod(self.shard_size, self.batch_size)
        return full if self.drop_remainder or not rest else full + 1

    @property
    def in_order(self) -> bool:
        """Whether the shard's samples are an arithmetic progression (never shuffled)."""
        return not self.shuffle

    def order(self, epoch: int = 0) -> np.ndarray:
        """Return this shard's sample numbers for ``epoch``, in the order they are served."""
        epoch = check_int(epoch, "epoch", minimum=0)
        if not self.shuffle:
            return np.arange(self.shard_index, self.n_samples, self.num_shards, dtype=np.int64)
        permutation = permutation_for(self.n_samples, self.seed, epoch)
        return permutation[self.shard_index :: self.num_shards]

    def batch(self, number: int, epoch: int = 0, order: np.ndarray | None = None) -> np.ndarray:
        """Sample numbers of batch ``number`` (pass ``order(epoch)`` to avoid recomputing it)."""
        if not 0 <= number < len(self):
            raise IndexError(f"batch {number} out of range: this epoch has {len(self)} batches")
        begin = number * self.batch_size
        end = min(begin + self.batch_size, self.shard_size)
        if order is not None:
            return order[begin:end]
        if not self.shuffle:
            first = self.shard_index + self.num_shards * begin
            return np.arange(first, first + self.num_shards * (end - begin), self.num_shards)
        return self.order(epoch)[begin:end]

    def batches(self, epoch: int = 0) -> Iterator[np.ndarray]:
        """Yield the sample numbers of every batch of ``epoch``."""
        order = self.order(epoch)
        for number in range(len(self)):
            yield self.batch(number, epoch, order)


def permutation_for(n_samples: int, seed: int, epoch: int) -> np.ndarray:
    """Return the shuffled order of all samples for one epoch: the same on every machine."""
    return np.random.default_rng([seed, epoch]).permutation(n_samples)
