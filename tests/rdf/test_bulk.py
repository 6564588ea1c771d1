"""Every real entity of the bulk corpus renders to Turtle and N-Triples that pyoxigraph
parses, with the same triples in both."""

import pytest

pyoxigraph = pytest.importorskip("pyoxigraph")

from entitybase.model import parse_entity
from entitybase.rdf import RdfDumpWriter, entity_rdf

from .wikidata_fixtures import wikidata_lookup


def triples(text: str, fmt):
    return {(str(t.subject), str(t.predicate), str(t.object))
            for t in pyoxigraph.parse(text.encode(), fmt)}


@pytest.fixture(scope="module")
def corpus(conformance):
    path = conformance / "wikidata" / "bulk" / "entities.jsonl"
    return [parse_entity(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def lookup(conformance):
    return wikidata_lookup(conformance)


def test_every_entity_parses_in_both_syntaxes(corpus, lookup):
    failures = []
    for entity, meta in corpus:
        turtle = triples(entity_rdf(entity, meta, lookup), pyoxigraph.RdfFormat.TURTLE)
        ntriples = triples(entity_rdf(entity, meta, lookup, format="nt"),
                           pyoxigraph.RdfFormat.N_TRIPLES)
        if turtle != ntriples:
            failures.append(entity.id)
    assert failures == []


@pytest.mark.parametrize("format, syntax", [("ttl", "TURTLE"), ("nt", "N_TRIPLES")])
def test_streamed_dump_parses(corpus, lookup, format, syntax):
    writer = RdfDumpWriter(lookup, format=format, flavor="full-dump")
    dump = "".join(writer.write(corpus[:200], timestamp=1700000000))
    found = triples(dump, getattr(pyoxigraph.RdfFormat, syntax))
    subjects = {s for s, _, _ in found}
    assert all(f"<http://www.wikidata.org/entity/{e.id}>" in subjects for e, _ in corpus[:200])
