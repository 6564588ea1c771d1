"""The Wikibase RDF mapping: entities as Special:EntityData and dumps write them.

    from entitybase.rdf import entity_rdf, InMemoryLookup
    ttl = entity_rdf(entity, meta, lookup, format="ttl", flavor="full")

The builder asks an `RdfLookup` for everything beyond the entity (datatypes, labels of
referenced entities, redirects, sites, formatter URIs, unit conversions); it never reads
storage itself.
"""

from . import flavors
from .builder import RdfBuilder
from .document import RdfDumpWriter, entity_rdf, new_writer
from .flavors import FLAVORS, flavor_flags
from .languages import rdf_language_code
from .lookup import (
    CANONICAL_URI_PROPERTY,
    InMemoryLookup,
    RdfLookup,
    Site,
    UnitConversion,
    formatter_from_statements,
    load_unit_conversions,
    read_unit_conversions,
    sites_from_records,
)
from .vocabulary import WIKIDATA, Vocabulary
from .writers import NTriplesWriter, TurtleWriter

MEDIA_TYPES = {"ttl": "text/turtle; charset=UTF-8", "nt": "application/n-triples"}

__all__ = [
    "CANONICAL_URI_PROPERTY",
    "FLAVORS",
    "MEDIA_TYPES",
    "WIKIDATA",
    "InMemoryLookup",
    "NTriplesWriter",
    "RdfBuilder",
    "RdfDumpWriter",
    "RdfLookup",
    "Site",
    "TurtleWriter",
    "UnitConversion",
    "Vocabulary",
    "entity_rdf",
    "flavor_flags",
    "flavors",
    "formatter_from_statements",
    "load_unit_conversions",
    "new_writer",
    "rdf_language_code",
    "read_unit_conversions",
    "sites_from_records",
]
