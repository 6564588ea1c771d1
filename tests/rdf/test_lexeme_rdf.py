"""WikibaseLexeme's LexemeSpecificComponentsRdfBuilder cases for L2, its form and sense."""

import pytest

from entitybase.rdf import InMemoryLookup
from entitybase.rdf import flavors as F

from .wikibase_fixtures import lines_of, load_entity, new_builder, read_dataset


@pytest.fixture(scope="module")
def lexeme_data(conformance):
    return conformance / "wikibase" / "rdf" / "WikibaseLexeme" / "tests" / "phpunit" / "data" / "rdf"


@pytest.fixture(scope="module")
def l2(lexeme_data):
    return load_entity(lexeme_data / "entities" / "L2.json")


@pytest.fixture(scope="module")
def lookup(l2):
    lookup = InMemoryLookup()
    lookup.add_entity(l2)
    return lookup


def expected(lexeme_data, name):
    return read_dataset(lexeme_data / "LexemeSpecificComponentsRdfBuilder", name)


def sub_entity(l2, sub_id):
    return next(sub for sub in (*l2.forms, *l2.senses) if sub.id == sub_id)


def test_full_lexeme(lexeme_data, l2, lookup):
    builder = new_builder(lookup, F.ALL)
    builder.add_entity(l2)
    assert lines_of(builder.drain()) == expected(lexeme_data, "L2_full")


@pytest.mark.parametrize("entity_id", ["L2", "L2-F1", "L2-S1"])
def test_components(lexeme_data, l2, lookup, entity_id):
    entity = l2 if entity_id == "L2" else sub_entity(l2, entity_id)
    builder = new_builder(lookup, F.ALL)
    builder.add_components(entity)
    assert lines_of(builder.drain()) == expected(lexeme_data, f"{entity_id}_all")


@pytest.mark.parametrize("entity_id", ["L2", "L2-F1", "L2-S1"])
def test_stubs(lexeme_data, lookup, entity_id):
    builder = new_builder(lookup, F.ALL)
    builder.add_stub_components(entity_id)
    assert lines_of(builder.drain()) == expected(lexeme_data, f"{entity_id}_stubs")
