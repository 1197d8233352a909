"""Shared fixtures and hypothesis profiles.

Profiles: ``dev`` (default, quick), ``ci`` (chosen when CI=true: more examples, no
deadline, because a loaded 2-core CI machine has slow moments that are not bugs).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Keep TensorFlow quiet and deterministic in every test process (and in subprocesses).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

REPO = Path(__file__).resolve().parents[1]

#: Where the reference stock CSVs of the classic TensorFlow stock-price tutorial are
#: (NSE-TATAGLOBAL.csv, tatatest.csv). They are not in the repository (their license is
#: unknown). Set LSTMSHAPE_REFERENCE_DATA to a folder holding them; by default a folder
#: ``shared/data`` beside the clone is used when it exists.
REFERENCE_DATA = Path(os.environ.get("LSTMSHAPE_REFERENCE_DATA", REPO.parent / "shared" / "data"))
#: Set to 1 where the data must be there (our CI): then a missing folder fails the tests
#: that need it instead of skipping them. Nowhere else is its absence an error.
REQUIRE_REFERENCE_DATA = os.environ.get("LSTMSHAPE_REQUIRE_REFERENCE_DATA") == "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of the reference stock CSVs; the tests that need it skip where it is absent."""
    if not (REFERENCE_DATA / "NSE-TATAGLOBAL.csv").exists():
        message = (
            "these tests read NSE-TATAGLOBAL.csv and tatatest.csv, the stock prices of the "
            "classic TensorFlow LSTM tutorial, which the repository does not ship; put them in "
            f"a folder and set LSTMSHAPE_REFERENCE_DATA to it (looked in {REFERENCE_DATA})"
        )
        if REQUIRE_REFERENCE_DATA:
            pytest.fail(f"LSTMSHAPE_REQUIRE_REFERENCE_DATA=1, but {message}")
        pytest.skip(message)
    return REFERENCE_DATA
