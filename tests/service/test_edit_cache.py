"""The edit cache: an edit starts from the head revision as the store holds it, whichever
Service instance or process wrote it, and never from a cached entity a caller changed."""

import msgspec

from entitybase.model import Term, entity_value
from entitybase.service import open_service

from .conftest import EDITOR
from .test_edit import add_claim, item, set_label


def _stored_json(service, entity_id):
    """The head revision read by a fresh service (no cache of this process involved)."""
    fresh = open_service(service.store.data_dir)
    try:
        return msgspec.json.encode(fresh.get(entity_id).entity)
    finally:
        fresh.close()


def test_edit_after_another_service_edited_starts_from_its_revision(service, tmp_path):
    service.create(item(), user=EDITOR)
    service.edit("Q1", set_label("one"), user=EDITOR)  # now cached in `service`
    other = open_service(service.store.data_dir)
    try:
        moved = other.edit("Q1", add_claim("P31", "Q5"), user=EDITOR)
    finally:
        other.close()
    edited = service.edit("Q1", set_label("two"), user=EDITOR)
    assert edited.revision.parent_id == moved.revision.revision_id
    assert [s.id for s in edited.entity.claims["P31"]] == [
        s.id for s in moved.entity.claims["P31"]]
    assert msgspec.json.encode(edited.entity) == msgspec.json.encode(service.get("Q1").entity)
    assert msgspec.json.encode(service.get("Q1").entity) == _stored_json(service, "Q1")


def test_changing_a_returned_entity_does_not_leak_into_the_next_edit(service):
    service.create(item(), user=EDITOR)
    edited = service.edit("Q1", add_claim("P31", "Q5"), user=EDITOR)
    # A caller changes the entity it got back; the store still holds Q5.
    edited.entity.claims["P31"][0].mainsnak.datavalue = entity_value("Q6")
    edited.entity.labels["en"] = Term("en", "changed by a caller")
    service.edit("Q1", add_claim("P17", "Q34"), user=EDITOR)
    stored = service.get("Q1").entity
    assert stored.labels["en"].value == "Stockholm"
    assert stored.claims["P31"][0].mainsnak.datavalue == entity_value("Q5")
    assert msgspec.json.encode(stored) == _stored_json(service, "Q1")


def test_edit_reuses_statement_ids_of_the_revision_it_saved(service):
    service.create(item(), user=EDITOR)
    service.edit("Q1", add_claim("P31", "Q5"), user=EDITOR)
    service.edit("Q1", add_claim("P17", "Q34"), user=EDITOR)
    # A service without cache, splitting the same head, gives the same statement parts.
    assert _stored_json(service, "Q1") == msgspec.json.encode(service.get("Q1").entity)
    with service.store.read() as conn:
        head = service.store.head(conn, "Q1")
        row = service.store.revision(conn, head.revision_id)
        from_store = service.store.statement_ids(conn, row.manifest_id)
    saved = service._edited[head.revision_id].statements
    assert {guid: key for guid, (_, key) in saved.items()} == from_store


# -- edits that share statements with the cached revision (shallow_copy) ---------------------


def _remove_claim(prop, index=0):
    def mutate(entity):
        group = entity.claims[prop]
        group.pop(index)
        if not group:
            del entity.claims[prop]
        return "removed"
    return mutate


def _check_head_is_as_stored(service, entity_id):
    """The head's JSON and manifest are what a service without any cache reads and splits."""
    read = service.get(entity_id).entity
    assert msgspec.json.encode(read) == _stored_json(service, entity_id)
    with service.store.read() as conn:
        head = service.store.head(conn, entity_id)
        manifest_id = service.store.revision(conn, head.revision_id).manifest_id
    assert service.store.splitter().entity(read).hex() == manifest_id


def test_a_shallow_copy_edit_leaves_the_revision_it_started_from_as_it_was(service):
    service.create(item(), user=EDITOR)
    first = service.edit("Q1", add_claim("P31", "Q5"), user=EDITOR, shallow_copy=True)
    before = msgspec.json.encode(first.entity)
    second = service.edit("Q1", add_claim("P31", "Q6"), user=EDITOR, shallow_copy=True)
    third = service.edit("Q1", set_label("Sthlm"), user=EDITOR, shallow_copy=True)
    assert msgspec.json.encode(first.entity) == before
    assert len(second.entity.claims["P31"]) == 2 and second.entity.labels["en"].value == \
        "Stockholm"
    assert third.entity.labels["en"].value == "Sthlm"
    # Unchanged statements are shared, not copied.
    assert third.entity.claims["P31"][0] is first.entity.claims["P31"][0]
    _check_head_is_as_stored(service, "Q1")


def test_an_edit_changing_a_statement_in_place_gets_its_own_copy(service):
    """Without shallow_copy, mutate may change nested objects: the cached revision (and the
    entity returned for it) stay as they were, and the change is saved with new hashes,
    backlinks and event."""
    from entitybase.model import snak_hash
    from entitybase.service import backlinks
    from entitybase.store import outbox

    service.create(item(), user=EDITOR)
    first = service.edit("Q1", add_claim("P31", "Q5"), user=EDITOR)

    def change_in_place(entity):
        entity.claims["P31"][0].mainsnak.datavalue = entity_value("Q6")
        return "changed"

    second = service.edit("Q1", change_in_place, user=EDITOR)
    assert first.entity.claims["P31"][0].mainsnak.datavalue == entity_value("Q5")
    snak = second.entity.claims["P31"][0].mainsnak
    assert snak.datavalue == entity_value("Q6") and snak.hash == snak_hash(snak)
    assert outbox.all_events(service.store)[-1]["changed_properties"] == ["P31"]
    assert backlinks.page(service.store, "Q6").backlinks == [("Q1", ["P31"])]
    assert backlinks.page(service.store, "Q5").backlinks == []
    # The next edit shares statements with the revision the last one saved.
    service.edit("Q1", add_claim("P17", "Q34"), user=EDITOR, shallow_copy=True)
    assert service.get("Q1").entity.claims["P31"][0].mainsnak.datavalue == entity_value("Q6")
    _check_head_is_as_stored(service, "Q1")


def test_shallow_copy_edits_keep_manifests_backlinks_and_events_exact(service):
    from entitybase.service import backlinks
    from entitybase.store import outbox

    service.create(item(), user=EDITOR)
    shallow = {"user": EDITOR, "shallow_copy": True}
    for prop, target in [("P31", "Q5"), ("P31", "Q5"), ("P17", "Q34"), ("P31", "Q6")]:
        service.edit("Q1", add_claim(prop, target), **shallow)
        _check_head_is_as_stored(service, "Q1")
    assert backlinks.page(service.store, "Q5").backlinks == [("Q1", ["P31"])]
    service.edit("Q1", _remove_claim("P31"), **shallow)  # one of the two Q5 claims
    assert backlinks.page(service.store, "Q5").backlinks == [("Q1", ["P31"])]
    assert outbox.all_events(service.store)[-1]["changed_properties"] == ["P31"]
    service.edit("Q1", _remove_claim("P31"), **shallow)  # the other one
    assert backlinks.page(service.store, "Q5").backlinks == []
    service.edit("Q1", _remove_claim("P17"), **shallow)
    assert outbox.all_events(service.store)[-1]["changed_properties"] == ["P17"]
    assert backlinks.page(service.store, "Q34").backlinks == []
    service.edit("Q1", set_label("Sthlm"), **shallow)
    assert outbox.all_events(service.store)[-1]["changed_properties"] == []
    _check_head_is_as_stored(service, "Q1")
    # An edit that changes nothing saves no revision.
    head = service.get("Q1").revision.revision_id
    assert service.edit("Q1", set_label("Sthlm"), **shallow).revision.revision_id == head


def test_statement_changes_tell_moved_from_changed_statements():
    """A statement moved to another form keeps its hashes (it is no change) but leaves one
    list and joins another (its backlinks are counted once)."""
    from entitybase.model import Form, Lexeme, Statement, ValueSnak
    from entitybase.service.revisions import StatementChanges, container_copy

    def claim(guid, target):
        snak = ValueSnak(property="P5", datavalue=entity_value(target), hash="0" * 40)
        return Statement(mainsnak=snak, id=guid)

    moved, kept = claim("L1-F1$a", "Q1"), claim("L1-F1$b", "Q2")
    old = Lexeme(id="L1", lexicalCategory="Q1", language="Q2", forms=[
        Form(id="L1-F1", claims={"P5": [moved, kept]}), Form(id="L1-F2")])
    new = container_copy(old)
    new.forms[1].claims["P5"] = [new.forms[0].claims["P5"].pop(0)]
    changed = claim("L1-F1$b", "Q3")
    new.forms[0].claims["P5"][0] = changed
    changes = StatementChanges(old, new)
    assert changes.changed == [("L1-F1", changed)]
    assert sorted(s.id for s in changes.added) == ["L1-F1$a", "L1-F1$b"]
    assert sorted(s.id for s in changes.removed) == ["L1-F1$a", "L1-F1$b"]
    assert changes.properties() == ["P5"]
    assert old.forms[0].claims["P5"] == [moved, kept] and not old.forms[1].claims
