"""The composition matrix (issue 19, item 1): every option with every operation.

Each cell is (input kind, options, operation), defined in ``tests/composition.py``: it
equals a plain-loop oracle, or refuses with a message naming both sides of the conflict.
Known defects run as ``xfail(strict=True)`` (their list is ``KNOWN_DEFECTS``): when a fix
lands the cell XPASSes, and the entry is removed.

The default run takes a fixed sample (every single option with every operation on one
input kind, plus random pairs); the ``slow`` part runs a fixed sixth of every pair of
options with every operation on every input kind (``LSTMSHAPE_FULL_MATRIX=1``: all of them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lstmshape
from lstmshape import ShapeError

from . import composition as cm

FAST_BUDGET = 260


def _params(cells: list[cm.Cell], *, slow: bool) -> list[object]:
    params = []
    for cell in cells:
        marks: list[pytest.MarkDecorator] = []
        if slow:
            marks.append(pytest.mark.slow)
        reason = cm.known_defect(cell)
        if reason is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(cell, id=cell.id, marks=marks))
    return params


FAST = cm.sampled_cells(FAST_BUDGET)
_FAST_IDS = {cell.id for cell in FAST}
#: Every other cell. The whole matrix takes about 5 minutes on 2 cores; the suite runs
#: every 6th cell (a fixed, spread sample: every option set, kind and operation still
#: turns up), and LSTMSHAPE_FULL_MATRIX=1 runs them all.
_REST = [cell for cell in cm.all_cells(2) if cell.id not in _FAST_IDS]
SLOW = _REST if os.environ.get("LSTMSHAPE_FULL_MATRIX") == "1" else _REST[::6]


def _run(cell: cm.Cell, tmp_path: Path) -> None:
    module = cm.FRAMEWORK.get(cell.op)
    if module is not None:
        pytest.importorskip(module)
    cm.check_cell(cell, tmp_path)


@pytest.mark.parametrize("cell", _params(FAST, slow=False))
def test_cell(cell: cm.Cell, tmp_path: Path) -> None:
    _run(cell, tmp_path)


@pytest.mark.parametrize("cell", _params(SLOW, slow=True))
def test_cell_exhaustive(cell: cm.Cell, tmp_path: Path) -> None:
    _run(cell, tmp_path)


#: The same cells on a polars version of the pandas input (issue 21): a polars frame's one
#: date column is its time axis, so every answer must equal the pandas oracle.
POLARS_KINDS = ("frame_datetime", "long_group_by")
POLARS = [
    cell
    for cell in FAST + SLOW
    if cell.kind in POLARS_KINDS and cell.op != "inspect" and len(cell.options) <= 1
]


def _to_polars(data: object) -> object:
    import pandas as pd

    pl = pytest.importorskip("polars")
    assert isinstance(data, pd.DataFrame)
    return pl.from_pandas(data.reset_index())


@pytest.mark.parametrize("cell", _params(POLARS, slow=False))
def test_cell_on_a_polars_frame(cell: cm.Cell, tmp_path: Path) -> None:
    module = cm.FRAMEWORK.get(cell.op)
    if module is not None:
        pytest.importorskip(module)
    cm.check_cell(cell, tmp_path, convert=_to_polars)


#: The same cells on a Parquet version of the pandas input (issue 21), read back by
#: ``lstmshape.read_parquet``: one series is one file (read as one series, like the frame
#: it was written from); a long frame of several series is a hive-partitioned folder
#: (``g=A/...``), read as a panel of its series in place of ``group_by="g"``. Series told
#: apart by two keys are not here: read_parquet takes one series column. ``categorical``
#: is refused on files (its labels are read from frames in memory).
PARQUET = [cell for cell in POLARS if not cell.has("two_keys")]


def _run_on_parquet(cell: cm.Cell, tmp_path: Path) -> None:
    import dataclasses

    import pandas as pd

    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    case = cm.make_case(cell, tmp_path)
    data = case.data
    assert isinstance(data, pd.DataFrame)
    table = pa.Table.from_pandas(data.reset_index(), preserve_index=False)
    kw = dict(case.kw)
    if kw.pop("group_by", None) is None:
        pq.write_table(table, tmp_path / "data.parquet", row_group_size=7)
        read = lstmshape.read_parquet(tmp_path / "data.parquet")
    else:
        pq.write_to_dataset(table, tmp_path / "data", partition_cols=["g"])
        read = lstmshape.read_parquet(tmp_path / "data")
        actual = {key: rows.drop(columns="g") for key, rows in data.groupby("g", sort=True)}
        case = dataclasses.replace(case, actual=actual)  # score() reads a panel's actual
    case = dataclasses.replace(case, data=read, kw=kw)
    before = cm._snapshot(case.data)
    try:
        cm.OPERATION_CHECKS[cell.op](case, tmp_path)
    finally:
        cm.assert_unchanged(before, case.data)


@pytest.mark.parametrize("cell", _params(PARQUET, slow=False))
def test_cell_on_a_parquet_file(cell: cm.Cell, tmp_path: Path) -> None:
    module = cm.FRAMEWORK.get(cell.op)
    if module is not None:
        pytest.importorskip(module)
    if cell.has("categorical"):  # labels are read from frames in memory, not from files
        with pytest.raises(ShapeError, match=r"`categorical` columns (are read|need one)"):
            _run_on_parquet(cell, tmp_path)
        return
    if cell.op == "forecast" and cell.kind == "long_group_by":  # a panel: the panel's words
        with pytest.raises(TypeError, match=r"is a panel .* Forecast each series on its own"):
            _run_on_parquet(cell, tmp_path)
        return
    refusals = cm.expected_refusals(cell)
    if not refusals:
        _run_on_parquet(cell, tmp_path)
        return
    with pytest.raises((TypeError, ShapeError)) as raised:
        _run_on_parquet(cell, tmp_path)
    assert any(
        isinstance(raised.value, r.error) and not cm.message_names(str(raised.value), r.words)
        for r in refusals
    ), f"{cell.id}: {raised.value}"


def test_every_option_and_operation_is_sampled() -> None:
    """The fast part holds every (option, operation) that exists, on some input kind."""
    wanted = {(c.options, c.op) for c in cm.all_cells(1)}
    assert wanted <= {(c.options, c.op) for c in FAST}


def test_refusal_words_are_checked() -> None:
    """A refusal whose words are missing from the message is a failure, not a pass."""
    cell = cm.Cell("array2d", ("freq",), "windows")
    assert cm.expected_refusal(cell) is not None
    assert cm.message_names("`freq` needs a DatetimeIndex", ("freq", "DatetimeIndex")) == []
    assert cm.message_names("bad input", ("freq", "DatetimeIndex")) == ["freq", "DatetimeIndex"]


def test_the_published_table_is_up_to_date() -> None:
    """docs/composition.md is generated: `python -m tests.make_composition_table`."""
    from .make_composition_table import render

    page = cm.REPO / "docs" / "composition.md"
    assert page.read_text(encoding="utf-8") == render(), (
        "docs/composition.md is out of date: run `PYTHONPATH=src python -m "
        "tests.make_composition_table` from the repository root"
    )
