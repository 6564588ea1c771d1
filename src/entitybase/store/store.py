"""The store: content-addressed parts plus metadata tables, behind small methods.

No business rules live here: callers decide what to write; the store writes it atomically
and reports what it found (a failed compare-and-swap, an existing key owner).
"""

import json
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from . import backends
from . import schema as t
from .contents import (
    BATCH,
    ContentIdFunction,
    ContentStore,
    PartBatch,
    blake2b_id,
    executemany,
    held_by,
    select_in,
)
from .layout import (
    RENDERED_KINDS,
    Renderer,
    Splitter,
    children,
    decode_part,
    statement_ids,
)

_INSERT_KEY = sa.insert(t.unique_key)
_KEY_ORDER = operator.itemgetter(2, 0, 1)  # (kind, scope, key_hash, ...) by key_hash first
_DELETE_KEY = sa.delete(t.unique_key).where(
    t.unique_key.c.kind == sa.bindparam("k"), t.unique_key.c.scope == sa.bindparam("s"),
    t.unique_key.c.key_hash == sa.bindparam("h"),
    t.unique_key.c.entity_id == sa.bindparam("owner"))
_KEYS = sa.select(t.unique_key.c.kind, t.unique_key.c.scope, t.unique_key.c.key_hash,
                  t.unique_key.c.entity_id)
_INSERT_HEAD = sa.insert(t.head)
_MANIFESTS = sa.select(t.revision.c.entity_id, t.revision.c.manifest_id)
# Built once: reads run these on every request.
_HEAD = sa.select(t.head).where(t.head.c.entity_id == sa.bindparam("entity_id"))
_REVISION = sa.select(t.revision).where(t.revision.c.revision_id == sa.bindparam("revision_id"))
_USER_BY_TOKEN = sa.select(t.user).where(t.user.c.token_hash == sa.bindparam("token_hash"))
_SWAPS: dict = {}  # changed columns -> compare-and-swap statement of the head
# Counters: every edit takes a revision id, so these are built once too.
_SEQ = t.sequence.c
_SEQ_VALUE = sa.select(_SEQ.value).where(_SEQ.name == sa.bindparam("seq"))
_SEQ_ADD = (sa.update(t.sequence).where(_SEQ.name == sa.bindparam("seq"))
            .values(value=_SEQ.value + sa.bindparam("count")))
_SEQ_RAISE = (sa.update(t.sequence).where(_SEQ.name == sa.bindparam("seq"),
                                         _SEQ.value < sa.bindparam("floor"))
              .values(value=sa.bindparam("floor")))


def _swap_statement(columns: tuple[str, ...]):
    """The head's compare-and-swap setting these columns, built once per column set (every
    edit runs one; building and cache-keying a statement cost more than running it)."""
    statement = _SWAPS.get(columns)
    if statement is None:
        h = t.head.c
        statement = _SWAPS[columns] = sa.update(t.head).where(
            h.entity_id == sa.bindparam("swap_entity"),
            h.revision_id == sa.bindparam("swap_expected")).values(
            {column: sa.bindparam(f"new_{column}") for column in columns})
    return statement


# MySQL gives a transaction up with these: deadlock victim, lock wait timeout.
TRANSIENT_MYSQL_ERRORS = (1213, 1205)


class TransientConflict(Exception):
    """The database gave a transaction up; nothing of it was written, run it again."""


class Transaction:
    """A write transaction; parts it stored enter the cache only after commit."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.cache_entries: list = []


class Store:
    def __init__(self, data_dir: Path | str, content_id: ContentIdFunction = blake2b_id,
                 blob_threshold: int = 256 * 1024):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # ENTITYBASE_DATABASE_URL / ENTITYBASE_BLOB_URL pick other backends (backends.py).
        self.database_url = backends.database_url(self.data_dir)
        self.reader, self.writer = backends.open_engines(self.database_url)
        self.checkpointer = backends.checkpointer(self.database_url)
        self.contents = ContentStore(backends.open_blobs(backends.blob_url(self.data_dir)),
                                     content_id, blob_threshold)
        self.migrate()

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.reader.dispose()
        self.writer.dispose()

    def migrate(self) -> tuple[int, int]:
        return backends.migrate(self.writer, t.migrate)

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.reader.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """A write transaction; TransientConflict when the database gave it up (a deadlock
        victim, a lock wait timeout) and it may simply be run again."""
        try:
            with self.writer.begin() as conn:
                tx = Transaction(conn)
                yield tx
        except sa.exc.OperationalError as error:
            if getattr(error.orig, "args", (None,))[0] in TRANSIENT_MYSQL_ERRORS:
                raise TransientConflict(str(error.orig)) from error
            raise
        if self.checkpointer is not None:
            self.checkpointer.committed()
        self.contents.known.add(tx.cache_entries)

    # -- entity content ----------------------------------------------------------------------

    def splitter(self, stored: dict | None = None) -> Splitter:
        """A splitter; `stored` maps GUID -> (statement, part id) of statements to reuse."""
        return Splitter(self.contents.content_id, stored)

    def statement_ids(self, conn: sa.Connection, manifest_id: str) -> dict[str, bytes]:
        """GUID -> statement part id in a stored revision."""
        def get(ids):
            return {key: decode_part(kind, data)
                    for key, (kind, data) in self.contents.get(conn, ids).items()}
        return statement_ids(self.root(conn, manifest_id), get)

    def prepare_parts(self, parts: PartBatch) -> None:
        """Before the transaction: write large parts to the blob store."""
        self.contents.write_blobs(parts)

    def put_parts(self, tx: Transaction, parts: PartBatch, roots: Iterable[bytes],
                  cache: bool = True):
        """Store new parts and count references; `roots` are referenced by revision rows.
        With `cache`, the parts enter the cache of known parts once the write commits."""
        tx.cache_entries += self.contents.put(tx.conn, parts, Counter(roots), cache)

    def load_parts(self, conn: sa.Connection, *root_ids: bytes) -> dict:
        """Every part under the roots, level by level: id -> (kind, decoded value)."""
        decoded, level = {}, list(root_ids)
        while level:
            wanted = list(dict.fromkeys(key for key in level if key not in decoded))
            level = []
            for key, (kind, data) in self.contents.get(conn, wanted).items():
                value = decode_part(kind, data)
                decoded[key] = (kind, value)
                level.extend(children(kind, value))
        return decoded

    def render(self, conn: sa.Connection, manifest_id: str) -> bytes:
        """Entity JSON (internal form, hashes as stored) of a manifest."""
        root = bytes.fromhex(manifest_id)
        return Renderer(self.load_parts(conn, root)).entity(root)

    def render_many(self, conn: sa.Connection, manifest_ids: list[str]) -> list[bytes]:
        """`render` of many manifests, their parts loaded together (a query per level)."""
        roots = [bytes.fromhex(manifest_id) for manifest_id in manifest_ids]
        renderer = Renderer(self.load_parts(conn, *roots))
        return [renderer.entity(root) for root in roots]

    def root(self, conn: sa.Connection, manifest_id: str) -> dict:
        """The decoded root manifest (type, id, datatype, part ids)."""
        key = bytes.fromhex(manifest_id)
        kind, data = self.contents.get(conn, [key])[key]
        return decode_part(kind, data)

    def render_parts(self, conn: sa.Connection, ids: list[str]) -> dict[str, tuple[int, bytes]]:
        """hex id -> (kind, Wikibase JSON) of snaks, statements, references, qualifier sets,
        terms and sitelinks; other or unknown ids are left out."""
        found = {}
        for hex_id, (kind, _) in self.get_parts(conn, ids).items():
            if kind in RENDERED_KINDS:
                key = bytes.fromhex(hex_id)
                found[hex_id] = (kind, Renderer(self.load_parts(conn, key)).part(key))
        return found

    def top_parts(self, conn: sa.Connection, kind: int, limit: int) -> list[tuple[str, int]]:
        """(hex id, references) of the most referenced parts of a kind."""
        query = (sa.select(t.content.c.id, t.content.c.refs).where(t.content.c.kind == kind)
                 .order_by(t.content.c.refs.desc()).limit(limit))
        return [(hex_id, refs) for hex_id, refs in conn.execute(query)]

    def get_parts(self, conn: sa.Connection, ids: list[str]) -> dict[str, tuple[int, bytes]]:
        """Raw parts by hex id; unknown ids are left out."""
        keys = []
        for hex_id in ids:
            try:
                key = bytes.fromhex(hex_id)
            except ValueError:
                continue
            if len(key) == 16:
                keys.append(key)
        return {key.hex(): value for key, value in self.contents.find(conn, keys).items()}

    # -- heads and revisions -----------------------------------------------------------------

    def head(self, conn: sa.Connection, entity_id: str):
        return conn.execute(_HEAD, {"entity_id": entity_id}).first()

    def heads(self, conn: sa.Connection, entity_ids: list[str]) -> dict:
        found = {}
        for start in range(0, len(entity_ids), BATCH):
            batch = entity_ids[start:start + BATCH]
            for row in conn.execute(sa.select(t.head).where(t.head.c.entity_id.in_(batch))):
                found[row.entity_id] = row
        return found

    def insert_head(self, tx: Transaction, **row) -> None:
        self.insert_heads(tx, [row])

    def insert_heads(self, tx: Transaction, rows: list[dict]) -> None:
        executemany(tx.conn, _INSERT_HEAD, rows)

    def swap_head(self, tx: Transaction, entity_id: str, expected: int, **values) -> bool:
        """Compare-and-swap: move the head only if it still is `expected`."""
        result = tx.conn.execute(_swap_statement(tuple(values)), {
            "swap_entity": entity_id, "swap_expected": expected,
            **{f"new_{key}": value for key, value in values.items()}})
        return result.rowcount == 1

    def insert_revisions(self, tx: Transaction, rows: list[dict]) -> None:
        for row in rows:
            row["tags"] = json.dumps(row.get("tags") or [])
        for start in range(0, len(rows), BATCH):
            tx.conn.execute(sa.insert(t.revision), rows[start:start + BATCH])

    def revision(self, conn: sa.Connection, revision_id: int):
        return conn.execute(_REVISION, {"revision_id": revision_id}).first()

    def revisions(self, conn: sa.Connection, revision_ids: list[int]) -> dict:
        """Revision rows by id."""
        found = {}
        for start in range(0, len(revision_ids), BATCH):
            batch = revision_ids[start:start + BATCH]
            for row in conn.execute(sa.select(t.revision)
                                    .where(t.revision.c.revision_id.in_(batch))):
                found[row.revision_id] = row
        return found

    def existing_revisions(self, conn: sa.Connection, revision_ids: list[int]) -> dict:
        found = {}
        for start in range(0, len(revision_ids), BATCH):
            batch = revision_ids[start:start + BATCH]
            query = sa.select(t.revision.c.revision_id, t.revision.c.entity_id).where(
                t.revision.c.revision_id.in_(batch))
            found.update(dict(conn.execute(query).all()))
        return found

    def revisions_of_type(self, conn: sa.Connection, revision_ids: list[int],
                          edit_type: str) -> set[int]:
        """Which of these revisions have the given edit type."""
        found = set()
        for start in range(0, len(revision_ids), BATCH):
            query = sa.select(t.revision.c.revision_id).where(
                t.revision.c.revision_id.in_(revision_ids[start:start + BATCH]),
                t.revision.c.edit_type == edit_type)
            found.update(conn.execute(query).scalars())
        return found

    def manifests(self, conn: sa.Connection, entity_ids: list[str]) -> set[tuple[str, str]]:
        """(entity id, manifest id) of every revision of these entities."""
        return {(entity_id, manifest_id) for entity_id, manifest_id in select_in(
            conn, _MANIFESTS, list(dict.fromkeys(entity_ids)), t.revision.c.entity_id)}

    def revision_ids(self, conn: sa.Connection, entity_ids: list[str]) -> dict[str, list[int]]:
        """Entity id -> its revision ids."""
        found: dict[str, list[int]] = {}
        for start in range(0, len(entity_ids), BATCH):
            query = sa.select(t.revision.c.entity_id, t.revision.c.revision_id).where(
                t.revision.c.entity_id.in_(entity_ids[start:start + BATCH]))
            for entity_id, revision_id in conn.execute(query):
                found.setdefault(entity_id, []).append(revision_id)
        return found

    def previous_revision(self, conn: sa.Connection, entity_id: str, before: int):
        query = sa.select(sa.func.max(t.revision.c.revision_id)).where(
            t.revision.c.entity_id == entity_id, t.revision.c.revision_id < before)
        return conn.execute(query).scalar()

    def history(self, conn: sa.Connection, entity_id: str, limit: int, before: int | None):
        query = sa.select(t.revision).where(t.revision.c.entity_id == entity_id)
        if before is not None:
            query = query.where(t.revision.c.revision_id < before)
        query = query.order_by(t.revision.c.revision_id.desc()).limit(limit)
        return conn.execute(query).all()

    # -- sequences ---------------------------------------------------------------------------

    def next_value(self, conn: sa.Connection, name: str, minimum: int = 1) -> int:
        """Increment a counter and return its new value (at least `minimum`)."""
        return self.reserve(conn, name, 1, minimum)

    def reserve(self, conn: sa.Connection, name: str, count: int, minimum: int = 1) -> int:
        """Take `count` consecutive values of a counter (the first at least `minimum`);
        returns the first."""
        # MySQL: the upsert always comes first (an UPDATE of a missing row takes a gap lock,
        # and two such transactions then deadlock on their INSERTs).
        if minimum > 1 or conn.dialect.name == "mysql":
            self.raise_sequence(conn, name, minimum - 1)
        if conn.execute(_SEQ_ADD, {"seq": name, "count": count}).rowcount == 0:
            self.raise_sequence(conn, name, minimum - 1)  # a new counter: create it first
            conn.execute(_SEQ_ADD, {"seq": name, "count": count})
        last = conn.execute(_SEQ_VALUE, {"seq": name}).scalar()
        return last - count + 1

    def raise_sequence(self, conn: sa.Connection, name: str, at_least: int) -> None:
        """Make sure a counter is at least `at_least` (never lowers it)."""
        if conn.dialect.name == "mysql":
            # One atomic upsert: UPDATE-then-INSERT of a missing row deadlocks on MySQL's
            # gap locks when two processes create the same counter.
            conn.exec_driver_sql(
                "INSERT INTO eb_sequence (name, value) VALUES (%s, %s) "
                "ON DUPLICATE KEY UPDATE value = GREATEST(value, VALUES(value))",
                (name, at_least))
            return
        updated = conn.execute(_SEQ_RAISE, {"seq": name, "floor": at_least})
        if updated.rowcount == 0 and conn.execute(_SEQ_VALUE, {"seq": name}).first() is None:
            conn.execute(sa.insert(t.sequence).values(name=name, value=at_least))

    # -- outbox ------------------------------------------------------------------------------

    def add_events(self, tx: Transaction, events: list[dict]) -> None:
        rows = [{"entity_id": e["entity_id"], "revision_id": e["revision_id"],
                 "event_type": e["type"], "payload": json.dumps(e), "delivered": False}
                for e in events]
        for start in range(0, len(rows), BATCH):
            tx.conn.execute(sa.insert(t.outbox), rows[start:start + BATCH])

    def events(self, conn: sa.Connection, after: int = 0, limit: int = 100) -> list[dict]:
        rows = conn.execute(sa.select(t.outbox).where(t.outbox.c.event_id > after)
                            .order_by(t.outbox.c.event_id).limit(limit))
        return [{"event_id": row.event_id, **json.loads(row.payload)} for row in rows]

    # -- uniqueness keys ---------------------------------------------------------------------

    def key_owners(self, conn: sa.Connection, keys: Iterable[tuple[str, str, str]]) -> dict:
        """(kind, scope, key_hash) -> entity id, for the keys that have an owner."""
        wanted = set(keys)
        found = {}
        hashes = sorted({key_hash for _, _, key_hash in wanted})
        for kind, scope, key_hash, entity_id in select_in(conn, _KEYS, hashes,
                                                          t.unique_key.c.key_hash):
            if (kind, scope, key_hash) in wanted:
                found[(kind, scope, key_hash)] = entity_id
        return found

    def keys_held(self, conn: sa.Connection, entity_ids: list[str]) -> dict[str, set]:
        """entity id -> the (kind, scope, key_hash) keys it holds."""
        return held_by(conn, _KEYS, entity_ids, t.unique_key.c.entity_id)

    def set_keys(self, tx: Transaction, entity_id: str, removed: Iterable, added: Iterable):
        self.drop_keys(tx, [(*key, entity_id) for key in removed])
        self.add_keys(tx, [(*key, entity_id) for key in added])

    def drop_keys(self, tx: Transaction, rows: list[tuple[str, str, str, str]]) -> None:
        """Delete (kind, scope, key_hash, entity_id) rows (a key another entity holds stays)."""
        executemany(tx.conn, _DELETE_KEY, rows, ("k", "s", "h", "owner"))

    def add_keys(self, tx: Transaction, rows: list[tuple[str, str, str, str]]) -> None:
        """Insert (kind, scope, key_hash, entity_id) rows, in the primary key's order."""
        executemany(tx.conn, _INSERT_KEY, sorted(rows, key=_KEY_ORDER),
                    ("kind", "scope", "key_hash", "entity_id"))

    def delete_keys(self, tx: Transaction, entity_ids: list[str]) -> None:
        for start in range(0, len(entity_ids), BATCH):
            tx.conn.execute(sa.delete(t.unique_key).where(
                t.unique_key.c.entity_id.in_(entity_ids[start:start + BATCH])))

    # -- sites, languages, users -------------------------------------------------------------

    def replace_sites(self, rows: list[dict]) -> None:
        with self.write() as tx:
            tx.conn.execute(sa.delete(t.site))
            if rows:
                tx.conn.execute(sa.insert(t.site), rows)

    def sites(self, conn: sa.Connection) -> list:
        return conn.execute(sa.select(t.site)).all()

    def replace_languages(self, rows: list[dict]) -> None:
        with self.write() as tx:
            tx.conn.execute(sa.delete(t.language))
            if rows:
                tx.conn.execute(sa.insert(t.language), rows)

    def languages(self, conn: sa.Connection) -> list:
        return conn.execute(sa.select(t.language)).all()

    def add_user(self, **row) -> int:
        with self.write() as tx:
            return tx.conn.execute(sa.insert(t.user).values(**row)).inserted_primary_key[0]

    def user_by_token(self, conn: sa.Connection, token_hash: str):
        return conn.execute(_USER_BY_TOKEN, {"token_hash": token_hash}).first()

    def user_by_name(self, conn: sa.Connection, name: str):
        return conn.execute(sa.select(t.user).where(t.user.c.name == name)).first()

    # -- statistics --------------------------------------------------------------------------

    def content_stats(self, conn: sa.Connection) -> dict:
        """Per kind: parts stored, their bytes and the references to them."""
        query = sa.select(t.content.c.kind, sa.func.count(), sa.func.sum(t.content.c.size),
                          sa.func.sum(t.content.c.refs)).group_by(t.content.c.kind)
        return {kind: {"parts": n, "bytes": int(size or 0), "references": int(refs or 0)}
                for kind, n, size, refs in conn.execute(query)}

    def logical_bytes(self, conn: sa.Connection) -> int:
        """Bytes of stored parts plus revision rows (fixed columns counted at 8 bytes each)."""
        parts = conn.execute(sa.select(sa.func.sum(t.content.c.size))).scalar() or 0
        r = t.revision.c
        rows = conn.execute(sa.select(
            sa.func.count(), sa.func.sum(
                sa.func.length(r.entity_id) + sa.func.length(r.timestamp)
                + sa.func.coalesce(sa.func.length(r.user_name), 0) + sa.func.length(r.comment)
                + sa.func.length(r.tags) + sa.func.length(r.edit_type)
                + sa.func.coalesce(sa.func.length(r.manifest_id), 0) / 2))).first()
        return int(parts) + int(rows[0]) * 8 * 5 + int(rows[1] or 0)

    # -- listing (linked data, dumps) ---------------------------------------------------------

    def latest_revision_id(self, conn: sa.Connection) -> int:
        return conn.execute(sa.select(sa.func.max(t.revision.c.revision_id))).scalar() or 0

    def entities_changed_after(self, conn: sa.Connection, revision_id: int) -> list[str]:
        r = t.revision.c
        return conn.execute(sa.select(r.entity_id).distinct()
                            .where(r.revision_id > revision_id)).scalars().all()

    def latest_event_id(self, conn: sa.Connection) -> int:
        return conn.execute(sa.select(sa.func.max(t.outbox.c.event_id))).scalar() or 0

    def entities_with_events_after(self, conn: sa.Connection, event_id: int) -> list[str]:
        o = t.outbox.c
        return conn.execute(sa.select(o.entity_id).distinct()
                            .where(o.event_id > event_id)).scalars().all()

    def redirects_to(self, conn: sa.Connection, entity_id: str) -> list[str]:
        h = t.head.c
        return conn.execute(sa.select(h.entity_id).where(h.redirect_to == entity_id)
                            .order_by(h.entity_id)).scalars().all()

    def head_id_page(self, conn: sa.Connection, after: str | None, limit: int) -> list[str]:
        """Entity ids of heads in id order after `after`, from the head table's key alone:
        cutting a dump into slices reads every id, and needs nothing else."""
        h = t.head.c
        query = sa.select(h.entity_id).order_by(h.entity_id).limit(limit)
        if after is not None:
            query = query.where(h.entity_id > after)
        return conn.execute(query).scalars().all()

    def head_page(self, conn: sa.Connection, after: str | None, limit: int,
                  since: str | None = None) -> list:
        """Heads in entity id order after `after`, with their revision's timestamp; only those
        changed at or after `since` (a `YYYY-MM-DDThh:mm:ssZ` timestamp) when given."""
        h, r = t.head.c, t.revision.c
        query = (sa.select(h.entity_id, h.entity_type, h.revision_id, h.page_id, h.redirect_to,
                           r.timestamp)
                 .join_from(t.head, t.revision, r.revision_id == h.revision_id)
                 .order_by(h.entity_id).limit(limit))
        if after is not None:
            query = query.where(h.entity_id > after)
        if since is not None:
            query = query.where(r.timestamp >= since)
        return conn.execute(query).all()
