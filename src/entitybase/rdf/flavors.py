"""What a document contains: Wikibase's `RdfProducer` bit flags and the named flavors."""

TRUTHY = 1             # wdt: best-rank values
ALL_STATEMENTS = 2     # p:/ps: reified statements with ranks
QUALIFIERS = 4
REFERENCES = 8
SITELINKS = 16
PROPERTIES = 32        # declarations (stubs) of the properties used
FULL_VALUES = 64       # psv:/pqv:/prv: value nodes
VERSION_INFO = 128     # license and software version on the data document
RESOLVED_ENTITIES = 256  # labels of referenced entities, redirects followed
NORMALIZED_VALUES = 512  # wdtn:/psn:/pqn:/prn: and quantityNormalized
PAGE_PROPS = 1024      # statement/sitelink/identifier counts

ALL = (TRUTHY | ALL_STATEMENTS | QUALIFIERS | REFERENCES | SITELINKS | PROPERTIES
       | FULL_VALUES | VERSION_INFO | RESOLVED_ENTITIES | NORMALIZED_VALUES | PAGE_PROPS)

_DUMP = (ALL_STATEMENTS | TRUTHY | QUALIFIERS | REFERENCES | SITELINKS | FULL_VALUES
         | PAGE_PROPS | NORMALIZED_VALUES | VERSION_INFO)

# Special:EntityData ?flavor= names, and the dump flavors of dumpRdf.php.
FLAVORS = {
    "simple": TRUTHY | SITELINKS | VERSION_INFO,
    "dump": _DUMP,
    "long": ALL_STATEMENTS | QUALIFIERS | REFERENCES | SITELINKS | VERSION_INFO,
    "full": ALL,
    "full-dump": _DUMP & ~VERSION_INFO,
    "truthy-dump": TRUTHY,
}


def flavor_flags(flavor: str | int | None) -> int:
    """Bit flags for a flavor name (None means Special:EntityData's default, `full`)."""
    if flavor is None:
        return ALL
    if isinstance(flavor, int):
        return flavor
    try:
        return FLAVORS[flavor]
    except KeyError:
        raise ValueError(f"unknown RDF flavor {flavor!r}") from None
