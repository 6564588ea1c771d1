"""Garbage collection: concurrent with edits, imports and hard deletes (threads), every
revision of every entity still reads back exactly; unreferenced parts and blobs are gone after
the grace period (a parameter: no sleeping); another process's cached parts survive it."""

import threading
import time
import traceback

import msgspec
import sqlalchemy as sa
from store_checks import check_reference_counts

from entitybase.model import Item, PageMeta, Term
from entitybase.service import Settings, User, gc, lifecycle, open_service
from entitybase.store import schema as t

EDITOR = User(1, "Editor", admin=False, bot=False)
ADMIN = User(2, "Admin", admin=True, bot=False)
# Small blob threshold: many parts go to the blob store, so blobs are collected too.
SETTINGS = Settings(blob_threshold=64)


def _item(label: str, description: str = "") -> Item:
    long = "x" * 80  # above the blob threshold
    item = Item(labels={"en": Term("en", label)}, aliases={"en": [Term("en", label + long)]})
    if description:
        item.descriptions = {"en": Term("en", description)}
    return item


def _snapshot(service, revision_ids: dict) -> dict:
    """(entity, revision) -> entity JSON, for every revision recorded."""
    return {(entity_id, rev): msgspec.json.encode(service.get(entity_id, rev).entity)
            for entity_id, revs in revision_ids.items() for rev in revs}


def _unreferenced(store) -> int:
    with store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t.content)
                            .where(t.content.c.refs <= 0)).scalar()


def test_gc_concurrent_with_edits_imports_and_hard_deletes(tmp_path):
    service = open_service(tmp_path, SETTINGS)
    revisions: dict[str, list[int]] = {}
    lock = threading.Lock()
    errors = []

    def record(entity_id, revision_id):
        with lock:
            revisions.setdefault(entity_id, []).append(revision_id)

    def editor(worker: int):
        try:
            for n in range(12):
                created = service.create(_item(f"shared {n % 3}", f"w{worker} n{n}"),
                                         user=EDITOR)
                entity_id = created.entity.id
                record(entity_id, created.revision.revision_id)
                for step in range(2):
                    def mutate(item, step=step):
                        item.labels["de"] = Term("de", f"shared {step}")
                    edited = service.edit(entity_id, mutate, user=EDITOR)
                    record(entity_id, edited.revision.revision_id)
                if n % 3 == 0:  # gone for good: only what others share must stay
                    lifecycle.hard_delete(service, entity_id, user=ADMIN)
                    with lock:
                        revisions.pop(entity_id)
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append("".join(traceback.format_exception(error)))

    def importer():
        try:
            for batch in range(6):
                records = []
                for n in range(5):
                    item = _item(f"shared {n % 3}", f"import {batch}-{n}")
                    # Highest ids first: the first batch lifts the id sequence above all
                    # of them, so concurrent creates never take an id imported later.
                    item.id = f"Q{200_000 - batch * 10 - n}"
                    # No source revision ids: concurrent edits take ids from the same
                    # sequence, so imported ones get theirs from it too.
                    records.append((item, PageMeta(modified="2024-01-01T00:00:00Z")))
                for result in service.import_entities(records):
                    assert result.status == "imported", result
                    record(result.entity_id, result.revision_id)
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append("".join(traceback.format_exception(error)))

    stop = threading.Event()
    reports = []

    def collector():
        while not stop.is_set():
            reports.append(gc.collect(service, grace=0))

    threads = [threading.Thread(target=editor, args=(w,)) for w in range(3)]
    threads.append(threading.Thread(target=importer))
    background = threading.Thread(target=collector)
    background.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    background.join()
    assert not errors, errors
    before = _snapshot(service, revisions)
    final = gc.collect(service, grace=0, scan=True)
    assert final.pending == 0 and final.marked == 0  # hard deletes marked all there was
    assert sum(r.parts for r in [*reports, final]) > 0
    assert sum(r.blobs for r in [*reports, final]) > 0
    assert _unreferenced(service.store) == 0
    check_reference_counts(service.store)
    service.close()
    # A fresh service (cold caches) reads every revision back byte for byte.
    reopened = open_service(tmp_path, SETTINGS)
    assert _snapshot(reopened, revisions) == before
    with reopened.store.read() as conn:
        rows = {row.id for row in conn.execute(sa.select(t.content.c.id))}
    listed = reopened.store.contents.blobs.keys()  # a blob listing, not a dict
    assert {key for key, _ in listed} <= rows
    reopened.close()


def test_grace_period_and_orphan_blobs(tmp_path):
    service = open_service(tmp_path, SETTINGS)
    kept = service.create(_item("kept", "stays"), user=EDITOR).entity.id
    doomed = service.create(_item("doomed", "goes"), user=EDITOR).entity.id
    lifecycle.hard_delete(service, doomed, user=ADMIN)
    service.store.contents.blobs.put("ab" * 16, b"left behind by a failed edit")
    start = time.time()  # the blobs were written just now: an hour's margin either way
    first = gc.collect(service, grace=3600, now=start, scan=True)
    assert first.marked == 0  # the hard delete marked what it released
    assert first.parts == 0 and first.blobs == 0 and first.pending > 0
    later = gc.collect(service, grace=3600, now=start + 7200)
    assert later.parts > first.pending and later.blobs >= 1
    assert later.by_kind["root"]["parts"] == 1 and later.bytes > 0
    assert later.pending == 0 and _unreferenced(service.store) == 0
    assert service.store.contents.blobs.get("ab" * 16) is None
    assert service.get(kept).entity.labels["en"].value == "kept"
    check_reference_counts(service.store)
    service.close()


def test_parts_cached_by_another_process_are_stored_again(tmp_path):
    first = open_service(tmp_path, SETTINGS)
    second = open_service(tmp_path, SETTINGS)  # another process: its own part cache
    doomed = second.create(_item("reused", "once"), user=EDITOR).entity.id
    lifecycle.hard_delete(first, doomed, user=ADMIN)
    assert gc.collect(first, grace=0).parts > 0
    # The second service still has the collected parts cached; reusing them must store
    # them again rather than count references to rows that are gone.
    again = second.create(_item("reused", "once"), user=EDITOR)
    fresh = open_service(tmp_path, SETTINGS)
    assert fresh.get(again.entity.id).entity == again.entity
    check_reference_counts(fresh.store)
    for service in (first, second, fresh):
        service.close()
