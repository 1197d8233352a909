"""The Keras ``PyDataset`` loader: a reader of the batch schedule for ``model.fit`` on any backend.

Imported only by :meth:`Windows.to_pydataset`; importing it imports Keras 3 (on the
backend ``KERAS_BACKEND`` selects, never TensorFlow unless that is the backend), or raises
an ImportError that names the extra to install. Batch ``i`` of epoch ``e`` is the
schedule's batch ``i`` of epoch ``e``, gathered by numpy: the same batches as
``Windows.batches``, ``to_torch`` and ``to_dataset`` with the same options.
"""

from __future__ import annotations

import operator
import threading
from typing import Any

import numpy as np

from .._core.frameworks import import_keras
from .._core.validate import check_bool, check_float_dtype, check_int
from .._plan.schedule import BatchSchedule
from .source import WindowSource

import_keras("Windows.to_pydataset")  # the ImportError that names the extra, before the import

import keras  # noqa: E402 - after the friendly check above


class WindowsPyDataset(keras.utils.PyDataset):  # type: ignore[misc] # Keras has no types
    """The batches of :meth:`Windows.to_pydataset`: ``dataset[i]`` is batch ``i`` of the epoch.

    ``dataset[i]`` returns numpy ``(x, y)`` (``x`` alone for inputs-only windows; ``x`` is a
    dict by input name when the windows have covariates), ``len()``
    is the number of batches per epoch, and :attr:`epoch` says which epoch's order is
    served.

    **Epochs.** ``model.fit`` calls ``on_epoch_end`` after every epoch; the dataset then
    moves to the next epoch of the schedule (a new order with ``shuffle=True``) once a whole
    epoch's batches have been served since the last move. Keras also reads a batch or two
    before training, to build the model, and calls ``on_epoch_end`` after that look: it does
    not count, so the first epoch of ``fit`` serves epoch ``epoch``, the next ``epoch + 1``,
    and so on, as ``to_dataset`` does. (With ``use_multiprocessing=True`` the batches are
    read in other processes, which this process cannot count: every ``on_epoch_end`` moves
    to the next epoch.) :meth:`set_epoch` chooses the epoch directly.

    Attributes
    ----------
    schedule : BatchSchedule
        Which samples form each batch (per epoch and shard).
    dtype : numpy.dtype or None
        The dtype batches are cast to (``None``: the windows' dtype).
    """

    def __init__(
        self,
        source: WindowSource,
        schedule: BatchSchedule,
        *,
        epoch: Any = 0,
        dtype: Any = None,
        workers: Any = 1,
        use_multiprocessing: Any = False,
        max_queue_size: Any = 10,
    ) -> None:
        super().__init__(
            workers=check_int(workers, "workers", minimum=1),
            use_multiprocessing=check_bool(use_multiprocessing, "use_multiprocessing"),
            max_queue_size=check_int(max_queue_size, "max_queue_size", minimum=1),
        )
        self.schedule = schedule
        self.dtype = check_float_dtype(dtype)
        self._source = source
        self._epoch = check_int(epoch, "epoch", minimum=0)
        self._order: tuple[int, np.ndarray | None] | None = None
        self._served = 0  # batches served since the epoch last moved on
        self._lock = threading.Lock()

    @property
    def epoch(self) -> int:
        """The epoch whose order is being served."""
        return self._epoch

    def set_epoch(self, epoch: int) -> None:
        """Serve the order of ``epoch`` from now on (as ``DistributedSampler.set_epoch``)."""
        checked = check_int(epoch, "epoch", minimum=0)
        with self._lock:
            self._epoch, self._served = checked, 0

    def __len__(self) -> int:
        return len(self.schedule)

    def __getitem__(self, index: int) -> Any:
        number = operator.index(index)  # out of range: the schedule's IndexError
        with self._lock:
            epoch, order = self._epoch_and_order()
            self._served += 1
        x, y = self._source.gather(self.schedule.batch(number, epoch, order), self.dtype)
        if y is None:  # Keras reads a dict alone as a whole batch: named inputs go in a tuple
            return (x,) if isinstance(x, dict) else x
        return x, y

    def _epoch_and_order(self) -> tuple[int, np.ndarray | None]:
        """Return the current epoch and its order (computed once per epoch; under the lock)."""
        if self._order is None or self._order[0] != self._epoch:
            order = self.schedule.order(self._epoch) if self.schedule.shuffle else None
            self._order = (self._epoch, order)
        return self._order

    def on_epoch_end(self) -> None:
        """Move to the next epoch once a whole epoch was served (see the class docstring)."""
        with self._lock:
            if self.use_multiprocessing or self._served >= len(self):
                self._epoch += 1
                self._served = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # locks do not pickle (multiprocessing with the spawn method)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        s = self.schedule
        return (
            f"WindowsPyDataset({len(self)} batches of up to {s.batch_size} windows, epoch "
            f"{self.epoch}{', shuffled' if s.shuffle else ''}"
            f"{f', shard {s.shard_index} of {s.num_shards}' if s.num_shards > 1 else ''})"
        )
