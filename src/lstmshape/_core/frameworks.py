"""The one place that imports the frameworks, lazily, with an ImportError that names the extra.

``import lstmshape`` imports none of them. Each feature asks for its framework here the first
time it runs: ``import_tensorflow`` for ``tf.data``, ``import_keras`` for the model factories
(Keras 3 on whichever backend ``KERAS_BACKEND`` or ``~/.keras/keras.json`` selects; it never
imports TensorFlow itself when the backend is JAX or PyTorch), ``import_torch`` and
``import_jax`` for the loaders of those frameworks, ``import_grain`` for ``to_grain``,
``import_pyplot`` for pictures.
``installed`` answers "is it there?" without importing anything.

TensorFlow's start-up lines
---------------------------
Importing TensorFlow 2.x prints 8-9 lines to standard error before a user's script says
anything, none of them about the user's work:

============================================================  ================================
line (abbreviated)                                            silenced by
============================================================  ================================
``WARNING: All log messages before absl::InitializeLog() ...``  filtered (C++ logs written
``cudart_stub.cc ... Could not find cuda drivers ...``          before TF reads its settings)
``port.cc ... oneDNN custom operations are on ...``             filtered
``cpu_feature_guard.cc ... optimized to use ... AVX2 ...``      filtered
``E0000 cuda_platform.cc ... failed call to cuInit ...``        filtered (the GPU probe on a
                                                                machine without a GPU driver)
============================================================  ================================

The first two (printed twice, once per TensorFlow library) come before TensorFlow reads
``TF_CPP_MIN_LOG_LEVEL``, so no setting hides them; the cuInit line is an ERROR, which only
``TF_CPP_MIN_LOG_LEVEL=3`` would hide, together with every real error. Instead, standard
error is captured while TensorFlow is imported and the GPU probed, and written back without
the lines above: anything else printed then (a real error, a warning) still reaches the user.
``CUDA_VISIBLE_DEVICES`` is left alone: setting it would hide a user's GPU, and on a machine
without a driver it does not stop the cuInit line.

This filter runs by default the first time lstmshape imports TensorFlow (``to_dataset``,
``build_model`` on the TensorFlow backend, ...) when the user has not configured TensorFlow's
logging (``TF_CPP_MIN_LOG_LEVEL`` unset) and has not imported TensorFlow already; it changes
no setting. :func:`quiet` (``lstmshape.quiet()``) does it on request, before the user's own
``import tensorflow``, and also keeps TensorFlow's later C++ INFO/WARNING logs off.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from types import ModuleType

#: The pip command that brings each framework (and, for all three, Keras 3).
EXTRAS = {
    "tensorflow": 'pip install "lstmshape[tf]"',
    "jax": 'pip install "lstmshape[jax]"',
    "torch": 'pip install "lstmshape[torch]"',
    "grain": 'pip install "lstmshape[grain]"',
    "pyarrow": 'pip install "lstmshape[arrow]"',
    "narwhals": 'pip install "lstmshape[frames]"',
}
_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}  # Keras' backends
PLOT_EXTRA = 'pip install "lstmshape[plot]"'

KERAS_HINT = (
    f"{EXTRAS['tensorflow']} (Keras on TensorFlow), {EXTRAS['jax']} (Keras on JAX) "
    f"or {EXTRAS['torch']} (Keras on PyTorch)"
)


def import_tensorflow(feature: str) -> ModuleType:
    """Return ``tensorflow``, or raise an ImportError that says ``pip install "lstmshape[tf]"``.

    The first import drops TensorFlow's start-up lines unless the user configured its
    logging (``TF_CPP_MIN_LOG_LEVEL`` set); see the module's docstring.
    """
    if not _quiet_by_default():
        return _import_framework("tensorflow", feature)
    with filtered_stderr():
        tf = _import_framework("tensorflow", feature)
        tf.config.list_physical_devices()  # the GPU probe, which logs the cuInit line
    return tf


def import_torch(feature: str) -> ModuleType:
    """Return ``torch``, or raise an ImportError that says ``pip install "lstmshape[torch]"``."""
    return _import_framework("torch", feature)


def import_jax(feature: str) -> ModuleType:
    """Return ``jax``, or raise an ImportError that says ``pip install "lstmshape[jax]"``."""
    return _import_framework("jax", feature)


def import_grain(feature: str) -> ModuleType:
    """Return ``grain``, or raise an ImportError that says ``pip install "lstmshape[grain]"``."""
    return _import_framework("grain", feature)


def import_pyarrow(feature: str, part: str = "") -> ModuleType:
    """Return ``pyarrow`` (or ``pyarrow.<part>``: ``"parquet"``, ``"dataset"``, ``"feather"``).

    An ImportError says ``pip install "lstmshape[arrow]"`` when pyarrow is missing.
    """
    _import_framework("pyarrow", feature)
    return (
        importlib.import_module(f"pyarrow.{part}") if part else importlib.import_module("pyarrow")
    )


def import_narwhals(feature: str) -> ModuleType:
    """Return ``narwhals``, or raise an ImportError naming ``lstmshape[frames]``."""
    return _import_framework("narwhals", feature)


def import_keras(feature: str) -> ModuleType:
    """Return Keras 3 on its configured backend, or raise an ImportError that says how to fix it.

    Keras picks its backend once per process, when it is first imported: from the
    ``KERAS_BACKEND`` environment variable, else from ``~/.keras/keras.json``, else
    TensorFlow. This function imports nothing else: under ``KERAS_BACKEND=jax`` or
    ``torch``, TensorFlow stays out of the process. On the TensorFlow backend, the first
    import drops TensorFlow's start-up lines as :func:`import_tensorflow` does.
    """
    if not _quiet_by_default() or "keras" in sys.modules:
        return _import_keras(feature)
    with filtered_stderr():
        keras = _import_keras(feature)
        tf = sys.modules.get("tensorflow")  # imported by Keras on its TensorFlow backend
        if tf is not None:
            tf.config.list_physical_devices()
    return keras


def import_pyplot(feature: str) -> ModuleType:
    """Return ``matplotlib.pyplot``, or raise an ImportError that names ``lstmshape[plot]``."""
    try:
        import matplotlib.pyplot as plt
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "matplotlib":  # pragma: no cover - broken
            raise
        raise ImportError(
            f"{feature} needs matplotlib, which is not installed in this environment. "
            f"Install it with: {PLOT_EXTRA}"
        ) from error
    return plt


def _import_keras(feature: str) -> ModuleType:
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
    others = [backend for backend in _NAMES if backend != module and installed(backend)]
    switch = (
        f", or choose an installed backend: {' or '.join(f'KERAS_BACKEND={b}' for b in others)}"
        if others
        else ""
    )
    return (
        f"{feature} needs Keras' {module} backend ({chosen}), but {name} is not installed in "
        f"this environment. Install it with: {EXTRAS[module]}{switch}."
    )


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (it is not imported: this is instant)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # pragma: no cover - a module without a spec
        return False


# -- TensorFlow without its start-up lines ----------------------------------------------------
#: Fragments of TensorFlow's start-up lines that say nothing about the user's work.
NOISE = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "cudart_stub.cc",
    "Could not find cuda drivers on your machine",
    "failed call to cuInit",
    "oneDNN custom operations are on",
    "cpu_feature_guard.cc",
    "To enable the following instructions:",
    "Unable to register cuDNN factory",
    "Unable to register cuFFT factory",
    "Unable to register cuBLAS factory",
    "computation_placer.cc",
    "TF-TRT Warning: Could not find TensorRT",
)


def quiet(*, verbose: bool = False) -> ModuleType:
    """Import TensorFlow now, without its start-up lines, and keep its routine logs off.

    TensorFlow prints 8-9 lines to standard error when it is imported (a ``cuInit``
    "error" among them on a machine without a GPU driver), none about your work. Call
    ``lstmshape.quiet()`` at the top of a script, before ``import tensorflow`` or
    ``import keras``: those lines are dropped (anything else printed meanwhile, a real
    error, still reaches standard error), and TensorFlow's later C++ INFO and WARNING logs
    and Python-side warnings are turned off. Your own settings win: an existing
    ``TF_CPP_MIN_LOG_LEVEL`` or ``TF_ENABLE_ONEDNN_OPTS`` is kept. Without this call,
    lstmshape drops the start-up lines anyway when it is the first to import TensorFlow
    and ``TF_CPP_MIN_LOG_LEVEL`` is unset (it then changes no setting).

    Parameters
    ----------
    verbose : bool, default False
        True changes nothing and filters nothing: TensorFlow prints what it prints.

    Returns
    -------
    module
        ``tensorflow``.

    Raises
    ------
    ImportError
        TensorFlow is not installed; the message says ``pip install "lstmshape[tf]"``.

    Examples
    --------
    >>> import lstmshape
    >>> tf = lstmshape.quiet()  # doctest: +SKIP
    """
    quiet_environment(verbose=verbose)
    filtering = not verbose and "tensorflow" not in sys.modules
    with filtered_stderr() if filtering else contextlib.nullcontext():
        tf = _import_framework("tensorflow", "lstmshape.quiet")
        if filtering:
            tf.config.list_physical_devices()  # the GPU probe, which logs the cuInit line
    if not verbose:
        tf.get_logger().setLevel("ERROR")  # Python-side "WARNING:tensorflow:..." notices
    return tf


def quiet_keras(*, verbose: bool = False) -> ModuleType:
    """Import Keras 3 on TensorFlow without the start-up lines (see :func:`quiet`)."""
    quiet(verbose=verbose)
    return import_keras("lstmshape.quiet_keras")


def quiet_environment(*, verbose: bool = False) -> None:
    """Set TensorFlow's logging defaults (only where the user has not set them)."""
    if verbose:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ INFO and WARNING; errors stay
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # no oneDNN notice; reproducible sums


def is_noise(line: str) -> bool:
    """Whether a line of standard error is one of TensorFlow's start-up notices."""
    return any(fragment in line for fragment in NOISE)


def _quiet_by_default() -> bool:
    """Filter the first TensorFlow import: the user configured no logging and has no TF yet."""
    return "TF_CPP_MIN_LOG_LEVEL" not in os.environ and "tensorflow" not in sys.modules


@contextlib.contextmanager
def filtered_stderr() -> Iterator[None]:
    """Capture file descriptor 2 (C++ writes there directly); write it back without noise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable stderr: nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", errors="replace")
            kept = "".join(line for line in text.splitlines(True) if not is_noise(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()
