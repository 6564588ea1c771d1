"""`/entitybase/v1/health`: is the store readable, and how are the scheduled dumps doing."""

from ..service.dumps import dump_directory
from ..workers.dumps import health as dump_health
from .routing import Req, json_response


def health(req: Req):
    store = req.service.store
    with store.read() as conn:
        latest = store.latest_revision_id(conn)
    body = {"status": "ok", "latest_revision_id": latest,
            "dumps": dump_health(dump_directory(req.service))}
    return json_response(body, headers={"Cache-Control": "no-store"})


def routes():
    return [("GET", "/health", health, "getHealth")]
