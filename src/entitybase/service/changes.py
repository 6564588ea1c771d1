"""Fine-grained changes to an entity and the Wikibase autosummary each one writes.

Each function changes the entity it is given in place and returns the autosummary, as
`Service.edit` expects of its `mutate` callback, e.g. `/* wbsetlabel-set:1|en */ Stockholm`.
Missing targets raise `RestError` with Wikibase's REST error code. Pure: no I/O.
"""

import copy

import jsonpatch
import jsonpointer

from ..model import ids
from ..model.entities import Item, SiteLink, Statement, Term, ValueSnak
from ..model.rest import RestError, resource_not_found
from ..model.values import (
    EntityIdValue,
    EntitySchemaIdValue,
    GlobeCoordinateValue,
    MonolingualTextValue,
    QuantityValue,
    TimeValue,
)

# Wikibase's ChangedLanguagesCounter::SHORTENED_SUMMARY_MAX_EDIT
SHORT_SUMMARY_LANGUAGES = 50


def autocomment(module_action: str, args: tuple = (), language: str = "",
                comment_args: tuple = ()) -> str:
    """`/* module-action:<number of summary args>|<language>|<comment args> */ <args>`."""
    parts = [str(len(args)), language, *map(str, comment_args)]
    summary = ", ".join(args)
    text = f"/* {module_action}:{'|'.join(parts)} */"
    return f"{text} {summary}" if summary else text


# --- terms ----------------------------------------------------------------------------------

def _set_term(terms: dict, module: str, language: str, text: str) -> str:
    action = "set" if language in terms else "add"
    terms[language] = Term(language, text)
    return autocomment(f"{module}-{action}", (text,), language)


def _remove_term(terms: dict, module: str, language: str, resource: str) -> str:
    if language not in terms:
        raise resource_not_found(resource)
    text = terms.pop(language).value
    return autocomment(f"{module}-remove", (text,), language)


def set_label(entity, language: str, text: str) -> str:
    return _set_term(entity.labels, "wbsetlabel", language, text)


def remove_label(entity, language: str) -> str:
    return _remove_term(entity.labels, "wbsetlabel", language, "label")


def set_description(entity, language: str, text: str) -> str:
    return _set_term(entity.descriptions, "wbsetdescription", language, text)


def remove_description(entity, language: str) -> str:
    return _remove_term(entity.descriptions, "wbsetdescription", language, "description")


def add_aliases(entity, language: str, aliases: list[str]) -> str:
    """Append aliases in one language; ones already there are left out."""
    present = entity.aliases.setdefault(language, [])
    known = {term.value for term in present}
    added = [alias for alias in aliases if alias not in known]
    present.extend(Term(language, alias) for alias in added)
    if not present:
        del entity.aliases[language]
    return autocomment("wbsetaliases-add", tuple(aliases), language)


def _changed_languages(before: dict, after: dict) -> list[str]:
    return [language for language in {**before, **after}
            if before.get(language) != after.get(language)]


def _languages_summary(changed: list[str], other_changes: bool = False) -> str:
    suffix = "-and-other" if other_changes else ""
    if len(changed) >= SHORT_SUMMARY_LANGUAGES:
        return autocomment(f"wbeditentity-update-languages{suffix}",
                           comment_args=(str(len(changed)),))
    if changed:
        return autocomment(f"wbeditentity-update-languages{suffix}-short",
                           comment_args=(", ".join(changed),))
    return autocomment("wbeditentity-update")


def replace_labels(entity, labels: dict) -> str:
    changed = _changed_languages(entity.labels, labels)
    entity.labels = labels
    return _languages_summary(changed)


def replace_descriptions(entity, descriptions: dict) -> str:
    changed = _changed_languages(entity.descriptions, descriptions)
    entity.descriptions = descriptions
    return _languages_summary(changed)


def replace_aliases(entity, aliases: dict) -> str:
    changed = _changed_languages(entity.aliases, aliases)
    entity.aliases = aliases
    return _languages_summary(changed)


# --- sitelinks ------------------------------------------------------------------------------

def set_sitelink(item: Item, link: SiteLink) -> str:
    """Add or replace the sitelink to `link.site`."""
    old = item.sitelinks.get(link.site)
    item.sitelinks[link.site] = link
    badges = ", ".join(link.badges)
    if old is None:
        action, args = ("add-both", (link.title, badges)) if link.badges else ("add", (link.title,))
    elif not link.badges:
        action, args = "set", (link.title,)
    elif old.title == link.title:
        action, args = "set-badges", (badges,)
    else:
        action, args = "set-both", (link.title, badges)
    return autocomment(f"wbsetsitelink-{action}", args, link.site)


def remove_sitelink(item: Item, site: str) -> str:
    if site not in item.sitelinks:
        raise resource_not_found("sitelink")
    link = item.sitelinks.pop(site)
    return autocomment("wbsetsitelink-remove", (link.title,), site)


def replace_sitelinks(item: Item, sitelinks: dict) -> str:
    item.sitelinks = sitelinks
    return autocomment("wbeditentity-update")


# --- statements -----------------------------------------------------------------------------

def _value_text(snak) -> str:
    if not isinstance(snak, ValueSnak):
        return "no value" if snak.__class__.__name__ == "NoValueSnak" else "unknown value"
    value = snak.datavalue.value
    if isinstance(value, str):
        return value
    if isinstance(value, (EntityIdValue, EntitySchemaIdValue)):
        return _link(value.id)
    if isinstance(value, MonolingualTextValue):
        return value.text
    if isinstance(value, TimeValue):
        return _time_text(value)
    if isinstance(value, QuantityValue):
        amount = value.amount.lstrip("+")
        return amount if value.unit == "1" else f"{amount} {value.unit}"
    if isinstance(value, GlobeCoordinateValue):
        return f"{value.latitude}, {value.longitude}"
    return "?"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_GREGORIAN = "http://www.wikidata.org/entity/Q1985727"


def _time_text(value: TimeValue) -> str:
    """Day, month and year precision of Gregorian dates as Wikibase's English plain text
    (`15 January 2001`); anything else as the time string."""
    year, month, day = value.time[1:].split("T")[0].split("-")
    if value.time[0] != "+" or value.calendarmodel != _GREGORIAN or value.precision < 9:
        return value.time
    year = str(int(year))
    if value.precision == 9 or month == "00":
        return year
    if value.precision == 10 or day == "00":
        return f"{_MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


_NAMESPACES = {"property": "Property:", "lexeme": "Lexeme:", "entity-schema": "EntitySchema:"}


def _link(entity_id: str) -> str:
    kind = ids.entity_type(entity_id)
    prefix = _NAMESPACES.get(kind, "Lexeme:" if kind in ("form", "sense") else "")
    return f"[[{prefix}{entity_id}]]"


def snak_summary(snak) -> str:
    """`[[Property:P31]]: [[Q5]]`, the autosummary argument of a statement edit."""
    return f"{_link(snak.property)}: {_value_text(snak)}"


def find_statement(entity, guid: str) -> tuple[list, int]:
    """The statement group holding `guid` and the statement's index in it."""
    for group in entity.claims.values():
        for index, statement in enumerate(group):
            if statement.id == guid:
                return group, index
    raise resource_not_found("statement")


def add_statement(entity, statement: Statement) -> str:
    """Append a statement; it gets a new GUID."""
    statement.id = ids.new_statement_guid(entity.id)
    entity.claims.setdefault(statement.property, []).append(statement)
    return _claim_summary("wbsetclaim-create", statement)


def _claim_summary(module_action: str, statement: Statement) -> str:
    text = snak_summary(statement.mainsnak)
    if module_action == "wbremoveclaims-remove":
        return f"/* {module_action}:1| */ {text}"
    return f"/* {module_action}:2||1 */ {text}"


def replace_statement(entity, guid: str, statement: Statement) -> str:
    """Replace the statement `guid`, keeping its position and GUID."""
    group, index = find_statement(entity, guid)
    if statement.property != group[index].property:
        raise RestError("cannot-modify-read-only-value", "The input value cannot be modified",
                        {"path": "/statement/property/id"})
    statement.id = guid
    group[index] = statement
    return _claim_summary("wbsetclaim-update", statement)


def remove_statement(entity, guid: str) -> str:
    group, index = find_statement(entity, guid)
    statement = group.pop(index)
    if not group:
        del entity.claims[statement.property]
    return _claim_summary("wbremoveclaims-remove", statement)


# --- whole entities -------------------------------------------------------------------------

def create_summary(entity) -> str:
    """`/* wbeditentity-create-item:0| */` (or `-create-property`)."""
    kind = "item" if isinstance(entity, Item) else "property"
    return autocomment(f"wbeditentity-create-{kind}")


def _term_languages(before, after) -> list[str]:
    changed = set()
    for name in ("labels", "descriptions", "aliases"):
        changed.update(_changed_languages(getattr(before, name), getattr(after, name)))
    return sorted(changed)


def replace_entity(entity, new) -> str:
    """Replace every part of an item or property (a patch of the whole entity)."""
    other = entity.claims != new.claims
    if isinstance(entity, Item):
        other = other or entity.sitelinks != new.sitelinks
        entity.sitelinks = new.sitelinks
    summary = _languages_summary(_term_languages(entity, new), other)
    for name in ("labels", "descriptions", "aliases", "claims"):
        setattr(entity, name, getattr(new, name))
    return summary


# --- JSON Patch -----------------------------------------------------------------------------

_OPERATIONS = {"add": ("path", "value"), "remove": ("path",), "replace": ("path", "value"),
               "move": ("from", "path"), "copy": ("from", "path"), "test": ("path", "value")}


def _patch_error(code: str, path: str, **context) -> RestError:
    messages = {"invalid-value": f"Invalid value at '{path}'",
                "missing-field": "Required field missing"}
    return RestError(code, messages[code], {"path": path, **context})


def check_patch(patch) -> list:
    """A JSON Patch document (RFC 6902) as Wikibase validates it."""
    if not isinstance(patch, list):
        raise _patch_error("invalid-value", "/patch")
    for index, operation in enumerate(patch):
        if not isinstance(operation, dict):
            raise _patch_error("invalid-value", "/patch")
        if "op" not in operation:
            raise _patch_error("missing-field", f"/patch/{index}", field="op")
        if operation["op"] not in _OPERATIONS:
            raise _patch_error("invalid-value", f"/patch/{index}/op")
        for field in _OPERATIONS[operation["op"]]:
            if field not in operation:
                raise _patch_error("missing-field", f"/patch/{index}", field=field)
            if field in ("path", "from") and not isinstance(operation[field], str):
                raise _patch_error("invalid-value", f"/patch/{index}/{field}")
    return patch


def _resolve(document, pointer: str):
    try:
        return jsonpointer.resolve_pointer(document, pointer)
    except (jsonpointer.JsonPointerException, TypeError):
        return None


def apply_patch(document, patch: list):
    """`document` with the JSON Patch applied; a failed test or missing target is a 409 error."""
    document = copy.deepcopy(document)
    for index, operation in enumerate(patch):
        try:
            document = jsonpatch.apply_patch(document, [operation])
        except jsonpatch.JsonPatchTestFailed:
            raise RestError("patch-test-failed", "Test operation in the provided patch failed",
                            {"path": f"/patch/{index}",
                             "actual_value": _resolve(document, operation["path"])}) from None
        except (jsonpatch.JsonPatchConflict, jsonpointer.JsonPointerException,
                jsonpatch.InvalidJsonPatch, TypeError, KeyError, IndexError) as error:
            field = "from" if _missing_from(document, operation) else "path"
            if isinstance(error, jsonpatch.InvalidJsonPatch) and "pointer" not in str(error):
                raise _patch_error("invalid-value", f"/patch/{index}/{field}") from None
            raise RestError("patch-target-not-found", "Target not found on resource",
                            {"path": f"/patch/{index}/{field}"}) from None
    return document


def _missing_from(document, operation) -> bool:
    if operation["op"] not in ("move", "copy"):
        return False
    try:
        jsonpointer.resolve_pointer(document, operation["from"])
        return False
    except (jsonpointer.JsonPointerException, TypeError):
        return True
