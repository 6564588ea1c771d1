"""The Wikibase REST API v1 JSON shape: model objects to REST JSON and REST request JSON back.

REST JSON differs from Wikibase JSON (see the spec's data_format_differences.md): flat terms,
`statements` instead of `claims`, statements as `{id, rank, property, value, qualifiers,
references}` with `value: {type, content?}`. Parsing validates as Wikibase's REST API does and
raises `RestError` with its error codes and JSON-pointer paths (relative to the request body).
"""

import re
from collections.abc import Callable

import msgspec
from msgspec import UNSET

from . import ids
from .entities import (
    DATATYPES,
    Item,
    NoValueSnak,
    Property,
    Reference,
    SiteLink,
    Snak,
    SomeValueSnak,
    Statement,
    Term,
    ValueSnak,
)
from .values import DataValue, EntityIdValue, EntitySchemaIdValue, TimeValue, ValueRuleError

DatatypeOf = Callable[[str], "str | None"]

LABEL_MAX = 250
DESCRIPTION_MAX = 250
ALIAS_MAX = 250
COMMENT_MAX = 500
STRING_MAX = 1500

VALUE_TYPES = {
    "commonsMedia": "string", "entity-schema": "wikibase-entityid", "external-id": "string",
    "geo-shape": "string", "globe-coordinate": "globecoordinate", "math": "string",
    "monolingualtext": "monolingualtext", "musical-notation": "string", "quantity": "quantity",
    "string": "string", "tabular-data": "string", "time": "time", "url": "string",
    "wikibase-form": "wikibase-entityid", "wikibase-item": "wikibase-entityid",
    "wikibase-lexeme": "wikibase-entityid", "wikibase-property": "wikibase-entityid",
    "wikibase-sense": "wikibase-entityid",
}
_ENTITY_KINDS = {
    "wikibase-item": "item", "wikibase-property": "property", "wikibase-lexeme": "lexeme",
    "wikibase-form": "form", "wikibase-sense": "sense", "entity-schema": "entity-schema",
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]+)*$", re.IGNORECASE)
_SITE_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


class RestError(Exception):
    """A REST API error: Wikibase's error code, message and context."""

    def __init__(self, code: str, message: str, context: dict | None = None, value=UNSET):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.context = context
        self.value = value  # the offending value, for patch-result errors

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.context is not None:
            body["context"] = self.context
        return body


# --- errors, named as Wikibase's UseCaseError factories -------------------------------------

def invalid_value(path: str, value=UNSET) -> RestError:
    return RestError("invalid-value", f"Invalid value at '{path}'", {"path": path}, value)


def missing_field(path: str, field: str) -> RestError:
    return RestError("missing-field", "Required field missing", {"path": path, "field": field})


def invalid_key(path: str, key: str) -> RestError:
    return RestError("invalid-key", f"Invalid key '{key}' in '{path}'", {"path": path, "key": key})


def value_too_long(path: str, limit: int) -> RestError:
    return RestError("value-too-long", "The input value is too long",
                     {"path": path, "limit": limit})


def read_only(path: str) -> RestError:
    return RestError("cannot-modify-read-only-value", "The input value cannot be modified",
                     {"path": path})


def referenced_not_found(path: str, value=UNSET) -> RestError:
    return RestError("referenced-resource-not-found", "The referenced resource does not exist",
                     {"path": path}, value)


def resource_not_found(resource_type: str) -> RestError:
    return RestError("resource-not-found", "The requested resource does not exist",
                     {"resource_type": resource_type})


def policy_violation(violation: str, context: dict) -> RestError:
    return RestError("data-policy-violation", "Edit violates data policy",
                     {"violation": violation, "violation_context": context})


def group_mismatch(path: str, group: str, actual: str) -> RestError:
    return RestError(
        "statement-group-property-id-mismatch",
        "Statement's Property ID does not match the Statement group key",
        {"path": path, "statement_group_property_id": group, "statement_property_id": actual})


def as_patch_result(error: RestError) -> RestError:
    """The error a patch result gets for what would be `error` in a request body."""
    ctx = error.context or {}
    path = ctx.get("path", "")
    if error.code == "invalid-value":
        return RestError("patch-result-invalid-value", "Invalid value in patch result",
                         {"path": path, "value": None if error.value is UNSET else error.value})
    if error.code == "missing-field":
        return RestError("patch-result-missing-field", "Required field missing in patch result",
                         ctx)
    if error.code == "invalid-key":
        return RestError("patch-result-invalid-key", "Invalid key in patch result", ctx)
    if error.code == "value-too-long":
        return RestError("patch-result-value-too-long", "Patched value is too long", ctx)
    if error.code == "cannot-modify-read-only-value":
        return RestError("patch-result-modified-read-only-value",
                         "Read only value in patch result cannot be modified", ctx)
    if error.code == "referenced-resource-not-found":
        return RestError("patch-result-referenced-resource-not-found",
                         "The referenced resource does not exist",
                         {"path": path, "value": None if error.value is UNSET else error.value})
    if error.code == "statement-group-property-id-mismatch":
        return RestError("patched-statement-group-property-id-mismatch", error.message, ctx)
    return error


# --- model -> REST JSON ---------------------------------------------------------------------

def value_content(datavalue: DataValue):
    """The REST `content` of a data value."""
    value = datavalue.value
    if isinstance(value, str):
        return value
    if isinstance(value, (EntityIdValue, EntitySchemaIdValue)):
        return value.id
    if isinstance(value, TimeValue):
        return {"time": value.time, "precision": value.precision,
                "calendarmodel": value.calendarmodel}
    return msgspec.to_builtins(value)


def _datatype(snak: Snak, datatype_of: DatatypeOf):
    return snak.datatype or datatype_of(snak.property)


def property_value(snak: Snak, datatype_of: DatatypeOf) -> dict:
    """A snak as a REST property-value pair."""
    if isinstance(snak, ValueSnak):
        value = {"type": "value", "content": value_content(snak.datavalue)}
    else:
        value = {"type": "somevalue" if isinstance(snak, SomeValueSnak) else "novalue"}
    return {"property": {"id": snak.property, "data_type": _datatype(snak, datatype_of)},
            "value": value}


def _pairs(snaks: dict, order, datatype_of: DatatypeOf) -> list:
    if not snaks:
        return []
    return [property_value(snak, datatype_of) for prop in (order or snaks) for snak in snaks[prop]]


def statement_json(statement: Statement, datatype_of: DatatypeOf) -> dict:
    pair = property_value(statement.mainsnak, datatype_of)
    return {
        "id": statement.id,
        "rank": statement.rank,
        "property": pair["property"],
        "value": pair["value"],
        "qualifiers": _pairs(statement.qualifiers, statement.qualifiers_order, datatype_of),
        "references": [
            {"hash": ref.hash or None,
             "parts": _pairs(ref.snaks, ref.snaks_order, datatype_of)}
            for ref in statement.references or ()
        ],
    }


def statements_json(claims: dict, datatype_of: DatatypeOf, property_id: str | None = None) -> dict:
    return {prop: [statement_json(s, datatype_of) for s in group]
            for prop, group in claims.items() if property_id is None or prop == property_id}


def terms_json(terms: dict) -> dict:
    return {language: term.value for language, term in terms.items()}


def aliases_json(aliases: dict) -> dict:
    return {language: [term.value for term in terms] for language, terms in aliases.items()}


def sitelink_json(link: SiteLink, url: str | None = None) -> dict:
    body = {"title": link.title, "badges": list(link.badges)}
    url = url or link.url or None
    if url:
        body["url"] = url
    return body


def sitelinks_json(sitelinks: dict, url_of: Callable | None = None) -> dict:
    return {site: sitelink_json(link, url_of(site, link.title) if url_of else None)
            for site, link in sitelinks.items()}


ITEM_FIELDS = ("type", "labels", "descriptions", "aliases", "statements", "sitelinks")
PROPERTY_FIELDS = ("type", "data_type", "labels", "descriptions", "aliases", "statements")


def item_json(item: Item, datatype_of: DatatypeOf, url_of: Callable | None = None,
              fields=ITEM_FIELDS) -> dict:
    parts = {
        "type": lambda: "item",
        "labels": lambda: terms_json(item.labels),
        "descriptions": lambda: terms_json(item.descriptions),
        "aliases": lambda: aliases_json(item.aliases),
        "statements": lambda: statements_json(item.claims, datatype_of),
        "sitelinks": lambda: sitelinks_json(item.sitelinks, url_of),
    }
    body = {"id": item.id}
    body.update((name, make()) for name, make in parts.items() if name in fields)
    return body


def property_json(prop: Property, datatype_of: DatatypeOf, fields=PROPERTY_FIELDS) -> dict:
    parts = {
        "type": lambda: "property",
        "data_type": lambda: prop.datatype,
        "labels": lambda: terms_json(prop.labels),
        "descriptions": lambda: terms_json(prop.descriptions),
        "aliases": lambda: aliases_json(prop.aliases),
        "statements": lambda: statements_json(prop.claims, datatype_of),
    }
    body = {"id": prop.id}
    body.update((name, make()) for name, make in parts.items() if name in fields)
    return body


def entity_json(entity, datatype_of: DatatypeOf, url_of: Callable | None = None) -> dict:
    if isinstance(entity, Item):
        return item_json(entity, datatype_of, url_of)
    return property_json(entity, datatype_of)


# --- REST JSON -> model ---------------------------------------------------------------------

def _is_object(value) -> bool:
    return isinstance(value, dict)


def _require(data: dict, field: str, path: str):
    if field not in data:
        raise missing_field(path, field)
    return data[field]


def _object(data: dict, field: str, path: str) -> dict:
    value = _require(data, field, path)
    if not _is_object(value):
        raise invalid_value(f"{path}/{field}", value)
    return value


def _string(data: dict, field: str, path: str) -> str:
    value = _require(data, field, path)
    if not isinstance(value, str):
        raise invalid_value(f"{path}/{field}", value)
    return value


def parse_property_id(text, path: str) -> str:
    if not isinstance(text, str) or not re.match(ids.PROPERTY_ID, text) or text[0] != "P":
        raise invalid_value(path, text)
    return text


def _entity_value(datatype: str, content, path: str) -> DataValue:
    if not isinstance(content, str):
        raise invalid_value(path, content)
    try:
        kind = ids.entity_type(content)
    except ValueError:
        raise invalid_value(path, content) from None
    if kind != _ENTITY_KINDS[datatype] or content != content.upper():
        raise invalid_value(path, content)
    from .values import entity_value
    return entity_value(content)


def _time_value(value: dict, path: str) -> DataValue:
    content = value["content"]
    if not _is_object(content):
        raise invalid_value(f"{path}/content", content)
    for field in ("time", "precision", "calendarmodel"):
        _require(content, field, path)
    if not isinstance(content["time"], str) or not isinstance(content["calendarmodel"], str):
        raise invalid_value(f"{path}/content", content)
    if not isinstance(content["precision"], int) or isinstance(content["precision"], bool):
        raise invalid_value(f"{path}/content", content)
    raw = {"time": content["time"], "timezone": 0, "before": 0, "after": 0,
           "precision": content["precision"], "calendarmodel": content["calendarmodel"]}
    return _decode_value(raw, "time", f"{path}/content", content)


def _decode_value(raw, value_type: str, path: str, original) -> DataValue:
    try:
        return msgspec.convert({"value": raw, "type": value_type}, DataValue)
    except (msgspec.ValidationError, ValueRuleError, ValueError, TypeError):
        raise invalid_value(path, original) from None


_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s]+$", re.IGNORECASE)


def _string_value(datatype: str, content, path: str) -> DataValue:
    if not isinstance(content, str) or not content.strip() or len(content) > STRING_MAX:
        raise invalid_value(path, content)
    if content != content.strip() and datatype in ("string", "external-id", "url"):
        raise invalid_value(path, content)
    if datatype == "url" and not _URL.match(content):
        raise invalid_value(path, content)
    return DataValue(content, "string")


def parse_value(datatype: str, value: dict, path: str) -> DataValue:
    """The data value of a REST `value` object of type "value" for a property of `datatype`."""
    content = _require(value, "content", path)
    value_type = VALUE_TYPES.get(datatype)
    if value_type == "string":
        return _string_value(datatype, content, f"{path}/content")
    if value_type == "wikibase-entityid":
        return _entity_value(datatype, content, f"{path}/content")
    if value_type == "time":
        return _time_value(value, path)
    if value_type is None or not _is_object(content):
        raise invalid_value(f"{path}/content", content)
    return _decode_value(content, value_type, f"{path}/content", content)


def parse_property_value(data, path: str, datatype_of: DatatypeOf) -> Snak:
    """A REST property-value pair (main value, qualifier or reference part) as a snak."""
    if not _is_object(data):
        raise invalid_value(path, data)
    prop = _object(data, "property", path)
    prop_id = _string(prop, "id", f"{path}/property")
    value = _object(data, "value", path)
    value_type = _string(value, "type", f"{path}/value")
    prop_id = parse_property_id(prop_id, f"{path}/property/id")
    datatype = datatype_of(prop_id)
    if datatype is None:
        raise referenced_not_found(f"{path}/property/id", prop_id)
    if value_type == "novalue":
        return NoValueSnak(property=prop_id, datatype=datatype)
    if value_type == "somevalue":
        return SomeValueSnak(property=prop_id, datatype=datatype)
    if value_type != "value":
        raise invalid_value(f"{path}/value/type", value_type)
    datavalue = parse_value(datatype, value, f"{path}/value")
    return ValueSnak(property=prop_id, datavalue=datavalue, datatype=datatype)


def _snak_groups(snaks: list) -> tuple[dict, list]:
    groups: dict[str, list] = {}
    for snak in snaks:
        groups.setdefault(snak.property, []).append(snak)
    return groups, list(groups)


def _list_field(data: dict, field: str, path: str) -> list:
    value = data.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid_value(f"{path}/{field}", value)
    return value


def _reference(data, path: str, datatype_of: DatatypeOf) -> Reference:
    if not _is_object(data):
        raise invalid_value(path, data)
    parts = _require(data, "parts", path)
    if not isinstance(parts, list):
        raise invalid_value(f"{path}/parts", parts)
    snaks = [parse_property_value(part, f"{path}/parts/{i}", datatype_of)
             for i, part in enumerate(parts)]
    groups, order = _snak_groups(snaks)
    return Reference(snaks=groups, snaks_order=order)


def parse_statement(data, path: str, datatype_of: DatatypeOf) -> Statement:
    """A REST statement (its `id` kept when given; the caller decides whether it may be)."""
    if not _is_object(data):
        raise invalid_value(path, data)
    guid = data.get("id")
    if guid is not None and not isinstance(guid, str):
        raise invalid_value(f"{path}/id", guid)
    rank = data.get("rank", "normal")
    if rank not in ("preferred", "normal", "deprecated"):
        raise invalid_value(f"{path}/rank", rank)
    qualifiers = _list_field(data, "qualifiers", path)
    references = _list_field(data, "references", path)
    mainsnak = parse_property_value(data, path, datatype_of)
    snaks = [parse_property_value(q, f"{path}/qualifiers/{i}", datatype_of)
             for i, q in enumerate(qualifiers)]
    refs = [_reference(r, f"{path}/references/{i}", datatype_of) for i, r in enumerate(references)]
    groups, order = _snak_groups(snaks)
    return Statement(mainsnak=mainsnak, qualifiers=groups, qualifiers_order=order or UNSET,
                     id=guid if guid else UNSET, rank=rank, references=refs)


def parse_statement_groups(data, path: str, datatype_of: DatatypeOf) -> dict:
    """`{"P31": [statement, ...]}`; group keys must match their statements' properties."""
    if not _is_object(data):
        raise invalid_value(path, data)
    claims = {}
    for key, group in data.items():
        if not re.match(ids.PROPERTY_ID, key) or key[0] != "P":
            raise invalid_key(path, key)
        if not isinstance(group, list):
            raise invalid_value(f"{path}/{key}", group)
        statements = []
        for i, item in enumerate(group):
            statement = parse_statement(item, f"{path}/{key}/{i}", datatype_of)
            if statement.property != key:
                raise group_mismatch(f"{path}/{key}/{i}/property/id", key, statement.property)
            statements.append(statement)
        if statements:
            claims[key] = statements
    return claims


def check_language(code, path: str, is_valid: Callable[[str], bool] | None = None) -> bool:
    """Whether `code` is a term language we accept."""
    if not isinstance(code, str) or not _LANGUAGE.match(code):
        return False
    return is_valid(code) if is_valid else True


def parse_term(text, path: str, limit: int) -> str:
    """A label, description or alias: a non-empty string within the length limit, trimmed."""
    if not isinstance(text, str):
        raise invalid_value(path, text)
    text = text.strip()
    if not text:
        raise invalid_value(path, text)
    if len(text) > limit:
        raise value_too_long(path, limit)
    return text


def parse_terms(data, path: str, limit: int, is_valid=None) -> dict:
    """Flat REST terms `{"en": "foo"}` as model terms."""
    if not _is_object(data):
        raise invalid_value(path, data)
    terms = {}
    for language, text in data.items():
        if not check_language(language, path, is_valid):
            raise invalid_key(path, language)
        terms[language] = Term(language, parse_term(text, f"{path}/{language}", limit))
    return terms


def parse_alias_list(data, path: str) -> list[str]:
    """A list of aliases in one language: non-empty, duplicates dropped, order kept."""
    if not isinstance(data, list) or not data:
        raise invalid_value(path, data)
    aliases = []
    for i, text in enumerate(data):
        alias = parse_term(text, f"{path}/{i}", ALIAS_MAX)
        if alias not in aliases:
            aliases.append(alias)
    return aliases


def parse_aliases(data, path: str, is_valid=None) -> dict:
    if not _is_object(data):
        raise invalid_value(path, data)
    aliases = {}
    for language, texts in data.items():
        if not check_language(language, path, is_valid):
            raise invalid_key(path, language)
        aliases[language] = [Term(language, text)
                             for text in parse_alias_list(texts, f"{path}/{language}")]
    return aliases


def parse_sitelink(data, site: str, path: str) -> SiteLink:
    if not _is_object(data):
        raise invalid_value(path, data)
    title = _require(data, "title", path)
    if not isinstance(title, str) or not title.strip():
        raise invalid_value(f"{path}/title", title)
    badges = data.get("badges", [])
    if not isinstance(badges, list):
        raise invalid_value(f"{path}/badges", badges)
    for i, badge in enumerate(badges):
        if not isinstance(badge, str) or not re.match(ids.ITEM_ID, badge) or badge[0] != "Q":
            raise invalid_value(f"{path}/badges/{i}", badge)
    return SiteLink(site=site, title=title.strip(), badges=list(dict.fromkeys(badges)))


def parse_sitelinks(data, path: str, is_known_site=None) -> dict:
    if not _is_object(data):
        raise invalid_value(path, data)
    links = {}
    for site, link in data.items():
        if not _SITE_ID.match(site) or (is_known_site and not is_known_site(site)):
            raise invalid_key(path, site)
        links[site] = parse_sitelink(link, site, f"{path}/{site}")
    return links


def check_label_description(labels: dict, descriptions: dict) -> None:
    """Wikibase forbids a label equal to the description in the same language."""
    for language, label in labels.items():
        description = descriptions.get(language)
        if description is not None and description.value == label.value:
            raise policy_violation("label-description-same-value", {"language": language})


class Validators:
    """What parsing needs to know about the deployment: datatypes, languages, sites."""

    def __init__(self, datatype_of: DatatypeOf, is_valid_language=None, is_known_site=None):
        self.datatype_of = datatype_of
        self.is_valid_language = is_valid_language
        self.is_known_site = is_known_site


def _entity_terms(data: dict, path: str, v: Validators) -> dict:
    parts = {}
    if "labels" in data:
        parts["labels"] = parse_terms(data["labels"], f"{path}/labels", LABEL_MAX,
                                      v.is_valid_language)
    if "descriptions" in data:
        parts["descriptions"] = parse_terms(data["descriptions"], f"{path}/descriptions",
                                            DESCRIPTION_MAX, v.is_valid_language)
    if "aliases" in data:
        parts["aliases"] = parse_aliases(data["aliases"], f"{path}/aliases", v.is_valid_language)
    if "statements" in data:
        parts["claims"] = parse_statement_groups(data["statements"], f"{path}/statements",
                                                 v.datatype_of)
    check_label_description(parts.get("labels", {}), parts.get("descriptions", {}))
    return parts


def parse_item(data, path: str, v: Validators, item_id: str | None = None) -> Item:
    """A REST item; `item_id` is the id it must keep (None: it must have none)."""
    if not _is_object(data):
        raise invalid_value(path, data)
    if data.get("id", item_id) != item_id:
        raise read_only(f"{path}/id")
    parts = _entity_terms(data, path, v)
    if "sitelinks" in data:
        parts["sitelinks"] = parse_sitelinks(data["sitelinks"], f"{path}/sitelinks",
                                             v.is_known_site)
    return Item(id=item_id or UNSET, **parts)


def parse_property(data, path: str, v: Validators, property_id: str | None = None,
                   datatype: str | None = None) -> Property:
    """A REST property; on a patch its id and data type are read only."""
    if not _is_object(data):
        raise invalid_value(path, data)
    if data.get("id", property_id) != property_id:
        raise read_only(f"{path}/id")
    given = _require(data, "data_type", path)
    if datatype is not None and given != datatype:
        raise read_only(f"{path}/data_type")
    if given not in DATATYPES:
        raise invalid_value(f"{path}/data_type", given)
    return Property(id=property_id or UNSET, datatype=given, **_entity_terms(data, path, v))


# --- edit metadata --------------------------------------------------------------------------

class EditMeta(msgspec.Struct, frozen=True):
    tags: tuple = ()
    bot: bool = False
    comment: str | None = None


def parse_edit_meta(body: dict) -> EditMeta:
    """`tags`, `bot`, `comment` of a write request body."""
    tags = body.get("tags", [])
    if not isinstance(tags, list):
        raise invalid_value("/tags", tags)
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise invalid_value(f"/tags/{i}", tag)
    bot = body.get("bot", False)
    if not isinstance(bot, bool):
        raise invalid_value("/bot", bot)
    comment = body.get("comment")
    if comment is not None:
        if not isinstance(comment, str):
            raise invalid_value("/comment", comment)
        if len(comment) > COMMENT_MAX:
            raise value_too_long("/comment", COMMENT_MAX)
    return EditMeta(tuple(tags), bot, comment or None)
