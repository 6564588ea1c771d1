"""HTTP API: the Wikibase REST API v1 and the entitybase extension API (request parsing and
response rendering only; every rule lives in `entitybase.service`)."""

from .app import create_app

__all__ = ["create_app"]
