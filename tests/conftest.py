"""Shared test fixtures."""

from pathlib import Path

import pytest

from conformance_data import CONFORMANCE_DIR

# MariaDB, S3 and Kafka fixtures, and the switch that runs suites on them.
pytest_plugins = ["backend_fixtures"]


@pytest.fixture(scope="session")
def conformance() -> Path:
    if not CONFORMANCE_DIR.is_dir():
        raise RuntimeError(f"conformance data not found at {CONFORMANCE_DIR}")
    return CONFORMANCE_DIR
