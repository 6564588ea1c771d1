"""The scheduled dump worker, driven with explicit times, and the health endpoint."""

import calendar
import time

from fastapi.testclient import TestClient

from entitybase.api.app import create_app
from entitybase.model import parse_entity
from entitybase.service import open_service
from entitybase.service.dumps import dump_directory
from entitybase.workers.dumps import DumpSettings, DumpWorker, read_state

ITEM = ('{"type":"item","id":"Q%d","labels":{},"descriptions":{},"aliases":{},"claims":{},'
        '"sitelinks":{},"lastrevid":%d,"modified":"2024-01-01T00:00:00Z"}')


def at(text: str) -> float:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def test_full_then_incremental(tmp_path):
    service = open_service(tmp_path / "data")
    service.import_entities([parse_entity(ITEM % (1, 10))])
    out = dump_directory(service)
    worker = DumpWorker(service, out, DumpSettings(formats=["json"]))
    # Sunday: nothing is due yet; the next full dump is on Monday 03:00.
    wake = worker.step(at("2026-11-22T12:00:00Z"))
    assert wake == at("2026-11-23T03:00:00Z")
    assert not list(out.glob("*.gz"))
    # Monday 03:00: the full dump (it covers the incremental one due at the same time).
    worker.step(at("2026-11-23T03:00:00Z"))
    state = read_state(out)
    assert state["status"] == "idle" and state["last_full"]["files"][0]["entities"] == 1
    assert state["next_incremental"] == "2026-11-24T03:00:00Z"
    assert state["next_full"] == "2026-11-30T03:00:00Z"
    # Tuesday: an incremental dump of what changed since Monday's run.
    service.import_entities([parse_entity(ITEM % (2, 11))])
    restarted = DumpWorker(service, out, DumpSettings(formats=["json"]))
    restarted.step(at("2026-11-24T03:00:00Z"))
    state = read_state(out)
    assert state["last_incremental"]["files"][0]["since"] == "2026-11-23T03:00:00Z"
    assert len(list(out.glob("*-incr.json.gz"))) == 1

    with TestClient(create_app(service)) as client:
        body = client.get("/entitybase/v1/health").json()
    assert body["status"] == "ok"
    assert body["dumps"]["enabled"] and body["dumps"]["next_full"] == "2026-11-30T03:00:00Z"
    service.close()


def test_health_without_worker(tmp_path):
    service = open_service(tmp_path / "data")
    with TestClient(create_app(service)) as client:
        body = client.get("/entitybase/v1/health").json()
    assert body == {"status": "ok", "latest_revision_id": 0, "dumps": {"enabled": False}}
    service.close()
