"""Lexeme counters, entity schemas and properties: what the fixtures do not cover."""

import json

import pytest

from entitybase.model import (
    EntityFormatError, EntitySchema, Lexeme, parse_entity, write_entity_json, write_storage_json,
)

LEXEME = {
    "type": "lexeme", "id": "L7", "lemmas": {"en": {"language": "en", "value": "run"}},
    "lexicalCategory": "Q24905", "language": "Q1860", "claims": {},
    "forms": [{"id": "L7-F2", "representations": {"en": {"language": "en", "value": "runs"}},
               "grammaticalFeatures": [], "claims": {}}],
    "senses": [{"id": "L7-S4", "glosses": {"en": {"language": "en", "value": "move fast"}},
                "claims": {}}],
}


def test_lexeme_counters_derived_and_kept():
    lexeme, _ = parse_entity(json.dumps(LEXEME))
    assert (lexeme.nextFormId, lexeme.nextSenseId) == (3, 5)
    stored = json.loads(write_storage_json(lexeme))
    assert list(stored)[:10] == ["type", "id", "lemmas", "lexicalCategory", "language",
                                 "claims", "nextFormId", "nextSenseId", "forms", "senses"]
    assert "nextFormId" not in json.loads(write_entity_json(lexeme))
    given, _ = parse_entity(json.dumps({**LEXEME, "nextFormId": 9, "nextSenseId": 9}))
    assert (given.nextFormId, given.nextSenseId) == (9, 9)
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(json.dumps({**LEXEME, "nextFormId": 2}))
    assert caught.value.code == "invalid-counter"


def test_lexeme_parts_belong_to_the_lexeme():
    bad = {**LEXEME, "forms": [{**LEXEME["forms"][0], "id": "L8-F1"}]}
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(json.dumps(bad))
    assert caught.value.code == "invalid-entity-id"


def test_storage_json_uses_php_empty_arrays():
    lexeme, _ = parse_entity(json.dumps(LEXEME))
    stored = json.loads(write_storage_json(lexeme))
    assert stored["claims"] == [] and stored["forms"][0]["claims"] == []


SCHEMA = ('{"id":"E42","serializationVersion":"3.0","labels":{"en":"human"},'
          '"descriptions":{"en":"a person"},"aliases":{"en":["person"]},'
          '"schemaText":"<human> { wdt:P31 [wd:Q5] }","type":"ShExC"}')


def test_entity_schema_round_trip():
    schema, _ = parse_entity(SCHEMA)
    assert isinstance(schema, EntitySchema) and schema.labels == {"en": "human"}
    assert write_storage_json(schema) == SCHEMA.encode()
    assert parse_entity(write_entity_json(schema))[0] == schema


def test_property_needs_a_known_datatype():
    prop = {"type": "property", "datatype": "colour", "id": "P5", "labels": {},
            "descriptions": {}, "aliases": {}, "claims": {}}
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(json.dumps(prop))
    assert (caught.value.code, caught.value.path) == ("unknown-datatype", "$.datatype")
    with pytest.raises(EntityFormatError) as caught:
        parse_entity(json.dumps({**prop, "datatype": "string", "id": "Q5"}))
    assert caught.value.code == "invalid-entity-id"
