"""What the RDF builder asks its surroundings: the `RdfLookup` protocol and an in-memory one.

The builder never reads storage: datatypes of properties, terms of referenced entities,
redirects, sites, formatter URIs and unit conversions all come through this interface.
"""

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from ..model import Entity, Form, Lexeme, Property, Sense, ValueSnak
from ..model.ids import entity_type as id_entity_type

CANONICAL_URI_PROPERTY = "P1921"  # Wikidata's "formatter URI for RDF resource"
UNIT_CONVERSIONS_ENV = "ENTITYBASE_UNIT_CONVERSIONS"


@dataclass(frozen=True)
class Site:
    """One row of the sites table, as the RDF needs it."""

    global_id: str
    url_pattern: str  # "https://en.wikipedia.org/wiki/$1"
    group: str = "none"
    language: str = ""
    rdf_language: str | None = None  # the tag to write; None: derive it from `language`


@dataclass(frozen=True)
class UnitConversion:
    factor: str  # a decimal string, e.g. "1E+3"
    unit: str  # the target unit's local id, e.g. "Q11573"


class RdfLookup(Protocol):
    """Everything the builder needs to know beyond the entity it renders."""

    def property_datatype(self, property_id: str) -> str | None:
        """The datatype id of a property (`wikibase-item`, ...), None if unknown."""

    def entity_exists(self, entity_id: str) -> bool:
        """Whether the entity (or form, sense) exists and is not a redirect."""

    def redirect_target(self, entity_id: str) -> str | None:
        """Where `entity_id` redirects to, None if it is not a redirect."""

    def redirects_to(self, entity_id: str) -> Sequence[str]:
        """The ids that redirect to `entity_id` (written as `owl:sameAs`)."""

    def labels(self, entity_id: str, languages: Sequence[str] | None) -> dict[str, str]:
        """Labels by language, in `languages` order (None: every language)."""

    def descriptions(self, entity_id: str, languages: Sequence[str] | None) -> dict[str, str]:
        """Descriptions by language, in `languages` order (None: every language)."""

    def lemmas(self, lexeme_id: str) -> dict[str, str]:
        """Lemmas of a lexeme; representations of a form; glosses of a sense."""

    def site(self, site_id: str) -> Site | None:
        """The site a sitelink points to, None if unknown (the sitelink is then skipped)."""

    def formatter_uri(self, property_id: str) -> str | None:
        """The formatter URI for RDF (`$1` pattern) of an external-id property."""

    def unit_conversion(self, unit_id: str) -> UnitConversion | None:
        """The conversion of a unit (local id such as `Q828224`) to its standard unit."""


def read_unit_conversions(data: dict) -> dict[str, UnitConversion]:
    """Wikibase's unit storage JSON: `{"Q2": ["22.234", "Q1"]}` or
    `{"Q4": {"factor": "...", "unit": "Q3", ...}}` rows; other keys of a row are ignored."""
    table = {}
    for unit, row in data.items():
        if isinstance(row, list):
            factor, target = row[0], row[1]
        elif isinstance(row, dict) and "factor" in row and "unit" in row:
            factor, target = row["factor"], row["unit"]
        else:
            continue
        Decimal(factor)  # reject rows whose factor is not a decimal number
        table[unit] = UnitConversion(str(factor), target)
    return table


def load_unit_conversions(path: str | os.PathLike | None = None) -> dict[str, UnitConversion]:
    """The unit table named by `path` or by $ENTITYBASE_UNIT_CONVERSIONS (empty if neither)."""
    path = path or os.environ.get(UNIT_CONVERSIONS_ENV)
    if not path:
        return {}
    return read_unit_conversions(json.loads(Path(path).read_text()))


def sites_from_records(records: Iterable[dict]) -> dict[str, Site]:
    """Sites from a site-matrix export (`globalid`, `group`, `language`, `url_pattern`,
    `rdf_language`), as `conformance/wikimedia/sites.json` holds them."""
    sites = {}
    for record in records:
        sites[record["globalid"]] = Site(
            global_id=record["globalid"], url_pattern=record["url_pattern"],
            group=record.get("group") or "none", language=record.get("language") or "",
            rdf_language=record.get("rdf_language"))
    return sites


def formatter_from_statements(prop: Property,
                               canonical_uri_property: str = CANONICAL_URI_PROPERTY) -> str | None:
    """A property's formatter URI for RDF: the best-ranked string value of its statements
    for the canonical-URI property (P1921 by default), None if it has none."""
    statements = prop.claims.get(canonical_uri_property, [])
    for rank in ("preferred", "normal"):
        for statement in statements:
            snak = statement.mainsnak
            if statement.rank == rank and isinstance(snak, ValueSnak):
                value = snak.datavalue.value
                if isinstance(value, str):
                    return value
    return None


def _pick(terms: dict[str, str], languages: Sequence[str] | None) -> dict[str, str]:
    if languages is None:
        return dict(terms)
    return {lang: terms[lang] for lang in languages if lang in terms}


def _values(terms) -> dict[str, str]:
    return {lang: term.value for lang, term in terms.items()}


class InMemoryLookup:
    """An `RdfLookup` over entities held in memory: tests use it, a store can fill it."""

    def __init__(self, *, sites: dict[str, Site] | None = None,
                 unit_conversions: dict[str, UnitConversion] | None = None,
                 canonical_uri_property: str = CANONICAL_URI_PROPERTY):
        self.sites = dict(sites or {})
        self.units = dict(unit_conversions or {})
        self.canonical_uri_property = canonical_uri_property
        self.types: dict[str, str] = {}
        self.datatypes: dict[str, str] = {}
        self.label_map: dict[str, dict[str, str]] = {}
        self.description_map: dict[str, dict[str, str]] = {}
        self.lemma_map: dict[str, dict[str, str]] = {}
        self.formatters: dict[str, str] = {}
        self.redirects: dict[str, str] = {}
        self.incoming: dict[str, list[str]] = {}

    # filling

    def add_entity(self, entity: Entity) -> None:
        """Remember what other documents need of `entity`: type, terms, datatype, formatter."""
        entity_id = entity.id
        self.types[entity_id] = id_entity_type(entity_id)
        self.label_map[entity_id] = _values(getattr(entity, "labels", {}))
        self.description_map[entity_id] = _values(getattr(entity, "descriptions", {}))
        if isinstance(entity, Property):
            self.datatypes[entity_id] = entity.datatype
            formatter = formatter_from_statements(entity, self.canonical_uri_property)
            if formatter:
                self.formatters[entity_id] = formatter
        if isinstance(entity, Lexeme):
            self.lemma_map[entity_id] = _values(entity.lemmas)
            for sub in (*entity.forms, *entity.senses):
                self.add_sub_entity(sub)

    def add_sub_entity(self, sub: Form | Sense) -> None:
        self.types[sub.id] = id_entity_type(sub.id)
        terms = sub.representations if isinstance(sub, Form) else sub.glosses
        self.lemma_map[sub.id] = _values(terms)

    def add_terms(self, entity_id: str, *, labels=None, descriptions=None, lemmas=None,
                  datatype: str | None = None) -> None:
        """A referenced entity known only by its terms (a stub)."""
        self.types[entity_id] = id_entity_type(entity_id)
        self.label_map[entity_id] = dict(labels or {})
        self.description_map[entity_id] = dict(descriptions or {})
        if lemmas is not None:
            self.lemma_map[entity_id] = dict(lemmas)
        if datatype:
            self.datatypes[entity_id] = datatype

    def set_datatype(self, property_id: str, datatype: str) -> None:
        """The datatype of a property known only by id (e.g. from a property table)."""
        self.datatypes[property_id] = datatype

    def add_redirect(self, source: str, target: str) -> None:
        self.redirects[source] = target
        self.incoming.setdefault(target, []).append(source)

    def set_formatter_uri(self, property_id: str, uri: str) -> None:
        self.formatters[property_id] = uri

    # RdfLookup

    def property_datatype(self, property_id):
        return self.datatypes.get(property_id)

    def entity_exists(self, entity_id):
        return entity_id in self.types and entity_id not in self.redirects

    def redirect_target(self, entity_id):
        return self.redirects.get(entity_id)

    def redirects_to(self, entity_id):
        return [source for source in self.incoming.get(entity_id, ())
                if self.redirects.get(source) == entity_id]

    def labels(self, entity_id, languages):
        return _pick(self.label_map.get(entity_id, {}), languages)

    def descriptions(self, entity_id, languages):
        return _pick(self.description_map.get(entity_id, {}), languages)

    def lemmas(self, lexeme_id):
        return dict(self.lemma_map.get(lexeme_id, {}))

    def site(self, site_id):
        return self.sites.get(site_id)

    def formatter_uri(self, property_id):
        return self.formatters.get(property_id)

    def unit_conversion(self, unit_id):
        return self.units.get(unit_id)


__all__ = [
    "CANONICAL_URI_PROPERTY", "InMemoryLookup", "RdfLookup", "Site", "UnitConversion",
    "formatter_from_statements", "load_unit_conversions", "read_unit_conversions",
    "sites_from_records",
]
