"""Lexemes over HTTP: WikibaseLexeme's v0 REST routes (GET and POST
/w/rest.php/wikibase/v0/entities/lexemes), and write routes under
/entitybase/v1/entities/lexemes/... with the item routes' conventions: ETag and
Last-Modified, If-Match, `tags`/`bot`/`comment`, JSON Patch."""

from ..model.entities import Lexeme
from ..model.rest import (
    RestError,
    Validators,
    as_patch_result,
    check_language,
    invalid_value,
    missing_field,
    parse_edit_meta,
    parse_statement,
    parse_term,
    statement_json,
)
from ..model.rest_lexeme import (
    TERM_MAX,
    form_json,
    is_lexeme_id,
    lexeme_json,
    parse_form,
    parse_item_id,
    parse_lexeme,
    parse_sense,
    sense_json,
)
from ..service import changes, lexemes
from . import typed
from .entities import authorize, invalid_path, user_header
from .lifecycle import with_statuses
from .routing import Req, check_preconditions, json_response

V0 = "/w/rest.php/wikibase/v0"
PREFIX = "/entitybase/v1"
STATUS = {"lexeme-not-found": 404, "last-lemma": 422, "resource-not-found": 404}
_statuses = with_statuses(STATUS)


def _not_found() -> RestError:
    return RestError("lexeme-not-found", "The requested lexeme does not exist")


def _validators(req: Req) -> Validators:
    return Validators(req.datatype_of, req.service.is_valid_language, req.service.is_known_site)


def _lexeme_id(req: Req) -> str:
    value = req.params["lexeme_id"]
    if not is_lexeme_id(value):
        raise invalid_path("lexeme_id")
    return value


def _latest(req: Req, lexeme_id: str, follow: bool = True):
    return typed.latest(req, lexeme_id, Lexeme, _not_found, follow)


def _edit(req: Req, lexeme_id: str, mutate, meta):
    return typed.edit(req, lexeme_id, mutate, meta, Lexeme, _not_found)


def _body(req: Req) -> dict:
    return req.json() if req._body else {}


def _required(body: dict, field: str):
    if field not in body:
        raise missing_field("", field)
    return body[field]


def _respond(req: Req, result, user, body, status: int = 200):
    return json_response(body, result.revision, status, user_header(user))


# --- v0: read and create ----------------------------------------------------------------------

@_statuses
def get_lexeme(req: Req):
    revision = _latest(req, _lexeme_id(req))
    check_preconditions(req.headers, revision.revision, read=True)
    return json_response(lexeme_json(revision.entity, req.datatype_of), revision.revision)


@_statuses
def create_lexeme(req: Req):
    body = req.json()
    lexeme = parse_lexeme(_required(body, "lexeme"), "/lexeme", _validators(req))
    meta = parse_edit_meta(body)
    user = authorize(req, meta)
    created = req.service.create(lexeme, user=user, comment=meta.comment, tags=list(meta.tags),
                                 bot=meta.bot, summary=lexemes.create_summary())
    location = f"{req.base_url}{V0}/entities/lexemes/{created.entity.id}"
    return json_response(lexeme_json(created.entity, req.datatype_of), created.revision, 201,
                         {"Location": location, **user_header(user)})


# --- the whole lexeme -------------------------------------------------------------------------

@_statuses
def patch_lexeme(req: Req):
    lexeme_id = _lexeme_id(req)
    body = req.json()
    patch = changes.check_patch(_required(body, "patch"))
    v = _validators(req)

    def mutate(lexeme):
        document = lexeme_json(lexeme, req.datatype_of)
        result = changes.apply_patch(document, patch)
        try:
            new = parse_lexeme(result, "", v, lexeme)
        except RestError as error:
            if error.code == "last-lemma":
                raise
            raise as_patch_result(error) from None
        return lexemes.replace_lexeme(lexeme, new)

    result, user = _edit(req, lexeme_id, mutate, parse_edit_meta(body))
    return _respond(req, result, user, lexeme_json(result.entity, req.datatype_of))


def _language(req: Req) -> str:
    code = req.params["language_code"]
    if not check_language(code, "", req.service.is_valid_language):
        raise invalid_path("language_code")
    return code


@_statuses
def put_lemma(req: Req):
    lexeme_id, language = _lexeme_id(req), _language(req)
    body = req.json()
    text = parse_term(_required(body, "lemma"), "/lemma", TERM_MAX)
    result, user = _edit(req, lexeme_id, lambda lx: lexemes.set_lemma(lx, language, text),
                         parse_edit_meta(body))
    return _respond(req, result, user, text)


@_statuses
def delete_lemma(req: Req):
    lexeme_id, language = _lexeme_id(req), _language(req)
    result, user = _edit(req, lexeme_id, lambda lx: lexemes.remove_lemma(lx, language),
                         parse_edit_meta(_body(req)))
    return _respond(req, result, user, "Lemma deleted")


def _put_item_field(field: str, change):
    @_statuses
    def handler(req: Req):
        lexeme_id = _lexeme_id(req)
        body = req.json()
        value = parse_item_id(_required(body, field), f"/{field}")
        result, user = _edit(req, lexeme_id, lambda lx: change(lx, value), parse_edit_meta(body))
        return _respond(req, result, user, value)

    handler.__name__ = f"put_{field}"
    return handler


# --- statements on the lexeme, its forms and senses -------------------------------------------

def _statement_subject(req: Req, lexeme_id: str) -> str:
    for name in ("form_id", "sense_id"):
        if name in req.params:
            value = req.params[name]
            if not value.startswith(f"{lexeme_id}-"):
                raise invalid_path(name)
            return value
    return lexeme_id


@_statuses
def add_statement(req: Req):
    lexeme_id = _lexeme_id(req)
    subject_id = _statement_subject(req, lexeme_id)
    body = req.json()
    statement = parse_statement(_required(body, "statement"), "/statement", req.datatype_of)
    if statement.id:
        raise invalid_value("/statement/id", statement.id)

    def mutate(lexeme):
        return changes.add_statement(lexemes.subject_of(lexeme, subject_id), statement)

    result, user = _edit(req, lexeme_id, mutate, parse_edit_meta(body))
    owner = lexemes.subject_of(result.entity, subject_id)
    saved = owner.claims[statement.property][-1]
    return _respond(req, result, user, statement_json(saved, req.datatype_of), 201)


@_statuses
def replace_statement(req: Req):
    lexeme_id, guid = _lexeme_id(req), req.params["statement_id"]
    body = req.json()
    statement = parse_statement(_required(body, "statement"), "/statement", req.datatype_of)

    def mutate(lexeme):
        return changes.replace_statement(lexemes.statement_owner(lexeme, guid), guid, statement)

    result, user = _edit(req, lexeme_id, mutate, parse_edit_meta(body))
    owner = lexemes.statement_owner(result.entity, guid)
    group, index = changes.find_statement(owner, guid)
    return _respond(req, result, user, statement_json(group[index], req.datatype_of))


@_statuses
def delete_statement(req: Req):
    lexeme_id, guid = _lexeme_id(req), req.params["statement_id"]

    def mutate(lexeme):
        return changes.remove_statement(lexemes.statement_owner(lexeme, guid), guid)

    result, user = _edit(req, lexeme_id, mutate, parse_edit_meta(_body(req)))
    return _respond(req, result, user, "Statement deleted")


# --- forms and senses -------------------------------------------------------------------------

def _sub_routes(kind: str, parse, to_json, add, replace, remove):
    """Handlers adding, replacing and removing a form or sense."""
    param = f"{kind}_id"

    def sub_id(req: Req, lexeme_id: str) -> str:
        value = req.params[param]
        if not value.startswith(f"{lexeme_id}-") or not value[len(lexeme_id) + 2:].isdigit():
            raise invalid_path(param)
        return value

    def find(lexeme, wanted):
        return next(sub for sub in getattr(lexeme, f"{kind}s") if sub.id == wanted)

    @_statuses
    def create(req: Req):
        lexeme_id = _lexeme_id(req)
        body = req.json()
        v = _validators(req)
        parse(_required(body, kind), f"/{kind}", v)  # bad input fails before any lookup
        created = []

        def mutate(lexeme):
            fresh = parse(body[kind], f"/{kind}", v)  # mutate may run again: a fresh copy
            summary = add(lexeme, fresh)
            created.append(fresh.id)
            return summary

        result, user = _edit(req, lexeme_id, mutate, parse_edit_meta(body))
        return _respond(req, result, user, to_json(find(result.entity, created[-1]),
                                                   req.datatype_of), 201)

    @_statuses
    def put(req: Req):
        lexeme_id = _lexeme_id(req)
        wanted = sub_id(req, lexeme_id)
        body = req.json()
        v = _validators(req)

        parse(_required(body, kind), f"/{kind}", v, wanted)

        def mutate(lexeme):
            return replace(lexeme, wanted, parse(body[kind], f"/{kind}", v, wanted))

        result, user = _edit(req, lexeme_id, mutate, parse_edit_meta(body))
        return _respond(req, result, user, to_json(find(result.entity, wanted),
                                                   req.datatype_of))

    @_statuses
    def delete(req: Req):
        lexeme_id = _lexeme_id(req)
        wanted = sub_id(req, lexeme_id)
        result, user = _edit(req, lexeme_id, lambda lexeme: remove(lexeme, wanted),
                             parse_edit_meta(_body(req)))
        return _respond(req, result, user, f"{kind.capitalize()} deleted")

    for handler, name in ((create, "add"), (put, "replace"), (delete, "remove")):
        handler.__name__ = f"{name}_{kind}"
    return create, put, delete


add_form, put_form, delete_form = _sub_routes(
    "form", parse_form, form_json, lexemes.add_form, lexemes.replace_form, lexemes.remove_form)
add_sense, put_sense, delete_sense = _sub_routes(
    "sense", parse_sense, sense_json, lexemes.add_sense, lexemes.replace_sense,
    lexemes.remove_sense)


def v0_routes():
    return [
        ("GET", "/entities/lexemes/{lexeme_id}", get_lexeme, "getLexeme"),
        ("POST", "/entities/lexemes", create_lexeme, "addLexeme"),
    ]


def routes():
    base = "/entities/lexemes/{lexeme_id}"
    return [
        ("GET", base, get_lexeme, "getLexemeExtension"),
        ("PATCH", base, patch_lexeme, "patchLexeme"),
        ("PUT", f"{base}/lemmas/{{language_code}}", put_lemma, "setLemma"),
        ("DELETE", f"{base}/lemmas/{{language_code}}", delete_lemma, "deleteLemma"),
        ("PUT", f"{base}/language", _put_item_field("language", lexemes.set_language),
         "setLexemeLanguage"),
        ("PUT", f"{base}/lexical_category",
         _put_item_field("lexical_category", lexemes.set_lexical_category),
         "setLexicalCategory"),
        ("POST", f"{base}/statements", add_statement, "addLexemeStatement"),
        ("PUT", f"{base}/statements/{{statement_id}}", replace_statement,
         "replaceLexemeStatement"),
        ("DELETE", f"{base}/statements/{{statement_id}}", delete_statement,
         "removeLexemeStatement"),
        ("POST", f"{base}/forms", add_form, "addForm"),
        ("PUT", f"{base}/forms/{{form_id}}", put_form, "replaceForm"),
        ("DELETE", f"{base}/forms/{{form_id}}", delete_form, "removeForm"),
        ("POST", f"{base}/forms/{{form_id}}/statements", add_statement, "addFormStatement"),
        ("POST", f"{base}/senses", add_sense, "addSense"),
        ("PUT", f"{base}/senses/{{sense_id}}", put_sense, "replaceSense"),
        ("DELETE", f"{base}/senses/{{sense_id}}", delete_sense, "removeSense"),
        ("POST", f"{base}/senses/{{sense_id}}/statements", add_statement, "addSenseStatement"),
    ]

