"""Engines for the embedded backend: one SQLite file in WAL mode.

Two engines share the file: readers use deferred transactions (WAL lets them run beside a
writer); writers begin with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of deadlocking when both try to upgrade a read lock.
"""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

BUSY_TIMEOUT_MS = 60_000


def _sqlite_engine(path: Path, begin: str) -> sa.Engine:
    engine = sa.create_engine(
        f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                           "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # Take transaction control from the driver so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql(begin)

    return engine


def sqlite_engines(path: Path) -> tuple[sa.Engine, sa.Engine]:
    """(reader, writer) engines on one SQLite database file."""
    return _sqlite_engine(path, "BEGIN"), _sqlite_engine(path, "BEGIN IMMEDIATE")


def limit_cache(engine: sa.Engine, kib: int) -> None:
    """Hold SQLite's page cache of the engine's connections to `kib` KiB (other databases
    cache on their server: nothing to do). A dump reads every page of the database once;
    with the default cache its process would grow by the cache's size for nothing."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA cache_size=-{int(kib)}")

    engine.dispose()  # connections opened before keep their cache: open new ones
