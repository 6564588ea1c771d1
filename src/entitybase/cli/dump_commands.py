"""`entitybase dump`: Wikidata-format JSON and RDF dumps of a data directory."""

import logging
import sys

from ..service import ServiceError, open_service
from ..service.dumps import FORMATS, RDF_FLAVORS, Dumps

log = logging.getLogger("entitybase.dump")


def register(commands) -> None:
    command = commands.add_parser(
        "dump", help="write a gzip-compressed dump with its sha256 and metadata files")
    command.add_argument("--format", choices=FORMATS, default="json")
    command.add_argument("--flavor", choices=RDF_FLAVORS,
                         help="RDF dumps: full-dump (default) or truthy-dump")
    command.add_argument("--since", help="only entities changed since this time "
                                         "(YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or YYYYMMDDhhmmss)")
    command.add_argument("--out", required=True, help="directory to write the dump into")
    command.add_argument("--data", default="data", help="data directory (default ./data)")
    command.set_defaults(run=run_dump)


def run_dump(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    service = open_service(args.data)
    try:
        info = Dumps(service).write(args.out, args.format, args.flavor, args.since)
    except ServiceError as error:
        log.error("%s: %s", error.code, error.message)
        return 1
    finally:
        service.close()
    log.info("%s: %d entities, %d redirects, %d bytes", info.file, info.entities,
             info.redirects, info.bytes)
    print(info.file)
    return 0
