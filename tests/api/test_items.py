"""Items and properties over HTTP: create, read, conditional requests, redirects, auth."""

REST = "/w/rest.php/wikibase/v1"
UA = {"User-Agent": "entitybase-tests/1.0"}


def test_create_item_answers_201_with_location_etag_and_rest_json(client):
    response = client.post("/entities/items", {
        "item": {"labels": {"en": "Stockholm"}, "descriptions": {"en": "capital of Sweden"},
                 "aliases": {"en": ["Sthlm", "Sthlm"]}},
        "comment": "new city", "tags": []})
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["id", "type", "labels", "descriptions", "aliases", "statements",
                          "sitelinks"]
    assert body["type"] == "item" and body["aliases"] == {"en": ["Sthlm"]}
    assert response.headers["location"].endswith(f"{REST}/entities/items/{body['id']}")
    assert response.headers["etag"].strip('"').isdigit()
    assert response.headers["last-modified"].endswith(" GMT")
    assert response.headers["x-authenticated-user"] == "Alice"


def test_get_item_matches_what_was_created(client, item):
    response = client.get(f"/entities/items/{item}")
    assert response.status_code == 200
    assert response.json() == {
        "id": item, "type": "item", "labels": {"en": "Stockholm"},
        "descriptions": {"en": "capital of Sweden"}, "aliases": {}, "statements": {},
        "sitelinks": {}}


def test_get_item_fields(client, item):
    response = client.get(f"/entities/items/{item}", params={"_fields": "labels,sitelinks"})
    assert response.json() == {"id": item, "labels": {"en": "Stockholm"}, "sitelinks": {}}
    bad = client.get(f"/entities/items/{item}", params={"_fields": "labels,claims"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid-query-parameter"


def test_missing_and_malformed_ids(client):
    missing = client.get("/entities/items/Q999")
    assert missing.status_code == 404
    assert missing.json() == {"code": "resource-not-found",
                              "message": "The requested resource does not exist",
                              "context": {"resource_type": "item"}}
    assert missing.headers["content-language"] == "en"
    bad = client.get("/entities/items/X1")
    assert bad.status_code == 400
    assert bad.json()["context"] == {"parameter": "item_id"}
    assert client.get("/entities/properties/Q1").json()["code"] == "invalid-path-parameter"


def test_missing_user_agent(client, item):
    response = client.http.get(f"{REST}/entities/items/{item}", headers={"User-Agent": ""})
    assert response.status_code == 400
    assert response.json() == {"code": "missing-user-agent",
                               "message": "Request must include User-Agent header"}


def test_conditional_reads(client, item):
    first = client.get(f"/entities/items/{item}")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    not_modified = client.get(f"/entities/items/{item}", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    since = client.get(f"/entities/items/{item}", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = client.get(f"/entities/items/{item}", headers={"If-None-Match": '"999"'})
    assert other.status_code == 200
    failed = client.get(f"/entities/items/{item}", headers={"If-Match": '"999"'})
    assert failed.status_code == 412 and failed.content == b"" and "etag" not in failed.headers


def test_conditional_writes(client, item):
    etag = client.get(f"/entities/items/{item}").headers["etag"]
    stale = client.put(f"/entities/items/{item}/labels/en", {"label": "A"},
                       headers={"If-Match": '"999"'})
    assert stale.status_code == 412 and stale.content == b""
    old = client.put(f"/entities/items/{item}/labels/en", {"label": "A"},
                     headers={"If-Unmodified-Since": "Sat, 06 Jun 2020 16:38:47 GMT"})
    assert old.status_code == 412
    fresh = client.put(f"/entities/items/{item}/labels/en", {"label": "A"},
                       headers={"If-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag
    assert client.get(f"/entities/items/{item}/labels/en").json() == "A"


def test_writes_need_a_token(client, item):
    anonymous = client.put(f"/entities/items/{item}/labels/en", {"label": "A"}, auth=False)
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "permission-denied"
    bad = client.put(f"/entities/items/{item}/labels/en", {"label": "A"},
                     headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 403
    bot = client.put(f"/entities/items/{item}/labels/en", {"label": "A", "bot": True})
    assert bot.status_code == 403
    assert bot.json()["context"] == {"denial_reason": "unauthorized-bot-edit"}
    assert client.get(f"/entities/items/{item}/labels/en").json() == "Stockholm"


def test_bot_edit_by_a_bot(client, bot_token, item):
    response = client.put(f"/entities/items/{item}/labels/en", {"label": "A", "bot": True},
                          headers={"Authorization": f"Bearer {bot_token}"})
    assert response.status_code == 200
    history = client.http.get(f"/entitybase/v1/entities/{item}/history").json()
    assert history["revisions"][0]["bot"] is True
    assert history["revisions"][0]["user"] == "Robot"


def test_anonymous_edits_when_allowed(client, service, item):
    service.settings.anonymous_edits = True
    response = client.put(f"/entities/items/{item}/labels/en", {"label": "A"}, auth=False)
    assert response.status_code == 200
    assert "x-authenticated-user" not in response.headers


def test_redirected_item(client, item):
    target = client.post("/entities/items", {"item": {"labels": {"en": "Target"}}}).json()["id"]
    response = client.http.post("/entitybase/v1/redirects", json={"from": item, "to": target},
                                headers={**UA, "Authorization": f"Bearer {client.token}"})
    assert response.status_code == 201, response.text
    moved = client.get(f"/entities/items/{item}/labels?x=1")
    assert moved.status_code == 308
    assert moved.headers["location"].endswith(f"{REST}/entities/items/{target}/labels?x=1")
    edit = client.put(f"/entities/items/{item}/labels/en", {"label": "A"})
    assert edit.status_code == 409
    assert edit.json() == {"code": "redirected-item",
                           "message": f"Item {item} has been redirected to {target}",
                           "context": {"redirect_target": target}}


def test_create_property(client):
    response = client.post("/entities/properties", {"property": {
        "data_type": "external-id", "labels": {"en": "ISBN"}, "aliases": {"en": ["isbn"]}}})
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["id", "type", "data_type", "labels", "descriptions", "aliases",
                          "statements"]
    assert body["data_type"] == "external-id"
    assert client.get(f"/entities/properties/{body['id']}").json() == body


def test_property_data_types(client):
    types = client.get("/property-data-types").json()
    assert types["wikibase-item"] == "wikibase-entityid"
    assert types["external-id"] == "string"
    assert types["globe-coordinate"] == "globecoordinate"


def test_openapi_document(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    operations = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert {"getItem", "addItem", "patchItem", "addItemStatement", "getStatement",
            "setSitelink", "getPropertyDataTypes"} <= operations
    assert f"{REST}/entities/items/{{item_id}}" in doc["paths"]
    assert doc["paths"][f"{REST}/openapi.json"]["get"]["operationId"] == "getOpenApiDoc"


def test_patch_item(client, item, string_property):
    etag = client.get(f"/entities/items/{item}").headers["etag"]
    patch = [
        {"op": "replace", "path": "/labels/en", "value": "Stockholm City"},
        {"op": "add", "path": "/labels/de", "value": "Stockholm"},
        {"op": "add", "path": f"/statements/{string_property}", "value": [
            {"property": {"id": string_property}, "value": {"type": "value", "content": "x"}}]},
    ]
    response = client.patch(f"/entities/items/{item}", {"patch": patch},
                            headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["labels"] == {"en": "Stockholm City", "de": "Stockholm"}
    statement = body["statements"][string_property][0]
    assert statement["id"].startswith(f"{item}$")
    history = client.http.get(f"/entitybase/v1/entities/{item}/history").json()
    assert history["revisions"][0]["comment"] == \
        "/* wbeditentity-update-languages-and-other-short:0||de, en */"


def test_patch_item_errors(client, item):
    def patch(ops):
        return client.patch(f"/entities/items/{item}", {"patch": ops})

    test_failed = patch([{"op": "test", "path": "/labels/en", "value": "Nope"}])
    assert test_failed.status_code == 409
    assert test_failed.json()["context"] == {"path": "/patch/0", "actual_value": "Stockholm"}
    missing = patch([{"op": "remove", "path": "/labels/fr"}])
    assert missing.status_code == 409
    assert missing.json() == {"code": "patch-target-not-found",
                              "message": "Target not found on resource",
                              "context": {"path": "/patch/0/path"}}
    read_only = patch([{"op": "replace", "path": "/id", "value": "Q5"}])
    assert read_only.status_code == 422
    assert read_only.json()["code"] == "patch-result-modified-read-only-value"
    empty = patch([{"op": "replace", "path": "/labels/en", "value": ""}])
    assert empty.status_code == 422
    assert empty.json()["code"] == "patch-result-invalid-value"
    assert empty.json()["context"] == {"path": "/labels/en", "value": ""}
    same = patch([{"op": "replace", "path": "/labels/en", "value": "capital of Sweden"}])
    assert same.status_code == 422 and same.json()["code"] == "data-policy-violation"
    malformed = patch([{"op": "jump", "path": "/labels"}])
    assert malformed.status_code == 400
    assert malformed.json()["context"] == {"path": "/patch/0/op"}
    no_path = patch([{"op": "add", "value": 1}])
    assert no_path.status_code == 400
    assert no_path.json()["context"] == {"path": "/patch/0", "field": "path"}


def test_patch_property_cannot_change_data_type(client, string_property):
    response = client.patch(f"/entities/properties/{string_property}", {
        "patch": [{"op": "replace", "path": "/data_type", "value": "url"}]})
    assert response.status_code == 422
    assert response.json()["code"] == "patch-result-modified-read-only-value"
    assert response.json()["context"] == {"path": "/data_type"}


def test_missing_item_is_404_before_permission(client):
    response = client.put("/entities/items/Q999/labels/en", {"label": "A"}, auth=False)
    assert response.status_code == 404


def test_created_statements_get_new_guids(client, string_property):
    response = client.post("/entities/items", {"item": {"statements": {string_property: [
        {"id": "Q999$AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE",
         "property": {"id": string_property}, "value": {"type": "novalue"}}]}}})
    assert response.status_code == 201
    body = response.json()
    assert body["statements"][string_property][0]["id"].startswith(f"{body['id']}$")
