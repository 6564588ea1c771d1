"""Streaming RDF writers that build strings, as wikimedia/purtle writes them.

The builder talks to a writer in purtle's terms: `about(subject)`, `say(predicate)`,
`obj(object)`, with terms already rendered by the writer's `Terms` (prefixed names in
Turtle, full IRIs in N-Triples). Each writer has sub-writers (`sub()`) whose output follows
the main output when drained: Wikibase writes value nodes and references through them.
"""

import re
from functools import lru_cache

from .languages import rdf_language_code

_IRI_ESCAPES = str.maketrans({
    " ": "%20", '"': "%22", "<": "%3C", ">": "%3E", "\\": "%5C", "`": "%60", "^": "%5E",
    "|": "%7C", "{": "%7B", "}": "%7D",
})
_CONTROL = {i: f"\\u{i:04X}" for i in range(0x20)}
_CONTROL.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
_LITERAL_ESCAPES = str.maketrans({**_CONTROL, ord('"'): '\\"', ord("\\"): "\\\\"})
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LANGUAGE = re.compile(r"^[0-9A-Za-z-]{2,}$")  # purtle's test; otherwise no tag at all
_BCP47 = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


@lru_cache(maxsize=4096)
def language_tag(code: str) -> str | None:
    """The tag written for a language code: the code itself, as Wikibase writes it, unless
    RDF parsers would reject it (`zh-classical`: a subtag longer than 8 characters); then
    Wikibase's canonical tag for it (`lzh`)."""
    if not _LANGUAGE.match(code):
        return None
    if _BCP47.match(code):
        return code
    canonical = rdf_language_code(code)
    return canonical if _BCP47.match(canonical) else None


def escape_iri(iri: str) -> str:
    """purtle's N3Quoter::escapeIRI: percent-encode the characters an IRI may not hold."""
    return iri.translate(_IRI_ESCAPES)


def escape_literal(text: str) -> str:
    return text.translate(_LITERAL_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


def _unicode_escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def escape_unicode(text: str) -> str:
    """N-Triples as Wikibase writes it: non-ASCII as \\uXXXX / \\UXXXXXXXX, upper case."""
    return text if text.isascii() else _NON_ASCII.sub(_unicode_escape, text)


class Terms:
    """Renders subjects, predicates and objects for one syntax."""

    def __init__(self, namespaces: dict[str, str]):
        self.namespaces = namespaces
        self.a = self.res("rdf", "type")

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.namespaces == other.namespaces

    def __hash__(self) -> int:
        return hash((type(self), self.namespaces.get("wd"), self.namespaces.get("wdt")))

    def res(self, ns: str, local: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def iri(self, iri: str) -> str:
        return f"<{escape_iri(iri)}>"

    def blank(self, label: str) -> str:
        return "_:" + label

    def text(self, text: str, language: str | None = None) -> str:
        literal = f'"{self._literal(text)}"'
        if language is not None:
            tag = language_tag(language)
            if tag is not None:
                return f"{literal}@{tag}"
        return literal

    def typed(self, value: str, ns: str, local: str) -> str:
        return f'"{self._literal(value)}"^^{self.res(ns, local)}'

    def typed_iri(self, value: str, datatype: str) -> str:
        return f'"{self._literal(value)}"^^{self.iri(datatype)}'

    def _literal(self, text: str) -> str:
        return escape_literal(text)


class TurtleTerms(Terms):
    def __init__(self, namespaces):
        super().__init__(namespaces)
        self.a = "a"

    def res(self, ns, local):
        return f"{ns}:{local}"


class NTriplesTerms(Terms):
    def res(self, ns, local):
        return f"<{self.namespaces[ns]}{local}>"

    def _literal(self, text):
        return escape_unicode(escape_literal(text))


class Writer:
    """Common state: the output buffer, the current subject and predicate, sub-writers."""

    terms_class = Terms

    def __init__(self, namespaces: dict[str, str], terms: Terms | None = None):
        self.namespaces = namespaces
        self.terms = terms or self.terms_class(namespaces)
        self.buffer: list[str] = []
        self.subject: str | None = None
        self.predicate: str | None = None
        self.subs: list[Writer] = []

    def sub(self) -> "Writer":
        writer = type(self)(self.namespaces, self.terms)
        self.subs.append(writer)
        return writer

    def start(self) -> None:
        """Document header (the Turtle prefix block)."""

    def triples(self, triples) -> None:
        """Write (subject, predicate, object) triples, as about/say/obj calls would."""
        for subject, predicate, obj in triples:
            self.about(subject)
            self.say(predicate)
            self.obj(obj)

    def drain(self) -> str:
        """Everything written so far, then the sub-writers' output; the writers stay usable."""
        self._close()
        parts = ["".join(self.buffer)]
        self.buffer.clear()
        parts.extend(sub.drain() for sub in self.subs)
        return "".join(parts)

    def _close(self) -> None:
        self.subject = self.predicate = None


class NTriplesWriter(Writer):
    terms_class = NTriplesTerms

    def about(self, subject: str) -> None:
        self.subject = subject

    def say(self, predicate: str) -> None:
        self.predicate = predicate

    def obj(self, obj: str) -> None:
        self.buffer.append(f"{self.subject} {self.predicate} {obj} .\n")

    def triples(self, triples) -> None:
        self.buffer.extend(f"{s} {p} {o} .\n" for s, p, o in triples)
        if triples:
            self.subject, self.predicate = triples[-1][0], triples[-1][1]


class TurtleWriter(Writer):
    """Turtle grouped as purtle groups it: consecutive triples about one subject share it
    (` ;`), consecutive objects of one predicate share it (` ,`)."""

    terms_class = TurtleTerms
    _open = False  # a triple has been completed and not yet terminated

    def start(self) -> None:
        self.buffer.extend(f"@prefix {prefix}: <{escape_iri(uri)}> .\n"
                           for prefix, uri in self.namespaces.items())

    def about(self, subject: str) -> None:
        if self._open:
            if subject == self.subject:
                return  # purtle ignores a repeated about() while a statement is open
            self.buffer.append(" .\n\n" + subject)
        else:
            self.buffer.append("\n" + subject)
        self.subject = subject
        self.predicate = None
        self._open = False

    def say(self, predicate: str) -> None:
        if self._open:
            if predicate == self.predicate:
                return
            self.buffer.append(" ;\n\t" + predicate)
        else:
            self.buffer.append(" " + predicate)
        self.predicate = predicate
        self._open = False

    def obj(self, obj: str) -> None:
        self.buffer.append(",\n\t\t" + obj if self._open else " " + obj)
        self._open = True

    def triples(self, triples) -> None:
        """about/say/obj for each triple, inlined: property declarations come in batches."""
        append = self.buffer.append
        subject, predicate, is_open = self.subject, self.predicate, self._open
        for s, p, o in triples:
            if not is_open:
                append("\n" + s + " " + p + " " + o)
            elif s != subject:
                append(" .\n\n" + s + " " + p + " " + o)
            elif p != predicate:
                append(" ;\n\t" + p + " " + o)
            else:
                append(",\n\t\t" + o)
            subject, predicate, is_open = s, p, True
        self.subject, self.predicate, self._open = subject, predicate, is_open

    def _close(self) -> None:
        if self._open:
            self.buffer.append(" .\n")
        self.subject = self.predicate = None
        self._open = False


WRITERS = {"ttl": TurtleWriter, "nt": NTriplesWriter}
