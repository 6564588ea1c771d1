"""Soft delete, undelete, hard delete and protection over HTTP: permissions, enforcement on
every write route, log entries and outbox events."""

import pytest

from .helpers import EXT, REST, create_item, item_json, revision_of, set_label


def _events(service, entity_id):
    with service.store.read() as conn:
        return [e for e in service.store.events(conn, 0, 1000) if e["entity_id"] == entity_id]


def test_delete_hides_the_entity_and_undelete_restores_it(service, editor, admin):
    item = create_item(editor, labels={"en": "gone"}, sitelinks={"enwiki": {"title": "Gone"}})
    before = item_json(editor, item)
    head = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    response = admin.post(f"{EXT}/entities/{item}/delete", {"reason": "spam"})
    assert response.status_code == 200, response.text
    assert response.json()["action"] == "delete"
    assert response.json()["user"] == "Admin" and response.json()["reason"] == "spam"
    assert editor.get(f"{REST}/entities/items/{item}").status_code == 404
    assert editor.get(f"{EXT}/entities/{item}/history").status_code == 404
    assert editor.get(f"/wiki/Special:EntityData/{item}.json").status_code == 404
    # Editing a deleted entity: 404, nothing written.
    response = editor.call("PUT", f"{REST}/entities/items/{item}/labels/en", {"label": "x"})
    assert response.status_code == 404
    # Its sitelink is free while it is deleted...
    other = create_item(editor, sitelinks={"enwiki": {"title": "Gone"}})
    # ...so undeleting it now conflicts.
    response = admin.post(f"{EXT}/entities/{item}/undelete")
    assert response.status_code == 422
    assert response.json()["context"]["violation"] == "sitelink-conflict"
    admin.post(f"{EXT}/entities/{other}/delete")
    response = admin.post(f"{EXT}/entities/{item}/undelete", {"reason": "mistake"})
    assert response.status_code == 200, response.text
    assert item_json(editor, item) == before
    assert revision_of(editor.get(f"{REST}/entities/items/{item}")) == head
    log = editor.get(f"{EXT}/entities/{item}/log").json()["log"]
    assert [(e["action"], e["reason"]) for e in log] == [("undelete", "mistake"),
                                                          ("delete", "spam")]
    assert [e["type"] for e in _events(service, item)][-2:] == ["delete", "undelete"]


def test_delete_permissions_and_failures(editor, admin, anonymous):
    item = create_item(editor, labels={"en": "kept"})
    denied = editor.post(f"{EXT}/entities/{item}/delete")
    assert denied.status_code == 403
    assert denied.json()["context"]["denial_reason"] == "not-admin"
    assert anonymous.post(f"{EXT}/entities/{item}/delete").status_code == 403
    assert admin.post(f"{EXT}/entities/Q999/delete").status_code == 404
    live = admin.post(f"{EXT}/entities/{item}/undelete")
    assert live.status_code == 409 and live.json()["code"] == "entity-not-deleted"
    assert admin.post(f"{EXT}/entities/Q999/undelete").status_code == 404
    assert admin.post(f"{EXT}/entities/{item}/delete").status_code == 200
    assert admin.post(f"{EXT}/entities/{item}/delete").status_code == 404
    assert editor.post(f"{EXT}/entities/{item}/undelete").status_code == 403


def test_hard_delete_removes_history_but_shared_content_stays(service, editor, admin):
    shared = {"labels": {"en": "same"}, "descriptions": {"en": "shared text"}}
    doomed = create_item(editor, **shared)
    survivor = create_item(editor, labels={"en": "same"}, descriptions={"en": "other"})
    set_label(editor, doomed, "de", "weg")
    assert editor.post(f"{EXT}/entities/{doomed}/purge").status_code == 403
    response = admin.post(f"{EXT}/entities/{doomed}/purge", {"reason": "copyright"})
    assert response.status_code == 200 and response.json()["action"] == "hard-delete"
    assert editor.get(f"{REST}/entities/items/{doomed}").status_code == 404
    assert admin.post(f"{EXT}/entities/{doomed}/undelete").status_code == 404
    with service.store.read() as conn:
        assert service.store.history(conn, doomed, 10, None) == []
    assert item_json(editor, survivor)["labels"] == {"en": "same"}
    assert editor.get(f"{EXT}/entities/{doomed}/log").json()["log"][0]["action"] == \
        "hard-delete"
    # A soft-deleted entity can be purged as well.
    other = create_item(editor, labels={"en": "soft"})
    admin.post(f"{EXT}/entities/{other}/delete")
    assert admin.post(f"{EXT}/entities/{other}/purge").status_code == 200
    assert admin.post(f"{EXT}/entities/{other}/undelete").status_code == 404


WRITES = [
    ("PUT", "/labels/en", {"label": "changed"}),
    ("DELETE", "/descriptions/en", None),
    ("POST", "/aliases/en", {"aliases": ["alias"]}),
    ("PATCH", "", {"patch": [{"op": "add", "path": "/labels/de", "value": "x"}]}),
]


@pytest.mark.parametrize("method,path,body", WRITES)
@pytest.mark.parametrize("level,reason", [("full", "resource-protected"),
                                          ("locked", "resource-locked"),
                                          ("archived", "resource-archived")])
def test_protection_is_enforced_on_write_routes(editor, admin, method, path, body, level,
                                                reason):
    item = create_item(editor, labels={"en": "guarded"}, descriptions={"en": "d"})
    head = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    response = admin.call("PUT", f"{EXT}/entities/{item}/protection", {"level": level})
    assert response.status_code == 200, response.text
    response = editor.call(method, f"{REST}/entities/items/{item}{path}", body)
    assert response.status_code == 403, response.text
    assert response.json()["context"]["denial_reason"] == reason
    assert revision_of(editor.get(f"{REST}/entities/items/{item}")) == head


def test_protection_levels(service, editor, admin, bot, anonymous):
    service.settings.anonymous_edits = True
    item = create_item(editor, labels={"en": "guarded"})
    protect = admin.call("PUT", f"{EXT}/entities/{item}/protection",
                         {"level": "semi", "reason": "vandalism"})
    assert protect.status_code == 200 and protect.json()["params"] == {"level": "semi"}
    assert editor.get(f"{EXT}/entities/{item}/protection").json()["protection"]["level"] == \
        "semi"
    url = f"{REST}/entities/items/{item}/labels/en"
    assert anonymous.call("PUT", url, {"label": "anon"}).status_code == 403
    assert editor.call("PUT", url, {"label": "editor"}).status_code == 200
    admin.call("PUT", f"{EXT}/entities/{item}/protection", {"level": "full"})
    assert editor.call("PUT", url, {"label": "nope"}).status_code == 403
    assert admin.call("PUT", url, {"label": "admin"}).status_code == 200
    admin.call("PUT", f"{EXT}/entities/{item}/protection", {"level": "mass-edit"})
    denied = bot.call("PUT", url, {"label": "bot", "bot": True})
    assert denied.status_code == 403
    assert denied.json()["context"]["denial_reason"] == "mass-edit-protected"
    assert bot.call("PUT", url, {"label": "by hand"}).status_code == 200
    # Locked: not even administrators, and no revert, undo or redirect either.
    head = revision_of(editor.get(f"{REST}/entities/items/{item}"))
    admin.call("PUT", f"{EXT}/entities/{item}/protection", {"level": "locked"})
    assert admin.call("PUT", url, {"label": "admin"}).status_code == 403
    assert admin.post(f"{EXT}/entities/{item}/revert",
                      {"to_revision_id": head - 1}).status_code == 403
    other = create_item(editor, labels={"en": "other"})
    assert admin.post(f"{EXT}/redirects", {"from": item, "to": other}).status_code == 403
    assert admin.post(f"{EXT}/entities/{item}/delete").status_code == 403
    lifted = admin.call("DELETE", f"{EXT}/entities/{item}/protection")
    assert lifted.status_code == 200 and lifted.json()["action"] == "unprotect"
    assert editor.get(f"{EXT}/entities/{item}/protection").json()["protection"] is None
    assert editor.call("PUT", url, {"label": "free"}).status_code == 200
    actions = [e["action"] for e in editor.get(f"{EXT}/entities/{item}/log").json()["log"]]
    assert actions == ["unprotect", "protect", "protect", "protect", "protect"]
    assert [e["type"] for e in _events(service, item)].count("protect") == 4


def test_protection_permissions_and_bad_input(editor, admin):
    item = create_item(editor, labels={"en": "guarded"})
    url = f"{EXT}/entities/{item}/protection"
    denied = editor.call("PUT", url, {"level": "full"})
    assert denied.status_code == 403
    bad = admin.call("PUT", url, {"level": "everything"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid-protection-level"
    assert admin.call("PUT", url, {}).status_code == 400
    assert admin.call("PUT", f"{EXT}/entities/Q999/protection",
                      {"level": "full"}).status_code == 404
    assert editor.get(f"{EXT}/entities/Q999/protection").status_code == 404
