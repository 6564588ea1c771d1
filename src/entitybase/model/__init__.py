"""The Wikibase data model: ids, values, snaks, statements, entities; JSON in and out; hashes.

Pure: no I/O.
"""

from .entities import (
    DATATYPES, Entity, EntitySchema, Form, Item, Lexeme, NoValueSnak, PageMeta, Property,
    Reference, Sense, SiteLink, Snak, SomeValueSnak, Statement, Term, ValueSnak, all_snaks,
    all_statements,
)
from .errors import EntityFormatError
from .hashes import fill_hashes, reference_hash, snak_hash, value_hash
from .serialization import (
    decode_stored, encode_entity, parse_document, parse_entity, parse_entity_data, to_builtins,
    write_dump_line, write_entity_data, write_entity_json, write_storage_json,
)
from .values import (
    DataValue, EntityIdValue, EntitySchemaIdValue, GlobeCoordinateValue, MonolingualTextValue,
    QuantityValue, TimeValue, entity_value,
)

__all__ = [
    "DATATYPES", "DataValue", "Entity", "EntityFormatError", "EntityIdValue",
    "EntitySchema", "EntitySchemaIdValue", "Form", "GlobeCoordinateValue", "Item", "Lexeme",
    "MonolingualTextValue", "NoValueSnak", "PageMeta", "Property", "QuantityValue", "Reference",
    "Sense", "SiteLink", "Snak", "SomeValueSnak", "Statement", "Term", "TimeValue", "ValueSnak",
    "all_snaks", "all_statements", "decode_stored", "encode_entity", "entity_value", "fill_hashes",
    "parse_document", "parse_entity", "parse_entity_data", "reference_hash", "snak_hash",
    "to_builtins", "value_hash", "write_dump_line", "write_entity_data", "write_entity_json",
    "write_storage_json",
]
