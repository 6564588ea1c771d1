"""Normalized quantities (QuantityRdfBuilderTest's unit cases) and the unit table."""

import json

from entitybase.model import DataValue, Item, QuantityValue, Statement, ValueSnak
from entitybase.rdf import (
    InMemoryLookup,
    RdfBuilder,
    UnitConversion,
    Vocabulary,
    load_unit_conversions,
    new_writer,
    read_unit_conversions,
)
from entitybase.rdf import flavors as F

ACME = Vocabulary(concept_uri="http://acme/", data_uri="http://acme/data/")
VALUE = "<http://acme/value/"


def quantity_item(amount, unit, upper=None, lower=None) -> Item:
    value = QuantityValue(amount, unit, upper, lower) if upper else QuantityValue(amount, unit)
    snak = ValueSnak(property="P7", datavalue=DataValue(value, "quantity"))
    statement = Statement(mainsnak=snak, id="Q1$00000000-0000-4000-8000-000000000001")
    return Item(id="Q1", claims={"P7": [statement]})


def render(item: Item, units: dict) -> set[str]:
    lookup = InMemoryLookup(unit_conversions=units)
    lookup.set_datatype("P7", "quantity")
    builder = RdfBuilder(new_writer("nt", ACME), lookup, F.ALL, ACME)
    builder.add_entity(item)
    return {line for line in builder.drain().splitlines() if line}


def test_conversion_rounds_to_the_order_of_uncertainty():
    lines = render(quantity_item("+23.5", "http://acme/Q2", "+23.6", "+23.4"),
                   {"Q2": UnitConversion("124.7", "Q1")})
    original, normalized = "d56fea2e7acc4c42069d87f695cab5b9", "e80660d9a958a139230804dacf35a6ea"
    decimal = "^^<http://www.w3.org/2001/XMLSchema#decimal> ."
    assert {
        f"{VALUE}{original}> <http://wikiba.se/ontology#quantityNormalized> {VALUE}{normalized}> .",
        f"{VALUE}{normalized}> <http://wikiba.se/ontology#quantityAmount> \"+2930\"{decimal}",
        f"{VALUE}{normalized}> <http://wikiba.se/ontology#quantityUpperBound> \"+2940\"{decimal}",
        f"{VALUE}{normalized}> <http://wikiba.se/ontology#quantityLowerBound> \"+2920\"{decimal}",
        f"{VALUE}{normalized}> <http://wikiba.se/ontology#quantityUnit> <http://acme/Q1> .",
        f"{VALUE}{normalized}> <http://wikiba.se/ontology#quantityNormalized> {VALUE}{normalized}> .",
        ("<http://acme/statement/Q1-00000000-0000-4000-8000-000000000001> "
         f"<http://acme/prop/statement/value-normalized/P7> {VALUE}{normalized}> ."),
    } <= lines


def test_value_in_its_standard_unit_is_its_own_normalization():
    lines = render(quantity_item("+23.5", "http://acme/Q2", "+23.6", "+23.4"),
                   {"Q2": UnitConversion("1", "Q2")})
    node = "d56fea2e7acc4c42069d87f695cab5b9"
    assert f"{VALUE}{node}> <http://wikiba.se/ontology#quantityNormalized> {VALUE}{node}> ." \
        in lines
    assert not any("quantityAmount" in line and node not in line for line in lines)


def test_unit_one_and_unknown_units_are_not_normalized():
    for unit in ("1", "http://acme/Q99"):
        lines = render(quantity_item("+5", unit), {"Q2": UnitConversion("1", "Q2")})
        assert not any("Normalized" in line or "value-normalized" in line for line in lines)


def test_unit_table_reads_both_row_shapes(conformance):
    path = conformance / "wikibase" / "json" / "Wikibase" / "lib" / "tests" / "phpunit" / \
        "Units" / "testunits.json"
    table = read_unit_conversions(json.loads(path.read_text()))
    assert table["Q2"] == UnitConversion("22.234", "Q1")
    assert table["Q4"] == UnitConversion("0.0000000000000000000243885945", "Q3")


def test_unit_table_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "units.json"
    path.write_text(json.dumps({"Q828224": {"factor": "1E+3", "unit": "Q11573"}}))
    monkeypatch.setenv("ENTITYBASE_UNIT_CONVERSIONS", str(path))
    assert load_unit_conversions() == {"Q828224": UnitConversion("1E+3", "Q11573")}
    monkeypatch.delenv("ENTITYBASE_UNIT_CONVERSIONS")
    assert load_unit_conversions() == {}
