"""A missing backend service skips a test on a developer's machine and fails it in CI."""

import pytest
from backend_servers import require


def test_missing_service_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require(False, "a service")


def test_missing_service_skips_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require(False, "a service")
    require(True, "a service")
