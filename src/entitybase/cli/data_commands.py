"""`entitybase import / export / redirect`: entities in and out of a data directory."""

import bz2
import gzip
import itertools
import logging
import re
import sys
from collections.abc import Iterator

import orjson
from tqdm import tqdm

from ..model import EntityFormatError, parse_entity, parse_entity_data, write_entity_data
from ..service import EntityRedirected, ServiceError, User, open_service

log = logging.getLogger("entitybase.import")

BATCH_ENTITIES = 200
# Who maintenance commands edit as, like MediaWiki's maintenance scripts.
MAINTENANCE_USER = User(0, "Maintenance script", admin=True, bot=False)


def add_data_option(parser) -> None:
    parser.add_argument("--data", default="data", help="data directory (default ./data)")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is logged."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def setup_logging() -> None:
    """Logs go to stderr; stdout is for documents only."""
    logger = logging.getLogger("entitybase")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def register(commands) -> None:
    command = commands.add_parser(
        "import", help="import Special:EntityData JSON, JSON dumps or JSONL (.gz/.bz2 too)")
    command.add_argument("files", nargs="+")
    add_data_option(command)
    command.set_defaults(run=run_import)

    command = commands.add_parser("export", help="print an entity as Special:EntityData JSON")
    command.add_argument("entity_id")
    command.add_argument("--revision", type=int)
    add_data_option(command)
    command.set_defaults(run=run_export)

    command = commands.add_parser("redirect", help="turn FROM into a redirect to TO")
    command.add_argument("from_id")
    command.add_argument("to_id")
    command.add_argument("--comment")
    add_data_option(command)
    command.set_defaults(run=run_redirect)


# -- reading input files -------------------------------------------------------------------


def open_input(name: str):
    if name.endswith(".gz"):
        return gzip.open(name, "rb")
    if name.endswith(".bz2"):
        return bz2.open(name, "rb")
    return open(name, "rb")


def read_chunks(name: str) -> Iterator[tuple[int, bytes]]:
    """(line number, JSON text) of each record: one per line for dumps (`[`, one entity per
    line, `]`) and JSONL; the whole file for a single (possibly indented) document."""
    with open_input(name) as handle:
        first = handle.readline()
        if not _one_record_per_line(first.strip()):
            yield 1, first + handle.read()
            return
        for number, line in enumerate(itertools.chain([first], handle), start=1):
            record = line.strip()
            if record not in (b"", b"[", b"]"):
                yield number, record


def _one_record_per_line(first: bytes) -> bool:
    if first == b"[":
        return True
    try:
        return isinstance(orjson.loads(first.rstrip(b",")), dict)
    except orjson.JSONDecodeError:
        return False


_ENTITY_DATA = re.compile(rb'^\s*\{\s*"entities"')


def read_records(name: str) -> Iterator[tuple[int, list | None, str | None]]:
    """(line number, [(entity, meta)...] or None, error or None) per record."""
    for number, text in read_chunks(name):
        try:
            if _ENTITY_DATA.match(text):
                records = parse_entity_data(text)
            else:
                records = [parse_entity(text)]
        except EntityFormatError as error:
            yield number, None, f"{error.code} at {error.path}: {error.reason}"
            continue
        yield number, records, None


# -- import ----------------------------------------------------------------------------------


def run_import(args) -> int:
    setup_logging()
    service = open_service(args.data)
    failed = imported = unchanged = 0
    progress = tqdm(unit=" entities", file=sys.stderr, smoothing=0.1, dynamic_ncols=True)
    try:
        for name in args.files:
            batch = []
            for number, records, error in read_records(name):
                if error:
                    failed += 1
                    log.error("%s:%d: %s", name, number, error)
                    continue
                batch += [(name, number, record) for record in records]
                if len(batch) >= BATCH_ENTITIES:
                    counts = import_batch(service, batch)
                    failed, imported, unchanged = (
                        failed + counts[0], imported + counts[1], unchanged + counts[2])
                    progress.update(len(batch))
                    batch = []
            if batch:
                counts = import_batch(service, batch)
                failed, imported, unchanged = (
                    failed + counts[0], imported + counts[1], unchanged + counts[2])
                progress.update(len(batch))
    finally:
        progress.close()
        service.close()
    log.info("imported %d, unchanged %d, failed %d", imported, unchanged, failed)
    return 1 if failed else 0


def import_batch(service, batch: list) -> tuple[int, int, int]:
    """Import one batch in one transaction; if the transaction fails, retry record by
    record so that only the bad records are lost. Returns (failed, imported, unchanged)."""
    try:
        results = service.import_entities([record for _, _, record in batch])
    except Exception as error:  # noqa: BLE001 - any failure: isolate the bad records
        if len(batch) == 1:
            name, number, (entity, _) = batch[0]
            log.error("%s:%d: %s: %s", name, number, entity.id, error)
            return 1, 0, 0
        totals = [0, 0, 0]
        for item in batch:
            for i, n in enumerate(import_batch(service, [item])):
                totals[i] += n
        return tuple(totals)
    counts = [0, 0, 0]
    for (name, number, _), result in zip(batch, results, strict=True):
        if result.status == "failed":
            counts[0] += 1
            log.error("%s:%d: %s: %s", name, number, result.entity_id, result.error)
        else:
            counts[1 if result.status == "imported" else 2] += 1
        for warning in result.warnings:
            log.warning("%s:%d: %s: %s", name, number, result.entity_id, warning)
    return tuple(counts)


# -- export and redirect ---------------------------------------------------------------------


def run_export(args) -> int:
    setup_logging()
    service = open_service(args.data)
    try:
        try:
            revision = service.get(args.entity_id, args.revision)
        except EntityRedirected as redirect:  # Special:EntityData follows redirects
            revision = service.get(redirect.target_id)
        sys.stdout.buffer.write(write_entity_data((revision.entity, revision.meta)))
        return 0
    except ServiceError as error:
        log.error("%s: %s", error.code, error.message)
        return 1
    finally:
        service.close()


def run_redirect(args) -> int:
    setup_logging()
    service = open_service(args.data)
    try:
        info = service.redirect(args.from_id, args.to_id, user=MAINTENANCE_USER, comment=args.comment)
        log.info("%s now redirects to %s (revision %d)", args.from_id, args.to_id,
                 info.revision_id)
        return 0
    except ServiceError as error:
        log.error("%s: %s", error.code, error.message)
        return 1
    finally:
        service.close()
