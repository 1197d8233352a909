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
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference stock CSVs in ``../shared/data``; skipped where absent, never in CI."""
    if not (SHARED_DATA / "NSE-TATAGLOBAL.csv").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but the reference data is missing at {SHARED_DATA}")
        pytest.skip(f"reference stock data not found at {SHARED_DATA} (only in the workplace)")
    return SHARED_DATA
