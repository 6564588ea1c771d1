"""`entitybase import / export / redirect`: entities in and out of a data directory."""

import bz2
import collections
import ctypes
import gzip
import itertools
import logging
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

import orjson
from tqdm import tqdm

from ..model import EntityFormatError, parse_entity, parse_entity_data
from ..model.entities import Redirect
from ..rdf import FLAVORS
from ..service import EntityRedirected, ServiceError, User, open_service
from ..service.collector import fewer_collections, for_bulk_work
from ..service.importer import ImportPlan, plan_import, raise_revision_counter
from ..service.linked_data import FORMATS

log = logging.getLogger("entitybase.import")

# Records are planned in batches of up to BATCH_ENTITIES records or BATCH_BYTES of text:
# small, so that planning processes and the writer are busy at once. The writer puts the
# planned batches that are ready (up to GROUP_ENTITIES records) in one transaction, so that
# the database writes each index page once per group rather than once per batch.
BATCH_ENTITIES = 200
BATCH_BYTES = 2 << 20
GROUP_ENTITIES = 1000
PLANNED_AHEAD = 4  # batches per worker: a long write never leaves a worker without work
READ_BLOCK = 1 << 18  # bytes read at a time when the input is searched ahead of the import
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
    command.add_argument("--workers", type=int, default=None,
                         help="processes that parse and split (default: one per core, at most 4)")
    add_data_option(command)
    command.set_defaults(run=run_import)

    command = commands.add_parser(
        "export", help="print an entity as Special:EntityData JSON, Turtle or N-Triples")
    command.add_argument("entity_id")
    command.add_argument("--revision", type=int)
    command.add_argument("--format", choices=FORMATS, default="json")
    command.add_argument("--flavor", choices=sorted(FLAVORS),
                         help="RDF flavor as Special:EntityData's ?flavor= (default full)")
    add_data_option(command)
    command.set_defaults(run=run_export)

    command = commands.add_parser("redirect", help="turn FROM into a redirect to TO")
    command.add_argument("from_id")
    command.add_argument("to_id")
    command.add_argument("--comment")
    add_data_option(command)
    command.set_defaults(run=run_redirect)


# -- reading input files -------------------------------------------------------------------


def _compressed(name: str) -> bool:
    return name.endswith((".gz", ".bz2"))


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
        yield from _numbered_records(itertools.chain([first], handle), 1)


def _numbered_records(lines, first_line: int) -> Iterator[tuple[int, bytes]]:
    """(line number, text) of the lines holding a record: not blank, not a dump's brackets."""
    for number, line in enumerate(lines, start=first_line):
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
            records = parse_text(text)
        except EntityFormatError as error:
            yield number, None, f"{error.code} at {error.path}: {error.reason}"
            continue
        yield number, records, None


# -- import ----------------------------------------------------------------------------------
#
# Parsing and splitting entities into parts is pure CPU work; worker processes do it (plan)
# while this process writes the planned batches, one transaction each, in input order.


def run_import(args) -> int:
    setup_logging()
    unreadable = [name for name in args.files if not os.access(name, os.R_OK)]
    for name in unreadable:
        log.error("%s: cannot read the file", name)
    if unreadable:
        return 2
    progress = tqdm(unit=" entities", file=sys.stderr, smoothing=0.1, dynamic_ncols=True)
    try:
        counts = import_files(args.data, args.files, args.workers, progress=progress.update)
    finally:
        progress.close()
    log.info("imported %d, unchanged %d, failed %d", counts.imported, counts.unchanged,
             counts.failed)
    return 1 if counts.failed else 0


class Counts:
    def __init__(self):
        self.failed = self.imported = self.unchanged = 0

    def add(self, failed: int, imported: int, unchanged: int) -> None:
        self.failed += failed
        self.imported += imported
        self.unchanged += unchanged


def import_files(data_dir, files: list[str], workers: int | None = None,
                 progress=lambda n: None) -> Counts:
    """Import files into the store under data_dir; bad records are logged and counted."""
    if workers is None:
        # Workers parse and split; this process writes, and waits for plans part of the
        # time: a worker per core (up to 4) uses that time too.
        workers = min(4, os.cpu_count() or 1)
    counts = Counts()
    planners = Planners(workers)
    ahead = PLANNED_AHEAD * workers if planners.pool else 0
    floor = RevisionFloor(files)  # a thread: only once the planning processes are forked
    batches = read_batches(files, planners.directory)
    # The first plans (and for plain files the search for the highest revision id) run while
    # this process opens the store.
    pending = collections.deque((batch, planners.submit(batch))
                                for batch in itertools.islice(batches, ahead))
    service = None
    try:
        with fewer_collections():  # for the whole import: no collection after each group
            service = open_service(data_dir)
            for batch in batches:
                pending.append((batch, planners.submit(batch)))
                if len(pending) > ahead:
                    _write_ready(service, pending, counts, progress, floor)
            while pending:
                _write_ready(service, pending, counts, progress, floor)
    finally:
        floor.close()
        if service is not None:
            service.close()
        planners.close()
    return counts


class RevisionFloor:
    """The revision counter passes every `lastrevid` of the input before a record without
    one is written (its fresh id is then never claimed by a record read later). Plain files
    are searched for the highest `lastrevid` at once, by a thread, while records with ids
    are written, and the counter passes it as soon as it is known (so that edits beside the
    import take ids above it). A compressed file is searched only when a record without an
    id needs it: the search is a whole pass of decompressing, as long as the import's own
    (hours for a Wikidata dump, whose records all have ids); until then the counter passes
    the ids of the records written, group by group."""

    def __init__(self, files: list[str]):
        self.files = files
        self.search: Future | None = None
        self.stopped = threading.Event()
        self.raised = False
        if not any(_compressed(name) for name in files):
            self._start()

    def _start(self) -> None:
        self.search = Future()
        threading.Thread(target=self._search, args=(self.files, self.search),
                         name="revision-floor", daemon=True).start()

    def _search(self, files: list[str], result: Future) -> None:
        try:
            result.set_result(highest_revision_id(files, self.stopped))
        except BaseException as error:  # noqa: BLE001 - raised where the result is taken
            result.set_exception(error)

    def before(self, service, plans: list[ImportPlan]) -> None:
        """Before writing these plans."""
        if self.raised:
            return
        needed = not all(record.meta.lastrevid for plan in plans for record in plan.records)
        if not needed and (self.search is None or not self.search.done()):
            return
        if self.search is None:
            self._start()
        raise_revision_counter(service, self.search.result())
        self.raised = True

    def close(self) -> None:
        """The search stops (an import that ends early does not wait for it)."""
        self.stopped.set()


def highest_revision_id(files: list[str], stopped: threading.Event | None = None) -> int:
    """The highest `lastrevid` in the files, read ahead of the import: records without one
    then get revision ids above it, which no record read later can claim."""
    highest = 0
    for name in files:
        try:
            with open_input(name) as handle:
                for block in _whole_lines(handle):
                    if stopped is not None and stopped.is_set():
                        return highest
                    highest = max(highest, _highest_lastrevid(block))
        except READ_ERRORS:
            continue  # the import itself reports the unreadable file
    return highest


def _whole_lines(handle) -> Iterator[bytes]:
    """The file in blocks of about READ_BLOCK bytes, each ending at the end of a line
    (searching a block at once is several times faster than line by line)."""
    rest = b""
    while block := handle.read(READ_BLOCK):
        end = block.rfind(b"\n") + 1
        if end:
            yield rest + block[:end]
            rest = block[end:]
        else:
            rest += block
    if rest:
        yield rest


def _highest_lastrevid(text: bytes) -> int:
    """bytes.find skips to each candidate far faster than a regular expression scans."""
    highest, at = 0, text.find(b'"lastrevid"')
    while at >= 0:
        match = _LASTREVID.match(text, at)
        if match:
            highest = max(highest, int(match.group(1)))
        at = text.find(b'"lastrevid"', at + 1)
    return highest


_LASTREVID = re.compile(rb'"lastrevid"\s*:\s*(\d+)')


class Planners:
    """Planning processes (none: the importing process plans each batch itself) and a
    directory for what passes between them and this process: the batches of compressed
    input, decompressed, and the plans. Megabytes sent through the pool's pipes waited for
    the other side to take them 64 KiB at a time, each time needing the interpreter lock
    that the writing thread holds, and the planning process stood still meanwhile (a fifth
    of its time); a file is written at once and read in one call."""

    def __init__(self, workers: int):
        self.pool = _pool(workers) if workers > 0 else None
        self.directory = None
        if self.pool:
            _remove_abandoned_directories()
            self.directory = tempfile.mkdtemp(prefix=f"{DIRECTORY_PREFIX}{os.getpid()}-")

    def submit(self, batch) -> Future | None:
        """The future name of the file of the batch's plan (None: plan it when written)."""
        return self.pool.submit(plan_to_file, batch, self.directory) if self.pool else None

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)
            shutil.rmtree(self.directory, ignore_errors=True)


DIRECTORY_PREFIX = "entitybase-import-"  # then the importing process's id
ABANDONED_AFTER_S = 3600


def _remove_abandoned_directories() -> None:
    """The directories of imports killed before they could remove their own (SIGKILL, the
    out-of-memory killer): their process is gone, and they have not changed for an hour (a
    process id of another container sharing the directory means nothing here, but a live
    import changes its directory with every batch)."""
    if os.name != "posix":  # elsewhere, signal 0 does not just ask whether a process lives
        return
    for path in Path(tempfile.gettempdir()).glob(f"{DIRECTORY_PREFIX}*-*"):
        pid = path.name[len(DIRECTORY_PREFIX):].split("-", 1)[0]
        try:
            idle = time.time() - path.stat().st_mtime > ABANDONED_AFTER_S
        except OSError:
            continue
        if pid.isdigit() and idle and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _pool(workers: int) -> ProcessPoolExecutor:
    """Planning processes, started before this one opens a database connection: a forked
    child holding a copy of its socket would keep a killed import's transaction, and its
    locks, open for as long as the child lived. They end with this process, and run at a
    lower priority than it."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    pool.submit(int).result()  # starts every worker now
    return pool


def _start_worker() -> None:
    for_bulk_work()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if hasattr(os, "nice"):  # the writer is the bottleneck: workers yield the CPU to it
        os.nice(WORKER_NICENESS)


PR_SET_PDEATHSIG = 1
WORKER_NICENESS = 10


class Span(NamedTuple):
    """A batch of a file of one record per line: its lines from byte `start` to `end`, the
    first of them line `first_line`, read from `path` if given (the decompressed lines of a
    compressed file), else from the file `name` itself. The planning process reads them
    itself: sending the text through a pipe cost the writer more than finding where lines
    end, and held up the planning process until the writer had taken all of it."""

    name: str
    start: int
    end: int
    first_line: int
    lines: int
    path: str | None = None


def read_batches(files: list[str], directory: str | None = None,
                 ) -> Iterator[Span | list[tuple[str, int, bytes]]]:
    """Batches of up to BATCH_ENTITIES records or about BATCH_BYTES of text: Spans of files
    of one record per line (with a `directory`, compressed ones too: their batches are
    written there decompressed, one file each), else [(file, line number, text)...]. The
    first batches are smaller (1/16 of the bytes, doubling): the writer waits for the first
    plan, and a small one is ready soon."""
    limits = itertools.chain((BATCH_BYTES >> shift for shift in range(4, 0, -1)),
                             itertools.repeat(BATCH_BYTES))
    batch, size, limit = [], 0, next(limits)
    for name in files:
        compressed = _compressed(name)
        if _one_record_per_line_file(name) and (directory or not compressed):
            if batch:
                yield batch
                batch, size, limit = [], 0, next(limits)
            if compressed:
                yield from _written_spans(name, directory, limits, limit)
            else:
                yield from _spans(name, limits, limit)
            limit = next(limits)
            continue
        number = 0
        try:
            for number, text in read_chunks(name):
                batch.append((name, number, text))
                size += len(text)
                if len(batch) >= BATCH_ENTITIES or size >= limit:
                    yield batch
                    batch, size, limit = [], 0, next(limits)
        except READ_ERRORS as error:  # a truncated or corrupt file
            batch.append(_unreadable(name, number + 1, error))
    if batch:
        yield batch


# What reading a truncated or corrupt file raises.
READ_ERRORS = (OSError, EOFError, zlib.error)


class Unreadable(NamedTuple):
    """In place of a record's text: where reading a compressed file failed, and why."""

    reason: str


def _unreadable(name: str, number: int, error: Exception) -> tuple[str, int, Unreadable]:
    return name, number, Unreadable(f"the file cannot be read from here on: {error}")


def _one_record_per_line_file(name: str) -> bool:
    """Whether a file holds one record per line and can be read again."""
    if not os.path.isfile(name):
        return False
    try:
        with open_input(name) as handle:
            return _one_record_per_line(handle.readline().strip())
    except READ_ERRORS:
        return False


def _cuts(blocks: Iterator[bytes], limits: Iterator[int], limit: int):
    """(start, end, first line, lines) of the batches that the lines of `blocks` (whole
    lines, the very last perhaps without its line break) are cut into: up to
    BATCH_ENTITIES lines or `limit` bytes, the next limit from `limits` after each."""
    start = offset = lines = 0
    first = 1  # the line number at `start`
    block = b""
    for block in blocks:
        at = block.find(b"\n")
        while at >= 0:
            lines += 1
            end = offset + at + 1
            if lines >= BATCH_ENTITIES or end - start >= limit:
                yield start, end, first, lines
                start, first, lines, limit = end, first + lines, 0, next(limits)
            at = block.find(b"\n", at + 1)
        offset += len(block)
    if offset > start:
        yield start, offset, first, lines + (not block.endswith(b"\n"))


def _spans(name: str, limits: Iterator[int], limit: int) -> Iterator[Span]:
    with open(name, "rb") as handle:
        for start, end, first, lines in _cuts(_whole_lines(handle), limits, limit):
            yield Span(name, start, end, first, lines)


def _written_spans(name: str, directory: str, limits: Iterator[int], limit: int):
    """The decompressed lines of a compressed file in Spans of files of their own. Where
    the file cannot be read on, the lines before are a last Span, followed by the
    Unreadable marker."""
    held = _HeldBlocks()
    line = 1  # the first line of the next Span
    try:
        with open_input(name) as handle:
            for start, end, line, lines in _cuts(held.keep(_whole_lines(handle)), limits,
                                                 limit):
                yield _written_span(name, directory, held.take(start, end), line, lines)
                line += lines
    except READ_ERRORS as error:
        text = held.rest()
        if text:
            yield _written_span(name, directory, text, line, text.count(b"\n"))
        yield [_unreadable(name, line + text.count(b"\n"), error)]


class _HeldBlocks:
    """The blocks read since the last batch was cut off, to take that batch's text."""

    def __init__(self):
        self.blocks: list[bytes] = []
        self.at = self.taken = 0  # where the first block held starts; where the last cut ended

    def keep(self, blocks: Iterator[bytes]) -> Iterator[bytes]:
        for block in blocks:
            self.blocks.append(block)
            yield block

    def take(self, start: int, end: int) -> bytes:
        text = b"".join(self.blocks)
        taken = text[start - self.at:end - self.at]
        last = self.blocks[-1]  # the next batch starts in it, or after it
        self.at += len(text) - len(last)
        self.blocks, self.taken = [last], end
        return taken

    def rest(self) -> bytes:
        return b"".join(self.blocks)[self.taken - self.at:]


def _written_span(name: str, directory: str, text: bytes, first_line: int,
                  lines: int) -> Span:
    handle, path = tempfile.mkstemp(dir=directory)
    with os.fdopen(handle, "wb") as file:
        file.write(text)
    return Span(name, 0, len(text), first_line, lines, path)


def discard_batch(batch) -> None:
    """Once a batch is written: the file of a Span of a compressed file goes."""
    if isinstance(batch, Span) and batch.path:
        os.unlink(batch.path)


def span_lines(span: Span) -> list[tuple[str, int, bytes]]:
    """(file, line number, text) of the records in a Span, as read_chunks gives them."""
    with open(span.path or span.name, "rb") as handle:
        handle.seek(span.start)
        text = handle.read(span.end - span.start)
    return [(span.name, number, record)
            for number, record in _numbered_records(text.split(b"\n"), span.first_line)]


def batch_lines(batch) -> list[tuple[str, int, bytes]]:
    return span_lines(batch) if isinstance(batch, Span) else batch


def batch_size(batch) -> int:
    return batch.lines if isinstance(batch, Span) else len(batch)


def parse_text(text: bytes) -> list:
    if _ENTITY_DATA.match(text):
        return parse_entity_data(text)
    return [parse_entity(text)]


def parse_lines(lines: list) -> tuple[list, list]:
    """([(file, line, (entity, meta))...], [(file, line, error)...])."""
    records, errors = [], []
    for name, number, text in lines:
        if isinstance(text, Unreadable):
            errors.append((name, number, text.reason))
            continue
        try:
            records += [(name, number, record) for record in parse_text(text)]
        except EntityFormatError as error:
            errors.append((name, number, f"{error.code} at {error.path}: {error.reason}"))
    return records, errors


def plan_lines(batch) -> tuple[list, list, ImportPlan]:
    """In a worker: parse and plan one batch. Returns (sources, errors, plan)."""
    with fewer_collections():
        records, errors = parse_lines(batch_lines(batch))
        plan = plan_import([record for _, _, record in records])
    return [(name, number) for name, number, _ in records], errors, plan


def plan_to_file(batch, directory: str) -> str:
    """In a worker: plan_lines, its result pickled into a new file in `directory`."""
    result = pickle.dumps(plan_lines(batch), protocol=pickle.HIGHEST_PROTOCOL)
    handle, path = tempfile.mkstemp(dir=directory)
    with os.fdopen(handle, "wb") as file:
        file.write(result)
    return path


def read_plan(path: str) -> tuple[list, list, ImportPlan]:
    with open(path, "rb") as file:
        data = file.read()
    os.unlink(path)
    return pickle.loads(data)


def _write_ready(service, pending: collections.deque, counts: Counts, progress,
                 floor: RevisionFloor) -> None:
    """Write the next batch, and the batches after it whose plans are ready, in one
    transaction: small batches keep the planning processes busy, large transactions keep
    the database from writing the same index pages again for every batch."""
    group = [pending.popleft()]
    while (pending and pending[0][1] is not None and pending[0][1].done()
           and sum(batch_size(batch) for batch, _ in group) < GROUP_ENTITIES):
        group.append(pending.popleft())
    planned = [plan_lines(batch) if future is None else read_plan(future.result())
               for batch, future in group]
    for _, errors, _ in planned:
        for name, number, error in errors:
            log.error("%s:%d: %s", name, number, error)
        counts.add(len(errors), 0, 0)
    floor.before(service, [plan for _, _, plan in planned])
    try:
        results = service.write_import([plan for _, _, plan in planned])
    except Exception:  # noqa: BLE001 - the group failed as a whole: isolate the bad records
        for batch, _ in group:
            counts.add(*import_batch(service, parse_lines(batch_lines(batch))[0]))
    else:
        for (sources, _, _), batch_results in zip(planned, results, strict=True):
            counts.add(*_report(sources, batch_results))
    for batch, _ in group:
        discard_batch(batch)
    progress(sum(len(sources) + len(errors) for sources, errors, _ in planned))


def import_batch(service, batch: list) -> tuple[int, int, int]:
    """Import (file, line, record) items in one transaction; if the transaction fails, retry
    record by record so that only the bad records are lost. Returns (failed, imported,
    unchanged)."""
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
    return _report([(name, number) for name, number, _ in batch], results)


def _report(sources: list, results: list) -> tuple[int, int, int]:
    counts = [0, 0, 0]
    for (name, number), result in zip(sources, results, strict=True):
        if result.status == "failed":
            counts[0] += 1
            log.error("%s:%d: %s: %s", name, number, result.entity_id, result.error)
        else:
            counts[1 if result.status == "imported" else 2] += 1
        for warning in result.warnings:
            log.warning("%s:%d: %s: %s", name, number, result.entity_id, warning)
    return tuple(counts)


# -- export and redirect ---------------------------------------------------------------------


def _on_service(args, work) -> int:
    """`work(service)` on the data directory; a service error is logged and exits 1."""
    setup_logging()
    service = open_service(args.data)
    try:
        work(service)
        return 0
    except ServiceError as error:
        log.error("%s: %s", error.code, error.message)
        return 1
    finally:
        service.close()


def run_export(args) -> int:
    def export(service):
        try:
            revision = service.get(args.entity_id, args.revision)
        except EntityRedirected as redirect:  # Special:EntityData follows redirects
            revision = service.get(redirect.target_id)
            revision.meta.redirects = Redirect(redirect.entity_id, redirect.target_id)
        sys.stdout.buffer.write(service.linked_data.render(revision, args.format, args.flavor))

    return _on_service(args, export)


def run_redirect(args) -> int:
    def redirect(service):
        info = service.redirect(args.from_id, args.to_id, user=MAINTENANCE_USER,
                                comment=args.comment)
        log.info("%s now redirects to %s (revision %d)", args.from_id, args.to_id,
                 info.revision_id)

    return _on_service(args, redirect)
