"""`entitybase relay`: deliver the event outbox to Kafka.

The database and blob store come from ENTITYBASE_DATABASE_URL / ENTITYBASE_BLOB_URL (see
store/backends.py), the broker from ENTITYBASE_KAFKA_BROKERS or --brokers.
"""

import logging
import os
import signal

from .data_commands import add_data_option, setup_logging

log = logging.getLogger("entitybase.relay")


def register(commands) -> None:
    relay = commands.add_parser("relay", help="deliver change events from the outbox to Kafka")
    relay.add_argument("--brokers", help="Kafka bootstrap servers "
                       "(default $ENTITYBASE_KAFKA_BROKERS)")
    relay.add_argument("--topic", help="topic (default $ENTITYBASE_KAFKA_TOPIC or "
                       "entitybase.changes)")
    relay.add_argument("--batch", type=int, default=2000,
                       help="events per delivery round (default 2000)")
    relay.add_argument("--once", action="store_true",
                       help="deliver what is pending, then exit")
    relay.add_argument("--status", action="store_true",
                       help="print delivered and pending event counts, then exit")
    add_data_option(relay)
    relay.set_defaults(run=run_relay)


def start_relay(data: str):
    """A relay thread on its own store connections, for `serve --relay`; None without a
    broker configured."""
    from ..store import Store
    from ..workers.relay import Relay, sink_from_environment
    sink = sink_from_environment()
    if sink is None:
        log.warning("--relay given but %s is not set; events stay in the outbox",
                    "ENTITYBASE_KAFKA_BROKERS")
        return None
    relay = Relay(Store(data), sink)
    relay.start_thread()
    return relay


def dump_to_s3(dumps, args):
    """Write the dump into a local temporary directory, then upload its files (the dump,
    its .sha256 and .meta.json) to the s3:// place; the metadata goes last, so a reader that
    finds it finds the dump complete."""
    import tempfile
    from pathlib import Path

    from ..store.s3 import S3Blobs
    target = S3Blobs(args.out)
    with tempfile.TemporaryDirectory(prefix="entitybase-dump-") as local:
        info = dumps.write(local, args.format, args.flavor, args.since,
                           workers=max(1, args.workers))
        for suffix in ("", ".sha256", ".meta.json"):
            target.upload(info.file + suffix, Path(local) / (info.file + suffix))
    log.info("uploaded %s to %s", info.file, args.out)
    return info


def run_relay(args) -> int:
    setup_logging()
    from ..store import Store, outbox
    from ..workers.relay import DEFAULT_TOPIC, TOPIC_VARIABLE, KafkaSink, Relay
    store = Store(args.data)
    try:
        if args.status:
            print(outbox.counts(store))
            return 0
        brokers = args.brokers or os.environ.get("ENTITYBASE_KAFKA_BROKERS")
        if not brokers:
            log.error("no broker: give --brokers or set ENTITYBASE_KAFKA_BROKERS")
            return 2
        topic = args.topic or os.environ.get(TOPIC_VARIABLE) or DEFAULT_TOPIC
        relay = Relay(store, KafkaSink(brokers, topic), batch=args.batch)
        if args.once:
            log.info("delivered %d events to %s", relay.drain(), topic)
            return 0
        signal.signal(signal.SIGTERM, lambda *_: relay.stop())
        log.info("relaying the outbox to %s on %s", topic, brokers)
        try:
            relay.run()
        except KeyboardInterrupt:
            pass
        relay.sink.close()
        log.info("delivered %d events", relay.delivered)
        return 0
    finally:
        store.close()
