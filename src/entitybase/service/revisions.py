"""Revision rows, events and page metadata as Wikibase shapes them."""

import time

import msgspec

from ..model import Entity, EntitySchema, Item, Lexeme, PageMeta, Property, fill_hashes
from ..model.ids import new_statement_guid
from .records import RevisionInfo

NAMESPACES = {"item": (0, ""), "property": (120, "Property:"), "lexeme": (146, "Lexeme:"),
              "entity-schema": (640, "EntitySchema:")}
KINDS = {Item: "item", Property: "property", Lexeme: "lexeme", EntitySchema: "entity-schema"}


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def compose_comment(summary: str | None, comment: str | None) -> str:
    """Wikibase's stored comment: autosummary, then the user's comment after ', '."""
    return ", ".join(part for part in (summary, comment) if part)


def entity_kind(entity: Entity) -> str:
    return KINDS[type(entity)]


def page_meta(entity_id: str, kind: str, page_id: int, revision_id: int, timestamp: str):
    ns, prefix = NAMESPACES[kind]
    return PageMeta(pageid=page_id, ns=ns, title=f"{prefix}{entity_id}", lastrevid=revision_id,
                    modified=timestamp)


def revision_info(row) -> RevisionInfo:
    return RevisionInfo(revision_id=row.revision_id, entity_id=row.entity_id,
                        parent_id=row.parent_id, timestamp=row.timestamp, user=row.user_name,
                        comment=row.comment, tags=msgspec.json.decode(row.tags), bot=row.bot)


def subjects(entity: Entity):
    """(subject id, claims) of the entity and, for lexemes, of each form and sense."""
    if isinstance(entity, EntitySchema):
        return
    yield entity.id, entity.claims
    if isinstance(entity, Lexeme):
        for sub in (*entity.forms, *entity.senses):
            yield sub.id, sub.claims


def event(row: dict, properties: list[str] | None = None) -> dict:
    """The outbox event of a revision row; docs/events.schema.json describes it.
    `properties` are the properties whose statements changed, when the edit knows them."""
    return {"type": row["edit_type"], "entity_id": row["entity_id"],
            "revision_id": row["revision_id"], "parent_id": row["parent_id"],
            "timestamp": row["timestamp"], "user": row["user_name"],
            "user_id": row.get("user_id"), "comment": row.get("comment", ""),
            "redirect_to": row.get("redirect_to"), "changed_properties": properties}


def changed_properties(old: Entity | None, new: Entity) -> list[str]:
    """Properties with a statement added, removed or changed (forms and senses included)."""
    def groups(entity):
        found: dict[str, list] = {}
        for _, claims in subjects(entity) if entity is not None else ():
            for prop, statements in claims.items():
                found.setdefault(prop, []).extend(statements)
        return found
    before, after = groups(old), groups(new)
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def fill_statements(entity: Entity, recompute_hashes: bool = True,
                    unchanged: dict | None = None) -> None:
    """What Wikibase fills on save: form and sense ids, statement GUIDs, snak and reference
    hashes (recomputed, or only where missing). A statement equal to the one with its GUID in
    `unchanged` keeps its hashes: they were computed when it was saved."""
    if isinstance(entity, Lexeme):
        _number_lexeme_parts(entity)
    unchanged = unchanged or {}
    for subject, claims in subjects(entity):
        for statements in claims.values():
            for statement in statements:
                if not statement.id:
                    statement.id = new_statement_guid(subject)
                recompute = recompute_hashes and unchanged.get(statement.id) != statement
                fill_hashes(statement, recompute=recompute)


def _number_lexeme_parts(lexeme: Lexeme) -> None:
    for form in lexeme.forms:
        if not form.id:
            form.id = f"{lexeme.id}-F{lexeme.nextFormId}"
            lexeme.nextFormId += 1
    for sense in lexeme.senses:
        if not sense.id:
            sense.id = f"{lexeme.id}-S{lexeme.nextSenseId}"
            lexeme.nextSenseId += 1
