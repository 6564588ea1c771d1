"""Reading many entities in a row (dumps) with flat memory.

Going through the whole store once, the store-wide part cache would fill with parts read
only once (roots, term maps, statement groups) and push out what requests reuse. An
`EntityReader` reads around it and keeps small caches of its own for what recurs across
entities, as model objects: statements (hashed without GUID and rank, so one part serves
every entity that makes the same claim) and references (one is cited by thousands of
statements). A cached one is neither loaded, rendered nor decoded again; entities share
it, each statement with its own GUID and rank. The caches are bounded, so memory does not
grow with the store.
"""

from collections import OrderedDict

import msgspec
import sqlalchemy as sa
from msgspec import UNSET

from ..model import Entity, EntitySchema, Lexeme, Reference, Statement, decode_stored
from ..model.values import stored_values
from .layout import REFERENCE, STATEMENT, Renderer, children, decode_part

_decode_statement = msgspec.json.Decoder(Statement).decode
_decode_reference = msgspec.json.Decoder(Reference).decode


class EntityReader:
    """Entities by manifest id, through bounded caches of decoded statements and references
    (`statements`, `references`: counts)."""

    def __init__(self, contents, statements: int = 8192, references: int = 8192):
        self.contents = contents
        self.max_statements = statements
        self.max_references = references
        # statement part id -> Statement without GUID and rank, its references attached
        self.statements: OrderedDict[bytes, Statement] = OrderedDict()
        self.references: OrderedDict[bytes, Reference] = OrderedDict()

    def entities(self, conn: sa.Connection, manifest_ids: list[str]) -> list[Entity]:
        """The entities of the manifests, equal to what decoding `Store.render` gives. Their
        statements' snaks and references may be objects shared with other entities: callers
        must not change them in place."""
        roots = [bytes.fromhex(manifest_id) for manifest_id in manifest_ids]
        renderer = Renderer(self._load(conn, roots), claims=[], omit_references=True)
        entities = []
        for root in roots:
            renderer.claims = claims = []
            entity = decode_stored(renderer.entity(root))
            self._fill_claims(conn, entity, claims, renderer)
            entities.append(entity)
        return entities

    def _load(self, conn, roots: list[bytes]) -> dict:
        """Every part under the roots that is still to decode, level by level: id -> (kind,
        decoded value). Cached statements and references are left out with their parts."""
        parts, level = {}, roots
        while level:
            wanted = [key for key in dict.fromkeys(level)
                      if key not in parts and key not in self.statements
                      and key not in self.references]
            for key, (kind, data) in self.contents.load(conn, wanted).items():
                parts[key] = (kind, decode_part(kind, data))
            level = [child for key in wanted for child in children(*parts[key])]
        return parts

    def _fill_claims(self, conn, entity: Entity, claims: list, renderer: Renderer) -> None:
        """Give the entity (and its forms and senses, in rendering order) their statements."""
        if isinstance(entity, EntitySchema):  # no statements
            return
        owners = [entity]
        if isinstance(entity, Lexeme):
            owners += [*entity.forms, *entity.senses]
        for owner, entries in zip(owners, claims, strict=True):
            owner.claims = {prop: [self._statement(conn, key, guid, rank, renderer)
                                   for guid, rank, key in statements]
                            for prop, statements in entries}

    # -- shared parts ------------------------------------------------------------------------

    def _statement(self, conn, key: bytes, guid, rank: str, renderer: Renderer) -> Statement:
        template = self.statements.get(key)
        if template is None:
            template = self._decode(conn, key, renderer, STATEMENT)
            template.references = [self._reference(conn, ref, renderer)
                                   for ref in renderer.value(key)[2]] or UNSET
            self._keep(self.statements, key, template, self.max_statements)
        else:
            self.statements.move_to_end(key)
        statement = template.__copy__()  # shallow: snaks and references stay shared
        statement.id = UNSET if guid is None else guid
        statement.rank = rank
        return statement

    def _reference(self, conn, key: bytes, renderer: Renderer) -> Reference:
        reference = self.references.get(key)
        if reference is None:
            reference = self._decode(conn, key, renderer, REFERENCE)
            self._keep(self.references, key, reference, self.max_references)
        else:
            self.references.move_to_end(key)
        return reference

    def _decode(self, conn, key: bytes, renderer: Renderer, kind: int):
        if key not in renderer.parts:  # it was cached when the parts were loaded
            renderer.parts.update(self._load(conn, [key]))
        with stored_values():
            if kind == STATEMENT:
                return _decode_statement(renderer.statement_body(key))
            return _decode_reference(renderer.part(key))

    @staticmethod
    def _keep(cache: OrderedDict, key: bytes, value, limit: int) -> None:
        cache[key] = value
        if len(cache) > limit:
            cache.popitem(last=False)
