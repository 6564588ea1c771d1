"""Linked Data: an entity as Special:EntityData serves it (JSON, Turtle, N-Triples).

The RDF builder asks an `RdfLookup` for what lies beyond the entity it renders: datatypes and
terms of referenced entities, formatter URIs, redirects, sites, unit conversions. `StoreLookup`
answers from the store and keeps what it learnt (per entity) until a newer revision of that
entity appears; a request only asks the store which entities changed since the last one.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from ..model import EntitySchema, Form, Lexeme, Property, Sense, write_entity_data
from ..model.ids import entity_type
from ..rdf import (
    CANONICAL_URI_PROPERTY,
    FLAVORS,
    Site,
    entity_rdf,
    formatter_from_statements,
    load_unit_conversions,
)
from .errors import EntityNotFound, EntityRedirected, ServiceError
from .records import EntityRevision

FORMATS = ("json", "ttl", "nt")
STUB_CACHE_SIZE = 200_000


@dataclass
class _Known:
    """What documents about other entities need to know of one entity."""

    exists: bool
    redirect: str | None = None
    labels: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    lemmas: dict = field(default_factory=dict)
    datatype: str | None = None
    formatter: str | None = None
    parts: tuple[str, ...] = ()  # a lexeme's form and sense ids


_MISSING = _Known(exists=False)


class StoreLookup:
    """An `RdfLookup` over the service, with a bounded cache of per-entity knowledge."""

    def __init__(self, service, canonical_uri_property: str = CANONICAL_URI_PROPERTY):
        self.service = service
        self.units = load_unit_conversions()
        self.canonical_uri_property = canonical_uri_property
        self._known: OrderedDict[str, _Known] = OrderedDict()
        self._seen_revision = self._seen_event = 0
        self._lock = threading.Lock()

    # -- freshness ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Forget entities changed since the last call, by any process: new revisions, and
        the events of what writes none (deletion, undeletion)."""
        store = self.service.store
        with store.read() as conn:
            latest = store.latest_revision_id(conn), store.latest_event_id(conn)
            if latest[0] <= self._seen_revision and latest[1] <= self._seen_event:
                return
            with self._lock:
                if not self._known:  # nothing to forget: do not read every id ever changed
                    self._seen_revision, self._seen_event = latest
                    return
            changed = set(store.entities_changed_after(conn, self._seen_revision))
            changed.update(store.entities_with_events_after(conn, self._seen_event))
        with self._lock:
            for entity_id in changed:
                known = self._known.pop(entity_id, None)
                for part in known.parts if known else ():
                    self._known.pop(part, None)
            self._seen_revision, self._seen_event = latest

    # -- loading -----------------------------------------------------------------------------

    def _get(self, entity_id: str) -> _Known:
        with self._lock:
            known = self._known.get(entity_id)
            if known is not None:
                self._known.move_to_end(entity_id)
                return known
        learnt = self._load(entity_id)
        with self._lock:
            self._known.update(learnt)
            while len(self._known) > STUB_CACHE_SIZE:
                self._known.popitem(last=False)
        return learnt.get(entity_id, _MISSING)

    def _load(self, entity_id: str) -> dict[str, _Known]:
        kind = entity_type(entity_id)
        if kind in ("form", "sense"):
            return self._load_lexeme_part(entity_id)
        try:
            entity = self.service.get(entity_id).entity
        except EntityRedirected as redirect:
            return {entity_id: _Known(exists=False, redirect=redirect.target_id)}
        except EntityNotFound:
            return {entity_id: _MISSING}
        known = _Known(exists=True)
        if hasattr(entity, "labels") and not isinstance(entity.labels, list):
            known.labels = _values(entity.labels)
            known.descriptions = _values(entity.descriptions)
        if isinstance(entity, Property):
            known.datatype = entity.datatype
            known.formatter = formatter_from_statements(entity, self.canonical_uri_property)
        learnt = {entity_id: known}
        if isinstance(entity, Lexeme):
            known.lemmas = _values(entity.lemmas)
            for sub in (*entity.forms, *entity.senses):
                learnt[sub.id] = _Known(exists=True, lemmas=_sub_terms(sub))
            known.parts = tuple(learnt)[1:]
        return learnt

    def _load_lexeme_part(self, sub_id: str) -> dict[str, _Known]:
        lexeme_id = sub_id.split("-")[0]
        learnt = self._load(lexeme_id)
        learnt.setdefault(sub_id, _MISSING)
        return learnt

    # -- RdfLookup ---------------------------------------------------------------------------

    def property_datatype(self, property_id):
        return self._get(property_id).datatype

    def entity_exists(self, entity_id):
        return self._get(entity_id).exists

    def redirect_target(self, entity_id):
        return self._get(entity_id).redirect

    def redirects_to(self, entity_id):
        store = self.service.store
        with store.read() as conn:
            return store.redirects_to(conn, entity_id)

    def labels(self, entity_id, languages):
        return _pick(self._get(entity_id).labels, languages)

    def descriptions(self, entity_id, languages):
        return _pick(self._get(entity_id).descriptions, languages)

    def lemmas(self, lexeme_id):
        return dict(self._get(lexeme_id).lemmas)

    def site(self, site_id):
        site = self.service.registry.site(site_id)
        if site is None:
            return None
        return Site(global_id=site.site_id, url_pattern=site.url_pattern,
                    group=site.group or "none", language=site.language,
                    rdf_language=site.rdf_language or None)

    def formatter_uri(self, property_id):
        return self._get(property_id).formatter

    def unit_conversion(self, unit_id):
        return self.units.get(unit_id)


def _values(terms: dict) -> dict[str, str]:
    return {lang: term.value for lang, term in terms.items()}


def _sub_terms(sub: Form | Sense) -> dict[str, str]:
    return _values(sub.representations if isinstance(sub, Form) else sub.glosses)


def _pick(terms: dict[str, str], languages) -> dict[str, str]:
    if languages is None:
        return dict(terms)
    return {lang: terms[lang] for lang in languages if lang in terms}


class UnknownFormat(ServiceError):
    def __init__(self, what: str, value: str):
        super().__init__(f"invalid-{what}", f"Unknown {what}: {value}", {what: value})


class LinkedData:
    """Documents of entities in every Special:EntityData format and flavor."""

    def __init__(self, service):
        self.service = service
        self.lookup = StoreLookup(service)

    def document(self, entity_id: str, format: str, flavor: str | None = None,
                 revision_id: int | None = None) -> tuple[bytes, EntityRevision]:
        """The document and the revision it shows. Raises EntityRedirected for a redirect's
        head (callers follow it as Wikibase does), EntityNotFound, RevisionNotFound."""
        if format not in FORMATS:
            raise UnknownFormat("format", format)
        if flavor is not None and flavor not in FLAVORS:
            raise UnknownFormat("flavor", flavor)
        current = self.service.get(entity_id, revision_id)
        return self.render(current, format, flavor), current

    def render(self, current: EntityRevision, format: str, flavor: str | None = None) -> bytes:
        if format == "json":
            return write_entity_data((current.entity, current.meta))
        if isinstance(current.entity, EntitySchema):  # entity schemas have no RDF mapping
            raise UnknownFormat("format", format)
        self.lookup.refresh()
        return entity_rdf(current.entity, current.meta, self.lookup, format=format,
                          flavor=flavor or "full").encode()
