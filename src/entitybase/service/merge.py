"""Merging two items as Wikibase's wbmergeitems does (ChangeOpsMerge, StatementsMerger).

- a source label the target lacks becomes the target's label; one that differs becomes an
  alias of the target; aliases are united;
- descriptions and sitelinks move where the target has none; where both differ it is a
  conflict (409) unless `ignore_conflicts` names its kind, then the target's is kept;
- statements move with new GUIDs; one equal to a target statement (main snak, qualifiers and
  rank) folds into it, adding the references it lacks;
- items that link to each other are refused; the source is emptied, the target saved, then
  the source becomes a redirect: three revisions, each its own transaction, as in Wikibase.
"""

import msgspec
from msgspec import UNSET

from ..model import Item, Term
from .backlinks import entity_links
from .errors import EntityRedirected, RuleViolation
from .lifecycle import Conflict, require_admin

CONFLICT_KINDS = ("description", "sitelink")


def merge_items(service, from_id: str, into_id: str, *, user, ignore_conflicts=(),
                comment: str | None = None, bot: bool = False) -> dict:
    """Merge `from_id` into `into_id` (administrators); returns the three revision ids."""
    require_admin(user, "merge items")
    if from_id == into_id:
        raise RuleViolation("cannot-merge-self", "An item cannot be merged into itself",
                            {"from": from_id, "into": into_id})
    source = service.get(from_id).entity
    try:
        target = service.get(into_id).entity
    except EntityRedirected as moved:
        raise Conflict("redirected-item", f"{into_id} is a redirect to {moved.target_id}",
                       {"redirect_target": moved.target_id}) from None
    if not isinstance(source, Item) or not isinstance(target, Item):
        raise RuleViolation("unsupported-entity-type", "Only items can be merged")
    if _links_to(source, into_id) or _links_to(target, from_id):
        raise Conflict("items-link-each-other",
                       f"{from_id} and {into_id} link to each other", {"from": from_id,
                                                                      "into": into_id})
    conflicts = _conflicts(source, target, set(ignore_conflicts))
    if conflicts:
        raise Conflict("merge-conflict", "The items have conflicting terms or sitelinks",
                       {"conflicts": conflicts})
    emptied = service.edit(from_id, lambda item: _empty(item, into_id), user=user, bot=bot,
                           comment=comment)
    try:
        merged = service.edit(into_id, lambda item: _absorb(item, _copy(source), from_id),
                              user=user, bot=bot, comment=comment)
    except Exception:
        # The target refused (protection, a rule): give the source its content back.
        service.edit(from_id, lambda item: _restore(item, source), user=user, bot=bot)
        raise
    redirect = service.redirect(from_id, into_id, user=user, comment=comment)
    return {"from": from_id, "into": into_id,
            "from_revision_id": emptied.revision.revision_id,
            "into_revision_id": merged.revision.revision_id,
            "redirect_revision_id": redirect.revision_id}


def _links_to(item: Item, other_id: str) -> bool:
    return any(target == other_id for target, _ in entity_links(item))


def _conflicts(source: Item, target: Item, ignored: set) -> list[dict]:
    found = []
    if "description" not in ignored:
        for language, term in source.descriptions.items():
            theirs = target.descriptions.get(language)
            if theirs is not None and theirs.value != term.value:
                found.append({"type": "description", "language": language})
    if "sitelink" not in ignored:
        for site, link in source.sitelinks.items():
            theirs = target.sitelinks.get(site)
            if theirs is not None and theirs.title != link.title:
                found.append({"type": "sitelink", "site": site})
    return found


def _copy(item: Item) -> Item:
    """A deep copy: mutate may run more than once, and the source must stay intact."""
    return msgspec.json.decode(msgspec.json.encode(item), type=Item)


def _empty(item: Item, into_id: str) -> str:
    item.labels, item.descriptions, item.aliases = {}, {}, {}
    item.claims, item.sitelinks = {}, {}
    return f"/* wbmergeitems-to:0||{into_id} */"


def _restore(item: Item, source: Item) -> str:
    for name in item.__struct_fields__:
        setattr(item, name, getattr(source, name))
    return "/* wbmergeitems-failed:0|| */"


def _absorb(target: Item, source: Item, from_id: str) -> str:
    for language, term in source.labels.items():
        if language not in target.labels:
            target.labels[language] = term
        elif target.labels[language].value != term.value:
            _add_alias(target, language, term.value)
    for language, terms in source.aliases.items():
        for term in terms:
            _add_alias(target, language, term.value)
    for language, term in source.descriptions.items():
        target.descriptions.setdefault(language, term)
    for site, link in source.sitelinks.items():
        if site not in target.sitelinks:
            link.url = UNSET
            target.sitelinks[site] = link
    for prop, statements in source.claims.items():
        for statement in statements:
            _add_statement(target, prop, statement)
    return f"/* wbmergeitems-from:0||{from_id} */"


def _add_alias(item: Item, language: str, text: str) -> None:
    label = item.labels.get(language)
    if label is not None and label.value == text:
        return
    aliases = item.aliases.setdefault(language, [])
    if all(alias.value != text for alias in aliases):
        aliases.append(Term(language, text))


def _add_statement(target: Item, prop: str, statement) -> None:
    group = target.claims.setdefault(prop, [])
    for existing in group:
        if _same_claim(existing, statement):
            known = {ref.hash for ref in existing.references or ()}
            extra = [ref for ref in statement.references or () if ref.hash not in known]
            if extra:
                existing.references = [*(existing.references or ()), *extra]
            return
    statement.id = UNSET  # a new GUID on the target, as Wikibase gives it
    group.append(statement)


def _same_claim(a, b) -> bool:
    return (a.mainsnak.hash == b.mainsnak.hash and a.rank == b.rank
            and _qualifier_hashes(a) == _qualifier_hashes(b))


def _qualifier_hashes(statement) -> list:
    if not statement.qualifiers:
        return []
    return sorted(snak.hash for snaks in statement.qualifiers.values() for snak in snaks)

