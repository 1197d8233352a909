"""One base for every loader: a source, a batch schedule, an epoch, a dtype, and a resumable state.

Every loader of :class:`lstmshape.Windows` (the numpy :class:`Batches`, the PyTorch
``TorchBatches``, the Keras ``WindowsPyDataset``, grain's ``BatchSource`` and the
``tf.data`` pipeline) reads the same :class:`BatchSchedule` and keeps the same four things:
what it reads (the private ``WindowSource``), which samples form each batch (the schedule,
validated by ``Windows.schedule``), which epoch it serves and which dtype it casts to. The
last two are validated here, once, by :meth:`LoaderOptions.from_user`.

**Resumable state** (PyTorch's and torchdata's ``state_dict`` convention). Batch ``b`` of
epoch ``e`` is a pure function of the schedule, so a loader's position is two integers:
``state_dict()`` returns ``{"epoch": e, "batch": k, "schedule": {...}}`` where ``k`` is
the number of batches of epoch ``e`` already served in the current pass, and the schedule's
description says what the state belongs to. ``load_state_dict(state)`` makes the next pass
start at batch ``k`` of epoch ``e``: the batches after a restore are the batches an
uninterrupted run would have served. A restore is refused when the data or its order
differ (number of windows, shuffling, seed, series); when only the layout differs (another
number of shards or workers, another shard index or batch size), it resumes at the next
epoch boundary: epoch ``e`` from its start when no batch of it was served, else epoch
``e + 1``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core.docs import shared_docs
from .._core.errors import ShapeError, received
from .._core.validate import check_float_dtype, check_int
from .._plan.schedule import BatchSchedule
from .source import WindowSource

#: Schedule fields that say which data an epoch serves in which order: a state saved with
#: other values belongs to other data, and restoring it is refused.
IDENTITY = ("n_samples", "shuffle", "seed", "series")
#: Schedule fields of the layout (how an epoch is cut into shards and batches): a state
#: saved with other values resumes at the next epoch boundary.
LAYOUT = ("batch_size", "drop_remainder", "num_shards", "shard_index", "shard_by", "even_shards")


@dataclass(frozen=True)
class LoaderOptions:
    """The options every loader is built from: the schedule, the first epoch, the dtype.

    Loaders with options of their own (``tf.data``) extend it; :meth:`from_user` is the
    one place where ``epoch`` and ``dtype`` are checked.
    """

    schedule: BatchSchedule
    epoch: int = 0
    dtype: np.dtype[Any] | None = None

    @classmethod
    def from_user(cls, schedule: BatchSchedule, *, epoch: Any, dtype: Any) -> LoaderOptions:
        """Validate ``epoch`` (an int, at least 0) and ``dtype`` (a floating dtype or None)."""
        return cls(schedule, check_int(epoch, "epoch", minimum=0), check_float_dtype(dtype))


def check_shard_pair(num_shards: Any, shard_index: Any, ways: str) -> None:
    """Refuse ``num_shards`` without ``shard_index`` or the reverse (loaders that default both).

    ``ways`` says what passing both and passing neither mean for the loader at hand.
    """
    if (num_shards is None) != (shard_index is None):
        given = "num_shards" if shard_index is None else "shard_index"
        raise ShapeError(
            f"`num_shards` and `shard_index` go together: {ways}. "
            f"{received(given, num_shards if shard_index is None else shard_index)}"
        )


def describe_schedule(schedule: BatchSchedule) -> dict[str, Any]:
    """Return what identifies ``schedule`` in a state: plain ints, bools and strings."""
    series = np.asarray(schedule.series, dtype=np.int64).tobytes()
    return {
        "n_samples": schedule.n_samples,
        "shuffle": schedule.shuffle,
        # An unshuffled order does not depend on the seed (a random one is drawn anyway).
        "seed": schedule.seed if schedule.shuffle else None,
        "series": zlib.crc32(series) if schedule.shard_by == "series" else None,
        "batch_size": schedule.batch_size,
        "drop_remainder": schedule.drop_remainder,
        "num_shards": schedule.num_shards,
        "shard_index": schedule.shard_index,
        "shard_by": schedule.shard_by,
        "even_shards": schedule.even_shards,
    }


def resume_point(schedule: BatchSchedule, state: Any, owner: str) -> tuple[int, int]:
    """Return ``(epoch, batch)`` to resume ``schedule`` at from a saved ``state``.

    Refuses a state of other data (see :data:`IDENTITY`); a state of another layout
    resumes at the next epoch boundary (see the module docstring).
    """
    if not isinstance(state, Mapping) or not {"epoch", "batch", "schedule"} <= state.keys():
        raise ShapeError(
            f"{owner}.load_state_dict() takes the dict {owner}.state_dict() returned, with "
            f"'epoch', 'batch' and 'schedule'. {received('state', state)}"
        )
    epoch = check_int(state["epoch"], "state['epoch']", minimum=0)
    batch = check_int(state["batch"], "state['batch']", minimum=0)
    saved, now = dict(state["schedule"]), describe_schedule(schedule)
    other = [name for name in IDENTITY if saved.get(name) != now[name]]
    if other:
        described = ", ".join(f"{name}={saved.get(name)!r} (now {now[name]!r})" for name in other)
        raise ShapeError(
            f"This state belongs to other data or another order: it was saved with "
            f"{described}. Restore it into a loader built from the same windows with the "
            f"same shuffle and seed, or start this one afresh with set_epoch(). "
            f"{received('state', dict(state))}"
        )
    if any(saved.get(name) != now[name] for name in LAYOUT):
        # Another cut of the epoch: the batches served so far are not a prefix of this
        # loader's batches, so the epoch they belong to is finished first.
        return (epoch + 1 if batch else epoch), 0
    if batch > len(schedule):
        raise ShapeError(
            f"state['batch'] must be at most the {len(schedule)} batches of an epoch. "
            f"{received('state', dict(state))}"
        )
    return epoch, batch


@shared_docs
class Loader:
    """What every loader keeps: a source, a batch schedule, an epoch and a dtype.

    Made by the loader methods of :class:`lstmshape.Windows` (never from a user's
    ``WindowSource``). ``len()`` is the number of batches per epoch.

    Attributes
    ----------
    {loader_attributes}
    """

    def __init__(
        self, source: WindowSource, schedule: BatchSchedule, *, epoch: Any = 0, dtype: Any = None
    ) -> None:
        options = LoaderOptions.from_user(schedule, epoch=epoch, dtype=dtype)
        self.schedule, self.dtype, self._epoch = options.schedule, options.dtype, options.epoch
        self._source = source
        self._start = 0  # the batch the next pass starts at (a restored position)
        self._position = 0  # batches of the epoch served in the current pass

    @property
    def epoch(self) -> int:
        """The epoch whose order is served; change it with :meth:`set_epoch`."""
        return self._epoch

    @epoch.setter
    def epoch(self, epoch: int) -> None:
        self.set_epoch(epoch)

    def set_epoch(self, epoch: int) -> None:
        """Serve the order of ``epoch`` from the next pass on (as ``DistributedSampler``).

        Call it at the start of every epoch: with ``shuffle=True`` each epoch has its own
        order, the same in every process for the same seed. Setting the epoch a restored
        state is at keeps the restored position (a resumed loop calls ``set_epoch`` again).
        """
        checked = check_int(epoch, "epoch", minimum=0)
        if checked != self._epoch:
            self._epoch, self._start, self._position = checked, 0, 0

    def __len__(self) -> int:
        return len(self.schedule)

    # -- resumable state ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Return the position: ``{"epoch": e, "batch": k, "schedule": {...}}``.

        ``k`` batches of epoch ``e`` were served in the current pass (``k == len(self)``
        once the pass is complete). Plain ints, bools and strings: it pickles, and it fits
        in a ``torch.save`` or a JSON checkpoint.
        """
        return {
            "epoch": self._epoch,
            "batch": self._position,
            "schedule": describe_schedule(self.schedule),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resume at a saved position: the next pass serves what an uninterrupted run would.

        A state of a complete pass (``batch == len(self)``) makes the next pass a whole
        epoch again, as without the interruption. A state of another layout (number of
        shards or workers, shard index, batch size) resumes at the next epoch boundary; a
        state of other data, shuffle or seed is refused.
        """
        epoch, batch = resume_point(self.schedule, state, type(self).__name__)
        self._epoch, self._position = epoch, batch
        self._start = 0 if batch >= len(self.schedule) else batch

    def _begin_pass(self) -> int:
        """Return the batch a new pass starts at (a restored position is used once)."""
        start, self._start = self._start, 0
        self._position = start
        return start

    def _order(self, epoch: int) -> np.ndarray | None:
        """Return the epoch's order when batches need it (shards of series); else None.

        Window shards, shuffled or not, work out each batch from its positions (memory
        O(batch)): no loader holds an epoch's order of them.
        """
        return None if self.schedule.per_batch else self.schedule.order(epoch)

    def _gather(self, number: int, epoch: int, order: np.ndarray | None) -> tuple[Any, Any]:
        """Return batch ``number`` of ``epoch`` as numpy ``(x, y)`` (``y`` None: inputs only)."""
        return self._source.gather(self.schedule.batch(number, epoch, order), self.dtype)

    def __repr__(self) -> str:
        s = self.schedule
        return (
            f"{type(self).__name__}({len(self)} batches of up to {s.batch_size} windows, epoch "
            f"{self.epoch}{', shuffled' if s.shuffle else ''}"
            f"{f', shard {s.shard_index} of {s.num_shards}' if s.num_shards > 1 else ''})"
        )


class Batches(Loader):
    """The numpy batches of :meth:`Windows.batches`: iterable, with ``len()``.

    Each pass (``for x, y in batches``) gathers one epoch of the batch schedule anew, one
    batch at a time; every pass serves :attr:`epoch` until :meth:`set_epoch` says
    otherwise. :meth:`state_dict` / :meth:`load_state_dict` save and restore the position
    within the epoch (see :mod:`lstmshape._readers.loader`). Made by
    :meth:`Windows.batches`.

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> batches = lstmshape.windows(np.arange(20.0), 5).batches(4)
    >>> first = next(iter(batches))
    >>> state = batches.state_dict()
    >>> state["epoch"], state["batch"]
    (0, 1)
    >>> again = lstmshape.windows(np.arange(20.0), 5).batches(4)
    >>> again.load_state_dict(state)
    >>> [x.shape for x, y in again]            # the 3 batches an uninterrupted pass has left
    [(4, 5, 1), (4, 5, 1), (3, 5, 1)]
    """

    def __iter__(self) -> Iterator[Any]:
        epoch, start = self._epoch, self._begin_pass()
        order = self._order(epoch)
        for number in range(start, len(self.schedule)):
            x, y = self._gather(number, epoch, order)
            self._position = number + 1
            yield x if y is None else (x, y)
