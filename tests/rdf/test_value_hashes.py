"""Value node names (`wdv:` hashes) and statement node names the builder writes."""

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


def test_statement_local_names_as_php_preg_replace():
    """`preg_replace('/[^\\w-]/', '-', $guid)`: byte-wise, `\\w` ASCII only."""
    name = builder.statement_local_name
    assert name("Q42$8F3B-a_1") == "Q42-8F3B-a_1"
    assert name("q1$é.x") == "q1----x"  # é is two UTF-8 bytes
    assert name("Q1$１") == "Q1----"  # a full-width digit is no \\w: three bytes
    assert name(None) == "" and name("") == ""
