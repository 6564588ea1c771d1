"""Wikibase's hashes: snak, reference and value hashes from PHP's legacy serialization."""

import hashlib

from msgspec import UNSET

from .entities import NoValueSnak, Reference, Snak, SomeValueSnak, Statement, all_snaks
from .php import php_float, php_json_encode
from .values import (
    DataValue, EntityIdValue, EntitySchemaIdValue, GlobeCoordinateValue, MonolingualTextValue,
    QuantityValue, TimeValue,
)

_ID_CLASSES = {
    "item": "Wikibase\\DataModel\\Entity\\ItemId",
    "property": "Wikibase\\DataModel\\Entity\\NumericPropertyId",
    "lexeme": "Wikibase\\Lexeme\\Domain\\Model\\LexemeId",
    "form": "Wikibase\\Lexeme\\Domain\\Model\\FormId",
    "sense": "Wikibase\\Lexeme\\Domain\\Model\\SenseId",
}
_SCHEMA_ID_CLASS = "EntitySchema\\Domain\\Model\\EntitySchemaId"


def _blen(text: str) -> int:
    return len(text.encode())


def _custom(cls: str, data: str) -> str:
    """PHP's `C:` serialization of a Serializable object."""
    return f'C:{len(cls)}:"{cls}":{_blen(data)}:{{{data}}}'


def _string(text: str) -> str:
    return f's:{_blen(text)}:"{text}";'


def _decimal(text: str) -> str:
    return _custom("DataValues\\DecimalValue", _string(text))


def value_serialization(value: DataValue) -> str:
    """The serialization Wikibase hashes for a data value (`getSerializationForHash`)."""
    v = value.value
    if isinstance(v, str):
        return _custom("DataValues\\StringValue", v)
    if isinstance(v, EntityIdValue):
        inner = _custom(_ID_CLASSES[v.entity_type], v.id)
        return _custom("Wikibase\\DataModel\\Entity\\EntityIdValue", inner)
    if isinstance(v, TimeValue):
        data = php_json_encode(
            [v.time, v.timezone, v.before, v.after, v.precision, v.calendarmodel])
        return _custom("DataValues\\TimeValue", data)
    if isinstance(v, QuantityValue):
        if v.upperBound is UNSET:
            data = f"a:2:{{i:0;{_decimal(v.amount)}i:1;{_string(v.unit)}}}"
            return _custom("DataValues\\UnboundedQuantityValue", data)
        data = (f"a:4:{{i:0;{_decimal(v.amount)}i:1;{_string(v.unit)}"
                f"i:2;{_decimal(v.upperBound)}i:3;{_decimal(v.lowerBound)}}}")
        return _custom("DataValues\\QuantityValue", data)
    if isinstance(v, GlobeCoordinateValue):
        data = php_json_encode([v.latitude, v.longitude, None, v.precision, v.globe])
        return _custom("DataValues\\Geo\\Values\\GlobeCoordinateValue", data)
    if isinstance(v, MonolingualTextValue):
        data = f"a:2:{{i:0;{_string(v.language)}i:1;{_string(v.text)}}}"
        return _custom("DataValues\\MonolingualTextValue", data)
    if isinstance(v, EntitySchemaIdValue):
        # serialize() of an EntitySchemaId: a plain object with one private property `id`.
        private_id = f"\0{_SCHEMA_ID_CLASS}\0id"
        inner = (f'O:{len(_SCHEMA_ID_CLASS)}:"{_SCHEMA_ID_CLASS}":1:'
                 f'{{{_string(private_id)}{_string(v.id)}}}')
        return _custom("EntitySchema\\Wikibase\\DataValues\\EntitySchemaValue", inner)
    raise TypeError(f"unknown value {type(v).__name__}")


def value_hash(value: DataValue) -> str:
    """The RDF value node name (`wdv:`): md5 of the value's serialization.

    Globe coordinates are the exception: md5 of `lat|lon|precision|globe` at PHP precision 14.
    """
    v = value.value
    if isinstance(v, GlobeCoordinateValue):
        parts = [php_float(x, 14, "E") if x is not None else "" for x in
                 (v.latitude, v.longitude, v.precision)]
        text = "|".join([*parts, v.globe])
    else:
        text = value_serialization(value)
    return hashlib.md5(text.encode()).hexdigest()


def snak_hash(snak: Snak) -> str:
    prop = snak.property
    if isinstance(snak, SomeValueSnak):
        text = _custom("Wikibase\\DataModel\\Snak\\PropertySomeValueSnak", prop)
    elif isinstance(snak, NoValueSnak):
        text = _custom("Wikibase\\DataModel\\Snak\\PropertyNoValueSnak", prop)
    else:
        data = f"a:2:{{i:0;{_string(prop)}i:1;{value_serialization(snak.datavalue)}}}"
        text = _custom("Wikibase\\DataModel\\Snak\\PropertyValueSnak", data)
    return hashlib.sha1(text.encode()).hexdigest()


def reference_hash(reference: Reference) -> str:
    """sha1 of the reference's sorted snak hashes joined by '|'."""
    hashes = sorted(
        snak.hash if snak.hash else snak_hash(snak)
        for snaks in reference.snaks.values() for snak in snaks
    )
    return hashlib.sha1("|".join(hashes).encode()).hexdigest()


def fill_hashes(statement: Statement, recompute: bool = False) -> None:
    """Give every snak and reference of a statement the hash Wikibase would give it."""
    for snak in all_snaks(statement):
        if recompute or snak.hash is UNSET:
            snak.hash = snak_hash(snak)
    for reference in statement.references or ():
        if recompute or reference.hash is UNSET:
            reference.hash = reference_hash(reference)
