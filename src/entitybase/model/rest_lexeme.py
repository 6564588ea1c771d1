"""The REST shape of lexemes, forms and senses (WikibaseLexeme's v0 REST API):
`{id, lemmas, lexical_category, language, statements, forms, senses}`, forms
`{id, representations, grammatical_features, statements}`, senses `{id, glosses, statements}`.
"""

import re

from msgspec import UNSET

from . import ids
from .entities import Form, Lexeme, Sense
from .rest import (
    DatatypeOf,
    RestError,
    Validators,
    _is_object,
    _require,
    invalid_value,
    missing_field,
    parse_statement_groups,
    parse_terms,
    read_only,
    statements_json,
    terms_json,
)

# WikibaseLexeme's limit for lemmas, representations and glosses.
TERM_MAX = 1000
_ITEM = re.compile(r"^Q[1-9]\d{0,9}$")


def form_json(form: Form, datatype_of: DatatypeOf) -> dict:
    return {"id": form.id, "representations": terms_json(form.representations),
            "grammatical_features": list(form.grammaticalFeatures),
            "statements": statements_json(form.claims, datatype_of)}


def sense_json(sense: Sense, datatype_of: DatatypeOf) -> dict:
    return {"id": sense.id, "glosses": terms_json(sense.glosses),
            "statements": statements_json(sense.claims, datatype_of)}


def lexeme_json(lexeme: Lexeme, datatype_of: DatatypeOf) -> dict:
    return {"id": lexeme.id, "lemmas": terms_json(lexeme.lemmas),
            "lexical_category": lexeme.lexicalCategory, "language": lexeme.language,
            "statements": statements_json(lexeme.claims, datatype_of),
            "forms": [form_json(form, datatype_of) for form in lexeme.forms],
            "senses": [sense_json(sense, datatype_of) for sense in lexeme.senses]}


def parse_item_id(value, path: str) -> str:
    if not isinstance(value, str) or not _ITEM.match(value):
        raise invalid_value(path, value)
    return value


def _terms(data: dict, field: str, path: str, v: Validators, required: bool) -> dict:
    if field not in data:
        if required:
            raise missing_field(path, field)
        return {}
    return parse_terms(data[field], f"{path}/{field}", TERM_MAX, v.is_valid_language)


def _check_id(data: dict, path: str, expected: str | None) -> None:
    if data.get("id", expected) != expected:
        raise read_only(f"{path}/id")


def parse_form(data, path: str, v: Validators, form_id: str | None = None) -> Form:
    """A REST form; a new one (form_id None) gets its id when saved."""
    if not _is_object(data):
        raise invalid_value(path, data)
    _check_id(data, path, form_id)
    representations = _terms(data, "representations", path, v, required=True)
    if not representations:
        raise invalid_value(f"{path}/representations", data["representations"])
    features = data.get("grammatical_features", [])
    if not isinstance(features, list):
        raise invalid_value(f"{path}/grammatical_features", features)
    features = [parse_item_id(f, f"{path}/grammatical_features/{i}")
                for i, f in enumerate(features)]
    claims = parse_statement_groups(data.get("statements", {}), f"{path}/statements",
                                    v.datatype_of)
    return Form(id=form_id or UNSET, representations=representations,
                grammaticalFeatures=list(dict.fromkeys(features)), claims=claims)


def parse_sense(data, path: str, v: Validators, sense_id: str | None = None) -> Sense:
    if not _is_object(data):
        raise invalid_value(path, data)
    _check_id(data, path, sense_id)
    glosses = _terms(data, "glosses", path, v, required=True)
    if not glosses:
        raise invalid_value(f"{path}/glosses", data["glosses"])
    claims = parse_statement_groups(data.get("statements", {}), f"{path}/statements",
                                    v.datatype_of)
    return Sense(id=sense_id or UNSET, glosses=glosses, claims=claims)


def parse_lexeme(data, path: str, v: Validators, lexeme: Lexeme | None = None) -> Lexeme:
    """A REST lexeme. On create (`lexeme` None) forms and senses get new ids; on a patch the
    forms and senses keep theirs and must belong to `lexeme`."""
    if not _is_object(data):
        raise invalid_value(path, data)
    lexeme_id = lexeme.id if lexeme is not None else None
    _check_id(data, path, lexeme_id)
    lemmas = _terms(data, "lemmas", path, v, required=True)
    if not lemmas:
        raise RestError("last-lemma", "A lexeme must have at least one lemma",
                        {"path": f"{path}/lemmas"})
    category = parse_item_id(_require(data, "lexical_category", path), f"{path}/lexical_category")
    language = parse_item_id(_require(data, "language", path), f"{path}/language")
    claims = parse_statement_groups(data.get("statements", {}), f"{path}/statements",
                                    v.datatype_of)
    forms = _subs(data, "forms", path, v, parse_form, lexeme and lexeme.forms)
    senses = _subs(data, "senses", path, v, parse_sense, lexeme and lexeme.senses)
    result = Lexeme(id=lexeme_id or UNSET, lemmas=lemmas, lexicalCategory=category,
                    language=language, claims=claims, forms=forms, senses=senses)
    if lexeme is not None:
        result.nextFormId, result.nextSenseId = lexeme.nextFormId, lexeme.nextSenseId
    return result


def _subs(data: dict, field: str, path: str, v: Validators, parse, existing) -> list:
    given = data.get(field, [])
    if not isinstance(given, list):
        raise invalid_value(f"{path}/{field}", given)
    known = {sub.id for sub in existing or ()}
    result = []
    for index, item in enumerate(given):
        where = f"{path}/{field}/{index}"
        sub_id = item.get("id") if isinstance(item, dict) else None
        if sub_id is not None and sub_id not in known:
            raise invalid_value(f"{where}/id", sub_id)
        result.append(parse(item, where, v, sub_id))
    return result


def is_lexeme_id(value: str) -> bool:
    return bool(re.match(ids.LEXEME_ID, value)) and value[0] == "L"
