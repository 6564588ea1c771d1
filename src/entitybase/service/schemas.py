"""Changes to entity schemas, each returning its autosummary as the EntitySchema extension
writes it (`/* entityschema-summary-update-schema-label */ Cats`). Pure: no I/O."""

from ..model import EntitySchema
from ..model.rest import resource_not_found


def _summary(action: str, text: str = "") -> str:
    comment = f"/* entityschema-summary-{action} */"
    return f"{comment} {text}" if text else comment


def create_summary(schema: EntitySchema) -> str:
    label = next(iter(schema.labels.values()), "")
    return _summary("newschema-nolabel") if not label else _summary("newschema", label)


def set_label(schema: EntitySchema, language: str, text: str) -> str:
    schema.labels[language] = text
    return _summary("update-schema-label", text)


def remove_label(schema: EntitySchema, language: str) -> str:
    if schema.labels.pop(language, None) is None:
        raise resource_not_found("label")
    return _summary("update-schema-label")


def set_description(schema: EntitySchema, language: str, text: str) -> str:
    schema.descriptions[language] = text
    return _summary("update-schema-description", text)


def remove_description(schema: EntitySchema, language: str) -> str:
    if schema.descriptions.pop(language, None) is None:
        raise resource_not_found("description")
    return _summary("update-schema-description")


def set_aliases(schema: EntitySchema, language: str, aliases: list[str]) -> str:
    if aliases:
        schema.aliases[language] = aliases
    else:
        schema.aliases.pop(language, None)
    return _summary("update-schema-aliases", ", ".join(aliases))


def set_schema_text(schema: EntitySchema, text: str) -> str:
    schema.schemaText = text
    return _summary("update-schema-text")


def replace_schema(schema: EntitySchema, new: EntitySchema) -> str:
    for name in ("labels", "descriptions", "aliases", "schemaText"):
        setattr(schema, name, getattr(new, name))
    return _summary("update-schema")
