"""The SQLite log is copied into the database file by a thread of the store's own, not by
whichever commit crosses SQLite's threshold; the log stays bounded under a steady writer."""

import sqlalchemy as sa

from entitybase.store import Store, engine
from entitybase.store import schema as t

PAGE = 4096


def _write_rows(store: Store, start: int, count: int) -> None:
    """`count` transactions, each adding a row of 8 KiB to the stats table."""
    for day in range(start, start + count):
        with store.write() as tx:
            tx.conn.execute(sa.insert(t.stats).values(day=f"d{day}", name="n",
                                                      value="x" * 8192))


def test_commits_leave_checkpoints_to_the_thread(tmp_path, monkeypatch):
    """Writers never copy the log themselves; commits ask the thread to once the log holds
    more than CHECKPOINT_BYTES, and `flush()` waits for the copy."""
    store = Store(tmp_path)
    with store.writer.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    database = tmp_path / "entitybase.sqlite"
    before = database.stat().st_size
    _write_rows(store, 0, 20)  # 160 KiB, far below the threshold
    assert store.checkpointer._requested == 0
    assert database.stat().st_size == before  # all of it is still in the log
    store.checkpointer.flush()
    assert database.stat().st_size > before + 20 * 8192
    store.close()

    monkeypatch.setattr(engine, "CHECKPOINT_BYTES", 10 * PAGE)
    store = Store(tmp_path / "small")
    _write_rows(store, 0, 20)
    assert store.checkpointer._requested > 0
    store.close()


def test_the_log_starts_over_under_a_steady_writer(tmp_path, monkeypatch):
    """Each transaction begins right after the last one committed, before the thread has
    copied it; past the limit, a commit waits for the copy so that the next write can start
    the log over. Without that the log grew to over 1,500 pages."""
    monkeypatch.setattr(engine, "CHECKPOINT_BYTES", 10 * PAGE)
    monkeypatch.setattr(engine, "WAL_LIMIT", 40 * PAGE)
    store = Store(tmp_path)
    _write_rows(store, 0, 300)
    assert (tmp_path / "entitybase.sqlite-wal").stat().st_size < 300 * PAGE
    # After each start over the file is cut back, so the commits that follow need no copy.
    assert store.checkpointer._requested < 300
    store.close()


def test_a_reader_holding_the_log_never_blocks_writers(tmp_path, monkeypatch):
    """A long read keeps the checkpoint from copying past its snapshot: writers do not wait
    for a copy that cannot finish, and the log is copied once the reader is gone."""
    monkeypatch.setattr(engine, "CHECKPOINT_BYTES", 10 * PAGE)
    monkeypatch.setattr(engine, "WAL_LIMIT", 40 * PAGE)
    store = Store(tmp_path)
    _write_rows(store, 0, 5)
    with store.read() as conn:
        conn.execute(sa.select(t.stats.c.day)).all()  # the snapshot is taken
        _write_rows(store, 5, 100)  # far past the limit
        store.checkpointer.flush()
        assert store.checkpointer._stuck
    _write_rows(store, 105, 1)
    store.checkpointer.flush()
    assert not store.checkpointer._stuck
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.stats)).scalar() == 106
    store.close()
