"""Reading every Wikibase JSON variant and writing them as Wikibase does.

Variants (data-model-serialization's SerializerFactory): Special:EntityData JSON (page
metadata first, `{}` for empty maps, `datatype` on snaks, non-ASCII escaped), JSON dump lines
(no hashes on main and reference snaks, `lastrevid` last) and storage JSON (`[]` for empty
maps, no `datatype`).
"""

import re

import msgspec
from msgspec import UNSET, Struct

from .entities import Entity, EntitySchema, Lexeme, PageMeta
from .errors import EntityFormatError
from .php import escape_non_ascii_json, php_float
from .values import stored_values


class _EntityData(Struct):
    entities: dict[str, Entity]


class _EntityDataMeta(Struct):
    entities: dict[str, PageMeta]


_decode_entity = msgspec.json.Decoder(Entity).decode
_decode_meta = msgspec.json.Decoder(PageMeta).decode
_decode_entity_data = msgspec.json.Decoder(_EntityData).decode
_decode_entity_data_meta = msgspec.json.Decoder(_EntityDataMeta).decode
_encode = msgspec.json.Encoder().encode

_RULE = re.compile(r"^([a-z][a-z0-9-]*): (.*)$", re.S)
_AT = re.compile(r"^(.*) - at `(.*)`$", re.S)
_KEY_AT = re.compile(r"^(.*) - at `key` in `(.*)`$", re.S)
_FIELD = re.compile(r"`([^`]+)`")
_ENUM_CODES = {
    "datatype": "unknown-datatype", "rank": "invalid-rank", "snaktype": "invalid-snak-type",
    "type": "unknown-entity-type",
}


def _format_error(error: Exception) -> EntityFormatError:
    """Translate a decoder error into EntityFormatError(code, JSON path, reason)."""
    if isinstance(error, UnicodeDecodeError):
        return EntityFormatError("invalid-utf8", "$", str(error))
    message = str(error)
    if not isinstance(error, msgspec.ValidationError):
        return EntityFormatError("invalid-json", "$", message)
    key = _KEY_AT.match(message)
    match = key or _AT.match(message)
    reason, path = (match.group(1), match.group(2)) if match else (message, "$")
    tail = path.rsplit(".", 1)[-1]
    last = tail.split("[")[0]
    rule = _RULE.match(reason)
    if rule:
        return EntityFormatError(rule.group(1), path, rule.group(2))
    if reason.startswith("Object missing required field"):
        field = _FIELD.search(reason).group(1)
        return EntityFormatError("missing-field", f"{path}.{field}", reason)
    if "matching regex" in reason:
        if key or last in ("property", "id", "lexicalCategory", "language") or "[" in tail:
            return EntityFormatError("invalid-entity-id", path, reason)
        if last in ("hash",):
            return EntityFormatError("invalid-hash", path, reason)
        return EntityFormatError("invalid-format", path, reason)
    if reason.startswith(("Invalid enum value", "Invalid value")):
        return EntityFormatError(_ENUM_CODES.get(last, "invalid-value"), path, reason)
    return EntityFormatError("invalid-type", path, reason)


def _decode(decode, data):
    try:
        return decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError) as error:
        formatted = _format_error(error)
    if "[...]" in formatted.path:
        formatted.path = _resolve_keys(decode, data, formatted)
    raise formatted


_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[(\.\.\.)\]")


def _resolve_keys(decode, data, error: EntityFormatError) -> str:
    """Name the map keys msgspec reports as `[...]`: try the entries one at a time and keep
    the one that fails the same way (only on the error path, so cost does not matter)."""
    document = msgspec.json.decode(data)
    path, node = "$", document
    for name, index, any_key in _SEGMENT.findall(error.path[1:]):
        if name or index:
            key = name or int(index)
            path += f".{name}" if name else f"[{index}]"
        else:
            key = next((k for k in node if _fails_alike(decode, document, node, k, error)),
                       None)
            if key is None:
                return error.path
            path += f".{key}"
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = {}  # a missing field: the path names it, nothing below needs resolving
    return path


def _fails_alike(decode, document, mapping: dict, key, error) -> bool:
    """Whether the document still fails with the same code when `mapping` holds only `key`."""
    original = {k: mapping[k] for k in mapping}
    mapping.clear()
    mapping[key] = original[key]
    try:
        decode(msgspec.json.encode(document))
        failed = False
    except (msgspec.ValidationError, msgspec.DecodeError) as other:
        failed = _format_error(other).code == error.code
    mapping.clear()
    mapping.update(original)
    return failed


def parse_entity_data(data: bytes | str) -> list[tuple[Entity, PageMeta]]:
    """Special:EntityData JSON: `{"entities": {ID: entity}}` -> [(entity, page metadata)]."""
    entities = _decode(_decode_entity_data, data).entities
    metas = _decode(_decode_entity_data_meta, data).entities
    result = []
    for key, entity in entities.items():
        if entity.id is UNSET:
            raise EntityFormatError("missing-field", f"$.entities.{key}.id", "entity has no id")
        if entity.id != key:
            raise EntityFormatError("mismatched-id", f"$.entities.{key}.id",
                                    f"entity {entity.id} listed under {key}")
        result.append((entity, metas[key]))
    return result


def decode_stored(data: bytes) -> Entity:
    """Entity JSON as storage renders it back: its data values passed their checks when it
    was written, so they are not checked again (`values.stored_values`)."""
    with stored_values():
        return _decode_entity(data)


def parse_entity(data: bytes | str) -> tuple[Entity, PageMeta]:
    """One entity object: a JSON dump line (trailing comma allowed) or storage JSON."""
    if isinstance(data, str):
        data = data.encode()
    data = data.strip()
    if data.endswith(b","):
        data = data[:-1]
    entity = _decode(_decode_entity, data)
    if entity.id is UNSET:
        raise EntityFormatError("missing-field", "$.id", "entity has no id")
    return entity, _decode(_decode_meta, data)


def parse_document(data: bytes | str) -> list[tuple[Entity, PageMeta]]:
    """Either Special:EntityData JSON or a single entity object."""
    head = data.lstrip()[:16]
    if (head.startswith(b'{"entities"') if isinstance(head, bytes)
            else head.startswith('{"entities"')):
        return parse_entity_data(data)
    return [parse_entity(data)]


_GLOBE = re.compile(
    rb'"latitude":([-+.eE\d]+),"longitude":([-+.eE\d]+),"altitude":null,"precision":([-+.eE\d]+)')


def _php_number(match: re.Match) -> bytes:
    numbers = (php_float(float(group)) for group in match.groups())
    return b'"latitude":%s,"longitude":%s,"altitude":null,"precision":%s' % tuple(
        n.encode() for n in numbers)


def _php_floats(data: bytes) -> bytes:
    """Globe coordinates are the only floats; write them as PHP's json_encode does."""
    if b'"globecoordinate"' not in data:
        return data
    return _GLOBE.sub(_php_number, data)


# Inside a JSON string the quotes would be escaped: this only matches the lexeme's own keys.
_COUNTERS = re.compile(rb',"nextFormId":\d+,"nextSenseId":\d+')


def encode_entity(entity: Entity) -> bytes:
    """The entity's JSON as Wikibase writes it, compact UTF-8, without page metadata."""
    if isinstance(entity, EntitySchema):
        return _encode_schema(entity)
    data = _php_floats(_encode(entity))
    if isinstance(entity, Lexeme):  # external JSON has no form and sense counters
        data = _COUNTERS.sub(b"", data, count=1)
    return data


def _encode_schema(schema: EntitySchema) -> bytes:
    """EntitySchema writes its `type` (the schema language) last."""
    body = _encode(schema)
    type_field = b'"type":"ShExC",'
    return b"{" + body[1 + len(type_field):-1] + b',"type":"ShExC"}'


def _meta_prefix(meta: PageMeta | None) -> bytes:
    if meta is None:
        return b""
    encoded = _encode(meta)
    return encoded[1:-1] + b"," if len(encoded) > 2 else b""


def write_entity_json(entity: Entity, meta: PageMeta | None = None) -> bytes:
    """One entity as Special:EntityData writes it inside `entities`: metadata first, ASCII."""
    body = encode_entity(entity)
    return escape_non_ascii_json(b"{" + _meta_prefix(meta) + body[1:])


def write_entity_data(*records: tuple[Entity, PageMeta | None]) -> bytes:
    """Special:EntityData JSON for one or more (entity, page metadata) pairs."""
    parts = [b'"%s":%s' % (entity.id.encode(), write_entity_json(entity, meta))
             for entity, meta in records]
    return b'{"entities":{' + b",".join(parts) + b"}}"


def to_builtins(entity: Entity) -> dict:
    """The entity as plain dicts and lists, in Wikibase's key order."""
    return msgspec.json.decode(encode_entity(entity))


def _strip_snak_hashes(snaks: dict) -> None:
    for group in snaks.values():
        for snak in group:
            snak.pop("hash", None)


def _dump_statements(claims: dict) -> None:
    for statements in claims.values():
        for statement in statements:
            statement["mainsnak"].pop("hash", None)
            for reference in statement.get("references", ()):
                _strip_snak_hashes(reference["snaks"])


def write_dump_line(entity: Entity, meta: PageMeta | None = None,
                    page_metadata: bool = False) -> bytes:
    """One entity of a JSON dump (dumpJson.php), non-ASCII as UTF-8: main and reference
    snaks without hashes, then `lastrevid` (or all page metadata) after the entity."""
    data = to_builtins(entity)
    for owner in (data, *data.get("forms", ()), *data.get("senses", ())):
        _dump_statements(owner.get("claims", {}))
    if meta is not None:
        fields = msgspec.to_builtins(meta)
        fields.pop("redirects", None)
        data.update(fields if page_metadata else
                    {"lastrevid": fields["lastrevid"]} if "lastrevid" in fields else {})
    return _php_floats(_encode(data))


def _php_empty_maps(value):
    """Storage JSON: PHP's `[]` for every empty map, no `datatype` on snaks."""
    if isinstance(value, dict):
        if not value:
            return []
        if "snaktype" in value:
            value.pop("datatype", None)
        return {key: _php_empty_maps(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_php_empty_maps(item) for item in value]
    return value


def write_storage_json(entity: Entity) -> bytes:
    """The JSON Wikibase stores as revision content."""
    if isinstance(entity, EntitySchema):
        return _encode_schema(entity)
    data = msgspec.to_builtins(entity)
    return _php_floats(_encode(_php_empty_maps(data)))
