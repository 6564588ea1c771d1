"""Shared test fixtures: where the read-only conformance data lives."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE_DIR = Path(
    os.environ.get("ENTITYBASE_CONFORMANCE_DIR", REPO_ROOT.parent / "shared" / "conformance")
)


@pytest.fixture(scope="session")
def conformance() -> Path:
    if not CONFORMANCE_DIR.is_dir():
        raise RuntimeError(f"conformance data not found at {CONFORMANCE_DIR}")
    return CONFORMANCE_DIR
