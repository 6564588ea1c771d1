"""`entitybase serve --relay`: the API process also delivers the outbox to Kafka."""

import httpx
import pytest

from entitybase.store import outbox

from .test_kill import Server, _kill_leftovers, cli, until  # noqa: F401 (the fixture)


@pytest.mark.parametrize("backend", ["sqlite-local"], indirect=True)
def test_serve_with_relay_delivers_edits(backend, kafka, monkeypatch):
    monkeypatch.setenv("ENTITYBASE_KAFKA_BROKERS", kafka.brokers)
    monkeypatch.setenv("ENTITYBASE_KAFKA_TOPIC", "serve-relay")
    monkeypatch.setenv("ENTITYBASE_RELAY", "1")
    token = cli(backend, "user", "create", "Alice").split()[-1]
    server = Server(backend)
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "relay-test/1.0"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
        created = http.post("/entities/items", json={"item": {"labels": {"en": "relayed"}}})
        assert created.status_code == 201
    service = backend.open()
    until(lambda: outbox.counts(service.store) == {"delivered": 1, "pending": 0},
          "the relay inside serve delivered the creation")
    server.kill()
    [(key, event)] = kafka.read_topic("serve-relay")
    assert key == created.json()["id"] and event["type"] == "create"
