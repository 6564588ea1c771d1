"""Reading many entities in a row (dumps) with flat memory.

Going through the whole store once, the store-wide part cache would fill with parts read
only once (roots, term maps, statement groups) and push out what requests reuse. An
`EntityReader` reads around it and keeps its own small caches of what recurs across
entities: statements, snaks and qualifier sets as decoded parts, and references as decoded
model objects (one reference is cited by thousands of statements; a dump neither loads,
renders nor decodes it again). Both caches are bounded, so memory does not grow with the
store.
"""

from collections import OrderedDict

import msgspec
import sqlalchemy as sa

from ..model import Entity, Lexeme, Reference, decode_stored
from ..model.values import stored_values
from .layout import QUALIFIERS, SNAK, STATEMENT, Renderer, children, decode_part

SHARED_KINDS = frozenset((SNAK, QUALIFIERS, STATEMENT))
# What a cached decoded part costs beyond its bytes (dict slot, tuples, lists).
ENTRY_OVERHEAD = 200

_decode_reference = msgspec.json.Decoder(Reference).decode


class EntityReader:
    """Entities by manifest id, through bounded caches of shared parts (`part_bytes`, about
    their stored size) and decoded references (`references`, a count)."""

    def __init__(self, contents, part_bytes: int = 16 << 20, references: int = 8192):
        self.contents = contents
        self.part_bytes = part_bytes
        self.max_references = references
        self.parts: OrderedDict[bytes, tuple[int, object, int]] = OrderedDict()
        self.size = 0
        self.references: OrderedDict[bytes, Reference] = OrderedDict()

    def entities(self, conn: sa.Connection, manifest_ids: list[str]) -> list[Entity]:
        """The entities of the manifests, as `decode_stored(Store.render(...))` gives them
        (their references may be shared objects: callers must not change them)."""
        roots = [bytes.fromhex(manifest_id) for manifest_id in manifest_ids]
        renderer = Renderer(self._load(conn, roots), references=[])
        entities = []
        for root in roots:
            renderer.references = cited = []
            entity = decode_stored(renderer.entity(root))
            self._attach(conn, entity, cited, renderer)
            entities.append(entity)
        return entities

    # -- parts -------------------------------------------------------------------------------

    def _load(self, conn, roots: list[bytes]) -> dict:
        """Every part under the roots that rendering needs, level by level: id -> (kind,
        decoded value). References already decoded are left out with what lies below them."""
        parts, level = {}, roots
        while level:
            wanted = [key for key in dict.fromkeys(level)
                      if key not in parts and key not in self.references]
            missing = []
            for key in wanted:
                cached = self.parts.get(key)
                if cached is None:
                    missing.append(key)
                else:
                    self.parts.move_to_end(key)
                    parts[key] = cached[:2]
            for key, (kind, data) in self.contents.load(conn, missing).items():
                value = decode_part(kind, data)
                parts[key] = (kind, value)
                if kind in SHARED_KINDS:
                    self._remember(key, kind, value, len(data))
            level = [child for key in wanted for child in children(*parts[key])]
        return parts

    def _remember(self, key: bytes, kind: int, value, size: int) -> None:
        self.parts[key] = (kind, value, size)
        self.size += size + ENTRY_OVERHEAD
        while self.size > self.part_bytes:
            _, (_, _, old) = self.parts.popitem(last=False)
            self.size -= old + ENTRY_OVERHEAD

    # -- references --------------------------------------------------------------------------

    def _reference(self, conn, key: bytes, renderer: Renderer) -> Reference:
        reference = self.references.get(key)
        if reference is not None:
            self.references.move_to_end(key)
            return reference
        if key not in renderer.parts:  # it was cached when the parts were loaded
            renderer.parts.update(self._load(conn, [key]))
        with stored_values():
            reference = _decode_reference(renderer.part(key))
        self.references[key] = reference
        if len(self.references) > self.max_references:
            self.references.popitem(last=False)
        return reference

    def _attach(self, conn, entity: Entity, cited: list, renderer: Renderer) -> None:
        """Give the statements their references, walking them in rendering order: the
        entity's own claims, then (lexemes) each form's and each sense's."""
        owners = [entity]
        if isinstance(entity, Lexeme):
            owners += [*entity.forms, *entity.senses]
        ids = iter(cited)
        for owner in owners:
            for statements in getattr(owner, "claims", {}).values():
                for statement in statements:
                    keys = next(ids)
                    if keys:
                        statement.references = [self._reference(conn, key, renderer)
                                                for key in keys]
