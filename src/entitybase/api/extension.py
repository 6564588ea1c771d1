"""Extension routes under /entitybase/v1: history, revisions, redirects."""

import re
from functools import partial

from starlette.responses import Response

from ..model import ids, write_entity_data
from ..model.rest import RestError, parse_edit_meta
from .entities import authorize, invalid_path, user_header
from .routing import Req, json_response

PREFIX = "/entitybase/v1"
_REVISION = re.compile(r"^[1-9]\d{0,18}$")
_CONTENT_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_CONTENT_IDS = 100
# Path segment -> the service's part kind.
CONTENT_KINDS = {"statements": "statement", "snaks": "snak", "references": "reference",
                 "qualifiers": "qualifiers", "terms": "term", "sitelinks": "sitelink"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def _entity_id(req: Req) -> str:
    value = req.params["entity_id"]
    if not ids.ENTITY_ID.match(value) or value != value.upper():
        raise invalid_path("entity_id")
    return value


def _limit(req: Req) -> int:
    text = req.query.get("limit", "50")
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise RestError("invalid-query-parameter", "Invalid query parameter: 'limit'",
                        {"parameter": "limit"})
    return int(text)


def history(req: Req):
    """`{"revisions": [...], "next": cursor}`, newest first."""
    entity_id = _entity_id(req)
    before = req.query.get("before")
    if before is not None and not _REVISION.match(before):
        raise RestError("invalid-query-parameter", "Invalid query parameter: 'before'",
                        {"parameter": "before"})
    revisions, cursor = req.service.history(entity_id, limit=_limit(req),
                                            before=int(before) if before else None)
    body = {"revisions": [
        {"revision_id": r.revision_id, "timestamp": r.timestamp, "user": r.user,
         "comment": r.comment, "tags": list(r.tags), "bot": r.bot} for r in revisions],
        "next": cursor}
    return json_response(body)


def revision(req: Req):
    """Special:EntityData JSON of one revision."""
    entity_id = _entity_id(req)
    number = req.params["revision_id"]
    if not _REVISION.match(number):
        raise invalid_path("revision_id")
    found = req.service.get(entity_id, int(number))
    headers = {"ETag": f'"{found.revision.revision_id}"',
               "Cache-Control": "public, max-age=31536000, immutable"}
    return Response(write_entity_data((found.entity, found.meta)), 200, headers,
                    media_type="application/json")


def create_redirect(req: Req):
    """POST {"from": ID, "to": ID}: the source gets a redirect revision."""
    body = req.json()
    for field in ("from", "to"):
        if field not in body:
            raise RestError("missing-field", "Required field missing",
                            {"path": "", "field": field})
        if not isinstance(body[field], str) or not ids.ENTITY_ID.match(body[field]):
            raise RestError("invalid-value", f"Invalid value at '/{field}'", {"path": f"/{field}"})
    meta = parse_edit_meta(body)
    user = authorize(req, meta)
    info = req.service.redirect(body["from"].upper(), body["to"].upper(), user=user,
                                comment=meta.comment)
    result = {"from": body["from"].upper(), "to": body["to"].upper(),
              "revision_id": info.revision_id, "timestamp": info.timestamp}
    return json_response(result, status=201,
                         headers={"ETag": f'"{info.revision_id}"', **user_header(user)})


def _content_ids(req: Req) -> list[str]:
    wanted = req.params["ids"].split(",")
    if len(wanted) > MAX_CONTENT_IDS:
        raise RestError("too-many-ids", f"At most {MAX_CONTENT_IDS} ids at a time",
                        {"limit": MAX_CONTENT_IDS})
    if not all(_CONTENT_ID.match(content_id) for content_id in wanted):
        raise invalid_path("ids")
    return list(dict.fromkeys(wanted))


def contents(req: Req, segment: str):
    """Stored parts by content id: `{id: Wikibase JSON or null}`, up to 100 ids."""
    wanted = _content_ids(req)
    found = req.service.get_contents(CONTENT_KINDS[segment], wanted)
    return json_response({content_id: found.get(content_id) for content_id in wanted},
                         headers=IMMUTABLE if len(found) == len(wanted) else None)


def statement_content(req: Req):
    """One stored statement (without GUID and rank) by content id; several give a map."""
    if "," in req.params["ids"]:
        return contents(req, "statements")
    wanted = _content_ids(req)
    found = req.service.get_contents("statement", wanted)
    if not found:
        raise RestError("resource-not-found", "The requested resource does not exist",
                        {"resource_type": "statement"})
    return json_response(found[wanted[0]], headers=IMMUTABLE)


def most_used_statements(req: Req):
    limit = req.query.get("limit", "10")
    if not limit.isdigit() or not 1 <= int(limit) <= 100:
        raise RestError("invalid-query-parameter", "Invalid query parameter: 'limit'",
                        {"parameter": "limit"})
    return json_response({"statements": req.service.most_used_statements(int(limit))})


def deduplication(req: Req):
    return json_response(req.service.deduplication_stats())


def routes():
    content_routes = [
        ("GET", f"/{segment}/{{ids}}", partial(contents, segment=segment),
         f"get{segment.capitalize()}ByContentId")
        for segment in CONTENT_KINDS if segment != "statements"]
    return [
        ("GET", "/statements/most_used", most_used_statements, "getMostUsedStatements"),
        ("GET", "/statements/{ids}", statement_content, "getStatementByContentId"),
        *content_routes,
        ("GET", "/stats/deduplication", deduplication, "getDeduplicationStats"),
        ("GET", "/entities/{entity_id}/history", history, "getEntityHistory"),
        ("GET", "/entities/{entity_id}/revisions/{revision_id}", revision, "getEntityRevision"),
        ("POST", "/redirects", create_redirect, "createRedirect"),
    ]
