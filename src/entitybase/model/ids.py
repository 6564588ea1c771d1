"""Entity ids, lexeme sub-entity ids and statement GUIDs."""

import re
import uuid

from .errors import EntityFormatError

ENTITY_TYPES = {"Q": "item", "P": "property", "L": "lexeme", "E": "entity-schema"}
TYPE_PREFIXES = {kind: prefix for prefix, kind in ENTITY_TYPES.items()}

# Wikibase's own patterns: a letter and a number without leading zero, case-insensitive.
ENTITY_ID = re.compile(r"^([QPLEqple])([1-9]\d{0,9})$")
SUB_ENTITY_ID = re.compile(r"^([Ll][1-9]\d{0,9})-([FSfs])([1-9]\d{0,9})$")
ANY_ID = re.compile(r"^[QPLEqple][1-9]\d{0,9}(-[FSfs][1-9]\d{0,9})?$")
ITEM_ID = r"^[Qq][1-9]\d{0,9}$"
PROPERTY_ID = r"^[Pp][1-9]\d{0,9}$"
LEXEME_ID = r"^[Ll][1-9]\d{0,9}$"
FORM_ID = r"^[Ll][1-9]\d{0,9}-[Ff][1-9]\d{0,9}$"
SENSE_ID = r"^[Ll][1-9]\d{0,9}-[Ss][1-9]\d{0,9}$"
# Real data holds lower-case prefixes and non-v4 or lower-case UUIDs: accept, keep as is.
STATEMENT_GUID = re.compile(
    r"^([QPLEqple][1-9]\d{0,9}(?:-[FSfs][1-9]\d{0,9})?)\$"
    r"([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$"
)

SUB_ENTITY_TYPES = {"F": "form", "S": "sense"}


def normalize_id(text: str, path: str = "$") -> str:
    """The canonical (upper-case) form of an entity, form or sense id."""
    if not isinstance(text, str) or not ANY_ID.match(text):
        raise EntityFormatError("invalid-entity-id", path, f"not an entity id: {text!r}")
    return text.upper()


def entity_type(entity_id: str) -> str:
    """'item', 'property', 'lexeme', 'entity-schema', 'form' or 'sense'."""
    sub = SUB_ENTITY_ID.match(entity_id)
    if sub:
        return SUB_ENTITY_TYPES[sub.group(2).upper()]
    match = ENTITY_ID.match(entity_id)
    if not match:
        raise EntityFormatError("invalid-entity-id", "$", f"not an entity id: {entity_id!r}")
    return ENTITY_TYPES[match.group(1).upper()]


def numeric_id(entity_id: str) -> int:
    match = ENTITY_ID.match(entity_id)
    if not match:
        raise EntityFormatError("invalid-entity-id", "$", f"no numeric id in {entity_id!r}")
    return int(match.group(2))


def make_id(kind: str, number: int) -> str:
    return f"{TYPE_PREFIXES[kind]}{number}"


def statement_subject(guid: str) -> str | None:
    """The entity (or form/sense) id a statement GUID belongs to, upper-cased; None if invalid."""
    match = STATEMENT_GUID.match(guid)
    return match.group(1).upper() if match else None


def new_statement_guid(subject_id: str) -> str:
    """A GUID as Wikibase generates it: subject id, '$', upper-case UUID v4."""
    return f"{subject_id}${str(uuid.uuid4()).upper()}"
