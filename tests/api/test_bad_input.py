"""Bad input on every write route: the spec's 4xx code, never a 500, and no trace left."""

import pytest

GUID = "{item}$AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"

# (method, path, a body the route must reject, expected status, expected code)
CASES = [
    ("POST", "/entities/items", {"item": {"labels": {"en": ""}}}, 400, "invalid-value"),
    ("POST", "/entities/items", {"item": {"id": "Q5"}}, 400, "cannot-modify-read-only-value"),
    ("POST", "/entities/items", {"item": {"statements": {"P777": [
        {"property": {"id": "{prop}"}, "value": {"type": "novalue"}}]}}}, 400,
     "statement-group-property-id-mismatch"),
    ("POST", "/entities/items", {"item": {"sitelinks": {"nowiki": {"title": "X"}}}}, 400,
     "invalid-key"),
    ("POST", "/entities/properties", {"property": {"labels": {}}}, 400, "missing-field"),
    ("POST", "/entities/properties", {"property": {"data_type": "colour"}}, 400,
     "invalid-value"),
    ("PATCH", "/entities/items/{item}", {"patch": {"op": "add"}}, 400, "invalid-value"),
    ("PATCH", "/entities/properties/{prop}", {"patch": [
        {"op": "add", "path": "/labels/en", "value": 5}]}, 422, "patch-result-invalid-value"),
    ("PATCH", "/entities/items/{item}/labels", {"patch": [
        {"op": "remove", "path": "/xx"}]}, 409, "patch-target-not-found"),
    ("PATCH", "/entities/items/{item}/descriptions", {"patch": [
        {"op": "test", "path": "/en", "value": "y"}]}, 409, "patch-test-failed"),
    ("PATCH", "/entities/items/{item}/aliases", {}, 400, "missing-field"),
    ("PATCH", "/entities/items/{item}/sitelinks", {"patch": [
        {"op": "add", "path": "/enwiki", "value": {"badges": []}}]}, 422,
     "patch-result-missing-field"),
    ("PATCH", "/entities/properties/{prop}/labels", {"patch": [
        {"op": "add", "path": "/en", "value": ""}]}, 422, "patch-result-invalid-value"),
    ("PATCH", "/entities/properties/{prop}/descriptions", {"patch": "x"}, 400,
     "invalid-value"),
    ("PATCH", "/entities/properties/{prop}/aliases", {"patch": [
        {"op": "add", "path": "/en", "value": []}]}, 422, "patch-result-invalid-value"),
    ("PUT", "/entities/items/{item}/labels/en", {"label": 5}, 400, "invalid-value"),
    ("PUT", "/entities/items/{item}/descriptions/en", {"description": "x" * 300}, 400,
     "value-too-long"),
    ("PUT", "/entities/properties/{prop}/labels/en", {"label": " "}, 400, "invalid-value"),
    ("PUT", "/entities/properties/{prop}/descriptions/xx-!!", {"description": "x"}, 400,
     "invalid-path-parameter"),
    ("DELETE", "/entities/items/{item}/labels/de", {}, 404, "resource-not-found"),
    ("DELETE", "/entities/items/{item}/descriptions/de", {"comment": 5}, 400,
     "invalid-value"),
    ("DELETE", "/entities/properties/{prop}/labels/de", {}, 404, "resource-not-found"),
    ("DELETE", "/entities/properties/{prop}/descriptions/en", {}, 404, "resource-not-found"),
    ("POST", "/entities/items/{item}/aliases/en", {"aliases": "x"}, 400, "invalid-value"),
    ("POST", "/entities/properties/{prop}/aliases/en", {"aliases": ["x" * 300]}, 400,
     "value-too-long"),
    ("PUT", "/entities/items/{item}/sitelinks/enwiki", {"sitelink": {"title": ""}}, 400,
     "invalid-value"),
    ("DELETE", "/entities/items/{item}/sitelinks/dewiki", {}, 404, "resource-not-found"),
    ("POST", "/entities/items/{item}/statements", {"statement": {}}, 400, "missing-field"),
    ("POST", "/entities/properties/{prop}/statements", {"statement": {
        "property": {"id": "{prop}"}, "value": {"type": "maybe"}}}, 400, "invalid-value"),
    ("PUT", "/entities/items/{item}/statements/" + GUID, {"statement": {
        "property": {"id": "{prop}"}, "value": {"type": "novalue"}}}, 404,
     "resource-not-found"),
    ("PATCH", "/entities/items/{item}/statements/" + GUID, {"patch": []}, 404,
     "resource-not-found"),
    ("DELETE", "/entities/items/{item}/statements/" + GUID, {}, 404, "resource-not-found"),
    ("PUT", "/entities/properties/{prop}/statements/{item}$x", {}, 400,
     "invalid-path-parameter"),
    ("PATCH", "/entities/properties/{prop}/statements/" + GUID, {"patch": []}, 400,
     "property-statement-id-mismatch"),
    ("DELETE", "/entities/properties/{prop}/statements/" + GUID, {}, 400,
     "property-statement-id-mismatch"),
    ("PUT", "/statements/" + GUID, {"statement": None}, 400, "invalid-value"),
    ("PATCH", "/statements/{guid}", {"patch": [
        {"op": "replace", "path": "/value/type", "value": "value"}]}, 422,
     "patch-result-missing-field"),
    ("PATCH", "/statements/{guid}", {"patch": [
        {"op": "replace", "path": "/id", "value": "{item}$x"}]}, 422,
     "patch-result-modified-read-only-value"),
    ("DELETE", "/statements/" + GUID, {"tags": [1]}, 400, "invalid-value"),
]


@pytest.fixture
def world(client, item, string_property):
    guid = client.post(f"/entities/items/{item}/statements", {"statement": {
        "property": {"id": string_property}, "value": {"type": "novalue"}}}).json()["id"]
    return {"item": item, "prop": string_property, "guid": guid}


def fill(value, world):
    if isinstance(value, str):
        return value.format(**world) if "{" in value else value
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world) for item in value]
    return value


def snapshot(client, world):
    return [client.get(f"/entities/{kind}/{world[key]}").content
            for kind, key in (("items", "item"), ("properties", "prop"))]


@pytest.mark.parametrize("method, path, body, status, code", CASES)
def test_rejected_without_trace(client, world, method, path, body, status, code):
    before = snapshot(client, world)
    response = client.write(method, fill(path, world), fill(body, world))
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.headers["content-language"] == "en"
    assert snapshot(client, world) == before
    assert client.get("/entities/items/Q3").status_code == 404  # nothing created


WRITE_ROUTES = sorted({(method, path) for method, path, *_ in CASES})


@pytest.mark.parametrize("method, path", WRITE_ROUTES)
def test_malformed_bodies(client, world, method, path):
    before = snapshot(client, world)
    for raw in (b"{not json", b"[]", b'"text"', b"null"):
        response = client.http.request(
            method, "/w/rest.php/wikibase/v1" + fill(path, world), content=raw,
            headers={"User-Agent": "t", "Authorization": f"Bearer {client.token}",
                     "Content-Type": "application/json"})
        assert 400 <= response.status_code < 500, (raw, response.text)
    assert snapshot(client, world) == before
