"""Backlinks: which entities' current statements, qualifiers or references hold an entity id.

A link is (target id, property id). The write path keeps the table current inside each edit's
transaction by writing the difference between the old and the new head's links.
"""

from collections import Counter
from dataclasses import dataclass

from msgspec import UNSET

from ..model import Entity, all_snaks, all_statements
from ..model.ids import ENTITY_TYPES, SUB_ENTITY_ID, TYPE_PREFIXES
from ..model.values import EntityIdValue, EntitySchemaIdValue
from ..store import lifecycle as tables


def entity_links(entity: Entity | None) -> set[tuple[str, str]]:
    """(target entity id, property id) of every entity-id value in the entity's statements.
    Form and sense values link to their lexeme: that is the entity a reader looks up."""
    return set(statement_links(all_statements(entity))) if entity is not None else set()


def link_counts(entity: Entity | None) -> dict[tuple[str, str], int]:
    """How many snaks of the entity hold each of its links (what an edit updates)."""
    return dict(Counter(statement_links(all_statements(entity)))) if entity is not None else {}


def statement_links(statements) -> list[tuple[str, str]]:
    """The link of every snak of the statements holding an entity-id value, repeated as
    often as it occurs. Runs over whole entities on imports, so the common cases are
    inlined."""
    links = []
    for statement in statements:
        for snak in all_snaks(statement):
            datavalue = getattr(snak, "datavalue", None)
            if datavalue is None or datavalue.type not in _ENTITY_TYPES:
                continue
            value = datavalue.value
            target = getattr(value, "id", UNSET)
            if target is UNSET or "-" in target:
                target = _target(value)
            if target:
                links.append((target.upper(), snak.property))
    return links


def counts_after(before: dict, removed, added) -> dict[tuple[str, str], int]:
    """Link counts once the `removed` statements are gone and the `added` ones are in."""
    after = dict(before)
    for link in statement_links(removed):
        if after[link] == 1:
            del after[link]
        else:
            after[link] -= 1
    for link in statement_links(added):
        after[link] = after.get(link, 0) + 1
    return after


_ENTITY_TYPES = frozenset(("wikibase-entityid", "entity-schema"))


def _target(value) -> str | None:
    """The target of an id value without a plain `id`: sub-entity ids and old numeric ones."""
    if isinstance(value, EntitySchemaIdValue):
        return value.id
    if not isinstance(value, EntityIdValue):
        return None
    if value.id is not UNSET:
        sub = SUB_ENTITY_ID.match(value.id)
        return sub.group(1) if sub else value.id
    prefix = TYPE_PREFIXES.get(value.entity_type)
    if prefix and prefix in ENTITY_TYPES and value.numeric_id is not UNSET:
        return f"{prefix}{value.numeric_id}"
    return None


def update(tx, source_id: str, old: Entity | None, new: Entity | None) -> None:
    """Inside a write transaction: the source's links change from `old`'s to `new`'s."""
    change(tx, source_id, entity_links(old), entity_links(new))


def change(tx, source_id: str, before, after) -> None:
    """Inside a write transaction: the source's links change from `before` to `after` (sets
    of links, or the keys of link counts)."""
    removed, added = before - after, after - before
    if removed or added:
        tables.change_links(tx, source_id, removed, added)


def replace(tx, links: dict[str, frozenset], new: set) -> None:
    """When the old links are not at hand (imports): each source's links become those of its
    new head (source id -> links). A source new to the store (in `new`) has none to drop;
    the others keep the links they still have (a newer revision mostly has its
    predecessor's)."""
    held = tables.links_held(tx.conn, [source for source in links if source not in new])
    tables.drop_link_rows(tx, [(source, target, prop) for source, pairs in held.items()
                               for target, prop in pairs - links[source]])
    tables.add_links(tx, [(source, target, prop) for source, pairs in links.items()
                          for target, prop in pairs - held.get(source, frozenset())])


@dataclass(frozen=True)
class BacklinkPage:
    """Entities linking to one entity, in id order: [(source id, [property ids])]."""

    entity_id: str
    backlinks: list[tuple[str, list[str]]]
    next: str | None  # pass as `after` for the next page


def page(store, entity_id: str, property_id: str | None = None, after: str | None = None,
         limit: int = 100) -> BacklinkPage:
    """A page of at most `limit` linking entities (each with the properties it links by)."""
    with store.read() as conn:
        sources = tables.backlink_sources(conn, entity_id, property_id, after, limit + 1)
        more = len(sources) > limit
        sources = sources[:limit]
        properties = tables.backlink_properties(conn, entity_id, sources)
    if property_id is not None:
        properties = {s: [p for p in props if p == property_id] for s, props in properties.items()}
    return BacklinkPage(entity_id, [(s, properties.get(s, [])) for s in sources],
                        sources[-1] if more else None)
