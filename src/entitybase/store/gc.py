"""Garbage collection's table work: mark unreferenced parts, remove them after the grace
period, release their children, find blobs without a row.

Safety with concurrent writers: a part is deleted only while it has no references, in a
write transaction that locks its row (SELECT ... FOR UPDATE; SQLite serializes writers).
A writer that still had the part cached finds its reference update missing a row and
stores the part again (ContentStore._count); one that inserts a large part's row re-checks
its blob under the same lock (ContentStore._insert).
"""

from collections import Counter

import sqlalchemy as sa

from . import schema as t
from .contents import BATCH, executemany
from .layout import KIND_NAMES, children, decode_part

_DECREMENT = (sa.update(t.content).where(t.content.c.id == sa.bindparam("key"))
              .values(refs=t.content.c.refs - sa.bindparam("n")))


def mark(tx, now: float) -> int:
    """Scan for parts without references that are not marked yet; returns how many."""
    c, p = t.content.c, t.gc_pending.c
    query = (sa.select(c.id, sa.literal(now, sa.Double))
             .where(c.refs <= 0, ~sa.exists().where(p.content_id == c.id)))
    result = tx.conn.execute(sa.insert(t.gc_pending).from_select(["content_id", "since"], query))
    return result.rowcount or 0


def mark_released(tx, ids, now: float) -> None:
    """Mark those of these parts that a release left without references (hard delete), so
    that a run needs no scan of the content table."""
    _mark_released(tx.conn, dict.fromkeys(ids, now))


def forget_revived(tx) -> None:
    """Unmark parts that gained references again, or are gone."""
    c, p = t.content.c, t.gc_pending.c
    revived = sa.select(c.id).where(c.id == p.content_id, c.refs > 0)
    tx.conn.execute(sa.delete(t.gc_pending).where(
        sa.exists(revived) | ~sa.exists().where(c.id == p.content_id)))


def sweep_batch(store, tx, cutoff: float) -> tuple[dict, list[str]]:
    """Delete up to BATCH parts unreferenced since before `cutoff`; release their children
    (children left without references are marked with their parent's time, so that the
    cascade goes on in the same run). Returns ({kind: [parts, bytes]}, ids of the blobs of
    large parts removed: the caller deletes them with `blobs_without_rows`' lock)."""
    c, p = t.content.c, t.gc_pending.c
    conn = tx.conn
    rows = conn.execute(
        sa.select(c.id, c.kind, c.size, c.data, p.since)
        .join_from(t.content, t.gc_pending, p.content_id == c.id)
        .where(c.refs <= 0, p.since <= cutoff).limit(BATCH).with_for_update()).all()
    if not rows:
        return {}, []
    ids = [row.id for row in rows]
    conn.execute(sa.delete(t.content).where(c.id.in_(ids), c.refs <= 0))
    conn.execute(sa.delete(t.gc_pending).where(p.content_id.in_(ids)))
    released, since, freed, blobs = Counter(), {}, {}, []
    for row in rows:
        data = row.data
        if data is None:
            blobs.append(row.id)
            data = store.contents.blobs.get(row.id) or b""
        kids = set(children(row.kind, decode_part(row.kind, bytes(data)))) if data else set()
        for child in kids:
            key = child.hex()
            released[key] += 1
            since[key] = min(since.get(key, row.since), row.since)
        name = KIND_NAMES.get(row.kind, str(row.kind))
        counts = freed.setdefault(name, [0, 0])
        counts[0] += 1
        counts[1] += row.size
    executemany(conn, _DECREMENT, [{"key": k, "n": n} for k, n in released.items()])
    _mark_released(conn, since)
    store.contents.known.discard(bytes.fromhex(i) for i in ids)
    return freed, blobs


def _mark_released(conn, since: dict[str, float]) -> None:
    c, p = t.content.c, t.gc_pending.c
    keys = list(since)
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        orphans = conn.execute(sa.select(c.id).where(c.id.in_(batch), c.refs <= 0)).scalars()
        marked = set(conn.execute(sa.select(p.content_id).where(
            p.content_id.in_(batch))).scalars())
        rows = [{"content_id": key, "since": since[key]} for key in orphans if key not in marked]
        if rows:
            conn.execute(sa.insert(t.gc_pending), rows)


def blobs_without_rows(tx, keys: list[str]) -> list[str]:
    """Which of these blob ids have no content row, locking the gaps so that no writer
    inserts one until the caller's transaction ends."""
    conn = tx.conn
    present = set()
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        present.update(conn.execute(sa.select(t.content.c.id).where(
            t.content.c.id.in_(batch)).with_for_update()).scalars())
    return [key for key in keys if key not in present]


def pending_count(conn) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(t.gc_pending)).scalar() or 0

