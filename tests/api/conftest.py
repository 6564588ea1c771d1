"""A real service on a fresh SQLite store under tmp_path, served through the ASGI app."""

import pytest
from fastapi.testclient import TestClient

from entitybase.api import create_app
from entitybase.service import open_service

REST = "/w/rest.php/wikibase/v1"
UA = {"User-Agent": "entitybase-tests/1.0"}


SITES = [
    {"globalid": "enwiki", "group": "wikipedia", "language": "en",
     "url_pattern": "https://en.wikipedia.org/wiki/$1"},
    {"globalid": "dewiki", "group": "wikipedia", "language": "de",
     "url_pattern": "https://de.wikipedia.org/wiki/$1"},
]


@pytest.fixture
def service(tmp_path):
    svc = open_service(tmp_path / "data")
    svc.registry.load_sites(SITES)
    yield svc
    svc.close()


@pytest.fixture
def token(service):
    _, token = service.create_user("Alice")
    return token


@pytest.fixture
def bot_token(service):
    _, token = service.create_user("Robot", bot=True)
    return token


class Client:
    """A TestClient sending a User-Agent and, for writes, Alice's bearer token."""

    def __init__(self, app, token):
        self.http = TestClient(app, base_url="http://testserver")
        self.token = token

    def _headers(self, headers, auth):
        result = dict(UA)
        if auth and self.token:
            result["Authorization"] = f"Bearer {self.token}"
        result.update(headers or {})
        return result

    def get(self, path, headers=None, **kw):
        return self.http.get(REST + path, headers=self._headers(headers, False),
                             follow_redirects=False, **kw)

    def write(self, method, path, body=None, headers=None, auth=True, **kw):
        return self.http.request(method, REST + path, json=body,
                                 headers=self._headers(headers, auth), follow_redirects=False,
                                 **kw)

    def post(self, path, body=None, **kw):
        return self.write("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.write("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.write("PATCH", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.write("DELETE", path, body, **kw)


@pytest.fixture
def client(service, token):
    return Client(create_app(service), token)


@pytest.fixture
def string_property(client):
    response = client.post("/entities/properties", {
        "property": {"data_type": "string", "labels": {"en": "name"}}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def item_property(client):
    response = client.post("/entities/properties", {
        "property": {"data_type": "wikibase-item", "labels": {"en": "instance of"}}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def item(client):
    response = client.post("/entities/items", {
        "item": {"labels": {"en": "Stockholm"}, "descriptions": {"en": "capital of Sweden"}}})
    assert response.status_code == 201, response.text
    return response.json()["id"]
