"""Wikibase's RdfBuilderTest cases against conformance/wikibase/rdf, line for line."""

import pytest

from entitybase.rdf import InMemoryLookup, RdfBuilder, new_writer
from entitybase.rdf import flavors as F

from .wikibase_fixtures import (
    ACME,
    REVISION,
    TIMESTAMP,
    acme_lookup,
    lines_of,
    load_entity,
    new_builder,
    rdf_dir,
    read_dataset,
)

ADD_ENTITY = [
    ("Q1", ["Q1_info"]),
    ("Q2", ["Q2_meta", "Q2_version", "Q2_stub", "Q2_aliases"]),
    ("Q3", ["Q3_meta", "Q3_version", "Q3_sitelinks"]),
    ("Q4", ["Q4_meta", "Q4_version", "Q4_statements", "Q4_direct", "Q4_values"]),
    ("Q5", ["Q5_badges"]),
    ("Q6", ["Q6_meta", "Q6_version", "Q6_statements", "Q6_qualifiers", "Q6_values",
            "Q6_referenced"]),
    ("Q7", ["Q7_meta", "Q7_version", "Q7_statements", "Q7_reference_refs", "Q7_references",
            "Q7_values"]),
    ("Q8", ["Q8_baddates"]),
]

PRODUCE_OPTIONS = [
    ("Q4", F.ALL_STATEMENTS, ["Q4_meta", "Q4_statements"]),
    ("Q4", F.TRUTHY, ["Q4_meta", "Q4_direct"]),
    ("Q6", F.ALL_STATEMENTS, ["Q6_meta", "Q6_statements"]),
    ("Q6", F.ALL_STATEMENTS | F.QUALIFIERS, ["Q6_meta", "Q6_statements", "Q6_qualifiers"]),
    ("Q7", F.ALL_STATEMENTS, ["Q7_meta", "Q7_statements"]),
    ("Q7", F.ALL_STATEMENTS | F.REFERENCES,
     ["Q7_meta", "Q7_statements", "Q7_reference_refs", "Q7_references"]),
    ("Q3", F.SITELINKS, ["Q3_meta", "Q3_sitelinks"]),
    ("Q4", F.ALL_STATEMENTS | F.PROPERTIES, ["Q4_meta", "Q4_statements", "Q4_props"]),
    ("Q4", F.ALL_STATEMENTS | F.FULL_VALUES, ["Q4_meta", "Q4_values", "Q4_statements"]),
    ("Q1", F.VERSION_INFO, ["Q1_info"]),
    ("Q4", F.TRUTHY | F.RESOLVED_ENTITIES, ["Q4_meta", "Q4_direct", "Q4_referenced"]),
    ("Q10", F.TRUTHY | F.RESOLVED_ENTITIES, ["Q10_redirect"]),
]


@pytest.fixture(scope="module")
def data(conformance):
    return rdf_dir(conformance)


@pytest.fixture(scope="module")
def lookup(conformance):
    return acme_lookup(conformance)


@pytest.mark.parametrize("entity_id, datasets", ADD_ENTITY, ids=[c[0] for c in ADD_ENTITY])
def test_add_entity(data, lookup, entity_id, datasets):
    entity = load_entity(data / "entities" / f"{entity_id}.json")
    builder = new_builder(lookup, F.ALL)
    builder.add_entity(entity)
    builder.add_revision_info(entity.id, REVISION, TIMESTAMP)
    assert lines_of(builder.drain()) == read_dataset(data / "RdfBuilder", *datasets)


@pytest.mark.parametrize("entity_id, flags, datasets", PRODUCE_OPTIONS,
                         ids=[f"{c[0]}-{c[1]}" for c in PRODUCE_OPTIONS])
def test_produce_options(data, lookup, entity_id, flags, datasets):
    entity = load_entity(data / "entities" / f"{entity_id}.json")
    builder = new_builder(lookup, flags)
    builder.add_entity(entity)
    builder.add_revision_info(entity.id, REVISION, TIMESTAMP)
    builder.resolve_mentioned()
    assert lines_of(builder.drain()) == read_dataset(data / "RdfBuilder", *datasets)


def test_dump_header(data, lookup):
    builder = new_builder(lookup, F.VERSION_INFO)
    builder.add_dump_header(1426110695)
    assert lines_of(builder.drain()) == read_dataset(data / "RdfBuilder", "dumpheader")


def test_deduplication_across_documents(data, lookup):
    seen = set()
    first = new_builder(lookup, F.ALL, seen)
    first.add_entity(load_entity(data / "entities" / "Q7.json"))
    second = new_builder(lookup, F.ALL, seen)
    second.add_entity(load_entity(data / "entities" / "Q9.json"))
    output = first.drain() + second.drain()
    assert lines_of(output) == read_dataset(data / "RdfBuilder", "Q7_Q9_dedup")


def test_redirect(lookup):
    builder = new_builder(lookup, 0)
    builder.add_redirect("Q11", "Q1")
    assert lines_of(builder.drain()) == [
        "<http://acme.test/Q11> <http://www.w3.org/2002/07/owl#sameAs> <http://acme.test/Q1> ."]


def test_property_declaration(data, lookup):
    """PropertyRdfBuilderTest: P2_all."""
    prop = load_entity(data / "entities" / "P2.json")
    builder = new_builder(lookup, F.ALL)
    builder.add_property_declaration(prop.id, prop.datatype)
    assert lines_of(builder.drain()) == read_dataset(data / "PropertyRdfBuilder", "P2_all")


def test_property_stub(data):
    """PropertyStubRdfBuilder: terms in every language, then the declaration."""
    prop = load_entity(data / "entities" / "P2.json")
    lookup = InMemoryLookup()
    lookup.add_entity(prop)
    builder = new_builder(lookup, F.ALL)
    builder.add_stub_components(prop.id)
    assert lines_of(builder.drain()) == read_dataset(data / "PropertyRdfBuilder", "P2_terms")


@pytest.mark.parametrize("flags", [0, F.ALL])
def test_item_terms(data, lookup, flags):
    """TermsRdfBuilderTest: Q2_terms (labels, descriptions, aliases in every language)."""
    builder = new_builder(lookup, flags)
    builder.add_components(load_entity(data / "entities" / "Q2.json"))
    assert lines_of(builder.drain()) == read_dataset(data / "TermsRdfBuilder", "Q2_terms")


def test_sub_entity(data, lookup):
    """RdfBuilderTest::testAddSubEntity: a queued entity follows the main one."""
    builder = new_builder(lookup, F.ALL)
    builder.sub_entity_mentioned(load_entity(data / "entities" / "Q3.json"))
    builder.add_entity(load_entity(data / "entities" / "Q2.json"))
    builder.add_revision_info("Q2", REVISION, TIMESTAMP)
    builder.add_revision_info("Q3", REVISION, TIMESTAMP)
    assert lines_of(builder.drain()) == read_dataset(
        data / "RdfBuilder", "Q2_meta", "Q2_version", "Q2_stub", "Q2_aliases", "Q3_meta",
        "Q3_version", "Q3_sitelinks")


def test_entity_stub(data):
    """An item stub with labels and descriptions in every language: Q2_stub."""
    lookup = InMemoryLookup()
    lookup.add_entity(load_entity(data / "entities" / "Q2.json"))
    builder = RdfBuilder(new_writer("nt", ACME), lookup, F.ALL, ACME, stub_languages=None)
    builder.add_stub("Q2")
    assert lines_of(builder.drain()) == read_dataset(data / "RdfBuilder", "Q2_stub")
