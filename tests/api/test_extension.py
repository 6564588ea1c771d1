"""The entitybase extension API: history, revisions, redirects."""

import json

REST = "/w/rest.php/wikibase/v1"
UA = {"User-Agent": "t"}


def test_history_pages_newest_first(client, item):
    for n in range(5):
        client.put(f"/entities/items/{item}/labels/en", {"label": f"L{n}", "tags": ["t1"]})
    first = client.http.get(f"/entitybase/v1/entities/{item}/history", params={"limit": 4})
    body = first.json()
    assert [r["comment"] for r in body["revisions"][:2]] == [
        "/* wbsetlabel-set:1|en */ L4", "/* wbsetlabel-set:1|en */ L3"]
    revision = body["revisions"][0]
    assert list(revision) == ["revision_id", "timestamp", "user", "comment", "tags", "bot"]
    assert revision["tags"] == ["t1"] and revision["user"] == "Alice"
    ids = [r["revision_id"] for r in body["revisions"]]
    assert ids == sorted(ids, reverse=True) and body["next"] is not None
    rest = client.http.get(f"/entitybase/v1/entities/{item}/history",
                           params={"limit": 4, "before": body["next"]}).json()
    assert len(rest["revisions"]) == 2 and rest["next"] is None
    assert rest["revisions"][-1]["comment"] == "/* wbeditentity-create-item:0| */"
    missing = client.http.get("/entitybase/v1/entities/Q999/history")
    assert missing.status_code == 404
    bad = client.http.get("/entitybase/v1/entities/X/history")
    assert bad.status_code == 400


def test_revision_is_entity_data_of_that_revision(client, item):
    old = int(client.get(f"/entities/items/{item}").headers["etag"].strip('"'))
    client.put(f"/entities/items/{item}/labels/en", {"label": "New"})
    response = client.http.get(f"/entitybase/v1/entities/{item}/revisions/{old}")
    assert response.status_code == 200
    data = json.loads(response.content)
    entity = data["entities"][item]
    assert list(entity)[:5] == ["pageid", "ns", "title", "lastrevid", "modified"]
    assert entity["lastrevid"] == old and entity["labels"]["en"]["value"] == "Stockholm"
    assert client.http.get(f"/entitybase/v1/entities/{item}/revisions/1234").status_code == 404


def test_redirect_route(client, item):
    target = client.post("/entities/items", {"item": {"labels": {"en": "T"}}}).json()["id"]
    anonymous = client.http.post("/entitybase/v1/redirects", json={"from": item, "to": target})
    assert anonymous.status_code == 403
    missing = client.http.post("/entitybase/v1/redirects", json={"from": item},
                               headers={"Authorization": f"Bearer {client.token}"})
    assert missing.status_code == 400 and missing.json()["context"]["field"] == "to"
    done = client.http.post("/entitybase/v1/redirects", json={"from": item, "to": target},
                            headers={"Authorization": f"Bearer {client.token}"})
    assert done.status_code == 201
    assert done.json()["from"] == item and done.json()["to"] == target
    assert client.get(f"/entities/items/{item}").status_code == 308


def test_contents_by_id(client, service, item, string_property):
    for n in range(2):
        created = client.post("/entities/items", {"item": {}}).json()["id"]
        client.post(f"/entities/items/{created}/statements", {"statement": {
            "property": {"id": string_property}, "value": {"type": "value", "content": "s"}}})
    top = client.http.get("/entitybase/v1/statements/most_used", params={"limit": 1}).json()
    entry = top["statements"][0]
    assert entry["references"] >= 2 and "id" not in entry["statement"]
    one = client.http.get(f"/entitybase/v1/statements/{entry['id']}")
    assert one.status_code == 200 and one.json() == entry["statement"]
    assert "immutable" in one.headers["cache-control"]
    snak = entry["statement"]["mainsnak"]
    missing = "0" * 32
    batch = client.http.get(f"/entitybase/v1/statements/{entry['id']},{missing}").json()
    assert batch == {entry["id"]: entry["statement"], missing: None}
    assert client.http.get(f"/entitybase/v1/statements/{missing}").status_code == 404
    assert client.http.get("/entitybase/v1/snaks/nothex").status_code == 400
    too_many = ",".join(f"{n:032x}" for n in range(101))
    response = client.http.get(f"/entitybase/v1/terms/{too_many}")
    assert response.status_code == 400 and response.json()["code"] == "too-many-ids"
    stats = client.http.get("/entitybase/v1/stats/deduplication").json()
    assert stats["references_per_part"] >= 1
    assert snak["property"] == string_property
