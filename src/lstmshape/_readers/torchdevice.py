"""Batches gathered on a PyTorch device: the rows stay there, each batch is an index op.

Imported only by :mod:`.torch` (``Windows.to_torch(..., device=...)``). The row store (the
data, or a panel's series concatenated once) is copied to the device once, at the
loader's dtype; a batch sends only its start rows (one integer per sample) and gathers
there with ``index_select``, so a GPU never waits on a host copy of the windows. The same
code runs on ``device="cpu"``, where it is tested against :meth:`Windows.batches`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from .._core.errors import ShapeError, received
from .source import WindowSource


class DeviceGather:
    """``samples -> (x, y)`` tensors on ``device``, equal to ``WindowSource.gather``.

    Parameters
    ----------
    source : WindowSource
        What the windows read.
    dtype : numpy.dtype or None
        The dtype the rows are kept in on the device (``None``: the windows' dtype).
    device : torch.device
        Where the rows live and batches are gathered.
    """

    def __init__(self, source: WindowSource, dtype: np.dtype[Any] | None, device: Any) -> None:
        rows = source.row_store
        if rows is None:  # a lazy panel: all of it, once (a copy of checked size)
            rows = np.asarray(source.values)
        rows = rows.astype(dtype or rows.dtype, copy=False)
        with warnings.catch_warnings():
            # A read-only array: the tensor shares it on the CPU, and nothing writes to it
            # (every batch is a new tensor made by index ops).
            warnings.filterwarnings("ignore", "The given NumPy array is not writable")
            on_cpu = torch.from_numpy(rows)
        try:
            self.rows = on_cpu.to(device)
        except (RuntimeError, AssertionError) as error:  # no such device in this build
            raise ShapeError(
                f"`device` {str(device)!r} cannot hold the rows of these windows "
                f"({rows.nbytes / 2**20:.1f} MiB of {rows.dtype}): {error}. Use a device "
                f'this machine has ("cpu", or "cuda" with a CUDA build of PyTorch). '
                f"{received('device', str(device))}"
            ) from None
        self.device = self.rows.device
        self._source = source
        self._n_columns = rows.shape[1]

    def _long(self, values: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(values, dtype=np.int64)).to(self.device)

    def _columns(self, batch: torch.Tensor, columns: tuple[int, ...]) -> torch.Tensor:
        if columns == tuple(range(self._n_columns)):
            return batch
        return batch.index_select(-1, self._long(np.asarray(columns)))

    def _read(self, rows: torch.Tensor, columns: tuple[int, ...]) -> torch.Tensor:
        """Rows ``rows`` (any shape) of ``columns``: ``rows.shape + (len(columns),)``."""
        flat = self.rows.index_select(0, rows.reshape(-1))
        return self._columns(flat.reshape(*rows.shape, self._n_columns), columns)

    def __call__(self, samples: np.ndarray) -> tuple[Any, torch.Tensor | None]:
        """Gather the batch of ``samples`` (sample numbers) on the device."""
        source, plan = self._source, self._source.plan
        f = source.framing
        samples = np.asarray(samples, dtype=np.int64)
        padded = bool(plan.n_padded)
        starts = self._long(source.starts_of(samples))
        begins = self._long(plan.run_begins[samples])[:, None] if padded else None
        real: torch.Tensor | None = None

        def role_rows(offset: int, length: int) -> torch.Tensor:
            steps = torch.arange(length, device=self.device, dtype=torch.int64)
            return (starts + offset)[:, None] + f.sampling_rate * steps[None, :]

        rows = role_rows(0, f.lookback)
        if begins is not None:
            real = rows >= begins
            rows = torch.where(real, rows, begins)
        past = self._read(rows, source.feature_cols)
        if real is not None:
            past = past.masked_fill(~real[..., None], 0)  # padded steps hold 0
        x: Any = past
        if source.named_inputs:
            x = {"past": past}
            target_rows = role_rows(f.target_start, f.target_length)
            if source.future_cols:
                x["future"] = self._read(target_rows, source.future_cols)
            if source.static_cols:
                first = starts[:, None]
                if begins is not None:  # read on the run's first row
                    first = torch.maximum(first, begins)
                x["static"] = self._read(first, source.static_cols)[:, 0, :]
            if plan.min_history is not None:
                x["mask"] = real if real is not None else torch.ones_like(rows, dtype=torch.bool)
        if f.inputs_only:
            return x, None
        y = self._read(role_rows(f.target_start, f.target_length), source.target_cols)
        return x, y[:, 0, :] if f.drops_step_axis else y
