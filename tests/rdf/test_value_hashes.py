"""Value node names (`wdv:` hashes) the builder remembers."""

from entitybase.model import all_snaks, all_statements, parse_entity, value_hash
from entitybase.rdf import builder


def test_cached_value_hashes_are_wikibase_hashes(conformance):
    """The builder's remembered time and quantity hashes equal freshly computed ones, also
    once the bounded cache has been cleared."""
    lines = (conformance / "wikidata" / "bulk" / "entities.jsonl").read_bytes().splitlines()
    values = [snak.datavalue for line in lines[:200] if line.strip()
              for statement in all_statements(parse_entity(line)[0])
              for snak in all_snaks(statement) if hasattr(snak, "datavalue")]
    assert len(values) > 1000
    for _ in range(2):  # cold, then remembered
        assert [builder.cached_value_hash(v) for v in values] == [value_hash(v) for v in values]
    builder._VALUE_HASHES.clear()
