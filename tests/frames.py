"""One input, several kinds: pandas, polars (eager, lazy), pyarrow, a Parquet and an Arrow file.

``as_kind(kind, frame, series=None)`` returns ``(data, reference)``: ``data`` is ``frame``
in that kind, ``reference`` the pandas input that must give the same results.

* ``frame`` is a pandas DataFrame whose index is its time axis (a DatetimeIndex named,
  or a RangeIndex); ``series`` optionally names a column that tells series apart.
* Frames of other libraries have no index: the time index becomes their date column
  (``reset_index()``), which lstmshape makes the index again. The reference is ``frame``
  itself (``group_by=series`` is passed with both).
* Files (``parquet``, ``arrow-file``) are read by ``lstmshape.read_parquet`` /
  ``read_arrow`` as a panel, one series per ``series`` value, the reference being the
  same panel in pandas (``{name: rows}``); without ``series`` the file is one series and
  the reference is ``frame`` itself. Pass
  ``group_by`` only for the frame kinds (``takes_group_by(kind)``).

The ``frame_kind`` fixture is parametrised over :data:`KINDS` (each skips where its library
is missing); the composition tests may use it too.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import lstmshape

KINDS = ("pandas", "polars", "polars-lazy", "arrow", "parquet", "arrow-file")
FILE_KINDS = ("parquet", "arrow-file")

_FOLDER = Path(tempfile.mkdtemp(prefix="lstmshape-frames-"))
_NUMBERS = itertools.count()


def takes_group_by(kind: str) -> bool:
    """Whether the input of this kind is one table (``group_by`` names its series column)."""
    return kind not in FILE_KINDS


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its time index as a column (a RangeIndex is dropped)."""
    if isinstance(frame.index, pd.RangeIndex):
        return frame.reset_index(drop=True)
    return frame.reset_index()


def as_kind(kind: str, frame: pd.DataFrame, series: Hashable | None = None) -> tuple[Any, Any]:
    """Return ``(data, reference)``: ``frame`` as ``kind``, and its pandas equivalent."""
    if kind == "pandas":
        return frame, frame
    if kind in ("polars", "polars-lazy"):
        pl = pytest.importorskip("polars")
        data = pl.from_pandas(_flat(frame))
        return (data.lazy() if kind == "polars-lazy" else data), frame
    pa = pytest.importorskip("pyarrow")
    if kind == "arrow":
        return pa.Table.from_pandas(_flat(frame), preserve_index=False), frame
    flat = _flat(frame)
    time = None if isinstance(frame.index, pd.RangeIndex) else frame.index.name
    if series is None:  # one file, one series: the frame it was written from
        reference: Any = frame
    else:
        reference = {
            name: rows.drop(columns=[series]) for name, rows in frame.groupby(series, sort=True)
        }
        if time is None:  # a file's series without a time column is numbered from 0
            reference = {k: v.reset_index(drop=True) for k, v in reference.items()}
    table = pa.Table.from_pandas(flat, preserve_index=False)
    number = next(_NUMBERS)
    if kind == "parquet":
        import pyarrow.parquet as pq

        path = _FOLDER / f"data-{number}"
        path.mkdir()
        pq.write_table(table, path / "data.parquet", row_group_size=7)
        data = lstmshape.read_parquet(path / "data.parquet", series=series, time=time)
    else:
        import pyarrow.feather as feather

        path = _FOLDER / f"data-{number}.arrow"
        feather.write_feather(table, path, compression="uncompressed", chunksize=7)
        data = lstmshape.read_arrow(path, series=series, time=time)
    return data, reference


@pytest.fixture(params=KINDS)
def frame_kind(request: pytest.FixtureRequest) -> Callable[..., tuple[Any, Any]]:
    """``convert(frame, series=None) -> (data, reference)`` for one kind (see module)."""
    kind = request.param

    def convert(frame: pd.DataFrame, series: Hashable | None = None) -> tuple[Any, Any]:
        return as_kind(kind, frame, series)

    convert.kind = kind  # type: ignore[attr-defined]
    return convert
