"""Tuning of Python's cyclic garbage collector for bulk work."""

import gc
from contextlib import contextmanager


@contextmanager
def fewer_collections():
    """Run the cyclic garbage collector less often during bulk work (dumps, imports). A batch
    creates millions of small dicts, lists and tuples, freed by reference counting; with the
    default threshold the collector runs every 700 allocations and keeps promoting and
    rescanning them: up to a third of the time. Restored afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
