"""The Wikibase RDF mapping of entities (`RdfBuilder` and the entity, statement, snak and
value builders of Wikibase and WikibaseLexeme), writing through a purtle-style writer."""

import hashlib
import re
from collections import deque
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, quote_plus, urlsplit

from msgspec import UNSET
from msgspec.structs import astuple

from ..model import (
    DataValue,
    Entity,
    EntityIdValue,
    EntitySchema,
    EntitySchemaIdValue,
    Form,
    GlobeCoordinateValue,
    Item,
    Lexeme,
    MonolingualTextValue,
    NoValueSnak,
    Property,
    QuantityValue,
    Sense,
    SomeValueSnak,
    TimeValue,
    reference_hash,
    snak_hash,
    value_hash,
)
from ..model.ids import entity_type as id_entity_type
from ..model.php import php_float
from . import flavors as F
from .dates import xsd_datetime
from .languages import rdf_language_code
from .lookup import RdfLookup
from .units import to_standard_units
from .vocabulary import (
    COMMONS_DATA_URI,
    EARTH,
    FORMAT_VERSION,
    MEDIA_URI,
    NORMALIZED_NAMESPACE,
    OBJECT_DATATYPES,
    ONE_ENTITY,
    ONTOLOGY_URI,
    VALUE_NAMESPACE,
    WIKIDATA,
    Vocabulary,
    datatype_uri,
)
from .writers import Terms, Writer

_LABEL_PREDICATES = (("rdfs", "label"), ("skos", "prefLabel"), ("schema", "name"))
_RANKS = {"preferred": "PreferredRank", "normal": "NormalRank", "deprecated": "DeprecatedRank"}
_TYPE_NAMES = {"item": "Item", "property": "Property", "lexeme": "Lexeme", "form": "Form",
               "sense": "Sense", "entity-schema": "Entity-schema"}
_COMMONS_DATA_DATATYPES = frozenset({"geo-shape", "tabular-data"})
_NOT_WORD_OR_DASH = re.compile(rb"[^A-Za-z0-9_-]")
_PLAIN_GUID = re.compile(r"[A-Za-z0-9_$-]*")  # "Q42$<uuid>": only "$" to replace
_WF_URLENCODE_SAFE = ";@$!*(),/~:"
MATHML = "http://www.w3.org/1998/Math/MathML"


def statement_local_name(guid: str) -> str:
    """PHP's preg_replace('/[^\\w-]/', '-', $guid): byte-wise, so a non-ASCII character
    becomes one '-' per UTF-8 byte."""
    guid = guid or ""
    if _PLAIN_GUID.fullmatch(guid):  # the usual case, 4x faster
        return guid.replace("$", "-")
    return _NOT_WORD_OR_DASH.sub(b"-", guid.encode()).decode("ascii")


def wf_urlencode(text: str) -> str:
    """MediaWiki's wfUrlencode: urlencode with `;@$!*(),/~:` left as they are."""
    return quote_plus(text, safe=_WF_URLENCODE_SAFE)


def raw_urlencode(text: str) -> str:
    return quote(text, safe="~")


def best_statements(statements: list) -> list:
    """The statements of one property with the best non-deprecated rank."""
    preferred = [s for s in statements if s.rank == "preferred"]
    return preferred or [s for s in statements if s.rank == "normal"]


def iso_timestamp(timestamp: str | int) -> str:
    """`2013-10-04T03:31:05Z` from an ISO timestamp, a MediaWiki one or Unix seconds."""
    if isinstance(timestamp, int):
        moment = datetime.fromtimestamp(timestamp, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if len(timestamp) == 14 and timestamp.isdigit():
        t = timestamp
        return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:]}Z"
    return timestamp


@lru_cache(maxsize=2048)  # ~10 kB each: bounded, so dumps stay flat
def _declaration(t: Terms, voc: Vocabulary, property_id: str,
                 datatype: str | None) -> tuple[tuple[str, str, str], ...]:
    """The triples declaring a property: the same for every document, so computed once."""
    wd = t.res("wd", property_id)
    triples = [(wd, t.res("wikibase", "propertyType"), t.iri(datatype_uri(datatype or "unknown")))]
    normalized = {"quantity": "DatatypeProperty", "external-id": "ObjectProperty"}.get(
        datatype or "")
    links = [("directClaim", "wdt"), ("claim", "p"), ("statementProperty", "ps"),
             ("statementValue", "psv"), ("qualifier", "pq"), ("qualifierValue", "pqv"),
             ("reference", "pr"), ("referenceValue", "prv"), ("novalue", "wdno")]
    if normalized:
        links += [("directClaimNormalized", "wdtn"), ("statementValueNormalized", "psn"),
                  ("qualifierValueNormalized", "pqn"), ("referenceValueNormalized", "prn")]
    triples += [(wd, t.res("wikibase", predicate), t.res(ns, property_id))
                for predicate, ns in links]
    simple = "ObjectProperty" if datatype in OBJECT_DATATYPES else "DatatypeProperty"
    owl_types = [("p", "ObjectProperty"), ("psv", "ObjectProperty"), ("pqv", "ObjectProperty"),
                 ("prv", "ObjectProperty"), ("wdt", simple), ("ps", simple), ("pq", simple),
                 ("pr", simple)]
    if normalized:
        owl_types += [("psn", "ObjectProperty"), ("pqn", "ObjectProperty"),
                      ("prn", "ObjectProperty"), ("wdtn", normalized)]
    triples += [(t.res(ns, property_id), t.a, t.res("owl", owl_type))
                for ns, owl_type in owl_types]
    # The wdno: class is the complement of having a value; its restriction's blank node
    # label is Wikibase's stable md5 of "owl:complementOf-<source>-<property>".
    text = f"owl:complementOf-{voc.source_name}-{property_id}"
    restriction = t.blank(hashlib.md5(text.encode()).hexdigest())
    novalue = t.res("wdno", property_id)
    triples += [
        (novalue, t.a, t.res("owl", "Class")),
        (novalue, t.res("owl", "complementOf"), restriction),
        (restriction, t.a, t.res("owl", "Restriction")),
        (restriction, t.res("owl", "onProperty"), t.res("wdt", property_id)),
        (restriction, t.res("owl", "someValuesFrom"), t.res("owl", "Thing")),
    ]
    return tuple(triples)


_VALUE_HASHES: dict[tuple, str] = {}
_VALUE_HASHES_SIZE = 1 << 16  # ~150 bytes each: bounded, so dumps stay flat


def cached_value_hash(datavalue: DataValue) -> str:
    """`value_hash`, remembered for time and quantity values: dates and amounts recur across
    entities, and hashing a time value means PHP-style JSON encoding and md5. Their fields
    are ints and strings, so equal fields mean an equal hash (unlike floats, -0.0 == 0.0)."""
    value = datavalue.value
    if not isinstance(value, (TimeValue, QuantityValue)):
        return value_hash(datavalue)
    key = (type(value), *astuple(value))
    found = _VALUE_HASHES.get(key)
    if found is None:
        if len(_VALUE_HASHES) >= _VALUE_HASHES_SIZE:
            _VALUE_HASHES.clear()
        found = _VALUE_HASHES[key] = value_hash(datavalue)
    return found


class RdfBuilder:
    """Writes entities as Wikibase does for one document (or one dump, entity after entity).

    `flags` are `flavors` bit flags. `seen` is the dedupe bag (value nodes, references,
    site groups already written); share one across a dump as Wikibase does.
    """

    def __init__(self, writer: Writer, lookup: RdfLookup, flags: int = F.ALL,
                 vocabulary: Vocabulary = WIKIDATA, *, seen: set | None = None,
                 stub_languages: tuple[str, ...] | None = ("en", "mul")):
        self.w = writer
        self.values = writer.sub()  # value nodes follow the main output
        self.refs = writer.sub()  # then references
        self.t = writer.terms
        self.lookup = lookup
        self.flags = flags
        self.voc = vocabulary
        self.ns = vocabulary.namespaces
        self.seen = set() if seen is None else seen
        self.stub_languages = stub_languages
        self.resolved: dict[str, bool] = {}  # mentioned ids -> already written?
        self.queue: deque = deque()  # sub-entities (forms, senses) waiting to be written
        self.datatypes: dict[str, str | None] = {}
        self.formatters: dict[str, str | None] = {}
        self.full_values = bool(flags & F.FULL_VALUES)
        self.normalized = bool(flags & F.NORMALIZED_VALUES)
        self.mention_entities = bool(flags & F.RESOLVED_ENTITIES)
        self.mention_properties = bool(flags & F.PROPERTIES)
        t = self.t
        self.a = t.a
        self._wb = {name: t.res("wikibase", name) for name in (
            "Statement", "BestRank", "rank", "Reference", "PreferredRank", "NormalRank",
            "DeprecatedRank", "TimeValue", "QuantityValue", "GlobecoordinateValue")}
        self._prov = t.res("prov", "wasDerivedFrom")

    # document

    def start_document(self) -> None:
        self.w.start()

    def drain(self) -> str:
        """The output so far: main part, then value nodes, then references."""
        return self.w.drain()

    def add_dump_header(self, timestamp: int = 0) -> None:
        w, t = self.w, self.t
        w.about(t.res("wikibase", "Dump"))
        w.say(self.a)
        w.obj(t.res("schema", "Dataset"))
        w.obj(t.res("owl", "Ontology"))
        w.say(t.res("cc", "license"))
        w.obj(t.iri(self.voc.license_uri))
        w.say(t.res("schema", "softwareVersion"))
        w.obj(t.text(FORMAT_VERSION))
        w.say(t.res("schema", "dateModified"))
        w.obj(t.typed(iso_timestamp(timestamp), "xsd", "dateTime"))
        w.say(t.res("owl", "imports"))
        w.obj(t.iri(ONTOLOGY_URI))

    def add_revision_info(self, entity_id: str, revision: int, timestamp: str | None) -> None:
        """The data document: `data:Q42 a schema:Dataset; schema:version …` (without
        `schema:dateModified` when the time of the revision is unknown)."""
        w, t = self.w, self.t
        w.about(t.res("data", entity_id))
        w.say(self.a)
        w.obj(t.res("schema", "Dataset"))
        w.say(t.res("schema", "about"))
        w.obj(t.res("wd", entity_id))
        if self.flags & F.VERSION_INFO:
            w.say(t.res("cc", "license"))
            w.obj(t.iri(self.voc.license_uri))
            w.say(t.res("schema", "softwareVersion"))
            w.obj(t.text(FORMAT_VERSION))
        w.say(t.res("schema", "version"))
        w.obj(t.typed(str(revision), "xsd", "integer"))
        if not timestamp:
            return
        w.say(t.res("schema", "dateModified"))
        w.obj(t.typed(iso_timestamp(timestamp), "xsd", "dateTime"))

    def add_page_props(self, entity: Entity) -> None:
        """Statement, sitelink and identifier counts (Wikidata's page properties)."""
        if not self.flags & F.PAGE_PROPS:
            return
        w, t = self.w, self.t
        wanted = self.voc.page_properties
        props = [(name, count) for name, count in self._page_props(entity) if name in wanted]
        if not props:
            return
        w.about(t.res("data", entity.id))
        for name, count in props:
            w.say(t.res("wikibase", name))
            w.obj(t.typed(str(count), "xsd", "integer"))

    def _page_props(self, entity: Entity) -> list[tuple[str, int]]:
        if isinstance(entity, EntitySchema):
            return []
        if isinstance(entity, Lexeme):
            owners = (entity, *entity.forms, *entity.senses)
            return [("statements", sum(len(s) for o in owners for s in o.claims.values()))]
        statements = [s for group in entity.claims.values() for s in group]
        if not isinstance(entity, Item):
            return [("statements", len(statements))]
        identifiers = sum(1 for s in statements
                          if self._datatype(s.mainsnak.property, s.mainsnak) == "external-id")
        return [("statements", len(statements)), ("sitelinks", len(entity.sitelinks)),
                ("identifiers", identifiers)]

    def add_redirect(self, source: str, target: str) -> None:
        """`source owl:sameAs target`."""
        self.w.about(self.t.res("wd", source))
        self.w.say(self.t.res("owl", "sameAs"))
        self.w.obj(self.t.res("wd", target))
        self.resolved[source] = True
        if self.mention_entities:
            self._mention(target)

    # entities

    def sub_entity_mentioned(self, entity) -> None:
        """Queue an entity to be written after the current one (as forms and senses are)."""
        self.queue.append(entity)

    def add_entity(self, entity: Entity) -> None:
        """The entity with everything the flavor asks for, then its forms and senses."""
        self._add_single(entity)
        while self.queue:
            self._add_single(self.queue.popleft())

    def _add_single(self, entity) -> None:
        self._meta(entity.id)
        self.add_components(entity)
        self.resolved[entity.id] = True

    def add_components(self, entity) -> None:
        """Everything of an entity after its type triple (the entity-type builders)."""
        entity_id = entity.id
        if isinstance(entity, Item):
            if self.flags & F.SITELINKS:
                self._sitelinks(entity)
            self._statements(entity_id, entity.claims)
            self._terms(entity)
        elif isinstance(entity, Property):
            self._statements(entity_id, entity.claims)
            self._terms(entity)
            datatype = self.lookup.property_datatype(entity_id) or entity.datatype
            self.add_property_declaration(entity_id, datatype)
        elif isinstance(entity, Lexeme):
            self._statements(entity_id, entity.claims)
            self._lexeme(entity)
        elif isinstance(entity, Form):
            self._statements(entity_id, entity.claims)
            self._form(entity)
        elif isinstance(entity, Sense):
            self._statements(entity_id, entity.claims)
            self._sense(entity)

    def _meta(self, entity_id: str) -> None:
        self.w.about(self.t.res("wd", entity_id))
        self.w.say(self.a)
        self.w.obj(self.t.res("wikibase", _TYPE_NAMES[id_entity_type(entity_id)]))

    def _mention(self, entity_id: str) -> None:
        if entity_id not in self.resolved:
            self.resolved[entity_id] = False

    # terms

    def _terms(self, entity) -> None:
        w, t = self.w, self.t
        subject = t.res("wd", entity.id)
        self._labels(subject, {lang: term.value for lang, term in entity.labels.items()})
        self._descriptions(subject, {lang: term.value for lang, term in entity.descriptions.items()})
        alt_label = t.res("skos", "altLabel")
        for language, aliases in entity.aliases.items():
            for alias in aliases:
                w.about(subject)
                w.say(alt_label)
                w.obj(t.text(alias.value, language))

    def _labels(self, subject: str, labels: dict[str, str]) -> None:
        w, t = self.w, self.t
        predicates = [t.res(ns, local) for ns, local in _LABEL_PREDICATES]
        for language, text in labels.items():
            literal = t.text(text, language)
            w.about(subject)
            for predicate in predicates:
                w.say(predicate)
                w.obj(literal)

    def _descriptions(self, subject: str, descriptions: dict[str, str]) -> None:
        w, t = self.w, self.t
        predicate = t.res("schema", "description")
        for language, text in descriptions.items():
            w.about(subject)
            w.say(predicate)
            w.obj(t.text(text, language))

    # sitelinks

    def _sitelinks(self, item: Item) -> None:
        w, t = self.w, self.t
        for link in item.sitelinks.values():
            site = self.lookup.site(link.site)
            if site is None:
                continue  # Wikibase skips links to unknown sites
            url = site.url_pattern.replace("$1", wf_urlencode(link.title.replace(" ", "_")))
            parts = urlsplit(url)
            if not parts.scheme:
                url = "http:" + url
                parts = urlsplit(url)
            site_url = f"{parts.scheme}://{parts.hostname}/"
            language = site.rdf_language or rdf_language_code(site.language)
            w.about(t.iri(url))
            w.say(self.a)
            w.obj(t.res("schema", "Article"))
            w.say(t.res("schema", "about"))
            w.obj(t.res("wd", item.id))
            w.say(t.res("schema", "inLanguage"))
            w.obj(t.text(language))
            w.say(t.res("schema", "isPartOf"))
            w.obj(t.iri(site_url))
            w.say(t.res("schema", "name"))
            w.obj(t.text(link.title, language))
            for badge in link.badges:
                w.say(t.res("wikibase", "badge"))
                w.obj(t.res("wd", badge))
            key = f"S{site_url}\0{site.group}"
            if key not in self.seen:
                self.seen.add(key)
                w.about(t.iri(site_url))
                w.say(t.res("wikibase", "wikiGroup"))
                w.obj(t.text(site.group))

    # statements

    def _statements(self, entity_id: str, claims: dict) -> None:
        if not claims:
            return
        best = [best_statements(group) for group in claims.values()]
        if self.flags & F.TRUTHY:
            self._truthy(entity_id, best)
        if self.flags & F.ALL_STATEMENTS:
            best_ids = {id(s) for group in best for s in group}
            for group in claims.values():
                for statement in group:
                    self._full_statement(entity_id, statement, id(statement) in best_ids)

    def _truthy(self, entity_id: str, best: list[list]) -> None:
        """`wdt:` triples of the best statements of each property."""
        subject = self.t.res("wd", entity_id)
        for group in best:
            for statement in group:
                self.w.about(subject)
                snak = statement.mainsnak
                # the statement's local name only labels a somevalue snak's blank node
                lname = statement_local_name(statement.id) if isinstance(
                    snak, SomeValueSnak) else ""
                self._snak(self.w, snak, "wdt", lname)

    def _full_statement(self, entity_id: str, statement, is_best: bool) -> None:
        w, t = self.w, self.t
        lname = statement_local_name(statement.id)
        node = t.res("wds", lname)
        w.about(t.res("wd", entity_id))
        w.say(t.res("p", statement.mainsnak.property))
        w.obj(node)
        w.about(node)
        w.say(self.a)
        w.obj(self._wb["Statement"])
        if is_best:
            w.obj(self._wb["BestRank"])
        w.say(self._wb["rank"])
        w.obj(self._wb[_RANKS[statement.rank]])
        self._snak(w, statement.mainsnak, "ps", lname)
        if statement.qualifiers and self.flags & F.QUALIFIERS:
            for snaks in statement.qualifiers.values():
                for snak in snaks:
                    self._snak(w, snak, "pq", lname)
        if statement.references and self.flags & F.REFERENCES:
            for reference in statement.references:
                self._reference(node, reference)

    def _reference(self, statement_node: str, reference) -> None:
        w, t, refs = self.w, self.t, self.refs
        ref_hash = reference.hash or reference_hash(reference)
        node = t.res("wdref", ref_hash)
        w.about(statement_node)
        w.say(self._prov)
        w.obj(node)
        key = "R" + ref_hash
        if key in self.seen:
            return
        self.seen.add(key)
        refs.about(node)
        refs.say(self.a)
        refs.obj(self._wb["Reference"])
        for snaks in reference.snaks.values():
            for snak in snaks:
                self._snak(refs, snak, "pr", ref_hash)

    # snaks

    def _snak(self, w: Writer, snak, ns: str, parent: str) -> None:
        prop = snak.property
        if isinstance(snak, SomeValueSnak):
            w.say(self.t.res(ns, prop))
            w.obj(self.t.blank(self._somevalue_label(snak, ns, parent)))
        elif isinstance(snak, NoValueSnak):
            w.say(self.a)
            w.obj(self.t.res("wdno", prop))
        else:
            self._value(w, ns, prop, self._datatype(prop, snak), snak.datavalue)
        if self.mention_properties:
            self._mention(prop)

    def _somevalue_label(self, snak, ns: str, parent: str) -> str:
        """Wikibase's stable label: md5 of parent, property and value namespaces, snak hash."""
        text = f"{parent}-{self.ns[ns]}-{self.ns['wdv']}-{snak.hash or snak_hash(snak)}"
        return hashlib.md5(text.encode()).hexdigest()

    def _datatype(self, prop: str, snak) -> str | None:
        if prop not in self.datatypes:
            datatype = self.lookup.property_datatype(prop)
            if datatype is None and snak.datatype:
                datatype = snak.datatype  # the entity JSON's own copy
            self.datatypes[prop] = datatype
        return self.datatypes[prop]

    # values

    def _value(self, w: Writer, ns: str, prop: str, datatype: str | None,
               datavalue: DataValue) -> None:
        t = self.t
        value = datavalue.value
        if isinstance(value, str):
            self._string_value(w, ns, prop, datatype, value)
        elif isinstance(value, (EntityIdValue, EntitySchemaIdValue)):
            w.say(t.res(ns, prop))
            w.obj(t.res("wd", value.id))
            if self.mention_entities and isinstance(value, EntityIdValue):
                self._mention(value.id)
        elif isinstance(value, MonolingualTextValue):
            w.say(t.res(ns, prop))
            w.obj(t.text(value.text, value.language))
        elif isinstance(value, TimeValue):
            self._time(w, ns, prop, datavalue)
        elif isinstance(value, QuantityValue):
            self._quantity(w, ns, prop, datavalue)
        elif isinstance(value, GlobeCoordinateValue):
            self._globe(w, ns, prop, datavalue)

    def _string_value(self, w: Writer, ns: str, prop: str, datatype: str | None,
                      value: str) -> None:
        t = self.t
        w.say(t.res(ns, prop))
        if datatype == "commonsMedia":
            w.obj(t.iri(MEDIA_URI + raw_urlencode(value)))
        elif datatype in _COMMONS_DATA_DATATYPES:
            w.obj(t.iri(COMMONS_DATA_URI + wf_urlencode(value)))
        elif datatype == "url":
            w.obj(t.iri(value.strip()))  # ObjectUriRdfBuilder trims
        elif datatype == "math":
            # The Math extension types it MathML; it renders the TeX to MathML through a
            # rendering service first, which we do not have: the TeX source is written.
            w.obj(t.typed_iri(value, MATHML))
        elif datatype == "external-id":
            identifier = value.strip()
            w.obj(t.text(identifier))
            self._normalized_identifier(w, ns, prop, identifier)
        else:
            w.obj(t.text(value))

    def _normalized_identifier(self, w: Writer, ns: str, prop: str, identifier: str) -> None:
        if not self.normalized:
            return
        if prop not in self.formatters:  # asked once per document (dump), as datatypes
            self.formatters[prop] = self.lookup.formatter_uri(prop)
        pattern = self.formatters[prop]
        if pattern is None:
            return
        w.say(self.t.res(NORMALIZED_NAMESPACE[ns], prop))
        w.obj(self.t.iri(pattern.replace("$1", wf_urlencode(identifier))))

    def _attach_value_node(self, w: Writer, ns: str, prop: str, datavalue: DataValue,
                           type_name: str, normalized: bool = False) -> str | None:
        """Link the snak to its value node; the node's name if its details are still to
        be written (the value writer is then about it), None if already written."""
        t = self.t
        h = cached_value_hash(datavalue)
        value_ns = NORMALIZED_NAMESPACE[ns] if normalized else VALUE_NAMESPACE[ns]
        w.say(t.res(value_ns, prop))
        w.obj(t.res("wdv", h))
        key = "V" + h
        if key in self.seen:
            return None
        self.seen.add(key)
        self.values.about(t.res("wdv", h))
        self.values.say(self.a)
        self.values.obj(self._wb[type_name])
        return h

    def _date_literal(self, value: TimeValue) -> str:
        date = xsd_datetime(value.time, value.precision, value.calendarmodel)
        if date is None:
            return self.t.text(value.time)
        return self.t.typed(date, "xsd", "dateTime")

    def _time(self, w: Writer, ns: str, prop: str, datavalue: DataValue) -> None:
        t, value = self.t, datavalue.value
        literal = self._date_literal(value)
        w.say(t.res(ns, prop))
        w.obj(literal)
        if not (self.full_values and ns in VALUE_NAMESPACE):
            return
        if self._attach_value_node(w, ns, prop, datavalue, "TimeValue") is None:
            return
        v = self.values
        v.say(t.res("wikibase", "timeValue"))
        v.obj(literal)
        v.say(t.res("wikibase", "timePrecision"))
        v.obj(t.typed(str(value.precision), "xsd", "integer"))
        v.say(t.res("wikibase", "timeTimezone"))
        v.obj(t.typed(str(value.timezone), "xsd", "integer"))
        v.say(t.res("wikibase", "timeCalendarModel"))
        v.obj(t.iri(value.calendarmodel.strip()))

    def _quantity(self, w: Writer, ns: str, prop: str, datavalue: DataValue) -> None:
        t, value = self.t, datavalue.value
        w.say(t.res(ns, prop))
        w.obj(t.typed(value.amount, "xsd", "decimal"))
        if not (self.full_values and ns in VALUE_NAMESPACE):
            return
        name = self._quantity_node(w, ns, prop, datavalue)
        if not self.normalized:
            return
        standard = to_standard_units(value, self.lookup, self.voc.concept_uri)
        if standard is None:
            return
        standard_value = DataValue(standard, "quantity")
        norm_name = self._quantity_node(w, ns, prop, standard_value, normalized=True)
        if standard == value:
            self._link_normalized(name, name)
        else:
            self._link_normalized(norm_name, norm_name)
            self._link_normalized(name, norm_name)

    def _quantity_node(self, w: Writer, ns: str, prop: str, datavalue: DataValue,
                       normalized: bool = False) -> str | None:
        name = self._attach_value_node(w, ns, prop, datavalue, "QuantityValue", normalized)
        if name is None:
            return None
        t, v, value = self.t, self.values, datavalue.value
        v.say(t.res("wikibase", "quantityAmount"))
        v.obj(t.typed(value.amount, "xsd", "decimal"))
        if value.upperBound is not UNSET:
            v.say(t.res("wikibase", "quantityUpperBound"))
            v.obj(t.typed(value.upperBound, "xsd", "decimal"))
            v.say(t.res("wikibase", "quantityLowerBound"))
            v.obj(t.typed(value.lowerBound, "xsd", "decimal"))
        unit = value.unit.strip()
        v.say(t.res("wikibase", "quantityUnit"))
        v.obj(t.iri(ONE_ENTITY if unit == "1" else unit))
        return name

    def _link_normalized(self, name: str | None, norm_name: str | None) -> None:
        if name is None or norm_name is None:
            return
        t = self.t
        self.values.about(t.res("wdv", name))
        self.values.say(t.res("wikibase", "quantityNormalized"))
        self.values.obj(t.res("wdv", norm_name))

    def _globe(self, w: Writer, ns: str, prop: str, datavalue: DataValue) -> None:
        t, value = self.t, datavalue.value
        point = f"Point({php_float(value.longitude, 14, 'E')} {php_float(value.latitude, 14, 'E')})"
        globe = value.globe
        if globe and globe != EARTH:
            point = f"<{globe.replace('>', '%3E')}> {point}"
        w.say(t.res(ns, prop))
        w.obj(t.typed(point, "geo", "wktLiteral"))
        if not (self.full_values and ns in VALUE_NAMESPACE):
            return
        if self._attach_value_node(w, ns, prop, datavalue, "GlobecoordinateValue") is None:
            return
        v = self.values
        v.say(t.res("wikibase", "geoLatitude"))
        v.obj(t.typed(php_float(value.latitude, 14, "E"), "xsd", "double"))
        v.say(t.res("wikibase", "geoLongitude"))
        v.obj(t.typed(php_float(value.longitude, 14, "E"), "xsd", "double"))
        precision = value.precision
        if precision is None:
            v.say(self.a)
            v.obj(t.res("wikibase", "GeoAutoPrecision"))
            precision = 1 / 3600  # LatLongFormatter's default
        v.say(t.res("wikibase", "geoPrecision"))
        v.obj(t.typed(php_float(precision, 14, "E"), "xsd", "double"))
        v.say(t.res("wikibase", "geoGlobe"))
        v.obj(t.iri(globe.strip()))

    # properties

    def add_property_declaration(self, property_id: str, datatype: str | None) -> None:
        """`wikibase:propertyType`, the predicates of the property, their OWL types and the
        `wdno:` class (PropertySpecificComponentsRdfBuilder)."""
        self.w.triples(_declaration(self.t, self.voc, property_id, datatype))

    # lexemes

    def _lexeme(self, lexeme: Lexeme) -> None:
        w, t = self.w, self.t
        subject = t.res("wd", lexeme.id)
        self._lemmas(subject, "LexicalEntry", "wikibase", "lemma",
                     {lang: term.value for lang, term in lexeme.lemmas.items()})
        w.say(t.res("dct", "language"))
        w.obj(t.res("wd", lexeme.language))
        w.say(t.res("wikibase", "lexicalCategory"))
        w.obj(t.res("wd", lexeme.lexicalCategory))
        if self.mention_entities:
            self._mention(lexeme.language)
            self._mention(lexeme.lexicalCategory)
        for form in lexeme.forms:
            w.say(t.res("ontolex", "lexicalForm"))
            w.obj(t.res("wd", form.id))
        for sense in lexeme.senses:
            w.say(t.res("ontolex", "sense"))
            w.obj(t.res("wd", sense.id))
        for sub in (*lexeme.forms, *lexeme.senses):
            self.sub_entity_mentioned(sub)

    def _form(self, form: Form) -> None:
        w, t = self.w, self.t
        self._lemmas(t.res("wd", form.id), "Form", "ontolex", "representation",
                     {lang: term.value for lang, term in form.representations.items()})
        for feature in form.grammaticalFeatures:
            w.say(t.res("wikibase", "grammaticalFeature"))
            w.obj(t.res("wd", feature))
            if self.mention_entities:
                self._mention(feature)

    def _sense(self, sense: Sense) -> None:
        self._lemmas(self.t.res("wd", sense.id), "LexicalSense", "skos", "definition",
                     {lang: term.value for lang, term in sense.glosses.items()})

    def _lemmas(self, subject: str, ontolex_class: str, ns: str, local: str,
                terms: dict[str, str]) -> None:
        """`a ontolex:<class>` and each term as rdfs:label and as lemma/representation/gloss.
        Lexeme term languages are written as they are."""
        w, t = self.w, self.t
        w.about(subject)
        w.say(self.a)
        w.obj(t.res("ontolex", ontolex_class))
        label, predicate = t.res("rdfs", "label"), t.res(ns, local)
        for language, text in terms.items():
            literal = t.text(text, language)
            w.about(subject)
            w.say(label)
            w.obj(literal)
            w.say(predicate)
            w.obj(literal)

    # referenced entities

    def resolve_mentioned(self) -> None:
        """Stubs (type, labels, descriptions; declarations of properties) for every entity
        mentioned but not written; redirects among them as `owl:sameAs`, then their targets."""
        while True:
            pending = [eid for eid, done in self.resolved.items() if not done]
            if not pending:
                return
            for entity_id in pending:
                self.resolved[entity_id] = True
                target = self.lookup.redirect_target(entity_id)
                if target is not None:
                    self.add_redirect(entity_id, target)
                elif self.lookup.entity_exists(entity_id):
                    self.add_stub(entity_id)

    def add_stub(self, entity_id: str) -> None:
        self._meta(entity_id)
        self.add_stub_components(entity_id)

    def add_stub_components(self, entity_id: str) -> None:
        """A referenced entity's terms (and a property's declaration), from the lookup."""
        kind = id_entity_type(entity_id)
        subject = self.t.res("wd", entity_id)
        lookup = self.lookup
        if kind == "item":
            self._labels(subject, lookup.labels(entity_id, self.stub_languages))
            self._descriptions(subject, lookup.descriptions(entity_id, self.stub_languages))
        elif kind == "property":
            self._labels(subject, lookup.labels(entity_id, None))
            self._descriptions(subject, lookup.descriptions(entity_id, None))
            self.add_property_declaration(entity_id, lookup.property_datatype(entity_id))
        elif kind == "lexeme":
            self._lemmas(subject, "LexicalEntry", "wikibase", "lemma", lookup.lemmas(entity_id))
        elif kind == "form":
            self._lemmas(subject, "Form", "ontolex", "representation", lookup.lemmas(entity_id))
        elif kind == "sense":
            self._lemmas(subject, "LexicalSense", "skos", "definition", lookup.lemmas(entity_id))
