"""The Linked Data interface: Special:EntityData in JSON, Turtle and N-Triples, and
content negotiation on concept URIs (`/entity/Q42`), as Wikibase serves them."""

import re

from starlette.responses import Response

from ..model import ids
from ..service.errors import EntityRedirected
from .errors import error_response
from .routing import Redirect, Req, check_preconditions, revision_headers

DATA_PATH = "/wiki/Special:EntityData"
MEDIA_TYPES = {
    "json": "application/json; charset=UTF-8",
    "ttl": "text/turtle; charset=UTF-8",
    "nt": "application/n-triples; charset=UTF-8",
}
# Accepted media types (and Wikibase's aliases for them) -> format.
ACCEPT = {
    "application/json": "json", "application/vnd.php.serialized": None,
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/turtle": "ttl",
    "application/n-triples": "nt", "text/n-triples": "nt", "text/plain": "nt",
}
_NAME = re.compile(r"^([^.]+)(?:\.(\w+))?$")
_REVISION = re.compile(r"^\d{1,19}$")


def negotiate(accept: str) -> str:
    """The format the Accept header prefers (quality values honoured), JSON by default."""
    choices = []
    for position, item in enumerate(accept.split(",")):
        media, *params = [part.strip() for part in item.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        fmt = ACCEPT.get(media.lower())
        if fmt and quality > 0:
            choices.append((-quality, position, fmt))
    return min(choices)[2] if choices else "json"


def _entity_id(text: str) -> str:
    if not ids.ANY_ID.match(text):
        raise _Fail(400, "invalid-entity-id", f"Invalid ID: {text}")
    return text.upper()


class _Fail(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message


def _data_url(req: Req, entity_id: str, fmt: str, query: str = "") -> str:
    return f"{req.base_url}{DATA_PATH}/{entity_id}.{fmt}{query}"


def entity_data(req: Req) -> Response:
    """`/wiki/Special:EntityData/Q42.ttl?flavor=dump&revision=123`."""
    try:
        return _entity_data(req)
    except _Fail as fail:
        return error_response(fail.code, fail.message, status=fail.status)


def _entity_data(req: Req) -> Response:
    match = _NAME.match(req.params.get("name") or req.query.get("id", ""))
    if not match:
        raise _Fail(400, "invalid-entity-id", "Invalid ID")
    entity_id = _entity_id(match.group(1))
    fmt = (match.group(2) or req.query.get("format") or "").lower()
    if not fmt:  # no format: see other, the format the client accepts
        raise Redirect(_data_url(req, entity_id, negotiate(req.headers.get("accept", ""))), 303)
    if fmt not in MEDIA_TYPES:
        raise _Fail(415, "unsupported-format", f"Unsupported format: {fmt}")
    revision = req.query.get("revision")
    if revision is not None and not _REVISION.match(revision):
        raise _Fail(400, "invalid-revision", f"Invalid revision: {revision}")
    revision_id = int(revision) or None if revision else None
    flavor = req.query.get("flavor") or None
    try:
        document, shown = req.service.linked_data.document(entity_id, fmt, flavor, revision_id)
    except EntityRedirected as moved:  # the head is a redirect: go to the target's data
        query = f"?flavor={flavor}" if flavor else ""
        raise Redirect(_data_url(req, moved.target_id, fmt, query), 301) from None
    check_preconditions(req.headers, shown.revision, read=True)
    headers = revision_headers(shown.revision)
    headers["Cache-Control"] = ("public, max-age=31536000, immutable" if revision_id
                                else "public, s-maxage=3600, max-age=3600")
    return Response(document, 200, headers, media_type=MEDIA_TYPES[fmt])


def concept(req: Req) -> Response:
    """`/entity/Q42`: see other, the data document in the format the client accepts."""
    try:
        entity_id = _entity_id(req.params["entity_id"])
    except _Fail as fail:
        return error_response(fail.code, fail.message, status=fail.status)
    raise Redirect(_data_url(req, entity_id, negotiate(req.headers.get("accept", ""))), 303)


def routes():
    return [
        ("GET", f"{DATA_PATH}/{{name}}", entity_data, "getEntityData"),
        ("GET", DATA_PATH, entity_data, "getEntityDataByQuery"),
        ("GET", "/entity/{entity_id}", concept, "getConcept"),
    ]
