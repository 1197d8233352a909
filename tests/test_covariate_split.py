"""split() and folds() with known-future and static covariates: aligned, scaled on train only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lstmshape


class Standard:
    """A column-wise standard scaler with scikit-learn's three methods (no sklearn needed)."""

    def fit(self, x):
        values = np.asarray(x, dtype=np.float64)
        self.mean_, self.scale_ = values.mean(axis=0), values.std(axis=0) + 1.0
        return self

    def transform(self, x):
        return (np.asarray(x, dtype=np.float64) - self.mean_) / self.scale_

    def inverse_transform(self, x):
        return np.asarray(x, dtype=np.float64) * self.scale_ + self.mean_


def panel():
    """Two stores with a weekday-driven load, a promotion plan (future) and a size (static)."""
    frames = []
    for g, size in enumerate((3.0, 5.0)):
        days = pd.date_range("2022-01-01", periods=120, freq="D", name="day")
        rng = np.random.default_rng(g)
        promo = (rng.random(120) < 0.2).astype(float)
        load = 10 * size + 3 * (days.day_of_week >= 5) + 4 * promo + rng.normal(0, 1, 120)
        frames.append(
            pd.DataFrame(
                {
                    "load": load,
                    "promo": promo,
                    "weekday": days.day_of_week.astype(float),
                    "size": size,
                    "store": f"s{g}",
                },
                index=days,
            )
        )
    return pd.concat(frames)


OPTIONS = {
    "horizon": 7,
    "targets": "load",
    "future": ["promo", "weekday"],
    "static": "size",
    "group_by": "store",
    "freq": "D",
}


def by_target(windows):
    """Each sample's (group, first target timestamp), to match samples of two windows."""
    return list(zip(windows.groups, windows.target_index, strict=True))


@pytest.mark.parametrize("scaler", [None, Standard()], ids=["unscaled", "scaled"])
def test_split_keeps_future_and_static_inputs_aligned_with_the_whole(scaler):
    frame = panel()
    parts = lstmshape.split(frame, 21, val=20, test=20, scaler=scaler, **OPTIONS)
    whole = lstmshape.windows(frame, 21, fitted_scaler=parts.scaler, **OPTIONS)
    where = {key: i for i, key in enumerate(by_target(whole))}
    for name, part in parts.parts().items():
        assert part.input_names == ("past", "future", "static"), name
        assert part.input_shape == whole.input_shape
        rows = [where[key] for key in by_target(part)]
        for input_name in ("past", "future", "static"):
            np.testing.assert_array_equal(part.X[input_name], whole.X[input_name][rows])
        np.testing.assert_array_equal(part.y, whole.y[rows])
        # to_frame maps covariate windows' targets back to dates and original units
        back = part.to_frame(part.y)
        first = back.xs("s0", level="store")["load+0"]
        np.testing.assert_allclose(first, frame.loc[frame["store"] == "s0", "load"][first.index])
    assert "past (" in repr(parts) and "future (" in repr(parts)


def test_covariates_are_scaled_with_training_statistics_only():
    frame = panel()
    parts = lstmshape.split(frame, 21, val=20, test=20, scaler=Standard(), **OPTIONS)
    train_rows = frame.groupby("store").head(80)  # 120 - 20 - 20 rows per store
    used = ["load", "promo", "weekday", "size"]
    np.testing.assert_allclose(parts.scaler.mean_, train_rows[used].mean().to_numpy())
    promo = (frame["promo"].to_numpy() - parts.scaler.mean_[1]) / parts.scaler.scale_[1]
    first = parts.test.source.plan.first_target_rows[0]
    np.testing.assert_allclose(parts.test.X["future"][0, :, 0], promo[first : first + 7])


def test_folds_take_covariates_too():
    frame = panel()
    folds = lstmshape.folds(frame, 21, n_folds=2, test=14, scaler=Standard(), **OPTIONS)
    for fold in folds:
        whole = lstmshape.windows(frame, 21, fitted_scaler=fold.scaler, **OPTIONS)
        where = {key: i for i, key in enumerate(by_target(whole))}
        rows = [where[key] for key in by_target(fold.test)]
        np.testing.assert_array_equal(fold.test.X["future"], whole.X["future"][rows])
        np.testing.assert_array_equal(fold.test.X["static"], whole.X["static"][rows])
