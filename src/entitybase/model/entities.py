"""Snaks, statements, references, terms, sitelinks and the entity types.

Struct fields mirror Wikibase's JSON keys and are declared in Wikibase's key order, so
encoding a struct writes Wikibase's JSON. Absent optional parts are `UNSET` (and not written);
PHP's `[]` for an empty map is read as `{}`.
"""

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from . import ids
from .values import DataValue, fail

DATATYPES = (
    "commonsMedia", "entity-schema", "external-id", "geo-shape", "globe-coordinate", "math",
    "monolingualtext", "musical-notation", "quantity", "string", "tabular-data", "time", "url",
    "wikibase-form", "wikibase-item", "wikibase-lexeme", "wikibase-property", "wikibase-sense",
)
Datatype = Literal[DATATYPES]  # type: ignore[valid-type]
PropertyId = Annotated[str, Meta(pattern=ids.PROPERTY_ID)]
ItemId = Annotated[str, Meta(pattern=ids.ITEM_ID)]
SnakHash = Annotated[str, Meta(pattern=r"^[0-9a-f]{40}$")]
Rank = Literal["preferred", "normal", "deprecated"]


class Term(Struct, gc=False):
    language: str
    value: str


class ValueSnak(Struct, tag_field="snaktype", tag="value", kw_only=True, gc=False):
    property: PropertyId
    hash: SnakHash | UnsetType = UNSET
    datavalue: DataValue
    datatype: Datatype | UnsetType = UNSET


class SomeValueSnak(Struct, tag_field="snaktype", tag="somevalue", kw_only=True, gc=False):
    property: PropertyId
    hash: SnakHash | UnsetType = UNSET
    datatype: Datatype | UnsetType = UNSET


class NoValueSnak(Struct, tag_field="snaktype", tag="novalue", kw_only=True, gc=False):
    property: PropertyId
    hash: SnakHash | UnsetType = UNSET
    datatype: Datatype | UnsetType = UNSET


Snak = ValueSnak | SomeValueSnak | NoValueSnak
SnakMap = dict[PropertyId, list[Snak]]


def _snak_map(snaks, order, where: str) -> tuple[dict, list]:
    """Normalise a property -> snaks map and its order list; both empty when there are none."""
    if isinstance(snaks, list):
        if snaks:
            fail("invalid-type", f"{where} must be a map of property ids to snak lists")
        snaks = {}
    for prop, group in snaks.items():
        for snak in group:
            if snak.property != prop:
                fail("mismatched-property", f"{where} snak of {snak.property} listed under {prop}")
    keys = list(snaks)
    if order is UNSET:
        order = keys
    elif sorted(order) != sorted(keys):
        fail("invalid-order", f"{where} order {order} does not list exactly {keys}")
    return snaks, order


class Reference(Struct, kw_only=True, gc=False):
    hash: SnakHash | UnsetType = UNSET
    snaks: SnakMap | list
    snaks_order: list[PropertyId] | UnsetType = field(name="snaks-order", default=UNSET)

    def __post_init__(self):
        self.snaks, self.snaks_order = _snak_map(self.snaks, self.snaks_order, "reference")


# Wikibase reads any GUID string; new statements get the canonical form (ids.new_statement_guid).
StatementGuid = Annotated[str, Meta(min_length=1)]


class Statement(Struct, kw_only=True, gc=False):
    mainsnak: Snak
    type: Literal["statement", "claim"] = "statement"
    qualifiers: SnakMap | list | UnsetType = UNSET
    qualifiers_order: list[PropertyId] | UnsetType = field(name="qualifiers-order", default=UNSET)
    id: StatementGuid | UnsetType = UNSET
    rank: Rank = "normal"
    references: list[Reference] | UnsetType = UNSET

    def __post_init__(self):
        self.type = "statement"
        if self.qualifiers is UNSET or not self.qualifiers:
            if self.qualifiers_order:
                fail("invalid-order", "qualifiers-order without qualifiers")
            self.qualifiers = self.qualifiers_order = UNSET
        else:
            self.qualifiers, self.qualifiers_order = _snak_map(
                self.qualifiers, self.qualifiers_order, "qualifiers")
        if not self.references:
            self.references = UNSET

    @property
    def property(self) -> str:
        return self.mainsnak.property


class SiteLink(Struct, kw_only=True, gc=False):
    site: str
    title: str
    badges: list[ItemId] = []
    url: str | UnsetType = UNSET


TermMap = dict[str, Term] | list
AliasMap = dict[str, list[Term]] | list
Claims = dict[PropertyId, list[Statement]] | list


def _terms(terms, where: str) -> dict:
    if isinstance(terms, list):
        if terms:
            fail("invalid-type", f"{where} must be a map of language codes to terms")
        return {}
    for language, term in terms.items():
        if term.language != language:
            fail("mismatched-language", f"{where}.{language} holds a term in {term.language!r}")
    return terms


def _aliases(aliases) -> dict:
    if isinstance(aliases, list):
        if aliases:
            fail("invalid-type", "aliases must be a map of language codes to term lists")
        return {}
    for language, terms in aliases.items():
        for term in terms:
            if term.language != language:
                fail("mismatched-language", f"aliases.{language} holds a term in {term.language!r}")
    return aliases


def _claims(claims, where: str = "claims") -> dict:
    if isinstance(claims, list):
        if claims:
            fail("invalid-type", f"{where} must be a map of property ids to statement lists")
        return {}
    for prop, statements in claims.items():
        for statement in statements:
            if statement.mainsnak.property != prop:
                fail("mismatched-property",
                     f"{where}.{prop} holds a statement about {statement.mainsnak.property}")
    return claims


def _check_id(entity_id, kind: str):
    if entity_id is UNSET:
        return
    try:
        actual = ids.entity_type(entity_id)
    except ValueError:
        actual = None
    if actual != kind:
        fail("invalid-entity-id", f"not a {kind} id: {entity_id!r}")


def _check_fingerprint_and_claims(entity) -> None:
    """Labels, descriptions, aliases and claims of an item or property, `[]` read as `{}`."""
    entity.labels = _terms(entity.labels, "labels")
    entity.descriptions = _terms(entity.descriptions, "descriptions")
    entity.aliases = _aliases(entity.aliases)
    entity.claims = _claims(entity.claims)


class Item(Struct, tag_field="type", tag="item", kw_only=True, gc=False):
    id: str | UnsetType = UNSET
    labels: TermMap = {}
    descriptions: TermMap = {}
    aliases: AliasMap = {}
    claims: Claims = {}
    sitelinks: dict[str, SiteLink] | list = {}

    def __post_init__(self):
        _check_id(self.id, "item")
        _check_fingerprint_and_claims(self)
        sitelinks = self.sitelinks
        if isinstance(sitelinks, list):
            if sitelinks:
                fail("invalid-type", "sitelinks must be a map of site ids to sitelinks")
            sitelinks = self.sitelinks = {}
        for site, link in sitelinks.items():
            if link.site != site:
                fail("mismatched-site", f"sitelinks.{site} holds a sitelink to {link.site!r}")


class Property(Struct, tag_field="type", tag="property", kw_only=True, gc=False):
    datatype: Datatype
    id: str | UnsetType = UNSET
    labels: TermMap = {}
    descriptions: TermMap = {}
    aliases: AliasMap = {}
    claims: Claims = {}

    def __post_init__(self):
        _check_id(self.id, "property")
        _check_fingerprint_and_claims(self)


class Form(Struct, kw_only=True, gc=False):
    id: str | UnsetType = UNSET
    representations: TermMap = {}
    grammaticalFeatures: list[ItemId] = []
    claims: Claims = {}

    def __post_init__(self):
        _check_id(self.id, "form")
        self.representations = _terms(self.representations, "representations")
        self.claims = _claims(self.claims)


class Sense(Struct, kw_only=True, gc=False):
    id: str | UnsetType = UNSET
    glosses: TermMap = {}
    claims: Claims = {}

    def __post_init__(self):
        _check_id(self.id, "sense")
        self.glosses = _terms(self.glosses, "glosses")
        self.claims = _claims(self.claims)


def _next_sub_id(items: list, given) -> int:
    """`nextFormId`/`nextSenseId`: as given, else one more than the highest number in use."""
    highest = max((int(sub.id.rsplit("-", 1)[1][1:]) for sub in items if sub.id), default=0)
    if given is UNSET:
        return highest + 1
    if given <= highest:
        fail("invalid-counter", f"next id {given} is not above the highest in use ({highest})")
    return given


class Lexeme(Struct, tag_field="type", tag="lexeme", kw_only=True, gc=False):
    id: str | UnsetType = UNSET
    lemmas: TermMap = {}
    lexicalCategory: ItemId
    language: ItemId
    claims: Claims = {}
    nextFormId: int | UnsetType = UNSET
    nextSenseId: int | UnsetType = UNSET
    forms: list[Form] = []
    senses: list[Sense] = []

    def __post_init__(self):
        _check_id(self.id, "lexeme")
        self.lemmas = _terms(self.lemmas, "lemmas")
        self.claims = _claims(self.claims)
        for sub in (*self.forms, *self.senses):
            if self.id is not UNSET and sub.id is not UNSET:
                if sub.id.split("-")[0].upper() != self.id.upper():
                    fail("invalid-entity-id", f"{sub.id} does not belong to {self.id}")
        self.nextFormId = _next_sub_id(self.forms, self.nextFormId)
        self.nextSenseId = _next_sub_id(self.senses, self.nextSenseId)


class EntitySchema(Struct, tag_field="type", tag="ShExC", kw_only=True, gc=False):
    """An entity schema (E id) as EntitySchema stores it; its `type` is the schema language."""

    id: str | UnsetType = UNSET
    serializationVersion: str = "3.0"
    labels: dict[str, str] | list = {}
    descriptions: dict[str, str] | list = {}
    aliases: dict[str, list[str]] | list = {}
    schemaText: str = ""

    def __post_init__(self):
        _check_id(self.id, "entity-schema")
        for name in ("labels", "descriptions", "aliases"):
            if isinstance(getattr(self, name), list):
                if getattr(self, name):
                    fail("invalid-type", f"{name} must be a map of language codes")
                setattr(self, name, {})


Entity = Item | Property | Lexeme | EntitySchema
StatementOwner = Item | Property | Lexeme | Form | Sense


class Redirect(Struct, gc=False):
    """Special:EntityData of a redirected id says which id was asked for."""

    from_: str = field(name="from")
    to: str


class PageMeta(Struct, kw_only=True, gc=False):
    """Page metadata Special:EntityData writes before the entity (and dumps after it)."""

    pageid: int | UnsetType = UNSET
    ns: int | UnsetType = UNSET
    title: str | UnsetType = UNSET
    lastrevid: int | UnsetType = UNSET
    modified: str | UnsetType = UNSET
    redirects: Redirect | UnsetType = UNSET


def all_statements(entity: Entity):
    """Every statement of an entity, those of lexeme forms and senses included."""
    if isinstance(entity, EntitySchema):
        return
    for statements in entity.claims.values():
        yield from statements
    if isinstance(entity, Lexeme):
        for sub in (*entity.forms, *entity.senses):
            for statements in sub.claims.values():
                yield from statements


def all_snaks(statement: Statement):
    """The main snak, qualifier snaks and reference snaks of a statement."""
    yield statement.mainsnak
    if statement.qualifiers:
        for snaks in statement.qualifiers.values():
            yield from snaks
    for reference in statement.references or ():
        for snaks in reference.snaks.values():
            yield from snaks
