"""The one place that imports the frameworks, lazily, with an ImportError that names the extra.

``import lstmshape`` imports none of them. Each feature asks for its framework here the first
time it runs: ``import_tensorflow`` for ``tf.data``, ``import_keras`` for the model factories
(Keras 3 on whichever backend ``KERAS_BACKEND`` or ``~/.keras/keras.json`` selects; it never
imports TensorFlow itself when the backend is JAX or PyTorch), ``import_torch`` and
``import_jax`` for the loaders of those frameworks, ``import_grain`` for ``to_grain``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

#: The pip command that brings each framework (and, for all three, Keras 3).
EXTRAS = {
    "tensorflow": 'pip install "lstmshape[tf]"',
    "jax": 'pip install "lstmshape[jax]"',
    "torch": 'pip install "lstmshape[torch]"',
    "grain": 'pip install "lstmshape[grain]"',
}
_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}  # Keras' backends
KERAS_HINT = (
    f"{EXTRAS['tensorflow']} (Keras on TensorFlow), {EXTRAS['jax']} (Keras on JAX) "
    f"or {EXTRAS['torch']} (Keras on PyTorch)"
)


def import_tensorflow(feature: str) -> ModuleType:
    """Return ``tensorflow``, or raise an ImportError that says ``pip install "lstmshape[tf]"``."""
    return _import_framework("tensorflow", feature)


def import_torch(feature: str) -> ModuleType:
    """Return ``torch``, or raise an ImportError that says ``pip install "lstmshape[torch]"``."""
    return _import_framework("torch", feature)


def import_jax(feature: str) -> ModuleType:
    """Return ``jax``, or raise an ImportError that says ``pip install "lstmshape[jax]"``."""
    return _import_framework("jax", feature)


def import_grain(feature: str) -> ModuleType:
    """Return ``grain``, or raise an ImportError that says ``pip install "lstmshape[grain]"``."""
    return _import_framework("grain", feature)


def import_keras(feature: str) -> ModuleType:
    """Return Keras 3 on its configured backend, or raise an ImportError that says how to fix it.

    Keras picks its backend once per process, when it is first imported: from the
    ``KERAS_BACKEND`` environment variable, else from ``~/.keras/keras.json``, else
    TensorFlow. This function imports nothing else: under ``KERAS_BACKEND=jax`` or
    ``torch``, TensorFlow stays out of the process.
    """
    try:
        import keras
    except ModuleNotFoundError as error:
        missing = (error.name or "").partition(".")[0]
        if missing in _NAMES:  # Keras is there, its backend is not
            raise ImportError(_missing_backend(missing, feature)) from error
        if missing != "keras":  # pragma: no cover - a broken Keras installation
            raise
        raise ImportError(
            f"{feature} needs Keras 3, which is not installed in this environment. "
            f"Install it with one of: {KERAS_HINT}."
        ) from error
    major = int(keras.__version__.split(".")[0])
    if major < 3:
        raise ImportError(
            f"{feature} needs Keras 3; Keras {keras.__version__} is installed. Upgrade with "
            f"one of: {KERAS_HINT}, adding --upgrade."
        )
    return keras


def _import_framework(module: str, feature: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:  # pragma: no cover - the framework itself is broken
            raise
        raise ImportError(
            f"{feature} needs {_NAMES.get(module, module)}, which is not installed in this "
            f"environment. Install it with: {EXTRAS[module]}"
        ) from error


def _missing_backend(module: str, feature: str) -> str:
    name = _NAMES[module]
    chosen = (
        f"KERAS_BACKEND={os.environ['KERAS_BACKEND']}"
        if "KERAS_BACKEND" in os.environ
        else "the default, or ~/.keras/keras.json"
    )
    others = [backend for backend in _NAMES if backend != module and _installed(backend)]
    switch = (
        f", or choose an installed backend: {' or '.join(f'KERAS_BACKEND={b}' for b in others)}"
        if others
        else ""
    )
    return (
        f"{feature} needs Keras' {module} backend ({chosen}), but {name} is not installed in "
        f"this environment. Install it with: {EXTRAS[module]}{switch}."
    )


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # pragma: no cover - a module without a spec
        return False
