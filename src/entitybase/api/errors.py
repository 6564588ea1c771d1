"""Wikibase REST error responses: `{code, message, context?}`, `Content-Language: en`, and the
status of each code (Wikibase's ErrorResponseToHttpStatus)."""

import orjson
from starlette.responses import Response

STATUS = {
    "cannot-modify-read-only-value": 400, "invalid-key": 400, "invalid-path-parameter": 400,
    "invalid-query-parameter": 400, "invalid-value": 400, "item-statement-id-mismatch": 400,
    "missing-field": 400, "property-statement-id-mismatch": 400,
    "referenced-resource-not-found": 400, "resource-too-large": 400,
    "statement-group-property-id-mismatch": 400, "value-too-long": 400,
    "missing-user-agent": 400, "too-many-ids": 400,
    "permission-denied": 403,
    "resource-not-found": 404,
    "redirected-item": 409, "edit-conflict": 409, "patch-target-not-found": 409, "patch-test-failed": 409,
    "data-policy-violation": 422, "patch-result-invalid-key": 422,
    "patch-result-invalid-value": 422, "patch-result-missing-field": 422,
    "patch-result-modified-read-only-value": 422,
    "patch-result-referenced-resource-not-found": 422, "patch-result-value-too-long": 422,
    "patched-statement-group-property-id-mismatch": 422,
    "request-limit-reached": 429,
    "unexpected-error": 500,
}


def error_response(code: str, message: str, context: dict | None = None,
                   status: int | None = None) -> Response:
    body = {"code": code, "message": message}
    if context is not None:
        body["context"] = context
    return Response(orjson.dumps(body), status or STATUS.get(code, 400),
                    {"Content-Language": "en"}, media_type="application/json")


def redirected_item(item_id: str, target: str) -> Response:
    return error_response("redirected-item", f"Item {item_id} has been redirected to {target}",
                          {"redirect_target": target})


def service_error_response(error) -> Response:
    """A service error as the REST API reports it."""
    from ..service import errors

    if isinstance(error, errors.EntityRedirected):
        return redirected_item(error.entity_id, error.target_id)
    if isinstance(error, errors.EntityNotFound):
        return error_response("resource-not-found", "The requested resource does not exist",
                              {"resource_type": _resource_type(error)})
    status = STATUS.get(error.code)
    if status is None:
        status = 403 if isinstance(error, errors.PermissionDenied) else (
            422 if isinstance(error, errors.RuleViolation) else 400)
    return error_response(error.code, error.message, error.context, status)


def _resource_type(error) -> str:
    entity_id = getattr(error, "entity_id", "") or ""
    kind = {"Q": "item", "P": "property"}.get(entity_id[:1].upper())
    return kind or (error.context or {}).get("resource_type", "entity")
