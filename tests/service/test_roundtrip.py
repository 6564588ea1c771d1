"""Import and export of real Wikidata entities meet the model's equality rules."""

import json

import pytest

from entitybase.cli.data_commands import read_records
from entitybase.model import (
    all_statements,
    encode_entity,
    fill_hashes,
    parse_entity_data,
    write_entity_data,
)
from entitybase.service import open_service

ENTITY_FILES = ["L42", "L42353", "P31", "P3111", "Q17633526", "Q17948861", "Q182397",
                "Q51605722", "Q53713"]


def pairs(value):
    """JSON value with key order made significant."""
    if isinstance(value, dict):
        return [(key, pairs(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [pairs(item) for item in value]
    return value


@pytest.fixture(scope="module")
def loaded(conformance, tmp_path_factory):
    service = open_service(tmp_path_factory.mktemp("entities"))
    service.registry.load_sites(json.loads((conformance / "wikimedia/sites.json").read_bytes()))
    for name in ENTITY_FILES:
        records = parse_entity_data((conformance / f"wikidata/entities/{name}.json").read_bytes())
        assert [r.status for r in service.import_entities(records)] == ["imported"]
    yield service
    service.close()


@pytest.mark.parametrize("name", ENTITY_FILES)
def test_entity_data_round_trip(loaded, conformance, name):
    source = (conformance / f"wikidata/entities/{name}.json").read_bytes()
    revision = loaded.get(name)
    written = write_entity_data((revision.entity, revision.meta))
    if name == "Q17948861":  # the one file holding the bytes Wikidata served
        assert written == source
    assert pairs(json.loads(written)) == pairs(json.loads(source))


@pytest.mark.parametrize("name", ["Q53713", "L42"])
def test_missing_hashes_are_computed(conformance, tmp_path, name):
    source = (conformance / f"wikidata/entities/{name}.json").read_bytes()
    stripped = json.dumps(_without_hashes(json.loads(source))).encode()
    service = open_service(tmp_path)
    service.registry.load_sites(json.loads((conformance / "wikimedia/sites.json").read_bytes()))
    service.import_entities(parse_entity_data(stripped))
    revision = service.get(name)
    assert pairs(json.loads(write_entity_data((revision.entity, revision.meta)))) == \
        pairs(json.loads(source))
    service.close()


def _without_hashes(value):
    if isinstance(value, dict):
        return {k: _without_hashes(v) for k, v in value.items() if k != "hash"}
    if isinstance(value, list):
        return [_without_hashes(v) for v in value]
    return value


def test_reimport_is_a_no_op(loaded, conformance):
    records = parse_entity_data((conformance / "wikidata/entities/Q53713.json").read_bytes())
    assert [r.status for r in loaded.import_entities(records)] == ["unchanged"]
    history, _ = loaded.history("Q53713")
    assert len(history) == 1


@pytest.fixture(scope="module")
def bulk(conformance, tmp_path_factory):
    service = open_service(tmp_path_factory.mktemp("bulk"))
    service.registry.load_sites(json.loads((conformance / "wikimedia/sites.json").read_bytes()))
    for name in ("history.jsonl", "entities.jsonl"):
        records = [r for _, rs, error in read_records(str(conformance / "wikidata/bulk" / name))
                   for r in rs]
        for start in range(0, len(records), 200):
            results = service.import_entities(records[start:start + 200])
            assert all(r.status == "imported" for r in results)
    yield service
    service.close()


def test_bulk_round_trip(bulk, conformance):
    mismatched = []
    for _, records, _ in read_records(str(conformance / "wikidata/bulk/entities.jsonl")):
        (entity, meta), = records
        for statement in all_statements(entity):
            fill_hashes(statement)
        got = bulk.get(entity.id)
        if hasattr(got.entity, "sitelinks"):
            for site, link in got.entity.sitelinks.items():
                link.url = entity.sitelinks[site].url  # dump lines carry no url
        if encode_entity(got.entity) != encode_entity(entity):
            mismatched.append(entity.id)
        for field in ("pageid", "lastrevid", "modified", "ns", "title"):
            given = getattr(meta, field)
            if given:
                assert getattr(got.meta, field) == given, (entity.id, field)
    assert mismatched == []


def test_bulk_urls_match_wikidata(bulk, conformance):
    checked = 0
    for _, records, _ in read_records(str(conformance / "wikidata/bulk/entities.jsonl")):
        (entity, _), = records
        for site, link in getattr(entity, "sitelinks", {}).items():
            if link.url:
                assert bulk.sitelink_url(site, link.title) == link.url
                checked += 1
    assert checked > 500


def test_bulk_histories_hold_every_revision(bulk, conformance):
    expected = {}
    for name in ("history.jsonl", "entities.jsonl"):
        for _, records, _ in read_records(str(conformance / "wikidata/bulk" / name)):
            (entity, _), = records
            expected[entity.id] = expected.get(entity.id, 0) + 1
    for entity_id, count in expected.items():
        history, cursor = bulk.history(entity_id, limit=1000)
        assert cursor is None
        # identical revisions imported twice without a revision id are stored once
        assert 1 <= len(history) <= count
        ids = [info.revision_id for info in history]
        assert ids == sorted(ids, reverse=True)
    assert sum(len(bulk.history(e, limit=1000)[0]) for e in expected) >= 790
