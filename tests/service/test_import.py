"""Import rules: revision ids kept, older revisions join history, undated records, reports."""

from store_checks import check_reference_counts

from entitybase.model import Item, PageMeta, SiteLink, Term
from entitybase.service import open_service
from entitybase.service.importer import plan_import
from entitybase.store import ContentCollision

from .conftest import EDITOR


def record(label, revision=None, entity_id="Q5", modified=None, sitelink=None):
    sitelinks = {"enwiki": SiteLink(site="enwiki", title=sitelink)} if sitelink else {}
    return (Item(id=entity_id, labels={"en": Term("en", label)}, sitelinks=sitelinks),
            PageMeta(lastrevid=revision, modified=modified) if revision else PageMeta())


def test_older_revision_joins_history_without_moving_head(service):
    service.import_entities([record("new", 200, modified="2020-01-02T00:00:00Z")])
    results = service.import_entities([record("old", 100, modified="2019-01-01T00:00:00Z")])
    assert results[0].status == "imported"
    head = service.get("Q5")
    assert head.entity.labels["en"].value == "new" and head.meta.lastrevid == 200
    assert head.meta.modified == "2020-01-02T00:00:00Z"
    assert service.get("Q5", 100).entity.labels["en"].value == "old"
    history, _ = service.history("Q5")
    assert [r.revision_id for r in history] == [200, 100]
    # new edits get revision ids above every imported one
    edited = service.edit("Q5", lambda e: e.labels.update(en=Term("en", "edited")), user=EDITOR)
    assert edited.revision.revision_id > 200 and edited.revision.parent_id == 200


def test_undated_records_never_displace_dated_heads(service):
    service.import_entities([record("undated first")])
    service.import_entities([record("dated", 50)])
    assert service.get("Q5").entity.labels["en"].value == "dated"
    service.import_entities([record("undated later")])
    assert service.get("Q5").entity.labels["en"].value == "dated"
    assert [r.status for r in service.import_entities([record("undated later")])] == ["unchanged"]
    assert len(service.history("Q5")[0]) == 3


def test_revision_of_another_entity_fails_the_record(service):
    service.import_entities([record("a", 10)])
    results = service.import_entities([record("b", 10, entity_id="Q6"), record("c", 11,
                                                                          entity_id="Q7")])
    assert [r.status for r in results] == ["failed", "imported"]


def test_uniqueness_is_reported_not_enforced(service):
    service.import_entities([record("a", 10, sitelink="Berlin")])
    results = service.import_entities([record("b", 11, entity_id="Q6", sitelink="Berlin")])
    assert results[0].status == "imported" and "Q5" in results[0].warnings[0]
    assert service.get("Q6").entity.sitelinks["enwiki"].title == "Berlin"


def test_newer_revision_keeps_its_keys_and_releases_the_others(service):
    service.import_entities([record("a", 10, sitelink="Berlin")])
    service.import_entities([record("a", 12, sitelink="Paris")])
    results = service.import_entities([record("b", 13, entity_id="Q6", sitelink="Berlin"),
                                       record("c", 14, entity_id="Q7", sitelink="Paris")])
    assert results[0].warnings == []
    assert results[1].warnings == ["sitelink enwiki 'Paris' is also held by Q5"]
    # a key its holder keeps stays with it, whichever record of a batch comes first
    results = service.import_entities([record("d", 20, entity_id="Q8", sitelink="Paris"),
                                       record("a", 21, sitelink="Paris")])
    assert results[0].warnings == ["sitelink enwiki 'Paris' is also held by Q5"]
    assert results[1].warnings == []
    with service.store.read() as conn:
        held = service.store.keys_held(conn, ["Q5", "Q6", "Q7", "Q8"])
    assert {entity: len(keys) for entity, keys in held.items()} == {"Q5": 1, "Q6": 1}


def test_failed_batch_leaves_nothing(tmp_path):
    def weak(kind, data):
        return bytes(16) if kind == 7 else __import__("hashlib").blake2b(
            data, digest_size=16).digest()
    service = open_service(tmp_path, content_id=weak)
    try:
        service.import_entities([record("a label longer than an id", 10)])
        raised = False
        try:
            service.import_entities([record("another label longer than an id", 11,
                                            entity_id="Q6")])
        except ContentCollision:
            raised = True
        assert raised
        with service.store.read() as conn:
            assert service.store.head(conn, "Q6") is None
            assert len(service.store.events(conn)) == 1
    finally:
        service.close()


def test_batches_written_in_one_transaction_count_references_once(service):
    """Plans sharing parts (the same entity's revisions, the same labels) written together:
    every part is stored once and counted once per distinct parent."""
    first = plan_import([record("shared label, long enough", 10, modified="2020-01-01T00:00:00Z"),
                         record("shared label, long enough", 20, entity_id="Q6")])
    second = plan_import([record("shared label, long enough", 30, modified="2021-01-01T00:00:00Z"),
                          record("another label, long enough", 40, entity_id="Q7")])
    results = service.write_import([first, second])
    assert [[r.status for r in batch] for batch in results] == [["imported"] * 2] * 2
    assert [r.revision_id for r in service.history("Q5")[0]] == [30, 10]
    check_reference_counts(service.store)
    again = service.write_import([second, first])  # already stored: nothing written
    assert {r.status for batch in again for r in batch} == {"unchanged"}
    check_reference_counts(service.store)
