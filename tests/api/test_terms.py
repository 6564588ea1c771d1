"""Labels, descriptions, aliases and sitelinks over HTTP, with the revisions they leave."""

import pytest

REST = "/w/rest.php/wikibase/v1"


def last_comment(client, entity_id):
    history = client.http.get(f"/entitybase/v1/entities/{entity_id}/history").json()
    return history["revisions"][0]["comment"]


def revision_count(client, entity_id):
    history = client.http.get(f"/entitybase/v1/entities/{entity_id}/history").json()
    return len(history["revisions"])


@pytest.mark.parametrize("field, name, module", [
    ("labels", "label", "wbsetlabel"), ("descriptions", "description", "wbsetdescription")])
def test_term_lifecycle(client, item, field, name, module):
    base = f"/entities/items/{item}/{field}"
    added = client.put(f"{base}/fr", {name: "  Stockholm (fr)  ", "comment": "bonjour"})
    assert added.status_code == 201 and added.json() == "Stockholm (fr)"
    assert last_comment(client, item) == f"/* {module}-add:1|fr */ Stockholm (fr), bonjour"
    replaced = client.put(f"{base}/fr", {name: "Stockholm 2"})
    assert replaced.status_code == 200
    assert last_comment(client, item) == f"/* {module}-set:1|fr */ Stockholm 2"
    got = client.get(f"{base}/fr")
    assert got.json() == "Stockholm 2" and got.headers["etag"] == replaced.headers["etag"]
    assert client.get(base).json()["fr"] == "Stockholm 2"
    deleted = client.delete(f"{base}/fr")
    assert deleted.status_code == 200
    assert deleted.json() == ("Label deleted" if field == "labels" else "Description deleted")
    assert last_comment(client, item) == f"/* {module}-remove:1|fr */ Stockholm 2"
    missing = client.get(f"{base}/fr")
    assert missing.status_code == 404
    assert missing.json()["context"] == {"resource_type": name}
    assert client.delete(f"{base}/fr").status_code == 404


def test_term_errors(client, item):
    base = f"/entities/items/{item}"
    cases = [
        (client.put(f"{base}/labels/en", {"label": ""}), 400, "invalid-value",
         {"path": "/label"}),
        (client.put(f"{base}/labels/en", {"label": "x" * 251}), 400, "value-too-long",
         {"path": "/label", "limit": 250}),
        (client.put(f"{base}/labels/en", {}), 400, "missing-field",
         {"path": "", "field": "label"}),
        (client.put(f"{base}/labels/not a code", {"label": "x"}), 400,
         "invalid-path-parameter", {"parameter": "language_code"}),
        (client.put(f"{base}/labels/en", {"label": "capital of Sweden"}), 422,
         "data-policy-violation",
         {"violation": "label-description-same-value", "violation_context": {"language": "en"}}),
        (client.put(f"{base}/labels/en", {"label": "A", "comment": "c" * 501}), 400,
         "value-too-long", {"path": "/comment", "limit": 500}),
        (client.put(f"{base}/labels/en", {"label": "A", "tags": "x"}), 400, "invalid-value",
         {"path": "/tags"}),
        (client.put(f"{base}/labels/en", {"label": "A", "bot": "yes"}), 400, "invalid-value",
         {"path": "/bot"}),
    ]
    for response, status, code, context in cases:
        assert response.status_code == status, response.text
        assert response.json()["code"] == code
        assert response.json()["context"] == context
    assert revision_count(client, item) == 1


def test_label_description_uniqueness(client, item):
    response = client.post("/entities/items", {
        "item": {"labels": {"en": "Stockholm"}, "descriptions": {"en": "capital of Sweden"}}})
    assert response.status_code == 422
    assert response.json()["code"] == "data-policy-violation"
    assert response.json()["context"]["violation"] == "item-label-description-duplicate"


def test_unknown_body_fields_are_ignored(client, item):
    response = client.put(f"/entities/items/{item}/labels/en",
                          {"label": "Sthlm", "whatever": [1, 2]})
    assert response.status_code == 200


def test_label_with_language_fallback(client, item):
    direct = client.get(f"/entities/items/{item}/labels_with_language_fallback/en")
    assert direct.status_code == 200 and direct.json() == "Stockholm"
    fallback = client.get(f"/entities/items/{item}/labels_with_language_fallback/sv")
    assert fallback.status_code == 307
    assert fallback.headers["location"].endswith(f"{REST}/entities/items/{item}/labels/en")
    none = client.get(f"/entities/items/{item}/descriptions_with_language_fallback/sv")
    assert none.status_code == 307
    client.delete(f"/entities/items/{item}/descriptions/en")
    gone = client.get(f"/entities/items/{item}/descriptions_with_language_fallback/sv")
    assert gone.status_code == 404


def test_patch_labels(client, item):
    response = client.patch(f"/entities/items/{item}/labels", {"patch": [
        {"op": "add", "path": "/de", "value": "Stockholm"},
        {"op": "add", "path": "/sv", "value": "Stockholm"}]})
    assert response.status_code == 200
    assert response.json() == {"en": "Stockholm", "de": "Stockholm", "sv": "Stockholm"}
    assert last_comment(client, item) == "/* wbeditentity-update-languages-short:0||de, sv */"
    bad_key = client.patch(f"/entities/items/{item}/labels", {"patch": [
        {"op": "add", "path": "/not a language", "value": "x"}]})
    assert bad_key.status_code == 422
    assert bad_key.json()["code"] == "patch-result-invalid-key"
    assert bad_key.json()["context"] == {"path": "", "key": "not a language"}
    too_long = client.patch(f"/entities/items/{item}/descriptions", {"patch": [
        {"op": "add", "path": "/de", "value": "x" * 300}]})
    assert too_long.status_code == 422
    assert too_long.json()["context"] == {"path": "/de", "limit": 250}


def test_aliases(client, item):
    base = f"/entities/items/{item}/aliases"
    assert client.get(f"{base}/en").status_code == 404
    added = client.post(f"{base}/en", {"aliases": ["Sthlm", "Holmia", "Sthlm"]})
    assert added.status_code == 201 and added.json() == ["Sthlm", "Holmia"]
    assert last_comment(client, item) == "/* wbsetaliases-add:2|en */ Sthlm, Holmia"
    more = client.post(f"{base}/en", {"aliases": ["Holmia", "Eken"]})
    assert more.status_code == 200 and more.json() == ["Sthlm", "Holmia", "Eken"]
    assert client.get(base).json() == {"en": ["Sthlm", "Holmia", "Eken"]}
    empty = client.post(f"{base}/en", {"aliases": []})
    assert empty.status_code == 400 and empty.json()["context"] == {"path": "/aliases"}
    blank = client.post(f"{base}/en", {"aliases": ["ok", " "]})
    assert blank.json()["context"] == {"path": "/aliases/1"}
    patched = client.patch(base, {"patch": [{"op": "remove", "path": "/en/0"}]})
    assert patched.status_code == 200 and patched.json() == {"en": ["Holmia", "Eken"]}
    bad = client.patch(base, {"patch": [{"op": "replace", "path": "/en", "value": "x"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "patch-result-invalid-value"


def test_sitelinks(client, item):
    base = f"/entities/items/{item}/sitelinks"
    added = client.put(f"{base}/enwiki", {"sitelink": {"title": "Stockholm"}})
    assert added.status_code == 201
    assert added.json() == {"title": "Stockholm", "badges": [],
                            "url": "https://en.wikipedia.org/wiki/Stockholm"}
    assert last_comment(client, item) == "/* wbsetsitelink-add:1|enwiki */ Stockholm"
    badges = client.put(f"{base}/enwiki", {"sitelink": {"title": "Stockholm",
                                                        "badges": ["Q17437796"]}})
    assert badges.status_code == 200 and badges.json()["badges"] == ["Q17437796"]
    assert last_comment(client, item) == "/* wbsetsitelink-set-badges:1|enwiki */ Q17437796"
    assert client.get(f"{base}/enwiki").json()["title"] == "Stockholm"
    assert list(client.get(base).json()) == ["enwiki"]
    unknown = client.put(f"{base}/xxwiki", {"sitelink": {"title": "X"}})
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid-path-parameter"
    no_title = client.put(f"{base}/dewiki", {"sitelink": {"badges": []}})
    assert no_title.json()["context"] == {"path": "/sitelink", "field": "title"}
    bad_badge = client.put(f"{base}/dewiki", {"sitelink": {"title": "S", "badges": ["P1"]}})
    assert bad_badge.json()["context"] == {"path": "/sitelink/badges/0"}
    other = client.post("/entities/items", {"item": {"labels": {"en": "Other"}}}).json()["id"]
    conflict = client.put(f"/entities/items/{other}/sitelinks/enwiki",
                          {"sitelink": {"title": "Stockholm"}})
    assert conflict.status_code == 422
    assert conflict.json()["context"]["violation"] == "sitelink-conflict"
    patched = client.patch(base, {"patch": [
        {"op": "add", "path": "/dewiki", "value": {"title": "Stockholm"}}]})
    assert patched.status_code == 200 and set(patched.json()) == {"enwiki", "dewiki"}
    deleted = client.delete(f"{base}/enwiki")
    assert deleted.status_code == 200 and deleted.json() == "Sitelink deleted"
    assert last_comment(client, item) == "/* wbsetsitelink-remove:1|enwiki */ Stockholm"
    assert client.get(f"{base}/enwiki").status_code == 404


def test_sitelink_urls_are_read_only_in_patches(client, item):
    client.put(f"/entities/items/{item}/sitelinks/enwiki", {"sitelink": {"title": "Stockholm"}})
    response = client.patch(f"/entities/items/{item}/sitelinks", {"patch": [
        {"op": "replace", "path": "/enwiki/url", "value": "https://evil.example/"}]})
    assert response.status_code == 422
    assert response.json()["context"] == {"path": "/enwiki/url"}
    whole = client.patch(f"/entities/items/{item}", {"patch": [
        {"op": "replace", "path": "/sitelinks/enwiki/url", "value": "https://evil.example/"}]})
    assert whole.json()["context"] == {"path": "/sitelinks/enwiki/url"}
    retitled = client.patch(f"/entities/items/{item}/sitelinks", {"patch": [
        {"op": "replace", "path": "/enwiki/title", "value": "Sthlm"},
        {"op": "remove", "path": "/enwiki/url"}]})
    assert retitled.status_code == 200
    assert retitled.json()["enwiki"]["url"] == "https://en.wikipedia.org/wiki/Sthlm"
