"""lstmshape: LSTM input shapes that cannot be wrong.

Turn a 1-D or 2-D series into the 3-D ``(samples, timesteps, features)`` input that
Keras' recurrent layers take, with targets lined up; split it by time without leakage;
stream it through ``tf.data``; and build the classic LSTM models from it.

``import lstmshape`` needs only numpy and pandas: TensorFlow is imported the first time
a TensorFlow feature (``Windows.to_dataset``, ``build_model``, ``check_model``) is used,
without TensorFlow's start-up lines (``quiet()``).
"""

from . import datasets
from ._core.errors import ShapeError, UnknownCategoryWarning
from ._core.frameworks import quiet
from ._describe.explain import explain
from ._evaluate.folds import Folds, folds
from ._evaluate.forecast import forecast
from ._evaluate.metrics import score
from ._evaluate.split import Split, split
from ._input.availability import as_published
from ._input.files import read_arrow, read_parquet
from ._input.panel import read_npy_folder
from ._input.reshape import to_3d
from ._models.losses import pinball_loss
from ._models.models import build_model, check_model
from ._plan.framing import Framing
from ._plan.schedule import BatchSchedule
from ._readers.loader import Batches
from ._readers.plot import plot_forecast
from ._version import __version__
from ._windows.windows import Windows, windows

__all__ = [
    "BatchSchedule",
    "Batches",
    "Folds",
    "Framing",
    "ShapeError",
    "Split",
    "UnknownCategoryWarning",
    "Windows",
    "__version__",
    "as_published",
    "build_model",
    "check_model",
    "datasets",
    "explain",
    "folds",
    "forecast",
    "pinball_loss",
    "plot_forecast",
    "quiet",
    "read_arrow",
    "read_npy_folder",
    "read_parquet",
    "score",
    "split",
    "to_3d",
    "windows",
]
