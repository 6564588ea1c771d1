"""The REST shape of entity schemas (E ids):
`{id, labels: {lang: str}, descriptions: {lang: str}, aliases: {lang: [str]}, schema_text}`.
The model keeps EntitySchema's storage form: plain strings, no Term structs."""

from msgspec import UNSET

from .entities import EntitySchema
from .rest import (
    DESCRIPTION_MAX,
    LABEL_MAX,
    RestError,
    _is_object,
    invalid_value,
    parse_aliases,
    parse_terms,
    read_only,
    value_too_long,
)

# EntitySchema's $wgEntitySchemaSchemaTextMaxSizeBytes default.
SCHEMA_TEXT_MAX = 50_000


def schema_json(schema: EntitySchema) -> dict:
    return {"id": schema.id, "labels": dict(schema.labels),
            "descriptions": dict(schema.descriptions),
            "aliases": {language: list(texts) for language, texts in schema.aliases.items()},
            "schema_text": schema.schemaText}


def parse_schema_text(text, path: str) -> str:
    if not isinstance(text, str):
        raise invalid_value(path, text)
    if len(text.encode()) > SCHEMA_TEXT_MAX:
        raise value_too_long(path, SCHEMA_TEXT_MAX)
    return text


def parse_schema(data, path: str, is_valid_language=None,
                 schema_id: str | None = None) -> EntitySchema:
    """A REST entity schema; `schema_id` is the id it must keep (None: it must have none)."""
    if not _is_object(data):
        raise invalid_value(path, data)
    if data.get("id", schema_id) != schema_id:
        raise read_only(f"{path}/id")
    labels = parse_terms(data.get("labels", {}), f"{path}/labels", LABEL_MAX, is_valid_language)
    descriptions = parse_terms(data.get("descriptions", {}), f"{path}/descriptions",
                               DESCRIPTION_MAX, is_valid_language)
    aliases = parse_aliases(data.get("aliases", {}), f"{path}/aliases", is_valid_language)
    for language, label in labels.items():
        if descriptions.get(language) is not None and descriptions[language].value == label.value:
            raise RestError("data-policy-violation", "Edit violates data policy",
                            {"violation": "label-description-same-value",
                             "violation_context": {"language": language}})
    return EntitySchema(
        id=schema_id or UNSET,
        labels={language: term.value for language, term in labels.items()},
        descriptions={language: term.value for language, term in descriptions.items()},
        aliases={language: [t.value for t in terms] for language, terms in aliases.items()},
        schemaText=parse_schema_text(data.get("schema_text", ""), f"{path}/schema_text"))
