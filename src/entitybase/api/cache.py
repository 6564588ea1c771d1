"""Rendered response bodies of immutable revisions, for the busiest reads.

A body is keyed by what it is rendered from: the entity, the revision (immutable) and the
request's variant (e.g. `_fields`). A request still reads the entity's head from the store,
so an edit by any process is seen at once; only rendering the head is skipped. Sitelink URLs
come from the service's sites table: an entry remembers the table it was rendered with and
is not used after the table was reloaded.
"""

import threading
import weakref
from collections import OrderedDict

MAX_BYTES = 32 * 1024 * 1024
ENTRY_OVERHEAD = 200  # key tuple, revision record, dict slot


class BodyCache:
    """key -> (body, revision info), bounded by total bytes; least recently used leave first."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, sites):
        with self.lock:
            item = self.items.get(key)
            if item is None or item[2] is not sites:
                return None
            self.items.move_to_end(key)
            return item[0], item[1]

    def put(self, key, body: bytes, revision, sites) -> None:
        cost = len(body) + ENTRY_OVERHEAD
        if cost > self.max_bytes // 8:  # a huge entity would push out everything else
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= len(old[0]) + ENTRY_OVERHEAD
            self.items[key] = (body, revision, sites)
            self.size += cost
            while self.size > self.max_bytes:
                _, (dropped, _, _) = self.items.popitem(last=False)
                self.size -= len(dropped) + ENTRY_OVERHEAD


_caches: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def bodies(service) -> BodyCache:
    """The body cache of a service (one per service, so tests' services never share one)."""
    with _caches_lock:
        cache = _caches.get(service)
        if cache is None:
            cache = _caches[service] = BodyCache()
        return cache
