"""Revision rows, events and page metadata as Wikibase shapes them."""

import copy
import time

import msgspec

from ..model import (
    Entity,
    EntitySchema,
    Form,
    Item,
    Lexeme,
    PageMeta,
    Property,
    Sense,
    Statement,
    all_statements,
    fill_hashes,
)
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


class StatementChanges:
    """What an edit did to the statements, found without looking into unchanged ones: a
    statement list equal to the old one is skipped, and lists that share their statements
    with the old entity (see `container_copy`) compare by identity, element by element."""

    def __init__(self, old: Entity | None, new: Entity):
        self._old = old
        self._before, self._after = _claim_lists(old), _claim_lists(new)
        # Statements in a list that did not hold them as they are, and old statements no
        # longer in their list as they were (a statement moved is in both).
        self.added: list[Statement] = []
        self.removed: list[Statement] = []
        # (subject id, statement) of every statement not equal to the old one with its GUID
        # (new, changed, or without a GUID yet): what needs GUIDs, hashes and datatypes.
        self.changed: list[tuple[str, Statement]] = []
        self._properties: set[str] = set()
        self._old_by_guid: dict | None = None
        for key in self._before.keys() | self._after.keys():
            before, after = self._before.get(key, []), self._after.get(key, [])
            if before != after:
                self._properties.add(key[1])
                self._compare(key[0], before, after)

    def _compare(self, subject: str, before: list, after: list) -> None:
        by_guid = {statement.id: statement for statement in before if statement.id}
        kept = set()
        for statement in after:
            same = by_guid.get(statement.id) if statement.id else None
            if same is not None and (same is statement or same == statement):
                kept.add(id(same))
                continue
            self.added.append(statement)
            if not self._unchanged_elsewhere(statement):
                self.changed.append((subject, statement))
        self.removed.extend(statement for statement in before if id(statement) not in kept)

    def _unchanged_elsewhere(self, statement: Statement) -> bool:
        """Whether a statement equals the old one with its GUID in another list (moved to
        another form or sense): it keeps its hashes, as a statement left in place does."""
        if not statement.id:
            return False
        if self._old_by_guid is None:
            self._old_by_guid = {s.id: s for s in all_statements(self._old)} \
                if self._old is not None else {}
        same = self._old_by_guid.get(statement.id)
        return same is not None and (same is statement or same == statement)

    def properties(self) -> list[str]:
        """Properties with a statement added, removed or changed (forms and senses merged),
        once GUIDs and hashes are filled: a statement equal to its old self after filling
        is no change."""
        def merged(lists: dict, prop: str) -> list:
            return [s for (_, p), statements in lists.items() if p == prop for s in statements]
        return sorted(p for p in self._properties
                      if merged(self._before, p) != merged(self._after, p))


def _claim_lists(entity: Entity | None) -> dict[tuple[str, str], list]:
    """(subject id, property) -> statement list of an entity, its forms and senses."""
    if entity is None:
        return {}
    return {(subject, prop): statements for subject, claims in subjects(entity)
            for prop, statements in claims.items()}


def container_copy(entity: Entity) -> Entity:
    """A copy of an entity whose maps and lists (term maps, alias lists, statement lists,
    sitelinks, forms and senses) are its own, while it shares its statements, terms and
    sitelinks with the original: changing the copy's containers leaves the original as it
    was; a shared statement, term or sitelink must be replaced, never changed in place."""
    entity = copy.copy(entity)
    if isinstance(entity, EntitySchema):
        entity.labels, entity.descriptions = dict(entity.labels), dict(entity.descriptions)
        entity.aliases = {lang: list(texts) for lang, texts in entity.aliases.items()}
        return entity
    entity.claims = _copy_claims(entity.claims)
    if isinstance(entity, Lexeme):
        entity.lemmas = dict(entity.lemmas)
        entity.forms = [_copy_form(form) for form in entity.forms]
        entity.senses = [_copy_sense(sense) for sense in entity.senses]
        return entity
    entity.labels, entity.descriptions = dict(entity.labels), dict(entity.descriptions)
    entity.aliases = {lang: list(terms) for lang, terms in entity.aliases.items()}
    if isinstance(entity, Item):
        entity.sitelinks = dict(entity.sitelinks)
    return entity


def _copy_claims(claims: dict) -> dict:
    return {prop: list(statements) for prop, statements in claims.items()}


def _copy_form(form: Form) -> Form:
    form = copy.copy(form)
    form.representations = dict(form.representations)
    form.grammaticalFeatures = list(form.grammaticalFeatures)
    form.claims = _copy_claims(form.claims)
    return form


def _copy_sense(sense: Sense) -> Sense:
    sense = copy.copy(sense)
    sense.glosses = dict(sense.glosses)
    sense.claims = _copy_claims(sense.claims)
    return sense


def fill_statements(entity: Entity, recompute_hashes: bool = True,
                    changes: StatementChanges | None = None) -> None:
    """What Wikibase fills on save: form and sense ids, statement GUIDs, snak and reference
    hashes (recomputed, or only where missing). With `changes`, only the statements it found
    new or changed are filled: the others are equal to statements saved before, with their
    hashes (and lexeme parts must be numbered before `changes` is computed)."""
    if changes is not None:
        targets = changes.changed
    else:
        if isinstance(entity, Lexeme):
            number_lexeme_parts(entity)
        targets = ((subject, statement) for subject, claims in subjects(entity)
                   for statements in claims.values() for statement in statements)
    for subject, statement in targets:
        if not statement.id:
            statement.id = new_statement_guid(subject)
        fill_hashes(statement, recompute=recompute_hashes)


def number_lexeme_parts(lexeme: Lexeme) -> None:
    """Ids for new forms and senses (idempotent)."""
    for form in lexeme.forms:
        if not form.id:
            form.id = f"{lexeme.id}-F{lexeme.nextFormId}"
            lexeme.nextFormId += 1
    for sense in lexeme.senses:
        if not sense.id:
            sense.id = f"{lexeme.id}-S{lexeme.nextSenseId}"
            lexeme.nextSenseId += 1
