"""Request handling shared by the REST routes: the thread pool, conditional requests, responses.

Handlers are plain synchronous functions `handler(req: Req) -> Response`; `endpoint` wraps one
into an async FastAPI endpoint that runs it in a bounded thread pool (the storage layer is
synchronous) and turns errors into Wikibase REST error responses.
"""

import asyncio
import logging
import re
import weakref
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import Response

from ..model.rest import RestError
from .errors import error_response, service_error_response

log = logging.getLogger(__name__)

# Worker threads the API may occupy at once; the storage layer is synchronous.
POOL_SIZE = 4
_limiters: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def limiter() -> anyio.CapacityLimiter:
    """The thread limiter of the running event loop (a limiter belongs to one loop)."""
    loop = asyncio.get_running_loop()
    found = _limiters.get(loop)
    if found is None:
        found = _limiters[loop] = anyio.CapacityLimiter(POOL_SIZE)
    return found


class NotModified(Exception):
    def __init__(self, revision_id: int):
        self.revision_id = revision_id


class PreconditionFailed(Exception):
    pass


class Redirect(Exception):
    """308 (or 307) to `location`."""

    def __init__(self, location: str, status: int = 308):
        self.location = location
        self.status = status


class Req:
    """What a handler sees of a request."""

    def __init__(self, service, request: Request, body: bytes | None):
        self.service = service
        self.path = request.url.path
        self.params = request.path_params
        self.query = request.query_params
        self.headers = request.headers
        self.base_url = str(request.base_url).rstrip("/")
        self._body = body
        self._datatypes: dict = {}

    def json(self) -> dict:
        """The request body: a JSON object."""
        try:
            data = orjson.loads(self._body or b"")
        except orjson.JSONDecodeError:
            raise RestError("invalid-value", "Invalid value at ''", {"path": ""}) from None
        if not isinstance(data, dict):
            raise RestError("invalid-value", "Invalid value at ''", {"path": ""}, data)
        return data

    def datatype_of(self, property_id: str):
        """The property's datatype, looked up once per request."""
        if property_id not in self._datatypes:
            self._datatypes[property_id] = self.service.property_datatype(property_id)
        return self._datatypes[property_id]


# --- headers --------------------------------------------------------------------------------

def http_date(timestamp: str) -> str:
    """`2020-06-06T16:38:47Z` -> `Sat, 06 Jun 2020 16:38:47 GMT`."""
    moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return format_datetime(moment, usegmt=True)


def revision_headers(revision) -> dict:
    return {"ETag": f'"{revision.revision_id}"',
            "Last-Modified": http_date(revision.timestamp)}


def json_response(body, revision=None, status: int = 200, headers: dict | None = None) -> Response:
    all_headers = revision_headers(revision) if revision is not None else {}
    all_headers.update(headers or {})
    return Response(orjson.dumps(body), status, all_headers, media_type="application/json")


_TAG = re.compile(r'(?:W/)?"([^"]*)"|\*')


def _etags(header: str) -> set[str]:
    return {match.group(1) if match.group(1) is not None else "*"
            for match in _TAG.finditer(header)}


def _parse_date(header: str) -> datetime | None:
    try:
        return parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None


def _modified(revision) -> datetime:
    return datetime.strptime(revision.timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=UTC)


def check_preconditions(headers, revision, read: bool) -> None:
    """If-Match / If-Unmodified-Since (412) and, on reads, If-None-Match /
    If-Modified-Since (304), against the entity's latest revision."""
    current = str(revision.revision_id)
    if_match = headers.get("if-match")
    if if_match is not None:
        tags = _etags(if_match)
        if "*" not in tags and current not in tags:
            raise PreconditionFailed()
    elif headers.get("if-unmodified-since"):
        since = _parse_date(headers["if-unmodified-since"])
        if since is not None and _modified(revision) > since:
            raise PreconditionFailed()
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        if "*" in tags or current in tags:
            if read:
                raise NotModified(revision.revision_id)
            raise PreconditionFailed()
    elif read and headers.get("if-modified-since"):
        since = _parse_date(headers["if-modified-since"])
        if since is not None and _modified(revision) <= since:
            raise NotModified(revision.revision_id)


def is_conditional(headers) -> bool:
    return any(name in headers for name in
               ("if-match", "if-none-match", "if-unmodified-since"))


# --- endpoints ------------------------------------------------------------------------------

def _run(handler, req: Req) -> Response:
    from ..service.errors import ServiceError
    try:
        return handler(req)
    except RestError as error:
        return error_response(error.code, error.message, error.context)
    except ServiceError as error:
        return service_error_response(error)
    except NotModified as done:
        return Response(status_code=304, headers={"ETag": f'"{done.revision_id}"'})
    except PreconditionFailed:
        return Response(status_code=412)
    except Redirect as moved:
        return Response(status_code=moved.status, headers={"Location": moved.location})


def endpoint(handler, service, with_body: bool, check_user_agent: bool = True):
    """An async endpoint running `handler` in the thread pool."""

    async def run(request: Request) -> Response:
        if check_user_agent and not request.headers.get("user-agent"):
            return error_response("missing-user-agent", "Request must include User-Agent header")
        body = await request.body() if with_body else None
        req = Req(service, request, body)
        try:
            return await anyio.to_thread.run_sync(_run, handler, req, limiter=limiter())
        except Exception:
            log.exception("unexpected error at %s", request.url.path)
            return error_response("unexpected-error", "Unexpected Error")

    return run
