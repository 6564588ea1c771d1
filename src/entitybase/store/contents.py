"""Content-addressed parts: ids, verify-on-write, reference counts, a cache of known parts.

A content id is a 128-bit hash of the part's kind and canonical bytes. Writing a part whose id
is already stored compares the bytes: a difference is a collision and fails the write, so two
contents are never merged silently. Reference counts count the parts (and revisions) that
point at a part; a part is counted once per distinct parent.
"""

import hashlib
import itertools
import operator
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple

import sqlalchemy as sa

from .blobs import LocalBlobs
from .schema import content

ContentIdFunction = Callable[[int, bytes], bytes]

# What a cached part costs Python beyond its bytes (dict slot, tuple, bytes header).
ENTRY_OVERHEAD = 120
# SQL IN lists stay below every backend's parameter limit.
BATCH = 500


class ContentCollision(Exception):
    """Two different contents hash to the same id."""

    def __init__(self, content_id: str):
        super().__init__(f"content id collision on {content_id}")
        self.content_id = content_id


class MissingContent(Exception):
    """A manifest points at a part the store does not hold (a corrupt store)."""


class Part(NamedTuple):
    kind: int
    data: bytes
    children: tuple[bytes, ...]


def blake2b_id(kind: int, data: bytes) -> bytes:
    hasher = _HASHERS[kind].copy()  # copying a keyed state is cheaper than setting it up
    hasher.update(data)
    return hasher.digest()


_HASHERS = [hashlib.blake2b(digest_size=16, person=b"eb-part-%d" % kind) for kind in range(256)]


class KnownParts:
    """Committed parts by id (immutable, so cacheable forever), bounded by total bytes;
    the oldest entries leave first. Reads take no lock: a dict lookup is atomic."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.items: dict[bytes, tuple[int, bytes]] = {}
        self.lock = threading.Lock()

    def get(self, key: bytes):
        return self.items.get(key)

    def discard(self, keys: Iterable[bytes]) -> None:
        with self.lock:
            for key in keys:
                item = self.items.pop(key, None)
                if item is not None:
                    self.size -= len(item[1]) + ENTRY_OVERHEAD

    def add(self, entries: Iterable[tuple[bytes, int, bytes]]) -> None:
        with self.lock:
            items = self.items
            new = {key: (kind, data) for key, kind, data in entries if key not in items}
            items.update(new)
            self.size += sum(len(data) + ENTRY_OVERHEAD for _, data in new.values())
            while self.size > self.max_bytes and items:
                oldest = next(iter(items))
                self.size -= len(items.pop(oldest)[1]) + ENTRY_OVERHEAD


def executemany(conn: sa.Connection, statement, rows: list, columns: tuple | None = None) -> int:
    """Run one statement for many rows through the driver directly. SQLAlchemy's own
    executemany converts every row's parameters in Python, which dominated bulk imports;
    the statement is still compiled for the connection's dialect, so it stays portable.
    Rows are dicts, or tuples of the values of `columns` in that order."""
    if not rows:
        return 0
    columns = columns or tuple(rows[0])
    compiled = _compiled(conn.dialect, statement, columns)
    if not compiled.positional:
        params = rows if isinstance(rows[0], dict) else [dict(zip(columns, row)) for row in rows]
    else:
        order = list(compiled.positiontup)
        keys = order if isinstance(rows[0], dict) else [columns.index(name) for name in order]
        if keys == list(range(len(columns))):  # tuples already in the statement's order
            params = rows
        elif len(keys) == 1:
            params = [(row[keys[0]],) for row in rows]
        else:
            params = list(map(operator.itemgetter(*keys), rows))
    return conn.exec_driver_sql(compiled.string, params).rowcount


def select_in(conn: sa.Connection, query, values: list, column=content.c.id):
    """Rows of `query` whose column is in `values`, BATCH values per statement. The statement
    with BATCH placeholders is compiled once per dialect (SQLAlchemy would re-render an
    expanding IN list on every call); the last batch repeats a value to fill it."""
    if not values:
        return
    compiled = _compiled(conn.dialect, query, column)
    if compiled is None:
        params = [sa.bindparam(f"v{i}") for i in range(BATCH)]
        compiled = _compiled(conn.dialect, query, column, query.where(column.in_(params)))
    for start in range(0, len(values), BATCH):
        chunk = values[start:start + BATCH]
        chunk = chunk + [chunk[0]] * (BATCH - len(chunk))
        if compiled.positional:
            args = tuple(chunk[int(name[1:])] for name in compiled.positiontup)
        else:
            args = {f"v{i}": value for i, value in enumerate(chunk)}
        yield from conn.exec_driver_sql(compiled.string, args)


_COMPILED: dict = {}
_INSERT = sa.insert(content)
_CONTENT_COLUMNS = ("id", "kind", "size", "refs", "data")
_SELECT_ID = sa.select(content.c.id)
_INCREMENT = (sa.update(content).where(content.c.id == sa.bindparam("key"))
              .values(refs=content.c.refs + sa.bindparam("n")))


def _compiled(dialect, statement, variant, final=None):
    """Statements are compiled once per dialect and variant (column keys, IN column). With
    `final` given, compile and remember it; for a select_in query the lookup may miss."""
    key = (dialect.name, id(statement), variant)
    compiled = _COMPILED.get(key)
    if compiled is None and final is not None:
        compiled = _COMPILED[key] = (statement, final.compile(dialect=dialect))
    elif compiled is None and not isinstance(variant, sa.Column):
        compiled = _COMPILED[key] = (statement, statement.compile(
            dialect=dialect, column_keys=list(variant)))
    # the statement is kept alive with its compiled form, so its id() is never reused
    return compiled[1] if compiled else None


class ContentStore:
    def __init__(self, blobs: LocalBlobs, content_id: ContentIdFunction = blake2b_id,
                 blob_threshold: int = 256 * 1024, cache_bytes: int = 128 * 1024 * 1024):
        self.blobs = blobs
        self.content_id = content_id
        self.blob_threshold = blob_threshold
        self.known = KnownParts(cache_bytes)
        self._select = sa.select(content.c.id, content.c.kind, content.c.data)

    # -- reading -----------------------------------------------------------------------------

    def get(self, conn: sa.Connection, ids: Iterable[bytes]) -> dict[bytes, tuple[int, bytes]]:
        """(kind, data) of each id; MissingContent when one is not stored."""
        found, missing = {}, []
        for key in ids:
            item = self.known.get(key)
            if item is None:
                missing.append(key)
            else:
                found[key] = item
        loaded = self.load(conn, missing)
        self.known.add((key, kind, data) for key, (kind, data) in loaded.items())
        found.update(loaded)
        return found

    def load(self, conn: sa.Connection, ids: list[bytes]) -> dict[bytes, tuple[int, bytes]]:
        """`get` without the cache, neither read nor filled: for readers that go through
        the whole store once (dumps), which would only push out what others reuse."""
        loaded = self._load(conn, ids)
        if len(loaded) < len(set(ids)):
            absent = next(key for key in ids if key not in loaded)
            raise MissingContent(f"content {absent.hex()} is not stored")
        return loaded

    def _load(self, conn, keys: list[bytes]) -> dict[bytes, tuple[int, bytes]]:
        loaded = {}
        hexes = sorted(key.hex() for key in keys)  # in index order: fewer page visits
        for hex_id, kind, data in select_in(conn, self._select, hexes):
            if data is None:
                data = self.blobs.get(hex_id)
                if data is None:
                    raise MissingContent(f"blob {hex_id} is missing")
            loaded[bytes.fromhex(hex_id)] = (kind, bytes(data))
        return loaded

    # -- writing -----------------------------------------------------------------------------

    def write_blobs(self, parts: dict[bytes, Part]) -> None:
        """Large parts go to the blob store before the transaction that references them."""
        put_many = getattr(self.blobs, "put_many", None)
        if put_many is not None:  # S3: parallel put-if-absent requests, each verified
            put_many([(key.hex(), part.data) for key, part in parts.items()
                      if len(part.data) > self.blob_threshold])
            return
        for key, part in parts.items():
            if len(part.data) > self.blob_threshold:
                hex_id = key.hex()
                existing = self.blobs.get(hex_id)
                if existing is None:
                    self.blobs.put(hex_id, part.data)
                elif existing != part.data:
                    raise ContentCollision(hex_id)

    def put(self, conn: sa.Connection, parts: dict[bytes, Part], roots: Counter) -> list:
        """Store the parts not stored yet and count references, inside the caller's
        transaction. `roots` counts references from outside any part (revision rows).
        Returns the cache entries to add once the transaction commits."""
        known = self.known.items
        unknown = []
        for key, part in parts.items():
            item = known.get(key)
            if item is None:
                unknown.append(key)
            elif item[1] != part.data or item[0] != part.kind:
                raise ContentCollision(key.hex())
        stored = self._load(conn, unknown)
        for key, item in stored.items():
            if item != (parts[key].kind, parts[key].data):
                raise ContentCollision(key.hex())
        new = [key for key in unknown if key not in stored] if stored else unknown
        increments = Counter(roots)  # a part is counted once per distinct parent
        increments.update(itertools.chain.from_iterable(set(parts[key].children) for key in new))
        self._insert(conn, new, parts, increments)
        new_set = set(new)
        self._count(conn, parts, {key: n for key, n in increments.items() if key not in new_set})
        return [(key, parts[key].kind, parts[key].data) for key in new] + [
            (key, kind, data) for key, (kind, data) in stored.items()]

    def _insert(self, conn, new: list[bytes], parts: dict[bytes, Part], increments: Counter):
        """Insert rows in id order: neighbouring keys share index pages, so each page is
        written once per batch rather than once per row."""
        rows, large = [], []
        threshold, refs = self.blob_threshold, increments.get
        for key in sorted(new):
            kind, data, _ = parts[key]
            hex_id, size = key.hex(), len(data)
            if size > threshold:
                large.append((hex_id, data))
                data = None
            rows.append((hex_id, kind, size, refs(key, 0), data))
        executemany(conn, _INSERT, rows, _CONTENT_COLUMNS)
        for hex_id, data in large:
            # Garbage collection deletes blobs without a row under the same lock that this
            # insert holds: a blob it removed after write_blobs is written again here.
            if self.blobs.get(hex_id) is None:
                self.blobs.put(hex_id, data)

    def _increment(self, conn, increments: dict[bytes, int]) -> int:
        return executemany(conn, _INCREMENT,
                           [{"key": key.hex(), "n": n} for key, n in increments.items()])

    def _count(self, conn, parts: dict[bytes, Part], increments: dict[bytes, int]) -> None:
        """Add references to stored parts. Garbage collection may have removed an unreferenced
        part that this process still had cached: such parts are stored again, and so are
        their own children where gc took them too."""
        while increments and self._increment(conn, increments) < len(increments):
            present = {bytes.fromhex(row[0]) for row in select_in(
                conn, _SELECT_ID, [key.hex() for key in increments])}
            gone = [key for key in increments if key not in present]
            self.known.discard(gone)
            if any(key not in parts for key in gone):
                raise MissingContent("a part this edit reuses was garbage collected")
            self._insert(conn, gone, parts, Counter(increments))
            increments = Counter(child for key in gone for child in set(parts[key].children))
