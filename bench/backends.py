"""Scale-out backend figures: MariaDB + S3 import rate against the embedded one, relay rate.

- sql_s3_import_ratio: entities/s of the bulk corpus imported into a fresh embedded store,
  divided by entities/s of the same import into a fresh MariaDB database with blobs on S3
  (moto_server), in the same run (target: at most 3);
- relay_events_per_s: outbox events delivered to Kafka (the Tansu broker) by the relay,
  acknowledged by the broker and marked delivered, per second (target: 5,000).
MariaDB is the one at ENTITYBASE_TEST_MARIADB (default 127.0.0.1:3306, root); moto_server
and Tansu are started on free loopback ports and stopped afterwards.
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's server launchers

import backend_servers as servers
from store import import_bulk

from entitybase.store.backends import drop_mysql_database

RELAY_EVENTS = 20_000


def import_rate(environment: dict) -> float:
    """Entities/s of the bulk corpus into a fresh store on the given backend variables."""
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        return import_bulk()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if "ENTITYBASE_DATABASE_URL" in environment:
            drop_mysql_database(environment["ENTITYBASE_DATABASE_URL"])


def scale_out_import_rate(s3) -> float:
    return import_rate({"ENTITYBASE_DATABASE_URL": servers.new_database_url(),
                        "ENTITYBASE_BLOB_URL": s3.new_url(), **s3.environment})


def relay_rate(kafka, events: int = RELAY_EVENTS) -> float:
    """Events/s from a MariaDB outbox to the broker, delivery confirmed and marked."""
    from entitybase.store import Store
    from entitybase.workers.relay import KafkaSink, Relay
    url = servers.new_database_url()
    directory = tempfile.mkdtemp(prefix="entitybase-bench-")
    os.environ["ENTITYBASE_DATABASE_URL"] = url
    store = Store(directory)
    try:
        with store.write() as tx:
            store.add_events(tx, [
                {"type": "edit", "entity_id": f"Q{n % 5000 + 1}", "revision_id": n + 1,
                 "parent_id": n or None, "timestamp": "2024-01-01T00:00:00Z",
                 "user": "bench", "comment": "/* wbsetlabel-set:1|en */ bench",
                 "changed_properties": []} for n in range(events)])
        relay = Relay(store, KafkaSink(kafka.brokers, f"bench-{time.time_ns()}"))
        start = time.perf_counter()
        delivered = relay.drain()
        elapsed = time.perf_counter() - start
        assert delivered == events
        return delivered / elapsed
    finally:
        os.environ.pop("ENTITYBASE_DATABASE_URL", None)
        store.close()
        drop_mysql_database(url)
        shutil.rmtree(directory, ignore_errors=True)


def figures(quick: bool = True) -> dict:
    runs = 1 if quick else 3
    log_dir = Path(tempfile.mkdtemp(prefix="entitybase-bench-servers-"))
    s3 = servers.S3Server(log_dir)
    kafka = servers.KafkaBroker(log_dir)
    try:
        import_rate({})  # warm-up
        embedded = statistics.median(import_rate({}) for _ in range(runs))
        scale_out = statistics.median(scale_out_import_rate(s3) for _ in range(runs))
        relay = statistics.median(relay_rate(kafka) for _ in range(runs))
    finally:
        s3.stop()
        kafka.stop()
        shutil.rmtree(log_dir, ignore_errors=True)
    print(f"import entities/s: embedded {embedded:.0f}, MariaDB+S3 {scale_out:.0f}",
          file=sys.stderr)
    return {"sql_s3_import_ratio": round(embedded / scale_out, 2),
            "relay_events_per_s": round(relay, 1)}


if __name__ == "__main__":
    print(json.dumps(figures("--quick" in sys.argv)))
