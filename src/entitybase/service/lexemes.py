"""Changes to lexemes, forms and senses, each returning its autosummary as WikibaseLexeme's
change ops write it (`/* add-form:1||L1-F2 */ colour`, `/* remove-sense:1||L1-S1 */ ...`).

Form and sense ids come from the lexeme's `nextFormId` / `nextSenseId` counters, which never go
down, so an id is never given twice. A lexeme always keeps at least one lemma. Pure: no I/O.
"""

from ..model import Form, Lexeme, Sense, Term
from ..model.rest import RestError, resource_not_found
from .changes import _changed_languages, _languages_summary, autocomment
from .errors import RuleViolation


def last_lemma() -> RuleViolation:
    return RuleViolation("last-lemma", "A lexeme must have at least one lemma")


def create_summary() -> str:
    return autocomment("wbeditentity-create-lexeme")


# --- lemmas, language, lexical category -----------------------------------------------------

def set_lemma(lexeme: Lexeme, language: str, text: str) -> str:
    lexeme.lemmas[language] = Term(language, text)
    return autocomment("wbeditentity-update-languages-short", comment_args=(language,))


def remove_lemma(lexeme: Lexeme, language: str) -> str:
    if language not in lexeme.lemmas:
        raise resource_not_found("lemma")
    if len(lexeme.lemmas) == 1:
        raise last_lemma()
    del lexeme.lemmas[language]
    return autocomment("wbeditentity-update-languages-short", comment_args=(language,))


def set_language(lexeme: Lexeme, item_id: str) -> str:
    lexeme.language = item_id
    return autocomment("wbeditentity-update")


def set_lexical_category(lexeme: Lexeme, item_id: str) -> str:
    lexeme.lexicalCategory = item_id
    return autocomment("wbeditentity-update")


def replace_lexeme(lexeme: Lexeme, new: Lexeme) -> str:
    """A patch of the whole lexeme: forms and senses keep their ids, new ones get fresh ids."""
    if not new.lemmas:
        raise last_lemma()
    changed = _changed_languages(lexeme.lemmas, new.lemmas)
    other = (lexeme.claims != new.claims or lexeme.forms != new.forms
             or lexeme.senses != new.senses or lexeme.language != new.language
             or lexeme.lexicalCategory != new.lexicalCategory)
    for name in ("lemmas", "lexicalCategory", "language", "claims", "forms", "senses"):
        setattr(lexeme, name, getattr(new, name))
    return _languages_summary(changed, other)


# --- forms ------------------------------------------------------------------------------------

def find_form(lexeme: Lexeme, form_id: str) -> Form:
    for form in lexeme.forms:
        if form.id == form_id:
            return form
    raise resource_not_found("form")


def add_form(lexeme: Lexeme, form: Form) -> str:
    form.id = f"{lexeme.id}-F{lexeme.nextFormId}"
    lexeme.nextFormId += 1
    lexeme.forms.append(form)
    return autocomment("add-form", _values(form.representations), comment_args=(form.id,))


def replace_form(lexeme: Lexeme, form_id: str, form: Form) -> str:
    index = lexeme.forms.index(find_form(lexeme, form_id))
    form.id = form_id
    lexeme.forms[index] = form
    return autocomment("update-form-elements", comment_args=(form_id,))


def remove_form(lexeme: Lexeme, form_id: str) -> str:
    form = find_form(lexeme, form_id)
    lexeme.forms.remove(form)
    return autocomment("remove-form", _values(form.representations), comment_args=(form_id,))


# --- senses -----------------------------------------------------------------------------------

def find_sense(lexeme: Lexeme, sense_id: str) -> Sense:
    for sense in lexeme.senses:
        if sense.id == sense_id:
            return sense
    raise resource_not_found("sense")


def add_sense(lexeme: Lexeme, sense: Sense) -> str:
    sense.id = f"{lexeme.id}-S{lexeme.nextSenseId}"
    lexeme.nextSenseId += 1
    lexeme.senses.append(sense)
    return autocomment("add-sense", _values(sense.glosses), comment_args=(sense.id,))


def replace_sense(lexeme: Lexeme, sense_id: str, sense: Sense) -> str:
    index = lexeme.senses.index(find_sense(lexeme, sense_id))
    sense.id = sense_id
    lexeme.senses[index] = sense
    return autocomment("update-sense-elements", comment_args=(sense_id,))


def remove_sense(lexeme: Lexeme, sense_id: str) -> str:
    sense = find_sense(lexeme, sense_id)
    lexeme.senses.remove(sense)
    return autocomment("remove-sense", _values(sense.glosses), comment_args=(sense_id,))


# --- statements on the lexeme, its forms and senses -------------------------------------------

def statement_owner(lexeme: Lexeme, guid: str):
    """The lexeme, form or sense holding a statement GUID's subject."""
    subject = guid.split("$", 1)[0].upper()
    if subject == lexeme.id:
        return lexeme
    for sub in (*lexeme.forms, *lexeme.senses):
        if sub.id == subject:
            return sub
    raise resource_not_found("statement")


def subject_of(lexeme: Lexeme, subject_id: str):
    """The lexeme itself or one of its forms or senses, by id."""
    if subject_id == lexeme.id:
        return lexeme
    for sub in (*lexeme.forms, *lexeme.senses):
        if sub.id == subject_id:
            return sub
    raise RestError("resource-not-found", "The requested resource does not exist",
                    {"resource_type": "form" if "-F" in subject_id else "sense"})


def _values(terms: dict) -> tuple:
    return tuple(term.value for term in terms.values())

