"""Wikibase's uniqueness rules as keys in a global lookup table.

- sitelinks: one item per site + title;
- items: one item per label + description pair in a language;
- properties: one property per label in a language.
A key is (kind, scope, hash of the text); `info` maps it to what a violation reports.
"""

import hashlib

from ..model import Entity, Item, Property
from .errors import data_policy_violation

SITELINK, ITEM_TERMS, PROPERTY_LABEL = "sitelink", "item-terms", "property-label"


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def unique_keys(entity: Entity) -> dict[tuple[str, str, str], tuple]:
    """key -> (kind, scope, readable value) for every uniqueness key the entity holds."""
    keys = {}
    if isinstance(entity, Item):
        for site, link in entity.sitelinks.items():
            keys[(SITELINK, site, _hash(link.title))] = (SITELINK, site, link.title)
        for language, label in entity.labels.items():
            description = entity.descriptions.get(language)
            if description is not None:
                text = f"{label.value}\n{description.value}"
                keys[(ITEM_TERMS, language, _hash(text))] = (
                    ITEM_TERMS, language, (label.value, description.value))
    elif isinstance(entity, Property):
        for language, label in entity.labels.items():
            keys[(PROPERTY_LABEL, language, _hash(label.value))] = (
                PROPERTY_LABEL, language, label.value)
    return keys


def key_change(old: Entity | None, new: Entity) -> tuple[dict, dict]:
    """The uniqueness keys of the old and the new entity, both empty when the edit left the
    terms and sitelinks they come from alone (there is nothing to change then)."""
    if old is not None and all(getattr(old, name, None) == getattr(new, name, None)
                               for name in ("labels", "descriptions", "sitelinks")):
        return {}, {}
    return (unique_keys(old) if old is not None else {}), unique_keys(new)


def violation(info: tuple, owner: str):
    """The error Wikibase's REST API gives when a key is already held by `owner`."""
    kind, scope, _ = info
    if kind == SITELINK:
        return data_policy_violation("sitelink-conflict", {"conflicting_item_id": owner})
    if kind == ITEM_TERMS:
        return data_policy_violation("item-label-description-duplicate",
                                     {"language": scope, "conflicting_item_id": owner})
    return data_policy_violation("property-label-duplicate",
                                 {"language": scope, "conflicting_property_id": owner})


def same_label_and_description(old: Entity | None, new: Entity):
    """Wikibase refuses a label equal to the description in the same language (checked only
    for languages the edit touches, so old data does not block unrelated edits)."""
    if not isinstance(new, (Item, Property)):
        return None
    for language, label in new.labels.items():
        description = new.descriptions.get(language)
        if description is None or description.value != label.value:
            continue
        if old is not None and old.labels.get(language) == label and \
                old.descriptions.get(language) == description:
            continue
        return data_policy_violation("label-description-same-value", {"language": language})
    return None
