"""One validated request behind windows, split, folds and forecast (issue 20, item 2)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lstmshape
from lstmshape import ShapeError
from lstmshape._windows import request as request_module


class LastValue:
    """A stand-in model: the next step is the last input."""

    def predict(self, x: Any) -> Any:
        return x[:, -1, :]


ENTRY_POINTS = {
    "windows": lambda data, **kw: lstmshape.windows(data, 4, **kw),
    "split": lambda data, **kw: lstmshape.split(data, 4, test=5, **kw),
    "folds": lambda data, **kw: lstmshape.folds(data, 4, n_folds=2, test=5, **kw),
    "forecast": lambda data, **kw: lstmshape.forecast(LastValue(), data, 4, steps=2, **kw),
}


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_every_entry_point_reads_its_data_through_make_request(name, monkeypatch):
    # An option added to make_request reaches all four: each builds its request there.
    seen: list[dict[str, Any]] = []
    real = request_module.make_request

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real(*args, **kwargs)

    for module in ("_windows.windows", "_evaluate.split", "_evaluate.folds", "_evaluate.forecast"):
        monkeypatch.setattr(f"lstmshape.{module}.make_request", spy)
    ENTRY_POINTS[name](np.arange(40.0))
    assert seen, f"{name} did not build a request"


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_an_option_added_to_the_request_reaches_all_four(name, monkeypatch):
    # The proof of issue 20: one new check, written once in make_request's step 3 (here a
    # patched refuse_targets_as_future), is met by windows, split, folds and forecast.
    def refuse_everything(table: Any, future: Any) -> None:
        raise ShapeError(f"new rule met: {len(table.values)} rows")

    monkeypatch.setattr(request_module, "refuse_targets_as_future", refuse_everything)
    with pytest.raises(ShapeError, match="new rule met: 40 rows"):
        ENTRY_POINTS[name](np.arange(40.0))


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("min_history", 9, "`min_history` must be at most lookback=4"),
        ("transform", "square", "`transform`"),
    ],
)
def test_shared_options_are_refused_alike_by_all_four(name, option, value, words):
    with pytest.raises(ShapeError, match=words):
        ENTRY_POINTS[name](np.arange(40.0), **{option: value})


def test_min_history_is_checked_before_the_data_is_read():
    # windows checked it only after reading and scaling; now the request checks the sizes
    # first: a bad min_history is named even when the data is bad too.
    with pytest.raises(ShapeError, match="`min_history` must be at most"):
        lstmshape.windows(np.array([np.nan, 1.0]), 2, min_history=5)
