"""Property-based round trips over generated entities."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from entitybase.model import (
    all_statements, fill_hashes, parse_entity, parse_entity_data, write_dump_line,
    write_entity_data, write_storage_json,
)
from entitybase.model.php import php_float

languages = st.sampled_from(["en", "de", "fr", "zh-hans", "be-tarask", "mul", "ru"])
texts = st.text(min_size=1, max_size=30)
numbers = st.integers(min_value=1, max_value=10**9)
property_ids = numbers.map(lambda n: f"P{n}")
item_ids = numbers.map(lambda n: f"Q{n}")
decimals = st.builds(
    lambda sign, whole, frac: f"{sign}{whole}{'.' + frac if frac else ''}",
    st.sampled_from("+-"), st.integers(0, 10**12), st.from_regex(r"\A(\d{1,6})?\Z"))
# -0.0 is written "-0" (as PHP does) and read back as 0: not a fixed point, leave it out.
finite = st.floats(min_value=-90, max_value=90, allow_nan=False, allow_infinity=False).map(
    lambda x: x + 0.0)


def datavalue():
    entity = numbers.flatmap(lambda n: st.sampled_from([
        {"entity-type": "item", "numeric-id": n, "id": f"Q{n}"},
        {"entity-type": "property", "numeric-id": n, "id": f"P{n}"},
        {"entity-type": "lexeme", "numeric-id": n, "id": f"L{n}"},
        {"entity-type": "form", "id": f"L{n}-F{n % 7 + 1}"},
        {"entity-type": "sense", "id": f"L{n}-S{n % 7 + 1}"},
        {"id": f"E{n}", "entity-type": "entity-schema"},
    ]))
    time = st.builds(
        lambda y, m, d, p, cal: {
            "time": f"{y:+05d}-{m:02d}-{d:02d}T00:00:00Z", "timezone": 0, "before": 0,
            "after": 0, "precision": p,
            "calendarmodel": f"http://www.wikidata.org/entity/{cal}"},
        st.integers(-10**9, 10**9), st.integers(0, 12), st.integers(0, 31),
        st.integers(0, 14), st.sampled_from(["Q1985727", "Q1985786"]))
    quantity = st.builds(
        lambda a, u, b: {"amount": a, "unit": u, **({"upperBound": b[0], "lowerBound": b[1]}
                                                  if b else {})},
        decimals, st.sampled_from(["1", "http://www.wikidata.org/entity/Q11573"]),
        st.none() | st.tuples(decimals, decimals))
    globe = st.builds(
        lambda lat, lon, p: {"latitude": lat, "longitude": lon, "altitude": None,
                             "precision": p, "globe": "http://www.wikidata.org/entity/Q2"},
        finite, finite, st.none() | st.sampled_from([1e-05, 0.00027777777777778, 1.0, 0.1]))
    return st.one_of(
        texts.map(lambda t: {"value": t, "type": "string"}),
        entity.map(lambda v: {"value": v, "type": "wikibase-entityid"}),
        time.map(lambda v: {"value": v, "type": "time"}),
        quantity.map(lambda v: {"value": v, "type": "quantity"}),
        globe.map(lambda v: {"value": v, "type": "globecoordinate"}),
        st.builds(lambda t, lang: {"value": {"text": t, "language": lang},
                                   "type": "monolingualtext"}, texts, languages),
    )


def snak(prop: str):
    return st.one_of(
        datavalue().map(lambda dv: {"snaktype": "value", "property": prop, "datavalue": dv,
                                    "datatype": "string"}),
        st.sampled_from(["somevalue", "novalue"]).map(
            lambda kind: {"snaktype": kind, "property": prop, "datatype": "string"}),
    )


def snak_map():
    return st.dictionaries(property_ids, st.just(None), max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries(
            {p: st.lists(snak(p), min_size=1, max_size=2) for p in keys}))


def statement(subject: str, prop: str, n: int):
    return st.builds(
        lambda main, quals, refs, rank: {
            "mainsnak": main, "type": "statement",
            **({"qualifiers": quals, "qualifiers-order": list(quals)} if quals else {}),
            "id": f"{subject}$00000000-0000-4000-8000-{n:012d}", "rank": rank,
            **({"references": [{"snaks": r, "snaks-order": list(r)} for r in refs]}
               if refs else {}),
        },
        snak(prop), snak_map(), st.lists(snak_map().filter(bool), max_size=2),
        st.sampled_from(["preferred", "normal", "deprecated"]))


def claims(subject: str):
    return st.dictionaries(property_ids, st.just(None), max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({
            p: st.lists(statement(subject, p, i), min_size=1, max_size=2)
            for i, p in enumerate(keys)}))


def terms():
    return st.dictionaries(languages, texts, max_size=3).map(
        lambda d: {lang: {"language": lang, "value": v} for lang, v in d.items()})


def aliases():
    return st.dictionaries(languages, st.lists(texts, min_size=1, max_size=2), max_size=2).map(
        lambda d: {lang: [{"language": lang, "value": v} for v in vs] for lang, vs in d.items()})


items = item_ids.flatmap(lambda qid: st.builds(
    lambda labels, descriptions, als, cl, links: {
        "type": "item", "id": qid, "labels": labels, "descriptions": descriptions,
        "aliases": als, "claims": cl, "sitelinks": links},
    terms(), terms(), aliases(), claims(qid),
    st.dictionaries(st.sampled_from(["enwiki", "dewiki", "frwikisource"]), texts, max_size=2).map(
        lambda d: {s: {"site": s, "title": t, "badges": []} for s, t in d.items()})))

lexemes = numbers.flatmap(lambda n: st.builds(
    lambda lemmas, cl, forms, senses: {
        "type": "lexeme", "id": f"L{n}", "lemmas": lemmas, "lexicalCategory": "Q1084",
        "language": "Q1860", "claims": cl,
        "forms": [{"id": f"L{n}-F{i + 1}", "representations": r, "grammaticalFeatures": ["Q1"],
                   "claims": {}} for i, r in enumerate(forms)],
        "senses": [{"id": f"L{n}-S{i + 1}", "glosses": g, "claims": {}}
                   for i, g in enumerate(senses)]},
    terms().filter(bool), claims(f"L{n}"), st.lists(terms(), max_size=3),
    st.lists(terms(), max_size=2)))


def external(entity: dict) -> bytes:
    meta = {"pageid": 1, "ns": 0, "title": entity["id"], "lastrevid": 7,
            "modified": "2024-01-01T00:00:00Z"}
    return json.dumps({"entities": {entity["id"]: {**meta, **entity}}}).encode()


@settings(max_examples=150, deadline=None)
@given(st.one_of(items, lexemes))
def test_entity_data_round_trip(entity):
    records = parse_entity_data(external(entity))
    for parsed, _ in records:
        for statement_ in all_statements(parsed):
            fill_hashes(statement_)
    written = write_entity_data(*records)
    assert written.isascii()
    again = parse_entity_data(written)
    assert again == records
    assert write_entity_data(*again) == written
    expected = json.loads(external(entity))
    assert _without_hashes(json.loads(written)) == expected


@settings(max_examples=100, deadline=None)
@given(st.one_of(items, lexemes))
def test_storage_and_dump_round_trip(entity):
    parsed, meta = parse_entity_data(external(entity))[0]
    assert parse_entity(write_storage_json(parsed))[0] == _without_datatypes(parsed)
    assert parse_entity(write_dump_line(parsed, meta))[0].id == parsed.id


def _without_hashes(value):
    if isinstance(value, dict):
        return {k: _without_hashes(v) for k, v in value.items() if k != "hash"}
    if isinstance(value, list):
        return [_without_hashes(v) for v in value]
    return value


def _without_datatypes(entity):
    import msgspec
    return parse_entity(json.dumps(_drop(msgspec.to_builtins(entity), "datatype")).encode())[0]


def _drop(value, key):
    if isinstance(value, dict):
        return {k: _drop(v, key) for k, v in value.items() if not (k == key and "snaktype" in value)}
    if isinstance(value, list):
        return [_drop(v, key) for v in value]
    return value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_php_float_round_trips(value):
    assert float(php_float(value)) == value
