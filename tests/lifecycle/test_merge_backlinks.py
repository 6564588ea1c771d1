"""Merge and backlinks over HTTP."""

from .helpers import EXT, REST, create_item, item_json, revision_of


def _statement(prop, target):
    return {"property": {"id": prop}, "value": {"type": "value", "content": target}}


def _add_statement(api, item, prop, target):
    response = api.post(f"{REST}/entities/items/{item}/statements",
                        {"statement": _statement(prop, target)})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_merge_moves_terms_sitelinks_and_statements(service, editor, admin, item_property):
    city = create_item(editor, labels={"en": "city"})
    capital = create_item(editor, labels={"en": "capital"})
    source = create_item(editor, labels={"en": "Stockholm city", "de": "Stockholm"},
                         descriptions={"de": "Hauptstadt"}, aliases={"en": ["Sthlm"]},
                         sitelinks={"dewiki": {"title": "Stockholm"}},
                         statements={item_property: [_statement(item_property, city),
                                                     _statement(item_property, capital)]})
    target = create_item(editor, labels={"en": "Stockholm"},
                         descriptions={"en": "capital of Sweden"},
                         sitelinks={"enwiki": {"title": "Stockholm"}},
                         statements={item_property: [_statement(item_property, city)]})
    response = admin.post(f"{EXT}/merge", {"from": source, "into": target})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["from"] == source and body["into"] == target
    merged = item_json(editor, target)
    assert merged["labels"] == {"en": "Stockholm", "de": "Stockholm"}
    assert merged["aliases"] == {"en": ["Stockholm city", "Sthlm"]}
    assert merged["descriptions"] == {"en": "capital of Sweden", "de": "Hauptstadt"}
    assert set(merged["sitelinks"]) == {"enwiki", "dewiki"}
    values = [s["value"]["content"] for s in merged["statements"][item_property]]
    assert values == [city, capital]  # the duplicate folded
    assert editor.get(f"{REST}/entities/items/{source}").status_code == 308
    history = editor.get(f"{EXT}/entities/{source}/history").json()["revisions"]
    assert history[0]["comment"] == f"/* wbcreateredirect:0||{source}|{target} */"
    assert history[1]["comment"] == f"/* wbmergeitems-to:0||{target} */"
    target_history = editor.get(f"{EXT}/entities/{target}/history").json()["revisions"]
    assert target_history[0]["comment"] == f"/* wbmergeitems-from:0||{source} */"
    links = editor.get(f"{EXT}/entities/{capital}/backlinks").json()["backlinks"]
    assert links == [{"id": target, "properties": [item_property]}]


def test_merge_conflicts_and_ignore_conflicts(editor, admin):
    source = create_item(editor, labels={"en": "a"}, descriptions={"en": "one thing"},
                         sitelinks={"enwiki": {"title": "A"}})
    target = create_item(editor, labels={"en": "b"}, descriptions={"en": "another"},
                         sitelinks={"enwiki": {"title": "B"}})
    response = admin.post(f"{EXT}/merge", {"from": source, "into": target})
    assert response.status_code == 409
    assert response.json()["code"] == "merge-conflict"
    assert response.json()["context"]["conflicts"] == [
        {"type": "description", "language": "en"}, {"type": "sitelink", "site": "enwiki"}]
    assert item_json(editor, source)["labels"] == {"en": "a"}  # nothing happened
    response = admin.post(f"{EXT}/merge", {"from": source, "into": target,
                                           "ignore_conflicts": ["description", "sitelink"]})
    assert response.status_code == 200, response.text
    merged = item_json(editor, target)
    assert merged["descriptions"] == {"en": "another"}
    assert merged["sitelinks"]["enwiki"]["title"] == "B"
    assert merged["aliases"] == {"en": ["a"]}


def test_merge_failures(editor, admin, item_property):
    first = create_item(editor, labels={"en": "first"})
    second = create_item(editor, labels={"en": "second"})
    assert editor.post(f"{EXT}/merge", {"from": first, "into": second}).status_code == 403
    self_merge = admin.post(f"{EXT}/merge", {"from": first, "into": first})
    assert self_merge.status_code == 422 and self_merge.json()["code"] == "cannot-merge-self"
    redirected = create_item(editor, labels={"en": "third"})
    editor.post(f"{EXT}/redirects", {"from": redirected, "to": second})
    into_redirect = admin.post(f"{EXT}/merge", {"from": first, "into": redirected})
    assert into_redirect.status_code == 409
    assert into_redirect.json()["code"] == "redirected-item"
    from_redirect = admin.post(f"{EXT}/merge", {"from": redirected, "into": first})
    assert from_redirect.status_code == 409
    assert admin.post(f"{EXT}/merge", {"from": "Q999", "into": first}).status_code == 404
    assert admin.post(f"{EXT}/merge", {"from": first}).status_code == 400
    assert admin.post(f"{EXT}/merge", {"from": first, "into": second,
                                       "ignore_conflicts": ["x"]}).status_code == 400
    assert admin.post(f"{EXT}/merge", {"from": first, "into": item_property}).status_code == 422
    _add_statement(editor, first, item_property, second)
    linked = admin.post(f"{EXT}/merge", {"from": first, "into": second})
    assert linked.status_code == 409 and linked.json()["code"] == "items-link-each-other"
    linked = admin.post(f"{EXT}/merge", {"from": second, "into": first})
    assert linked.status_code == 409


def test_merge_into_a_protected_item_leaves_the_source_intact(editor, admin):
    source = create_item(editor, labels={"en": "source"}, sitelinks={"enwiki": {"title": "S"}})
    target = create_item(editor, labels={"en": "target"})
    admin.call("PUT", f"{EXT}/entities/{target}/protection", {"level": "locked"})
    response = admin.post(f"{EXT}/merge", {"from": source, "into": target})
    assert response.status_code == 403
    restored = item_json(editor, source)
    assert restored["labels"] == {"en": "source"}
    assert restored["sitelinks"]["enwiki"]["title"] == "S"


def test_backlinks_follow_edits_deletes_and_redirects(editor, admin, item_property):
    target = create_item(editor, labels={"en": "target"})
    other_property = editor.post(f"{REST}/entities/properties", {"property": {
        "data_type": "wikibase-item", "labels": {"en": "part of"}}}).json()["id"]
    sources = [create_item(editor, labels={"en": f"source {n}"}) for n in range(5)]
    guids = [_add_statement(editor, s, item_property, target) for s in sources]
    _add_statement(editor, sources[0], other_property, target)
    url = f"{EXT}/entities/{target}/backlinks"
    page = editor.get(url, params={"limit": 2}).json()
    ordered = sorted(sources)
    assert [b["id"] for b in page["backlinks"]] == ordered[:2]
    assert page["next"] == ordered[1]
    rest = editor.get(url, params={"limit": 10, "after": page["next"]}).json()
    assert [b["id"] for b in rest["backlinks"]] == ordered[2:] and rest["next"] is None
    first = next(b for b in page["backlinks"] + rest["backlinks"] if b["id"] == sources[0])
    assert first["properties"] == sorted([item_property, other_property])
    filtered = editor.get(url, params={"property": other_property}).json()["backlinks"]
    assert filtered == [{"id": sources[0], "properties": [other_property]}]
    # A removed statement, a deleted entity and a redirect stop linking.
    editor.call("DELETE", f"{REST}/statements/{guids[1]}")
    admin.post(f"{EXT}/entities/{sources[2]}/delete")
    editor.post(f"{EXT}/redirects", {"from": sources[3], "to": sources[4]})
    remaining = [b["id"] for b in editor.get(url).json()["backlinks"]]
    assert remaining == sorted([sources[0], sources[4]])
    # Undelete and revert bring links back.
    admin.post(f"{EXT}/entities/{sources[2]}/undelete")
    history = editor.get(f"{EXT}/entities/{sources[1]}/history").json()["revisions"]
    editor.post(f"{EXT}/entities/{sources[1]}/revert",
                {"to_revision_id": history[1]["revision_id"]})
    remaining = [b["id"] for b in editor.get(url).json()["backlinks"]]
    assert remaining == sorted([sources[0], sources[1], sources[2], sources[4]])


def test_backlinks_bad_input(editor):
    item = create_item(editor, labels={"en": "x"})
    url = f"{EXT}/entities/{item}/backlinks"
    assert editor.get(url).json() == {"id": item, "backlinks": [], "next": None}
    assert editor.get(url, params={"limit": 0}).status_code == 400
    assert editor.get(url, params={"property": "Q1"}).status_code == 400
    assert editor.get(url, params={"after": "nope"}).status_code == 400
    assert revision_of(editor.get(f"{REST}/entities/items/{item}")) > 0


def test_imports_keep_backlinks_current(service):
    import msgspec

    from entitybase.model import Entity, PageMeta
    from entitybase.service import backlinks

    def record(revision, *targets):
        statements = [{
            "mainsnak": {"snaktype": "value", "property": "P31", "datavalue": {
                "value": {"entity-type": "item", "numeric-id": int(target[1:]), "id": target},
                "type": "wikibase-entityid"}},
            "type": "statement", "rank": "normal",
            "id": f"Q7${n}000000{revision}-0000-4000-8000-000000000000"}
            for n, target in enumerate(targets)]
        item = msgspec.json.decode(msgspec.json.encode(
            {"type": "item", "id": "Q7", "labels": {},
             "claims": {"P31": statements} if statements else {}}), type=Entity)
        return item, PageMeta(lastrevid=revision, modified="2024-01-01T00:00:00Z")

    def sources(target):
        return [s for s, _ in backlinks.page(service.store, target).backlinks]

    service.import_entities([record(10, "Q5")])
    assert sources("Q5") == ["Q7"]
    service.import_entities([record(5, "Q6")])  # older: joins history, head stays
    assert sources("Q5") == ["Q7"] and sources("Q6") == []
    service.import_entities([record(20)])
    assert sources("Q5") == []
    service.import_entities([record(30, "Q5", "Q8")])  # links added to a head without any
    assert sources("Q5") == ["Q7"] and sources("Q8") == ["Q7"]
    service.import_entities([record(40, "Q8", "Q9")])  # one kept, one gone, one new
    assert sources("Q5") == [] and sources("Q8") == ["Q7"] and sources("Q9") == ["Q7"]
