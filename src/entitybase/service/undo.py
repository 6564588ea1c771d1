"""Undo of one revision: reverse the change it made, where the head still holds what that
revision wrote; anything edited since in the same place is a conflict.

An entity is seen as independent slots: one per term language, sitelink site, statement GUID,
form or sense id, and each remaining top-level field. A three-way merge over slots
(parent -> undone revision -> head) yields the new head.
"""

import msgspec

from ..model import Entity, Lexeme
from .errors import EntityNotFound, RevisionNotFound, RuleViolation
from .lifecycle import Conflict, require_user

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Entity).decode
_MISSING = object()
# Fields whose values are lists of sub-entities with their own ids.
_SUB_LISTS = ("forms", "senses")
# Counters that only grow; never part of a conflict.
_COUNTERS = ("nextFormId", "nextSenseId")


def slots(entity: Entity) -> dict:
    """(field, key) -> the JSON-ready value of that slot."""
    data = msgspec.to_builtins(entity)
    found = {}
    for name, value in data.items():
        if name in _COUNTERS or name in ("type", "id"):
            continue
        if name == "claims":
            for group in (value or {}).values():
                for statement in group:
                    found[(name, statement["id"])] = statement
        elif name in _SUB_LISTS:
            for sub in value:
                found[(name, sub["id"])] = sub
        elif isinstance(value, dict):
            for key, item in value.items():
                found[(name, key)] = item
        else:
            found[(name, None)] = value
    return found


def three_way(parent: dict, undone: dict, head: dict) -> tuple[dict, list]:
    """Slots of the head with the undone revision's changes reversed, and the conflicts."""
    result, conflicts = dict(head), []
    for key in parent.keys() | undone.keys():
        before, after = parent.get(key, _MISSING), undone.get(key, _MISSING)
        if before == after:
            continue
        if head.get(key, _MISSING) != after:
            conflicts.append(key)
        elif before is _MISSING:
            del result[key]
        else:
            result[key] = before
    return result, conflicts


def rebuild(head: Entity, new_slots: dict) -> Entity:
    """The head entity with its slots replaced; statements and sub-entities keep the head's
    order, restored ones go last."""
    data = msgspec.to_builtins(head)
    for name in list(data):
        if name in _COUNTERS or name in ("type", "id"):
            continue
        value = data[name]
        if name == "claims":
            data[name] = _claims(value or {}, new_slots)
        elif name in _SUB_LISTS:
            data[name] = _ordered(value, name, new_slots)
        elif isinstance(value, dict):
            data[name] = {key: item for (field, key), item in new_slots.items() if field == name}
        elif (name, None) in new_slots:
            data[name] = new_slots[(name, None)]
    for (name, key), value in new_slots.items():  # fields absent from the head
        if name not in data:
            data[name] = {key: value} if key is not None else value
        elif isinstance(data[name], dict) and name != "claims" and key not in data[name]:
            data[name][key] = value
    return _decode(_encode(data))


def _claims(groups: dict, new_slots: dict) -> dict:
    wanted = {key: item for (field, key), item in new_slots.items() if field == "claims"}
    result: dict = {}
    for prop, group in groups.items():
        for statement in group:
            if statement["id"] in wanted:
                result.setdefault(prop, []).append(wanted.pop(statement["id"]))
    for statement in wanted.values():
        result.setdefault(statement["mainsnak"]["property"], []).append(statement)
    return result


def _ordered(items: list, name: str, new_slots: dict) -> list:
    wanted = {key: item for (field, key), item in new_slots.items() if field == name}
    result = [wanted.pop(item["id"]) for item in items if item["id"] in wanted]
    return result + list(wanted.values())


def undo(service, entity_id: str, revision_id: int, *, user, comment: str | None = None,
         tags=(), bot: bool = False, base_revision: int | None = None):
    """Undo `revision_id` of `entity_id` on top of the head (Wikibase's undo)."""
    require_user(service, user)
    with service.store.read() as conn:
        row = service.store.revision(conn, revision_id)
        if row is None or row.entity_id != entity_id:
            if service.store.head(conn, entity_id) is None:
                raise EntityNotFound(entity_id)
            raise RevisionNotFound(entity_id, revision_id)
        parent_id = service.store.previous_revision(conn, entity_id, revision_id)
    if parent_id is None:
        raise RuleViolation("undo-first-revision", "The first revision cannot be undone",
                            {"revision_id": revision_id})
    undone = service.get(entity_id, revision_id).entity
    parent = service.get(entity_id, parent_id).entity
    summary = f"/* undo:0||{revision_id}|{row.user_name or ''} */"

    def mutate(entity):
        new_slots, conflicts = three_way(slots(parent), slots(undone), slots(entity))
        if conflicts:
            raise Conflict("undo-conflict", "The edit cannot be undone: it was changed since",
                           {"conflicts": [f"{field}/{key}" if key else field
                                          for field, key in sorted(conflicts, key=str)]})
        new = rebuild(entity, new_slots)
        for name in entity.__struct_fields__:
            setattr(entity, name, getattr(new, name))
        if isinstance(entity, Lexeme):  # sub-entity counters never go down
            entity.nextFormId = max(entity.nextFormId, undone.nextFormId)
            entity.nextSenseId = max(entity.nextSenseId, undone.nextSenseId)
        return summary

    return service.edit(entity_id, mutate, base_revision=base_revision, user=user,
                        comment=comment, tags=tags, bot=bot)
