"""Reading and editing entities of one model class (lexemes, entity schemas) for the
extension routes, with the item routes' conventions: 308 for redirects on reads, 409 on
writes, If-Match / If-Unmodified-Since pinning an edit to a revision (412 otherwise)."""

from ..model.rest import RestError
from ..service.errors import EditConflict, EntityNotFound, EntityRedirected
from .entities import authorize
from .routing import PreconditionFailed, Redirect, Req, check_preconditions, is_conditional


def latest(req: Req, entity_id: str, cls, not_found, follow: bool = True):
    """The entity's latest revision; `not_found()` is the error when it is missing or is not
    a `cls`."""
    try:
        revision = req.service.get(entity_id)
    except EntityNotFound:
        raise not_found() from None
    except EntityRedirected as moved:
        if not follow:
            raise
        location = f"{req.base_url}{req.path.replace(entity_id, moved.target_id, 1)}"
        raise Redirect(location) from None
    if not isinstance(revision.entity, cls):
        raise not_found()
    return revision


def edit(req: Req, entity_id: str, mutate, meta, cls, not_found):
    """Apply `mutate` to the latest revision through the service."""
    try:
        user = authorize(req, meta)
    except RestError:
        latest(req, entity_id, cls, not_found, follow=False)  # 404 / 409 before 403
        raise
    base = None
    if is_conditional(req.headers):
        head = latest(req, entity_id, cls, not_found, follow=False)
        check_preconditions(req.headers, head.revision, read=False)
        base = head.revision.revision_id

    def checked(entity):
        if not isinstance(entity, cls):
            raise not_found()
        return mutate(entity)

    try:
        # The lexeme and schema mutations (service/lexemes.py, service/schemas.py) replace
        # statements, terms, forms and senses, never change them in place: they may share
        # the cached revision's.
        result = req.service.edit(entity_id, checked, base_revision=base, user=user,
                                  comment=meta.comment, tags=list(meta.tags), bot=meta.bot,
                                  shallow_copy=True)
    except EditConflict:
        if base is None:
            raise
        raise PreconditionFailed() from None
    except EntityNotFound:
        raise not_found() from None
    return result, user
