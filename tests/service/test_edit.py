"""Create, edit, history, redirects and the uniqueness rules on real SQLite files."""

import msgspec
import pytest

from entitybase.model import Item, Property, SiteLink, Statement, Term, ValueSnak, entity_value
from entitybase.service import (
    EditConflict,
    EntityNotFound,
    EntityRedirected,
    PermissionDenied,
    RevisionNotFound,
    RuleViolation,
    Settings,
    open_service,
)

from .conftest import EDITOR


def item(label="Stockholm", description=None, **fields):
    labels = {"en": Term("en", label)} if label else {}
    descriptions = {"en": Term("en", description)} if description else {}
    return Item(labels=labels, descriptions=descriptions, **fields)


def add_claim(prop, target):
    def mutate(entity):
        snak = ValueSnak(property=prop, datavalue=entity_value(target), datatype="wikibase-item")
        entity.claims.setdefault(prop, []).append(Statement(mainsnak=snak))
        return f"/* wbsetclaim-create:2||1 */ [[Property:{prop}]]: [[{target}]]"
    return mutate


def set_label(text):
    def mutate(entity):
        entity.labels["en"] = Term("en", text)
        return f"/* wbsetlabel-set:1|en */ {text}"
    return mutate


def test_create_allocates_ids_and_fills_statements(service):
    first = service.create(item(), user=EDITOR)
    second = service.create(item("Oslo"), user=EDITOR, comment="new", tags=["t"])
    assert (first.entity.id, second.entity.id) == ("Q1", "Q2")
    assert second.revision.comment == "new"
    assert second.revision.tags == ["t"]
    assert second.revision.revision_id > first.revision.revision_id
    assert second.meta.title == "Q2" and second.meta.ns == 0
    edited = service.edit("Q1", add_claim("P31", "Q5"), user=EDITOR)
    statement = edited.entity.claims["P31"][0]
    assert statement.id.startswith("Q1$") and len(statement.id) == 39
    assert statement.mainsnak.hash == "ad7d38a03cdd40cdc373de0dc4e7b7fcbccb31d9"


def test_id_minimum_and_property_ids(tmp_path):
    service = open_service(tmp_path, Settings(id_minimums={"item": 1000}))
    assert service.create(item(), user=EDITOR).entity.id == "Q1000"
    created = service.create(Property(datatype="string", labels={"en": Term("en", "x")}),
                             user=EDITOR)
    assert created.entity.id == "P1"
    assert service.property_datatype("P1") == "string"
    service.close()


def test_edit_comment_history_and_old_revisions(service):
    created = service.create(item(), user=EDITOR)
    edited = service.edit("Q1", set_label("Stockholm city"), user=EDITOR, comment="fix")
    assert edited.revision.comment == "/* wbsetlabel-set:1|en */ Stockholm city, fix"
    assert edited.revision.parent_id == created.revision.revision_id
    old = service.get("Q1", created.revision.revision_id)
    assert old.entity.labels["en"].value == "Stockholm"
    assert service.get("Q1").entity.labels["en"].value == "Stockholm city"
    for n in range(3):
        service.edit("Q1", set_label(f"S{n}"), user=EDITOR)
    page, cursor = service.history("Q1", limit=2)
    assert [r.revision_id for r in page] == sorted([r.revision_id for r in page], reverse=True)
    rest, end = service.history("Q1", limit=10, before=cursor)
    assert end is None and len(page) + len(rest) == 5
    with pytest.raises(RevisionNotFound):
        service.get("Q1", 999999)
    with pytest.raises(EntityNotFound):
        service.get("Q404")


def test_unchanged_edit_makes_no_revision(service):
    created = service.create(item(), user=EDITOR)
    same = service.edit("Q1", lambda entity: None, user=EDITOR)
    assert same.revision.revision_id == created.revision.revision_id


def test_base_revision_conflict(service):
    created = service.create(item(), user=EDITOR)
    service.edit("Q1", set_label("A"), user=EDITOR)
    with pytest.raises(EditConflict) as error:
        service.edit("Q1", set_label("B"), user=EDITOR, base_revision=created.revision.revision_id)
    assert error.value.code == "edit-conflict"


def test_anonymous_edits_are_refused(service):
    with pytest.raises(PermissionDenied):
        service.create(item(), user=None)


def test_sitelink_conflict(service):
    service.create(item(sitelinks={"enwiki": SiteLink(site="enwiki", title="Stockholm")}),
                   user=EDITOR)
    with pytest.raises(RuleViolation) as error:
        service.create(item("Other", sitelinks={"enwiki": SiteLink(site="enwiki",
                                                                   title="Stockholm")}),
                       user=EDITOR)
    assert error.value.code == "data-policy-violation"
    assert error.value.context == {"violation": "sitelink-conflict",
                                   "violation_context": {"conflicting_item_id": "Q1"}}


def test_label_description_and_property_label_rules(service):
    service.create(item("Paris", "capital of France"), user=EDITOR)
    service.create(item("Paris", "city in Texas"), user=EDITOR)
    with pytest.raises(RuleViolation) as error:
        service.edit("Q2", lambda e: e.descriptions.update(en=Term("en", "capital of France")),
                     user=EDITOR)
    assert error.value.context["violation"] == "item-label-description-duplicate"
    assert error.value.context["violation_context"] == {"language": "en",
                                                         "conflicting_item_id": "Q1"}
    assert service.get("Q2").entity.descriptions["en"].value == "city in Texas"
    with pytest.raises(RuleViolation) as error:
        service.create(item("same", "same"), user=EDITOR)
    assert error.value.context["violation"] == "label-description-same-value"
    service.create(Property(datatype="string", labels={"en": Term("en", "color")}), user=EDITOR)
    with pytest.raises(RuleViolation) as error:
        service.create(Property(datatype="url", labels={"en": Term("en", "color")}), user=EDITOR)
    assert error.value.context["violation"] == "property-label-duplicate"
    assert error.value.context["violation_context"]["conflicting_property_id"] == "P1"
    # a released key can be taken: rename Q1, then Q2 may use the pair
    service.edit("Q1", set_label("Paris, France"), user=EDITOR)
    service.edit("Q2", lambda e: e.descriptions.update(en=Term("en", "capital of France")),
                 user=EDITOR)


def test_failed_edit_leaves_nothing(service):
    service.create(item("Paris", "capital of France"), user=EDITOR)
    service.create(item("Paris", "city in Texas"), user=EDITOR)
    with service.store.read() as conn:
        before = service.store.content_stats(conn), service.store.events(conn, limit=1000)
    with pytest.raises(RuleViolation):
        service.edit("Q2", lambda e: e.descriptions.update(en=Term("en", "capital of France")),
                     user=EDITOR)
    with service.store.read() as conn:
        after = service.store.content_stats(conn), service.store.events(conn, limit=1000)
    assert after == before
    assert len(service.history("Q2")[0]) == 1


def test_outbox_has_one_event_per_revision(service):
    service.create(item(), user=EDITOR)
    service.edit("Q1", set_label("X"), user=EDITOR)
    with service.store.read() as conn:
        events = service.store.events(conn)
    assert [(e["type"], e["entity_id"]) for e in events] == [("create", "Q1"), ("edit", "Q1")]
    assert events[1]["parent_id"] == events[0]["revision_id"]


def test_redirect(service):
    service.create(item("A"), user=EDITOR)
    service.create(item("B"), user=EDITOR)
    info = service.redirect("Q1", "Q2", user=EDITOR)
    with pytest.raises(EntityRedirected) as error:
        service.get("Q1")
    assert error.value.target_id == "Q2"
    redirect = service.get("Q1", info.revision_id)
    assert redirect.redirect_to == "Q2"
    with pytest.raises(EntityRedirected):
        service.edit("Q1", set_label("C"), user=EDITOR)
    with pytest.raises(RuleViolation):
        service.redirect("Q2", "Q2", user=EDITOR)
    assert len(service.history("Q1")[0]) == 2


def test_lexeme_parts_get_ids(service, conformance):
    from entitybase.model import Form, Lexeme
    lexeme = Lexeme(lemmas={"en": Term("en", "run")}, lexicalCategory="Q24905",
                    language="Q1860", forms=[Form(representations={"en": Term("en", "ran")})])
    created = service.create(lexeme, user=EDITOR)
    assert created.entity.id == "L1"
    assert created.entity.forms[0].id == "L1-F1"
    assert service.get("L1").entity.forms[0].representations["en"].value == "ran"


def test_sites_languages_and_users(service, sites, conformance):
    import json
    assert service.language_fallbacks("de-at") == ["de-at", "mul", "en"]
    assert service.is_valid_language("de") and not service.is_valid_language("not a code")
    service.registry.load_languages(json.loads((conformance / "wikimedia/languages.json")
                                               .read_bytes()))
    assert service.language_fallbacks("de-at") == ["de-at", "de", "mul", "en"]
    assert not service.is_valid_language("xx-nonexistent")
    assert service.sitelink_url("enwiki", "Foo bar") is None
    service.registry.load_sites(sites)
    assert service.sitelink_url("enwiki", "Foo bar") == "https://en.wikipedia.org/wiki/Foo_bar"
    assert service.is_known_site("dewiki") and not service.is_known_site("nowhere")
    user, token = service.create_user("Alice", bot=True)
    assert service.authenticate(token) == user and user.bot
    assert service.authenticate("wrong") is None
    with pytest.raises(RuleViolation):
        service.create_user("Alice")


def test_entity_schema_round_trip(service):
    from entitybase.model import EntitySchema, write_storage_json
    schema = EntitySchema(labels={"en": "human"}, descriptions={"en": "a person"},
                          aliases={"en": ["person", "people"]},
                          schemaText="<human> { wdt:P31 [wd:Q5] }")
    created = service.create(schema, user=EDITOR)
    assert created.entity.id == "E1" and created.meta.title == "EntitySchema:E1"
    assert write_storage_json(service.get("E1").entity) == write_storage_json(created.entity)


def test_datatypes_come_from_stored_properties(service):
    from entitybase.model import PageMeta, parse_entity
    item_json = (b'{"type":"item","id":"Q7","claims":{"P9":[{"mainsnak":{"snaktype":"value",'
                 b'"property":"P9","datavalue":{"value":"x","type":"string"}},"type":"statement",'
                 b'"id":"Q7$1","rank":"normal"}]},"lastrevid":10}')
    service.import_entities([parse_entity(item_json)])
    assert service.get("Q7").entity.claims["P9"][0].mainsnak.datatype is msgspec.UNSET
    service.import_entities([(Property(id="P9", datatype="external-id"),
                              PageMeta(lastrevid=11))])
    assert service.get("Q7").entity.claims["P9"][0].mainsnak.datatype == "external-id"


def test_edit_reuses_unchanged_statements(service, conformance):
    from entitybase.model import parse_entity_data
    from entitybase.model.values import DataValue
    data = (conformance / "wikidata/entities/Q53713.json").read_bytes()
    service.import_entities(parse_entity_data(data))
    before = service.content_stats()

    def mutate(entity):
        statement = next(s for group in entity.claims.values() for s in group
                         if isinstance(getattr(s.mainsnak, "datavalue", None), DataValue)
                         and isinstance(s.mainsnak.datavalue.value, str))
        statement.mainsnak.datavalue = DataValue("a new value", "string")
        return "update"

    edited = service.edit("Q53713", mutate, user=EDITOR)
    after = service.content_stats()
    assert after[4]["parts"] == before[4]["parts"] + 1  # one new statement part
    assert after[1]["parts"] == before[1]["parts"] + 1  # one new snak
    fresh = open_service(service.store.data_dir)  # cold caches: rendered from the store
    assert fresh.get("Q53713").entity == edited.entity
    fresh.close()
