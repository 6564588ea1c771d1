"""Kill -9 tests on MariaDB and S3: the server in the middle of a stream of edits, an
import in the middle of its batches, the relay in the middle of its deliveries. After a
restart every acknowledged edit is there, no partial revision is visible, and the topic holds
every committed edit's event at least once and none for an edit that did not commit."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
import sqlalchemy as sa
from backend_servers import free_port, wait_for_port

from entitybase.cli.data_commands import BATCH_ENTITIES
from entitybase.service import EntityNotFound
from entitybase.store import outbox
from entitybase.store import schema as t

REST = "/w/rest.php/wikibase/v1"
CLI = [sys.executable, "-m", "entitybase.cli.main"]
WRITERS = 4
ACKNOWLEDGED_BEFORE_KILL = 60
IMPORT_ENTITIES = 2400

pytestmark = pytest.mark.parametrize("backend", ["mariadb-s3"], indirect=True)


def cli(backend, *args) -> str:
    done = subprocess.run([*CLI, *args, "--data", str(backend.data_dir)], env=os.environ.copy(),
                          capture_output=True, check=True, timeout=300)
    return done.stdout.decode()


class Server:
    def __init__(self, backend):
        self.port = free_port()
        self.process = subprocess.Popen(
            [*CLI, "serve", "--data", str(backend.data_dir), "--port", str(self.port)],
            env=os.environ.copy(), stdout=subprocess.DEVNULL,
            stderr=(backend.data_dir.parent / f"serve-{self.port}.log").open("wb"))
        LEFTOVERS.append(self.process)  # killed after the test even if it fails
        wait_for_port(self.port, self.process)
        self.url = f"http://127.0.0.1:{self.port}{REST}"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


LEFTOVERS: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _kill_leftovers():
    yield
    while LEFTOVERS:
        process = LEFTOVERS.pop()
        if process.poll() is None:
            process.kill()
            process.wait()


def until(condition, what: str, limit: float = 120) -> None:
    """Poll for a state the test waits for; the limit only stops a broken run."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached: {what}")
        time.sleep(0.02)


def check_consistent(service) -> dict[str, list[int]]:
    """Every head and every revision renders (no partial revision), and the outbox holds
    exactly one event per revision. Returns entity id -> revision ids."""
    with service.store.read() as conn:
        rows = conn.execute(sa.select(t.revision.c.entity_id, t.revision.c.revision_id)).all()
        heads = conn.execute(sa.select(t.head.c.entity_id, t.head.c.revision_id)).all()
    history: dict[str, list[int]] = {}
    for entity_id, revision_id in rows:
        history.setdefault(entity_id, []).append(revision_id)
        service.get(entity_id, revision_id)
    for entity_id, revision_id in heads:
        assert revision_id in history[entity_id]
        service.get(entity_id)
    events = [(e["entity_id"], e["revision_id"]) for e in outbox.all_events(service.store)]
    assert sorted(events) == sorted(rows)
    return history


def start_relay(backend, kafka, topic: str, *options) -> subprocess.Popen:
    environment = {**os.environ, "ENTITYBASE_KAFKA_BROKERS": kafka.brokers,
                   "ENTITYBASE_KAFKA_TOPIC": topic}
    relay = subprocess.Popen([*CLI, "relay", *options, "--data", str(backend.data_dir)],
                             env=environment, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    LEFTOVERS.append(relay)
    return relay


def check_topic(backend, kafka, topic: str, history: dict[str, list[int]]) -> None:
    """After a final `relay --once`: every committed revision's event is on the topic, and
    no other."""
    relay = start_relay(backend, kafka, topic, "--once")
    assert relay.wait(300) == 0
    committed = {(e, r) for e, revisions in history.items() for r in revisions}
    delivered = [(m["entity_id"], m["revision_id"]) for _, m in kafka.read_topic(topic)]
    assert set(delivered) == committed


def test_server_and_relay_killed_during_edits(backend, kafka):
    token = cli(backend, "user", "create", "Alice").split()[-1]
    auth = {"Authorization": f"Bearer {token}", "User-Agent": "kill-test/1.0"}
    server = Server(backend)
    relay = start_relay(backend, kafka, "changes-edits", "--batch", "10")
    with httpx.Client(base_url=server.url, headers=auth, timeout=60) as http:
        created = [http.post("/entities/items", json={"item": {"labels": {"en": f"item {n}"}}})
                   for n in range(WRITERS)]
    assert all(response.status_code == 201 for response in created), created[0].text
    ids = [response.json()["id"] for response in created]
    acknowledged, failures, lock = [], [], threading.Lock()

    def writer(n: int) -> None:
        with httpx.Client(base_url=server.url, headers=auth, timeout=60) as http:
            for k in range(10_000):
                text = f"writer {n} edit {k}"
                try:
                    response = http.put(f"/entities/items/{ids[n]}/labels/en",
                                        json={"label": text})
                except httpx.HTTPError:
                    return  # the server is gone
                if response.status_code != 200:
                    failures.append(response.text)
                    return
                with lock:
                    acknowledged.append((ids[n], int(response.headers["ETag"].strip('"')), text))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    until(lambda: len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, "enough acknowledged edits")
    server.kill()
    relay.kill()  # SIGKILL too, wherever it was
    for thread in threads:
        thread.join()
    assert not failures

    service = backend.open()
    for entity_id, revision_id, text in acknowledged:
        assert service.get(entity_id, revision_id).entity.labels["en"].value == text
    check_topic(backend, kafka, "changes-edits", check_consistent(service))
    restarted = Server(backend)  # and the restarted server serves the latest revisions
    with httpx.Client(base_url=restarted.url, headers=auth, timeout=60) as http:
        for entity_id in ids:
            head = service.get(entity_id).revision.revision_id
            assert http.get(f"/entities/items/{entity_id}").headers["ETag"] == f'"{head}"'
    restarted.kill()


def write_dump(path, count: int) -> None:
    with open(path, "w") as out:
        out.writelines(json.dumps({
                "type": "item", "id": f"Q{n}", "lastrevid": 10_000 + n,
                "modified": "2024-01-01T00:00:00Z",
                "labels": {"en": {"language": "en", "value": f"imported {n}"}},
                "descriptions": {}, "aliases": {}, "claims": {}, "sitelinks": {}}) + "\n" for n in range(1, count + 1))


def revision_count(service) -> int:
    with service.store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t.revision)).scalar()


def test_import_and_relay_killed(backend, kafka, tmp_path):
    dump = tmp_path / "items.jsonl"
    write_dump(dump, IMPORT_ENTITIES)
    service = backend.open()
    importer = subprocess.Popen([*CLI, "import", str(dump), "--data", str(backend.data_dir)],
                                env=os.environ.copy(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    LEFTOVERS.append(importer)
    until(lambda: revision_count(service) > 0, "a committed import batch")
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    history = check_consistent(service)
    assert len(history) % BATCH_ENTITIES == 0  # whole batches only: transactions hold whole batches

    # The relay, killed while it delivers, then the import resumed.
    relay = start_relay(backend, kafka, "changes-import", "--batch", "50")
    until(lambda: outbox.counts(service.store)["delivered"] > 0, "a delivered batch")
    relay.send_signal(signal.SIGKILL)
    relay.wait()
    cli(backend, "import", str(dump))
    with pytest.raises(EntityNotFound):
        service.get(f"Q{IMPORT_ENTITIES + 1}")
    history = check_consistent(service)
    assert len(history) == IMPORT_ENTITIES
    check_topic(backend, kafka, "changes-import", history)
    assert outbox.counts(service.store)["pending"] == 0
