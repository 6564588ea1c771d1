"""Revert and undo over HTTP: restored content, summaries, redirect revert, failure modes."""

from .helpers import EXT, REST, create_item, item_json, revision_of, set_label


def test_revert_restores_an_older_revision(editor):
    item = create_item(editor, labels={"en": "one"}, descriptions={"en": "first"})
    first = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    set_label(editor, item, "en", "two")
    set_label(editor, item, "de", "zwei")
    response = editor.post(f"{EXT}/entities/{item}/revert",
                           {"to_revision_id": first, "comment": "vandalism"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["comment"] == f"/* restore:1||{first}|Editor */, vandalism"
    assert revision_of(response) == body["revision_id"] > first
    current = item_json(editor, item)
    assert current["labels"] == {"en": "one"}
    assert current["descriptions"] == {"en": "first"}
    history = editor.get(f"{EXT}/entities/{item}/history").json()["revisions"]
    assert history[0]["revision_id"] == body["revision_id"]


def test_revert_to_the_head_makes_no_revision(editor):
    item = create_item(editor, labels={"en": "one"})
    head = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    response = editor.post(f"{EXT}/entities/{item}/revert", {"to_revision_id": head})
    assert response.status_code == 200
    assert response.json()["revision_id"] == head


def test_revert_to_a_revision_of_another_entity(editor):
    first = create_item(editor, labels={"en": "one"})
    other = create_item(editor, labels={"en": "other"})
    other_revision = revision_of(editor.get(f"{REST}/entities/items/{other}"))
    response = editor.post(f"{EXT}/entities/{first}/revert",
                           {"to_revision_id": other_revision})
    assert response.status_code == 422
    assert response.json()["code"] == "revision-of-other-entity"
    assert response.json()["context"] == {"revision_id": other_revision, "entity_id": other}


def test_revert_failures(editor, anonymous):
    item = create_item(editor, labels={"en": "one"})
    head = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    assert editor.post(f"{EXT}/entities/{item}/revert",
                       {"to_revision_id": 999999}).status_code == 404
    assert editor.post(f"{EXT}/entities/Q999/revert",
                       {"to_revision_id": head}).status_code == 404
    missing = editor.post(f"{EXT}/entities/{item}/revert", {})
    assert missing.status_code == 400 and missing.json()["code"] == "missing-field"
    bad = editor.post(f"{EXT}/entities/{item}/revert", {"to_revision_id": "1"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid-value"
    assert editor.post(f"{EXT}/entities/q1/revert",
                       {"to_revision_id": head}).status_code == 400
    denied = anonymous.post(f"{EXT}/entities/{item}/revert", {"to_revision_id": head})
    assert denied.status_code == 403


def test_redirect_revert(editor):
    source = create_item(editor, labels={"en": "source"}, sitelinks={"enwiki": {"title": "S"}})
    target = create_item(editor, labels={"en": "target"})
    before = revision_of(editor.get(f"{REST}/entities/items/{source}"))
    response = editor.post(f"{EXT}/redirects", {"from": source, "to": target})
    assert response.status_code == 201
    assert editor.get(f"{REST}/entities/items/{source}").status_code == 308
    response = editor.post(f"{EXT}/entities/{source}/revert", {"to_revision_id": before})
    assert response.status_code == 200, response.text
    current = item_json(editor, source)
    assert current["labels"] == {"en": "source"}
    assert current["sitelinks"]["enwiki"]["title"] == "S"
    # The sitelink key came back: another item cannot take it.
    clash = editor.post(f"{REST}/entities/items",
                        {"item": {"sitelinks": {"enwiki": {"title": "S"}}}})
    assert clash.status_code == 422


def test_undo_reverses_one_revision_and_keeps_later_edits(editor):
    item = create_item(editor, labels={"en": "one"})
    bad = set_label(editor, item, "en", "vandal")
    set_label(editor, item, "de", "eins")
    response = editor.post(f"{EXT}/entities/{item}/undo", {"revision_id": bad})
    assert response.status_code == 200, response.text
    assert response.json()["comment"] == f"/* undo:0||{bad}|Editor */"
    assert item_json(editor, item)["labels"] == {"en": "one", "de": "eins"}


def test_undo_conflict_and_first_revision(editor):
    item = create_item(editor, labels={"en": "one"})
    first = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    changed = set_label(editor, item, "en", "two")
    set_label(editor, item, "en", "three")
    response = editor.post(f"{EXT}/entities/{item}/undo", {"revision_id": changed})
    assert response.status_code == 409
    assert response.json()["code"] == "undo-conflict"
    assert response.json()["context"] == {"conflicts": ["labels/en"]}
    response = editor.post(f"{EXT}/entities/{item}/undo", {"revision_id": first})
    assert response.status_code == 422
    assert response.json()["code"] == "undo-first-revision"


def test_undo_restores_a_removed_statement(editor, item_property):
    target = create_item(editor, labels={"en": "city"})
    item = create_item(editor, labels={"en": "Stockholm"}, statements={item_property: [
        {"property": {"id": item_property}, "value": {"type": "value", "content": target}}]})
    statement = item_json(editor, item)["statements"][item_property][0]
    response = editor.call("DELETE", f"{REST}/statements/{statement['id']}")
    assert response.status_code == 200, response.text
    removed = revision_of(response)
    assert editor.post(f"{EXT}/entities/{item}/undo",
                       {"revision_id": removed}).status_code == 200
    assert item_json(editor, item)["statements"][item_property] == [statement]


def test_revert_to_a_redirect_revision_redirects_again(editor):
    source = create_item(editor, labels={"en": "source"})
    target = create_item(editor, labels={"en": "target"})
    editor.post(f"{EXT}/redirects", {"from": source, "to": target})
    history = editor.get(f"{EXT}/entities/{source}/history").json()["revisions"]
    redirect_revision, content_revision = history[0]["revision_id"], history[1]["revision_id"]
    assert editor.post(f"{EXT}/entities/{source}/revert",
                       {"to_revision_id": content_revision}).status_code == 200
    assert item_json(editor, source)["labels"] == {"en": "source"}
    response = editor.post(f"{EXT}/entities/{source}/revert",
                           {"to_revision_id": redirect_revision})
    assert response.status_code == 200, response.text
    assert editor.get(f"{REST}/entities/items/{source}").status_code == 308


def test_revert_and_undo_honour_if_match(editor):
    item = create_item(editor, labels={"en": "one"})
    first = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    second = set_label(editor, item, "en", "two")
    stale = editor.post(f"{EXT}/entities/{item}/revert", {"to_revision_id": first},
                        headers={"If-Match": f'"{first}"'})
    assert stale.status_code == 412 and stale.content == b""
    assert editor.post(f"{EXT}/entities/{item}/undo", {"revision_id": second},
                       headers={"If-Match": f'"{first}"'}).status_code == 412
    fresh = editor.post(f"{EXT}/entities/{item}/revert", {"to_revision_id": first},
                        headers={"If-Match": f'"{second}"'})
    assert fresh.status_code == 200
    assert item_json(editor, item)["labels"] == {"en": "one"}
