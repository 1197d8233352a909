"""Categorical covariates (issue 23): vocabularies, integer codes, loaders, embeddings.

The oracle is a plain loop: a label's code is its position in the sorted labels of the
fitting rows, plus 1, and 0 for a label those rows never showed (or a missing one).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import UnknownCategoryWarning


def _oracle_codes(labels: list[Any], fit_rows: list[int]) -> list[int]:
    """Codes by a loop: sorted labels of the fitting rows from 1; unseen or missing 0."""
    seen = sorted({labels[r] for r in fit_rows if labels[r] is not None})
    return [0 if v is None or v not in seen else seen.index(v) + 1 for v in labels]


def _frame(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "load": np.arange(float(n)),
            "store": ["b"] * (n // 2) + ["a"] * (n - n // 2),
            "day": pd.Categorical(["mon", "tue", "wed"] * (n // 3) + ["mon"] * (n % 3)),
            "promo": np.arange(n) % 4,
        }
    )


def test_static_categorical_gives_int32_codes_per_series() -> None:
    w = lstmshape.windows(
        _frame(), 5, targets="load", features="load", group_by="store", static="store",
        categorical="store",
    )  # fmt: skip
    X = w.X
    assert set(X) == {"past", "categorical_static"}
    assert X["categorical_static"].dtype == np.int32
    assert X["categorical_static"].shape == (len(w), 1)
    # groups sorted: "a" first (code 1), then "b" (code 2)
    assert X["categorical_static"][:, 0].tolist() == [1] * 15 + [2] * 15
    assert w.cardinalities == {"store": 3}
    assert w.vocabularies["store"].labels == ("a", "b")
    assert w.input_shape["categorical_static"] == (1,)
    assert w.categorical_names == {"categorical_static": ("store",)}


def test_past_and_future_codes_follow_their_rows() -> None:
    df = _frame()
    w = lstmshape.windows(
        df, 4, horizon=3, features=["load", "day", "promo"], targets="load",
        future="day", categorical=["day", "promo"],
    )  # fmt: skip
    day = _oracle_codes(list(df["day"].astype(str)), list(range(len(df))))
    promo = _oracle_codes(list(df["promo"]), list(range(len(df))))
    for i, s in enumerate(w.starts):
        past = w.X["categorical_past"][i]
        assert past[:, 0].tolist() == day[s : s + 4]
        assert past[:, 1].tolist() == promo[s : s + 4]
        assert w.X["categorical_future"][i, :, 0].tolist() == day[s + 4 : s + 7]
    assert w.X["past"].shape[-1] == 1  # the codes are never among the float features
    assert w.X["categorical_past"].dtype == np.int32


@settings(max_examples=25, deadline=None)
@given(
    labels=st.lists(st.sampled_from(["x", "y", "z", "w", None]), min_size=12, max_size=40),
    lookback=st.integers(1, 4),
    test=st.integers(2, 6),
)
def test_split_codes_equal_a_loop_oracle_fitted_on_training_rows(
    labels: list[Any], lookback: int, test: int
) -> None:
    n = len(labels)
    df = pd.DataFrame({"v": np.arange(float(n)), "c": pd.Series(labels, dtype=object)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownCategoryWarning)
            parts = lstmshape.split(df, lookback, test=test, targets="v", categorical="c")
    except lstmshape.ShapeError:
        return  # too few rows for a part: refused, nothing to check
    train_rows = list(range(n - test))
    oracle = _oracle_codes(labels, train_rows)
    for part in (parts.train, parts.test):
        for i, s in enumerate(part.starts):
            assert part.X["categorical_past"][i, :, 0].tolist() == oracle[s : s + lookback]
    assert parts.test.vocabularies == parts.train.vocabularies


def test_a_category_seen_only_in_test_rows_is_code_0_with_one_warning() -> None:
    df = pd.DataFrame({"v": np.arange(30.0), "c": ["old"] * 20 + ["new"] * 10})
    with pytest.warns(UnknownCategoryWarning, match=r"'c': 10 values") as caught:
        parts = lstmshape.split(df, 3, test=10, targets="v", categorical="c")
    assert len([w for w in caught if w.category is UnknownCategoryWarning]) == 1
    assert parts.train.vocabularies["c"].labels == ("old",)
    assert parts.test.X["categorical_past"][-1, :, 0].tolist() == [0, 0, 0]
    assert parts.train.X["categorical_past"].max() == 1


def test_folds_fit_each_vocabulary_on_its_own_training_rows() -> None:
    labels = ["a"] * 20 + ["b"] * 10 + ["c"] * 10
    df = pd.DataFrame({"v": np.arange(40.0), "c": labels})
    with pytest.warns(UnknownCategoryWarning) as caught:
        f = lstmshape.folds(df, 3, n_folds=2, test=10, targets="v", categorical="c")
    assert len([w for w in caught if w.category is UnknownCategoryWarning]) == 1
    first, second = f[0], f[1]
    assert first.train.vocabularies["c"].labels == ("a",)
    assert second.train.vocabularies["c"].labels == ("a", "b")
    # fold 0 tests on rows 20..29 ("b"), unseen in its training rows 0..19: code 0
    assert first.test.X["categorical_past"][-1, :, 0].tolist() == [0, 0, 0]
    # fold 1 trained on rows 0..29: "b" is known (2), "c" (rows 30..39) is not
    assert second.test.X["categorical_past"][0, :, 0].tolist() == [2, 2, 2]
    assert second.test.X["categorical_past"][-1, :, 0].tolist() == [0, 0, 0]


def test_missing_labels_are_code_0_without_a_warning() -> None:
    df = pd.DataFrame({"v": np.arange(10.0), "c": ["a", None] * 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = lstmshape.windows(df, 2, targets="v", categorical="c")
    assert w.X["categorical_past"][0, :, 0].tolist() == [1, 0]


def test_windows_take_the_training_vocabularies() -> None:
    train = pd.DataFrame({"v": np.arange(10.0), "c": ["a", "b"] * 5})
    new = pd.DataFrame({"v": np.arange(6.0), "c": ["b", "z", "a", "b", "a", "b"]})
    fitted = lstmshape.windows(train, 2, targets="v", categorical="c").vocabularies
    with pytest.warns(UnknownCategoryWarning, match="'c': 1 value"):
        w = lstmshape.windows(new, 2, targets="v", categorical="c", vocabularies=fitted)
    assert w.X["categorical_past"][0, :, 0].tolist() == [2, 0]


def test_category_dtype_keeps_its_declared_order() -> None:
    days = pd.Categorical(["tue", "mon", "tue"] * 4, categories=["mon", "tue", "wed"])
    w = lstmshape.windows(
        pd.DataFrame({"v": np.arange(12.0), "d": days}), 2, targets="v", categorical="d"
    )
    assert w.vocabularies["d"].labels == ("mon", "tue")  # wed never seen: not in it
    assert w.X["categorical_past"][0, :, 0].tolist() == [2, 1]


def test_integer_codes_are_numbers_unless_declared() -> None:
    df = pd.DataFrame({"v": np.arange(10.0), "k": np.arange(10) % 3 + 100})
    plain = lstmshape.windows(df, 2, targets="v")
    assert plain.X.shape[-1] == 2  # an int column is a number by default
    coded = lstmshape.windows(df, 2, targets="v", categorical="k")
    assert coded.X["categorical_past"][0, :, 0].tolist() == [1, 2]
    assert coded.vocabularies["k"].labels == (100, 101, 102)


def test_the_caller_frame_is_not_changed() -> None:
    df = _frame()
    before = df.copy()
    lstmshape.windows(df, 3, targets="load", group_by="store", static="store",
                      categorical=["store", "day"], features=["load", "day"])  # fmt: skip
    pd.testing.assert_frame_equal(df, before)


def _every_loader(w: lstmshape.Windows) -> dict[str, Any]:
    n = len(w)
    out = {
        "batches": next(iter(w.batches(n, dtype="float32")))[0],
        "pydataset": w.to_pydataset(n, dtype="float32")[0][0],
    }
    return out


@pytest.mark.parametrize("min_history", [None, 2])
def test_every_loader_serves_int32_codes_never_cast(min_history: int | None) -> None:
    w = lstmshape.windows(
        _frame(), 5, horizon=2, targets="load", group_by="store", static="store",
        future="day", features=["load", "day"], categorical=["store", "day"],
        min_history=min_history,
    )  # fmt: skip
    batches = _every_loader(w)
    torch = pytest.importorskip("torch")
    x = next(iter(w.to_torch(len(w), dtype="float32")))[0]
    batches["to_torch"] = {k: v.numpy() for k, v in x.items()}
    x = next(iter(w.to_torch(len(w), dtype="float32", device="cpu")))[0]
    batches["to_torch(device)"] = {k: v.numpy() for k, v in x.items()}
    assert torch is not None
    for loader, x in batches.items():
        assert set(x) == set(w.X), loader
        for name, array in w.X.items():
            got = np.asarray(x[name])
            np.testing.assert_array_equal(got, array, err_msg=f"{loader} {name}")
            if name.startswith("categorical_"):
                assert got.dtype == np.int32, (loader, name, got.dtype)
            elif name == "past":
                assert got.dtype == np.float32, (loader, name)


@pytest.mark.tf
def test_to_dataset_serves_int32_codes() -> None:
    pytest.importorskip("tensorflow")
    for min_history in (None, 2):
        w = lstmshape.windows(
            _frame(), 5, horizon=2, targets="load", group_by="store", static="store",
            future="day", features=["load", "day"], categorical=["store", "day"],
            min_history=min_history,
        )  # fmt: skip
        x = next(iter(w.to_dataset(len(w), dtype="float32")))[0]
        for name, array in w.X.items():
            np.testing.assert_array_equal(x[name].numpy(), array)
            if name.startswith("categorical_"):
                assert x[name].dtype.name == "int32"


def test_grain_serves_int32_codes() -> None:
    pytest.importorskip("grain")
    w = lstmshape.windows(
        _frame(), 5, targets="load", group_by="store", static="store",
        features=["load", "day"], categorical=["store", "day"],
    )  # fmt: skip
    x = next(iter(w.to_grain(len(w), dtype="float32")))[0]
    for name, array in w.X.items():
        np.testing.assert_array_equal(np.asarray(x[name]), array)
    assert np.asarray(x["categorical_static"]).dtype == np.int32


def test_repr_names_the_categorical_inputs_and_their_codes() -> None:
    w = lstmshape.windows(
        _frame(), 5, targets="load", features="load", group_by="store", static="store",
        categorical="store",
    )  # fmt: skip
    text = repr(w)
    assert 'X["categorical_static"] (30, 1) = 30 samples x 1 categorical int32' in text
    assert "'store': 3 codes, one label per series" in text
    assert 'keras.Input(shape=(1,), name="categorical_static", dtype="int32")' in text


def test_embedding_size_rule() -> None:
    from lstmshape._input.categories import embedding_size

    assert [embedding_size(n) for n in (2, 3, 5, 26, 101, 10**9)] == [2, 3, 4, 10, 21, 600]


# -- models ------------------------------------------------------------------------------------
def _model_windows() -> lstmshape.Windows:
    return lstmshape.windows(
        _frame(60), 6, horizon=2, targets="load", group_by="store", static="store",
        future="day", features=["load", "day", "promo"], categorical=["store", "day", "promo"],
    )  # fmt: skip


def test_build_model_embeds_each_categorical_column() -> None:
    keras = pytest.importorskip("keras")
    w = _model_windows()
    model = lstmshape.build_model(w, units=4, embedding_sizes={"promo": 2})
    names = [t.name.split(":")[0] for t in model.inputs]
    assert names == ["past", "categorical_past", "categorical_future", "categorical_static"]
    dtypes = {t.name.split(":")[0]: str(t.dtype) for t in model.inputs}
    assert all("int" in dtypes[n] for n in names[1:])
    embeddings = {
        layer.name: (layer.input_dim, layer.output_dim)
        for layer in model.layers
        if isinstance(layer, keras.layers.Embedding)
    }
    # one Embedding per column, shared by its past and future codes; day: 4 codes -> 3
    assert embeddings == {
        "embedding_0_day": (4, 3),
        "embedding_1_promo": (5, 2),
        "embedding_2_store": (3, 3),
    }
    lstmshape.check_model(model, w)
    model.compile("adam", "mse")
    model.fit(w.X, w.y, epochs=1, verbose=0)
    assert model.predict(w.X, verbose=0).shape == (len(w), 2, 1)


def test_a_static_categorical_alone_feeds_a_stacked_model() -> None:
    pytest.importorskip("keras")
    w = lstmshape.windows(
        _frame(), 5, targets="load", features="load", group_by="store", static="store",
        categorical="store",
    )  # fmt: skip
    model = lstmshape.build_model(w, units=4)
    assert model.output_shape == (None, 1)
    model.compile("adam", "mse")
    model.fit(w.X, w.y, epochs=1, verbose=0)


def test_check_model_refuses_codes_read_as_floats() -> None:
    keras = pytest.importorskip("keras")
    w = lstmshape.windows(
        _frame(), 5, targets="load", features="load", group_by="store", static="store",
        categorical="store",
    )  # fmt: skip
    past = keras.Input(shape=(5, 1), name="past")
    codes = keras.Input(shape=(1,), name="categorical_static")  # float32 by default
    joined = keras.layers.Concatenate()([keras.layers.LSTM(2)(past), codes])
    model = keras.Model([past, codes], keras.layers.Dense(1)(joined))
    with pytest.raises(lstmshape.ShapeError, match='input "categorical_static" has dtype'):
        lstmshape.check_model(model, w)


# -- forecast ----------------------------------------------------------------------------------
def test_forecast_codes_the_history_with_the_training_vocabularies() -> None:
    idx = pd.date_range("2024-01-01", periods=30, freq="D")
    df = pd.DataFrame(
        {"load": np.arange(30.0), "region": "north", "kind": ["p", "q"] * 15}, index=idx
    )
    train = lstmshape.windows(
        df.iloc[:20], 5, targets="load", features=["load", "kind"], static="region",
        categorical=["region", "kind"],
    )  # fmt: skip
    later = df.assign(kind=["p", "q"] * 13 + ["new"] * 4)  # a label training never saw
    seen: list[dict[str, np.ndarray]] = []

    def model(x: dict[str, np.ndarray]) -> np.ndarray:
        seen.append({k: np.asarray(v) for k, v in x.items()})
        return np.asarray(x["past"])[:, -1, :] + 1

    with pytest.warns(UnknownCategoryWarning, match="'kind': 4 values"):
        out = lstmshape.forecast(
            model, later, 5, steps=1, targets="load", features=["load", "kind"],
            static="region", categorical=["region", "kind"], vocabularies=train.vocabularies,
        )  # fmt: skip
    assert out.shape == (1, 1)
    x = seen[-1]
    assert x["categorical_past"].dtype == np.int32
    assert x["categorical_past"][0, :, 0].tolist() == [2, 0, 0, 0, 0]  # rows 25..29
    assert x["categorical_static"].tolist() == [[1]]


def test_forecast_iterates_a_model_with_only_static_categoricals() -> None:
    idx = pd.date_range("2024-01-01", periods=20, freq="D")
    df = pd.DataFrame({"load": np.arange(20.0), "region": "north"}, index=idx)
    w = lstmshape.windows(
        df, 4, targets="load", features="load", static="region", categorical="region"
    )
    out = lstmshape.forecast(
        lambda x: np.asarray(x["past"])[:, -1, :] + 1, df, 4, steps=3, targets="load",
        features="load", static="region", categorical="region", vocabularies=w.vocabularies,
    )  # fmt: skip
    assert out["load"].tolist() == [20.0, 21.0, 22.0]


# -- the three Keras backends -----------------------------------------------------------------
ON_BACKEND = """
import numpy as np, pandas as pd
import keras, lstmshape
n = 60
df = pd.DataFrame({{
    "load": np.sin(np.arange(n) / 3.0), "store": ["b"] * 30 + ["a"] * 30,
    "day": pd.Categorical(["mon", "tue", "wed"] * 20), "promo": np.arange(n) % 4,
}})
w = lstmshape.windows(df, 6, horizon=2, targets="load", group_by="store", static="store",
                      future="day", features=["load", "day", "promo"],
                      categorical=["store", "day", "promo"])
model = lstmshape.build_model(w, units=4)
lstmshape.check_model(model, w)
model.compile("adam", "mse")
model.fit(w.X, w.y, epochs=1, verbose=0)
model.fit(w.to_pydataset(16), epochs=1, verbose=0)
model.save("{path}")
again = keras.models.load_model("{path}")
np.testing.assert_allclose(model.predict(w.X, verbose=0), again.predict(w.X, verbose=0),
                           rtol=1e-5, atol=1e-6)
assert keras.backend.backend() == "{backend}"
print("ok", model.count_params())
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_embeddings_train_save_and_load_on_each_backend(backend: str, tmp_path: Any) -> None:
    from tests.test_backends import require, run_python

    require(backend)
    code = ON_BACKEND.format(backend=backend, path=tmp_path / "m.keras")
    # the same layers and parameter count on every backend
    assert run_python(["-c", code], backend, timeout=300).strip().splitlines()[-1] == "ok 414"


@settings(max_examples=25, deadline=None)
@given(
    lengths=st.lists(st.integers(3, 12), min_size=1, max_size=3),
    labels=st.lists(st.sampled_from(["p", "q", "r", None]), min_size=36, max_size=36),
    lookback=st.integers(1, 3),
    horizon=st.integers(1, 2),
    min_history=st.sampled_from([None, 1]),
)
def test_grouped_windows_codes_equal_a_loop_oracle(
    lengths: list[int], labels: list[Any], lookback: int, horizon: int, min_history: Any
) -> None:
    """Past codes on each input row (0 on padding), the static code of the series."""
    keys = [f"s{g}" for g, n in enumerate(lengths) for _ in range(n)]
    n = len(keys)
    df = pd.DataFrame(
        {"v": np.arange(float(n)), "key": keys, "c": pd.Series(labels[:n], dtype=object)}
    )
    min_history = None if min_history is None else min(min_history, lookback)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Skipped .* of `key` too short")
            w = lstmshape.windows(
                df, lookback, horizon=horizon, targets="v", features=["v", "c"],
                group_by="key", static="key", categorical=["c", "key"],
                min_history=min_history,
            )  # fmt: skip
    except lstmshape.ShapeError:
        return  # every series too short: refused
    past_oracle = _oracle_codes(labels[:n], list(range(n)))
    key_oracle = _oracle_codes(keys, list(range(n)))
    begins = {k: keys.index(k) for k in set(keys)}
    x = w.X
    assert x["categorical_past"].dtype == x["categorical_static"].dtype == np.int32
    for i, s in enumerate(w.starts):
        key = w.groups[i]
        begin = begins[key]
        rows = range(s, s + lookback)
        want = [past_oracle[r] if r >= begin else 0 for r in rows]
        assert x["categorical_past"][i, :, 0].tolist() == want
        assert x["categorical_static"][i].tolist() == [key_oracle[begin]]


def test_categorical_keeps_several_group_keys_as_index_levels() -> None:
    df = pd.DataFrame(
        {
            "g": ["A"] * 10 + ["B"] * 10,
            "h": [1] * 5 + [2] * 5 + [1] * 10,
            "y": np.arange(20.0),
            "c": ["p", "q"] * 10,
        }
    )
    plain = lstmshape.windows(df.drop(columns="c"), 2, targets="y", group_by=["g", "h"])
    coded = lstmshape.windows(df, 2, targets="y", group_by=["g", "h"], categorical="c")
    predictions = np.zeros((len(plain), 1))
    assert coded.to_frame(predictions).index.equals(plain.to_frame(predictions).index)
