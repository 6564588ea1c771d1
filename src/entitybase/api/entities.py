"""Reading and editing items and properties for the REST handlers: ids from the path, the
latest revision with redirects and preconditions, authorization, and edits through the service."""

import re
from dataclasses import dataclass

from ..model import ids
from ..model.rest import EditMeta, RestError, parse_edit_meta, resource_not_found
from .routing import PreconditionFailed, Redirect, Req, check_preconditions, is_conditional


@dataclass(frozen=True)
class Kind:
    name: str          # "item" / "property"
    plural: str        # path segment: "items" / "properties"
    param: str         # path parameter: "item_id" / "property_id"
    pattern: re.Pattern


ITEM = Kind("item", "items", "item_id", re.compile(r"^Q[1-9]\d{0,9}$"))
PROPERTY = Kind("property", "properties", "property_id", re.compile(r"^P[1-9]\d{0,9}$"))
KINDS = {"Q": ITEM, "P": PROPERTY}


def invalid_path(name: str) -> RestError:
    return RestError("invalid-path-parameter", f"Invalid path parameter: '{name}'",
                     {"parameter": name})


def path_entity_id(req: Req, kind: Kind) -> str:
    value = req.params[kind.param]
    if not kind.pattern.match(value):
        raise invalid_path(kind.param)
    return value


def _redirect_location(req: Req, entity_id: str, target: str) -> str:
    path = req.path.replace(f"/{entity_id}", f"/{target}", 1)
    query = f"?{req.query}" if str(req.query) else ""
    return f"{req.base_url}{path}{query}"


def latest(req: Req, kind: Kind, entity_id: str, follow: bool = True):
    """The entity's latest revision; a redirected item answers 308 (or 409 when not `follow`)."""
    from ..service.errors import EntityNotFound, EntityRedirected
    try:
        revision = req.service.get(entity_id)
    except EntityNotFound:
        raise resource_not_found(kind.name) from None
    except EntityRedirected as moved:
        if follow:
            raise Redirect(_redirect_location(req, entity_id, moved.target_id)) from None
        raise
    if revision.redirect_to and follow:
        raise Redirect(_redirect_location(req, entity_id, revision.redirect_to))
    if not isinstance(revision.entity, _model_class(kind)):
        raise resource_not_found(kind.name)
    return revision


def _model_class(kind: Kind):
    from ..model.entities import Item, Property
    return Item if kind is ITEM else Property


def read(req: Req, kind: Kind):
    """The latest revision for a GET: 304 / 412 / 308 as the request's headers ask."""
    revision = latest(req, kind, path_entity_id(req, kind))
    check_preconditions(req.headers, revision.revision, read=True)
    return revision


def permission_denied(reason: str, context: dict | None = None) -> RestError:
    body = {"denial_reason": reason}
    if context:
        body["denial_context"] = context
    return RestError("permission-denied", "Access to resource is denied", body)


def authorize(req: Req, meta: EditMeta):
    """The user making the edit (None when anonymous and allowed)."""
    header = req.headers.get("authorization")
    user = None
    if header:
        scheme, _, token = header.partition(" ")
        user = req.service.authenticate(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise permission_denied("permission-denied-unknown-reason",
                                    {"reason": "invalid-token"})
    elif not getattr(req.service.settings, "anonymous_edits", False):
        raise permission_denied("permission-denied-unknown-reason",
                                {"reason": "anonymous-edits-disabled"})
    if meta.bot and (user is None or not user.bot):
        raise permission_denied("unauthorized-bot-edit")
    return user


def edit_meta(body: dict) -> EditMeta:
    return parse_edit_meta(body)


def edit(req: Req, kind: Kind, entity_id: str, mutate, meta: EditMeta):
    """Apply `mutate` to the latest revision through the service; If-Match and
    If-Unmodified-Since pin the edit to the revision they name (412 otherwise)."""
    try:
        user = authorize(req, meta)
    except RestError:
        latest(req, kind, entity_id, follow=False)  # as Wikibase: 404 / 409 before 403
        raise
    base = None
    if is_conditional(req.headers):
        head = latest(req, kind, entity_id, follow=False)
        check_preconditions(req.headers, head.revision, read=False)
        base = head.revision.revision_id
    from ..service.errors import EditConflict
    try:
        # The routes' mutations (rest_v1.py, service/changes.py) replace statements, terms
        # and sitelinks, never change them in place: they may share the cached revision's.
        result = req.service.edit(entity_id, mutate, base_revision=base, user=user,
                                  comment=meta.comment, tags=list(meta.tags), bot=meta.bot,
                                  shallow_copy=True)
    except EditConflict:
        if base is None:
            raise
        raise PreconditionFailed() from None
    return result, user


def user_header(user) -> dict:
    return {"X-Authenticated-User": user.name} if user is not None else {}


def check_type(entity, kind: Kind) -> None:
    """Inside a mutation: the entity must be of the kind the route is for."""
    if not isinstance(entity, _model_class(kind)):
        raise resource_not_found(kind.name)


def statement_subject(guid: str, param: str = "statement_id") -> str:
    """The entity id a statement GUID belongs to; invalid GUIDs are a bad path parameter."""
    subject = ids.statement_subject(guid)
    if subject is None:
        raise invalid_path(param)
    return subject
