"""Entity schemas over HTTP: create, read, edit terms and schema text, patch, history,
revert, protection."""

from .helpers import EXT, revision_of

SCHEMAS = f"{EXT}/entities/entity-schemas"
SHEX = "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n<cat> { wdt:P31 [ wd:Q146 ] }"


def _create(api, **schema):
    response = api.post(SCHEMAS, {"entity_schema": {
        "labels": {"en": "cat"}, "descriptions": {"en": "a cat"}, "aliases": {"en": ["kitty"]},
        "schema_text": SHEX, **schema}})
    assert response.status_code == 201, response.text
    return response


def test_create_read_and_edit(editor):
    created = _create(editor)
    schema_id = created.json()["id"]
    assert schema_id == "E1"
    assert created.json() == {"id": "E1", "labels": {"en": "cat"},
                              "descriptions": {"en": "a cat"}, "aliases": {"en": ["kitty"]},
                              "schema_text": SHEX}
    url = f"{SCHEMAS}/{schema_id}"
    got = editor.get(url)
    assert got.status_code == 200 and got.json() == created.json()
    assert editor.get(url, headers={"If-None-Match": got.headers["ETag"]}).status_code == 304
    assert editor.call("PUT", f"{url}/labels/de", {"label": "Katze"}).json() == "Katze"
    assert editor.call("PUT", f"{url}/descriptions/de",
                       {"description": "eine Katze"}).status_code == 200
    assert editor.call("PUT", f"{url}/aliases/de", {"aliases": ["Mieze"]}).json() == ["Mieze"]
    assert editor.call("PUT", f"{url}/schema_text",
                       {"schema_text": "<cat> {}"}).json() == "<cat> {}"
    assert editor.call("DELETE", f"{url}/descriptions/en").json() == "Description deleted"
    current = editor.get(url).json()
    assert current["labels"] == {"en": "cat", "de": "Katze"}
    assert current["descriptions"] == {"de": "eine Katze"}
    assert current["aliases"] == {"en": ["kitty"], "de": ["Mieze"]}
    assert current["schema_text"] == "<cat> {}"
    history = editor.get(f"{EXT}/entities/{schema_id}/history").json()["revisions"]
    assert [r["comment"] for r in history] == [
        "/* entityschema-summary-update-schema-description */",
        "/* entityschema-summary-update-schema-text */",
        "/* entityschema-summary-update-schema-aliases */ Mieze",
        "/* entityschema-summary-update-schema-description */ eine Katze",
        "/* entityschema-summary-update-schema-label */ Katze",
        "/* entityschema-summary-newschema */ cat"]
    # Revert brings the first revision back exactly.
    response = editor.post(f"{EXT}/entities/{schema_id}/revert",
                           {"to_revision_id": history[-1]["revision_id"]})
    assert response.status_code == 200, response.text
    assert editor.get(url).json() == created.json()


def test_patch_and_failures(editor, admin):
    schema_id = _create(editor).json()["id"]
    url = f"{SCHEMAS}/{schema_id}"
    patched = editor.call("PATCH", url, {"patch": [
        {"op": "replace", "path": "/schema_text", "value": "<x> {}"},
        {"op": "add", "path": "/labels/fr", "value": "chat"}]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["labels"] == {"en": "cat", "fr": "chat"}
    read_only = editor.call("PATCH", url, {"patch": [
        {"op": "replace", "path": "/id", "value": "E9"}]})
    assert read_only.status_code == 422
    missing = editor.get(f"{SCHEMAS}/E999")
    assert missing.status_code == 404 and missing.json()["code"] == "entity-schema-not-found"
    assert editor.get(f"{SCHEMAS}/Q1").status_code == 400
    assert editor.call("DELETE", f"{url}/labels/xx").status_code == 404
    too_long = editor.call("PUT", f"{url}/schema_text", {"schema_text": "x" * 50_001})
    assert too_long.status_code == 400 and too_long.json()["code"] == "value-too-long"
    same = editor.post(SCHEMAS, {"entity_schema": {"labels": {"en": "x"},
                                                   "descriptions": {"en": "x"}}})
    assert same.status_code == 422
    head = revision_of(editor.get(url))
    admin.call("PUT", f"{EXT}/entities/{schema_id}/protection", {"level": "full"})
    assert editor.call("PUT", f"{url}/labels/en", {"label": "dog"}).status_code == 403
    assert revision_of(editor.get(url)) == head
    assert admin.call("PUT", f"{url}/labels/en", {"label": "dog"}).status_code == 200
