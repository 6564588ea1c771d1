"""Every entity of the bulk corpus, imported into a store, renders as Turtle and N-Triples
that a standard RDF parser reads, with the same triples in both."""

import json

import msgspec
import pyoxigraph
import pytest

from entitybase.cli.data_commands import read_chunks
from entitybase.model import Entity, decode_stored, parse_entity
from entitybase.service import open_service
from entitybase.store.reading import EntityReader

checked_decode = msgspec.json.Decoder(Entity).decode


@pytest.fixture(scope="module")
def bulk_service(conformance, tmp_path_factory):
    service = open_service(tmp_path_factory.mktemp("bulk"))
    service.registry.load_sites(json.loads((conformance / "wikimedia" / "sites.json").read_text()))
    imported = set()
    for name in ("history.jsonl", "entities.jsonl"):
        records = [parse_entity(chunk) for _, chunk in
                   read_chunks(str(conformance / "wikidata" / "bulk" / name))]
        imported.update(entity.id for entity, _ in records)
        for start in range(0, len(records), 200):
            service.import_entities(records[start:start + 200])
    yield service, imported
    service.close()


def test_every_entity_parses(bulk_service):
    bulk_service, imported = bulk_service
    store, after, checked = bulk_service.store, None, set()
    while True:
        with store.read() as conn:
            page = store.head_page(conn, after, 200)
        if not page:
            break
        after = page[-1].entity_id
        for head in page:
            if head.redirect_to:
                continue
            current = bulk_service.get(head.entity_id)
            turtle = bulk_service.linked_data.render(current, "ttl")
            ntriples = bulk_service.linked_data.render(current, "nt")
            parsed = {str(t) for t in pyoxigraph.parse(turtle, pyoxigraph.RdfFormat.TURTLE)}
            assert parsed == {str(t) for t in
                              pyoxigraph.parse(ntriples, pyoxigraph.RdfFormat.N_TRIPLES)}
            checked.add(head.entity_id)
    assert checked == imported


def test_stored_content_decodes_as_checked(bulk_service):
    """Reads decode stored content without re-checking values (`decode_stored`): for every
    entity the store holds, exactly what the checked decoder gives."""
    bulk_service, imported = bulk_service
    store, after, checked = bulk_service.store, None, 0
    while True:
        with store.read() as conn:
            page = store.head_page(conn, after, 200)
            heads = [head for head in page if not head.redirect_to]
            rows = store.revisions(conn, [head.revision_id for head in heads])
            documents = store.render_many(conn, [rows[h.revision_id].manifest_id for h in heads])
        if not page:
            break
        after = page[-1].entity_id
        for document in documents:
            assert decode_stored(document) == checked_decode(document)
            checked += 1
    assert checked == len(imported)


@pytest.mark.parametrize("statements, references", [(8192, 8192), (2, 3)])
def test_entity_reader_reads_what_render_gives(bulk_service, statements, references):
    """Dumps read through an EntityReader (its own bounded caches of decoded statements and
    references, shared between entities): the same entities as rendering and decoding each,
    for every entity of the corpus, lexemes included, also when its caches keep almost
    nothing."""
    bulk_service, imported = bulk_service
    store, after, checked = bulk_service.store, None, 0
    reader = EntityReader(store.contents, statements=statements, references=references)
    while True:
        with store.read() as conn:
            page = store.head_page(conn, after, 50)
            heads = [head for head in page if not head.redirect_to]
            rows = store.revisions(conn, [head.revision_id for head in heads])
            manifests = [rows[h.revision_id].manifest_id for h in heads]
            expected = [decode_stored(d) for d in store.render_many(conn, manifests)]
            assert reader.entities(conn, manifests) == expected
        if not page:
            break
        after = page[-1].entity_id
        checked += len(heads)
    assert checked == len(imported)
    assert len(reader.statements) <= statements
    assert len(reader.references) <= references
