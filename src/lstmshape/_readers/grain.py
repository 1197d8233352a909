"""grain: the batch schedule as a map-style data source of batches, for JAX and Keras 3.

Imported only by :meth:`Windows.to_grain`; importing it imports grain, or raises an
ImportError that says ``pip install "lstmshape[grain]"``. Element ``i`` of the source is
batch ``i % n`` of epoch ``epoch + i // n`` of the schedule (``n`` batches per epoch),
gathered by numpy: the same batches as :meth:`Windows.batches` for the same seed, epoch
and shard. Everything else is grain's: its iterators checkpoint their position
(``get_state`` / ``set_state``), ``mp_prefetch`` reads ahead in worker processes, and
``keras.Model.fit`` takes the dataset directly.
"""

from __future__ import annotations

import operator
import threading
from typing import Any

import numpy as np

from .._core.errors import ShapeError, received
from .._core.frameworks import import_grain
from .._core.validate import check_int
from .._plan.schedule import BatchSchedule
from .loader import Loader, check_shard_pair
from .source import WindowSource

grain = import_grain("Windows.to_grain")  # the ImportError that names the extra


class BatchSource(Loader):
    """A grain ``RandomAccessDataSource`` of batches: ``source[i]`` is one whole batch.

    ``len()`` is ``epochs`` times the batches per epoch; element ``i`` is batch ``i % n``
    of epoch ``epoch + i // n``. Made by :meth:`Windows.to_grain`, which wraps it in a
    ``grain.MapDataset``; its position lives in grain's iterator (``get_state``).
    """

    def __init__(
        self,
        source: WindowSource,
        schedule: BatchSchedule,
        *,
        epoch: Any = 0,
        epochs: Any = 1,
        dtype: Any = None,
    ) -> None:
        super().__init__(source, schedule, epoch=epoch, dtype=dtype)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self._orders: tuple[int, np.ndarray | None] | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.epochs * len(self.schedule)

    def __getitem__(self, index: int) -> Any:
        position = operator.index(index)
        if not 0 <= position < len(self):
            raise IndexError(
                f"batch {index} out of range: {self.epochs} epochs of {len(self.schedule)} "
                f"batches hold {len(self)}"
            )
        offset, number = divmod(position, len(self.schedule))
        epoch = self.epoch + offset
        with self._lock:  # grain reads in threads; the order is computed once per epoch
            if self._orders is None or self._orders[0] != epoch:
                self._orders = (epoch, self._order(epoch))
            order = self._orders[1]
        x, y = self._gather(number, epoch, order)
        if y is None:
            return (x,) if isinstance(x, dict) else x
        return x, y

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # grain's worker processes get a pickled copy
        state["_orders"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        s = self.schedule
        return (
            f"BatchSource({self.epochs} epochs of {len(s)} batches of up to {s.batch_size} "
            f"windows, from epoch {self.epoch}{', shuffled' if s.shuffle else ''}"
            f"{f', shard {s.shard_index} of {s.num_shards}' if s.num_shards > 1 else ''})"
        )


def shards_of(num_shards: Any, shard_index: Any, shard_options: Any) -> tuple[Any, Any, bool]:
    """Return ``(num_shards, shard_index, even)`` from ours or grain's ``ShardOptions``."""
    if shard_options is None:
        check_shard_pair(
            num_shards,
            shard_index,
            "pass both, or neither (one shard, or grain's "
            "shard_options=grain.sharding.ShardByJaxProcess())",
        )
        return (1, 0, False) if num_shards is None else (num_shards, shard_index, False)
    if not isinstance(shard_options, grain.sharding.ShardOptions):
        raise TypeError(
            "`shard_options` must be a grain.sharding.ShardOptions (for example "
            "grain.sharding.ShardByJaxProcess()). "
            f"Received: shard_options={shard_options!r} (of type {type(shard_options).__name__})"
        )
    if num_shards is not None or shard_index is not None:
        raise ShapeError(
            "Pass the shards once: `shard_options` or `num_shards`/`shard_index`, not both. "
            f"{received('num_shards', num_shards)}"
        )
    options = shard_options
    return options.shard_count, options.shard_index, bool(options.drop_remainder)


def to_grain(
    source: WindowSource, schedule: BatchSchedule, *, epoch: Any, epochs: Any, dtype: Any
) -> Any:
    """Return the ``grain.MapDataset`` of :meth:`Windows.to_grain`."""
    return grain.MapDataset.source(
        BatchSource(source, schedule, epoch=epoch, epochs=epochs, dtype=dtype)
    )
