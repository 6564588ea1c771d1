"""Services on real SQLite files under tmp_path."""

import json

import pytest

from entitybase.service import User, open_service

EDITOR = User(1, "Editor", admin=False, bot=False)


@pytest.fixture
def service(tmp_path):
    service = open_service(tmp_path / "data")
    yield service
    service.close()


@pytest.fixture(scope="session")
def sites(conformance):
    return json.loads((conformance / "wikimedia" / "sites.json").read_bytes())
