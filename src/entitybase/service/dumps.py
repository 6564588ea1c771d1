"""Dumps: every entity (or those changed since a time) as a Wikidata-format JSON dump or an
RDF dump, gzip-compressed, with a sha256 file and a metadata file.

Entities are read a page of heads at a time, decoded a batch at a time and written as they
are read, through a reader whose caches are bounded (store.reading), so memory stays flat
however large the store is.
"""

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..model import EntitySchema, write_dump_line
from ..rdf import RdfDumpWriter
from ..store.engine import limit_cache
from ..store.reading import EntityReader
from .collector import fewer_collections
from .errors import RuleViolation
from .records import Settings

PAGE = 500
# Entities decoded at a time: real-sized ones take about 170 kB each as model objects.
BATCH = 100
# SQLite page cache of a dump process, KiB: it reads each page once.
SLICE_CACHE_KIB = 8 * 1024
CHUNK = 1 << 16  # characters of RDF per write to the compressor
# gzip level 4 writes 3 % more bytes than the default 6 in two thirds of the time; at 6
# compressing took a fifth of a Turtle dump's time.
COMPRESS_LEVEL = 4
FORMATS = ("json", "ttl", "nt")
RDF_FLAVORS = ("full-dump", "truthy-dump")
_SINCE_FORMATS = (
    (re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"), "%Y-%m-%dT%H:%M:%SZ"),
    (re.compile(r"^\d{4}-\d\d-\d\d$"), "%Y-%m-%d"),
    (re.compile(r"^\d{14}$"), "%Y%m%d%H%M%S"),  # MediaWiki's timestamp
)


def dump_directory(service) -> Path:
    """Where scheduled dumps go: $ENTITYBASE_DUMP_DIR, else `dumps` in the data directory."""
    return Path(os.environ.get("ENTITYBASE_DUMP_DIR") or service.store.data_dir / "dumps")


@dataclass
class DumpInfo:
    """What the metadata file says about one dump."""

    file: str
    format: str
    flavor: str | None
    since: str | None
    created: str
    entities: int = 0
    redirects: int = 0
    modified_from: str | None = None
    modified_to: str | None = None
    bytes: int = 0
    sha256: str = ""


def normalize_since(text: str) -> str:
    """`2024-01-31`, `20240131000000` or `2024-01-31T00:00:00Z` -> `2024-01-31T00:00:00Z`."""
    for pattern, layout in _SINCE_FORMATS:
        if pattern.match(text):
            try:
                moment = time.strptime(text, layout)
            except ValueError:
                break
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)
    raise RuleViolation("invalid-timestamp", f"Not a timestamp: {text!r}", {"since": text})


class _HashingFile:
    """A file that also feeds what is written to sha256 and counts it."""

    def __init__(self, path: Path):
        self.handle = open(path, "wb")
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


class Dumps:
    def __init__(self, service, page: int = PAGE):
        self.service = service
        self.page = page  # heads read per query

    def write(self, out_dir: Path | str, format: str, flavor: str | None = None,
              since: str | None = None, workers: int = 1) -> DumpInfo:
        """Write one dump into `out_dir`; returns what its metadata file records.

        RDF dumps with `workers` > 1 are written by that many processes, each a slice of
        the entity ids into a gzip member of its own (see `_rdf_parallel`)."""
        if format not in FORMATS:
            raise RuleViolation("invalid-format", f"Unknown dump format: {format}",
                                {"format": format})
        flavor = None if format == "json" else flavor or "full-dump"
        if flavor not in (None, *RDF_FLAVORS):
            raise RuleViolation("invalid-flavor", f"Unknown dump flavor: {flavor}",
                                {"flavor": flavor})
        since = normalize_since(since) if since else None
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        name = "entities-{}-{}{}.{}.gz".format(
            created.replace("-", "").replace(":", ""), "incr" if since else "all",
            f"-{flavor.removesuffix('-dump')}" if flavor else "", format)
        info = DumpInfo(name, format, flavor, since, created)
        temp = out / f".{name}.partial"
        sink = _HashingFile(temp)
        try:
            if format != "json" and workers > 1:
                self._rdf_parallel(info, sink, workers, out / f".{name}")
            else:
                with fewer_collections(), _gzip(sink) as stream:
                    chunks = self._json(info) if format == "json" else self._rdf(info)
                    for chunk in chunks:
                        stream.write(chunk)
        finally:
            sink.close()
        info.bytes, info.sha256 = sink.size, sink.sha256.hexdigest()
        temp.replace(out / name)
        (out / f"{name}.sha256").write_text(f"{info.sha256}  {name}\n")
        (out / f"{name}.meta.json").write_text(json.dumps(asdict(info), indent=1) + "\n")
        return info

    # -- entities ----------------------------------------------------------------------------

    def _pages(self, since: str | None, after: str | None = None,
               until: str | None = None) -> Iterator[list]:
        """Pages of heads in id order, after `after` and up to `until` (both optional).
        Ids are compared in Python too: they are upper-case letters and digits, whose order
        is the same in every database collation."""
        store = self.service.store
        while True:
            with store.read() as conn:
                page = store.head_page(conn, after, self.page, since)
            if until is not None:
                page = [head for head in page if head.entity_id <= until]
            if not page:
                return
            yield page
            after = page[-1].entity_id
            if after == until:
                return

    def _id_pages(self) -> Iterator[list[str]]:
        """Pages of every head's entity id (the head table alone), in id order."""
        store, after = self.service.store, None
        while True:
            with store.read() as conn:
                page = store.head_id_page(conn, after, self.page)
            if not page:
                return
            yield page
            after = page[-1]

    def _entities(self, info: DumpInfo, pages: Iterator[list]) -> Iterator:
        """(entity revision, None) of every entity in the dump, or (None, (source, target))
        of a redirect; the metadata file's counts and time range follow along."""
        reader = EntityReader(self.service.store.contents)
        for page in pages:
            for head in page:
                if head.redirect_to:
                    info.redirects += 1
                    yield None, (head.entity_id, head.redirect_to)
            for start in range(0, len(page), BATCH):
                yield from self._batch(info, page[start:start + BATCH], reader)

    def _batch(self, info: DumpInfo, heads: list, reader: EntityReader) -> Iterator:
        """A few heads' entities: a page's worth of decoded entities would be tens of MB."""
        for current in self.service.get_heads(heads, reader):
            info.entities += 1
            modified = current.meta.modified
            info.modified_from = min(info.modified_from or modified, modified)
            info.modified_to = max(info.modified_to or modified, modified)
            yield current, None

    def _json(self, info: DumpInfo) -> Iterator[bytes]:
        """Wikidata's JSON dump layout: `[`, one entity per line followed by `,`, `]`."""
        yield b"[\n"
        first = True
        for current, redirect in self._entities(info, self._pages(info.since)):
            if redirect:  # JSON dumps hold entities only
                continue
            line = write_dump_line(current.entity, current.meta)
            yield line if first else b",\n" + line
            first = False
        yield b"\n]\n"

    # -- RDF ---------------------------------------------------------------------------------

    def _rdf_writer(self, info: DumpInfo) -> RdfDumpWriter:
        lookup = self.service.linked_data.lookup
        lookup.refresh()
        return RdfDumpWriter(lookup, format=info.format, flavor=info.flavor)

    def _rdf(self, info: DumpInfo) -> Iterator[bytes]:
        writer = self._rdf_writer(info)
        yield writer.header(int(time.time())).encode()
        yield from self._rdf_body(writer, info, self._pages(info.since))

    def _rdf_body(self, writer: RdfDumpWriter, info: DumpInfo,
                  pages: Iterator[list]) -> Iterator[bytes]:
        """The dump after its header, encoded a few entities at a time: fewer, larger
        writes to the compressor."""
        chunks, size = [], 0
        for current, redirect in self._entities(info, pages):
            if redirect:
                chunks.append(writer.redirect(*redirect))
            elif not isinstance(current.entity, EntitySchema):  # schemas have no RDF
                chunks.append(writer.entity(current.entity, current.meta))
            else:
                continue
            size += len(chunks[-1])
            if size >= CHUNK:
                yield "".join(chunks).encode()
                chunks, size = [], 0
        if chunks:
            yield "".join(chunks).encode()

    def _slices(self, since: str | None, count: int) -> list[tuple[str | None, str | None]]:
        """(after, until) id ranges of about the same number of pages, `count` at most; the
        last is open so that it takes entities created meanwhile."""
        ends = ([page[-1].entity_id for page in self._pages(since)] if since
                else [page[-1] for page in self._id_pages()])
        per = max(1, -(-len(ends) // count))
        starts = range(0, len(ends), per)
        slices = [(ends[i - 1] if i else None, ends[min(i + per, len(ends)) - 1])
                  for i in starts]
        if not slices:
            return [(None, None)]
        slices[-1] = (slices[-1][0], None)
        return slices

    def _rdf_parallel(self, info: DumpInfo, sink, workers: int, prefix: Path) -> None:
        """The RDF dump by `workers` processes: the header as a first gzip member, then the
        slices' members in id order (concatenated gzip members are one gzip file, as
        Wikidata's sharded dumpRdf.php output is). Each slice has its own dedupe bag, so a
        value node or reference shared across slices is written once per slice: the same
        triples again, as when the dump-wide bag forgets a key."""
        with _gzip(sink) as stream:
            stream.write(self._rdf_writer(info).header(int(time.time())).encode())
        store = self.service.store
        jobs = [_Slice(str(store.data_dir), asdict(self.service.settings), info.format,
                       info.flavor, info.since, after, until, f"{prefix}.{n}.partial", self.page)
                for n, (after, until) in enumerate(self._slices(info.since, workers))]
        try:
            for part in _run_slices(jobs):
                _merge(info, part)
            for job in jobs:
                with open(job.path, "rb") as member:
                    shutil.copyfileobj(member, sink)
        finally:
            for job in jobs:
                Path(job.path).unlink(missing_ok=True)


def _gzip(sink) -> gzip.GzipFile:
    return gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0)


@dataclass(frozen=True)
class _Slice:
    """What a dump process needs to write one slice of the ids."""

    data_dir: str
    settings: dict
    format: str
    flavor: str
    since: str | None
    after: str | None
    until: str | None
    path: str
    page: int


_SLICE_PROCESS = "from entitybase.service.dumps import dump_slice_main; dump_slice_main()"


def _run_slices(jobs: list[_Slice]) -> list[DumpInfo]:
    """Run each slice in a fresh Python process (not multiprocessing: no forked database
    connections, nothing asked of the caller's main module); the job goes in on stdin as
    JSON, the slice's counts come back on stdout."""
    processes = [subprocess.Popen([sys.executable, "-c", _SLICE_PROCESS], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE) for _ in jobs]
    for process, job in zip(processes, jobs):
        process.stdin.write(json.dumps(asdict(job)).encode())
        process.stdin.close()
    results = [(process.stdout.read(), process.wait()) for process in processes]
    if any(code for _, code in results):
        raise RuntimeError(f"dump processes failed: exit codes {[c for _, c in results]}")
    return [DumpInfo(**json.loads(output)) for output, _ in results]


def dump_slice_main() -> None:
    """A dump process: one slice of an RDF dump, without header, as one gzip member. The
    store is opened as the parent opened it (the same data directory and environment)."""
    from . import open_service  # the package imports this module

    job = _Slice(**json.load(sys.stdin))
    service = open_service(job.data_dir, Settings(**job.settings))
    limit_cache(service.store.reader, SLICE_CACHE_KIB)
    try:
        dumps = Dumps(service, job.page)
        info = DumpInfo("", job.format, job.flavor, job.since, "")
        writer = dumps._rdf_writer(info)
        with fewer_collections(), open(job.path, "wb") as handle, _gzip(handle) as stream:
            pages = dumps._pages(job.since, job.after, job.until)
            for chunk in dumps._rdf_body(writer, info, pages):
                stream.write(chunk)
    finally:
        service.close()
    print(json.dumps(asdict(info)))


def _merge(info: DumpInfo, part: DumpInfo) -> None:
    """Add a slice's counts and time range to the dump's."""
    info.entities += part.entities
    info.redirects += part.redirects
    for name, pick in (("modified_from", min), ("modified_to", max)):
        values = [v for v in (getattr(info, name), getattr(part, name)) if v]
        setattr(info, name, pick(values) if values else None)
