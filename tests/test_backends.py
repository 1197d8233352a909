"""Keras 3 on TensorFlow, JAX and PyTorch: the model tests per backend, and lazy imports.

Keras fixes its backend once per process, so ``tests/test_models.py`` runs again in a fresh
process with ``KERAS_BACKEND`` set, once for each backend this process is not on (this
process runs it on its own backend already). A framework that is not installed is skipped,
except under ``CI=true``, where the test extra must have brought all three.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import lstmshape
from lstmshape._core.frameworks import import_jax, import_keras, import_tensorflow, import_torch

REPO = Path(__file__).resolve().parents[1]
BACKENDS = ["tensorflow", "jax", "torch"]


def require(backend):
    """Skip (or fail under CI) when the framework of ``backend`` is not installed."""
    if importlib.util.find_spec(backend) is None or importlib.util.find_spec("keras") is None:
        message = f"Keras or {backend} is not installed (pip install -e '.[test]' brings all)"
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)


def run_python(args, backend, *, timeout):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        out = subprocess.run(
            [sys.executable, *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:  # the child is killed by subprocess.run
        pytest.fail(f"KERAS_BACKEND={backend}: no answer within {timeout} s\n{error.stdout}")
    assert out.returncode == 0, (
        f"KERAS_BACKEND={backend} failed:\n{out.stdout[-6000:]}\n{out.stderr[-3000:]}"
    )
    return out.stdout


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_model_tests_pass_on_backend(backend):
    require(backend)
    keras = pytest.importorskip("keras")
    if keras.backend.backend() == backend:
        pytest.skip(f"tests/test_models.py already runs in this process on {backend}")
    args = ["-m", "pytest", "tests/test_models.py", "-q", "-p", "no:cacheprovider", "-x"]
    out = run_python(args, backend, timeout=600)
    assert " passed" in out and "skipped" not in out.splitlines()[-1], out[-3000:]


# Keras itself imports TensorFlow when it is installed, to check for TensorFlow objects while
# serialising a Bidirectional layer and to reach tf.io.gfile when saving: that is Keras'
# choice, not a need. So: a plain LSTM under JAX/PyTorch leaves TensorFlow out entirely, and
# with TensorFlow hidden (as in an environment from `pip install "lstmshape[jax]"`),
# bidirectional models build, train, save and load.
WITHOUT_TENSORFLOW = """
import sys
import numpy as np
import lstmshape
w = lstmshape.windows(np.sin(np.arange(200.0)).reshape(-1, 2), 10, horizon=2)
model = lstmshape.build_model(w, units=4, layers=2, dropout=0.1)
lstmshape.check_model(model, w)
import keras
assert keras.backend.backend() == "{backend}", keras.backend.backend()
loaded = sorted(name for name in sys.modules if name.startswith("tensorflow"))
assert not loaded, loaded[:5]

sys.modules["tensorflow"] = None  # as if not installed
model = lstmshape.build_model(w, units=4, bidirectional=True, merge_mode="ave")
model.compile("adam", "mse")
model.fit(w.X, w.y, epochs=1, verbose=0)
model.save("{path}")
again = keras.models.load_model("{path}")
np.testing.assert_allclose(model.predict(w.X, verbose=0), again.predict(w.X, verbose=0), atol=1e-6)
print("ok", model.count_params())
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_models_on_jax_and_torch_need_no_tensorflow(backend, tmp_path):
    require(backend)
    code = WITHOUT_TENSORFLOW.format(backend=backend, path=tmp_path / "m.keras")
    assert run_python(["-c", code], backend, timeout=300).strip() == "ok 244"


SAVE = """
import numpy as np
import lstmshape
w = lstmshape.windows(np.sin(np.arange(200.0)).reshape(-1, 2), 10, horizon=2)
model = lstmshape.build_model(w, units=4, bidirectional=True, merge_mode="sum", dropout=0.1)
model.save("{folder}/model.keras")
np.save("{folder}/predictions.npy", model.predict(w.X, verbose=0))
"""


@pytest.mark.slow
def test_a_model_saved_on_one_backend_loads_on_another(tmp_path):
    keras = pytest.importorskip("keras")
    here = keras.backend.backend()
    source = "jax" if here != "jax" else "torch"
    require(source)
    run_python(["-c", SAVE.format(folder=tmp_path)], source, timeout=300)
    loaded = keras.models.load_model(tmp_path / "model.keras")
    w = lstmshape.windows(np.sin(np.arange(200.0)).reshape(-1, 2), 10, horizon=2)
    lstmshape.check_model(loaded, w)
    saved = np.load(tmp_path / "predictions.npy")
    np.testing.assert_allclose(loaded.predict(w.X, verbose=0), saved, rtol=1e-5, atol=1e-6)


# -- ImportError messages name the extra -------------------------------------------------------
MISSING_BACKEND = """
import sys
sys.modules["{backend}"] = None  # as if not installed
import lstmshape
try:
    lstmshape.build_model((10, 1))
except ImportError as error:
    print(error)
"""


@pytest.mark.parametrize(("backend", "extra"), [("jax", "jax"), ("torch", "torch")])
def test_a_missing_backend_names_its_extra(backend, extra):
    require("tensorflow")
    out = run_python(["-c", MISSING_BACKEND.format(backend=backend)], backend, timeout=120)
    assert out.startswith(
        f"lstmshape.build_model needs Keras' {backend} backend (KERAS_BACKEND={backend}), but "
    )
    assert (
        f'Install it with: pip install "lstmshape[{extra}]", or choose an installed backend: KERAS_BACKEND=tensorflow'
        in out
    )


def test_missing_keras_names_the_three_extras(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)
    with pytest.raises(ImportError) as info:
        import_keras("lstmshape.build_model")
    assert str(info.value) == (
        "lstmshape.build_model needs Keras 3, which is not installed in this environment. "
        'Install it with one of: pip install "lstmshape[tf]" (Keras on TensorFlow), '
        'pip install "lstmshape[jax]" (Keras on JAX) or pip install "lstmshape[torch]" '
        "(Keras on PyTorch)."
    )


def test_keras_2_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.SimpleNamespace(__version__="2.15.0"))
    with pytest.raises(ImportError, match=r"needs Keras 3; Keras 2.15.0 is installed\. Upgrade"):
        import_keras("lstmshape.check_model")


@pytest.mark.parametrize(
    ("importer", "module", "says"),
    [
        (import_tensorflow, "tensorflow", 'needs TensorFlow, which is not installed in this environment. Install it with: pip install "lstmshape[tf]"'),
        (import_torch, "torch", 'needs PyTorch, which is not installed in this environment. Install it with: pip install "lstmshape[torch]"'),
        (import_jax, "jax", 'needs JAX, which is not installed in this environment. Install it with: pip install "lstmshape[jax]"'),
    ],
)  # fmt: skip
def test_each_framework_names_its_extra(monkeypatch, importer, module, says):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError) as info:
        importer("Windows.feature")
    assert str(info.value) == f"Windows.feature {says}"


def test_ci_installs_the_cpu_only_pytorch():
    """The README's test command pins torch so that CI gets the CPU build, not GBs of CUDA."""
    if not os.environ.get("CI"):
        pytest.skip("checked under CI=true, where the README's test command set up the venv")
    from importlib import metadata

    require("torch")
    cuda = sorted(
        dist.metadata["Name"]
        for dist in metadata.distributions()
        if dist.metadata["Name"].lower().startswith("nvidia-")
    )
    assert not cuda, f"torch {metadata.version('torch')} brought CUDA libraries: {cuda}"
    assert metadata.version("torch").endswith("+cpu"), metadata.version("torch")
