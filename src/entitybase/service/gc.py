"""Garbage collection: remove stored parts no revision references any more (after a hard
delete, or blobs a failed edit left behind), once they have stayed unreferenced for the
grace period. Safe while edits and imports run (see store/gc.py)."""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
    with store.write() as tx:
        tables.forget_revived(tx)
        if scan:
            report.marked = tables.mark(tx, now)
    freed_blobs = []
    while True:
        with store.write() as tx:
            freed, blobs = tables.sweep_batch(store, tx, cutoff)
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
        with store.write() as tx:
            # Deleted while holding the lock: a writer inserting one of these rows waits,
            # then finds the blob gone and writes it again.
            for key in tables.blobs_without_rows(tx, candidates[start:start + 500]):
                blobs.delete(key)
                removed += 1
    return removed
