"""Engines for the embedded backend: one SQLite file in WAL mode.

Two engines share the file: readers use deferred transactions (WAL lets them run beside a
writer); writers begin with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of deadlocking when both try to upgrade a read lock.
"""

import sqlite3
import time
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
        _enable_wal(cursor)
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql(begin)

    return engine


def _enable_wal(cursor) -> None:
    """WAL mode is kept in the database file. Switching a new database to it takes a lock
    that SQLite does not wait for, so connections opening one together retry for as long
    as they would wait for any lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


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
