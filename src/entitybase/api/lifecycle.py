"""Extension routes of the editing lifecycle under /entitybase/v1: revert, undo, merge, soft
and hard delete, undelete, protection, the log, backlinks and statistics."""

import re
from contextlib import contextmanager

from ..model import ids
from ..model.rest import RestError, invalid_value, missing_field, parse_edit_meta
from ..service import backlinks, lifecycle, merge, stats, undo
from ..service.errors import EditConflict, ServiceError
from .entities import authorize, invalid_path, user_header
from .errors import error_response
from .routing import (
    PreconditionFailed,
    Req,
    check_preconditions,
    is_conditional,
    json_response,
)

PREFIX = "/entitybase/v1"
_REVISION = re.compile(r"^[1-9]\d{0,18}$")
_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")

# Statuses of the lifecycle's own error codes (the REST API's codes keep theirs).
STATUS = {
    "revision-of-other-entity": 422, "revision-without-content": 422,
    "entity-not-deleted": 409, "invalid-protection-level": 400,
    "cannot-merge-self": 422, "unsupported-entity-type": 422,
    "items-link-each-other": 409, "merge-conflict": 409, "undo-conflict": 409,
    "undo-first-revision": 422,
}


def with_statuses(statuses: dict):
    """Render these error codes with these statuses; other errors as the REST API does."""

    def wrap(handler):
        def run(req: Req):
            try:
                return handler(req)
            except (ServiceError, RestError) as error:
                if error.code not in statuses:
                    raise
                return error_response(error.code, error.message, error.context,
                                      statuses[error.code])

        run.__name__ = handler.__name__
        return run

    return wrap


_statuses = with_statuses(STATUS)


def _entity_id(req: Req) -> str:
    value = req.params["entity_id"]
    if not ids.ENTITY_ID.match(value) or value != value.upper():
        raise invalid_path("entity_id")
    return value


def _revision_field(body: dict, field: str) -> int:
    if field not in body:
        raise missing_field("", field)
    value = body[field]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise invalid_value(f"/{field}", value)
    return value


def _id_field(body: dict, field: str) -> str:
    if field not in body:
        raise missing_field("", field)
    value = body[field]
    if not isinstance(value, str) or not ids.ENTITY_ID.match(value):
        raise invalid_value(f"/{field}", value)
    return value.upper()


def _reason(body: dict) -> str:
    reason = body.get("reason", body.get("comment")) or ""
    if not isinstance(reason, str) or len(reason) > 500:
        raise invalid_value("/reason", reason)
    return reason


def _edited(result, user, status: int = 200):
    body = {"id": result.entity.id, "revision_id": result.revision.revision_id,
            "timestamp": result.revision.timestamp, "comment": result.revision.comment}
    return json_response(body, result.revision, status, user_header(user))


# --- revert and undo --------------------------------------------------------------------------

@contextmanager
def _pinned(req: Req, entity_id: str):
    """If-Match / If-Unmodified-Since pin the write to the latest revision (412 otherwise),
    as on the item routes; yields that revision id, or None for an unconditional write."""
    base = None
    if is_conditional(req.headers):
        revisions, _ = req.service.history(entity_id, limit=1)
        check_preconditions(req.headers, revisions[0], read=False)
        base = revisions[0].revision_id
    try:
        yield base
    except EditConflict:
        if base is None:
            raise
        raise PreconditionFailed() from None


@_statuses
def revert(req: Req):
    """POST {"to_revision_id": N, "comment"?}: a new revision with revision N's content."""
    entity_id = _entity_id(req)
    body = req.json()
    to_revision = _revision_field(body, "to_revision_id")
    meta = parse_edit_meta(body)
    user = authorize(req, meta)
    with _pinned(req, entity_id) as base:
        result = lifecycle.revert(req.service, entity_id, to_revision, user=user,
                                  comment=meta.comment, tags=meta.tags, bot=meta.bot,
                                  base_revision=base)
    return _edited(result, user)


@_statuses
def undo_revision(req: Req):
    """POST {"revision_id": N, "comment"?}: undo revision N's change if it applies cleanly."""
    entity_id = _entity_id(req)
    body = req.json()
    revision_id = _revision_field(body, "revision_id")
    meta = parse_edit_meta(body)
    user = authorize(req, meta)
    with _pinned(req, entity_id) as base:
        result = undo.undo(req.service, entity_id, revision_id, user=user,
                           comment=meta.comment, tags=meta.tags, bot=meta.bot,
                           base_revision=base)
    return _edited(result, user)


# --- merge ------------------------------------------------------------------------------------

@_statuses
def merge_items(req: Req):
    """POST {"from": ID, "into": ID, "ignore_conflicts"?: ["description", "sitelink"]}."""
    body = req.json()
    source, target = _id_field(body, "from"), _id_field(body, "into")
    ignore = body.get("ignore_conflicts", [])
    if isinstance(ignore, str):
        ignore = [part for part in ignore.split("|") if part]
    if not isinstance(ignore, list) or any(v not in merge.CONFLICT_KINDS for v in ignore):
        raise invalid_value("/ignore_conflicts", ignore)
    meta = parse_edit_meta(body)
    user = authorize(req, meta)
    result = merge.merge_items(req.service, source, target, user=user, ignore_conflicts=ignore,
                               comment=meta.comment, bot=meta.bot)
    return json_response(result, headers=user_header(user))


# --- deletion and protection ------------------------------------------------------------------

def _admin_action(action):
    @_statuses
    def handler(req: Req):
        entity_id = _entity_id(req)
        body = req.json() if req._body else {}
        reason = _reason(body)
        user = authorize(req, parse_edit_meta({}))
        entry = action(req.service, entity_id, user=user, reason=reason)
        return json_response(entry, headers=user_header(user))

    handler.__name__ = action.__name__
    return handler


@_statuses
def get_protection(req: Req):
    entity_id = _entity_id(req)
    return json_response({"id": entity_id,
                          "protection": lifecycle.protection(req.service, entity_id)})


@_statuses
def set_protection(req: Req):
    """PUT {"level": "semi"|"full"|"mass-edit"|"locked"|"archived", "reason"?}."""
    entity_id = _entity_id(req)
    body = req.json()
    if "level" not in body:
        raise missing_field("", "level")
    if not isinstance(body["level"], str):
        raise invalid_value("/level", body["level"])
    user = authorize(req, parse_edit_meta({}))
    entry = lifecycle.protect(req.service, entity_id, body["level"], user=user,
                              reason=_reason(body))
    return json_response(entry, headers=user_header(user))


@_statuses
def remove_protection(req: Req):
    entity_id = _entity_id(req)
    body = req.json() if req._body else {}
    user = authorize(req, parse_edit_meta({}))
    entry = lifecycle.protect(req.service, entity_id, None, user=user, reason=_reason(body))
    return json_response(entry, headers=user_header(user))


def get_log(req: Req):
    entity_id = _entity_id(req)
    return json_response({"id": entity_id, "log": lifecycle.log(req.service, entity_id)})


# --- backlinks and statistics -----------------------------------------------------------------

def _limit(req: Req, default: int = 100) -> int:
    text = req.query.get("limit", str(default))
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise RestError("invalid-query-parameter", "Invalid query parameter: 'limit'",
                        {"parameter": "limit"})
    return int(text)


def _query_id(req: Req, name: str, pattern) -> str | None:
    value = req.query.get(name)
    if value is not None and not pattern.match(value):
        raise RestError("invalid-query-parameter", f"Invalid query parameter: '{name}'",
                        {"parameter": name})
    return value.upper() if value else None


def get_backlinks(req: Req):
    """GET ?property=P31&limit=100&after=<cursor>: entities linking here, in id order."""
    entity_id = _entity_id(req)
    prop = _query_id(req, "property", re.compile(ids.PROPERTY_ID))
    after = _query_id(req, "after", ids.ENTITY_ID)
    page = backlinks.page(req.service.store, entity_id, prop, after, _limit(req))
    return json_response({
        "id": entity_id,
        "backlinks": [{"id": source, "properties": props} for source, props in page.backlinks],
        "next": page.next})


def get_stats(req: Req):
    """The latest daily statistics, or those of `{day}`."""
    day = req.params.get("day")
    if day is not None and not _DAY.match(day):
        raise invalid_path("day")
    found_day, values = stats.read(req.service, day)
    if found_day is None:
        return error_response("resource-not-found", "No statistics for that day",
                              {"resource_type": "statistics"})
    return json_response({"day": found_day, "statistics": values})


def get_stats_days(req: Req):
    return json_response({"days": stats.days(req.service)})


def routes():
    return [
        ("POST", "/entities/{entity_id}/revert", revert, "revertEntity"),
        ("POST", "/entities/{entity_id}/undo", undo_revision, "undoRevision"),
        ("POST", "/merge", merge_items, "mergeItems"),
        ("POST", "/entities/{entity_id}/delete", _admin_action(lifecycle.delete), "deleteEntity"),
        ("POST", "/entities/{entity_id}/undelete", _admin_action(lifecycle.undelete),
         "undeleteEntity"),
        ("POST", "/entities/{entity_id}/purge", _admin_action(lifecycle.hard_delete),
         "purgeEntity"),
        ("GET", "/entities/{entity_id}/protection", get_protection, "getProtection"),
        ("PUT", "/entities/{entity_id}/protection", set_protection, "setProtection"),
        ("DELETE", "/entities/{entity_id}/protection", remove_protection, "removeProtection"),
        ("GET", "/entities/{entity_id}/log", get_log, "getEntityLog"),
        ("GET", "/entities/{entity_id}/backlinks", get_backlinks, "getBacklinks"),
        ("GET", "/stats", get_stats, "getStatistics"),
        ("GET", "/stats/days", get_stats_days, "getStatisticsDays"),
        ("GET", "/stats/{day}", get_stats, "getStatisticsOfDay"),
    ]
