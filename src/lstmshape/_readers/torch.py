"""PyTorch loaders: readers of the batch schedule that yield ``torch.Tensor`` batches.

Imported only by :meth:`Windows.to_torch` (and by users who want the map-style
:class:`WindowDataset`); importing it imports PyTorch, or raises an ImportError that says
``pip install "lstmshape[torch]"``. Nothing is decided here: which samples form a batch is
the schedule's answer (:mod:`._schedule`), which rows a sample reads is the source's
(:mod:`._source`). Each batch is gathered by numpy and handed to PyTorch with
``torch.from_numpy`` (no second copy).
"""

from __future__ import annotations

import contextlib
import operator
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .._core.docs import shared_docs
from .._core.errors import received_type
from .._core.frameworks import import_torch
from .._core.validate import check_float_dtype, check_int
from .._plan.schedule import BatchSchedule
from .loader import Loader, check_shard_pair
from .source import WindowSource

import_torch("Windows.to_torch")  # the ImportError that names the extra, before the imports

import torch  # noqa: E402 - after the friendly check above
from torch.utils.data import Dataset, IterableDataset, get_worker_info  # noqa: E402

from .torchdevice import DeviceGather  # noqa: E402 - imports torch

#: What a loader yields: ``(x, y)``, or ``x`` alone for inputs-only windows; ``x`` is a
#: dict of tensors by input name when the windows have covariates.
Inputs = torch.Tensor | dict[str, torch.Tensor]
Batch = tuple[Inputs, torch.Tensor] | Inputs


def tensors(x: Any) -> Inputs:
    """Hand a gathered batch to PyTorch without a copy: one tensor, or a dict of them."""
    if isinstance(x, dict):
        return {name: torch.from_numpy(value) for name, value in x.items()}
    return torch.from_numpy(x)


def _tensor_of(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(array)


class _ByValue:
    """A batch array leaving a ``DataLoader`` worker: pickled as bytes, a tensor on arrival."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray]]:
        return _tensor_of, (self.array,)


def by_value(x: Any) -> Any:
    """Wrap a gathered batch (an array or a dict of them) to cross to the main process by value."""
    if isinstance(x, dict):
        return {name: _ByValue(value) for name, value in x.items()}
    return _ByValue(x)


def check_device(device: Any) -> torch.device:
    """Return ``torch.device(device)``, or a TypeError naming ``device``."""
    try:
        return torch.device(device)
    except (TypeError, RuntimeError):
        raise TypeError(
            '`device` must be a torch.device or its name ("cpu", "cuda", "cuda:1", '
            f'"mps"). {received_type("device", device)}'
        ) from None


def distributed_shards(num_shards: Any, shard_index: Any) -> tuple[Any, Any]:
    """Return ``(num_shards, shard_index)``: as given, else from ``torch.distributed``.

    With both left as ``None``: the world size and rank of an initialised process group,
    else one shard. Giving one without the other is an error. (The schedule checks the
    rest, such as the seed that shuffled shards must share.)
    """
    check_shard_pair(
        num_shards,
        shard_index,
        "pass both (this process' shard), or neither (the world size and rank of "
        "torch.distributed, or one shard)",
    )
    if num_shards is not None:
        return num_shards, shard_index
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size(), dist.get_rank()
    return 1, 0


@shared_docs
class TorchBatches(Loader, IterableDataset[Batch]):
    """The batches of :meth:`Windows.to_torch`: ``torch.Tensor`` ``(x, y)``, one epoch per pass.

    Iterate it directly (``for x, y in loader``), or hand it to
    ``torch.utils.data.DataLoader(loader, batch_size=None, num_workers=k)``: it is already
    batched (hence ``batch_size=None``), and each of the ``k`` worker processes gathers a
    disjoint share of the epoch's batches (worker ``j`` takes batches ``j``, ``j + k``,
    ...), so the epoch holds the same batches as without workers.

    :meth:`state_dict` / :meth:`load_state_dict` save and restore the position within the
    epoch (see :mod:`lstmshape._readers.loader`). With ``DataLoader`` workers the batches
    are counted in the workers, not here: save ``{**loader.state_dict(), "batch": k}`` with
    the ``k`` batches your loop took (torchdata's ``StatefulDataLoader`` asks the workers).

    Attributes
    ----------
    {loader_attributes}
    device : torch.device or None
        Where the rows are kept and batches gathered (``None``: gathered by numpy on the
        CPU and handed over without a copy).
    prefetch : int
        How many batches a background thread gathers ahead (0: none, each batch is
        gathered when asked for).

    Notes
    -----
    In ``DataLoader`` worker processes each batch is sent to the main process by value
    (pickled bytes through the worker's pipe), not through a shared-memory segment per
    tensor as PyTorch does by default: a batch is one gather of some tens of
    microseconds, and the shared-memory hand-over (a new segment and a file descriptor
    sent per tensor) cost ~20x that, so workers were slower than none. The store of rows
    is made before the workers start, so forked workers share it.
    """

    def __init__(
        self,
        source: WindowSource,
        schedule: BatchSchedule,
        *,
        epoch: Any = 0,
        dtype: Any = None,
        device: Any = None,
        prefetch: Any = 0,
    ) -> None:
        IterableDataset.__init__(self)
        Loader.__init__(self, source, schedule, epoch=epoch, dtype=dtype)
        self.prefetch = check_int(prefetch, "prefetch", minimum=0)
        source.row_store  # noqa: B018 - made once here, before DataLoader workers fork
        self._on_device: DeviceGather | None = None
        if device is not None:
            self._on_device = DeviceGather(source, self.dtype, check_device(device))

    @property
    def device(self) -> torch.device | None:
        """Where batches are gathered (``None``: by numpy, on the CPU)."""
        return None if self._on_device is None else self._on_device.device

    def set_epoch(self, epoch: int) -> None:
        """Serve the order of ``epoch`` from the next pass on (as ``DistributedSampler``).

        Call it at the start of every epoch: with ``shuffle=True`` each epoch has its own
        order, the same in every process for the same seed. Without the call, every pass
        repeats the same order. (With ``DataLoader(..., persistent_workers=True)`` the
        workers keep their own copy; leave ``persistent_workers`` off.) Setting the epoch a
        restored state is at keeps the restored position.
        """
        super().set_epoch(epoch)

    def __iter__(self) -> Iterator[Batch]:
        epoch, start = self._epoch, self._begin_pass()
        worker = get_worker_info()
        step = 1 if worker is None else worker.num_workers
        first = start if worker is None else start + worker.id
        numbered = self._numbered(range(first, len(self.schedule), step), epoch, worker is None)
        if self.prefetch:
            numbered = ahead(numbered, self.prefetch)
        for number, batch in numbered:
            self._position = number + 1
            yield batch

    def _numbered(self, numbers: range, epoch: int, in_main: bool) -> Iterator[tuple[int, Batch]]:
        """Yield ``(number, batch)`` for the batches ``numbers`` of ``epoch``."""
        order = self._order(epoch)
        schedule, on_device = self.schedule, self._on_device
        if on_device is not None:
            for number in numbers:
                xt, yt = on_device(schedule.batch(number, epoch, order))
                yield number, (xt if yt is None else (xt, yt))
            return
        # In a worker, batches cross to the main process by value (see Notes).
        hand_over: Callable[[Any], Any] = tensors if in_main else by_value
        if in_main and not self._source.named_inputs:
            hand_over = torch.from_numpy  # one array: no dict to look for
        gather, dtype = self._source.gather, self.dtype
        for number in numbers:
            x, y = gather(schedule.batch(number, epoch, order), dtype)
            yield number, (hand_over(x) if y is None else (hand_over(x), hand_over(y)))


_DONE = object()


def ahead(items: Iterator[Any], depth: int) -> Iterator[Any]:
    """Yield ``items``, made up to ``depth`` ahead by one background thread.

    numpy's gathers and PyTorch's ops release the GIL, so the next batches are gathered
    while the caller trains on this one. An error in the thread is raised here, in order;
    leaving the loop early stops the thread (it never waits more than 0.1 s to see it).
    """
    made: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                made.put(entry, timeout=0.1)
                return True
        return False

    def fill() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _DONE))
        except BaseException as error:  # handed to the caller, raised there
            put((False, error))

    thread = threading.Thread(target=fill, name="lstmshape-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            ok, item = made.get()
            if not ok:
                raise item
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        if threading.current_thread() is not thread:  # a collector may run it there
            thread.join()


class WindowDataset(Dataset[Batch]):
    """A map-style ``torch.utils.data.Dataset`` of single windows: ``dataset[i] = (X[i], y[i])``.

    For code built around samplers (``DataLoader(dataset, batch_size=256, shuffle=True)``,
    ``DistributedSampler``, a ``WeightedRandomSampler``). ``DataLoader`` fetches a whole
    batch at once through ``__getitems__`` (one gather, not one call per window), so it is
    far faster than slicing one window per ``__getitem__``; :meth:`Windows.to_torch` is
    faster still (no collation).

    Parameters
    ----------
    source : WindowSource
        What the windows read (``Windows.to_torch_dataset()`` passes it).
    dtype : str or numpy dtype, optional
        A floating dtype to cast to (``"float32"`` for ``torch.nn.LSTM``); default: the
        windows' dtype.

    Examples
    --------
    >>> import numpy as np, lstmshape
    >>> from lstmshape._readers.torch import WindowDataset
    >>> dataset = lstmshape.windows(np.arange(100.0), 10).to_torch_dataset(dtype="float32")
    >>> x, y = dataset[0]
    >>> len(dataset), tuple(x.shape), tuple(y.shape), x.dtype
    (90, (10, 1), (1,), torch.float32)
    """

    def __init__(self, source: WindowSource, *, dtype: Any = None) -> None:
        super().__init__()
        self._source: WindowSource = source
        self.dtype = check_float_dtype(dtype)

    def __len__(self) -> int:
        return self._source.n_samples

    def __getitem__(self, index: int) -> Batch:
        n = len(self)
        number = operator.index(index)
        if not -n <= number < n:
            raise IndexError(f"window {index} out of range: there are {n} windows")
        (sample,) = self.__getitems__([number % n])
        return sample

    def __getitems__(self, indices: Sequence[int]) -> list[Batch]:
        """Gather the windows ``indices`` in one go (``DataLoader`` calls it per batch)."""
        numbers = np.asarray(indices, dtype=np.int64)
        n = len(self)
        if numbers.size and (numbers.min() < 0 or numbers.max() >= n):
            raise IndexError(f"windows {indices!r} out of range: there are {n} windows")
        x, y = self._source.gather(numbers, self.dtype)
        xs: list[Any]
        if isinstance(x, dict):
            parts = {name: torch.from_numpy(value).unbind(0) for name, value in x.items()}
            xs = [dict(zip(parts, one, strict=True)) for one in zip(*parts.values(), strict=True)]
        else:
            xs = list(torch.from_numpy(x).unbind(0))
        if y is None:
            return xs
        return list(zip(xs, torch.from_numpy(y).unbind(0), strict=True))
