"""One set of store guarantees, run on every backend: SQLite or MariaDB, local or S3 blobs."""

import threading

import pytest
import sqlalchemy as sa

from entitybase.model import Item, PageMeta, Term
from entitybase.service import EditConflict, open_service
from entitybase.store import ContentCollision, Splitter, outbox
from entitybase.store import schema as t
from entitybase.store.layout import TEXT

from .conftest import EDITOR


def item(label="Stockholm", description=None, **fields):
    labels = {"en": Term("en", label)} if label else {}
    descriptions = {"en": Term("en", description)} if description else {}
    return Item(labels=labels, descriptions=descriptions, **fields)


def set_label(text, language="en"):
    def mutate(entity):
        entity.labels[language] = Term(language, text)
        return f"/* wbsetlabel-set:1|{language} */ {text}"
    return mutate


def many_labels(count=80):
    """Enough labels that the terms part exceeds the test blob threshold."""
    def mutate(entity):
        for n in range(count):
            language = f"x{n}"
            entity.labels[language] = Term(language, f"a label of some length, number {n}")
        return "labels"
    return mutate


def count(service, table) -> int:
    with service.store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_schema_is_current_and_migrate_is_idempotent(service):
    assert service.store.migrate() == (t.SCHEMA_VERSION, t.SCHEMA_VERSION)


def test_key_table_of_version_5_is_keyed_by_hash_after_migrating(service):
    """Owners are found through the primary key, which starts with the hash (not by
    scanning the key table, which made imports and term edits slower the larger the store
    grew); a database of version 5 gets its keys copied into that layout on its next start."""
    store = service.store
    old = sa.Table("eb_unique_key", sa.MetaData(),
                   sa.Column("kind", sa.String(16), primary_key=True),
                   sa.Column("scope", sa.String(64), primary_key=True),
                   sa.Column("key_hash", sa.String(32), primary_key=True),
                   sa.Column("entity_id", sa.String(32), nullable=False),
                   sa.Index("eb_unique_key_entity", "entity_id"),
                   sa.Index("eb_unique_key_hash", "key_hash"), sqlite_with_rowid=False)
    with store.write() as tx:
        t.unique_key.drop(tx.conn)
        old.create(tx.conn)
        tx.conn.execute(sa.insert(old), [
            {"kind": "sitelink", "scope": "enwiki", "key_hash": "ab" * 16, "entity_id": "Q1"}])
        tx.conn.execute(sa.update(t.meta).where(t.meta.c.name == "schema_version")
                        .values(value="5"))
    assert store.migrate() == (5, t.SCHEMA_VERSION)
    with store.write() as tx:
        store.add_keys(tx, [("label", "en", "cd" * 16, "Q2")])
    with store.read() as conn:
        assert store.key_owners(conn, [("sitelink", "enwiki", "ab" * 16),
                                       ("sitelink", "dewiki", "ab" * 16),
                                       ("label", "en", "cd" * 16)]) == {
            ("sitelink", "enwiki", "ab" * 16): "Q1", ("label", "en", "cd" * 16): "Q2"}
        assert store.keys_held(conn, ["Q1"]) == {"Q1": {("sitelink", "enwiki", "ab" * 16)}}
        inspector = sa.inspect(conn)
        assert inspector.get_pk_constraint("eb_unique_key")["constrained_columns"] == [
            "key_hash", "kind", "scope"]
        assert {index["name"] for index in inspector.get_indexes("eb_unique_key")} == {
            "eb_unique_key_entity"}
        if conn.dialect.name == "sqlite":
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT entity_id FROM eb_unique_key WHERE key_hash IN (?, ?)",
                ("ab" * 16, "cd" * 16)).all()
            assert any("PRIMARY KEY (key_hash=?)" in row[-1] for row in plan), plan


def test_key_table_copy_interrupted_after_the_drop_is_finished(service):
    """On MySQL the copy of version 6 commits step by step: a start after the old table
    was dropped finds the copy and finishes it."""
    store = service.store
    with store.write() as tx:
        store.add_keys(tx, [("sitelink", "enwiki", "ab" * 16, "Q1")])
    with store.write() as tx:
        tx.conn.exec_driver_sql("ALTER TABLE eb_unique_key RENAME TO eb_unique_key_new")
        tx.conn.execute(sa.update(t.meta).where(t.meta.c.name == "schema_version")
                        .values(value="5"))
    assert store.migrate() == (5, t.SCHEMA_VERSION)
    with store.read() as conn:
        assert store.key_owners(conn, [("sitelink", "enwiki", "ab" * 16)]) == {
            ("sitelink", "enwiki", "ab" * 16): "Q1"}
        assert not sa.inspect(conn).has_table("eb_unique_key_new")


def test_create_edit_read_history(service):
    created = service.create(item(), user=EDITOR)
    entity_id = created.entity.id
    edited = service.edit(entity_id, set_label("Holmia"), user=EDITOR)
    assert edited.revision.parent_id == created.revision.revision_id
    assert service.get(entity_id).entity.labels["en"].value == "Holmia"
    old = service.get(entity_id, created.revision.revision_id)
    assert old.entity.labels["en"].value == "Stockholm"
    history, _ = service.history(entity_id)
    assert [info.revision_id for info in history] == [
        edited.revision.revision_id, created.revision.revision_id]


def test_large_parts_round_trip_through_the_blob_store(backend, service):
    created = service.create(item(), user=EDITOR)
    edited = service.edit(created.entity.id, many_labels(), user=EDITOR)
    fresh = backend.open()  # no cache: everything is read back from the backend
    assert fresh.get(created.entity.id).entity.labels == edited.entity.labels
    blobs = service.store.contents.blobs
    with service.store.read() as conn:
        in_blobs = conn.execute(sa.select(t.content.c.id).where(
            t.content.c.data.is_(None))).scalars().all()
    assert in_blobs, "no part went to the blob store"
    assert all(blobs.get(key) is not None for key in in_blobs)


def test_blob_collision_is_detected(service):
    blobs = service.store.contents.blobs
    key = "ab" * 16
    blobs.put(key, b"one")
    splitter = Splitter(lambda kind, data: bytes.fromhex(key))  # every part gets that id
    splitter.put(TEXT, b"two" * 2000)
    with pytest.raises(ContentCollision):
        service.store.contents.write_blobs(splitter.batch())
    assert blobs.get(key) == b"one"


def test_head_compare_and_swap(service):
    created = service.create(item(), user=EDITOR)
    entity_id, first = created.entity.id, created.revision.revision_id
    service.edit(entity_id, set_label("A"), user=EDITOR)
    with pytest.raises(EditConflict):
        service.edit(entity_id, set_label("B"), base_revision=first, user=EDITOR)
    with service.store.write() as tx:
        assert not service.store.swap_head(tx, entity_id, first, revision_id=first)
    assert service.get(entity_id).entity.labels["en"].value == "A"


def test_each_edit_writes_one_event_in_its_transaction(service):
    created = service.create(item(), user=EDITOR)
    service.edit(created.entity.id, set_label("A"), user=EDITOR)
    events = outbox.all_events(service.store)
    assert [(e["entity_id"], e["revision_id"]) for e in events] == [
        (created.entity.id, r) for r in sorted(
            info.revision_id for info in service.history(created.entity.id)[0])]
    before = (count(service, t.revision), count(service, t.outbox))
    with pytest.raises(RuntimeError), service.store.write() as tx:
        service.store.add_events(tx, [{"type": "edit", "entity_id": "Q999",
                                       "revision_id": 999, "parent_id": None}])
        raise RuntimeError("the edit fails after writing its event")
    assert (count(service, t.revision), count(service, t.outbox)) == before


def test_concurrent_edits_lose_no_update(backend):
    """Two services (as two processes would) edit one item at once, each in its own
    language; compare-and-swap retries keep every label."""
    first, second = backend.open(), backend.open()
    entity_id = first.create(item(), user=EDITOR).entity.id
    languages = [f"l{n}" for n in range(8)]
    errors = []

    def editor(service, mine):
        try:
            for language in mine:
                service.edit(entity_id, set_label(language, language), user=EDITOR)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=editor, args=(svc, languages[n::2]))
               for n, svc in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    labels = backend.open().get(entity_id).entity.labels
    assert set(languages) <= set(labels)


def test_id_allocation_is_unique_across_services(backend):
    services = [backend.open(), backend.open()]
    created: list[str] = []
    lock = threading.Lock()

    def creator(service, n):
        for k in range(6):
            entity_id = service.create(item(f"item {n} {k}"), user=EDITOR).entity.id
            with lock:
                created.append(entity_id)

    threads = [threading.Thread(target=creator, args=(svc, n)) for n, svc in enumerate(services)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(created) == 12 and len(set(created)) == 12


def test_import_batch_keeps_revision_ids_and_raises_counters(backend, service):
    records = [(item(f"imported {n}", id=f"Q{n}"),
                PageMeta(pageid=100 + n, lastrevid=5000 + n, modified="2024-01-01T00:00:00Z"))
               for n in range(1, 30)]
    results = service.import_entities(records)
    assert {r.status for r in results} == {"imported"}
    again = service.import_entities([(item("imported 1", id="Q1"), PageMeta(
        pageid=101, lastrevid=5001, modified="2024-01-01T00:00:00Z"))])
    assert again[0].status == "unchanged"
    fresh = backend.open()
    assert fresh.get("Q7").revision.revision_id == 5007
    created = fresh.create(item("after import"), user=EDITOR)
    assert created.entity.id == "Q30" and created.revision.revision_id > 5029
    assert len(outbox.all_events(fresh.store)) == 30


def test_store_opens_on_url_from_environment(backend, tmp_path):
    """The data directory is only the default: the URL variables win."""
    service = open_service(tmp_path / "elsewhere")
    try:
        expected = backend.environment.get("ENTITYBASE_DATABASE_URL", "sqlite")
        assert service.store.database_url.startswith(expected.split("://")[0])
    finally:
        service.close()


def test_processes_starting_at_once_migrate_once(backend):
    """Services opening a fresh database together: one creates the schema, the others wait
    for it and find it current."""
    barrier, opened, errors = threading.Barrier(4), [], []

    def opener():
        barrier.wait()
        try:
            opened.append(backend.open())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(opened) == 4
    assert opened[0].store.migrate() == (t.SCHEMA_VERSION, t.SCHEMA_VERSION)
