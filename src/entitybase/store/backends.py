"""Choosing the backends: the metadata database and the blob store, by URL.

`ENTITYBASE_DATABASE_URL` selects the metadata database (default: the embedded SQLite file
under the data directory), e.g. `mysql+pymysql://root@127.0.0.1:3306/entitybase`.
`ENTITYBASE_BLOB_URL` selects the blob store (default: the `blobs` directory under the data
directory), e.g. `s3://bucket/prefix` with the endpoint and credentials taken from the usual
AWS variables (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, ...).
"""

import os
from pathlib import Path

import sqlalchemy as sa

from .blobs import LocalBlobs
from .engine import Checkpointer, sqlite_engines

DATABASE_URL_VARIABLE = "ENTITYBASE_DATABASE_URL"
BLOB_URL_VARIABLE = "ENTITYBASE_BLOB_URL"

# Seconds a process waits for another one's schema migration to finish.
MIGRATION_LOCK_TIMEOUT = 120


def database_url(data_dir: Path) -> str:
    return os.environ.get(DATABASE_URL_VARIABLE) or f"sqlite:///{data_dir / 'entitybase.sqlite'}"


def blob_url(data_dir: Path) -> str:
    return os.environ.get(BLOB_URL_VARIABLE) or str(data_dir / "blobs")


def is_mysql(url: str | sa.URL) -> bool:
    return sa.make_url(url).get_backend_name() in ("mysql", "mariadb")


def open_engines(url: str) -> tuple[sa.Engine, sa.Engine]:
    """(reader, writer) engines for a database URL."""
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return sqlite_engines(Path(parsed.database))
    if backend in ("mysql", "mariadb"):
        return _mysql_engines(parsed)
    if backend == "postgresql":
        return _postgresql_engines(parsed)
    raise ValueError(f"unsupported database URL {parsed.render_as_string()}")


def checkpointer(url: str) -> Checkpointer | None:
    """The thread that checkpoints an SQLite database's log (other databases do their own)."""
    parsed = sa.make_url(url)
    return Checkpointer(Path(parsed.database)) if parsed.get_backend_name() == "sqlite" else None


def _mysql_engines(url: sa.URL) -> tuple[sa.Engine, sa.Engine]:
    """REPEATABLE READ, InnoDB's default, for readers (one snapshot per transaction) and
    writers: garbage collection relies on its gap locks (a `SELECT ... FOR UPDATE` of absent
    content rows keeps writers from inserting them, see store/gc.py), which READ COMMITTED
    does not take. Writers' correctness rests on row locks and the head's compare-and-swap,
    whose UPDATE always sees the latest committed row."""
    url = url.update_query_dict({"charset": "utf8mb4"})
    create_mysql_database(url)
    options = {"pool_pre_ping": True, "pool_recycle": 3600, "pool_size": 8,
               "max_overflow": 16}
    reader = sa.create_engine(url, isolation_level="REPEATABLE READ", **options)
    writer = sa.create_engine(url, isolation_level="REPEATABLE READ", **options)
    return reader, writer


def _postgresql_engines(url: sa.URL) -> tuple[sa.Engine, sa.Engine]:
    reader = sa.create_engine(url, isolation_level="REPEATABLE READ", pool_pre_ping=True)
    writer = sa.create_engine(url, isolation_level="READ COMMITTED", pool_pre_ping=True)
    return reader, writer


def create_mysql_database(url: sa.URL) -> None:
    """Create the database on first use, with binary collation: entity ids, user names and
    content ids compare byte for byte, as on SQLite."""
    name = url.database
    if not name:
        raise ValueError("the database URL names no database")
    server = sa.create_engine(url.set(database=""), poolclass=sa.pool.NullPool)
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(
                f"CREATE DATABASE IF NOT EXISTS `{name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    finally:
        server.dispose()


def drop_mysql_database(url: str | sa.URL) -> None:
    url = sa.make_url(url)
    server = sa.create_engine(url.set(database=""), poolclass=sa.pool.NullPool)
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{url.database}`")
    finally:
        server.dispose()


def open_blobs(url: str, **options):
    """The blob store for a URL: `s3://bucket/prefix` or a local directory."""
    if url.startswith("s3://"):
        from .s3 import S3Blobs  # obstore loads only when S3 is used
        return S3Blobs(url, **options)
    url = url.removeprefix("file://")
    return LocalBlobs(Path(url))


def migrate(engine: sa.Engine, migrate_schema) -> tuple[int, int]:
    """Run `migrate_schema(conn)` in a transaction. On MySQL, DDL commits implicitly and two
    processes may start at once on a fresh database, so a named lock lets one migrate while
    the other waits, then finds the schema current."""
    if engine.dialect.name != "mysql":
        with engine.begin() as conn:
            return migrate_schema(conn)
    with engine.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT GET_LOCK(CONCAT(DATABASE(), '.entitybase_migrate'), %s)",
            (MIGRATION_LOCK_TIMEOUT,)).scalar()
        if got != 1:
            raise RuntimeError("timed out waiting for another process's schema migration")
        conn.commit()  # the lock belongs to the session and outlives this transaction
        try:
            with conn.begin():
                return migrate_schema(conn)
        finally:
            conn.exec_driver_sql(
                "SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.entitybase_migrate'))")
            conn.commit()
