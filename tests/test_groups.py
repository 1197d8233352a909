"""Several group keys (issue 23, part 3): ``group_by=[k1, k2, ...]``.

The oracles: the windows of several keys equal the windows of one key made by joining them
(``df["k"] = df.k1.astype(str) + "|" + df.k2.astype(str)``), series by series, and the
plain-loop windows of every series; the series are in the order of
``df.groupby(keys, sort=True)``; ``to_frame``/``score`` index by every key; per-series
scalers are fitted per leaf (combination); shards of ``("series", key)`` keep every value
of the key on one worker and serve every window once.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape

from .oracles import windows_loop

SEP = "|"


@st.composite
def keyed_frames(draw: Any, *, min_keys: int = 1, max_keys: int = 3, min_rows: int = 0) -> Any:
    """A long frame with 1-3 key columns (ints or text), rows of the series interleaved."""
    n_keys = draw(st.integers(min_keys, max_keys))
    levels = []
    for _ in range(n_keys):
        size = draw(st.integers(1, 3))
        if draw(st.booleans()):
            values: list[Any] = draw(
                st.lists(st.integers(-3, 12), min_size=size, max_size=size, unique=True)
            )
        else:
            values = draw(
                st.lists(st.sampled_from("abcxyz"), min_size=size, max_size=size, unique=True)
            )
        levels.append(values)
    combos = list(itertools.product(*levels))
    labels: list[tuple[Any, ...]] = []
    for combo in combos:
        labels += [combo] * draw(st.integers(min_rows, 12))
    if not labels:
        labels = [combos[0]] * 8
    order = draw(st.permutations(range(len(labels))))
    labels = [labels[i] for i in order]
    n = len(labels)
    keys = [f"k{k + 1}" for k in range(n_keys)]
    frame = pd.DataFrame({key: [label[k] for label in labels] for k, key in enumerate(keys)})
    frame["x"] = np.arange(n, dtype=np.float64) * 0.5
    frame["y"] = np.arange(n, dtype=np.float64) ** 1.5
    if draw(st.booleans()):  # dates increase overall, so inside every series too
        frame.index = pd.date_range("2024-01-01", periods=n, freq="D")
    return frame, keys


def _joined(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    joined = frame.drop(columns=keys)
    joined.insert(0, "k", frame[keys].astype(str).agg(SEP.join, axis=1))
    return joined


def _label_text(label: Any) -> str:
    return SEP.join(map(str, label if isinstance(label, tuple) else (label,)))


def _quiet_windows(data: Any, lookback: int, **kw: Any) -> Any:
    """Windows, or the error; series too short for a window only warn (both sides alike)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return lstmshape.windows(data, lookback, **kw)
        except lstmshape.ShapeError as error:
            return error


@settings(max_examples=40, deadline=None)
@given(case=keyed_frames(), lookback=st.integers(1, 4), horizon=st.integers(1, 2))
def test_several_keys_equal_the_joined_key_and_the_loop(case: Any, lookback: int, horizon: int):
    frame, keys = case
    options = {"horizon": horizon, "targets": "y", "features": ["x", "y"]}
    many = _quiet_windows(frame, lookback, group_by=keys, **options)
    one = _quiet_windows(_joined(frame, keys), lookback, group_by="k", **options)
    if isinstance(one, Exception):
        assert isinstance(many, lstmshape.ShapeError)
        return
    assert not isinstance(many, Exception), many
    assert len(many) == len(one)
    # Series in the order of groupby(keys, sort=True); labels are tuples (plain for 1 key).
    by: Any = keys[0] if len(keys) == 1 else keys
    ordered = [g for g in frame.groupby(by, sort=True).groups if _label_text(g) in set(one.groups)]
    assert list(dict.fromkeys(many.groups.tolist())) == ordered
    if len(keys) > 1:
        assert all(isinstance(g, tuple) and len(g) == len(keys) for g in many.groups)
        assert many.group_by == tuple(keys)
    else:
        assert many.group_by == keys[0]
    texts = np.array([_label_text(g) for g in many.groups])
    for label in dict.fromkeys(many.groups.tolist()):
        mine = texts == _label_text(label)
        theirs = one.groups == _label_text(label)
        np.testing.assert_array_equal(many.X[mine], one.X[theirs])
        np.testing.assert_array_equal(many.y[mine], one.y[theirs])
        # the plain loop over the series' rows, in their order in the frame
        rows = [
            i
            for i in range(len(frame))
            if tuple(frame[k].iloc[i] for k in keys) == (label if len(keys) > 1 else (label,))
        ]
        x, y = windows_loop(frame[["x", "y"]].to_numpy()[rows], lookback, horizon=horizon,
                            targets=[1])  # fmt: skip
        np.testing.assert_array_equal(many.X[mine], x)
        np.testing.assert_array_equal(many.y[mine], y)


def test_a_list_of_one_key_is_that_key():
    frame = pd.DataFrame({"g": [2, 1] * 10, "v": np.arange(20.0)})
    listed = lstmshape.windows(frame, 3, group_by=["g"])
    single = lstmshape.windows(frame, 3, group_by="g")
    np.testing.assert_array_equal(listed.X, single.X)
    assert listed.groups.tolist() == single.groups.tolist() == [1] * 7 + [2] * 7
    assert listed.to_frame(listed.y).index.names == ["g", None]


def _two_key_frame(n: int = 90, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "store": rng.choice(["s2", "s1", "s3"], n),
            "item": rng.choice([10, 2], n),
            "v": 5.0 + rng.normal(size=n).cumsum(),
            "w": rng.normal(size=n),
        },
        index=pd.date_range("2024-01-01", periods=n, freq="D", name="date"),
    )
    return frame


def test_to_frame_and_score_index_by_every_key():
    frame = _two_key_frame()
    keys = ["store", "item"]
    many = lstmshape.windows(frame, 3, group_by=keys, targets="v", horizon=2)
    one = lstmshape.windows(_joined(frame, keys), 3, group_by="k", targets="v", horizon=2)
    got = many.to_frame(many.y * 1.1)
    assert got.index.names == ["store", "item", "date"]
    back = {_label_text(g): g for g in many.groups}
    expected = one.to_frame(one.y * 1.1)
    expected.index = pd.MultiIndex.from_tuples(
        [(*back[k], t) for k, t in expected.index], names=["store", "item", "date"]
    )
    pd.testing.assert_frame_equal(got, expected.loc[got.index])
    scored = lstmshape.score(got, frame)
    joined = lstmshape.score(one.to_frame(one.y * 1.1), _joined(frame, keys))
    assert scored.index.equals(joined.index)
    np.testing.assert_allclose(scored.to_numpy(float), joined.to_numpy(float), rtol=1e-12)
    assert scored.attrs["verdict"] == joined.attrs["verdict"]


def test_score_names_the_key_columns_actual_lacks():
    frame = _two_key_frame()
    w = lstmshape.windows(frame, 3, group_by=["store", "item"], targets="v")
    with pytest.raises(lstmshape.ShapeError, match="no column 'item'"):
        lstmshape.score(w.to_frame(w.y), frame.drop(columns="item"))


@settings(max_examples=15, deadline=None)
@given(case=keyed_frames(min_keys=2, min_rows=9))
def test_per_series_scalers_are_fitted_per_leaf(case: Any):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    frame, keys = case
    test = 3
    parts = lstmshape.split(frame, 2, test=test, group_by=keys, targets="y",
                            scaler=preprocessing.StandardScaler(), per_series=True)  # fmt: skip
    fitted = parts.scaler
    leaves = list(dict.fromkeys(tuple(row) for row in frame[keys].itertuples(index=False)))
    assert sorted(fitted, key=repr) == sorted(leaves, key=repr)
    for leaf in leaves:  # the loop oracle: the leaf's rows, all but its last `test` ones
        rows = [
            [frame["x"].iloc[i], frame["y"].iloc[i]]
            for i in range(len(frame))
            if tuple(frame[k].iloc[i] for k in keys) == leaf
        ]
        train = np.array(rows[: len(rows) - test])
        np.testing.assert_allclose(fitted[leaf].mean_, train.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(fitted[leaf].scale_, train.std(axis=0), rtol=1e-9, atol=1e-12)
    # and to_frame undoes each leaf with its own scaler: the test targets come back as data
    restored = parts.test.to_frame(parts.test.y)
    for (*label, when), value in zip(restored.index, restored["y"], strict=True):
        assert frame.loc[when, "y"] == pytest.approx(value)
        assert tuple(frame.loc[when, keys]) == tuple(label)


@settings(max_examples=25, deadline=None)
@given(case=keyed_frames(min_keys=2, min_rows=3), shards=st.integers(1, 3), data=st.data())
def test_shards_of_one_key_keep_its_series_together_and_serve_each_window_once(
    case: Any, shards: int, data: Any
):
    frame, keys = case
    w = _quiet_windows(frame, 2, group_by=keys)
    if isinstance(w, Exception):
        return
    level = data.draw(st.integers(0, len(keys) - 1))
    values = {g[level] for g in w.groups}
    if shards > len(values):
        with pytest.raises(lstmshape.ShapeError, match=f"num_shards={shards}"):
            w.schedule(4, num_shards=shards, shard_by=("series", keys[level]))
        return
    seen: list[int] = []
    owner: dict[Any, int] = {}
    for k in range(shards):
        schedule = w.schedule(4, num_shards=shards, shard_index=k, shuffle=True, seed=5,
                              shard_by=("series", keys[level]))  # fmt: skip
        order = schedule.order(epoch=1)
        served = [x for x, _ in w.batches(4, num_shards=shards, shard_index=k, shuffle=True,
                  seed=5, shard_by=("series", keys[level]), epoch=1)]  # fmt: skip
        np.testing.assert_array_equal(np.concatenate(served), w.X[order])
        for i in order.tolist():
            value = w.groups[i][level]
            assert owner.setdefault(value, k) == k, f"{keys[level]}={value!r} on two shards"
        seen.extend(order.tolist())
    assert sorted(seen) == list(range(len(w)))  # every window once


def test_shard_by_a_key_the_windows_do_not_have_is_refused():
    w = lstmshape.windows(_two_key_frame(), 3, group_by=["store", "item"])
    with pytest.raises(lstmshape.ShapeError, match=r"group_by` keys are 'store', 'item'"):
        w.schedule(4, num_shards=2, shard_by=("series", "region"))
    plain = lstmshape.windows(np.arange(30.0), 3)
    with pytest.raises(lstmshape.ShapeError, match=r"none \(no `group_by`\)"):
        plain.schedule(4, num_shards=2, shard_by=("series", "store"))


def test_folds_plot_explain_and_loaders_with_two_keys():
    frame = _two_key_frame(120)
    keys = ["store", "item"]
    folds = lstmshape.folds(frame, 3, n_folds=2, test=5, group_by=keys, targets="v")
    one = lstmshape.folds(_joined(frame, keys), 3, n_folds=2, test=5, group_by="k", targets="v")
    for fold, joined in zip(folds, one, strict=True):
        np.testing.assert_array_equal(fold.test.X, _reordered(fold.test, joined.test))
    w = lstmshape.windows(frame, 3, group_by=keys, targets="v")
    text = lstmshape.explain(w)
    assert "('s1', 2)" in text
    x, _ = next(iter(w.batches(len(w))))
    np.testing.assert_array_equal(x, w.X)
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = folds[0].plot(group=("s3", 10))
    assert "group ('s3', 10)" in " ".join(ax.get_title() for ax in fig.axes)
    plt.close("all")
    with pytest.raises(lstmshape.ShapeError, match="`group` must be one of the split's groups"):
        folds[0].plot(group="s3")
    fig = folds[0].plot(group=["s1", 2])  # a list is read as the tuple
    assert "group ('s1', 2)" in " ".join(ax.get_title() for ax in fig.axes)
    fig = w.plot(samples=[0])
    assert "group ('s1', 2), sample 0" in fig.axes[0].get_title()
    plt.close("all")


def _reordered(many: Any, one: Any) -> np.ndarray:
    """``one.X`` (joined key) in the order of ``many``'s series (tuples)."""
    texts = np.array([_label_text(g) for g in many.groups])
    parts = [one.X[one.groups == t] for t in dict.fromkeys(texts.tolist())]
    return np.concatenate(parts)


def test_forecast_of_a_long_frame_with_two_keys_says_to_forecast_each_series():
    frame = _two_key_frame()

    def model(x: np.ndarray) -> np.ndarray:
        return x[:, -1, :1]

    with pytest.raises(TypeError, match="each series"):
        lstmshape.forecast(model, frame, 3, steps=2, targets="v")
    frame["item"] = frame["item"].map({2: "tea", 10: "milk"})  # two text keys: both named
    with pytest.raises(TypeError, match=r"columns \['store', 'item'\] that tell series apart"):
        lstmshape.forecast(model, frame, 3, steps=2, targets="v")
