"""TensorFlow without its start-up noise, for the command line and the example scripts.

Importing TensorFlow 2.x prints up to seven lines to standard error before a user's script
says anything, none of them about the user's work. What silences each one:

============================================================  ================================
line (abbreviated)                                            silenced by
============================================================  ================================
``WARNING: All log messages before absl::InitializeLog() ...``  filtered (C++ logs written
``cudart_stub.cc ... Could not find cuda drivers ...``          before TF reads its settings)
``port.cc ... oneDNN custom operations are on ...``             ``TF_ENABLE_ONEDNN_OPTS=0``
``cpu_feature_guard.cc ... optimized to use ... AVX2 ...``      ``TF_CPP_MIN_LOG_LEVEL=2``
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

Settings use :func:`os.environ.setdefault`, so a user's own ``TF_CPP_MIN_LOG_LEVEL`` or
``TF_ENABLE_ONEDNN_OPTS`` wins; ``verbose=True`` changes nothing and filters nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from types import ModuleType

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

INSTALL_HINT = 'pip install "lstmshape[all]"'


def quiet_environment(*, verbose: bool = False) -> None:
    """Set TensorFlow's logging defaults (only where the user has not set them)."""
    if verbose:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ INFO and WARNING; errors stay
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # no oneDNN notice; reproducible sums


def quiet_tensorflow(*, verbose: bool = False) -> ModuleType:
    """Import TensorFlow without its start-up noise and return it.

    Call it after parsing the command line and before importing Keras or TensorFlow
    anywhere else: ``--help`` then answers at once, and the user sees only your output.

    Parameters
    ----------
    verbose : bool, default False
        True keeps every line TensorFlow prints (no setting is changed, nothing filtered).

    Returns
    -------
    module
        ``tensorflow``.

    Raises
    ------
    ImportError
        TensorFlow is not installed; the message says how to install it.

    Examples
    --------
    >>> from lstmshape.cli import quiet_tensorflow
    >>> tf = quiet_tensorflow()  # doctest: +SKIP
    """
    quiet_environment(verbose=verbose)
    already = "tensorflow" in sys.modules
    with contextlib.nullcontext() if verbose or already else _filtered_stderr():
        try:
            import tensorflow as tf
        except ImportError as error:
            raise ImportError(
                f"This needs TensorFlow, which is not installed: {INSTALL_HINT}"
            ) from error
        tf.config.list_physical_devices()  # the GPU probe, which logs the cuInit line
    if not verbose:
        tf.get_logger().setLevel("ERROR")  # Python-side "WARNING:tensorflow:..." notices
    return tf


def quiet_keras(*, verbose: bool = False) -> ModuleType:
    """Import Keras 3 on TensorFlow without the start-up noise (see :func:`quiet_tensorflow`)."""
    quiet_tensorflow(verbose=verbose)
    import keras

    return keras


def is_noise(line: str) -> bool:
    """Whether a line of standard error is one of TensorFlow's start-up notices."""
    return any(fragment in line for fragment in NOISE)


@contextlib.contextmanager
def _filtered_stderr() -> Iterator[None]:
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
