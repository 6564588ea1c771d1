"""`entitybase dump`: Wikidata-format JSON and RDF dumps of a data directory."""

import logging
import signal
import sys
import threading

from ..service import ServiceError, open_service
from ..service.dumps import FORMATS, RDF_FLAVORS, Dumps, dump_directory
from ..workers.dumps import DumpSettings, DumpWorker

log = logging.getLogger("entitybase.dump")


def register(commands) -> None:
    command = commands.add_parser(
        "dump", help="write a gzip-compressed dump with its sha256 and metadata files")
    command.add_argument("--format", choices=FORMATS, default="json")
    command.add_argument("--flavor", choices=RDF_FLAVORS,
                         help="RDF dumps: full-dump (default) or truthy-dump")
    command.add_argument("--since", help="only entities changed since this time "
                                         "(YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or YYYYMMDDhhmmss)")
    command.add_argument("--out", required=True,
                         help="directory (or s3://bucket/prefix) to write the dump into")
    command.add_argument("--workers", type=int, default=1,
                         help="RDF dumps: processes writing slices of the ids (default 1)")
    command.add_argument("--data", default="data", help="data directory (default ./data)")
    command.set_defaults(run=run_dump)

    worker = commands.add_parser(
        "dump-worker", help="run the scheduled full and incremental dumps until stopped")
    worker.add_argument("--out", help="dump directory (default $ENTITYBASE_DUMP_DIR or "
                                      "DATA/dumps)")
    worker.add_argument("--data", default="data", help="data directory (default ./data)")
    worker.set_defaults(run=run_worker)


def run_dump(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    service = open_service(args.data)
    try:
        if args.out.startswith("s3://"):
            from .backend_commands import dump_to_s3
            info = dump_to_s3(Dumps(service), args)
        else:
            info = Dumps(service).write(args.out, args.format, args.flavor, args.since,
                                       workers=max(1, args.workers))
    except ServiceError as error:
        log.error("%s: %s", error.code, error.message)
        return 1
    finally:
        service.close()
    log.info("%s: %d entities, %d redirects, %d bytes", info.file, info.entities,
             info.redirects, info.bytes)
    print(info.file)
    return 0


def run_worker(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    service = open_service(args.data)
    out = args.out or dump_directory(service)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log.info("dump worker writing to %s", out)
    try:
        DumpWorker(service, out, DumpSettings.from_env()).run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
    return 0
