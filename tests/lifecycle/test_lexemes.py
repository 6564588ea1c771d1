"""Lexemes over HTTP: the v0 routes, lemma/language/category edits, forms and senses with
ids from the lexeme's counters, statements on all three, JSON Patch, revert of forms."""

from .helpers import EXT, revision_of

V0 = "/w/rest.php/wikibase/v0"
LEXEMES = f"{EXT}/entities/lexemes"


def _create(api, **extra):
    lexeme = {"lemmas": {"en": "colour"}, "lexical_category": "Q1084", "language": "Q1860",
              **extra}
    response = api.post(f"{V0}/entities/lexemes", {"lexeme": lexeme, "comment": "new"})
    assert response.status_code == 201, response.text
    return response


def test_create_and_get(editor):
    response = _create(editor, forms=[{"representations": {"en": "colours"},
                                       "grammatical_features": ["Q146786"]}],
                       senses=[{"glosses": {"en": "visual property"}}])
    body = response.json()
    lexeme_id = body["id"]
    assert response.headers["Location"].endswith(f"{V0}/entities/lexemes/{lexeme_id}")
    assert body["forms"] == [{"id": f"{lexeme_id}-F1", "representations": {"en": "colours"},
                              "grammatical_features": ["Q146786"], "statements": {}}]
    assert body["senses"] == [{"id": f"{lexeme_id}-S1", "glosses": {"en": "visual property"},
                               "statements": {}}]
    got = editor.get(f"{V0}/entities/lexemes/{lexeme_id}")
    assert got.status_code == 200 and got.json() == body
    assert got.headers["ETag"] == response.headers["ETag"]
    assert editor.get(f"{V0}/entities/lexemes/{lexeme_id}",
                      headers={"If-None-Match": got.headers["ETag"]}).status_code == 304
    history = editor.get(f"{EXT}/entities/{lexeme_id}/history").json()["revisions"]
    assert history[0]["comment"] == "/* wbeditentity-create-lexeme:0| */, new"


def test_v0_errors(editor, anonymous):
    missing = editor.get(f"{V0}/entities/lexemes/L999")
    assert missing.status_code == 404
    assert missing.json() == {"code": "lexeme-not-found",
                              "message": "The requested lexeme does not exist"}
    assert editor.get(f"{V0}/entities/lexemes/Q1").status_code == 400
    no_lemma = editor.post(f"{V0}/entities/lexemes", {"lexeme": {
        "lexical_category": "Q1", "language": "Q2"}})
    assert no_lemma.status_code == 400 and no_lemma.json()["code"] == "missing-field"
    bad = editor.post(f"{V0}/entities/lexemes", {"lexeme": {
        "lemmas": {"en": "x"}, "lexical_category": "P1", "language": "Q2"}})
    assert bad.status_code == 400 and bad.json()["context"]["path"] == "/lexeme/lexical_category"
    empty = editor.post(f"{V0}/entities/lexemes", {"lexeme": {
        "lemmas": {}, "lexical_category": "Q1", "language": "Q2"}})
    assert empty.status_code == 422 and empty.json()["code"] == "last-lemma"
    assert anonymous.post(f"{V0}/entities/lexemes", {"lexeme": {
        "lemmas": {"en": "x"}, "lexical_category": "Q1", "language": "Q2"}}).status_code == 403


def test_lemmas_language_and_category(editor):
    lexeme_id = _create(editor).json()["id"]
    url = f"{LEXEMES}/{lexeme_id}"
    response = editor.call("PUT", f"{url}/lemmas/en-gb", {"lemma": "colour"})
    assert response.status_code == 200 and response.json() == "colour"
    assert editor.call("PUT", f"{url}/lemmas/en", {"lemma": "color"}).status_code == 200
    assert editor.call("DELETE", f"{url}/lemmas/en-gb").json() == "Lemma deleted"
    last = editor.call("DELETE", f"{url}/lemmas/en")
    assert last.status_code == 422 and last.json()["code"] == "last-lemma"
    assert editor.call("DELETE", f"{url}/lemmas/de").status_code == 404
    assert editor.call("PUT", f"{url}/language", {"language": "Q188"}).status_code == 200
    assert editor.call("PUT", f"{url}/lexical_category",
                       {"lexical_category": "Q24905"}).status_code == 200
    bad = editor.call("PUT", f"{url}/language", {"language": "L1"})
    assert bad.status_code == 400
    got = editor.get(f"{V0}/entities/lexemes/{lexeme_id}").json()
    assert (got["lemmas"], got["language"], got["lexical_category"]) == (
        {"en": "color"}, "Q188", "Q24905")
    # If-Match pins an edit to a revision.
    stale = editor.call("PUT", f"{url}/lemmas/en", {"lemma": "x"},
                        headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert editor.call("PUT", f"{LEXEMES}/L999/lemmas/en", {"lemma": "x"}).status_code == 404


def test_forms_and_senses_get_ids_from_the_counters(editor, admin):
    lexeme_id = _create(editor).json()["id"]
    url = f"{LEXEMES}/{lexeme_id}"
    first = editor.post(f"{url}/forms", {"form": {"representations": {"en": "colours"}}})
    assert first.status_code == 201, first.text
    assert first.json()["id"] == f"{lexeme_id}-F1"
    second = editor.post(f"{url}/forms", {"form": {"representations": {"en": "coloured"}}})
    assert second.json()["id"] == f"{lexeme_id}-F2"
    # A removed form's id is never given again.
    assert editor.call("DELETE", f"{url}/forms/{lexeme_id}-F2").json() == "Form deleted"
    third = editor.post(f"{url}/forms", {"form": {"representations": {"en": "colouring"}}})
    assert third.json()["id"] == f"{lexeme_id}-F3"
    replaced = editor.call("PUT", f"{url}/forms/{lexeme_id}-F1", {"form": {
        "representations": {"en": "colours", "en-us": "colors"},
        "grammatical_features": ["Q146786"]}})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["representations"] == {"en": "colours", "en-us": "colors"}
    assert editor.call("PUT", f"{url}/forms/{lexeme_id}-F2", {"form": {
        "representations": {"en": "x"}}}).status_code == 404
    assert editor.post(f"{url}/forms", {"form": {"representations": {}}}).status_code == 400
    sense = editor.post(f"{url}/senses", {"sense": {"glosses": {"en": "hue"}}})
    assert sense.status_code == 201 and sense.json()["id"] == f"{lexeme_id}-S1"
    history = editor.get(f"{EXT}/entities/{lexeme_id}/history").json()["revisions"]
    comments = [r["comment"] for r in history[:6]]
    assert comments == [
        f"/* add-sense:1||{lexeme_id}-S1 */ hue",
        f"/* update-form-elements:0||{lexeme_id}-F1 */",
        f"/* add-form:1||{lexeme_id}-F3 */ colouring",
        f"/* remove-form:1||{lexeme_id}-F2 */ coloured",
        f"/* add-form:1||{lexeme_id}-F2 */ coloured",
        f"/* add-form:1||{lexeme_id}-F1 */ colours"]
    # Revert restores forms and senses, and never lowers the counters.
    before_forms = history[6]["revision_id"]  # the creation
    response = editor.post(f"{EXT}/entities/{lexeme_id}/revert",
                           {"to_revision_id": before_forms})
    assert response.status_code == 200, response.text
    got = editor.get(f"{V0}/entities/lexemes/{lexeme_id}").json()
    assert got["forms"] == [] and got["senses"] == []
    again = editor.post(f"{url}/forms", {"form": {"representations": {"en": "colours"}}})
    assert again.json()["id"] == f"{lexeme_id}-F4"
    # Protection holds for lexeme routes too.
    admin.call("PUT", f"{EXT}/entities/{lexeme_id}/protection", {"level": "locked"})
    assert editor.post(f"{url}/senses", {"sense": {"glosses": {"en": "x"}}}).status_code == 403


def test_statements_on_lexemes_forms_and_senses(editor, item_property):
    lexeme_id = _create(editor, forms=[{"representations": {"en": "colours"}}],
                        senses=[{"glosses": {"en": "hue"}}]).json()["id"]
    url = f"{LEXEMES}/{lexeme_id}"
    statement = {"property": {"id": item_property}, "value": {"type": "value",
                                                               "content": "Q5"}}
    on_lexeme = editor.post(f"{url}/statements", {"statement": statement})
    assert on_lexeme.status_code == 201, on_lexeme.text
    assert on_lexeme.json()["id"].startswith(f"{lexeme_id}$")
    on_form = editor.post(f"{url}/forms/{lexeme_id}-F1/statements", {"statement": statement})
    assert on_form.json()["id"].startswith(f"{lexeme_id}-F1$")
    on_sense = editor.post(f"{url}/senses/{lexeme_id}-S1/statements", {"statement": statement})
    assert on_sense.json()["id"].startswith(f"{lexeme_id}-S1$")
    guid = on_form.json()["id"]
    changed = {**statement, "value": {"type": "value", "content": "Q6"}}
    response = editor.call("PUT", f"{url}/statements/{guid}", {"statement": changed})
    assert response.status_code == 200 and response.json()["value"]["content"] == "Q6"
    assert editor.call("DELETE", f"{url}/statements/{guid}").json() == "Statement deleted"
    assert editor.call("DELETE", f"{url}/statements/{guid}").status_code == 404
    got = editor.get(f"{V0}/entities/lexemes/{lexeme_id}").json()
    assert list(got["statements"]) == [item_property]
    assert got["forms"][0]["statements"] == {}
    assert list(got["senses"][0]["statements"]) == [item_property]
    # Backlinks count statements on forms and senses as links from the lexeme.
    links = editor.get(f"{EXT}/entities/Q5/backlinks").json()["backlinks"]
    assert links == [{"id": lexeme_id, "properties": [item_property]}]


def test_patch_lexeme(editor):
    created = _create(editor, forms=[{"representations": {"en": "colours"}}]).json()
    lexeme_id = created["id"]
    url = f"{LEXEMES}/{lexeme_id}"
    response = editor.call("PATCH", url, {"patch": [
        {"op": "replace", "path": "/lemmas/en", "value": "color"},
        {"op": "add", "path": "/forms/-", "value": {"representations": {"en": "colors"}}},
    ]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lemmas"] == {"en": "color"}
    assert [f["id"] for f in body["forms"]] == [f"{lexeme_id}-F1", f"{lexeme_id}-F2"]
    emptied = editor.call("PATCH", url, {"patch": [{"op": "remove", "path": "/lemmas/en"}]})
    assert emptied.status_code == 422 and emptied.json()["code"] == "last-lemma"
    read_only = editor.call("PATCH", url, {"patch": [
        {"op": "replace", "path": "/id", "value": "L999"}]})
    assert read_only.status_code == 422
    failed = editor.call("PATCH", url, {"patch": [
        {"op": "test", "path": "/language", "value": "Q1"}]})
    assert failed.status_code == 409
    assert revision_of(editor.get(f"{V0}/entities/lexemes/{lexeme_id}")) == \
        revision_of(response)


def test_undo_of_a_form_edit_and_lexeme_redirects(editor):
    lexeme_id = _create(editor, forms=[{"representations": {"en": "colours"}}]).json()["id"]
    url = f"{LEXEMES}/{lexeme_id}"
    changed = editor.call("PUT", f"{url}/forms/{lexeme_id}-F1", {"form": {
        "representations": {"en": "colors"}}})
    editor.post(f"{url}/senses", {"sense": {"glosses": {"en": "hue"}}})
    response = editor.post(f"{EXT}/entities/{lexeme_id}/undo",
                           {"revision_id": revision_of(changed)})
    assert response.status_code == 200, response.text
    got = editor.get(f"{V0}/entities/lexemes/{lexeme_id}").json()
    assert got["forms"][0]["representations"] == {"en": "colours"}
    assert [s["id"] for s in got["senses"]] == [f"{lexeme_id}-S1"]
    other = _create(editor).json()["id"]
    assert editor.post(f"{EXT}/redirects", {"from": other, "to": lexeme_id}).status_code == 201
    moved = editor.get(f"{V0}/entities/lexemes/{other}")
    assert moved.status_code == 308
    assert moved.headers["Location"].endswith(f"{V0}/entities/lexemes/{lexeme_id}")
    refused = editor.call("PUT", f"{LEXEMES}/{other}/lemmas/en", {"lemma": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "redirected-item"
