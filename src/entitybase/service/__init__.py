"""Every use case and rule; the only way the API and CLI touch stored entities.

See docs/service-interface.md for the contract.
"""

from pathlib import Path

from ..store import Store
from .errors import (
    EditConflict,
    EntityNotFound,
    EntityRedirected,
    PermissionDenied,
    RevisionNotFound,
    RuleViolation,
    ServiceError,
)
from .records import EntityRevision, ImportResult, RevisionInfo, Settings, User
from .service import Service


def open_service(data_dir: Path | str = "data", settings: Settings | None = None,
                 **store_options) -> Service:
    """The embedded backend under `data_dir`; creates or upgrades the schema."""
    settings = settings or Settings()
    store = Store(data_dir, blob_threshold=settings.blob_threshold, **store_options)
    return Service(store, settings)


__all__ = [
    "EditConflict", "EntityNotFound", "EntityRedirected", "EntityRevision", "ImportResult",
    "PermissionDenied", "RevisionInfo", "RevisionNotFound", "RuleViolation", "Service",
    "ServiceError", "Settings", "User", "open_service",
]
