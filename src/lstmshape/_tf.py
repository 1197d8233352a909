"""The one place that imports TensorFlow and Keras, lazily, with a helpful ImportError."""

from __future__ import annotations

from types import ModuleType

INSTALL_HINT = 'pip install "lstmshape[tf]"'


def import_tensorflow(feature: str) -> ModuleType:
    """Return the ``tensorflow`` module, or raise an ImportError that says how to get it."""
    try:
        import tensorflow
    except ImportError as error:
        raise ImportError(
            f"{feature} needs TensorFlow, which is not installed in this environment. "
            f"Install it with: {INSTALL_HINT}"
        ) from error
    return tensorflow


def import_keras(feature: str) -> ModuleType:
    """Return Keras 3, or raise an ImportError that says how to get it."""
    import_tensorflow(feature)
    try:
        import keras
    except ImportError as error:  # pragma: no cover - TensorFlow >= 2.16 brings Keras 3
        raise ImportError(
            f"{feature} needs Keras 3, which is not installed. Install it with: {INSTALL_HINT}"
        ) from error
    major = int(keras.__version__.split(".")[0])
    if major < 3:  # pragma: no cover - pinned by the tf extra
        raise ImportError(
            f"{feature} needs Keras 3; Keras {keras.__version__} is installed. "
            f"Upgrade with: {INSTALL_HINT} --upgrade"
        )
    return keras
