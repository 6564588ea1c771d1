"""The entity use cases: read any revision, create, edit, history, redirect, import.

Every write is one store transaction: new parts, the revision row, the head's
compare-and-swap, uniqueness keys and the outbox event. Nothing partial survives a failure.
"""

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

import msgspec
from msgspec import UNSET

from ..model import Entity, Item, Lexeme, all_snaks, all_statements, decode_stored
from ..model.ids import make_id
from ..store import KIND_NAMES, Store, TransientConflict
from . import backlinks, lifecycle
from .errors import (
    EditConflict,
    EntityNotFound,
    EntityRedirected,
    PermissionDenied,
    RevisionNotFound,
    RuleViolation,
)
from .importer import ImportPlan, import_batch, write_import
from .linked_data import LinkedData
from .records import EntityRevision, ImportResult, RevisionInfo, Settings, User
from .registry import Registry
from .revisions import (
    StatementChanges,
    compose_comment,
    container_copy,
    entity_kind,
    event,
    fill_statements,
    now,
    number_lexeme_parts,
    page_meta,
    revision_info,
)
from .rules import key_change, same_label_and_description, unique_keys, violation

EDIT_RETRIES = 5
# Head revisions kept decoded for the next edit of their entity, bounded by their JSON size
# (decoded objects take several times that: 4 MiB of JSON is some tens of MB of memory).
EDIT_CACHE_BYTES = 4 * 1024 * 1024
MAX_CONTENT_IDS = 100
KIND_CODES = {name: code for code, name in KIND_NAMES.items()}

_decode = decode_stored  # content read back passed the value checks when written


class _HeadMoved(Exception):
    """The head changed between read and write (compare-and-swap failed)."""


class _Saved(NamedTuple):
    """A revision saved by this service, kept for the next edit of its entity."""

    revision: EntityRevision  # its entity is shared with edits: never changed in place
    json: bytes  # the entity's JSON when saved: a changed entity is no longer trusted
    manifest_id: str
    statements: dict  # GUID -> (statement, part id) (Splitter.statements)
    groups: dict  # statement lists as split (Splitter.groups)
    links: dict  # backlink -> number of snaks holding it


class Service:
    def __init__(self, store: Store, settings: Settings | None = None):
        self.store = store
        self.settings = settings or Settings()
        self.registry = Registry(store)
        self._datatypes: dict[str, str] = {}
        self._rendered: OrderedDict[int, bytes] = OrderedDict()
        self._lock = threading.Lock()
        # revision id -> what the next edit starts from, so an edit need not decode or split
        # its whole entity again (see _current).
        self._edited: OrderedDict[int, _Saved] = OrderedDict()
        self._edited_bytes = 0

    def close(self) -> None:
        self.store.close()

    @functools.cached_property
    def linked_data(self):
        """Special:EntityData documents (JSON, Turtle, N-Triples) of stored entities."""
        return LinkedData(self)

    # -- reading -----------------------------------------------------------------------------

    def get(self, entity_id: str, revision_id: int | None = None) -> EntityRevision:
        with self.store.read() as conn:
            head = self.store.head(conn, entity_id)
            if head is None:
                raise EntityNotFound(entity_id)
            if revision_id is None:
                if head.redirect_to:
                    raise EntityRedirected(entity_id, head.redirect_to)
                revision_id = head.revision_id
            row = self.store.revision(conn, revision_id)
            if row is None or row.entity_id != entity_id:
                raise RevisionNotFound(entity_id, revision_id)
            entity = self._entity(conn, row, head.entity_type)
        meta = page_meta(entity_id, head.entity_type, head.page_id, row.revision_id, row.timestamp)
        self._decorate(entity)
        return EntityRevision(entity, meta, revision_info(row), row.redirect_to)

    def get_heads(self, heads, reader=None) -> list[EntityRevision]:
        """The head revisions of many entities at once (dumps read a page at a time); `heads`
        are store head rows, redirects left out. Parts load together, a query per level.
        A `reader` (store.reading.EntityReader) reads them around the store's part cache."""
        heads = [head for head in heads if not head.redirect_to]
        with self.store.read() as conn:
            rows = self.store.revisions(conn, [head.revision_id for head in heads])
            manifests = [rows[head.revision_id].manifest_id for head in heads]
            if reader is None:
                entities = [_decode(doc) for doc in self.store.render_many(conn, manifests)]
            else:
                entities = reader.entities(conn, manifests)
        found = []
        for head, entity in zip(heads, entities):
            row = rows[head.revision_id]
            self._decorate(entity)
            meta = page_meta(head.entity_id, head.entity_type, head.page_id, row.revision_id,
                             row.timestamp)
            found.append(EntityRevision(entity, meta, revision_info(row)))
        return found

    def head(self, entity_id: str):
        """The entity's head row (entity_type, revision_id, redirect_to, ...) or None."""
        with self.store.read() as conn:
            return self.store.head(conn, entity_id)

    def _entity(self, conn, row, kind: str) -> Entity:
        if row.manifest_id is None:  # a redirect revision has no content
            return _decode(b'{"type":"%s","id":"%s"%s}' % (
                b"ShExC" if kind == "entity-schema" else kind.encode(), row.entity_id.encode(),
                b',"datatype":"string"' if kind == "property" else
                b',"lexicalCategory":"Q1","language":"Q1"' if kind == "lexeme" else b""))
        return _decode(self._entity_json(conn, row.revision_id, row.manifest_id))

    def _entity_json(self, conn, revision_id: int, manifest_id: str) -> bytes:
        """Entity JSON of a revision; revisions are immutable, so it is cached."""
        with self._lock:
            data = self._rendered.get(revision_id)
            if data is not None:
                self._rendered.move_to_end(revision_id)
                return data
        data = self.store.render(conn, manifest_id)
        self._remember(revision_id, data)
        return data

    def _remember(self, revision_id: int, data: bytes) -> None:
        with self._lock:
            self._rendered[revision_id] = data
            while len(self._rendered) > self.settings.revision_cache_size:
                self._rendered.popitem(last=False)

    def _decorate(self, entity: Entity) -> None:
        """What reads add to stored content: sitelink URLs, snak datatypes stored without."""
        if isinstance(entity, Item):
            self._sitelink_urls(entity.sitelinks.values())
        self._fill_datatypes(all_statements(entity))

    def _sitelink_urls(self, links) -> None:
        for link in links:
            link.url = self.registry.sitelink_url(link.site, link.title) or UNSET

    def _fill_datatypes(self, statements, extra: dict | None = None) -> None:
        """Snaks stored without `datatype` get their property's."""
        for statement in statements:
            for snak in all_snaks(statement):
                if snak.datatype is UNSET:
                    datatype = (extra or {}).get(snak.property) or \
                        self.property_datatype(snak.property)
                    if datatype:
                        snak.datatype = datatype

    def property_datatype(self, property_id: str) -> str | None:
        datatype = self._datatypes.get(property_id)
        if datatype is None:
            with self.store.read() as conn:
                datatype = self._stored_datatype(conn, property_id)
            if datatype:
                self._datatypes[property_id] = datatype
        return datatype

    def _stored_datatype(self, conn, property_id: str) -> str | None:
        head = self.store.head(conn, property_id)
        if head is None or head.redirect_to:
            return None
        row = self.store.revision(conn, head.revision_id)
        return self.store.root(conn, row.manifest_id).get("datatype")

    def history(self, entity_id: str, limit: int = 50, before: int | None = None):
        """Revisions newest first, and the cursor for the next page (None at the end)."""
        with self.store.read() as conn:
            if self.store.head(conn, entity_id) is None:
                raise EntityNotFound(entity_id)
            rows = self.store.history(conn, entity_id, limit + 1, before)
        infos = [revision_info(row) for row in rows[:limit]]
        return infos, (infos[-1].revision_id if len(rows) > limit else None)

    # -- sites, languages, users ---------------------------------------------------------------

    def sitelink_url(self, site_id: str, title: str) -> str | None:
        return self.registry.sitelink_url(site_id, title)

    def is_known_site(self, site_id: str) -> bool:
        return self.registry.is_known_site(site_id)

    def is_valid_language(self, code: str) -> bool:
        return self.registry.is_valid_language(code)

    def language_fallbacks(self, code: str) -> list[str]:
        return self.registry.language_fallbacks(code)

    def authenticate(self, bearer_token: str) -> User | None:
        return self.registry.authenticate(bearer_token)

    def create_user(self, name: str, *, admin: bool = False, bot: bool = False):
        return self.registry.create_user(name, admin=admin, bot=bot)

    # -- writing -----------------------------------------------------------------------------

    def _check_user(self, user: User | None) -> None:
        if user is None and not self.settings.anonymous_edits:
            raise PermissionDenied("Anonymous edits are not allowed", "anonymous")

    def create(self, entity: Entity, *, user: User | None, comment: str | None = None,
               tags=(), bot: bool = False, summary: str = "") -> EntityRevision:
        self._check_user(user)
        if entity.id is not UNSET:
            raise RuleViolation("invalid-entity-id", "a new entity must not have an id")
        kind = entity_kind(entity)
        entity.id = self._allocate_id(kind)
        meta = {"user": user, "comment": compose_comment(summary, comment), "tags": list(tags),
                "bot": bot, "edit_type": "create"}
        return self._save(entity, None, None, meta)

    def _allocate_id(self, kind: str) -> str:
        """A fresh id in its own transaction: a failed create burns its id, never reuses it."""
        minimum = self.settings.id_minimums.get(kind, 1)
        with self.store.write() as tx:
            while True:
                entity_id = make_id(kind, self.store.next_value(tx.conn, f"id:{kind}", minimum))
                if self.store.head(tx.conn, entity_id) is None:
                    return entity_id

    def edit(self, entity_id: str, mutate: Callable[[Entity], str | None], *,
             base_revision: int | None = None, user: User | None, comment: str | None = None,
             tags=(), bot: bool = False, shallow_copy: bool = False) -> EntityRevision:
        """Apply `mutate` to a private copy of the latest revision and save the result;
        `mutate` returns the autosummary and may run more than once (when the head moved).
        Its copy is decoded afresh, unless `shallow_copy`: then it is a `container_copy`
        sharing statements, terms and sitelinks with the revision as this service cached
        it, and `mutate` must replace those rather than change them in place."""
        self._check_user(user)
        for _ in range(EDIT_RETRIES):
            current, saved = self._current(entity_id)
            head = current.revision.revision_id
            if base_revision is not None and base_revision != head:
                raise EditConflict(entity_id, base_revision, head)
            entity = container_copy(current.entity) if shallow_copy else \
                self._editable(current)
            summary = mutate(entity)
            meta = {"user": user, "comment": compose_comment(summary, comment),
                    "tags": list(tags), "bot": bot, "edit_type": "edit"}
            try:
                return self._save(entity, current, head, meta, saved)
            except _HeadMoved:
                if base_revision is not None:
                    raise EditConflict(entity_id, base_revision, None) from None
            except TransientConflict:
                pass  # the database gave the transaction up, nothing was written: redo it
        raise EditConflict(entity_id, head, None)

    def _current(self, entity_id: str) -> tuple[EntityRevision, _Saved | None]:
        """The latest revision, as `get` reads it, and what this service kept of it when it
        saved it. The head is always read from the store, the decoded entity comes from the
        edit cache when the head is a revision this service saved. Revisions are immutable,
        so a cached one is never stale; a cached entity a caller changed afterwards no
        longer encodes to its JSON and is read again."""
        with self.store.read() as conn:
            head = self.store.head(conn, entity_id)
        cached = None
        if head is not None and not head.redirect_to:
            with self._lock:
                cached = self._edited.get(head.revision_id)
        if cached is not None and msgspec.json.encode(cached.revision.entity) == cached.json:
            return cached.revision, cached
        return self.get(entity_id), None

    def _editable(self, current: EntityRevision) -> Entity:
        """A private copy of the revision an edit starts from, for `mutate` to change:
        decoded from its cached JSON without reading the store again when there is one."""
        revision_id = current.revision.revision_id
        with self._lock:
            data = self._rendered.get(revision_id)
        if data is None:
            return self.get(current.entity.id, revision_id).entity
        entity = _decode(data)
        self._decorate(entity)
        return entity

    def _manifest_id(self, revision_id: int, saved: _Saved | None) -> str | None:
        if saved is not None:
            return saved.manifest_id
        with self.store.read() as conn:
            return self.store.revision(conn, revision_id).manifest_id

    def _remember_edit(self, item: _Saved) -> None:
        with self._lock:
            # The revision this edit replaced will not be edited again from this service.
            replaced = self._edited.pop(item.revision.revision.parent_id, None)
            if replaced is not None:
                self._edited_bytes -= len(replaced.json)
            self._edited[item.revision.revision.revision_id] = item
            self._edited_bytes += len(item.json)
            while self._edited_bytes > EDIT_CACHE_BYTES and len(self._edited) > 1:
                self._edited_bytes -= len(self._edited.popitem(last=False)[1].json)

    def prepare(self, entity: Entity, recompute_hashes: bool = True,
                datatypes: dict | None = None) -> None:
        """Fill what Wikibase fills on save: sub-entity ids, statement GUIDs, hashes, and snak
        datatypes known from stored properties."""
        fill_statements(entity, recompute_hashes)
        self._fill_datatypes(all_statements(entity), datatypes)

    def _save(self, entity: Entity, current: EntityRevision | None, expected: int | None,
              meta: dict, saved: _Saved | None = None) -> EntityRevision:
        """Write `entity` as the new head after `current` (None: a new entity). `saved` is
        what this service kept of `current`: with it, the work of an edit is in proportion
        to what it changed (unchanged statement lists are recognised by identity)."""
        old = current.entity if current is not None else None
        if isinstance(entity, Lexeme):
            number_lexeme_parts(entity)
        changes = StatementChanges(old, entity)
        # Hashes, GUIDs and datatypes only for statements the edit changed (or added).
        fill_statements(entity, recompute_hashes=True, changes=changes)
        self._fill_datatypes(statement for _, statement in changes.changed)
        self._validate(old, entity)
        splitter = self.store.splitter(self._stored_statements(current, saved))
        splitter.reuse_groups(saved.groups if saved is not None else {})
        root = splitter.entity(entity).hex()
        if current is not None and self._manifest_id(expected, saved) == root:
            return current  # nothing changed: no new revision
        old_keys, new_keys = key_change(old, entity)
        old_links = saved.links if saved is not None else backlinks.link_counts(old)
        links = backlinks.counts_after(old_links, changes.removed, changes.added)
        parts = splitter.batch()
        self.store.prepare_parts(parts)
        kind = entity_kind(entity)
        user = meta["user"]
        with self.store.write() as tx:
            conn = tx.conn
            revision_id = self.store.next_value(conn, "revision")
            timestamp = now()
            if current is None:
                page_id = self.store.next_value(conn, "page")
                self.store.insert_head(tx, entity_id=entity.id, entity_type=kind,
                                       revision_id=revision_id, page_id=page_id, redirect_to=None)
            else:
                page_id = current.meta.pageid
                # Saving content ends a redirect (redirect revert).
                if not self.store.swap_head(tx, entity.id, expected, revision_id=revision_id,
                                            redirect_to=None):
                    raise _HeadMoved()
                lifecycle.check_write(conn, entity.id, user, meta["bot"])
            backlinks.change(tx, entity.id, old_links.keys(), links.keys())
            self._update_keys(tx, entity.id, old_keys, new_keys)
            self.store.put_parts(tx, parts, [bytes.fromhex(root)])
            row = {"revision_id": revision_id, "entity_id": entity.id, "parent_id": expected,
                   "timestamp": timestamp, "user_id": user.id if user else None,
                   "user_name": user.name if user else None, "comment": meta["comment"],
                   "tags": meta["tags"], "bot": bool(meta["bot"]),
                   "edit_type": meta["edit_type"], "manifest_id": root, "redirect_to": None}
            self.store.insert_revisions(tx, [dict(row)])
            self.store.add_events(tx, [event(row, changes.properties())])
        # Sitelinks the edit did not touch have their URLs from when they were read.
        if isinstance(entity, Item):
            self._sitelink_urls(link for site, link in entity.sitelinks.items()
                                if old is None or old.sitelinks.get(site) is not link)
        # The saved entity decodes to what rendering its parts would give (sitelink URLs
        # aside, which reads set afresh): cache it, so the next read of this revision
        # (typically the next edit) needs no rendering.
        data = msgspec.json.encode(entity)
        self._remember(revision_id, data)
        info = RevisionInfo(revision_id, entity.id, expected, timestamp,
                            row["user_name"], row["comment"], row["tags"], row["bot"])
        revision = EntityRevision(
            entity, page_meta(entity.id, kind, page_id, revision_id, timestamp), info)
        self._remember_edit(_Saved(revision, data, root, splitter.statements,
                                   splitter.groups, links))
        return revision

    def _validate(self, old: Entity | None, new: Entity) -> None:
        """Rules checked before writing: known sites (once a sites table is loaded), label
        and description differ."""
        if isinstance(new, Item) and self.registry.has_sites:
            for link in new.sitelinks.values():
                if not self.registry.is_known_site(link.site):
                    raise RuleViolation("invalid-site-id", f"Not a valid site ID: {link.site}",
                                        {"site_id": link.site})
        problem = same_label_and_description(old, new)
        if problem:
            raise problem

    def _stored_statements(self, current: EntityRevision | None,
                           saved: _Saved | None) -> dict:
        """GUID -> (statement as read, stored part id) for the revision an edit starts from."""
        if current is None or current.redirect_to:  # a redirect has no statements
            return {}
        if saved is not None:  # saved by this service: the splitter recorded them
            return saved.statements
        with self.store.read() as conn:
            row = self.store.revision(conn, current.revision.revision_id)
            ids = self.store.statement_ids(conn, row.manifest_id)
        statements = {s.id: s for s in all_statements(current.entity) if s.id}
        return {guid: (statements[guid], key) for guid, key in ids.items() if guid in statements}

    def _update_keys(self, tx, entity_id: str, old_keys: dict, new_keys: dict) -> None:
        added = [key for key in new_keys if key not in old_keys]
        removed = [key for key in old_keys if key not in new_keys]
        owners = self.store.key_owners(tx.conn, added)
        for key in added:
            owner = owners.get(key)
            if owner is not None and owner != entity_id:
                raise violation(new_keys[key], owner)
        self.store.set_keys(tx, entity_id, removed, [key for key in added if key not in owners])

    def redirect(self, from_id: str, to_id: str, *, user: User | None,
                 comment: str | None = None) -> RevisionInfo:
        self._check_user(user)
        if from_id == to_id:
            raise RuleViolation("redirect-to-self", "An entity cannot redirect to itself")
        source = self.get(from_id)
        try:
            target = self.get(to_id)
        except EntityRedirected:
            raise RuleViolation("redirect-target-is-redirect",
                                f"{to_id} is itself a redirect") from None
        if entity_kind(source.entity) != entity_kind(target.entity):
            raise RuleViolation("redirect-type-mismatch",
                                f"{from_id} and {to_id} are of different types")
        expected = source.revision.revision_id
        with self.store.write() as tx:
            revision_id = self.store.next_value(tx.conn, "revision")
            if not self.store.swap_head(tx, from_id, expected, revision_id=revision_id,
                                        redirect_to=to_id):
                raise EditConflict(from_id, expected, None)
            lifecycle.check_write(tx.conn, from_id, user, False)
            backlinks.update(tx, from_id, source.entity, None)
            self.store.set_keys(tx, from_id, list(unique_keys(source.entity)), [])
            row = {"revision_id": revision_id, "entity_id": from_id, "parent_id": expected,
                   "timestamp": now(), "user_id": user.id if user else None,
                   "user_name": user.name if user else None,
                   "comment": compose_comment(f"/* wbcreateredirect:0||{from_id}|{to_id} */",
                                              comment),
                   "tags": [], "bot": False, "edit_type": "redirect", "manifest_id": None,
                   "redirect_to": to_id}
            self.store.insert_revisions(tx, [dict(row)])
            self.store.add_events(tx, [event(row)])
        return RevisionInfo(revision_id, from_id, expected, row["timestamp"], row["user_name"],
                            row["comment"], [], False)

    def import_entities(self, records) -> list[ImportResult]:
        """Import (entity, page metadata) pairs in one transaction; see importer.py."""
        return import_batch(self, records)

    def write_import(self, plans: list[ImportPlan]) -> list[list[ImportResult]]:
        """Write batches planned by importer.plan_import (possibly in other processes) in one
        transaction; the results of each batch."""
        return write_import(self, plans)

    # -- statistics --------------------------------------------------------------------------

    def content_stats(self) -> dict:
        with self.store.read() as conn:
            return self.store.content_stats(conn)

    def get_contents(self, kind: str, ids: list[str]) -> dict[str, object]:
        """Stored parts by content id as Wikibase JSON values (kinds: snak, statement,
        reference, qualifiers, term, sitelink); ids of other kinds or unknown are left out."""
        if len(ids) > MAX_CONTENT_IDS:
            raise RuleViolation("too-many-ids", f"At most {MAX_CONTENT_IDS} ids at a time",
                                {"limit": MAX_CONTENT_IDS})
        wanted = KIND_CODES.get(kind)
        with self.store.read() as conn:
            found = self.store.render_parts(conn, ids)
        return {i: msgspec.json.decode(data) for i, (k, data) in found.items() if k == wanted}

    def most_used_statements(self, limit: int = 10) -> list[dict]:
        """The statements (hashed without GUID) that the most statement groups point at."""
        with self.store.read() as conn:
            top = self.store.top_parts(conn, KIND_CODES["statement"], min(limit, 100))
            found = self.store.render_parts(conn, [hex_id for hex_id, _ in top])
        return [{"id": hex_id, "references": refs,
                 "statement": msgspec.json.decode(found[hex_id][1])}
                for hex_id, refs in top if hex_id in found]

    def deduplication_stats(self) -> dict:
        """Per part kind: distinct parts, their bytes, and the references to them (what
        storing each use separately would take)."""
        kinds = {KIND_NAMES[kind]: figures for kind, figures in self.content_stats().items()}
        parts = sum(k["parts"] for k in kinds.values())
        references = sum(k["references"] for k in kinds.values())
        return {"kinds": kinds, "parts": parts, "references": references,
                "bytes": sum(k["bytes"] for k in kinds.values()),
                "references_per_part": round(references / parts, 3) if parts else 0.0}


