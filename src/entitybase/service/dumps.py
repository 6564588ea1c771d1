"""Dumps: every entity (or those changed since a time) as a Wikidata-format JSON dump or an
RDF dump, gzip-compressed, with a sha256 file and a metadata file.

Entities are read a page at a time and written as they are read, so memory stays flat
however large the store is.
"""

import gzip
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..model import EntitySchema, write_dump_line
from ..rdf import RdfDumpWriter
from .errors import RuleViolation

PAGE = 500
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
    def __init__(self, service):
        self.service = service

    def write(self, out_dir: Path | str, format: str, flavor: str | None = None,
              since: str | None = None) -> DumpInfo:
        """Write one dump into `out_dir`; returns what its metadata file records."""
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
            with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) as stream:
                chunks = (self._json(info) if format == "json" else self._rdf(info))
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

    def _pages(self, since: str | None) -> Iterator[list]:
        store, after = self.service.store, None
        while True:
            with store.read() as conn:
                page = store.head_page(conn, after, PAGE, since)
            if not page:
                return
            yield page
            after = page[-1].entity_id

    def _entities(self, info: DumpInfo) -> Iterator:
        """(entity revision, None) of every entity in the dump, or (None, (source, target))
        of a redirect; the metadata file's counts and time range follow along."""
        for page in self._pages(info.since):
            for head in page:
                if head.redirect_to:
                    info.redirects += 1
                    yield None, (head.entity_id, head.redirect_to)
            for current in self.service.get_heads(page):
                info.entities += 1
                modified = current.meta.modified
                info.modified_from = min(info.modified_from or modified, modified)
                info.modified_to = max(info.modified_to or modified, modified)
                yield current, None

    def _json(self, info: DumpInfo) -> Iterator[bytes]:
        """Wikidata's JSON dump layout: `[`, one entity per line followed by `,`, `]`."""
        yield b"[\n"
        first = True
        for current, redirect in self._entities(info):
            if redirect:  # JSON dumps hold entities only
                continue
            line = write_dump_line(current.entity, current.meta)
            yield line if first else b",\n" + line
            first = False
        yield b"\n]\n"

    def _rdf(self, info: DumpInfo) -> Iterator[bytes]:
        linked_data = self.service.linked_data
        linked_data.lookup.refresh()
        writer = RdfDumpWriter(linked_data.lookup, format=info.format, flavor=info.flavor)
        yield writer.header(int(time.time())).encode()
        for current, redirect in self._entities(info):
            if redirect:
                yield writer.redirect(*redirect).encode()
            elif not isinstance(current.entity, EntitySchema):  # schemas have no RDF
                yield writer.entity(current.entity, current.meta).encode()
