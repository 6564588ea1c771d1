"""Handlers of the Wikibase REST API v1 for items, properties, terms, sitelinks and statements.

Each handler is a synchronous `handler(req) -> Response` run in the thread pool by
`routing.endpoint`; the logic of every change lives in `service.changes`.
"""

from functools import partial

from msgspec import UNSET
from starlette.responses import Response

from ..model import Item, rest
from ..model.rest import (
    RestError,
    Validators,
    as_patch_result,
    missing_field,
    resource_not_found,
)
from ..service import changes
from .cache import bodies
from .entities import (
    ITEM,
    KINDS,
    PROPERTY,
    Kind,
    authorize,
    edit,
    edit_meta,
    invalid_path,
    latest,
    path_entity_id,
    read,
    statement_subject,
    user_header,
)
from .routing import Redirect, Req, check_preconditions, json_response, revision_headers

PREFIX = "/w/rest.php/wikibase/v1"
TERM_LIMITS = {"labels": rest.LABEL_MAX, "descriptions": rest.DESCRIPTION_MAX}
TERM_NAMES = {"labels": "label", "descriptions": "description"}
DELETED = {"labels": "Label deleted", "descriptions": "Description deleted"}


def validators(req: Req) -> Validators:
    return Validators(req.datatype_of, req.service.is_valid_language, req.service.is_known_site)


def _required(body: dict, field: str):
    if field not in body:
        raise missing_field("", field)
    return body[field]


def _language(req: Req) -> str:
    code = req.params["language_code"]
    if not rest.check_language(code, "", req.service.is_valid_language):
        raise invalid_path("language_code")
    return code


def _site(req: Req) -> str:
    site = req.params["site_id"]
    if not req.service.is_known_site(site):
        raise invalid_path("site_id")
    return site


def _url_of(req: Req):
    return req.service.sitelink_url


def _patch_document(body: dict) -> list:
    return changes.check_patch(_required(body, "patch"))


def _patched(parse, document, patch):
    """Apply a JSON Patch and parse the result; invalid results are `patch-result-*` errors."""
    return _parse_patch_result(parse, changes.apply_patch(document, patch))


def _parse_patch_result(parse, result):
    try:
        return parse(result)
    except RestError as error:
        raise as_patch_result(error) from None


def _location(req: Req, path: str) -> str:
    return f"{req.base_url}{PREFIX}{path}"


# --- whole entities -------------------------------------------------------------------------

def _fields(req: Req, kind: Kind):
    allowed = rest.ITEM_FIELDS if kind is ITEM else rest.PROPERTY_FIELDS
    if "_fields" not in req.query:
        return allowed
    fields = req.query["_fields"].split(",")
    if any(field not in allowed for field in fields):
        raise RestError("invalid-query-parameter", "Invalid query parameter: '_fields'",
                        {"parameter": "_fields"})
    return fields


def _entity_body(req: Req, entity, fields=None) -> dict:
    if isinstance(entity, Item):
        return rest.item_json(entity, req.datatype_of, _url_of(req),
                              fields or rest.ITEM_FIELDS)
    return rest.property_json(entity, req.datatype_of, fields or rest.PROPERTY_FIELDS)


def get_entity(req: Req, kind: Kind):
    fields = _fields(req, kind)
    cache, sites = bodies(req.service), req.service.registry.sites
    head = req.service.head(path_entity_id(req, kind))
    if head is not None and not head.redirect_to and head.entity_type == kind.name:
        # The head is read from the store on every request; only its rendering is reused.
        cached = cache.get((head.entity_id, head.revision_id, tuple(fields)), sites)
        if cached is not None:
            body, info = cached
            check_preconditions(req.headers, info, read=True)
            return Response(body, 200, revision_headers(info), media_type="application/json")
    revision = read(req, kind)
    response = json_response(_entity_body(req, revision.entity, fields), revision.revision)
    key = (revision.entity.id, revision.revision.revision_id, tuple(fields))
    cache.put(key, response.body, revision.revision, sites)
    return response


def create_entity(req: Req, kind: Kind):
    body = req.json()
    data = _required(body, kind.name)
    meta = edit_meta(body)
    if kind is ITEM:
        entity = rest.parse_item(data, "/item", validators(req))
    else:
        entity = rest.parse_property(data, "/property", validators(req))
    for group in entity.claims.values():
        for statement in group:
            statement.id = UNSET  # a new entity's statements get new GUIDs
    user = authorize(req, meta)
    created = req.service.create(entity, user=user, comment=meta.comment, tags=list(meta.tags),
                                 bot=meta.bot, summary=changes.create_summary(entity))
    entity_id = created.entity.id
    headers = {"Location": _location(req, f"/entities/{kind.plural}/{entity_id}"),
               **user_header(user)}
    return json_response(_entity_body(req, created.entity), created.revision, 201, headers)


def patch_entity(req: Req, kind: Kind):
    entity_id = path_entity_id(req, kind)
    body = req.json()
    patch = _patch_document(body)
    meta = edit_meta(body)
    v = validators(req)

    def mutate(entity):
        document = _entity_body(req, entity)
        if kind is ITEM:
            parse = partial(rest.parse_item, path="", v=v, item_id=entity.id)
        else:
            parse = partial(rest.parse_property, path="", v=v, property_id=entity.id,
                            datatype=entity.datatype)
        result = changes.apply_patch(document, patch)
        if kind is ITEM:
            _check_patched_urls(document["sitelinks"], result.get("sitelinks")
                                if isinstance(result, dict) else None, "/sitelinks")
        new = _parse_patch_result(parse, result)
        _check_patched_statement_ids(entity, new)
        return changes.replace_entity(entity, new)

    result, user = edit(req, kind, entity_id, mutate, meta)
    return json_response(_entity_body(req, result.entity), result.revision,
                         headers=user_header(user))


def _read_only_in_patch(path: str) -> RestError:
    return RestError("patch-result-modified-read-only-value",
                     "Read only value in patch result cannot be modified", {"path": path})


def _check_patched_urls(original: dict, patched, prefix: str) -> None:
    """Sitelink URLs are read only: a patch may drop them, not change them."""
    if not isinstance(patched, dict):
        return
    for site, link in patched.items():
        changed = isinstance(link, dict) and "url" in link and \
            link["url"] != original.get(site, {}).get("url")
        if changed:
            raise _read_only_in_patch(f"{prefix}/{site}/url")


def _check_patched_statement_ids(entity, new) -> None:
    """A patch may keep, drop or reorder statements, not invent, copy or move their ids."""
    known = {s.id: s.property for group in entity.claims.values() for s in group}
    seen = set()
    for prop, group in new.claims.items():
        for index, statement in enumerate(group):
            if statement.id and statement.id in seen:
                raise RestError("patch-result-invalid-value", "Invalid value in patch result",
                                {"path": f"/statements/{prop}/{index}/id",
                                 "value": statement.id})
            seen.add(statement.id)
            if statement.id and known.get(statement.id) not in (None, prop):
                raise _read_only_in_patch(f"/statements/{prop}/{index}/property/id")
            if statement.id and statement.id not in known:
                raise RestError("patch-result-invalid-value", "Invalid value in patch result",
                                {"path": f"/statements/{prop}/{index}/id",
                                 "value": statement.id})


# --- labels and descriptions ----------------------------------------------------------------

def get_terms(req: Req, kind: Kind, field: str):
    revision = read(req, kind)
    return json_response(rest.terms_json(getattr(revision.entity, field)), revision.revision)


def get_term(req: Req, kind: Kind, field: str):
    language = _language(req)
    revision = read(req, kind)
    term = getattr(revision.entity, field).get(language)
    if term is None:
        raise resource_not_found(TERM_NAMES[field])
    return json_response(term.value, revision.revision)


def get_term_with_fallback(req: Req, kind: Kind, field: str):
    language = _language(req)
    revision = read(req, kind)
    terms = getattr(revision.entity, field)
    for candidate in req.service.language_fallbacks(language):
        if candidate in terms:
            if candidate == language:
                return json_response(terms[candidate].value, revision.revision)
            path = f"/entities/{kind.plural}/{revision.entity.id}/{field}/{candidate}"
            raise Redirect(_location(req, path), 307)
    raise resource_not_found(TERM_NAMES[field])


def _check_same_value(entity, field: str, language: str, text: str) -> None:
    other = getattr(entity, "descriptions" if field == "labels" else "labels").get(language)
    if other is not None and other.value == text:
        raise rest.policy_violation("label-description-same-value", {"language": language})


def put_term(req: Req, kind: Kind, field: str):
    entity_id = path_entity_id(req, kind)
    language = _language(req)
    body = req.json()
    name = TERM_NAMES[field]
    text = rest.parse_term(_required(body, name), f"/{name}", TERM_LIMITS[field])
    meta = edit_meta(body)
    created = []

    def mutate(entity):
        _check_same_value(entity, field, language, text)
        created.append(language not in getattr(entity, field))
        if field == "labels":
            return changes.set_label(entity, language, text)
        return changes.set_description(entity, language, text)

    result, user = edit(req, kind, entity_id, mutate, meta)
    status = 201 if created and created[-1] else 200
    return json_response(text, result.revision, status, user_header(user))


def delete_term(req: Req, kind: Kind, field: str):
    entity_id = path_entity_id(req, kind)
    language = _language(req)
    meta = edit_meta(req.json() if req._body else {})
    remove = changes.remove_label if field == "labels" else changes.remove_description
    result, user = edit(req, kind, entity_id, lambda e: remove(e, language), meta)
    return json_response(DELETED[field], result.revision, headers=user_header(user))


def patch_terms(req: Req, kind: Kind, field: str):
    entity_id = path_entity_id(req, kind)
    body = req.json()
    patch = _patch_document(body)
    meta = edit_meta(body)
    parse = partial(rest.parse_terms, path="", limit=TERM_LIMITS[field],
                    is_valid=req.service.is_valid_language)

    def mutate(entity):
        terms = _patched(parse, rest.terms_json(getattr(entity, field)), patch)
        labels = terms if field == "labels" else entity.labels
        descriptions = terms if field == "descriptions" else entity.descriptions
        rest.check_label_description(labels, descriptions)
        if field == "labels":
            return changes.replace_labels(entity, terms)
        return changes.replace_descriptions(entity, terms)

    result, user = edit(req, kind, entity_id, mutate, meta)
    terms = rest.terms_json(getattr(result.entity, field))
    return json_response(terms, result.revision, headers=user_header(user))


# --- aliases --------------------------------------------------------------------------------

def get_aliases(req: Req, kind: Kind):
    revision = read(req, kind)
    return json_response(rest.aliases_json(revision.entity.aliases), revision.revision)


def get_aliases_in_language(req: Req, kind: Kind):
    language = _language(req)
    revision = read(req, kind)
    aliases = revision.entity.aliases.get(language)
    if not aliases:
        raise resource_not_found("aliases")
    return json_response([term.value for term in aliases], revision.revision)


def add_aliases(req: Req, kind: Kind):
    entity_id = path_entity_id(req, kind)
    language = _language(req)
    body = req.json()
    aliases = rest.parse_alias_list(_required(body, "aliases"), "/aliases")
    meta = edit_meta(body)
    created = []

    def mutate(entity):
        created.append(language not in entity.aliases)
        return changes.add_aliases(entity, language, aliases)

    result, user = edit(req, kind, entity_id, mutate, meta)
    values = [term.value for term in result.entity.aliases.get(language, [])]
    status = 201 if created and created[-1] else 200
    return json_response(values, result.revision, status, user_header(user))


def patch_aliases(req: Req, kind: Kind):
    entity_id = path_entity_id(req, kind)
    body = req.json()
    patch = _patch_document(body)
    meta = edit_meta(body)
    parse = partial(rest.parse_aliases, path="", is_valid=req.service.is_valid_language)

    def mutate(entity):
        aliases = _patched(parse, rest.aliases_json(entity.aliases), patch)
        return changes.replace_aliases(entity, aliases)

    result, user = edit(req, kind, entity_id, mutate, meta)
    return json_response(rest.aliases_json(result.entity.aliases), result.revision,
                         headers=user_header(user))


# --- sitelinks ------------------------------------------------------------------------------

def get_sitelinks(req: Req):
    revision = read(req, ITEM)
    body = rest.sitelinks_json(revision.entity.sitelinks, _url_of(req))
    return json_response(body, revision.revision)


def get_sitelink(req: Req):
    site = _site(req)
    revision = read(req, ITEM)
    link = revision.entity.sitelinks.get(site)
    if link is None:
        raise resource_not_found("sitelink")
    body = rest.sitelink_json(link, req.service.sitelink_url(site, link.title))
    return json_response(body, revision.revision)


def put_sitelink(req: Req):
    item_id = path_entity_id(req, ITEM)
    site = _site(req)
    body = req.json()
    link = rest.parse_sitelink(_required(body, "sitelink"), site, "/sitelink")
    meta = edit_meta(body)
    created = []

    def mutate(item):
        created.append(site not in item.sitelinks)
        return changes.set_sitelink(item, link)

    result, user = edit(req, ITEM, item_id, mutate, meta)
    stored = result.entity.sitelinks[site]
    body = rest.sitelink_json(stored, req.service.sitelink_url(site, stored.title))
    status = 201 if created and created[-1] else 200
    return json_response(body, result.revision, status, user_header(user))


def delete_sitelink(req: Req):
    item_id = path_entity_id(req, ITEM)
    site = _site(req)
    meta = edit_meta(req.json() if req._body else {})
    result, user = edit(req, ITEM, item_id, lambda item: changes.remove_sitelink(item, site), meta)
    return json_response("Sitelink deleted", result.revision, headers=user_header(user))


def patch_sitelinks(req: Req):
    item_id = path_entity_id(req, ITEM)
    body = req.json()
    patch = _patch_document(body)
    meta = edit_meta(body)
    parse = partial(rest.parse_sitelinks, path="", is_known_site=req.service.is_known_site)

    def mutate(item):
        document = rest.sitelinks_json(item.sitelinks, _url_of(req))
        result = changes.apply_patch(document, patch)
        _check_patched_urls(document, result, "")
        return changes.replace_sitelinks(item, _parse_patch_result(parse, result))

    result, user = edit(req, ITEM, item_id, mutate, meta)
    body = rest.sitelinks_json(result.entity.sitelinks, _url_of(req))
    return json_response(body, result.revision, headers=user_header(user))


# --- statements -----------------------------------------------------------------------------

def get_statements(req: Req, kind: Kind):
    prop = req.query.get("property")
    if prop is not None and not (PROPERTY.pattern.match(prop)):
        raise RestError("invalid-query-parameter", "Invalid query parameter: 'property'",
                        {"parameter": "property"})
    revision = read(req, kind)
    body = rest.statements_json(revision.entity.claims, req.datatype_of, prop)
    return json_response(body, revision.revision)


def add_statement(req: Req, kind: Kind):
    entity_id = path_entity_id(req, kind)
    body = req.json()
    statement = rest.parse_statement(_required(body, "statement"), "/statement", req.datatype_of)
    meta = edit_meta(body)
    result, user = edit(req, kind, entity_id, lambda e: changes.add_statement(e, statement), meta)
    guid = statement.id
    group, index = changes.find_statement(result.entity, guid)
    headers = {"Location": _location(req, f"/entities/{kind.plural}/{entity_id}/statements/{guid}"),
               **user_header(user)}
    return json_response(rest.statement_json(group[index], req.datatype_of), result.revision,
                         201, headers)


def _statement_target(req: Req, kind: Kind | None) -> tuple[Kind, str, str]:
    """(kind, entity id, GUID) of a statement route, checking the ids agree."""
    guid = req.params["statement_id"]
    entity_id = path_entity_id(req, kind) if kind is not None else None
    subject = statement_subject(guid)
    if kind is None:
        kind = KINDS.get(subject[0])
        if kind is None:
            raise resource_not_found("statement")
        return kind, subject, guid
    if subject != entity_id:
        code = f"{kind.name}-statement-id-mismatch"
        message = f"IDs of the {kind.name.capitalize()} and the Statement do not match"
        raise RestError(code, message, {f"{kind.name}_id": entity_id, "statement_id": guid})
    return kind, entity_id, guid


def _subject_missing(kind: Kind | None, target_kind: Kind):
    """Errors about the subject of /statements/{id} routes read as a missing statement."""
    return resource_not_found("statement" if kind is None else target_kind.name)


def get_statement(req: Req, kind: Kind | None):
    target_kind, entity_id, guid = _statement_target(req, kind)
    from ..service.errors import EntityRedirected
    try:
        revision = latest(req, target_kind, entity_id, follow=False)
    except (RestError, EntityRedirected):
        raise _subject_missing(kind, target_kind) from None
    check_preconditions(req.headers, revision.revision, read=True)
    group, index = changes.find_statement(revision.entity, guid)
    return json_response(rest.statement_json(group[index], req.datatype_of), revision.revision)


def _edit_statement(req: Req, kind: Kind | None, mutate_with):
    target_kind, entity_id, guid = _statement_target(req, kind)
    body = req.json()
    change = mutate_with(body, guid)
    meta = edit_meta(body)
    from ..service.errors import EntityNotFound
    try:
        result, user = edit(req, target_kind, entity_id, change, meta)
    except EntityNotFound:
        raise _subject_missing(kind, target_kind) from None
    except RestError as error:
        if kind is None and error.code == "resource-not-found":
            raise resource_not_found("statement") from None
        raise
    return result, user, guid


def _statement_response(req: Req, result, user, guid: str):
    group, index = changes.find_statement(result.entity, guid)
    return json_response(rest.statement_json(group[index], req.datatype_of), result.revision,
                         headers=user_header(user))


def replace_statement(req: Req, kind: Kind | None):
    def mutate_with(body, guid):
        statement = rest.parse_statement(_required(body, "statement"), "/statement",
                                         req.datatype_of)

        def mutate(entity):  # after existence and permission checks, as Wikibase
            if statement.id and statement.id != guid:
                raise rest.read_only("/statement/id")
            return changes.replace_statement(entity, guid, statement)

        return mutate

    return _statement_response(req, *_edit_statement(req, kind, mutate_with))


def patch_statement(req: Req, kind: Kind | None):
    def mutate_with(body, guid):
        patch = _patch_document(body)
        parse = partial(rest.parse_statement, path="", datatype_of=req.datatype_of)

        def mutate(entity):
            group, index = changes.find_statement(entity, guid)
            old = group[index]
            new = _patched(parse, rest.statement_json(old, req.datatype_of), patch)
            if new.id != guid:
                raise RestError("patch-result-modified-read-only-value",
                                "Read only value in patch result cannot be modified",
                                {"path": "/id"})
            if new.property != old.property:
                raise RestError("patch-result-modified-read-only-value",
                                "Read only value in patch result cannot be modified",
                                {"path": "/property/id"})
            return changes.replace_statement(entity, guid, new)

        return mutate

    return _statement_response(req, *_edit_statement(req, kind, mutate_with))


def delete_statement(req: Req, kind: Kind | None):
    req._body = req._body or b"{}"
    result, user, _ = _edit_statement(
        req, kind, lambda body, guid: lambda e: changes.remove_statement(e, guid))
    return json_response("Statement deleted", result.revision, headers=user_header(user))


# --- other ----------------------------------------------------------------------------------

def property_data_types(req: Req):
    return json_response(dict(rest.VALUE_TYPES))


def routes() -> list[tuple[str, str, object, str]]:
    """(method, path, handler, operationId) of every route, as the spec names them."""
    table = []
    for kind in (ITEM, PROPERTY):
        base = f"/entities/{kind.plural}/{{{kind.param}}}"
        cap = "Item" if kind is ITEM else "Property"
        table += [
            ("POST", f"/entities/{kind.plural}", partial(create_entity, kind=kind), f"add{cap}"),
            ("GET", base, partial(get_entity, kind=kind), f"get{cap}"),
            ("PATCH", base, partial(patch_entity, kind=kind), f"patch{cap}"),
            ("GET", f"{base}/aliases", partial(get_aliases, kind=kind), f"get{cap}Aliases"),
            ("PATCH", f"{base}/aliases", partial(patch_aliases, kind=kind),
             f"patch{cap}Aliases"),
            ("GET", f"{base}/aliases/{{language_code}}",
             partial(get_aliases_in_language, kind=kind), f"get{cap}AliasesInLanguage"),
            ("POST", f"{base}/aliases/{{language_code}}", partial(add_aliases, kind=kind),
             f"add{cap}AliasesInLanguage"),
            ("GET", f"{base}/statements", partial(get_statements, kind=kind),
             f"get{cap}Statements"),
            ("POST", f"{base}/statements", partial(add_statement, kind=kind),
             f"add{cap}Statement"),
            ("GET", f"{base}/statements/{{statement_id}}", partial(get_statement, kind=kind),
             f"get{cap}Statement"),
            ("PUT", f"{base}/statements/{{statement_id}}",
             partial(replace_statement, kind=kind), f"replace{cap}Statement"),
            ("PATCH", f"{base}/statements/{{statement_id}}",
             partial(patch_statement, kind=kind), f"patch{cap}Statement"),
            ("DELETE", f"{base}/statements/{{statement_id}}",
             partial(delete_statement, kind=kind), f"delete{cap}Statement"),
        ]
        for field in ("labels", "descriptions"):
            name = TERM_NAMES[field].capitalize()
            table += [
                ("GET", f"{base}/{field}", partial(get_terms, kind=kind, field=field),
                 f"get{cap}{name}s"),
                ("PATCH", f"{base}/{field}", partial(patch_terms, kind=kind, field=field),
                 f"patch{cap}{name}s"),
                ("GET", f"{base}/{field}/{{language_code}}",
                 partial(get_term, kind=kind, field=field), f"get{cap}{name}"),
                ("PUT", f"{base}/{field}/{{language_code}}",
                 partial(put_term, kind=kind, field=field),
                 # the spec's one exception to its naming
                 "setPropertyDescription" if (cap, name) == ("Property", "Description")
                 else f"replace{cap}{name}"),
                ("DELETE", f"{base}/{field}/{{language_code}}",
                 partial(delete_term, kind=kind, field=field), f"delete{cap}{name}"),
                ("GET", f"{base}/{field}_with_language_fallback/{{language_code}}",
                 partial(get_term_with_fallback, kind=kind, field=field),
                 f"get{cap}{name}WithFallback"),
            ]
    item = "/entities/items/{item_id}"
    table += [
        ("GET", f"{item}/sitelinks", get_sitelinks, "getSitelinks"),
        ("PATCH", f"{item}/sitelinks", patch_sitelinks, "patchSitelinks"),
        ("GET", f"{item}/sitelinks/{{site_id}}", get_sitelink, "getSitelink"),
        ("PUT", f"{item}/sitelinks/{{site_id}}", put_sitelink, "setSitelink"),
        ("DELETE", f"{item}/sitelinks/{{site_id}}", delete_sitelink, "deleteSitelink"),
        ("GET", "/statements/{statement_id}", partial(get_statement, kind=None), "getStatement"),
        ("PUT", "/statements/{statement_id}", partial(replace_statement, kind=None),
         "replaceStatement"),
        ("PATCH", "/statements/{statement_id}", partial(patch_statement, kind=None),
         "patchStatement"),
        ("DELETE", "/statements/{statement_id}", partial(delete_statement, kind=None),
         "deleteStatement"),
        ("GET", "/property-data-types", property_data_types, "getPropertyDataTypes"),
    ]
    return table
