"""Whole documents: one entity as Special:EntityData serves it, and streaming dumps."""

from collections.abc import Iterator, Sequence

from ..model import Entity, PageMeta
from . import flavors as F
from .builder import RdfBuilder
from .dedupe import HashDedupeBag
from .lookup import RdfLookup
from .vocabulary import WIKIDATA, Vocabulary
from .writers import WRITERS, Writer


def new_writer(format: str, vocabulary: Vocabulary = WIKIDATA) -> Writer:
    """A writer for `ttl` or `nt` with the vocabulary's prefixes."""
    try:
        return WRITERS[format](vocabulary.namespaces)
    except KeyError:
        raise ValueError(f"unknown RDF format {format!r}") from None


def entity_rdf(entity: Entity, meta: PageMeta | None, lookup: RdfLookup, *,
               format: str = "ttl", flavor: str | int | None = "full",
               vocabulary: Vocabulary = WIKIDATA,
               redirects: Sequence[str] | None = None) -> str:
    """The entity as Special:EntityData writes it (`.ttl` / `.nt`, `?flavor=`).

    `meta` gives the revision (`lastrevid`, `modified`); `redirects` are the ids redirecting
    to the entity (asked of the lookup when None).
    """
    builder = RdfBuilder(new_writer(format, vocabulary), lookup, F.flavor_flags(flavor),
                         vocabulary)
    builder.start_document()
    if meta is not None and meta.lastrevid:
        builder.add_revision_info(entity.id, meta.lastrevid, meta.modified or None)
    builder.add_page_props(entity)
    builder.add_entity(entity)
    builder.resolve_mentioned()
    if redirects is None:
        redirects = lookup.redirects_to(entity.id)
    for source in redirects:
        builder.add_redirect(source, entity.id)
    return builder.drain()


class RdfDumpWriter:
    """A dump (dumpRdf.php): a header, then entity after entity, each drained as written so
    memory holds one entity's output at a time. The dedupe bag spans the dump, as Wikibase's
    does: a value node or reference shared by several entities is written once."""

    def __init__(self, lookup: RdfLookup, *, format: str = "ttl",
                 flavor: str | int = "full-dump", vocabulary: Vocabulary = WIKIDATA):
        self.builder = RdfBuilder(new_writer(format, vocabulary), lookup,
                                  F.flavor_flags(flavor), vocabulary, seen=HashDedupeBag())

    def header(self, timestamp: int = 0) -> str:
        """Prefixes (Turtle) and the `wikibase:Dump` description."""
        self.builder.start_document()
        self.builder.add_dump_header(timestamp)
        return self.builder.drain()

    def entity(self, entity: Entity, meta: PageMeta | None = None) -> str:
        builder = self.builder
        if meta is not None and meta.lastrevid:
            builder.add_revision_info(entity.id, meta.lastrevid, meta.modified or None)
        builder.add_page_props(entity)
        builder.add_entity(entity)
        builder.resolve_mentioned()
        builder.resolved.clear()  # keep memory flat: entities are not revisited in a dump
        return builder.drain()

    def redirect(self, source: str, target: str) -> str:
        self.builder.add_redirect(source, target)
        return self.builder.drain()

    def write(self, records, timestamp: int = 0) -> Iterator[str]:
        """Chunks of the dump for (entity, meta) records, header first."""
        yield self.header(timestamp)
        for entity, meta in records:
            yield self.entity(entity, meta)
