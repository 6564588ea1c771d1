"""Tables of the editing lifecycle: deleted heads, protection, the log, backlinks, statistics,
and reference counting for hard deletion.

Plain functions over a connection or transaction; the service decides what to write.
"""

import json
from collections.abc import Iterable

import sqlalchemy as sa

from . import schema as t
from .contents import BATCH, executemany, held_by

# -- deletion ----------------------------------------------------------------------------------


def move_head_to_deleted(tx, head, timestamp: str) -> None:
    """Soft delete: the head row leaves eb_head, so every reader sees the entity as missing."""
    tx.conn.execute(sa.insert(t.deleted_head).values(
        entity_id=head.entity_id, entity_type=head.entity_type, revision_id=head.revision_id,
        page_id=head.page_id, redirect_to=head.redirect_to, timestamp=timestamp))
    tx.conn.execute(sa.delete(t.head).where(t.head.c.entity_id == head.entity_id,
                                            t.head.c.revision_id == head.revision_id))


def deleted_head(conn, entity_id: str):
    return conn.execute(sa.select(t.deleted_head).where(
        t.deleted_head.c.entity_id == entity_id)).first()


def restore_head(tx, row) -> None:
    tx.conn.execute(sa.delete(t.deleted_head).where(t.deleted_head.c.entity_id == row.entity_id))
    tx.conn.execute(sa.insert(t.head).values(
        entity_id=row.entity_id, entity_type=row.entity_type, revision_id=row.revision_id,
        page_id=row.page_id, redirect_to=row.redirect_to))


def purge_entity(tx, entity_id: str) -> dict[str, int]:
    """Hard delete: remove the entity's rows; returns manifest id -> revision rows that
    referenced it, so that the caller can release those references."""
    conn = tx.conn
    r = t.revision.c
    manifests: dict[str, int] = {}
    for (manifest_id,) in conn.execute(sa.select(r.manifest_id).where(r.entity_id == entity_id)):
        if manifest_id is not None:
            manifests[manifest_id] = manifests.get(manifest_id, 0) + 1
    conn.execute(sa.delete(t.revision).where(r.entity_id == entity_id))
    for table in (t.head, t.deleted_head, t.protection, t.unique_key):
        conn.execute(sa.delete(table).where(table.c.entity_id == entity_id))
    conn.execute(sa.delete(t.backlink).where(t.backlink.c.source_id == entity_id))
    return manifests


# Statements run through `executemany`, which compiles each statement object once.
_RELEASE = (sa.update(t.content).where(t.content.c.id == sa.bindparam("key"))
            .values(refs=t.content.c.refs - sa.bindparam("n")))
_INSERT_LINK = sa.insert(t.backlink)
_DELETE_LINK = sa.delete(t.backlink).where(
    t.backlink.c.source_id == sa.bindparam("s"), t.backlink.c.entity_id == sa.bindparam("e"),
    t.backlink.c.property_id == sa.bindparam("p"))
_LINKS = sa.select(t.backlink.c.entity_id, t.backlink.c.property_id, t.backlink.c.source_id)


def release(tx, references: dict[str, int]) -> None:
    """Take references away from parts (hex id -> count); garbage collection removes parts
    left with none."""
    executemany(tx.conn, _RELEASE, [{"key": key, "n": n} for key, n in references.items()])


# -- protection --------------------------------------------------------------------------------


# Built once: every edit checks protection.
_PROTECTION = sa.select(t.protection).where(t.protection.c.entity_id == sa.bindparam("entity"))


def protection(conn, entity_id: str):
    return conn.execute(_PROTECTION, {"entity": entity_id}).first()


def set_protection(tx, entity_id: str, level: str | None, timestamp: str,
                   user_name: str | None, reason: str) -> None:
    tx.conn.execute(sa.delete(t.protection).where(t.protection.c.entity_id == entity_id))
    if level is not None:
        tx.conn.execute(sa.insert(t.protection).values(
            entity_id=entity_id, level=level, timestamp=timestamp, user_name=user_name,
            reason=reason))


# -- log ---------------------------------------------------------------------------------------


def add_log(tx, log_id: int, entity_id: str, action: str, timestamp: str, user,
            reason: str, params: dict) -> dict:
    row = {"entity_id": entity_id, "log_id": log_id, "action": action, "timestamp": timestamp,
           "user_id": user.id if user else None, "user_name": user.name if user else None,
           "reason": reason, "params": json.dumps(params, sort_keys=True)}
    tx.conn.execute(sa.insert(t.log).values(**row))
    return row


def log_entries(conn, entity_id: str) -> list:
    return conn.execute(sa.select(t.log).where(t.log.c.entity_id == entity_id)
                        .order_by(t.log.c.log_id.desc())).all()


# -- backlinks ---------------------------------------------------------------------------------


def change_links(tx, source_id: str, removed: Iterable[tuple[str, str]],
                 added: Iterable[tuple[str, str]]) -> None:
    """Links are (target entity id, property id) pairs held by `source_id`."""
    drop_link_rows(tx, [(source_id, target, prop) for target, prop in removed])
    add_links(tx, [(source_id, target, prop) for target, prop in added])


def add_links(tx, rows: list[tuple[str, str, str]]) -> None:
    """(source, target, property) rows, in one statement per batch (bulk imports)."""
    executemany(tx.conn, _INSERT_LINK, rows, ("source_id", "entity_id", "property_id"))


def drop_link_rows(tx, rows: list[tuple[str, str, str]]) -> None:
    """Delete (source, target, property) rows."""
    executemany(tx.conn, _DELETE_LINK, rows, ("s", "e", "p"))


def links_held(conn, source_ids: list[str]) -> dict[str, set[tuple[str, str]]]:
    """source id -> the (target, property) links it holds, for sources holding any."""
    return held_by(conn, _LINKS, source_ids, t.backlink.c.source_id)


def drop_links(tx, source_ids: list[str]) -> None:
    for start in range(0, len(source_ids), BATCH):
        tx.conn.execute(sa.delete(t.backlink).where(
            t.backlink.c.source_id.in_(source_ids[start:start + BATCH])))


def links_from(conn, source_id: str) -> set[tuple[str, str]]:
    b = t.backlink.c
    return {(row.entity_id, row.property_id) for row in conn.execute(
        sa.select(b.entity_id, b.property_id).where(b.source_id == source_id))}


def backlink_sources(conn, entity_id: str, property_id: str | None, after: str | None,
                     limit: int) -> list[str]:
    """Entities linking to `entity_id` (by `property_id` when given), in id order."""
    b = t.backlink.c
    query = sa.select(b.source_id).where(b.entity_id == entity_id)
    if property_id is not None:
        query = query.where(b.property_id == property_id)
    if after is not None:
        query = query.where(b.source_id > after)
    query = query.group_by(b.source_id).order_by(b.source_id).limit(limit)
    return conn.execute(query).scalars().all()


def backlink_properties(conn, entity_id: str, sources: list[str]) -> dict[str, list[str]]:
    """Source id -> the properties by which it links to `entity_id`, sorted."""
    b = t.backlink.c
    found: dict[str, list[str]] = {}
    for start in range(0, len(sources), BATCH):
        query = (sa.select(b.source_id, b.property_id)
                 .where(b.entity_id == entity_id, b.source_id.in_(sources[start:start + BATCH]))
                 .order_by(b.source_id, b.property_id))
        for source, prop in conn.execute(query):
            found.setdefault(source, []).append(prop)
    return found


def backlink_count(conn, entity_id: str) -> int:
    return conn.execute(sa.select(sa.func.count(sa.distinct(t.backlink.c.source_id))).where(
        t.backlink.c.entity_id == entity_id)).scalar() or 0


def top_linked(conn, limit: int) -> list[tuple[str, int]]:
    b = t.backlink.c
    count = sa.func.count(sa.distinct(b.source_id))
    query = (sa.select(b.entity_id, count.label("n")).group_by(b.entity_id)
             .order_by(sa.desc("n"), b.entity_id).limit(limit))
    return [(entity_id, n) for entity_id, n in conn.execute(query)]


# -- statistics --------------------------------------------------------------------------------


def put_stats(tx, day: str, values: dict) -> None:
    tx.conn.execute(sa.delete(t.stats).where(t.stats.c.day == day))
    tx.conn.execute(sa.insert(t.stats), [
        {"day": day, "name": name, "value": json.dumps(value)} for name, value in values.items()])


def stats(conn, day: str | None) -> tuple[str | None, dict]:
    """The statistics of `day`, or of the latest day computed."""
    if day is None:
        day = conn.execute(sa.select(sa.func.max(t.stats.c.day))).scalar()
        if day is None:
            return None, {}
    rows = conn.execute(sa.select(t.stats.c.name, t.stats.c.value).where(t.stats.c.day == day))
    values = {name: json.loads(value) for name, value in rows}
    return (day if values else None), values


def stats_days(conn) -> list[str]:
    return conn.execute(sa.select(t.stats.c.day).distinct().order_by(t.stats.c.day.desc())
                        ).scalars().all()


def count_rows(conn, table_name: str) -> int:
    table = t.metadata.tables[table_name]
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0
