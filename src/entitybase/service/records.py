"""What the service hands out: users, revision metadata, entity revisions, settings."""

from dataclasses import dataclass, field

from ..model import Entity, PageMeta


@dataclass(frozen=True)
class User:
    id: int
    name: str
    admin: bool
    bot: bool


@dataclass(frozen=True)
class RevisionInfo:
    revision_id: int
    entity_id: str
    parent_id: int | None
    timestamp: str  # "YYYY-MM-DDThh:mm:ssZ"
    user: str | None
    comment: str
    tags: list[str]
    bot: bool


@dataclass(frozen=True)
class EntityRevision:
    entity: Entity
    meta: PageMeta
    revision: RevisionInfo
    redirect_to: str | None = None


@dataclass
class Settings:
    anonymous_edits: bool = False
    # The lowest number a newly created entity of each type gets.
    id_minimums: dict[str, int] = field(default_factory=dict)
    # Parts larger than this go to the blob directory.
    blob_threshold: int = 256 * 1024
    # Whole entities rendered per revision kept in memory.
    revision_cache_size: int = 2048


@dataclass
class ImportResult:
    """One record of an import: imported, skipped (already there) or failed with an error."""

    entity_id: str
    revision_id: int | None
    status: str  # "imported" | "unchanged" | "failed"
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
