"""The FastAPI application: Wikibase REST API v1 and the entitybase extension API."""

import re

from fastapi import FastAPI

from . import extension, rest_v1
from .routing import endpoint

_PARAM = re.compile(r"{(\w+)}")
WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}


def _parameters(path: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PARAM.findall(path)]


def _mount(app: FastAPI, service, prefix: str, table, tag: str, user_agent: bool) -> None:
    for method, path, handler, operation_id in table:
        name = operation_id
        run = endpoint(handler, service, method in WITH_BODY, user_agent)
        run.__name__ = name
        extra = {"parameters": _parameters(path)}
        if method in WITH_BODY and method != "DELETE":
            extra["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": {"type": "object"}}}}
        app.add_api_route(prefix + path, run, methods=[method], operation_id=operation_id,
                          tags=[tag], openapi_extra=extra, name=name)


def create_app(service) -> FastAPI:
    """The HTTP application serving `service`."""
    app = FastAPI(
        title="entitybase: Wikibase REST API",
        version="1.5",
        description="Wikibase REST API v1 for items, properties and statements, "
                    "and the entitybase extension API.",
        license_info={"name": "GNU General Public License v2.0 or later",
                      "url": "https://spdx.org/licenses/GPL-2.0-or-later.html"},
        openapi_url=f"{rest_v1.PREFIX}/openapi.json",
        docs_url=f"{rest_v1.PREFIX}/docs",
        redoc_url=None,
    )
    _mount(app, service, rest_v1.PREFIX, rest_v1.routes(), "wikibase", True)
    _mount(app, service, extension.PREFIX, extension.routes(), "entitybase", False)
    app.state.service = service
    return app
