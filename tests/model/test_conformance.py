"""Wikibase's JSON fixtures and real Wikidata entities: parse, write, compare; recompute hashes."""

import json

import pytest
from msgspec import UNSET

from entitybase.model import (
    all_snaks, all_statements, fill_hashes, parse_entity, parse_entity_data, write_entity_data,
)
from conformance_data import CONFORMANCE_DIR

BYTE_EXACT = sorted(
    p.relative_to(CONFORMANCE_DIR).as_posix()
    for p in CONFORMANCE_DIR.glob("wikibase/json/**/jsonEntities/*-formatted.json")
) + ["wikidata/entities/Q17948861.json"]
AS_VALUE = sorted(
    p.relative_to(CONFORMANCE_DIR).as_posix()
    for p in CONFORMANCE_DIR.glob("wikidata/entities/*.json")
    if p.name != "Q17948861.json"
)


def ordered(data: bytes):
    """A JSON value in which objects are key-ordered pair lists, so key order counts."""
    return json.loads(data, object_pairs_hook=list)


def strip_hashes(value):
    if isinstance(value, dict):
        return {k: strip_hashes(v) for k, v in value.items() if k != "hash"}
    if isinstance(value, list):
        return [strip_hashes(v) for v in value]
    return value


def test_fixture_lists_are_complete():
    assert len(BYTE_EXACT) == 11
    assert len(AS_VALUE) == 8


@pytest.mark.parametrize("name", BYTE_EXACT)
def test_entity_data_bytes_round_trip(conformance, name):
    data = (conformance / name).read_bytes().rstrip(b"\n")
    assert write_entity_data(*parse_entity_data(data)) == data


@pytest.mark.parametrize("name", AS_VALUE)
def test_entity_data_value_round_trip(conformance, name):
    data = (conformance / name).read_bytes()
    assert ordered(write_entity_data(*parse_entity_data(data))) == ordered(data)


def _recomputed(data: bytes) -> bytes:
    unhashed = json.dumps(strip_hashes(json.loads(data))).encode()
    records = parse_entity_data(unhashed)
    for entity, _ in records:
        for statement in all_statements(entity):
            assert all(snak.hash is UNSET for snak in all_snaks(statement))
            fill_hashes(statement)
    return write_entity_data(*records)


@pytest.mark.parametrize("name", BYTE_EXACT)
def test_recomputed_hashes_bytes(conformance, name):
    data = (conformance / name).read_bytes().rstrip(b"\n")
    assert _recomputed(data) == data


@pytest.mark.parametrize("name", AS_VALUE)
def test_recomputed_hashes_value(conformance, name):
    data = (conformance / name).read_bytes()
    assert ordered(_recomputed(data)) == ordered(data)


def test_every_real_hash_is_reproduced(conformance):
    """All snak and reference hashes of the real Wikidata entities."""
    count = 0
    for path in sorted(conformance.glob("wikidata/entities/*.json")):
        for entity, _ in parse_entity_data(path.read_bytes()):
            for statement in all_statements(entity):
                expected = [s.hash for s in all_snaks(statement)]
                references = [r.hash for r in statement.references or ()]
                fill_hashes(statement, recompute=True)
                assert [s.hash for s in all_snaks(statement)] == expected
                assert [r.hash for r in statement.references or ()] == references
                count += len(expected) + len(references)
    assert count >= 3085


def test_bulk_entities_parse(conformance):
    """Every real entity and older revision of the bulk corpus parses."""
    lines = 0
    for name in ("entities.jsonl", "history.jsonl"):
        with open(conformance / "wikidata" / "bulk" / name, "rb") as handle:
            for line in handle:
                entity, meta = parse_entity(line)
                assert entity.id
                lines += 1
    assert lines == 660 + 137
