"""Wikibase's RdfBuilderTest setup (RdfBuilderTestData): acme.test URIs, the test
properties P2-P11, Q42 "Item42", the redirect Q4242 -> Q42, sites enwiki and ruwiki."""

import json
from pathlib import Path

from entitybase.model import parse_entity
from entitybase.rdf import InMemoryLookup, RdfBuilder, Site, Vocabulary, new_writer

ACME = Vocabulary(concept_uri="http://acme.test/", data_uri="http://data.acme.test/")
TEST_PROPERTIES = {
    "P2": "wikibase-item", "P3": "commonsMedia", "P4": "globe-coordinate",
    "P5": "monolingualtext", "P6": "quantity", "P7": "string", "P8": "time", "P9": "url",
    "P10": "geo-shape", "P11": "external-id",
}
REVISION, TIMESTAMP = 42, "2013-10-04T03:31:05Z"


def rdf_dir(conformance: Path) -> Path:
    return conformance / "wikibase" / "rdf" / "Wikibase" / "repo" / "tests" / "phpunit" / \
        "data" / "rdf"


def _drop_snak_datatypes(node):
    """The old test entities carry value types as snak `datatype`; Wikibase ignores them."""
    if isinstance(node, dict):
        if "snaktype" in node:
            node.pop("datatype", None)
        for value in node.values():
            _drop_snak_datatypes(value)
    elif isinstance(node, list):
        for value in node:
            _drop_snak_datatypes(value)


def load_entity(path: Path):
    data = json.loads(path.read_text())
    _drop_snak_datatypes(data)
    entity, _ = parse_entity(json.dumps(data))
    return entity


def acme_lookup(conformance: Path) -> InMemoryLookup:
    lookup = InMemoryLookup(sites={
        "enwiki": Site("enwiki", "http://enwiki.acme.test/$1", group="wikipedia",
                       language="en"),
        "ruwiki": Site("ruwiki", "http://ruwiki.acme.test/$1", language="ru"),
    })
    for prop, datatype in TEST_PROPERTIES.items():
        lookup.add_terms(prop, labels={"en": f"Property{prop[1:]}"}, datatype=datatype)
    lookup.add_terms("Q42", labels={"en": "Item42"})
    lookup.add_redirect("Q4242", "Q42")
    return lookup


def read_dataset(directory: Path, *names: str) -> list[str]:
    """Wikibase's comparison: trimmed, unique, sorted lines of the named datasets."""
    lines = set()
    for name in names:
        lines.update(line.strip() for line in (directory / f"{name}.nt").read_text().splitlines())
    lines.discard("")
    return sorted(lines)


def lines_of(ntriples: str) -> list[str]:
    return sorted({line.strip() for line in ntriples.splitlines() if line.strip()})


def new_builder(lookup, flags, seen=None) -> RdfBuilder:
    builder = RdfBuilder(new_writer("nt", ACME), lookup, flags, ACME, seen=seen,
                         stub_languages=("en",))
    builder.start_document()
    return builder
