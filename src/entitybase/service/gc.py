"""Garbage collection: remove stored parts no revision references any more (after a hard
delete, or blobs a failed edit left behind), once they have stayed unreferenced for the
grace period. Safe while edits and imports run (see store/gc.py)."""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..store import TransientConflict
from ..store import gc as tables

DEFAULT_GRACE = 24 * 3600.0


@dataclass
class GcReport:
    marked: int = 0                        # parts a scan found without references
    parts: int = 0                         # parts removed
    bytes: int = 0                         # their size
    by_kind: dict = field(default_factory=dict)   # kind -> {"parts", "bytes"}
    blobs: int = 0                         # blobs removed
    pending: int = 0                       # unreferenced parts still in their grace period


def collect(service, grace: float = DEFAULT_GRACE, now: float | None = None,
            scan: bool = False) -> GcReport:
    """One garbage collection run; `grace` seconds, `now` a Unix time (tests pass both).
    Hard deletes mark what they release; `scan` also looks through the whole content table
    for unreferenced parts nobody marked."""
    now = time.time() if now is None else now
    cutoff = now - grace
    store, report = service.store, GcReport()
    def begin(tx):
        tables.forget_revived(tx)
        return tables.mark(tx, now) if scan else 0

    report.marked = _retrying(store, begin)
    freed_blobs = []
    while True:
        freed, blobs = _retrying(store, lambda tx: tables.sweep_batch(store, tx, cutoff))
        if not freed:
            break
        freed_blobs += blobs
        for kind, (parts, size) in freed.items():
            counts = report.by_kind.setdefault(kind, {"parts": 0, "bytes": 0})
            counts["parts"] += parts
            counts["bytes"] += size
            report.parts += parts
            report.bytes += size
    report.blobs = _collect_blobs(store, cutoff, set(freed_blobs))
    with store.read() as conn:
        report.pending = tables.pending_count(conn)
    return report


def _collect_blobs(store, cutoff: float, freed: set[str]) -> int:
    """Delete blobs without a content row: those of parts just removed, and others older
    than the cutoff (a failed edit's; a younger one may belong to an edit in flight)."""
    blobs = store.contents.blobs
    if not hasattr(blobs, "keys"):
        return 0
    moment = datetime.fromtimestamp(cutoff, UTC)
    candidates = sorted(freed | {key for key, modified in blobs.keys()  # noqa: SIM118
                                 if modified <= moment})
    removed = 0
    for start in range(0, len(candidates), 500):
        batch = candidates[start:start + 500]

        def delete(tx, batch=batch):
            # Deleted while holding the lock: a writer inserting one of these rows waits,
            # then finds the blob gone and writes it again.
            orphans = tables.blobs_without_rows(tx, batch)
            for key in orphans:
                blobs.delete(key)
            return len(orphans)

        removed += _retrying(store, delete)
    return removed


def _retrying(store, work, attempts: int = 10):
    """`work(tx)` in a write transaction, again when the database chose it as a deadlock
    victim (gc's locks meet the writers' gap locks on MySQL). Collection is background
    work: it waits longer each time, by a random share so as not to meet the same writers
    in step again."""
    for attempt in range(attempts):
        try:
            with store.write() as tx:
                return work(tx)
        except TransientConflict:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1) * (0.5 + random.random()))
