"""Statements over HTTP: add, read, replace, patch and delete, by entity and by GUID."""

REST = "/w/rest.php/wikibase/v1"


def last_comment(client, entity_id):
    history = client.http.get(f"/entitybase/v1/entities/{entity_id}/history").json()
    return history["revisions"][0]["comment"]


def string_statement(prop, content="Stockholm"):
    return {"property": {"id": prop}, "value": {"type": "value", "content": content}}


def test_add_statement_with_qualifiers_and_references(client, item, string_property,
                                                      item_property):
    statement = {
        **string_statement(string_property),
        "rank": "preferred",
        "qualifiers": [{"property": {"id": item_property},
                        "value": {"type": "value", "content": "Q34"}}],
        "references": [{"parts": [{"property": {"id": string_property},
                                   "value": {"type": "somevalue"}}]}],
    }
    response = client.post(f"/entities/items/{item}/statements",
                           {"statement": statement, "comment": "source"})
    assert response.status_code == 201, response.text
    body = response.json()
    guid = body["id"]
    assert guid.startswith(f"{item}$")
    assert response.headers["location"].endswith(
        f"{REST}/entities/items/{item}/statements/{guid}")
    assert body["rank"] == "preferred"
    assert body["property"] == {"id": string_property, "data_type": "string"}
    assert body["qualifiers"] == [{"property": {"id": item_property,
                                                "data_type": "wikibase-item"},
                                   "value": {"type": "value", "content": "Q34"}}]
    assert len(body["references"][0]["hash"]) == 40
    assert body["references"][0]["parts"][0]["value"] == {"type": "somevalue"}
    assert last_comment(client, item) == \
        f"/* wbsetclaim-create:2||1 */ [[Property:{string_property}]]: Stockholm, source"
    by_item = client.get(f"/entities/items/{item}/statements/{guid}")
    assert by_item.json() == body
    assert by_item.headers["etag"] == response.headers["etag"]
    assert client.get(f"/statements/{guid}").json() == body
    listed = client.get(f"/entities/items/{item}/statements").json()
    assert listed == {string_property: [body]}
    filtered = client.get(f"/entities/items/{item}/statements",
                          params={"property": item_property})
    assert filtered.json() == {}


def test_replace_patch_and_delete_statement(client, item, string_property, item_property):
    guid = client.post(f"/entities/items/{item}/statements",
                       {"statement": string_statement(string_property)}).json()["id"]
    replaced = client.put(f"/statements/{guid}",
                          {"statement": string_statement(string_property, "Holmia")})
    assert replaced.status_code == 200
    assert replaced.json()["value"]["content"] == "Holmia" and replaced.json()["id"] == guid
    assert last_comment(client, item) == \
        f"/* wbsetclaim-update:2||1 */ [[Property:{string_property}]]: Holmia"
    patched = client.patch(f"/entities/items/{item}/statements/{guid}", {"patch": [
        {"op": "replace", "path": "/rank", "value": "deprecated"}]})
    assert patched.status_code == 200 and patched.json()["rank"] == "deprecated"
    read_only = client.patch(f"/statements/{guid}", {"patch": [
        {"op": "replace", "path": "/property/id", "value": item_property},
        {"op": "replace", "path": "/value", "value": {"type": "novalue"}}]})
    assert read_only.status_code == 422
    assert read_only.json()["context"] == {"path": "/property/id"}
    missing = client.patch(f"/statements/{guid}", {"patch": [
        {"op": "replace", "path": "/property/id", "value": "P999"}]})
    assert missing.json()["code"] == "patch-result-referenced-resource-not-found"
    assert missing.json()["context"] == {"path": "/property/id", "value": "P999"}
    bad_rank = client.patch(f"/statements/{guid}", {"patch": [
        {"op": "replace", "path": "/rank", "value": "best"}]})
    assert bad_rank.status_code == 422
    assert bad_rank.json()["context"] == {"path": "/rank", "value": "best"}
    deleted = client.delete(f"/entities/items/{item}/statements/{guid}")
    assert deleted.status_code == 200 and deleted.json() == "Statement deleted"
    assert last_comment(client, item) == \
        f"/* wbremoveclaims-remove:1| */ [[Property:{string_property}]]: Holmia"
    assert client.get(f"/statements/{guid}").status_code == 404
    assert client.get(f"/entities/items/{item}").json()["statements"] == {}


def test_statement_errors(client, item, string_property):
    base = f"/entities/items/{item}/statements"

    def add(statement):
        return client.post(base, {"statement": statement})

    cases = [
        (add({"value": {"type": "novalue"}}), 400, "missing-field",
         {"path": "/statement", "field": "property"}),
        (add({"property": {"id": "P99999"}, "value": {"type": "novalue"}}), 400,
         "referenced-resource-not-found", {"path": "/statement/property/id"}),
        (add({"property": {"id": "Q1"}, "value": {"type": "novalue"}}), 400, "invalid-value",
         {"path": "/statement/property/id"}),
        (add({"property": {"id": string_property}, "value": {"type": "value"}}), 400,
         "missing-field", {"path": "/statement/value", "field": "content"}),
        (add({"property": {"id": string_property}, "value": {"type": "value", "content": 5}}),
         400, "invalid-value", {"path": "/statement/value/content"}),
        (add({**string_statement(string_property), "rank": "top"}), 400, "invalid-value",
         {"path": "/statement/rank"}),
        (add({**string_statement(string_property), "qualifiers": [{"property": {}}]}), 400,
         "missing-field", {"path": "/statement/qualifiers/0/property", "field": "id"}),
        (add({**string_statement(string_property), "references": [{}]}), 400,
         "missing-field", {"path": "/statement/references/0", "field": "parts"}),
        (add("nope"), 400, "invalid-value", {"path": "/statement"}),
        (client.post(base, {}), 400, "missing-field", {"path": "", "field": "statement"}),
    ]
    for response, status, code, context in cases:
        assert response.status_code == status, response.text
        assert response.json()["code"] == code, response.text
        assert response.json()["context"] == context
    invalid = client.get(f"/statements/{item}$nope")
    assert invalid.json()["context"] == {"parameter": "statement_id"}
    guid = add(string_statement(string_property)).json()["id"]
    other = client.post("/entities/items", {"item": {}}).json()["id"]
    mismatch = client.get(f"/entities/items/{other}/statements/{guid}")
    assert mismatch.status_code == 400
    assert mismatch.json() == {
        "code": "item-statement-id-mismatch",
        "message": "IDs of the Item and the Statement do not match",
        "context": {"item_id": other, "statement_id": guid}}
    unknown = f"{item}$AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
    assert client.get(f"/statements/{unknown}").json()["context"] == {"resource_type": "statement"}
    assert client.delete(f"/statements/{unknown}").status_code == 404
    other_property = client.put(f"/statements/{guid}", {"statement": {
        "property": {"id": "P1" if string_property != "P1" else "P2"},
        "value": {"type": "novalue"}}})
    assert other_property.status_code == 400


def test_property_statements(client, string_property, item_property):
    response = client.post(f"/entities/properties/{item_property}/statements",
                           {"statement": string_statement(string_property, "x")})
    assert response.status_code == 201
    guid = response.json()["id"]
    assert guid.startswith(f"{item_property}$")
    got = client.get(f"/entities/properties/{item_property}/statements/{guid}")
    assert got.json()["value"]["content"] == "x"
    deleted = client.delete(f"/entities/properties/{item_property}/statements/{guid}")
    assert deleted.status_code == 200


def test_value_types(client, service, item):
    properties = {}
    for datatype in ("time", "quantity", "globe-coordinate", "monolingualtext", "url"):
        created = client.post("/entities/properties", {"property": {"data_type": datatype}})
        properties[datatype] = created.json()["id"]
    contents = {
        "time": {"time": "+2001-01-15T00:00:00Z", "precision": 11,
                 "calendarmodel": "http://www.wikidata.org/entity/Q1985727"},
        "quantity": {"amount": "+5", "unit": "1"},
        "globe-coordinate": {"latitude": 59.3, "longitude": 18.1, "precision": 0.1,
                             "globe": "http://www.wikidata.org/entity/Q2"},
        "monolingualtext": {"text": "Stockholm", "language": "sv"},
        "url": "https://stockholm.se/",
    }
    for datatype, content in contents.items():
        response = client.post(f"/entities/items/{item}/statements", {"statement": {
            "property": {"id": properties[datatype]},
            "value": {"type": "value", "content": content}}})
        assert response.status_code == 201, response.text
        got = response.json()["value"]["content"]
        if datatype == "globe-coordinate":
            assert got == {**content, "altitude": None}
        else:
            assert got == content
    bad_time = client.post(f"/entities/items/{item}/statements", {"statement": {
        "property": {"id": properties["time"]},
        "value": {"type": "value", "content": {"time": "2001", "precision": 11,
                                               "calendarmodel": "x"}}}})
    assert bad_time.status_code == 400
    assert bad_time.json()["context"] == {"path": "/statement/value/content"}
    exported = service.get(item).entity
    time_snak = exported.claims[properties["time"]][0].mainsnak
    assert time_snak.datavalue.value.timezone == 0 and len(time_snak.hash) == 40


def test_replace_cannot_change_the_statement_id(client, item, string_property):
    guid = client.post(f"/entities/items/{item}/statements",
                       {"statement": string_statement(string_property)}).json()["id"]
    other = f"{item}$AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
    response = client.put(f"/statements/{guid}",
                          {"statement": {**string_statement(string_property), "id": other}})
    assert response.status_code == 400
    assert response.json() == {"code": "cannot-modify-read-only-value",
                               "message": "The input value cannot be modified",
                               "context": {"path": "/statement/id"}}
