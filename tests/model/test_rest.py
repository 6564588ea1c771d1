"""The REST v1 JSON shape and the fine-grained changes, without storage."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entitybase.model import Item, Property, Term
from entitybase.model.entities import SiteLink
from entitybase.model.rest import (
    RestError,
    Validators,
    as_patch_result,
    item_json,
    parse_item,
    parse_property,
    parse_statement,
    parse_terms,
    property_json,
    statement_json,
)
from entitybase.service import changes

DATATYPES = {"P31": "wikibase-item", "P1": "string", "P2": "time", "P3": "quantity",
             "P4": "globe-coordinate", "P5": "monolingualtext", "P6": "url"}
datatype_of = DATATYPES.get

TIME = {"time": "+2023-06-13T00:00:00Z", "precision": 11,
        "calendarmodel": "http://www.wikidata.org/entity/Q1985727"}


def rest_statement(prop="P1", content="x", **extra):
    return {"property": {"id": prop}, "value": {"type": "value", "content": content}, **extra}


def test_statement_round_trip():
    data = {
        "id": "Q1$8B5B4A5C-0D57-4F47-8F0E-2C4F0E58C0A1", "rank": "preferred",
        "property": {"id": "P31", "data_type": "wikibase-item"},
        "value": {"type": "value", "content": "Q5"},
        "qualifiers": [{"property": {"id": "P2", "data_type": "time"},
                        "value": {"type": "value", "content": TIME}},
                       {"property": {"id": "P1", "data_type": "string"},
                        "value": {"type": "novalue"}}],
        "references": [{"hash": None, "parts": [
            {"property": {"id": "P6", "data_type": "url"},
             "value": {"type": "value", "content": "https://example.org/"}}]}],
    }
    statement = parse_statement(data, "/statement", datatype_of)
    assert statement.qualifiers_order == ["P2", "P1"]
    assert statement_json(statement, datatype_of) == data


def test_statement_values_by_datatype():
    for prop, content in [("P3", {"amount": "+1.5", "unit": "1"}),
                          ("P5", {"text": "Hej", "language": "sv"})]:
        statement = parse_statement(rest_statement(prop, content), "", datatype_of)
        assert statement_json(statement, datatype_of)["value"]["content"] == content
    coordinate = {"latitude": 1.5, "longitude": 2.5, "precision": 0.01,
                  "globe": "http://www.wikidata.org/entity/Q2"}
    statement = parse_statement(rest_statement("P4", coordinate), "", datatype_of)
    assert statement_json(statement, datatype_of)["value"]["content"]["altitude"] is None


@pytest.mark.parametrize("data, code, context", [
    ({"value": {"type": "novalue"}}, "missing-field", {"path": "/s", "field": "property"}),
    ({"property": {"id": "P1"}}, "missing-field", {"path": "/s", "field": "value"}),
    ({"property": {"id": "P1"}, "value": {}}, "missing-field",
     {"path": "/s/value", "field": "type"}),
    ({"property": "P1", "value": {"type": "novalue"}}, "invalid-value", {"path": "/s/property"}),
    ({"property": {"id": "P404"}, "value": {"type": "novalue"}},
     "referenced-resource-not-found", {"path": "/s/property/id"}),
    (rest_statement("P31", "P5"), "invalid-value", {"path": "/s/value/content"}),
    (rest_statement("P6", "not a url"), "invalid-value", {"path": "/s/value/content"}),
    (rest_statement("P1", " padded "), "invalid-value", {"path": "/s/value/content"}),
    (rest_statement("P2", {"time": "+2023-06-13T00:00:00Z", "precision": 11}),
     "missing-field", {"path": "/s/value", "field": "calendarmodel"}),
    (rest_statement("P3", {"amount": "1", "unit": "1"}), "invalid-value",
     {"path": "/s/value/content"}),
    (rest_statement(qualifiers={}), "invalid-value", {"path": "/s/qualifiers"}),
    (rest_statement(references=[{"parts": [5]}]), "invalid-value",
     {"path": "/s/references/0/parts/0"}),
])
def test_statement_errors(data, code, context):
    with pytest.raises(RestError) as caught:
        parse_statement(data, "/s", datatype_of)
    assert (caught.value.code, caught.value.context) == (code, context)


def test_patch_result_errors_carry_the_value():
    with pytest.raises(RestError) as caught:
        parse_terms({"en": ""}, "", 250)
    error = as_patch_result(caught.value)
    assert error.code == "patch-result-invalid-value"
    assert error.context == {"path": "/en", "value": ""}


def test_item_and_property_json():
    item = Item(id="Q1", labels={"en": Term("en", "a")}, aliases={"en": [Term("en", "b")]},
                sitelinks={"enwiki": SiteLink(site="enwiki", title="A")})
    body = item_json(item, datatype_of, lambda site, title: f"https://x/{title}")
    assert body == {"id": "Q1", "type": "item", "labels": {"en": "a"}, "descriptions": {},
                    "aliases": {"en": ["b"]}, "statements": {},
                    "sitelinks": {"enwiki": {"title": "A", "badges": [],
                                             "url": "https://x/A"}}}
    validators = Validators(datatype_of)
    assert item_json(parse_item(body, "", validators, "Q1"), datatype_of,
                     lambda s, t: f"https://x/{t}") == body
    prop = Property(id="P9", datatype="url", descriptions={"en": Term("en", "d")})
    assert list(property_json(prop, datatype_of)) == [
        "id", "type", "data_type", "labels", "descriptions", "aliases", "statements"]
    with pytest.raises(RestError) as caught:
        parse_property({"data_type": "string"}, "", validators, "P9", "url")
    assert caught.value.code == "cannot-modify-read-only-value"


def test_label_equal_to_description_is_a_policy_violation():
    with pytest.raises(RestError) as caught:
        parse_item({"labels": {"en": "x"}, "descriptions": {"en": "x"}}, "/item",
                   Validators(datatype_of))
    assert caught.value.context == {"violation": "label-description-same-value",
                                    "violation_context": {"language": "en"}}


def test_summaries():
    item = Item(id="Q42")
    assert changes.set_label(item, "en", "Douglas") == "/* wbsetlabel-add:1|en */ Douglas"
    assert changes.set_label(item, "en", "D. A.") == "/* wbsetlabel-set:1|en */ D. A."
    assert changes.remove_label(item, "en") == "/* wbsetlabel-remove:1|en */ D. A."
    assert changes.set_description(item, "de", "x") == "/* wbsetdescription-add:1|de */ x"
    assert changes.add_aliases(item, "en", ["a", "b"]) == "/* wbsetaliases-add:2|en */ a, b"
    link = SiteLink(site="enwiki", title="Douglas Adams")
    assert changes.set_sitelink(item, link) == \
        "/* wbsetsitelink-add:1|enwiki */ Douglas Adams"
    badged = SiteLink(site="enwiki", title="Douglas Adams", badges=["Q17437796"])
    assert changes.set_sitelink(item, badged) == \
        "/* wbsetsitelink-set-badges:1|enwiki */ Q17437796"
    statement = parse_statement(rest_statement("P31", "Q5"), "", datatype_of)
    assert changes.add_statement(item, statement) == \
        "/* wbsetclaim-create:2||1 */ [[Property:P31]]: [[Q5]]"
    assert statement.id.startswith("Q42$")
    assert changes.remove_statement(item, statement.id) == \
        "/* wbremoveclaims-remove:1| */ [[Property:P31]]: [[Q5]]"
    assert changes.replace_labels(item, {"fr": Term("fr", "x")}) == \
        "/* wbeditentity-update-languages-short:0||fr */"
    assert changes.create_summary(Property(datatype="url")) == \
        "/* wbeditentity-create-property:0| */"
    with pytest.raises(RestError) as caught:
        changes.remove_sitelink(Item(id="Q1"), "dewiki")
    assert caught.value.context == {"resource_type": "sitelink"}


def test_json_patch():
    assert changes.apply_patch({"a": [1]}, [{"op": "add", "path": "/a/-", "value": 2}]) == \
        {"a": [1, 2]}
    with pytest.raises(RestError) as caught:
        changes.apply_patch({"a": 1}, [{"op": "copy", "from": "/b", "path": "/c"}])
    assert caught.value.context == {"path": "/patch/0/from"}
    with pytest.raises(RestError) as caught:
        changes.check_patch([{"op": "add", "path": 5, "value": 1}])
    assert caught.value.context == {"path": "/patch/0/path"}


# --- arbitrary JSON: parsing raises RestError or succeeds, never anything else ----------------


KEYS = st.sampled_from(["property", "id", "value", "type", "content", "qualifiers",
                        "references", "parts", "rank", "labels", "descriptions", "aliases",
                        "statements", "sitelinks", "title", "badges", "data_type", "time",
                        "precision", "calendarmodel", "amount", "unit", "latitude",
                        "longitude", "text", "language", "en", "P1", "P31", "enwiki"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.sampled_from(["", "x", "Q5", "P1", "P31", "value", "novalue",
                                     "somevalue", "normal", "string", "+1", "1",
                                     "+2001-01-01T00:00:00Z", "http://x.org/"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=20)


def _only_rest_errors(parse, data):
    try:
        parse(data)
    except RestError:
        pass


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_parsers_raise_only_rest_errors(data):
    validators = Validators(datatype_of, None, lambda site: site == "enwiki")
    _only_rest_errors(lambda d: parse_statement(d, "/s", datatype_of), data)
    _only_rest_errors(lambda d: parse_item(d, "/item", validators), data)
    _only_rest_errors(lambda d: parse_property(d, "/property", validators), data)
    _only_rest_errors(lambda d: parse_terms(d, "", 250), data)
    _only_rest_errors(lambda d: changes.apply_patch({"a": 1}, changes.check_patch(d)), data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(DATATYPES)), JSON, JSON)
def test_values_of_every_datatype_raise_only_rest_errors(prop, content, qualifier):
    data = {"property": {"id": prop}, "value": {"type": "value", "content": content},
            "qualifiers": [{"property": {"id": prop},
                            "value": {"type": "value", "content": qualifier}}]}
    _only_rest_errors(lambda d: parse_statement(d, "/s", datatype_of), data)
    _only_rest_errors(lambda d: parse_statement(d, "/s", datatype_of),
                      {**data, "value": {"type": "value", "content": {"time": content,
                                                                       "precision": qualifier,
                                                                       "calendarmodel": "x"}}})


def test_time_values_in_summaries():
    statement = parse_statement(rest_statement("P2", TIME), "", datatype_of)
    assert changes.snak_summary(statement.mainsnak) == "[[Property:P2]]: 13 June 2023"
    year = {**TIME, "precision": 9}
    statement = parse_statement(rest_statement("P2", year), "", datatype_of)
    assert changes.snak_summary(statement.mainsnak) == "[[Property:P2]]: 2023"
