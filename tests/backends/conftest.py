"""A backend per parameter: SQLite or MariaDB metadata, local or S3 blobs.

`backend.open()` opens a service on the backend; opening twice gives two independent
services (own engines and caches) on the same data, as two processes would have.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from entitybase.service import Settings, User, open_service

EDITOR = User(1, "Editor", admin=False, bot=False)

BACKENDS = ["sqlite-local", "sqlite-s3", "mariadb-local", "mariadb-s3"]


@dataclass
class Backend:
    name: str
    data_dir: Path
    environment: dict
    opened: list = field(default_factory=list)

    def open(self, settings: Settings | None = None):
        # Small parts still go to the blob store, so every backend's blobs are exercised.
        settings = settings or Settings(blob_threshold=1024)
        service = open_service(self.data_dir, settings)
        self.opened.append(service)
        return service


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, monkeypatch):
    database, blobs = request.param.split("-")
    environment = {}
    if database == "mariadb":
        environment["ENTITYBASE_DATABASE_URL"] = request.getfixturevalue("mariadb_url")
    if blobs == "s3":
        environment["ENTITYBASE_BLOB_URL"] = request.getfixturevalue("s3_server").new_url()
    for name in ("ENTITYBASE_DATABASE_URL", "ENTITYBASE_BLOB_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = Backend(request.param, tmp_path / "data", environment)
    yield result
    for service in result.opened:
        service.close()


@pytest.fixture
def service(backend):
    return backend.open()


def process_environment(extra: dict | None = None) -> dict:
    """The environment for an entitybase subprocess: this one's, plus `extra`."""
    return {**os.environ, **(extra or {})}
