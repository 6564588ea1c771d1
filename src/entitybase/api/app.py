"""The FastAPI application: Wikibase REST API v1 and the entitybase extension API.

Routes are plain Starlette routes (no per-request dependency solving: handlers parse their
own input); the OpenAPI document is built from the same route table.
"""

import re

from fastapi import FastAPI
from starlette.routing import Route

from . import extension, health, lexemes, lifecycle, linked_data, rest_v1, schemas
from .routing import endpoint

_PARAM = re.compile(r"{(\w+)}")
WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}
TITLE = "entitybase: Wikibase REST API"
VERSION = "1.5"


def _operation(method: str, path: str, operation_id: str, tag: str) -> dict:
    operation = {
        "operationId": operation_id,
        "tags": [tag],
        "parameters": [{"name": name, "in": "path", "required": True,
                        "schema": {"type": "string"}} for name in _PARAM.findall(path)],
        "responses": {"200": {"description": "OK",
                              "content": {"application/json": {"schema": {}}}}},
    }
    if method in WITH_BODY:
        operation["requestBody"] = {
            "required": method != "DELETE",
            "content": {"application/json": {"schema": {"type": "object"}}}}
    if method == "POST" and operation_id.startswith("add"):
        operation["responses"] = {"201": {"description": "Created",
                                          "content": {"application/json": {"schema": {}}}}}
    return operation


def openapi_document(tables) -> dict:
    """Our OpenAPI 3.1 document, generated from the route tables."""
    paths: dict = {}
    for prefix, table, tag in tables:
        for method, path, _, operation_id in table:
            paths.setdefault(prefix + path, {})[method.lower()] = _operation(
                method, path, operation_id, tag)
    paths[f"{rest_v1.PREFIX}/openapi.json"] = {"get": _operation(
        "GET", "/openapi.json", "getOpenApiDoc", "wikibase")}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE, "version": VERSION,
            "description": "Wikibase REST API v1 for items, properties and statements, "
                           "and the entitybase extension API.",
            "license": {"name": "GNU General Public License v2.0 or later",
                        "url": "https://spdx.org/licenses/GPL-2.0-or-later.html"},
        },
        "paths": paths,
    }


def _mount(app: FastAPI, service, prefix: str, table, user_agent: bool) -> None:
    for method, path, handler, operation_id in table:
        run = endpoint(handler, service, method in WITH_BODY, user_agent)
        app.router.routes.append(Route(prefix + path, run, methods=[method], name=operation_id))


def create_app(service) -> FastAPI:
    """The HTTP application serving `service`."""
    app = FastAPI(title=TITLE, version=VERSION, openapi_url=f"{rest_v1.PREFIX}/openapi.json",
                  docs_url=f"{rest_v1.PREFIX}/docs", redoc_url=None)
    tables = [(rest_v1.PREFIX, rest_v1.routes(), "wikibase"),
              (extension.PREFIX, extension.routes(), "entitybase"),
              ("", linked_data.routes(), "linked-data"),
              (extension.PREFIX, health.routes(), "entitybase"),
              (lifecycle.PREFIX, lifecycle.routes(), "entitybase"),
              (lexemes.V0, lexemes.v0_routes(), "lexemes"),
              (lexemes.PREFIX, lexemes.routes(), "entitybase"),
              (schemas.PREFIX, schemas.routes(), "entitybase")]
    for prefix, table, _ in tables:  # Wikibase's REST API insists on a User-Agent
        _mount(app, service, prefix, table, user_agent=prefix == rest_v1.PREFIX)
    document = openapi_document(tables)
    app.openapi = lambda: document
    app.state.service = service
    return app
