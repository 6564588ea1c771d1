"""Base URIs and prefixes of the Wikibase RDF mapping (`RdfVocabulary`), Wikidata's by default."""

from dataclasses import dataclass, field

ONTOLOGY = "http://wikiba.se/ontology#"
FORMAT_VERSION = "1.0.0"
ONTOLOGY_URI = "http://wikiba.se/ontology-1.0.owl"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
MEDIA_URI = "http://commons.wikimedia.org/wiki/Special:FilePath/"
COMMONS_DATA_URI = "http://commons.wikimedia.org/data/main/"
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
JULIAN = "http://www.wikidata.org/entity/Q1985786"
ONE_ENTITY = "http://www.wikidata.org/entity/Q199"  # the unit "1"
EARTH = "http://www.wikidata.org/entity/Q2"

_FIXED = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ontolex": "http://www.w3.org/ns/lemon/ontolex#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "wikibase": ONTOLOGY,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "http://schema.org/",
    "cc": "http://creativecommons.org/ns#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "prov": "http://www.w3.org/ns/prov#",
}

# Property namespaces under `<top>prop/`, in the order Wikidata declares them.
PROPERTY_NAMESPACES = {
    "wdt": "direct/", "wdtn": "direct-normalized/", "p": "", "ps": "statement/",
    "psv": "statement/value/", "psn": "statement/value-normalized/", "pq": "qualifier/",
    "pqv": "qualifier/value/", "pqn": "qualifier/value-normalized/", "pr": "reference/",
    "prv": "reference/value/", "prn": "reference/value-normalized/", "wdno": "novalue/",
}
# Simple-value namespace -> value-node namespace, and -> normalized namespace.
VALUE_NAMESPACE = {"ps": "psv", "pq": "pqv", "pr": "prv"}
NORMALIZED_NAMESPACE = {"wdt": "wdtn", "ps": "psn", "pq": "pqn", "pr": "prn"}

# Datatypes whose simple values are resources (`rdf-data-type` in WikibaseRepo.datatypes.php).
OBJECT_DATATYPES = frozenset({
    "commonsMedia", "geo-shape", "tabular-data", "url", "wikibase-item", "wikibase-property",
})


@dataclass(frozen=True)
class Vocabulary:
    """Where the nodes live. `source_name` is the entity source's name, part of stable
    blank node labels (Wikidata's is "wikidata")."""

    concept_uri: str = "http://www.wikidata.org/entity/"
    data_uri: str = "https://www.wikidata.org/wiki/Special:EntityData/"
    source_name: str = "wikidata"
    license_uri: str = CC0
    # Page properties written on the data document (Wikidata's wb-claims, wb-sitelinks,
    # wb-identifiers), in this order; a plain Wikibase configures none.
    page_properties: tuple[str, ...] = ("statements", "sitelinks", "identifiers")
    namespaces: dict[str, str] = field(init=False, compare=False)

    def __post_init__(self):
        top = self.concept_uri.removesuffix("entity/")
        prop = top + "prop/"
        namespaces = dict(_FIXED)
        namespaces.update({
            "wd": self.concept_uri, "data": self.data_uri,
            "wds": self.concept_uri + "statement/", "wdref": top + "reference/",
            "wdv": top + "value/",
        })
        namespaces.update({name: prop + path for name, path in PROPERTY_NAMESPACES.items()})
        object.__setattr__(self, "namespaces", namespaces)


WIKIDATA = Vocabulary()


def datatype_uri(datatype: str) -> str:
    """`wikibase:propertyType` object: `external-id` -> `…#ExternalId`."""
    words = datatype.replace("-", " ").split(" ")
    name = "".join(word[:1].upper() + word[1:] for word in words)
    return ONTOLOGY + "".join(ch for ch in name if ch.isalnum() or ch == "_")

