"""Statistics: what the store holds, computed from every current head into a daily row set.

`compute` scans the heads (it is a daily batch job, see workers/stats.py); `run` stores the
result under its day, `read` serves the latest or a given day.
"""

import time
from collections import Counter

from ..model import EntitySchema, Item, Lexeme
from ..store import lifecycle as tables
from .errors import EntityNotFound
from .revisions import subjects

PAGE = 1000
TOP = 20


def compute(service) -> dict:
    entities, terms, properties = Counter(), {}, Counter()
    totals = Counter()
    for entity in _current_entities(service, totals):
        entities[_kind(entity)] += 1
        for field, language in _terms(entity):
            terms.setdefault(field, Counter())[language] += 1
        for _, claims in subjects(entity) or ():
            for prop, statements in claims.items():
                properties[prop] += len(statements)
                totals["statements"] += len(statements)
        if isinstance(entity, Item):
            totals["sitelinks"] += len(entity.sitelinks)
    store = service.store
    with store.read() as conn:
        top_linked = tables.top_linked(conn, TOP)
        revisions = tables.count_rows(conn, "eb_revision")
        deleted = tables.count_rows(conn, "eb_deleted_head")
    return {
        "entities": dict(sorted(entities.items())),
        "redirects": totals["redirects"],
        "deleted": deleted,
        "revisions": revisions,
        "statements": totals["statements"],
        "sitelinks": totals["sitelinks"],
        "terms": {field: dict(sorted(counts.items())) for field, counts in sorted(terms.items())},
        "most_used_properties": [{"id": p, "statements": n}
                                 for p, n in properties.most_common(TOP)],
        "most_used_statements": service.most_used_statements(TOP),
        "top_backlinked": [{"id": e, "backlinks": n} for e, n in top_linked],
        "deduplication": service.deduplication_stats(),
    }


def _current_entities(service, totals: Counter):
    store, after = service.store, None
    while True:
        with store.read() as conn:
            page = store.head_page(conn, after, PAGE)
        if not page:
            return
        for head in page:
            if head.redirect_to:
                totals["redirects"] += 1
                continue
            try:
                yield service.get(head.entity_id, head.revision_id).entity
            except EntityNotFound:  # deleted since the page was read
                continue
        after = page[-1].entity_id


def _kind(entity) -> str:
    return {"Item": "item", "Property": "property", "Lexeme": "lexeme",
            "EntitySchema": "entity-schema"}[type(entity).__name__]


def _terms(entity):
    if isinstance(entity, EntitySchema):
        fields = {"labels": entity.labels, "descriptions": entity.descriptions}
        for language, aliases in entity.aliases.items():
            for _ in aliases:
                yield "aliases", language
    elif isinstance(entity, Lexeme):
        fields = {"lemmas": entity.lemmas}
        for form in entity.forms:
            for language in form.representations:
                yield "representations", language
        for sense in entity.senses:
            for language in sense.glosses:
                yield "glosses", language
    else:
        fields = {"labels": entity.labels, "descriptions": entity.descriptions}
        for language, aliases in entity.aliases.items():
            for _ in aliases:
                yield "aliases", language
    for field, values in fields.items():
        for language in values:
            yield field, language


def today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


def run(service, day: str | None = None) -> tuple[str, dict]:
    """Compute the statistics and store them under `day` (today by default)."""
    day = day or today()
    values = compute(service)
    with service.store.write() as tx:
        tables.put_stats(tx, day, values)
    return day, values


def read(service, day: str | None = None) -> tuple[str | None, dict]:
    with service.store.read() as conn:
        return tables.stats(conn, day)


def days(service) -> list[str]:
    with service.store.read() as conn:
        return tables.stats_days(conn)
