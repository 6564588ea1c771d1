"""Data values: the value of a value snak, one struct per Wikibase value type.

JSON decodes into `DataValue(value=str | ValueFields, type=...)`; validation then swaps the
catch-all `ValueFields` for the struct of its type, whose field order is Wikibase's JSON order.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from operator import itemgetter

from msgspec import UNSET, Struct, UnsetType, field
from msgspec.structs import astuple

from . import ids

_TIME = re.compile(r"^[+-]\d{1,16}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_DECIMAL = re.compile(r"^[+-](?:0|[1-9]\d*)(?:\.\d+)?$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,12})*$")

ENTITY_VALUE_TYPES = ("item", "property", "lexeme", "form", "sense", "entity-schema")


class ValueRuleError(ValueError):
    """A value that breaks a rule; its message starts with the error code."""


def fail(code: str, reason: str):
    raise ValueRuleError(f"{code}: {reason}")


class EntityIdValue(Struct, gc=False):
    """`{"entity-type", "numeric-id", "id"}`; forms, senses and schemas have no numeric id."""

    entity_type: str = field(name="entity-type")
    numeric_id: int | UnsetType = field(name="numeric-id", default=UNSET)
    id: str | UnsetType = UNSET


class EntitySchemaIdValue(Struct, gc=False):
    """Entity schema ids are written id first: `{"id": "E1", "entity-type": "entity-schema"}`."""

    id: str
    entity_type: str = field(name="entity-type", default="entity-schema")


class TimeValue(Struct, gc=False):
    time: str
    timezone: int
    before: int
    after: int
    precision: int
    calendarmodel: str


class QuantityValue(Struct, gc=False):
    amount: str
    unit: str
    upperBound: str | UnsetType = UNSET
    lowerBound: str | UnsetType = UNSET


class GlobeCoordinateValue(Struct, gc=False):
    latitude: float
    longitude: float
    altitude: None = None
    precision: float | None = None
    globe: str = "http://www.wikidata.org/entity/Q2"


class MonolingualTextValue(Struct, gc=False):
    text: str
    language: str


class ValueFields(Struct, gc=False):
    """Every field any structured value may have, as read from JSON."""

    entity_type: str | UnsetType = field(name="entity-type", default=UNSET)
    numeric_id: int | UnsetType = field(name="numeric-id", default=UNSET)
    id: str | UnsetType = UNSET
    time: str | UnsetType = UNSET
    timezone: int | UnsetType = UNSET
    before: int | UnsetType = UNSET
    after: int | UnsetType = UNSET
    precision: int | float | None | UnsetType = UNSET
    calendarmodel: str | UnsetType = UNSET
    amount: str | UnsetType = UNSET
    unit: str | UnsetType = UNSET
    upperBound: str | UnsetType = UNSET
    lowerBound: str | UnsetType = UNSET
    latitude: float | UnsetType = UNSET
    longitude: float | UnsetType = UNSET
    altitude: float | None | UnsetType = UNSET
    globe: str | UnsetType = UNSET
    text: str | UnsetType = UNSET
    language: str | UnsetType = UNSET


_FIELD_NAMES = {
    "time": ("time", "timezone", "before", "after", "precision", "calendarmodel"),
    "quantity": ("amount", "unit", "upperBound", "lowerBound"),
    "globecoordinate": ("latitude", "longitude", "altitude", "precision", "globe"),
    "monolingualtext": ("text", "language"),
    "wikibase-entityid": ("entity_type", "numeric_id", "id"),
}
_JSON_NAMES = {"entity_type": "entity-type", "numeric_id": "numeric-id"}
_INDEX = {name: i for i, name in enumerate(ValueFields.__struct_fields__)}


def _picker(names: tuple[str, ...]):
    """A C-speed function taking these fields, always as a tuple, from a values tuple."""
    getter = itemgetter(*(_INDEX[name] for name in names))
    return getter if len(names) > 1 else (lambda values: (getter(values),))


_ALLOWED = {kind: _picker(names) for kind, names in _FIELD_NAMES.items()}


def _require(fields: ValueFields, kind: str, required: tuple[str, ...]):
    """Fail unless the fields set are among the kind's fields and include `required`.
    Counting UNSETs in tuples keeps the common (valid) case out of Python loops."""
    values = astuple(fields)
    allowed = _ALLOWED[kind](values)
    if len(values) - values.count(UNSET) != len(allowed) - allowed.count(UNSET):
        extra = next(n for n in _INDEX if values[_INDEX[n]] is not UNSET
                     and n not in _FIELD_NAMES[kind])
        fail("unexpected-field", f"{kind} value has no field {_JSON_NAMES.get(extra, extra)!r}")
    for name in required:
        if values[_INDEX[name]] is UNSET:
            fail("missing-field", f"{kind} value needs {_JSON_NAMES.get(name, name)!r}")


def _time(f: ValueFields) -> TimeValue:
    _require(f, "time", _FIELD_NAMES["time"])
    if not _TIME.match(f.time):
        fail("invalid-time", f"not a Wikibase time: {f.time!r}")
    if not isinstance(f.precision, int) or not 0 <= f.precision <= 14:
        fail("invalid-precision", f"time precision must be 0..14, got {f.precision!r}")
    if f.before < 0 or f.after < 0:
        fail("invalid-time", "before and after must not be negative")
    if not -720 <= f.timezone <= 840:
        fail("invalid-time", f"timezone out of range: {f.timezone}")
    if not _URL.match(f.calendarmodel):
        fail("invalid-calendar", f"calendar model must be a URI: {f.calendarmodel!r}")
    return TimeValue(f.time, f.timezone, f.before, f.after, f.precision, f.calendarmodel)


def _quantity(f: ValueFields) -> QuantityValue:
    _require(f, "quantity", ("amount", "unit"))
    for bound in (f.amount, f.upperBound, f.lowerBound):
        if bound is not UNSET and not _DECIMAL.match(bound):
            fail("invalid-quantity", f"not a signed decimal: {bound!r}")
    if (f.upperBound is UNSET) != (f.lowerBound is UNSET):
        fail("invalid-quantity", "upperBound and lowerBound come together")
    if f.unit != "1" and not _URL.match(f.unit):
        fail("invalid-quantity", f"unit must be '1' or a URI: {f.unit!r}")
    return QuantityValue(f.amount, f.unit, f.upperBound, f.lowerBound)


def _globe(f: ValueFields) -> GlobeCoordinateValue:
    _require(f, "globecoordinate", ("latitude", "longitude"))
    if f.altitude not in (UNSET, None):
        fail("invalid-coordinate", "altitude is not supported")
    if not (-360 <= f.latitude <= 360 and -360 <= f.longitude <= 360):
        fail("invalid-coordinate", "latitude or longitude out of range")
    value = _stored_globe(f)
    if not _URL.match(value.globe):
        fail("invalid-coordinate", f"globe must be a URI: {value.globe!r}")
    return value


def _monolingual(f: ValueFields) -> MonolingualTextValue:
    _require(f, "monolingualtext", ("text", "language"))
    if not _LANGUAGE.match(f.language):
        fail("invalid-language", f"not a language code: {f.language!r}")
    return MonolingualTextValue(f.text, f.language)


_ENTITY_ID_PARTS = re.compile(r"^([QPLqpl])([1-9]\d{0,9})(?:-([FSfs])[1-9]\d{0,9})?$")
_PREFIX_TYPES = {"Q": "item", "P": "property", "L": "lexeme", "F": "form", "S": "sense"}
_NUMERIC = ("item", "property", "lexeme")


def _entity_id(f: ValueFields) -> EntityIdValue | EntitySchemaIdValue:
    _require(f, "wikibase-entityid", ())
    kind, number, entity_id = f.entity_type, f.numeric_id, f.id
    if kind == "entity-schema":
        if entity_id is UNSET or not ids.ENTITY_ID.match(entity_id) or entity_id[0] not in "Ee":
            fail("invalid-entity-id", f"not an entity schema id: {entity_id!r}")
        return EntitySchemaIdValue(entity_id)
    if entity_id is UNSET:  # old dumps: numeric id only
        if kind not in _NUMERIC or number is UNSET:
            fail("missing-field", "entity id value needs 'id'")
        entity_id = ids.make_id(kind, number)
    match = _ENTITY_ID_PARTS.match(entity_id)
    if match is None:
        fail("invalid-entity-id", f"not an entity id: {entity_id!r}")
    actual = _PREFIX_TYPES[(match.group(3) or match.group(1)).upper()]
    if kind is UNSET:
        kind = actual
    elif kind != actual:
        fail("invalid-entity-id", f"{entity_id!r} is not of entity type {kind!r}")
    if kind in _NUMERIC:
        if number is UNSET:
            number = int(match.group(2))
        elif number != int(match.group(2)):
            fail("invalid-entity-id", f"numeric-id {number} does not match {entity_id!r}")
    elif number is not UNSET:
        fail("unexpected-field", f"a {kind} id value has no numeric-id")
    return EntityIdValue(kind, number, entity_id)


_STRUCTURED = {
    "time": _time,
    "quantity": _quantity,
    "globecoordinate": _globe,
    "monolingualtext": _monolingual,
    "wikibase-entityid": _entity_id,
}

def _stored_entity_id(f: ValueFields) -> EntityIdValue | EntitySchemaIdValue:
    if f.id is UNSET or f.entity_type is UNSET:  # not as this system writes it: check it
        return _entity_id(f)
    if f.entity_type == "entity-schema":
        return EntitySchemaIdValue(f.id)
    return EntityIdValue(f.entity_type, f.numeric_id, f.id)


def _stored_globe(f: ValueFields) -> GlobeCoordinateValue:
    """The coordinate with Wikibase's defaults: precision a float or null, Earth's globe."""
    precision = f.precision
    if precision is UNSET:
        precision = None
    elif precision is not None:
        precision = float(precision)
    globe = "http://www.wikidata.org/entity/Q2" if f.globe is UNSET else f.globe
    return GlobeCoordinateValue(f.latitude, f.longitude, None, precision, globe)


# Values as this system stores them: they passed the checks above when first written, and
# storage renders them back complete (every field, ids with their type), so decoding them
# again only builds the struct of their type. tests/model/test_stored_values.py holds these
# to the checked builders.
_STORED = {
    "time": lambda f: TimeValue(f.time, f.timezone, f.before, f.after, f.precision,
                                f.calendarmodel),
    "quantity": lambda f: QuantityValue(f.amount, f.unit, f.upperBound, f.lowerBound),
    "globecoordinate": _stored_globe,
    "monolingualtext": lambda f: MonolingualTextValue(f.text, f.language),
    "wikibase-entityid": _stored_entity_id,
}
_stored = ContextVar("stored_values", default=False)


@contextmanager
def stored_values():
    """Within it, data values decode without their checks: only for content read back from
    storage, which passed them when it was written."""
    token = _stored.set(True)
    try:
        yield
    finally:
        _stored.reset(token)


Value = str | EntityIdValue | EntitySchemaIdValue | TimeValue | QuantityValue | GlobeCoordinateValue | MonolingualTextValue


class DataValue(Struct, gc=False):
    """`{"value": ..., "type": ...}` of a value snak."""

    value: str | ValueFields
    type: str

    def __post_init__(self):
        value = self.value
        if self.type == "string":
            if not isinstance(value, str):
                fail("invalid-type", "a string value must be a JSON string")
            return
        build = (_STORED if _stored.get() else _STRUCTURED).get(self.type)
        if build is None:
            fail("unknown-value-type", f"unknown data value type {self.type!r}")
        if isinstance(value, str):
            fail("invalid-type", f"a {self.type} value must be a JSON object")
        if isinstance(value, ValueFields):
            self.value = build(value)


def entity_value(entity_id: str) -> DataValue:
    """The data value pointing at an entity, form or sense."""
    kind = ids.entity_type(entity_id)
    if kind == "entity-schema":
        return DataValue(EntitySchemaIdValue(entity_id), "wikibase-entityid")
    number = ids.numeric_id(entity_id) if kind in ("item", "property", "lexeme") else UNSET
    return DataValue(EntityIdValue(kind, number, entity_id), "wikibase-entityid")

