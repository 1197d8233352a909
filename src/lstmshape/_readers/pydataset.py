"""The Keras ``PyDataset`` loader: a reader of the batch schedule for ``model.fit`` on any backend.

Imported only by :meth:`Windows.to_pydataset`; importing it imports Keras 3 (on the
backend ``KERAS_BACKEND`` selects, never TensorFlow unless that is the backend), or raises
an ImportError that names the extra to install. Batch ``i`` of epoch ``e`` is the
schedule's batch ``i`` of epoch ``e``, gathered by numpy: the same batches as
``Windows.batches``, ``to_torch`` and ``to_dataset`` with the same options.
"""

from __future__ import annotations

import operator
import sys
import threading
from types import FrameType
from typing import Any

import numpy as np

from .._core.docs import shared_docs
from .._core.frameworks import import_keras
from .._core.validate import check_bool, check_int
from .._plan.schedule import BatchSchedule
from .loader import Loader
from .source import WindowSource

import_keras("Windows.to_pydataset")  # the ImportError that names the extra, before the import

import keras  # noqa: E402 - after the friendly check above


@shared_docs
class WindowsPyDataset(Loader, keras.utils.PyDataset):  # type: ignore[misc] # Keras has no types
    """The batches of :meth:`Windows.to_pydataset`: ``dataset[i]`` is batch ``i`` of the epoch.

    ``dataset[i]`` returns numpy ``(x, y)`` (``x`` alone for inputs-only windows; ``x`` is a
    dict by input name when the windows have covariates), ``len()``
    is the number of batches per epoch, and :attr:`epoch` says which epoch's order is
    served.

    **Epochs.** ``model.fit`` calls ``on_epoch_end`` after every epoch; the dataset then
    moves to the next epoch of the schedule (a new order with ``shuffle=True``). Keras also
    reads a batch or two before training, to build the model, and calls ``on_epoch_end``
    when it resets its iterator after that look and at the start of every ``fit``: those
    calls are not the end of an epoch and do not count, whatever the number of batches, so
    the first epoch of ``fit`` serves epoch ``epoch``, the next ``epoch + 1``, and so on, as
    ``to_dataset`` does. :meth:`set_epoch` chooses the epoch directly.

    **State.** :meth:`state_dict` holds the epoch and the batches of it served so far;
    ``dataset[i]`` is batch ``i`` of the restored epoch, so a reader resuming at batch
    ``k`` asks for ``dataset[k]`` on. ``model.fit`` starts every epoch at batch 0:
    resume ``fit`` at an epoch boundary (``initial_epoch=``) from a state saved at the end
    of an epoch.

    Attributes
    ----------
    {loader_attributes}
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
        keras.utils.PyDataset.__init__(
            self,
            workers=check_int(workers, "workers", minimum=1),
            use_multiprocessing=check_bool(use_multiprocessing, "use_multiprocessing"),
            max_queue_size=check_int(max_queue_size, "max_queue_size", minimum=1),
        )
        Loader.__init__(self, source, schedule, epoch=epoch, dtype=dtype)
        self._orders: tuple[int, np.ndarray | None] | None = None
        self._lock = threading.Lock()

    def set_epoch(self, epoch: int) -> None:
        """Serve the order of ``epoch`` from now on (as ``DistributedSampler.set_epoch``)."""
        with self._lock:
            super().set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.schedule)

    def __getitem__(self, index: int) -> Any:
        number = operator.index(index)  # out of range: the schedule's IndexError
        with self._lock:
            epoch, order = self._epoch_and_order()
            self._position = min(self._position + 1, len(self.schedule))
        x, y = self._gather(number, epoch, order)
        if y is None:  # Keras reads a dict alone as a whole batch: named inputs go in a tuple
            return (x,) if isinstance(x, dict) else x
        return x, y

    def _epoch_and_order(self) -> tuple[int, np.ndarray | None]:
        """Return the current epoch and its order (computed once per epoch; under the lock)."""
        if self._orders is None or self._orders[0] != self._epoch:
            self._orders = (self._epoch, self._order(self._epoch))
        return self._orders

    def on_epoch_end(self) -> None:
        """Move to the next epoch, unless Keras only resets its iterator (see the class)."""
        if _keras_resets_its_iterator():
            return
        with self._lock:
            self._epoch += 1
            self._start = self._position = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # locks do not pickle (multiprocessing with the spawn method)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


def _keras_resets_its_iterator() -> bool:
    """Whether ``on_epoch_end`` comes from Keras' ``EpochIterator.reset``, not an epoch's end.

    ``fit`` and ``evaluate`` reset their epoch iterator once before the first epoch (after
    reading a batch to build the model, when it is not built yet); the reset calls the
    dataset's ``on_epoch_end``. Counting batches cannot tell that look from a whole epoch
    of one or two batches, so the caller is asked.
    """
    frame: FrameType | None = sys._getframe(2)  # the caller of on_epoch_end: Keras' adapter
    for _ in range(4):
        if frame is None:
            return False
        code = frame.f_code
        if code.co_name == "reset" and code.co_filename.endswith("epoch_iterator.py"):
            return True
        frame = frame.f_back
    return False
