"""Bulk import of Wikibase entities with their revision ids, timestamps and page ids.

A batch of records is one transaction. Re-importing a revision already stored is a no-op; an
older revision joins the history without moving the head. A record without `lastrevid` gets
a fresh revision id and counts as older than any record that has one. Uniqueness rules are
reported as warnings, not enforced: real data breaks them.
"""

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from ..model import Entity, PageMeta
from ..model.ids import numeric_id
from ..store import PartBatch, Splitter, blake2b_id
from . import backlinks
from .collector import fewer_collections
from .records import ImportResult
from .revisions import entity_kind, event, fill_statements, now
from .rules import unique_keys

# The edit type of a revision imported without its source revision id: it gets a fresh id,
# so the id says nothing about its age.
UNDATED = "import-undated"


class PlannedRecord(NamedTuple):
    entity_id: str
    kind: str
    meta: PageMeta
    root: bytes
    keys: dict  # uniqueness key -> what a violation reports
    links: frozenset = frozenset()  # (target, property) backlinks of this revision


class ImportPlan(NamedTuple):
    """A batch ready to write: plain data, so another process can prepare it."""

    records: list[PlannedRecord]
    parts: PartBatch


def plan_import(records: Sequence[tuple[Entity, PageMeta]], content_id=blake2b_id) -> ImportPlan:
    """Fill missing GUIDs and hashes and split the entities into parts. Pure: no store access
    (snaks imported without `datatype` get it from the stored property when read)."""
    splitter = Splitter(content_id)
    planned = []
    for entity, meta in records:
        fill_statements(entity, recompute_hashes=False)
        planned.append(PlannedRecord(entity.id, entity_kind(entity), meta,
                                     splitter.entity(entity), unique_keys(entity),
                                     frozenset(backlinks.entity_links(entity))))
    return ImportPlan(planned, splitter.batch())


def import_batch(service, records: Sequence[tuple[Entity, PageMeta]]) -> list[ImportResult]:
    plan = plan_import(records, service.store.contents.content_id)
    return write_import(service, [plan])[0]


def write_import(service, plans: Sequence[ImportPlan]) -> list[list[ImportResult]]:
    """Write planned batches in one transaction; the results of each batch's records."""
    store = service.store
    with store.read() as conn:
        stored = store.existing_revisions(conn, [
            r.meta.lastrevid for plan in plans for r in plan.records if r.meta.lastrevid])
    # The batches' records are written as one: each statement runs once for all of them,
    # and a part several batches hold is looked up and counted once.
    results, todo, batches, ends = [], [], [], []
    for plan in plans:
        plan_results, plan_todo = _triage(plan, stored)
        todo += [(len(results) + index, record) for index, record in plan_todo]
        results += plan_results
        ends.append(len(results))
        if plan_todo:
            batches.append(plan.parts)
    if todo:
        parts = PartBatch.merged(batches)
        store.prepare_parts(parts)
        with fewer_collections(), store.write() as tx:
            _write(service, tx, todo, results, parts)
    return [results[start:end] for start, end in zip([0, *ends], ends)]


def _triage(plan: ImportPlan, stored: dict[int, str]) -> tuple[list, list]:
    """(results so far, [(index, record) to write]): a revision already stored is unchanged
    if it is the same entity's, failed if another's. `stored` learns the revisions to write."""
    results: list[ImportResult | None] = [None] * len(plan.records)
    todo = []
    for index, record in enumerate(plan.records):
        revision_id = record.meta.lastrevid or None
        owner = stored.get(revision_id)
        if owner == record.entity_id:
            results[index] = ImportResult(record.entity_id, revision_id, "unchanged")
            continue
        if owner is not None:
            results[index] = ImportResult(record.entity_id, revision_id, "failed",
                                          f"revision {revision_id} belongs to {owner}")
            continue
        if revision_id is not None:
            stored[revision_id] = record.entity_id
        todo.append((index, record))
    return results, todo


def _write(service, tx, todo: list, results: list, parts: PartBatch) -> None:
    store, conn = service.store, tx.conn
    _raise_sequences(store, conn, todo)
    heads = _heads(store, conn, list({r.entity_id for _, r in todo}))
    placed = _place(store, conn, todo, heads, results)
    _move_heads(store, tx, heads, placed)
    new = set(placed.new_heads)
    warnings = _replace_keys(store, tx, placed.final, new)
    backlinks.replace(tx, {record.entity_id: record.links for index, record in todo
                           if record.entity_id in placed.final and results[index] is not None
                           and results[index].revision_id == heads[record.entity_id]["revision_id"]},
                      new)
    for result in results:
        if result is not None and result.entity_id in warnings and result.status == "imported":
            result.warnings = warnings[result.entity_id]
    revisions = placed.revisions
    # Not cached: an import goes through far more parts than readers reuse.
    store.put_parts(tx, parts, [bytes.fromhex(row["manifest_id"]) for row in revisions],
                    cache=False)
    events = [event(row) for row in revisions]
    store.insert_revisions(tx, revisions)
    store.add_events(tx, events)


def _heads(store, conn, entity_ids: list[str]) -> dict[str, dict]:
    """Current heads as dicts, marked whether their revision was imported undated."""
    heads = {row.entity_id: row._asdict() for row in store.heads(conn, entity_ids).values()}
    undated = store.revisions_of_type(
        conn, [head["revision_id"] for head in heads.values()], UNDATED)
    for head in heads.values():
        head["undated"] = head["revision_id"] in undated
    return heads


class _Placed(NamedTuple):
    revisions: list[dict]       # revision rows to insert
    new_heads: dict[str, dict]  # entity id -> head row of an entity new to the store
    moved: dict[str, int]       # entity id -> head revision before this batch
    final: dict[str, dict]      # entity id -> uniqueness keys of its new head


def _place(store, conn, todo: list, heads: dict, results: list) -> _Placed:
    """Give each record its revision id and parent; decide which heads move."""
    placed = _Placed([], {}, {}, {})
    history = store.revision_ids(conn, list(heads))
    # Ids for records without them, taken in two blocks (unused ones are simply skipped).
    revision_ids = _block(store, conn, "revision", sum(1 for _, r in todo if not r.meta.lastrevid))
    page_ids = _block(store, conn, "page", sum(
        1 for _, r in todo if not r.meta.pageid and r.entity_id not in heads))
    # An undated record whose content its entity had before is a re-import.
    stored = store.manifests(conn, [r.entity_id for _, r in todo if not r.meta.lastrevid])
    for index, record in todo:
        entity_id, meta, root = record.entity_id, record.meta, record.root
        dated = bool(meta.lastrevid)
        if not dated and (entity_id, root.hex()) in stored:
            results[index] = ImportResult(entity_id, None, "unchanged")
            continue
        revision_id = meta.lastrevid or next(revision_ids)
        head = heads.get(entity_id)
        if head is None:
            head = heads[entity_id] = placed.new_heads[entity_id] = {
                "entity_id": entity_id, "entity_type": record.kind,
                "revision_id": revision_id,
                "page_id": meta.pageid or next(page_ids), "redirect_to": None}
            placed.final[entity_id] = record.keys
        elif _moves_head(dated, revision_id, head):
            placed.moved.setdefault(entity_id, head["revision_id"])
            head["revision_id"], head["redirect_to"] = revision_id, None
            head["page_id"] = meta.pageid or head["page_id"]
            placed.final[entity_id] = record.keys
        head["undated"] = head["revision_id"] == revision_id and not dated
        older = [r for r in history.setdefault(entity_id, []) if r < revision_id]
        history[entity_id].append(revision_id)
        placed.revisions.append({
            "revision_id": revision_id, "entity_id": entity_id,
            "parent_id": max(older, default=None), "timestamp": meta.modified or now(),
            "user_id": None, "user_name": None, "comment": "", "tags": [], "bot": False,
            "edit_type": "import" if dated else UNDATED, "manifest_id": root.hex(),
            "redirect_to": None})
        results[index] = ImportResult(entity_id, revision_id, "imported")
    return placed


def _block(store, conn, name: str, count: int):
    return itertools.count(store.reserve(conn, name, count)) if count else iter(())


def _move_heads(store, tx, heads: dict, placed: _Placed) -> None:
    for entity_id, expected in placed.moved.items():
        if entity_id not in placed.new_heads:
            head = heads[entity_id]
            if not store.swap_head(tx, entity_id, expected, revision_id=head["revision_id"],
                                   page_id=head["page_id"], redirect_to=None):
                raise RuntimeError(f"{entity_id} changed during the import")
    rows = [{k: v for k, v in head.items() if k != "undated"}
            for head in placed.new_heads.values()]
    store.insert_heads(tx, rows)


def _moves_head(dated: bool, revision_id: int, head: dict) -> bool:
    """A record with its source revision id replaces an older or undated head; a record
    without one (its age unknown) replaces only an undated head."""
    if head["undated"]:
        return True
    return dated and revision_id > head["revision_id"]


def raise_revision_counter(service, at_least: int) -> None:
    """Before an import: the revision counter passes every `lastrevid` of the input, so the
    ids given to records without one are never claimed by a record imported after them."""
    if at_least:
        with service.store.write() as tx:
            service.store.raise_sequence(tx.conn, "revision", at_least)


def _raise_sequences(store, conn, todo) -> None:
    """Counters stay above every imported revision id, page id and entity number."""
    highest: dict[str, int] = {}
    for _, record in todo:
        meta = record.meta
        name = f"id:{record.kind}"
        highest[name] = max(highest.get(name, 0), numeric_id(record.entity_id))
        if meta.lastrevid:
            highest["revision"] = max(highest.get("revision", 0), meta.lastrevid)
        if meta.pageid:
            highest["page"] = max(highest.get("page", 0), meta.pageid)
    for name, value in highest.items():
        store.raise_sequence(conn, name, value)


def _replace_keys(store, tx, entities: dict[str, dict], new: set) -> dict[str, list[str]]:
    """Give each entity whose head moved the uniqueness keys of its new head; keys held by
    another entity stay with it and are reported. Keys an entity holds and keeps are left
    as they are (a newer revision mostly has its predecessor's keys)."""
    held = store.keys_held(tx.conn, [entity_id for entity_id in entities if entity_id not in new])
    store.drop_keys(tx, [(*key, entity_id) for entity_id, keys in held.items()
                         for key in keys if key not in entities[entity_id]])
    kept = {key: entity_id for entity_id, keys in held.items()
            for key in keys if key in entities[entity_id]}
    wanted, warnings = {}, {}
    for entity_id, keys in entities.items():
        for key, info in keys.items():
            holder = kept.get(key) or wanted.setdefault(key, (entity_id, info))[0]
            if holder != entity_id:
                warnings.setdefault(entity_id, []).append(_held(info, holder))
    owners = store.key_owners(tx.conn, list(wanted))
    rows = []
    for key, (entity_id, info) in wanted.items():
        owner = owners.get(key)
        if owner is None:
            rows.append((*key, entity_id))
        elif owner != entity_id:
            warnings.setdefault(entity_id, []).append(_held(info, owner))
    store.add_keys(tx, rows)
    return warnings


def _held(info: tuple, owner: str) -> str:
    kind, scope, value = info
    return f"{kind} {scope} {value!r} is also held by {owner}"
