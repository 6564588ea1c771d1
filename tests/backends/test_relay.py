"""The outbox relay, to the Tansu Kafka broker and to in-process consumers."""

import uuid

import pytest

from entitybase.model import Item, PageMeta, Term
from entitybase.store import outbox
from entitybase.workers.relay import CallbackSink, KafkaSink, Relay

from .conftest import EDITOR

BACKENDS = pytest.mark.parametrize("backend", ["sqlite-local", "mariadb-s3"], indirect=True)


def label(text):
    def mutate(entity):
        entity.labels["en"] = Term("en", text)
        return f"/* wbsetlabel-set:1|en */ {text}"
    return mutate


def make_edits(service, entities=3, edits=4) -> list[str]:
    ids = [service.create(Item(labels={"en": Term("en", f"e{n}")}), user=EDITOR).entity.id
           for n in range(entities)]
    for round_ in range(edits):
        for entity_id in ids:
            service.edit(entity_id, label(f"{entity_id} {round_}"), user=EDITOR)
    return ids


def revisions(service) -> dict[str, list[int]]:
    """Entity id -> its revision ids in order, from the database."""
    found: dict[str, list[int]] = {}
    for event in outbox.all_events(service.store):
        found.setdefault(event["entity_id"], []).append(event["revision_id"])
    return found


@BACKENDS
def test_relay_delivers_every_event_keyed_and_in_order(backend, kafka):
    service = backend.open()
    make_edits(service)
    topic = f"changes-{uuid.uuid4().hex[:8]}"
    relay = Relay(service.store, KafkaSink(kafka.brokers, topic), batch=5)
    assert relay.drain() == 15
    messages = kafka.read_topic(topic)
    assert all(key == value["entity_id"] for key, value in messages)
    per_entity: dict[str, list[int]] = {}
    for key, value in messages:
        per_entity.setdefault(key, []).append(value["revision_id"])
    assert per_entity == revisions(service)
    assert outbox.counts(service.store) == {"delivered": 15, "pending": 0}


@BACKENDS
def test_a_new_relay_resumes_after_the_last_delivered_event(backend, kafka):
    service = backend.open()
    ids = make_edits(service, entities=2, edits=1)
    topic = f"changes-{uuid.uuid4().hex[:8]}"
    Relay(service.store, KafkaSink(kafka.brokers, topic)).drain()
    service.edit(ids[0], label("after the restart"), user=EDITOR)
    service.import_entities([(Item(id="Q500", labels={"en": Term("en", "imported")}),
                              PageMeta(pageid=9, lastrevid=900, modified="2024-01-01T00:00:00Z"))])
    restarted = Relay(backend.open().store, KafkaSink(kafka.brokers, topic))
    assert restarted.drain() == 2
    messages = kafka.read_topic(topic)
    assert len(messages) == 6  # nothing delivered twice when nothing crashed
    assert {(m["entity_id"], m["revision_id"]) for _, m in messages} == {
        (entity_id, r) for entity_id, revs in revisions(service).items() for r in revs}


class FailingSink:
    def send(self, events):
        raise ConnectionError("the broker is away")


def test_failed_delivery_marks_nothing(service):
    make_edits(service, entities=1, edits=1)
    with pytest.raises(ConnectionError):
        Relay(service.store, FailingSink()).run_once()
    assert outbox.counts(service.store) == {"delivered": 0, "pending": 2}


def test_in_process_consumers_get_every_event_in_order(service):
    make_edits(service, entities=2, edits=2)
    received = []
    Relay(service.store, CallbackSink(received.append)).drain()
    assert [e["event_id"] for e in received] == sorted(e["event_id"] for e in received)
    assert [(e["entity_id"], e["revision_id"]) for e in received] == [
        (e["entity_id"], e["revision_id"]) for e in outbox.all_events(service.store)]
    assert {e["type"] for e in received} == {"create", "edit"}


def test_events_follow_the_documented_schema(service):
    import json
    from pathlib import Path

    import jsonschema

    from entitybase.model import Statement, ValueSnak, entity_value

    schema = json.loads((Path(__file__).parents[2] / "docs" / "events.schema.json").read_text())
    entity_id = make_edits(service, entities=1, edits=1)[0]

    def add_claim(entity):
        snak = ValueSnak(property="P31", datavalue=entity_value("Q5"), datatype="wikibase-item")
        entity.claims["P31"] = [Statement(mainsnak=snak)]
        return "claim"

    service.edit(entity_id, add_claim, user=EDITOR, comment="why")
    events = outbox.all_events(service.store)
    for event in events:
        jsonschema.validate(event, schema)
    assert events[-1]["changed_properties"] == ["P31"]
    assert events[-1]["comment"].endswith("why") and events[-1]["user"] == EDITOR.name
    assert events[-2]["changed_properties"] == []  # a label edit
