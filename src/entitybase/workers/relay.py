"""The outbox relay: committed edits' events to Kafka, or to in-process consumers.

Each round reads the oldest undelivered events, hands them to the sink, waits until the
sink has every one of them (Kafka: acknowledged by the broker), then marks them delivered.
A relay killed at any point re-sends at most the batch it was working on when it restarts:
delivery is at least once, and an event exists only for a committed edit.

Kafka messages are keyed by entity id, so one entity's events share a partition and keep
their commit order; the producer is idempotent, so its own retries add no duplicates.
"""

import json
import logging
import os
import threading
from collections.abc import Callable

from ..store import outbox

log = logging.getLogger("entitybase.relay")

BROKERS_VARIABLE = "ENTITYBASE_KAFKA_BROKERS"
TOPIC_VARIABLE = "ENTITYBASE_KAFKA_TOPIC"
DEFAULT_TOPIC = "entitybase.changes"
DEFAULT_PARTITIONS = 6
BATCH = 2000
# Seconds between polls of an empty outbox.
IDLE_WAIT = 0.2


class DeliveryFailed(Exception):
    pass


class KafkaSink:
    """An idempotent producer to one topic, created on first use if missing."""

    def __init__(self, brokers: str, topic: str = DEFAULT_TOPIC,
                 partitions: int = DEFAULT_PARTITIONS, timeout: float = 60.0):
        from confluent_kafka import Producer  # loads only when Kafka is used
        self.brokers, self.topic, self.timeout = brokers, topic, timeout
        self._ensure_topic(partitions)
        self.producer = Producer({
            "bootstrap.servers": brokers, "enable.idempotence": True, "acks": "all",
            "linger.ms": 5, "compression.type": "zstd", "message.timeout.ms": 60_000})

    def _ensure_topic(self, partitions: int) -> None:
        from confluent_kafka.admin import AdminClient, NewTopic
        admin = AdminClient({"bootstrap.servers": self.brokers})
        if self.topic in admin.list_topics(timeout=self.timeout).topics:
            return
        futures = admin.create_topics([NewTopic(self.topic, partitions, 1)])
        try:
            futures[self.topic].result(self.timeout)
        except Exception as error:  # another relay may have created it meanwhile
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise

    def send(self, events: list[tuple[int, str, str]]) -> None:
        """Produce and wait for the broker's acknowledgement of every event."""
        errors = []

        def delivered(error, _message):
            if error is not None:
                errors.append(error)

        for event_id, entity_id, payload in events:
            while True:
                try:
                    self.producer.produce(self.topic, key=entity_id.encode(),
                                          value=payload.encode(), on_delivery=delivered,
                                          headers={"event_id": str(event_id)})
                    break
                except BufferError:  # the local queue is full: let it drain
                    self.producer.poll(0.1)
        left = self.producer.flush(self.timeout)
        if errors or left:
            raise DeliveryFailed(f"{len(errors)} failed, {left} unacknowledged: {errors[:3]}")

    def close(self) -> None:
        self.producer.flush(self.timeout)


class CallbackSink:
    """In-process consumers: each gets every event as a dict, in event id order."""

    def __init__(self, *consumers: Callable[[dict], None]):
        self.consumers = list(consumers)

    def send(self, events: list[tuple[int, str, str]]) -> None:
        for event_id, _, payload in events:
            event = {"event_id": event_id, **json.loads(payload)}
            for consumer in self.consumers:
                consumer(event)

    def close(self) -> None:
        pass


def sink_from_environment():
    """Kafka when ENTITYBASE_KAFKA_BROKERS is set; otherwise None."""
    brokers = os.environ.get(BROKERS_VARIABLE)
    if not brokers:
        return None
    return KafkaSink(brokers, os.environ.get(TOPIC_VARIABLE) or DEFAULT_TOPIC)


class Relay:
    """Moves events from a store's outbox to a sink. Run one relay per database: two would
    each deliver every event (still at least once, but twice as often)."""

    def __init__(self, store, sink, batch: int = BATCH):
        self.store, self.sink, self.batch = store, sink, batch
        self.stopping = threading.Event()
        self.delivered = 0

    def run_once(self) -> int:
        """Deliver one batch; the number of events delivered."""
        events = outbox.pending(self.store, self.batch)
        if not events:
            return 0
        self.sink.send(events)
        outbox.mark_delivered(self.store, [event_id for event_id, _, _ in events])
        self.delivered += len(events)
        return len(events)

    def drain(self) -> int:
        """Deliver until the outbox has nothing pending."""
        total = 0
        while n := self.run_once():
            total += n
        return total

    def run(self) -> None:
        """Deliver until stop() is called; a failed round is logged and retried."""
        while not self.stopping.is_set():
            try:
                if self.run_once():
                    continue
            except Exception:  # the broker or database is away: try again shortly
                log.exception("relay round failed; retrying")
            self.stopping.wait(IDLE_WAIT)

    def stop(self) -> None:
        self.stopping.set()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="entitybase-relay", daemon=True)
        thread.start()
        return thread
