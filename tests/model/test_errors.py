"""Malformed entity JSON gives one precise EntityFormatError, never a crash."""

import copy
import json

import pytest

from entitybase.model import EntityFormatError, parse_entity, parse_entity_data

BASE = {
    "type": "item",
    "id": "Q1",
    "labels": {"en": {"language": "en", "value": "one"}},
    "descriptions": {},
    "aliases": {},
    "claims": {
        "P31": [{
            "mainsnak": {
                "snaktype": "value", "property": "P31", "datatype": "time",
                "datavalue": {"type": "time", "value": {
                    "time": "+2001-01-01T00:00:00Z", "timezone": 0, "before": 0, "after": 0,
                    "precision": 11, "calendarmodel": "http://www.wikidata.org/entity/Q1985727"}},
            },
            "type": "statement", "id": "Q1$5627A8D6-1D38-4D74-A9C0-7D7E7A1D6C32", "rank": "normal",
        }],
    },
    "sitelinks": {},
}


def mutated(path: str, value) -> bytes:
    entity = copy.deepcopy(BASE)
    *parents, last = path.split("/")
    target = entity
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is DELETE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return json.dumps(entity).encode()


DELETE = object()
STATEMENT = "claims/P31/0"
VALUE = f"{STATEMENT}/mainsnak/datavalue/value"

CASES = [
    ("labels/en/value", 5, "invalid-type", "$.labels.en.value"),
    ("labels/en/language", "de", "mismatched-language", "$"),
    ("id", "Q01", "invalid-entity-id", "$"),
    ("id", "P1", "invalid-entity-id", "$"),
    ("type", "planet", "unknown-entity-type", "$.type"),
    (f"{STATEMENT}/mainsnak/datatype", "colour", "unknown-datatype",
     "$.claims.P31[0].mainsnak.datatype"),
    (f"{STATEMENT}/mainsnak/property", "X31", "invalid-entity-id",
     "$.claims.P31[0].mainsnak.property"),
    (f"{STATEMENT}/mainsnak/property", "P32", "mismatched-property", "$"),
    (f"{STATEMENT}/mainsnak/snaktype", "maybe", "invalid-snak-type",
     "$.claims.P31[0].mainsnak.snaktype"),
    (f"{STATEMENT}/rank", "best", "invalid-rank", "$.claims.P31[0].rank"),
    (f"{STATEMENT}/mainsnak/datavalue/type", "colour", "unknown-value-type",
     "$.claims.P31[0].mainsnak.datavalue"),
    (f"{VALUE}/precision", 15, "invalid-precision", "$.claims.P31[0].mainsnak.datavalue"),
    (f"{VALUE}/precision", "11", "invalid-type",
     "$.claims.P31[0].mainsnak.datavalue.value.precision"),
    (f"{VALUE}/time", "2001-01-01", "invalid-time", "$.claims.P31[0].mainsnak.datavalue"),
    (f"{VALUE}/calendarmodel", DELETE, "missing-field", "$.claims.P31[0].mainsnak.datavalue"),
    (f"{VALUE}/text", "extra", "unexpected-field", "$.claims.P31[0].mainsnak.datavalue"),
    (f"{STATEMENT}/mainsnak/datavalue", DELETE, "missing-field",
     "$.claims.P31[0].mainsnak.datavalue"),
    (f"{STATEMENT}/mainsnak", DELETE, "missing-field", "$.claims.P31[0].mainsnak"),
    (f"{STATEMENT}/mainsnak/hash", "xyz", "invalid-hash", "$.claims.P31[0].mainsnak.hash"),
    ("claims", {"P31": {}}, "invalid-type", "$.claims.P31"),
    ("claims", ["x"], "invalid-type", "$"),
    ("sitelinks", {"enwiki": {"site": "dewiki", "title": "X", "badges": []}},
     "mismatched-site", "$"),
    ("sitelinks", {"enwiki": {"site": "enwiki", "title": "X", "badges": ["X1"]}},
     "invalid-entity-id", "$.sitelinks.enwiki.badges[0]"),
]


@pytest.mark.parametrize(("path", "value", "code", "where"), CASES)
def test_precise_error(path, value, code, where):
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(mutated(path, value))
    assert (caught.value.code, caught.value.path) == (code, where)
    assert caught.value.reason


@pytest.mark.parametrize(("value", "code"), [
    ({"entity-type": "item", "numeric-id": 5, "id": "Q6"}, "invalid-entity-id"),
    ({"entity-type": "item", "id": "P6"}, "invalid-entity-id"),
    ({"entity-type": "item"}, "missing-field"),
    ({"amount": "12"}, "missing-field"),
])
def test_bad_entity_values(value, code):
    kind = "quantity" if "amount" in value else "wikibase-entityid"
    entity = mutated(f"{STATEMENT}/mainsnak/datavalue", {"type": kind, "value": value})
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(entity)
    assert caught.value.code == code


@pytest.mark.parametrize(("amount", "ok"), [
    ("+1", True), ("-0.5", True), ("1", False), ("+01", False), ("+1.", False), ("+1e3", False),
])
def test_quantity_amounts(amount, ok):
    value = {"type": "quantity", "value": {"amount": amount, "unit": "1"}}
    data = mutated(f"{STATEMENT}/mainsnak/datavalue", value)
    if ok:
        parse_entity(data)
    else:
        with pytest.raises(EntityFormatError, match="invalid-quantity"):
            parse_entity(data)


def test_missing_id_and_wrong_wrapper():
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(mutated("id", DELETE))
    assert caught.value.code == "missing-field"
    data = b'{"entities":{"Q2":' + mutated("id", "Q1") + b"}}"
    with pytest.raises(EntityFormatError) as caught:
        parse_entity_data(data)
    assert caught.value.code == "mismatched-id"


@pytest.mark.parametrize(("data", "code"), [
    (b'{"type":"item","id":"Q1","labels":{"en":{"language":"en","value":"\xff"}}}',
     "invalid-utf8"),
    (b'{"type":"item","id":"Q1",', "invalid-json"),
    (b"[]", "invalid-type"),
    (b"", "invalid-json"),
])
def test_bytes_that_are_not_entities(data, code):
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(data)
    assert caught.value.code == code


def test_php_empty_list_is_an_empty_map():
    entity, _ = parse_entity(
        b'{"type":"item","id":"Q1","labels":[],"descriptions":[],"aliases":[],'
        b'"claims":[],"sitelinks":[]}')
    assert entity.labels == {} and entity.claims == {} and entity.sitelinks == {}
