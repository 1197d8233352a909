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

from .._core.errors import ShapeError, received
from .._core.frameworks import import_torch
from .source import WindowSource

torch = import_torch("Windows.to_torch(device=...)")


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
        self._views: dict[int, Any] = {}
        codes = source.codes_source  # the categorical codes: int32 rows of their own, never cast
        self._codes = None if codes is None else DeviceGather(codes, None, device)

    def _long(self, values: np.ndarray) -> Any:
        return torch.from_numpy(np.ascontiguousarray(values, dtype=np.int64)).to(self.device)

    def _columns(self, batch: Any, columns: tuple[int, ...]) -> Any:
        if columns == tuple(range(self._n_columns)):
            return batch
        return batch.index_select(-1, self._long(np.asarray(columns)))

    def _read(self, rows: Any, columns: tuple[int, ...]) -> Any:
        """Rows ``rows`` (any shape) of ``columns``: ``rows.shape + (len(columns),)``."""
        flat = self.rows.index_select(0, rows.reshape(-1))
        return self._columns(flat.reshape(*rows.shape, self._n_columns), columns)

    def _view(self, length: int) -> Any:
        """Return ``view[r] = rows[r + rate * arange(length)].T`` for every first row ``r``.

        A strided view (``unfold``), made once per length: a batch is one ``index_select``
        of whole windows, as neuralforecast gathers, not one per row.
        """
        if length not in self._views:
            rate = self._source.framing.sampling_rate
            span = (length - 1) * rate + 1
            if len(self.rows) < span:  # no sample reads these rows
                view = self.rows.new_empty((0, self._n_columns, length))
            else:
                view = self.rows.unfold(0, span, 1)[:, :, ::rate]
            self._views[length] = view
        return self._views[length]

    def _windows(self, first_rows: Any, length: int, columns: tuple[int, ...]) -> Any:
        """Return the windows of ``length`` rows from ``first_rows``, ``(B, length, C)``."""
        picked = self._view(length).index_select(0, first_rows).transpose(1, 2)
        return self._columns(picked, columns).contiguous()

    def __call__(self, samples: np.ndarray) -> tuple[Any, Any | None]:
        """Gather the batch of ``samples`` (sample numbers) on the device."""
        source, plan = self._source, self._source.plan
        f = source.framing
        samples = np.asarray(samples, dtype=np.int64)
        starts = self._long(source.starts_of(samples))
        real: Any | None = None
        if plan.n_padded:  # padded samples read row by row, clamped to their run
            begins = self._long(plan.run_begins_of(samples))[:, None]
            steps = torch.arange(f.lookback, device=self.device, dtype=torch.int64)
            rows = starts[:, None] + f.sampling_rate * steps[None, :]
            real = rows >= begins
            past = self._read(torch.where(real, rows, begins), source.feature_cols)
            past = past.masked_fill(~real[..., None], 0)  # padded steps hold 0
            first = torch.maximum(starts, begins[:, 0])  # the run's first row, for static
        else:
            past = self._windows(starts, f.lookback, source.feature_cols)
            first = starts
        x: Any = past
        if source.named_inputs:
            x = {"past": past}
            if source.future_cols:
                x["future"] = self._windows(
                    starts + f.target_start, f.target_length, source.future_cols
                )
            if source.static_cols:
                x["static"] = self._read(first, source.static_cols)
            cats, codes = source.categories, self._codes
            if cats is not None and codes is not None:
                if cats.past and real is not None:
                    picked = codes._read(torch.where(real, rows, begins), cats.past)
                    x["categorical_past"] = picked.masked_fill(~real[..., None], 0)
                elif cats.past:
                    x["categorical_past"] = codes._windows(starts, f.lookback, cats.past)
                if cats.future:
                    x["categorical_future"] = codes._windows(
                        starts + f.target_start, f.target_length, cats.future
                    )
                if cats.static:
                    x["categorical_static"] = codes._read(first, cats.static)
            if plan.min_history is not None:
                shape = (len(samples), f.lookback)
                x["mask"] = real if real is not None else starts.new_ones(shape, dtype=torch.bool)
        if f.inputs_only:
            return x, None
        if f.drops_step_axis:  # one target row: a gather of rows, not of windows
            y = self._read(starts + f.target_start, source.target_cols)
            return x, y
        return x, self._windows(starts + f.target_start, f.target_length, source.target_cols)
