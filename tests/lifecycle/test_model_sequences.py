"""Random sequences of edits, reverts, merges, deletes, undeletes and hard deletes on a few
items; after every step the store agrees with a small in-memory model: current content,
history, backlinks, and reference counts (recounted from the stored parts)."""

import tempfile
import uuid
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_checks import check_reference_counts

from entitybase.model import Item, Property, Statement, Term, ValueSnak, entity_value
from entitybase.service import (
    EntityNotFound,
    EntityRedirected,
    ServiceError,
    User,
    backlinks,
    lifecycle,
    merge,
    open_service,
)

EDITOR = User(1, "Editor", admin=False, bot=False)
ADMIN = User(2, "Admin", admin=True, bot=False)
ITEMS = 3


@dataclass
class Entity:
    """What the model knows of one item."""

    status: str = "live"          # live | redirect | deleted | purged
    before_delete: str = "live"
    redirect: str | None = None
    label: str = ""
    aliases: tuple = ()
    links: tuple = ()             # ((target, token), ...) in statement order
    revisions: list = field(default_factory=list)   # revision ids, oldest first
    contents: dict = field(default_factory=dict)    # revision id -> (label, aliases, links)

    def content(self):
        return (self.label, self.aliases, self.links)

    def record(self, revision_id: int) -> None:
        assert revision_id not in self.revisions
        self.revisions.append(revision_id)
        self.contents[revision_id] = self.content()


def guid(entity_id: str, target: str) -> str:
    return f"{entity_id}${str(uuid.uuid5(uuid.NAMESPACE_URL, entity_id + target)).upper()}"


def statement(prop: str, entity_id: str, target: str) -> Statement:
    snak = ValueSnak(property=prop, datavalue=entity_value(target), datatype="wikibase-item")
    return Statement(mainsnak=snak, id=guid(entity_id, target))


operations = st.lists(st.one_of(
    st.tuples(st.just("edit"), st.integers(0, ITEMS - 1), st.sampled_from("abc"),
              st.sampled_from([None, 0, 1, 2])),
    st.tuples(st.just("revert"), st.integers(0, ITEMS - 1), st.integers(0, 20)),
    st.tuples(st.just("merge"), st.integers(0, ITEMS - 1), st.integers(0, ITEMS - 1)),
    st.tuples(st.just("delete"), st.integers(0, ITEMS - 1)),
    st.tuples(st.just("undelete"), st.integers(0, ITEMS - 1)),
    st.tuples(st.just("purge"), st.integers(0, ITEMS - 1)),
), min_size=1, max_size=25)


class Run:
    def __init__(self, service):
        self.service = service
        self.prop = service.create(Property(datatype="wikibase-item"), user=EDITOR).entity.id
        self.ids, self.model, self.moved = [], {}, 0
        for n in range(ITEMS):
            created = service.create(Item(labels={"en": Term("en", f"item {n}")}), user=EDITOR)
            entity_id = created.entity.id
            self.ids.append(entity_id)
            self.model[entity_id] = Entity(label=f"item {n}")
            self.model[entity_id].record(created.revision.revision_id)

    # -- operations ------------------------------------------------------------------------

    def edit(self, index, label, target):
        entity_id = self.ids[index]
        state = self.model[entity_id]
        target_id = None if target is None else self.ids[target]

        def mutate(item):
            item.labels["en"] = Term("en", label)
            kept = [s for s in item.claims.get(self.prop, []) if _target(s) == target_id]
            item.claims = {self.prop: kept or [statement(self.prop, entity_id, target_id)]} \
                if target_id else {}

        if state.status != "live":
            return self.expect_error(lambda: self.service.edit(entity_id, mutate, user=EDITOR))
        result = self.service.edit(entity_id, mutate, user=EDITOR)
        links = tuple(link for link in state.links if link[0] == target_id) or (
            ((target_id, target_id),) if target_id else ())
        self.saved(entity_id, (label, state.aliases, links), result.revision.revision_id)

    def revert(self, index, choice):
        entity_id = self.ids[index]
        state = self.model[entity_id]
        if state.status not in ("live", "redirect"):
            return self.expect_error(lambda: lifecycle.revert(
                self.service, entity_id, 1, user=EDITOR))
        with_content = [r for r in state.revisions if state.contents[r] is not None]
        to = with_content[choice % len(with_content)]
        result = lifecycle.revert(self.service, entity_id, to, user=EDITOR)
        if state.status == "redirect":
            state.status, state.redirect = "live", None
            state.label, state.aliases, state.links = state.contents[to]
            state.record(result.revision.revision_id)
        else:
            self.saved(entity_id, state.contents[to], result.revision.revision_id)

    def merge(self, a, b):
        source, target = self.ids[a], self.ids[b]
        s, t_ = self.model[source], self.model[target]
        call = lambda: merge.merge_items(self.service, source, target, user=ADMIN)
        linked = any(x == target for x, _ in s.links) or any(x == source for x, _ in t_.links)
        if source == target or s.status != "live" or t_.status != "live" or linked:
            return self.expect_error(call)
        result = call()
        source_content = s.content()
        self.saved(source, ("", (), ()), result["from_revision_id"])
        label = t_.label or source_content[0]
        aliases = list(t_.aliases)
        for text in (source_content[0], *source_content[1]):
            if text and text != label and text not in aliases:
                aliases.append(text)
        links = list(t_.links)
        for link in source_content[2]:
            if all(link[0] != known[0] for known in links):
                self.moved += 1
                links.append((link[0], f"moved {self.moved}"))
        self.saved(target, (label, tuple(aliases), tuple(links)), result["into_revision_id"])
        s.status, s.redirect = "redirect", target
        s.revisions.append(result["redirect_revision_id"])
        s.contents[result["redirect_revision_id"]] = None

    def delete(self, index):
        entity_id = self.ids[index]
        state = self.model[entity_id]
        call = lambda: lifecycle.delete(self.service, entity_id, user=ADMIN)
        if state.status not in ("live", "redirect"):
            return self.expect_error(call)
        call()
        state.before_delete, state.status = state.status, "deleted"

    def undelete(self, index):
        entity_id = self.ids[index]
        state = self.model[entity_id]
        call = lambda: lifecycle.undelete(self.service, entity_id, user=ADMIN)
        if state.status != "deleted":
            return self.expect_error(call)
        call()
        state.status = state.before_delete

    def purge(self, index):
        entity_id = self.ids[index]
        state = self.model[entity_id]
        call = lambda: lifecycle.hard_delete(self.service, entity_id, user=ADMIN)
        if state.status == "purged":
            return self.expect_error(call)
        call()
        self.model[entity_id] = Entity(status="purged")

    # -- model helpers -----------------------------------------------------------------------

    def saved(self, entity_id, content, revision_id):
        state = self.model[entity_id]
        if revision_id == state.revisions[-1]:  # nothing changed: no new revision
            assert content == state.content()
            return
        assert content != state.content()
        state.label, state.aliases, state.links = content
        state.record(revision_id)

    @staticmethod
    def expect_error(call):
        try:
            call()
        except ServiceError:
            return
        raise AssertionError("the operation should have failed")

    # -- checks ------------------------------------------------------------------------------

    def check(self):
        for entity_id, state in self.model.items():
            self.check_entity(entity_id, state)
        self.check_backlinks()
        check_reference_counts(self.service.store)

    def check_entity(self, entity_id, state):
        service = self.service
        if state.status in ("deleted", "purged"):
            try:
                service.get(entity_id)
            except EntityNotFound:
                return
            raise AssertionError(f"{entity_id} should be gone")
        history, _ = service.history(entity_id, limit=500)
        assert [r.revision_id for r in history] == state.revisions[::-1]
        if state.status == "redirect":
            try:
                service.get(entity_id)
            except EntityRedirected as moved:
                assert moved.target_id == state.redirect
                return
            raise AssertionError(f"{entity_id} should redirect")
        item = service.get(entity_id).entity
        label = item.labels.get("en")
        assert (label.value if label else "") == state.label
        assert tuple(a.value for a in item.aliases.get("en", [])) == state.aliases
        assert [_target(s) for s in item.claims.get(self.prop, [])] == \
            [target for target, _ in state.links]

    def check_backlinks(self):
        for target in self.ids:
            expected = sorted(s for s, state in self.model.items()
                              if state.status == "live"
                              and any(x == target for x, _ in state.links))
            page = backlinks.page(self.service.store, target, limit=500)
            assert [source for source, _ in page.backlinks] == expected


def _target(statement) -> str:
    return statement.mainsnak.datavalue.value.id


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations)
def test_random_lifecycle_sequences_agree_with_the_model(steps):
    with tempfile.TemporaryDirectory() as directory:
        service = open_service(directory)
        try:
            run = Run(service)
            run.check()
            for name, *args in steps:
                getattr(run, name)(*args)
                run.check()
        finally:
            service.close()
