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
    assert service._edited[head.revision_id].statement_ids == from_store
