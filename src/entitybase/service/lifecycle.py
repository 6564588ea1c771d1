"""The editing lifecycle: revert, redirect revert, soft delete and undelete, hard delete,
protection, and the check every write passes through.

Revert is an ordinary edit (or, from a redirect, a content save that ends the redirect), so it
keeps uniqueness keys, backlinks and the outbox current like any edit. Deletion, undeletion,
protection and hard deletion are log entries, each with its outbox event in its transaction.
"""

import time

import msgspec

from ..model import Entity, Lexeme
from ..store import gc as gc_tables
from ..store import lifecycle as tables
from . import backlinks
from .errors import (
    EditConflict,
    EntityNotFound,
    PermissionDenied,
    RevisionNotFound,
    RuleViolation,
)
from .records import EntityRevision, User
from .revisions import compose_comment, now
from .rules import unique_keys, violation

# Protection levels and who may still edit:
#   semi      registered users (no anonymous edits)
#   full      administrators only
#   mass-edit anyone, but no bot edits
#   locked    nobody (an administrator must unprotect first)
#   archived  nobody: the entity is kept read-only for the record
LEVELS = ("semi", "full", "mass-edit", "locked", "archived")

_decode = msgspec.json.Decoder(Entity).decode


class Conflict(RuleViolation):
    """The request contradicts the entity's state (HTTP 409)."""


def check_write(conn, entity_id: str, user: User | None, bot: bool) -> None:
    """Raise PermissionDenied when the entity's protection forbids this write. Called inside
    the write transaction of every edit, redirect and revert."""
    row = tables.protection(conn, entity_id)
    if row is None:
        return
    level = row.level
    if level in ("locked", "archived"):
        raise PermissionDenied(f"{entity_id} is {level}", f"resource-{level}")
    if level == "full" and not (user and user.admin):
        raise PermissionDenied(f"{entity_id} is protected: administrators only",
                               "resource-protected")
    if level == "semi" and user is None:
        raise PermissionDenied(f"{entity_id} is semi-protected: registered users only",
                               "resource-protected")
    if level == "mass-edit" and bot:
        raise PermissionDenied(f"{entity_id} is protected against mass edits",
                               "mass-edit-protected")


def require_admin(user: User | None, action: str) -> None:
    if user is None or not user.admin:
        raise PermissionDenied(f"Only administrators may {action}", "not-admin")


def require_user(service, user: User | None) -> None:
    if user is None and not service.settings.anonymous_edits:
        raise PermissionDenied("Anonymous edits are not allowed", "anonymous")


# -- revert ------------------------------------------------------------------------------------


def revert(service, entity_id: str, to_revision_id: int, *, user: User | None,
           comment: str | None = None, tags=(), bot: bool = False,
           base_revision: int | None = None) -> EntityRevision:
    """A new revision whose content is that of `to_revision_id` (lexeme forms and senses
    included; form and sense counters never go down). From a redirect, it ends the redirect.
    With `base_revision`, the head must still be that revision (EditConflict otherwise)."""
    require_user(service, user)
    with service.store.read() as conn:
        head = service.store.head(conn, entity_id)
        row = service.store.revision(conn, to_revision_id)
    if head is None:
        raise EntityNotFound(entity_id)
    if base_revision is not None and base_revision != head.revision_id:
        raise EditConflict(entity_id, base_revision, head.revision_id)
    if row is None:
        raise RevisionNotFound(entity_id, to_revision_id)
    if row.entity_id != entity_id:
        raise RuleViolation("revision-of-other-entity",
                            f"Revision {to_revision_id} belongs to {row.entity_id}",
                            {"revision_id": to_revision_id, "entity_id": row.entity_id})
    summary = f"/* restore:1||{to_revision_id}|{row.user_name or ''} */"
    if row.manifest_id is None:
        if row.redirect_to is None:
            raise RuleViolation("revision-without-content",
                                f"Revision {to_revision_id} has no content")
        if head.redirect_to == row.redirect_to:
            return service.get(entity_id, head.revision_id)
        service.redirect(entity_id, row.redirect_to, user=user, comment=comment)
        return _head_revision(service, entity_id)
    target = service.get(entity_id, to_revision_id).entity
    if head.redirect_to:
        return _unredirect(service, entity_id, head.revision_id, target, user=user,
                           comment=compose_comment(summary, comment), tags=tags, bot=bot)

    def mutate(entity):
        restore(entity, target)
        return summary

    return service.edit(entity_id, mutate, base_revision=base_revision, user=user,
                        comment=comment, tags=tags, bot=bot)


def _head_revision(service, entity_id: str) -> EntityRevision:
    with service.store.read() as conn:
        head = service.store.head(conn, entity_id)
    return service.get(entity_id, head.revision_id)


def restore(entity: Entity, target: Entity) -> None:
    """Make `entity` (the head) equal to `target` (an older revision of it), in place."""
    counters = None
    if isinstance(entity, Lexeme):
        counters = (max(entity.nextFormId, target.nextFormId),
                    max(entity.nextSenseId, target.nextSenseId))
    for name in entity.__struct_fields__:
        setattr(entity, name, getattr(target, name))
    if counters is not None:
        entity.nextFormId, entity.nextSenseId = counters


def _unredirect(service, entity_id: str, head_revision: int, target: Entity, *, user,
                comment: str, tags, bot: bool) -> EntityRevision:
    """Redirect revert: the redirect's head is replaced by content (compare-and-swap)."""
    current = service.get(entity_id, head_revision)  # the redirect revision, as a stub
    meta = {"user": user, "comment": comment, "tags": list(tags), "bot": bot,
            "edit_type": "edit"}
    from .service import _HeadMoved  # service.py imports this module
    try:
        # The service's own save: the same transaction as any edit (keys, backlinks, outbox).
        return service._save(target, current, head_revision, meta)
    except _HeadMoved:
        raise EditConflict(entity_id, head_revision, None) from None


# -- deletion ----------------------------------------------------------------------------------


def delete(service, entity_id: str, *, user: User | None, reason: str = "") -> dict:
    """Soft delete (administrators): the entity disappears from reads, edits, dumps and
    uniqueness checks; its history stays for undeletion."""
    require_admin(user, "delete entities")
    store = service.store
    with store.write() as tx:
        head = store.head(tx.conn, entity_id)
        if head is None:
            raise EntityNotFound(entity_id)
        check_write(tx.conn, entity_id, user, False)
        timestamp = now()
        tables.move_head_to_deleted(tx, head, timestamp)
        store.delete_keys(tx, [entity_id])
        tables.drop_links(tx, [entity_id])
        return _log(service, tx, entity_id, head.revision_id, "delete", timestamp, user, reason)


def undelete(service, entity_id: str, *, user: User | None, reason: str = "") -> dict:
    """Restore a soft-deleted entity as it was; its uniqueness keys must still be free."""
    require_admin(user, "undelete entities")
    store = service.store
    with store.write() as tx:
        row = tables.deleted_head(tx.conn, entity_id)
        if row is None:
            if store.head(tx.conn, entity_id) is not None:
                raise Conflict("entity-not-deleted", f"{entity_id} is not deleted",
                               {"entity_id": entity_id})
            raise EntityNotFound(entity_id)
        entity = _content(store, tx.conn, row.revision_id)
        keys = unique_keys(entity) if entity is not None else {}
        owners = store.key_owners(tx.conn, list(keys))
        for key, owner in owners.items():
            if owner != entity_id:
                raise violation(keys[key], owner)
        tables.restore_head(tx, row)
        store.set_keys(tx, entity_id, [], [key for key in keys if key not in owners])
        backlinks.update(tx, entity_id, None, entity)
        return _log(service, tx, entity_id, row.revision_id, "undelete", now(), user, reason)


def _content(store, conn, revision_id: int) -> Entity | None:
    """The entity of a revision, read straight from the store (None for a redirect)."""
    row = store.revision(conn, revision_id)
    if row.manifest_id is None:
        return None
    return _decode(store.render(conn, row.manifest_id))


def hard_delete(service, entity_id: str, *, user: User | None, reason: str = "") -> dict:
    """Remove an entity and its whole history (administrators). Content other entities
    share keeps its references; what nothing references any more goes at the next gc."""
    require_admin(user, "delete entities permanently")
    store = service.store
    with store.write() as tx:
        head = store.head(tx.conn, entity_id) or tables.deleted_head(tx.conn, entity_id)
        if head is None:
            raise EntityNotFound(entity_id)
        released = tables.purge_entity(tx, entity_id)
        tables.release(tx, released)
        gc_tables.mark_released(tx, list(released), time.time())
        return _log(service, tx, entity_id, head.revision_id, "hard-delete", now(), user,
                    reason)


# -- protection --------------------------------------------------------------------------------


def protect(service, entity_id: str, level: str | None, *, user: User | None,
            reason: str = "") -> dict:
    """Set (or, with None, lift) the entity's protection level (administrators)."""
    require_admin(user, "change protection")
    if level is not None and level not in LEVELS:
        raise RuleViolation("invalid-protection-level", f"Unknown protection level {level!r}",
                            {"levels": list(LEVELS)})
    store = service.store
    with store.write() as tx:
        head = store.head(tx.conn, entity_id)
        if head is None:
            raise EntityNotFound(entity_id)
        timestamp = now()
        tables.set_protection(tx, entity_id, level, timestamp, user.name, reason)
        action = "protect" if level else "unprotect"
        return _log(service, tx, entity_id, head.revision_id, action, timestamp, user, reason,
                    {"level": level})


def protection(service, entity_id: str) -> dict | None:
    """{"level", "timestamp", "user", "reason"} or None when unprotected."""
    with service.store.read() as conn:
        if service.store.head(conn, entity_id) is None:
            raise EntityNotFound(entity_id)
        row = tables.protection(conn, entity_id)
    if row is None:
        return None
    return {"level": row.level, "timestamp": row.timestamp, "user": row.user_name,
            "reason": row.reason}


# -- the log -----------------------------------------------------------------------------------


def _log(service, tx, entity_id: str, revision_id: int, action: str, timestamp: str, user,
         reason: str, params: dict | None = None) -> dict:
    """A log entry and its outbox event, in the caller's transaction."""
    log_id = service.store.next_value(tx.conn, "log")
    row = tables.add_log(tx, log_id, entity_id, action, timestamp, user, reason, params or {})
    service.store.add_events(tx, [{
        "type": action, "entity_id": entity_id, "revision_id": revision_id,
        "parent_id": None, "timestamp": timestamp, "user": row["user_name"],
        "redirect_to": None, "log_id": log_id, "reason": reason, **(params or {})}])
    return _log_entry(row)


def _log_entry(row) -> dict:
    get = row.get if isinstance(row, dict) else row._mapping.get
    return {"log_id": get("log_id"), "entity_id": get("entity_id"), "action": get("action"),
            "timestamp": get("timestamp"), "user": get("user_name"), "reason": get("reason"),
            "params": msgspec.json.decode(get("params"))}


def log(service, entity_id: str) -> list[dict]:
    """The entity's log entries, newest first (kept after a hard delete)."""
    with service.store.read() as conn:
        return [_log_entry(row) for row in tables.log_entries(conn, entity_id)]

