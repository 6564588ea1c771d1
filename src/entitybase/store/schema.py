"""The metadata tables and their versioned migrations.

Portable SQLAlchemy Core: no backend-specific types or statements here. Content ids are
32-character hex strings (128 bits); integers that may exceed 2^31 are BigInteger (signed
64-bit everywhere, which also suits SQLite).
"""

import sqlalchemy as sa
from sqlalchemy.dialects.mysql import LONGBLOB

SCHEMA_VERSION = 6

metadata = sa.MetaData()

meta = sa.Table(
    "eb_meta", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

# Content-addressed parts: small ones inline, large ones (data NULL) in the blob store.
content = sa.Table(
    "eb_content", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.SmallInteger, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("refs", sa.BigInteger, nullable=False),
    # MySQL's plain BLOB holds 64 KiB; parts up to the blob threshold need more.
    sa.Column("data", sa.LargeBinary().with_variant(LONGBLOB, "mysql", "mariadb"),
              nullable=True),
    # SQLite keeps rows in insertion order and the ids in an index of their own: a batch of
    # new parts appends its rows instead of dirtying one random page per row.
)

# Immutable revision rows; the manifest is NULL on a redirect revision.
revision = sa.Table(
    "eb_revision", metadata,
    sa.Column("revision_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("entity_id", sa.String(32), nullable=False),
    sa.Column("parent_id", sa.BigInteger, nullable=True),
    sa.Column("timestamp", sa.String(20), nullable=False),
    sa.Column("user_id", sa.BigInteger, nullable=True),
    sa.Column("user_name", sa.String(255), nullable=True),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("tags", sa.Text, nullable=False),
    sa.Column("bot", sa.Boolean, nullable=False),
    sa.Column("edit_type", sa.String(32), nullable=False),
    sa.Column("manifest_id", sa.String(32), nullable=True),
    sa.Column("redirect_to", sa.String(32), nullable=True),
    sa.Index("eb_revision_entity", "entity_id", "revision_id"),
)

# One row per entity: its head revision (compare-and-swap target) and page id.
head = sa.Table(
    "eb_head", metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("entity_type", sa.String(16), nullable=False),
    sa.Column("revision_id", sa.BigInteger, nullable=False),
    sa.Column("page_id", sa.BigInteger, nullable=False),
    sa.Column("redirect_to", sa.String(32), nullable=True),
    sa.Index("eb_head_redirect_to", "redirect_to"),  # who redirects here (owl:sameAs)
)

# Counters: revision ids, page ids, entity numbers per type. Never decrease.
sequence = sa.Table(
    "eb_sequence", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

outbox = sa.Table(
    "eb_outbox", metadata,
    sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
              primary_key=True, autoincrement=True),
    sa.Column("entity_id", sa.String(32), nullable=False),
    sa.Column("revision_id", sa.BigInteger, nullable=False),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("delivered", sa.Boolean, nullable=False, default=False),
)

# Global uniqueness keys (sitelink site+title, label+description, property label): the
# key is a hash so that index entries stay short on every backend. Owners are looked up by
# hash, so the primary key starts with it (version 6).
def _unique_key_table(name: str, target: sa.MetaData) -> sa.Table:
    return sa.Table(
        name, target,
        sa.Column("key_hash", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(32), nullable=False),
        sqlite_with_rowid=False,
    )


unique_key = _unique_key_table("eb_unique_key", metadata)
_UNIQUE_KEY_ENTITY = sa.Index("eb_unique_key_entity", unique_key.c.entity_id)

site = sa.Table(
    "eb_site", metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("site_group", sa.String(64), nullable=False),
    sa.Column("language", sa.String(64), nullable=False),
    sa.Column("rdf_language", sa.String(64), nullable=False),
    sa.Column("url_pattern", sa.Text, nullable=False),
    sa.Column("file_path", sa.Text, nullable=True),
    sa.Column("sitelinks", sa.Boolean, nullable=False),
    sa.Column("flags", sa.Text, nullable=False),
)

language = sa.Table(
    "eb_language", metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("rdf", sa.String(64), nullable=False),
    sa.Column("chain", sa.Text, nullable=False),
)

user = sa.Table(
    "eb_user", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
              primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("admin", sa.Boolean, nullable=False),
    sa.Column("bot", sa.Boolean, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created", sa.String(20), nullable=False),
)

# -- the editing lifecycle (version 3) ---------------------------------------------------------

# Soft-deleted entities: their head row moves here, so every reader sees them as missing,
# and moves back on undelete.
deleted_head = sa.Table(
    "eb_deleted_head", metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("entity_type", sa.String(16), nullable=False),
    sa.Column("revision_id", sa.BigInteger, nullable=False),
    sa.Column("page_id", sa.BigInteger, nullable=False),
    sa.Column("redirect_to", sa.String(32), nullable=True),
    sa.Column("timestamp", sa.String(20), nullable=False),
)

# Protection level of an entity ("semi", "full", "locked", "archived", "mass-edit").
protection = sa.Table(
    "eb_protection", metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("timestamp", sa.String(20), nullable=False),
    sa.Column("user_name", sa.String(255), nullable=True),
    sa.Column("reason", sa.Text, nullable=False),
)

# Log entries of actions that are not revisions: delete, undelete, protect, hard delete.
log = sa.Table(
    "eb_log", metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("log_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("timestamp", sa.String(20), nullable=False),
    sa.Column("user_id", sa.BigInteger, nullable=True),
    sa.Column("user_name", sa.String(255), nullable=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),
)

# Backlinks: `source_id`'s current statements, qualifiers or references hold `entity_id`
# as a value of `property_id`.
backlink = sa.Table(
    "eb_backlink", metadata,
    sa.Column("entity_id", sa.String(32), primary_key=True),
    sa.Column("source_id", sa.String(32), primary_key=True),
    sa.Column("property_id", sa.String(32), primary_key=True),
    sa.Index("eb_backlink_source", "source_id"),
    sa.Index("eb_backlink_property", "entity_id", "property_id", "source_id"),
    sqlite_with_rowid=False,
)

# Daily statistics: one JSON document per (day, name).
stats = sa.Table(
    "eb_stats", metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Garbage collection: parts found without references, and since when. A part is removed
# once it has stayed unreferenced for the grace period.
gc_pending = sa.Table(
    "eb_gc_pending", metadata,
    sa.Column("content_id", sa.String(32), primary_key=True),
    # Unix time; Double, not Float: MySQL FLOAT is single precision (minutes off by 2026)
    sa.Column("since", sa.Double, nullable=False),
)

def _key_hash_first(conn: sa.Connection) -> None:
    """Version 6: the key table's primary key starts with the hash, which owner lookups
    use, instead of an index of its own (version 5): one index fewer to write per key. A
    table of an earlier layout is copied into the new one; on MySQL, where DDL commits at
    once, a copy interrupted half way is found and finished on the next start."""
    inspector = sa.inspect(conn)
    copy = "eb_unique_key_new"
    if inspector.has_table(unique_key.name):
        if inspector.get_pk_constraint(unique_key.name)["constrained_columns"][0] == "key_hash":
            return  # created in this layout
        new = _unique_key_table(copy, sa.MetaData())
        new.drop(conn, checkfirst=True)  # an interrupted copy
        new.create(conn)
        columns = ", ".join(column.name for column in new.columns)
        conn.exec_driver_sql(f"INSERT INTO {copy} ({columns}) "
                             f"SELECT {columns} FROM {unique_key.name}")
        conn.exec_driver_sql(f"DROP TABLE {unique_key.name}")
    conn.exec_driver_sql(f"ALTER TABLE {copy} RENAME TO {unique_key.name}")
    _UNIQUE_KEY_ENTITY.create(conn, checkfirst=True)


# version -> tables (or indexes) that version added. Later versions append here.
MIGRATIONS = {
    1: [meta, content, revision, head, sequence, outbox, unique_key, site, language, user],
    # The relay finds undelivered events without scanning the whole outbox.
    2: [sa.Index("eb_outbox_pending", outbox.c.delivered, outbox.c.event_id)],
    3: [deleted_head, protection, log, backlink, stats],
    4: [gc_pending],
    # (An index on the key hash, which the primary key of version 6 replaces.)
    5: [],
    6: [_key_hash_first],
}


def schema_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table(meta.name):
        return 0
    row = conn.execute(sa.select(meta.c.value).where(meta.c.name == "schema_version")).first()
    return int(row[0]) if row else 0


def migrate(conn: sa.Connection) -> tuple[int, int]:
    """Bring the schema up to SCHEMA_VERSION inside the caller's transaction."""
    before = schema_version(conn)
    if before > SCHEMA_VERSION:
        raise RuntimeError(f"database schema {before} is newer than this code ({SCHEMA_VERSION})")
    for version in range(before + 1, SCHEMA_VERSION + 1):
        for step in MIGRATIONS[version]:
            if callable(step):
                step(conn)
            else:
                step.create(conn, checkfirst=True)
        conn.execute(sa.delete(meta).where(meta.c.name == "schema_version"))
        conn.execute(sa.insert(meta).values(name="schema_version", value=str(version)))
    return before, SCHEMA_VERSION
