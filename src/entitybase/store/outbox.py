"""Reading the event outbox for delivery.

Edits insert their events in their own transaction (Store.add_events). A relay reads the
undelivered ones in event id order and marks them delivered once the sink has them, so a
relay that dies between the two re-sends a batch: delivery is at least once.

Why a delivered flag rather than a cursor: on MySQL, auto-increment ids are handed out at
insert time and transactions commit in another order, so an event with a lower id can
become visible after a higher one was read. A cursor would skip it; the flag does not.
Events of one entity cannot overtake each other: the second edit waits on the first's head
row lock, so it inserts its event only after the first committed.
"""

import json

import sqlalchemy as sa

from .schema import outbox


def pending(store, limit: int) -> list[tuple[int, str, str]]:
    """(event id, entity id, payload JSON) of the oldest undelivered events."""
    query = (sa.select(outbox.c.event_id, outbox.c.entity_id, outbox.c.payload)
             .where(outbox.c.delivered == sa.false())
             .order_by(outbox.c.event_id).limit(limit))
    with store.read() as conn:
        return [tuple(row) for row in conn.execute(query)]


def mark_delivered(store, event_ids: list[int]) -> None:
    with store.write() as tx:
        for start in range(0, len(event_ids), 1000):
            tx.conn.execute(sa.update(outbox).where(
                outbox.c.event_id.in_(event_ids[start:start + 1000])).values(delivered=True))


def counts(store) -> dict[str, int]:
    """Delivered and pending events (for `entitybase relay --status` and tests)."""
    query = sa.select(outbox.c.delivered, sa.func.count()).group_by(outbox.c.delivered)
    with store.read() as conn:
        found = {bool(delivered): n for delivered, n in conn.execute(query)}
    return {"delivered": found.get(True, 0), "pending": found.get(False, 0)}


def all_events(store) -> list[dict]:
    """Every event in the outbox, in event id order, with its id."""
    query = sa.select(outbox.c.event_id, outbox.c.payload).order_by(outbox.c.event_id)
    with store.read() as conn:
        return [{"event_id": event_id, **json.loads(payload)}
                for event_id, payload in conn.execute(query)]
