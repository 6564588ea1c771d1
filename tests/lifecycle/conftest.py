"""A real service on a fresh SQLite store under tmp_path, served over HTTP: an editor, an
administrator and a bot, each with a bearer token."""

import pytest
from fastapi.testclient import TestClient

from entitybase.api import create_app
from entitybase.service import open_service

from .helpers import REST

UA = {"User-Agent": "entitybase-tests/1.0"}


def open_test_service(path):
    svc = open_service(path)
    svc.registry.load_sites([
        {"globalid": "enwiki", "group": "wikipedia", "language": "en",
         "url_pattern": "https://en.wikipedia.org/wiki/$1"},
        {"globalid": "dewiki", "group": "wikipedia", "language": "de",
         "url_pattern": "https://de.wikipedia.org/wiki/$1"}])
    return svc


@pytest.fixture
def service(tmp_path):
    svc = open_test_service(tmp_path / "data")
    yield svc
    svc.close()


class Api:
    """HTTP calls as one user (token None: anonymous)."""

    def __init__(self, http, token):
        self.http, self.token = http, token

    def headers(self, extra=None):
        headers = dict(UA)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path, **kw):
        return self.http.get(path, headers=self.headers(kw.pop("headers", None)),
                             follow_redirects=False, **kw)

    def call(self, method, path, body=None, **kw):
        return self.http.request(method, path, json=body,
                                 headers=self.headers(kw.pop("headers", None)),
                                 follow_redirects=False, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)


@pytest.fixture
def http(service):
    return TestClient(create_app(service), base_url="http://testserver")


@pytest.fixture
def editor(service, http):
    return Api(http, service.create_user("Editor")[1])


@pytest.fixture
def admin(service, http):
    return Api(http, service.create_user("Admin", admin=True)[1])


@pytest.fixture
def bot(service, http):
    return Api(http, service.create_user("Robot", bot=True)[1])


@pytest.fixture
def anonymous(http):
    return Api(http, None)


@pytest.fixture
def item_property(editor):
    response = editor.post(f"{REST}/entities/properties", {
        "property": {"data_type": "wikibase-item", "labels": {"en": "instance of"}}})
    assert response.status_code == 201, response.text
    return response.json()["id"]
