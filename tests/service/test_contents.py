"""Stored parts by content id, the most used statements and deduplication figures."""

from entitybase.model import parse_entity_data, to_builtins


def test_contents_most_used_and_stats(service, conformance):
    data = (conformance / "wikidata/entities/Q53713.json").read_bytes()
    service.import_entities(parse_entity_data(data))
    copy = data.replace(b'"Q53713"', b'"Q99999999"').replace(b"Q53713$", b"Q99999999$")
    (entity, meta), = parse_entity_data(copy)
    meta.lastrevid += 1
    service.import_entities([(entity, meta)])
    top = service.most_used_statements(5)
    assert len(top) == 5 and top[0]["references"] >= 2
    statement = top[0]["statement"]
    assert set(statement) >= {"mainsnak", "type"} and "id" not in statement
    found = service.get_contents("statement", [top[0]["id"], "00" * 16, "nothex"])
    assert found == {top[0]["id"]: statement}
    assert service.get_contents("snak", [top[0]["id"]]) == {}
    original = to_builtins(service.get("Q53713").entity)
    mainsnaks = [s["mainsnak"] for group in original["claims"].values() for s in group]
    assert statement["mainsnak"] in mainsnaks
    stats = service.deduplication_stats()
    assert stats["kinds"]["statement"]["references"] > stats["kinds"]["statement"]["parts"]
    assert stats["references_per_part"] > 1
