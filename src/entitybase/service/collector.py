"""Tuning of Python's cyclic garbage collector for bulk work."""

import gc
from contextlib import contextmanager

BULK_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections():
    """Run the cyclic garbage collector less often during bulk work (dumps, imports). A batch
    creates millions of small dicts, lists and tuples, freed by reference counting; with the
    default threshold the collector runs every 700 allocations and keeps promoting and
    rescanning them: up to a third of the time. Restored afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def for_bulk_work() -> None:
    """In a process that does nothing but bulk work (an import's planning processes): the
    bulk thresholds for good, so that no collection follows each batch, and what it
    inherited from its parent is never scanned again."""
    gc.freeze()
    gc.set_threshold(*BULK_THRESHOLDS)
