"""Entity schemas (E ids) under /entitybase/v1/entities/entity-schemas: create, read, edit
labels, descriptions, aliases and schema text, JSON Patch; history is the generic
/entitybase/v1/entities/{id}/history."""

import re

from ..model.entities import EntitySchema
from ..model.rest import (
    ALIAS_MAX,
    DESCRIPTION_MAX,
    LABEL_MAX,
    RestError,
    as_patch_result,
    check_language,
    missing_field,
    parse_alias_list,
    parse_edit_meta,
    parse_term,
)
from ..model.rest_schema import parse_schema, parse_schema_text, schema_json
from ..service import changes, schemas
from . import typed
from .entities import authorize, invalid_path, user_header
from .lifecycle import with_statuses
from .routing import Req, check_preconditions, json_response

PREFIX = "/entitybase/v1"
_SCHEMA_ID = re.compile(r"^E[1-9]\d{0,9}$")
_statuses = with_statuses({"entity-schema-not-found": 404, "resource-not-found": 404})
_LIMITS = {"labels": LABEL_MAX, "descriptions": DESCRIPTION_MAX}
_NAMES = {"labels": "label", "descriptions": "description"}


def _not_found() -> RestError:
    return RestError("entity-schema-not-found", "The requested entity schema does not exist")


def _schema_id(req: Req) -> str:
    value = req.params["schema_id"]
    if not _SCHEMA_ID.match(value):
        raise invalid_path("schema_id")
    return value


def _language(req: Req) -> str:
    code = req.params["language_code"]
    if not check_language(code, "", req.service.is_valid_language):
        raise invalid_path("language_code")
    return code


def _required(body: dict, field: str):
    if field not in body:
        raise missing_field("", field)
    return body[field]


def _edit(req: Req, mutate, body: dict):
    return typed.edit(req, _schema_id(req), mutate, parse_edit_meta(body), EntitySchema,
                      _not_found)


def _respond(result, user, body, status: int = 200):
    return json_response(body, result.revision, status, user_header(user))


@_statuses
def get_schema(req: Req):
    revision = typed.latest(req, _schema_id(req), EntitySchema, _not_found)
    check_preconditions(req.headers, revision.revision, read=True)
    return json_response(schema_json(revision.entity), revision.revision)


@_statuses
def create_schema(req: Req):
    body = req.json()
    schema = parse_schema(_required(body, "entity_schema"), "/entity_schema",
                          req.service.is_valid_language)
    meta = parse_edit_meta(body)
    user = authorize(req, meta)
    created = req.service.create(schema, user=user, comment=meta.comment, tags=list(meta.tags),
                                 bot=meta.bot, summary=schemas.create_summary(schema))
    location = f"{req.base_url}{PREFIX}/entities/entity-schemas/{created.entity.id}"
    return json_response(schema_json(created.entity), created.revision, 201,
                         {"Location": location, **user_header(user)})


@_statuses
def patch_schema(req: Req):
    body = req.json()
    patch = changes.check_patch(_required(body, "patch"))
    is_valid = req.service.is_valid_language

    def mutate(schema):
        result = changes.apply_patch(schema_json(schema), patch)
        try:
            new = parse_schema(result, "", is_valid, schema.id)
        except RestError as error:
            raise as_patch_result(error) from None
        return schemas.replace_schema(schema, new)

    result, user = _edit(req, mutate, body)
    return _respond(result, user, schema_json(result.entity))


def _term_routes(field: str):
    name = _NAMES[field]
    setter = getattr(schemas, f"set_{name}")
    remover = getattr(schemas, f"remove_{name}")

    @_statuses
    def put(req: Req):
        language = _language(req)
        body = req.json()
        text = parse_term(_required(body, name), f"/{name}", _LIMITS[field])
        result, user = _edit(req, lambda schema: setter(schema, language, text), body)
        return _respond(result, user, text)

    @_statuses
    def delete(req: Req):
        language = _language(req)
        body = req.json() if req._body else {}
        result, user = _edit(req, lambda schema: remover(schema, language), body)
        return _respond(result, user, f"{name.capitalize()} deleted")

    put.__name__, delete.__name__ = f"put_{name}", f"delete_{name}"
    return put, delete


put_label, delete_label = _term_routes("labels")
put_description, delete_description = _term_routes("descriptions")


@_statuses
def put_aliases(req: Req):
    language = _language(req)
    body = req.json()
    aliases = parse_alias_list(_required(body, "aliases"), "/aliases")
    if any(len(alias) > ALIAS_MAX for alias in aliases):
        raise RestError("value-too-long", "The input value is too long", {"path": "/aliases"})
    result, user = _edit(req, lambda schema: schemas.set_aliases(schema, language, aliases),
                         body)
    return _respond(result, user, aliases)


@_statuses
def put_schema_text(req: Req):
    body = req.json()
    text = parse_schema_text(_required(body, "schema_text"), "/schema_text")
    result, user = _edit(req, lambda schema: schemas.set_schema_text(schema, text), body)
    return _respond(result, user, text)


def routes():
    base = "/entities/entity-schemas/{schema_id}"
    return [
        ("POST", "/entities/entity-schemas", create_schema, "addEntitySchema"),
        ("GET", base, get_schema, "getEntitySchema"),
        ("PATCH", base, patch_schema, "patchEntitySchema"),
        ("PUT", f"{base}/labels/{{language_code}}", put_label, "setEntitySchemaLabel"),
        ("DELETE", f"{base}/labels/{{language_code}}", delete_label, "deleteEntitySchemaLabel"),
        ("PUT", f"{base}/descriptions/{{language_code}}", put_description,
         "setEntitySchemaDescription"),
        ("DELETE", f"{base}/descriptions/{{language_code}}", delete_description,
         "deleteEntitySchemaDescription"),
        ("PUT", f"{base}/aliases/{{language_code}}", put_aliases, "setEntitySchemaAliases"),
        ("PUT", f"{base}/schema_text", put_schema_text, "setEntitySchemaText"),
    ]
