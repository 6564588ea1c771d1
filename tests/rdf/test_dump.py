"""Wikibase's RdfDumpGeneratorTest cases (inputs as its DumpGeneratorTestBase builds them)
and streaming dumps of real entities."""

from dataclasses import replace

import pytest

from entitybase.model import Item, PageMeta, Property, SiteLink, Term
from entitybase.rdf import InMemoryLookup, RdfDumpWriter, Site

from .wikibase_fixtures import ACME, TEST_PROPERTIES, lines_of, load_entity, rdf_dir, read_dataset

# The dump test's vocabulary: entity source "test", no page properties.
DUMP_VOCABULARY = replace(ACME, page_properties=(), source_name="test")
REVISION = PageMeta(lastrevid=12, modified="19700112134640")
TIMESTAMP = 1000000


def dump_lookup() -> InMemoryLookup:
    lookup = InMemoryLookup(sites={
        "enwiki": Site("enwiki", "http://enwiki.acme.test/$1", language="en"),
        "ruwiki": Site("ruwiki", "http://ruwiki.acme.test/$1", language="ru"),
        "test": Site("test", "http://test.acme.test/$1", group="acmetest", language="test",
                     rdf_language="en-x-test"),
    })
    for prop, datatype in {**TEST_PROPERTIES, "P10": "Wibblywobbly"}.items():
        lookup.set_datatype(prop, datatype)
    return lookup


def make_entity(entity_id: str):
    """DumpGeneratorTestBase::makeEntity: a label, and for items a sitelink to `test`."""
    labels = {"en": Term("en", f"label:{entity_id}")}
    if entity_id.startswith("P"):
        return Property(id=entity_id, datatype="wibblywobbly", labels=labels)
    link = SiteLink(site="test", title=f"Foo{entity_id}")
    return Item(id=entity_id, labels=labels, sitelinks={"test": link})


def generate(flavor: str, ids: list[str], redirects: dict[str, str]) -> str:
    writer = RdfDumpWriter(dump_lookup(), format="nt", flavor=flavor,
                           vocabulary=DUMP_VOCABULARY)
    parts = [writer.header(TIMESTAMP)]
    for entity_id in ids:
        if entity_id in redirects:
            parts.append(writer.redirect(entity_id, redirects[entity_id]))
        else:
            parts.append(writer.entity(make_entity(entity_id), REVISION))
    return "".join(parts)


CASES = [
    ([], "full-dump", "empty"), (["P10", "Q30", "Q40"], "full-dump", "entities"),
    (["P10", "Q4242"], "full-dump", "redirect"), ([], "truthy-dump", "empty"),
    (["P10", "Q30", "Q40"], "truthy-dump", "entities"),
    (["P10", "Q4242"], "truthy-dump", "redirect"),
]


@pytest.mark.parametrize("ids, flavor, name", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_generate_dump(conformance, ids, flavor, name):
    output = generate(flavor, ids, {"Q4242": "Q42"})
    expected = read_dataset(rdf_dir(conformance) / "RdfDumpGenerator", f"{flavor}-{name}")
    assert lines_of(output) == expected


def test_reference_dedup(conformance):
    data = rdf_dir(conformance)
    writer = RdfDumpWriter(dump_lookup(), format="nt", flavor="full-dump",
                           vocabulary=DUMP_VOCABULARY)
    writer.builder.lookup.set_datatype("P10", "geo-shape")  # as RdfBuilderTestData has it
    output = writer.header(TIMESTAMP) + "".join(
        writer.entity(load_entity(data / "entities" / f"{name}.json"), REVISION)
        for name in ("Q7", "Q9"))
    assert lines_of(output) == read_dataset(data / "RdfDumpGenerator", "refs_no_prefixed_ids")
