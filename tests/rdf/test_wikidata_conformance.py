"""Real Wikidata pairs: our Special:EntityData Turtle parses to exactly the golden triples,
blank nodes included; our Turtle and N-Triples parse in pyoxigraph and agree."""

import pytest

pyoxigraph = pytest.importorskip("pyoxigraph")

from entitybase.rdf import entity_rdf

from .wikidata_fixtures import wikidata_entity, wikidata_lookup

PAIRS = ["Q17948861", "Q17633526", "Q51605722", "Q182397", "Q53713", "L42", "L42353"]
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"


def triples(text: str, fmt) -> set[tuple[str, str, str]]:
    """Blank nodes keep their labels: Wikibase names them deterministically."""
    return {(str(t.subject), str(t.predicate), str(t.object))
            for t in pyoxigraph.parse(text.encode(), fmt)}


@pytest.fixture(scope="module")
def lookup(conformance):
    return wikidata_lookup(conformance)


def golden(conformance, entity_id):
    text = (conformance / "wikidata" / "ttl" / f"{entity_id}.ttl").read_text()
    return triples(text, pyoxigraph.RdfFormat.TURTLE)


def ours(conformance, lookup, entity_id, fmt="ttl"):
    entity, meta = wikidata_entity(conformance, entity_id)
    return entity_rdf(entity, meta, lookup, format=fmt, flavor="full")


# entity_redirects/ lists no incoming redirects for L42, but Wikidata's TTL of L42 has
# `wd:L40013 owl:sameAs wd:L42`: the data needed to produce that one triple is missing, so
# it is the one triple left out of the comparison.
DATA_GAPS = {"L42": {("<http://www.wikidata.org/entity/L40013>", SAME_AS,
                      "<http://www.wikidata.org/entity/L42>")}}


@pytest.mark.parametrize("entity_id", PAIRS)
def test_full_flavor_turtle_equals_golden(conformance, lookup, entity_id):
    got = triples(ours(conformance, lookup, entity_id), pyoxigraph.RdfFormat.TURTLE)
    expected = golden(conformance, entity_id)
    gaps = DATA_GAPS.get(entity_id, set())
    assert gaps <= expected
    expected -= gaps
    assert sorted(expected - got) == [] and sorted(got - expected) == []


@pytest.mark.parametrize("entity_id", PAIRS)
def test_everything_but_redirects_equals_golden(conformance, lookup, entity_id):
    """Holds for every pair, L42 included: only redirect data can be missing."""
    def without_redirects(found):
        return {t for t in found if t[1] != SAME_AS}

    got = triples(ours(conformance, lookup, entity_id), pyoxigraph.RdfFormat.TURTLE)
    expected = golden(conformance, entity_id)
    assert without_redirects(got) == without_redirects(expected)


@pytest.mark.parametrize("entity_id", PAIRS)
def test_ntriples_parse_and_equal_turtle(conformance, lookup, entity_id):
    turtle = triples(ours(conformance, lookup, entity_id), pyoxigraph.RdfFormat.TURTLE)
    ntriples = triples(ours(conformance, lookup, entity_id, "nt"),
                       pyoxigraph.RdfFormat.N_TRIPLES)
    assert ntriples == turtle


@pytest.mark.parametrize("flavor", ["simple", "dump", "long", "full-dump", "truthy-dump"])
def test_other_flavors_are_subsets_of_full(conformance, lookup, flavor):
    entity, meta = wikidata_entity(conformance, "Q53713")
    full = triples(entity_rdf(entity, meta, lookup), pyoxigraph.RdfFormat.TURTLE)
    part = triples(entity_rdf(entity, meta, lookup, flavor=flavor), pyoxigraph.RdfFormat.TURTLE)
    assert part and part <= full


def test_turtle_layout_matches_wikidata(conformance, lookup):
    """Byte for byte on the compact pair: prefix block, grouping with ` ;` and ` ,`."""
    expected = (conformance / "wikidata" / "ttl" / "Q17948861.ttl").read_text()
    assert ours(conformance, lookup, "Q17948861") == expected


def test_flavor_contents(conformance, lookup):
    entity, meta = wikidata_entity(conformance, "Q53713")
    wd = "<http://www.wikidata.org/"

    def predicates(flavor):
        found = triples(entity_rdf(entity, meta, lookup, flavor=flavor),
                        pyoxigraph.RdfFormat.TURTLE)
        return {p for _, p, _ in found}

    simple = predicates("simple")
    assert f"{wd}prop/direct/P31>" in simple  # truthy statements
    assert f"{wd}prop/P31>" not in simple  # no reified statements
    assert "<http://schema.org/softwareVersion>" in simple  # version info
    assert "<http://schema.org/inLanguage>" in simple  # sitelinks
    truthy = predicates("truthy-dump")
    assert f"{wd}prop/direct/P31>" in truthy
    assert "<http://schema.org/softwareVersion>" not in truthy
    assert "<http://schema.org/inLanguage>" not in truthy
    long = predicates("long")
    assert f"{wd}prop/qualifier/P580>" in long
    assert f"{wd}prop/direct/P31>" not in long
    assert not any("value-normalized" in p or "statement/value/" in p for p in long)
    full_dump = predicates("full-dump")
    assert "<http://wikiba.se/ontology#statements>" in full_dump  # page properties
    assert "<http://schema.org/softwareVersion>" not in full_dump
