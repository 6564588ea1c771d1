"""How an entity is split into content-addressed parts, and put back together.

    root ── labels / descriptions / aliases / sitelinks / lemmas   (maps of term or sitelink ids)
        └── claims: [chunk ...]            chunk = [[property, group id] ...]
                      group = [[GUID after "<subject id>$", rank, statement id] ...]
                        statement = [main snak id, qualifier set id, [reference id ...]]
        └── forms / senses: [form id ...]  (each with its own maps and claims chunks)

Statements are hashed without GUID and rank, so the same claim on many entities is one part;
snaks, references, qualifier sets, term strings and sitelinks are shared the same way (term
strings of at most 16 bytes, no longer than an id, sit inline in their map).
Statements are cut into groups and groups into chunks at content-defined boundaries (a hash
of the GUID), so editing one statement rewrites one group, one chunk and the root.
Manifests are msgpack with raw 16-byte ids; snaks are their Wikibase JSON; term strings and
schema text are UTF-8. Reading renders the parts back into entity JSON and decodes it once.
The collecting of parts and the cutting of a property's statements into groups, with each
statement's own parts, are C (_parts.c): the bulk of an import's planning.
"""

import msgspec
from msgspec import UNSET

from ..model import Entity, EntitySchema, Item, Lexeme, Property
from ._parts import Parts
from .contents import ContentCollision, ContentIdFunction, PartBatch, native_hashers

SNAK, QUALIFIERS, REFERENCE, STATEMENT, GROUP, CHUNK = 1, 2, 3, 4, 5, 6
TERM, TERMS, ALIASES, SITELINK, SITELINKS, FORM, SENSE, ROOT, TEXT = 7, 8, 9, 10, 11, 12, 13, 14, 15
KIND_NAMES = {
    SNAK: "snak", QUALIFIERS: "qualifiers", REFERENCE: "reference", STATEMENT: "statement",
    GROUP: "group", CHUNK: "chunk", TERM: "term", TERMS: "terms", ALIASES: "aliases",
    SITELINK: "sitelink", SITELINKS: "sitelinks", FORM: "form", SENSE: "sense", ROOT: "root",
    TEXT: "text",
}
RENDERED_KINDS = (SNAK, QUALIFIERS, REFERENCE, STATEMENT, TERM, SITELINK)
RAW_KINDS = (SNAK, TERM, TEXT)  # stored as bytes, not msgpack
# Term strings this short are written into their map: a reference would be as long.
INLINE_TEXT = 16

RANKS = ("normal", "preferred", "deprecated")
RANK_CODES = {rank: code for code, rank in enumerate(RANKS)}

# Boundaries: a statement ends its group when crc32(GUID) & 7 == 7 (about 8 per group), a
# group ends its chunk when crc32(its first GUID) & 15 == 15 (about 16 per chunk).
GROUP_MASK, GROUP_MAX = 7, 32
CHUNK_MASK, CHUNK_MAX = 15, 64
ROOT_ID_KEYS = ("labels", "descriptions", "aliases", "sitelinks", "lemmas", "representations",
                "glosses", "schemaText")

_pack = msgspec.msgpack.Encoder().encode
_unpack = msgspec.msgpack.decode
_json = msgspec.json.Encoder().encode


def children(kind: int, value) -> list[bytes]:
    """The ids a decoded part points at."""
    if kind in RAW_KINDS or kind == SITELINK:
        return []
    if kind == QUALIFIERS:
        return [snak for _, snaks in value[0] for snak in snaks]
    if kind == REFERENCE:
        return [snak for _, snaks in value[1] for snak in snaks]
    if kind == STATEMENT:
        return [value[0], *([value[1]] if value[1] else []), *value[2]]
    if kind == GROUP:
        return [entry[2] for entry in value]
    if kind in (CHUNK, SITELINKS):
        return [entry[1] for entry in value]
    if kind == TERMS:  # short strings are inline (str), longer ones ids (bytes)
        return [entry[1] for entry in value if isinstance(entry[1], bytes)]
    if kind == ALIASES:
        return [term for _, terms in value for term in terms if isinstance(term, bytes)]
    if kind == FORM:
        return [*([value[1]] if value[1] else []), *value[3]]
    if kind == SENSE:
        return [*([value[1]] if value[1] else []), *value[2]]
    if kind == ROOT:
        found = [value[key] for key in ROOT_ID_KEYS if value.get(key)]
        for key in ("claims", "forms", "senses"):
            found.extend(value.get(key) or ())
        return found
    raise ValueError(f"unknown part kind {kind}")


class Splitter:
    """Collects the parts of one or more entities, each once; `batch()` hands them over."""

    def __init__(self, content_id: ContentIdFunction, stored: dict | None = None):
        # The parts as columns, filled while their values are at hand (cheaper than walking
        # them again later): id -> position, ids, hex ids, kinds, bytes, distinct children
        # joined, and how many parts point at each id. Parts (_parts.c) collects them:
        # put(kind, value) -> id of any part; groups(...) -> one property's statements in
        # groups, each statement with its snaks, qualifier set and references.
        self.parts = Parts(content_id, native_hashers(content_id), _pack, _json, children,
                           UNSET, ContentCollision, RANK_CODES, GROUP_MASK, GROUP_MAX,
                           CHUNK_MASK)
        self.put = self.parts.put
        self.content_id = content_id
        # GUID -> (statement, id of its stored part): an equal statement reuses the id
        # without being encoded again (its part and children are stored already).
        self.stored = stored or {}
        # GUID -> (statement, part id) of every statement split: `stored` for the next edit.
        self.statements: dict[str, tuple] = {}
        # (subject id, property) -> (statements, their groups, their `statements` items):
        # the statement lists split before and since `reuse_groups` (None: not recorded).
        self.stored_groups: dict[tuple, tuple[list, list, list]] = {}
        self.groups: dict[tuple, tuple[list, list, list]] | None = None

    def reuse_groups(self, groups: dict) -> None:
        """Statement lists equal to the ones split before (`groups` of an earlier splitter)
        keep their group ids without being split again; lists sharing their statements with
        the earlier ones compare by identity, so an unchanged list is not encoded at all.
        The lists split from now on are recorded in `groups`, for the next edit."""
        self.stored_groups, self.groups = groups, {}

    def batch(self) -> PartBatch:
        """The parts collected (the collector's own lists: call it once, when done)."""
        parts = self.parts
        return PartBatch.collected(parts.keys, parts.hexes, parts.kinds, parts.datas,
                                   parts.children_joined, dict(parts.child_counts),
                                   parts.positions)

    def entity(self, entity: Entity) -> bytes:
        """The root id of an entity; hashes and GUIDs must already be filled."""
        if isinstance(entity, EntitySchema):
            root = {"type": "schema", "id": entity.id,
                    "labels": self._plain_terms(entity.labels),
                    "descriptions": self._plain_terms(entity.descriptions),
                    "aliases": self._plain_aliases(entity.aliases),
                    "schemaText": self.put(TEXT, entity.schemaText.encode()),
                    "version": entity.serializationVersion}
            return self.put(ROOT, root)
        root = {"type": entity.__struct_config__.tag, "id": entity.id}
        if isinstance(entity, Lexeme):
            root.update(lemmas=self._terms(entity.lemmas),
                        lexicalCategory=entity.lexicalCategory, language=entity.language,
                        claims=self._claims(entity.claims, entity.id),
                        nextFormId=entity.nextFormId, nextSenseId=entity.nextSenseId,
                        forms=[self._form(form) for form in entity.forms],
                        senses=[self._sense(sense) for sense in entity.senses])
            return self.put(ROOT, root)
        if isinstance(entity, Property):
            root["datatype"] = entity.datatype
        root.update(labels=self._terms(entity.labels),
                    descriptions=self._terms(entity.descriptions),
                    aliases=self._aliases(entity.aliases),
                    claims=self._claims(entity.claims, entity.id))
        if isinstance(entity, Item):
            root["sitelinks"] = self._sitelinks(entity.sitelinks)
        return self.put(ROOT, root)

    # -- terms and sitelinks -----------------------------------------------------------------

    def _text(self, text: str):
        """A term string: inline when no longer than a content id, else a shared part."""
        data = text.encode()
        return text if len(data) <= INLINE_TEXT else self.put(TERM, data)

    def _terms(self, terms: dict):
        if not terms:
            return None
        return self.put(TERMS, [[lang, self._text(term.value)]
                                for lang, term in terms.items()])

    def _aliases(self, aliases: dict):
        if not aliases:
            return None
        return self.put(ALIASES, [[lang, [self._text(t.value) for t in terms]]
                                  for lang, terms in aliases.items()])

    def _plain_terms(self, terms: dict):
        if not terms:
            return None
        return self.put(TERMS, [[lang, self._text(text)]
                                for lang, text in terms.items()])

    def _plain_aliases(self, aliases: dict):
        if not aliases:
            return None
        return self.put(ALIASES, [[lang, [self._text(text) for text in texts]]
                                  for lang, texts in aliases.items()])

    def _sitelinks(self, sitelinks: dict):
        if not sitelinks:
            return None
        return self.put(SITELINKS, [
            [site, self.put(SITELINK, [link.site, link.title, link.badges])]
            for site, link in sitelinks.items()])

    # -- lexeme parts ------------------------------------------------------------------------

    def _form(self, form) -> bytes:
        return self.put(FORM, [form.id, self._terms(form.representations),
                               form.grammaticalFeatures, self._claims(form.claims, form.id)])

    def _sense(self, sense) -> bytes:
        return self.put(SENSE, [sense.id, self._terms(sense.glosses),
                                self._claims(sense.claims, sense.id)])

    # -- statements --------------------------------------------------------------------------

    def _claims(self, claims: dict, subject) -> list[bytes]:
        prefix = f"{subject}$" if subject else None
        groups = []  # (property, group id, whether the group ends its chunk)
        for prop, statements in claims.items():
            known = self.stored_groups.get((subject, prop))
            if known is not None and known[0] == statements:
                _, found, split = known
            else:
                found, split = self.parts.groups(prop, statements, prefix, self.stored)
            if self.groups is not None:
                self.groups[(subject, prop)] = (list(statements), found, split)
            self.statements.update(split)
            groups.extend(found)
        chunks, current = [], []
        for prop, group, last in groups:
            current.append([prop, group])
            if last or len(current) >= CHUNK_MAX:
                chunks.append(self.put(CHUNK, current))
                current = []
        if current:
            chunks.append(self.put(CHUNK, current))
        return chunks


def statement_ids(root: dict, get) -> dict[str, bytes]:
    """GUID -> statement part id of every statement under a decoded root manifest, reading
    chunks and groups through get(ids) -> {id: decoded value}."""
    lists = [(root.get("id"), root.get("claims") or [])]
    for key in ("forms", "senses"):
        for sub in get(root.get(key) or []).values():
            lists.append((sub[0], sub[-1] or []))
    found = {}
    for subject, chunks in lists:
        prefix = f"{subject}$"
        groups = [group for chunk in get(chunks).values() for _, group in chunk]
        for entries in get(groups).values():
            for guid, _, statement in entries:
                if guid is not None:
                    found[guid if "$" in guid else prefix + guid] = statement
    return found


# -- reading ---------------------------------------------------------------------------------


def decode_part(kind: int, data: bytes):
    return data if kind in RAW_KINDS else _unpack(data)


class Renderer:
    """Renders decoded parts (id -> (kind, value)) as entity JSON bytes.

    Readers that keep decoded statements and references (shared by many entities) ask for
    less: with `claims` given (a list), every statement map is rendered empty and its
    [(property, [(GUID, rank, statement id) ...]) ...] appended to the list instead, in
    rendering order (the entity's own, then each form's and each sense's); with
    `omit_references`, statements (`statement_body`) are rendered without references."""

    def __init__(self, parts: dict, claims: list | None = None,
                 omit_references: bool = False):
        self.parts = parts
        self.statement_cache: dict[bytes, bytes] = {}
        self.claims = claims
        self.omit_references = omit_references

    def value(self, key: bytes):
        return self.parts[key][1]

    def text(self, term) -> str:
        """A term string: inline (str) or the id of a term part."""
        return term if isinstance(term, str) else self.parts[term][1].decode()

    def part(self, key: bytes) -> bytes:
        """One part as Wikibase JSON: a snak, statement (without GUID and rank), reference,
        qualifier set, term string or sitelink."""
        kind, value = self.parts[key]
        if kind == SNAK:
            return value
        if kind == STATEMENT:
            return self.statement_body(key)
        if kind == REFERENCE:
            return self._reference(key)
        if kind == QUALIFIERS:
            pairs, order = value
            return b'{"qualifiers":%s,"qualifiers-order":%s}' % (
                self._snak_map(pairs), _json(order or [p for p, _ in pairs]))
        if kind == TERM:
            return _json(value.decode())
        if kind == SITELINK:
            site, title, badges = value
            return _json({"site": site, "title": title, "badges": badges})
        raise ValueError(f"{KIND_NAMES[kind]} parts are not rendered on their own")

    def entity(self, root_id: bytes) -> bytes:
        root = self.value(root_id)
        kind = root["type"]
        if kind == "schema":
            return self._schema(root)
        out = [b'{"type":', _json(kind), b',"id":', _json(root["id"])]
        if kind == "lexeme":
            out += [b',"lemmas":', self._terms(root["lemmas"]),
                    b',"lexicalCategory":', _json(root["lexicalCategory"]),
                    b',"language":', _json(root["language"]),
                    b',"claims":', self._claims(root["claims"], root["id"]),
                    b',"nextFormId":', _json(root["nextFormId"]),
                    b',"nextSenseId":', _json(root["nextSenseId"]),
                    b',"forms":[', b",".join(self._form(f) for f in root["forms"]),
                    b'],"senses":[', b",".join(self._sense(s) for s in root["senses"]), b"]}"]
            return b"".join(out)
        if kind == "property":
            out += [b',"datatype":', _json(root["datatype"])]
        out += [b',"labels":', self._terms(root["labels"]),
                b',"descriptions":', self._terms(root["descriptions"]),
                b',"aliases":', self._aliases(root["aliases"]),
                b',"claims":', self._claims(root["claims"], root["id"])]
        if kind == "item":
            out += [b',"sitelinks":', self._sitelinks(root["sitelinks"])]
        out.append(b"}")
        return b"".join(out)

    def _schema(self, root) -> bytes:
        def plain(key):
            value = root[key]
            return {} if not value else {lang: self.text(t) for lang, t in self.value(value)}

        aliases = {} if not root["aliases"] else {
            lang: [self.text(t) for t in terms] for lang, terms in self.value(root["aliases"])}
        return _json({"type": "ShExC", "id": root["id"], "serializationVersion": root["version"],
                      "labels": plain("labels"), "descriptions": plain("descriptions"),
                      "aliases": aliases, "schemaText": self.value(root["schemaText"]).decode()})

    # Term maps are encoded in one call: the same bytes as term by term, in a fraction of
    # the time (an item has hundreds of terms).
    def _terms(self, key) -> bytes:
        if not key:
            return b"{}"
        text = self.text
        return _json({lang: {"language": lang, "value": text(term)}
                      for lang, term in self.value(key)})

    def _aliases(self, key) -> bytes:
        if not key:
            return b"{}"
        text = self.text
        return _json({lang: [{"language": lang, "value": text(t)} for t in terms]
                      for lang, terms in self.value(key)})

    def _sitelinks(self, key) -> bytes:
        if not key:
            return b"{}"
        parts = []
        for site, link in self.value(key):
            site_id, title, badges = self.value(link)
            parts.append(b'%s:{"site":%s,"title":%s,"badges":%s}' % (
                _json(site), _json(site_id), _json(title), _json(badges)))
        return b"{" + b",".join(parts) + b"}"

    def _form(self, key) -> bytes:
        form_id, reps, features, claims = self.value(key)
        return b'{"id":%s,"representations":%s,"grammaticalFeatures":%s,"claims":%s}' % (
            _json(form_id), self._terms(reps), _json(features), self._claims(claims, form_id))

    def _sense(self, key) -> bytes:
        sense_id, glosses, claims = self.value(key)
        return b'{"id":%s,"glosses":%s,"claims":%s}' % (
            _json(sense_id), self._terms(glosses), self._claims(claims, sense_id))

    def _claims(self, chunks, subject) -> bytes:
        entries = self.statement_entries(chunks, subject)
        if self.claims is not None:
            self.claims.append(entries)
            return b"{}"
        return b"{" + b",".join(
            b"%s:[%s]" % (_json(prop), b",".join(self._statement(statement, guid, rank)
                                                 for guid, rank, statement in statements))
            for prop, statements in entries) + b"}"

    def statement_entries(self, chunks, subject) -> list:
        """[(property, [(GUID, rank, statement id) ...]) ...] of a statement map."""
        by_property: dict[str, list] = {}
        prefix = f"{subject}$" if subject else ""
        for chunk in chunks or ():
            for prop, group in self.value(chunk):
                entries = by_property.setdefault(prop, [])
                for guid, rank, statement in self.value(group):
                    if guid is not None and "$" not in guid:
                        guid = prefix + guid
                    entries.append((guid, RANKS[rank], statement))
        return list(by_property.items())

    def statement_body(self, key: bytes) -> bytes:
        """A statement part as Wikibase JSON without GUID and rank."""
        mainsnak, middle, references = self._statement_body(key)
        return b'{"mainsnak":%s,"type":"statement"%s%s}' % (mainsnak, middle, references)

    def _statement(self, key: bytes, guid, rank: str) -> bytes:
        body = self.statement_cache.get(key)
        if body is None:
            body = self.statement_cache[key] = self._statement_body(key)
        mainsnak, middle, references = body
        out = [b'{"mainsnak":', mainsnak, b',"type":"statement"', middle]
        if guid is not None:
            out += [b',"id":', _json(guid)]
        out += [b',"rank":"', rank.encode(), b'"', references, b"}"]
        return b"".join(out)

    def _statement_body(self, key: bytes):
        mainsnak, qualifiers, references = self.value(key)
        middle = b""
        if qualifiers:
            pairs, order = self.value(qualifiers)
            middle = b',"qualifiers":%s,"qualifiers-order":%s' % (
                self._snak_map(pairs), _json(order or [p for p, _ in pairs]))
        refs = b""
        if references and not self.omit_references:
            refs = b',"references":[' + b",".join(self._reference(r) for r in references) + b"]"
        return self.value(mainsnak), middle, refs

    def _reference(self, key: bytes) -> bytes:
        ref_hash, pairs, order = self.value(key)
        head = b'{"hash":%s,' % _json(ref_hash) if ref_hash else b"{"
        return head + b'"snaks":%s,"snaks-order":%s}' % (
            self._snak_map(pairs), _json(order or [p for p, _ in pairs]))

    def _snak_map(self, pairs) -> bytes:
        return b"{" + b",".join(b"%s:[%s]" % (_json(prop), b",".join(self.value(s) for s in snaks))
                                for prop, snaks in pairs) + b"}"
