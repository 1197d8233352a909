"""A plain PyTorch LSTM fed by lstmshape: no Keras, no TensorFlow.

The built-in daily series (lstmshape.datasets.synthetic) is split by time into train, val
and test without leakage, scaled on the training rows only, and served by
``Windows.to_torch``: float32 tensor batches of exactly ``(batch, lookback, features)``,
reshuffled every epoch by ``set_epoch``, as ``DistributedSampler`` does. The forecasts are
mapped back to dates and original units by ``to_frame`` and judged against the naive
forecast "tomorrow = today".

    pip install "lstmshape[torch]"
    python examples/pytorch_lstm.py --epochs 10
"""

from __future__ import annotations

import argparse

import numpy as np

import lstmshape


class Standardise:
    """A minimal scaler (scikit-learn's StandardScaler works the same way here)."""

    def fit(self, values):
        """Learn each column's mean and spread (from the training rows: split passes them)."""
        values = np.asarray(values, dtype=np.float64)
        self.mean_, self.scale_ = values.mean(axis=0), values.std(axis=0)
        return self

    def transform(self, values):
        """Scale to mean 0, spread 1."""
        return (np.asarray(values, dtype=np.float64) - self.mean_) / self.scale_

    def inverse_transform(self, values):
        """Back to original units (``to_frame`` calls it)."""
        return np.asarray(values, dtype=np.float64) * self.scale_ + self.mean_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookback", type=int, default=30, help="days per window (30)")
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (10)")
    parser.add_argument("--rows", type=int, default=1500, help="days of built-in data (1500)")
    parser.add_argument("--units", type=int, default=32, help="LSTM units (32)")
    parser.add_argument("--batch-size", type=int, default=32, help="windows per batch (32)")
    args = parser.parse_args()

    import torch  # after the arguments, so --help answers at once

    torch.manual_seed(0)
    frame = lstmshape.datasets.synthetic(args.rows)
    parts = lstmshape.split(
        frame, args.lookback, val=0.15, test=0.15, targets=["load"], scaler=Standardise()
    )
    print(parts)

    # float32: what torch.nn.LSTM's weights are (the data is float64).
    train = parts.train.to_torch(args.batch_size, shuffle=True, seed=0, dtype="float32")
    x, y = next(iter(train))
    print(f"\nA batch: x {tuple(x.shape)} {x.dtype}, y {tuple(y.shape)}  ({len(train)} per epoch)")

    class Forecaster(torch.nn.Module):
        def __init__(self, n_features: int, units: int, n_targets: int) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(n_features, units, batch_first=True)
            self.head = torch.nn.Linear(units, n_targets)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            outputs, _ = self.lstm(x)  # (batch, lookback, units)
            return self.head(outputs[:, -1])  # the last step's state -> (batch, n_targets)

    (_, n_features), (n_targets,) = parts.train.input_shape, parts.train.target_shape
    model = Forecaster(n_features, args.units, n_targets)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_of = torch.nn.MSELoss()

    def predict(windows: lstmshape.Windows) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            batches = [model(x) for x, _ in windows.to_torch(256, dtype="float32")]
        model.train()
        return torch.cat(batches).numpy()

    print(f"\n{'epoch':>5}{'train loss':>12}{'val loss':>10}   (mean squared error, scaled)")
    val_y = parts.val.y
    for epoch in range(args.epochs):
        train.set_epoch(epoch)  # a new order every epoch
        total = 0.0
        for x, y in train:
            optimiser.zero_grad()
            loss = loss_of(model(x), y)
            loss.backward()
            optimiser.step()
            total += loss.item() * len(x)
        val_loss = float(np.mean((predict(parts.val) - val_y) ** 2))
        print(f"{epoch + 1:>5}{total / len(parts.train):>12.4f}{val_loss:>10.4f}")

    # Back to dates and original units: to_frame undoes the scaler.
    test = parts.test
    predicted = test.to_frame(predict(test))["load"]
    actual = frame["load"]
    naive = actual.shift(1).loc[predicted.index]  # tomorrow = today
    truth = actual.loc[predicted.index]
    rmse_model = float(np.sqrt(np.mean((predicted - truth) ** 2)))
    rmse_naive = float(np.sqrt(np.mean((naive - truth) ** 2)))
    print(
        f"\nTest {predicted.index[0]:%Y-%m-%d} .. {predicted.index[-1]:%Y-%m-%d} "
        f"({len(predicted)} days), RMSE in original units:"
    )
    print(f"  LSTM  {rmse_model:8.3f}")
    print(f"  naive {rmse_naive:8.3f}  (tomorrow = today)")
    verdict = "beats" if rmse_model < rmse_naive else "does NOT beat"
    print(f"The LSTM {verdict} the naive forecast.")


if __name__ == "__main__":
    main()
