"""Engines for the embedded backend: one SQLite file in WAL mode.

Two engines share the file: readers use deferred transactions (WAL lets them run beside a
writer); writers begin with BEGIN IMMEDIATE so that two writers queue on the busy timeout
instead of deadlocking when both try to upgrade a read lock. Writers leave checkpoints (copying
the log into the database file) to a thread of their own, the Checkpointer.
"""

import logging
import sqlite3
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

BUSY_TIMEOUT_MS = 60_000

# Bytes of log from which it is copied into the database file (SQLite's own default), and
# after which a commit waits for the copy to catch up (see Checkpointer).
CHECKPOINT_BYTES = 4 << 20
WAL_LIMIT = 64 << 20

log = logging.getLogger("entitybase.store")


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
        if begin != "BEGIN":  # writers: the Checkpointer copies the log
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute(f"PRAGMA journal_size_limit={CHECKPOINT_BYTES}")
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


class Checkpointer:
    """Copies committed pages from the log into the database file in a thread, beside the
    writers, instead of in whichever commit crosses SQLite's threshold: a checkpoint copies
    and syncs megabytes, which held up one edit in fifty by several milliseconds.

    Writers call `committed()` after each commit. Once the log holds more than
    CHECKPOINT_BYTES, the thread copies it, passively (it waits for nobody). SQLite starts
    the log over at the next write once all of it is copied, and then cuts the file back to
    CHECKPOINT_BYTES, so the file's size tells how much the log holds. A writer beginning its
    next transaction at once would keep the log growing; past WAL_LIMIT, `committed()` lets
    the copy catch up first (unless readers keep it from copying everything: waiting would
    not help then)."""

    def __init__(self, path: Path):
        self.path, self.log_file = path, Path(f"{path}-wal")
        self._stuck = False  # the last checkpoint could not copy everything
        self._requested = self._done = 0  # checkpoints asked for, and run
        self._idle = False  # the thread waits for a request
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint",
                                        daemon=True)
        self._thread.start()

    def committed(self) -> None:
        size = self._log_size()
        if size > CHECKPOINT_BYTES:
            self._request(wait=size > WAL_LIMIT and not self._stuck)

    def flush(self) -> None:
        """Return once every commit so far is copied, as far as readers allow."""
        self._request(wait=True)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._thread.join()

    def _log_size(self) -> int:
        try:
            return self.log_file.stat().st_size
        except FileNotFoundError:
            return 0

    def _request(self, wait: bool) -> None:
        with self._changed:
            self._requested += 1
            request = self._requested
            if wait or self._idle:  # a thread woken takes the GIL from requests: only if needed
                self._changed.notify_all()
            if wait:
                self._changed.wait_for(lambda: self._done >= request or self._closed)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
        try:
            while True:
                with self._changed:
                    self._idle = True
                    self._changed.wait_for(lambda: self._requested > self._done or self._closed)
                    self._idle = False
                    if self._closed:
                        return
                    request = self._requested
                stuck = not self._checkpoint(conn)
                with self._changed:
                    self._stuck, self._done = stuck, request
                    self._changed.notify_all()
        finally:
            conn.close()

    @staticmethod
    def _checkpoint(conn: sqlite3.Connection) -> bool:
        """Whether every page in the log was copied."""
        try:
            busy, log_pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as error:  # the next commit tries again
            log.warning("checkpoint failed: %s", error)
            return False
        return not busy and copied == log_pages


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
