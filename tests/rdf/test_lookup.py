"""The formatter URI of a property, as both lookups (in memory and over the store) read it."""

from entitybase.model import DataValue, NoValueSnak, Property, Statement, ValueSnak
from entitybase.rdf import InMemoryLookup, formatter_from_statements


def _statement(value: str | None, rank: str = "normal", prop: str = "P1921") -> Statement:
    snak = (NoValueSnak(property=prop) if value is None else
            ValueSnak(property=prop, datavalue=DataValue(value, "string")))
    return Statement(mainsnak=snak, rank=rank, id=f"P9${value}")


def _property(*statements: Statement, prop: str = "P1921") -> Property:
    return Property(id="P9", datatype="external-id", claims={prop: list(statements)})


def test_the_preferred_value_wins_over_an_earlier_normal_one():
    prop = _property(_statement("http://a/$1"), _statement("http://b/$1", "preferred"))
    assert formatter_from_statements(prop) == "http://b/$1"


def test_deprecated_values_and_novalue_snaks_are_not_formatters():
    prop = _property(_statement(None), _statement("http://old/$1", "deprecated"))
    assert formatter_from_statements(prop) is None
    prop = _property(_statement(None), _statement("http://a/$1"))
    assert formatter_from_statements(prop) == "http://a/$1"


def test_the_canonical_uri_property_is_configurable():
    prop = _property(_statement("http://a/$1", prop="P7"), prop="P7")
    assert formatter_from_statements(prop) is None
    assert formatter_from_statements(prop, "P7") == "http://a/$1"
    lookup = InMemoryLookup(canonical_uri_property="P7")
    lookup.add_entity(prop)
    assert lookup.formatter_uri("P9") == "http://a/$1"

