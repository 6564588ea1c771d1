"""Content-addressed parts: ids, verify-on-write, reference counts, a cache of known parts.

A content id is a 128-bit hash of the part's kind and canonical bytes. Writing a part whose id
is already stored compares the bytes: a difference is a collision and fails the write, so two
contents are never merged silently. Reference counts count the parts (and revisions) that
point at a part; a part is counted once per distinct parent.
"""

import hashlib
import operator
import threading
from collections import Counter
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from .blobs import LocalBlobs
from .schema import content

ContentIdFunction = Callable[[int, bytes], bytes]

# What a cached part costs Python beyond its bytes (dict slot, tuple, bytes header).
ENTRY_OVERHEAD = 120
# SQL IN lists stay below every backend's parameter limit.
BATCH = 500
IN_SIZES = (8, 64, BATCH)  # the IN-list lengths statements are compiled for


class ContentCollision(Exception):
    """Two different contents hash to the same id."""

    def __init__(self, content_id: str):
        super().__init__(f"content id collision on {content_id}")
        self.content_id = content_id


class MissingContent(Exception):
    """A manifest points at a part the store does not hold (a corrupt store)."""


class PartBatch:
    """Parts to write, as columns in the order they were split: what a write needs and
    nothing more, so that a planning process can send tens of thousands of them cheaply
    (lists of bytes, str, int).

    `parents[i]` counts the distinct parts of the batch that point at part i, `outside` the
    parts pointing at ids not in the batch (stored already). A part is counted once per
    distinct parent; `children(i)` lists part i's distinct children."""

    __slots__ = ("_children", "_positions", "datas", "hexes", "keys", "kinds", "outside",
                 "parents")

    def __init__(self, keys, hexes, kinds, datas, parents, outside, children, positions=None):
        self.keys, self.hexes, self.kinds, self.datas = keys, hexes, kinds, datas
        self.parents, self.outside, self._children = parents, outside, children
        self._positions = positions  # key -> position, built when first needed

    @classmethod
    def collected(cls, keys: list[bytes], hexes: list[str], kinds: list[int],
                  datas: list[bytes], children: list[bytes], counts: dict[bytes, int],
                  positions: dict[bytes, int]) -> "PartBatch":
        """The batch of parts: `children` holds each part's distinct children joined,
        `counts` how many parts point at each id (it is emptied)."""
        parents = [counts.pop(key, 0) for key in keys]  # what remains points outside
        return cls(keys, hexes, kinds, datas, parents, Counter(counts), children, positions)

    @classmethod
    def merged(cls, batches: list["PartBatch"]) -> "PartBatch":
        """One batch of the parts of several, each part once, counted as if their entities
        had been split together (a part met again does not point at its children again).
        Columns are joined whole; only the parts met again are looked at one by one."""
        if len(batches) == 1:
            return batches[0]
        first = batches[0]
        keys, hexes, kinds = list(first.keys), list(first.hexes), list(first.kinds)
        datas, children, parents = list(first.datas), list(first._children), list(first.parents)
        positions = dict(zip(keys, range(len(keys))))
        outside = Counter(first.outside)
        for batch in batches[1:]:
            refs, beyond = list(batch.parents), Counter(batch.outside)
            again = [i for i, key in enumerate(batch.keys) if key in positions]
            for i in again:
                at = positions[batch.keys[i]]
                if kinds[at] != batch.kinds[i] or datas[at] != batch.datas[i]:
                    raise ContentCollision(batch.keys[i].hex())
                for child in batch.children(i):  # counted already, by the part met before
                    j = batch.index(child)
                    if j is None:
                        beyond[child] -= 1
                    else:
                        refs[j] -= 1
            for i in again:
                parents[positions[batch.keys[i]]] += refs[i]
            fresh = _without(range(len(batch.keys)), again)
            added = _pick(batch.keys, fresh)
            positions.update(zip(added, range(len(keys), len(keys) + len(added))))
            keys += added
            hexes += _pick(batch.hexes, fresh)
            kinds += _pick(batch.kinds, fresh)
            datas += _pick(batch.datas, fresh)
            children += _pick(batch._children, fresh)
            parents += _pick(refs, fresh)
            outside.update(beyond)
        for key in [key for key in outside if key in positions]:  # split by a later batch
            parents[positions[key]] += outside.pop(key)
        return cls(keys, hexes, kinds, datas, parents, +outside, children, positions)

    def __reduce__(self):  # the positions are quicker to build again than to send
        return PartBatch, (self.keys, self.hexes, self.kinds, self.datas, self.parents,
                           self.outside, self._children)

    def index(self, key: bytes) -> int | None:
        """The position of a key in the batch, None if it is not in it."""
        if self._positions is None:
            self._positions = {key: i for i, key in enumerate(self.keys)}
        return self._positions.get(key)

    def children(self, i: int) -> list[bytes]:
        joined = self._children[i]
        return [joined[at:at + 16] for at in range(0, len(joined), 16)]

    def large(self, threshold: int) -> list[int]:
        """The positions of the parts above the blob threshold."""
        if max(map(len, self.datas), default=0) <= threshold:
            return []
        return [i for i, data in enumerate(self.datas) if len(data) > threshold]

    def rows(self, positions, refs: list[int]) -> list[tuple]:
        """Content rows (id, kind, size, refs, data) of the parts at these positions (in
        order), `refs[i]` the references to part i."""
        rows = list(zip(self.hexes, self.kinds, map(len, self.datas), refs, self.datas))
        return rows if len(positions) == len(rows) else [rows[i] for i in positions]


def _without(positions: range, left_out: list[int]) -> range | list[int]:
    if not left_out:
        return positions
    skipped = set(left_out)
    return [i for i in positions if i not in skipped]


def _pick(column: list, positions: range | list[int]) -> list:
    return column if isinstance(positions, range) else [column[i] for i in positions]


def _all_of(ids: list[bytes], found: dict) -> dict:
    """`found`, unless one of the ids is missing from it: MissingContent then."""
    if len(found) < len(set(ids)):
        absent = next(key for key in ids if key not in found)
        raise MissingContent(f"content {absent.hex()} is not stored")
    return found


def blake2b_id(kind: int, data: bytes) -> bytes:
    hasher = _HASHERS[kind].copy()  # copying a keyed state is cheaper than setting it up
    hasher.update(data)
    return hasher.digest()


_HASHERS = [hashlib.blake2b(digest_size=16, person=b"eb-part-%d" % kind) for kind in range(256)]


def native_hashers(content_id: ContentIdFunction) -> list | None:
    """The hashers per kind that give `content_id`'s ids without a call to it (the part
    collector copies, updates and digests them itself), if it is blake2b_id."""
    return _HASHERS if content_id is blake2b_id else None


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
    """Rows of `query` whose column is in `values`, BATCH values per statement."""
    for result in _run_in(conn, query, column, values):
        yield from result.fetchall()


def held_by(conn: sa.Connection, query, owners: list, column) -> dict[str, set[tuple]]:
    """owner -> the rows of `query` (its last column `column`, the owner) without that
    column, for the owners in `owners` holding any."""
    held: dict[str, set] = {}
    for *row, owner in select_in(conn, query, owners, column):
        held.setdefault(owner, set()).add(tuple(row))
    return held


def update_in(conn: sa.Connection, statement, values: list, column=content.c.id,
              **params) -> int:
    """Run an UPDATE on the rows whose column is in `values`, BATCH values per statement
    (one statement per row costs a round trip each on a database server). Returns the
    number of rows updated, each counted once."""
    return sum(result.rowcount for result in _run_in(conn, statement, column, values, params))


def _run_in(conn: sa.Connection, statement, column, values: list, params: dict | None = None):
    """Results of `statement` restricted to `column IN values`, BATCH values at a time. The
    statement is compiled once per dialect and IN-list length (SQLAlchemy would re-render an
    expanding IN list on every call); a few lengths only, the shortest that fits, filled by
    repeating a value: an edit's handful of ids need not bind BATCH parameters. Other
    parameters of the statement come before the IN list."""
    if not values:
        return
    params = params or {}
    for start in range(0, len(values), BATCH):
        chunk = values[start:start + BATCH]
        size = next(size for size in IN_SIZES if size >= len(chunk))
        chunk = chunk + [chunk[0]] * (size - len(chunk))
        compiled = _compiled_in(conn.dialect, statement, column, size)
        if compiled.positional:  # the other parameters, then the IN list in order
            first = tuple(params[name] for name in compiled.positiontup[:len(params)])
            args = first + tuple(chunk)
        else:
            args = {**params, **{f"v{i}": value for i, value in enumerate(chunk)}}
        yield conn.exec_driver_sql(compiled.string, args)


def _insert_literal(conn: sa.Connection, rows: list[tuple]) -> None:
    """Content rows on MySQL, written as literal values, about 1 MiB of SQL per statement.
    PyMySQL escapes every parameter in Python (a quarter of a bulk import's time); these
    values need no escaping: hex ids, integers, and the data as a hex literal."""
    values, size = [], 0
    for hex_id, kind, length, refs, data in rows:
        if not hex_id.isalnum():
            raise ValueError(f"not a content id: {hex_id!r}")
        data = "NULL" if data is None else f"X'{data.hex()}'"
        values.append(f"('{hex_id}',{int(kind)},{int(length)},{int(refs)},{data})")
        size += len(values[-1])
        if size >= 1 << 20:
            conn.exec_driver_sql(_LITERAL_INSERT + ",".join(values))
            values, size = [], 0
    if values:
        conn.exec_driver_sql(_LITERAL_INSERT + ",".join(values))


_COMPILED: dict = {}
_INSERT = sa.insert(content)
_CONTENT_COLUMNS = ("id", "kind", "size", "refs", "data")
_LITERAL_INSERT = f"INSERT INTO {content.name} ({', '.join(_CONTENT_COLUMNS)}) VALUES "
_SELECT_ID = sa.select(content.c.id)
_INCREMENT = sa.update(content).values(refs=content.c.refs + sa.bindparam("n"))


def _compiled(dialect, statement, columns: tuple):
    """A statement compiled once per dialect and set of column keys."""
    return _compile_once((dialect.name, id(statement), columns), statement,
                         lambda: statement.compile(dialect=dialect, column_keys=list(columns)))


def _compiled_in(dialect, statement, column, size: int):
    """`statement` restricted to `column IN` a list of `size` parameters v0, v1, ..."""
    def compile_in():
        placeholders = [sa.bindparam(f"v{i}") for i in range(size)]
        return statement.where(column.in_(placeholders)).compile(dialect=dialect)
    return _compile_once((dialect.name, id(statement), column, size), statement, compile_in)


def _compile_once(key, statement, compile):
    compiled = _COMPILED.get(key)
    if compiled is None:
        # the statement is kept alive with its compiled form, so its id() is never reused
        compiled = _COMPILED[key] = (statement, compile())
    return compiled[1]


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
        ids = list(ids)
        return _all_of(ids, self.find(conn, ids))

    def find(self, conn: sa.Connection, ids: Iterable[bytes]) -> dict[bytes, tuple[int, bytes]]:
        """(kind, data) of the ids that are stored, from the cache or else the database
        (whose parts then enter the cache); unknown ids are left out."""
        found, missing = {}, []
        for key in ids:
            item = self.known.get(key)
            if item is None:
                missing.append(key.hex())
            else:
                found[key] = item
        loaded = self._load(conn, sorted(missing))  # in index order: fewer page visits
        self.known.add((key, kind, data) for key, (kind, data) in loaded.items())
        found.update(loaded)
        return found

    def load(self, conn: sa.Connection, ids: list[bytes]) -> dict[bytes, tuple[int, bytes]]:
        """`get` without the cache, neither read nor filled: for readers that go through
        the whole store once (dumps), which would only push out what others reuse."""
        return _all_of(ids, self._load(conn, sorted(key.hex() for key in ids)))

    def _load(self, conn, hexes: list[str]) -> dict[bytes, tuple[int, bytes]]:
        """(kind, data) of the stored parts among these hex ids."""
        loaded = {}
        for hex_id, kind, data in select_in(conn, self._select, hexes):
            if data is None:
                data = self.blobs.get(hex_id)
                if data is None:
                    raise MissingContent(f"blob {hex_id} is missing")
            loaded[bytes.fromhex(hex_id)] = (kind, bytes(data))
        return loaded

    # -- writing -----------------------------------------------------------------------------

    def write_blobs(self, batch: PartBatch) -> None:
        """Large parts go to the blob store before the transaction that references them."""
        large = [(batch.hexes[i], batch.datas[i]) for i in batch.large(self.blob_threshold)]
        put_many = getattr(self.blobs, "put_many", None)
        if put_many is not None:  # S3: parallel put-if-absent requests, each verified
            put_many(large)
            return
        for hex_id, data in large:
            existing = self.blobs.get(hex_id)
            if existing is None:
                self.blobs.put(hex_id, data)
            elif existing != data:
                raise ContentCollision(hex_id)

    def put(self, conn: sa.Connection, batch: PartBatch, roots: Counter,
            cache: bool = True) -> list:
        """Store the parts not stored yet and count references, inside the caller's
        transaction. `roots` counts references from outside any part (revision rows).
        Returns the cache entries to add once the transaction commits (none without
        `cache`: a bulk import would only push out what readers reuse)."""
        keys, kinds, datas = batch.keys, batch.kinds, batch.datas
        known = self.known.items
        found = {i: item for i, key in enumerate(keys)  # cached, so stored
                 if (item := known.get(key)) is not None} if known else {}
        stored = self._load(conn, [batch.hexes[i] for i in range(len(keys)) if i not in found]
                            if found else batch.hexes)
        found.update((batch.index(key), item) for key, item in stored.items())
        for i, item in found.items():
            if item != (kinds[i], datas[i]):
                raise ContentCollision(keys[i].hex())
        present = list(found)
        new = [i for i in range(len(keys)) if i not in found] if found else range(len(keys))
        refs, increments = self._references(batch, present, roots)
        self._insert(conn, batch, new, refs)
        self._count(conn, batch, increments)
        if not cache:
            return []
        return [(keys[i], kinds[i], datas[i]) for i in new] + [
            (key, kind, data) for key, (kind, data) in stored.items()]

    @staticmethod
    def _references(batch: PartBatch, present: list[int], roots: Counter):
        """References each part gains: (per position, {id: n} of stored parts). Every part
        of the batch counts as a parent, then the stored ones are taken back out: only new
        parts add references to their children."""
        refs, outside = list(batch.parents), Counter(batch.outside)
        for key, n in roots.items():
            i = batch.index(key)
            if i is None:
                outside[key] += n
            else:
                refs[i] += n
        for i in present:
            for child in batch.children(i):
                at = batch.index(child)
                if at is None:
                    outside[child] -= 1
                else:
                    refs[at] -= 1
        increments = {batch.keys[i]: refs[i] for i in present if refs[i]}
        increments.update((key, n) for key, n in outside.items() if n)
        return refs, increments

    def _insert(self, conn, batch: PartBatch, new: list[int], refs: list[int]) -> None:
        rows, large = batch.rows(new, refs), []
        if batch.large(self.blob_threshold):
            for at, (hex_id, kind, size, count, data) in enumerate(rows):
                if size > self.blob_threshold:
                    large.append((hex_id, data))
                    rows[at] = (hex_id, kind, size, count, None)
        if conn.dialect.name != "sqlite":
            # Transactions inserting in one order (the ids') never wait on each other in a
            # circle for the unique index's locks. SQLite has one writer at a time.
            rows.sort()
        if conn.dialect.name == "mysql":
            _insert_literal(conn, rows)
        else:
            executemany(conn, _INSERT, rows, _CONTENT_COLUMNS)
        for hex_id, data in large:
            # Garbage collection deletes blobs without a row under the same lock that this
            # insert holds: a blob it removed after write_blobs is written again here.
            if self.blobs.get(hex_id) is None:
                self.blobs.put(hex_id, data)

    def _increment(self, conn, increments: dict[bytes, int]) -> int:
        """Add to the references of stored parts, one statement per count for many parts;
        returns how many of the parts were found."""
        by_count: dict[int, list[str]] = {}
        for key, n in increments.items():
            by_count.setdefault(n, []).append(key.hex())
        return sum(update_in(conn, _INCREMENT, hexes, n=n) for n, hexes in by_count.items())

    def _count(self, conn, batch: PartBatch, increments: dict[bytes, int]):
        """Add references to stored parts. Garbage collection may have removed an unreferenced
        part that this process still had cached: such parts are stored again, and so are
        their own children where gc took them too."""
        while increments and self._increment(conn, increments) < len(increments):
            present = {bytes.fromhex(row[0]) for row in select_in(
                conn, _SELECT_ID, [key.hex() for key in increments])}
            gone = [key for key in increments if key not in present]
            self.known.discard(gone)
            positions = sorted(batch.index(key) for key in gone if batch.index(key) is not None)
            if len(positions) < len(gone):
                raise MissingContent("a part this edit reuses was garbage collected")
            refs = [0] * len(batch.keys)
            for i in positions:
                refs[i] = increments[batch.keys[i]]
            self._insert(conn, batch, positions, refs)
            increments = Counter(child for i in positions for child in batch.children(i))
