"""Site language tags: Wikibase's override table, else MediaWiki's LanguageCode::bcp47."""

import json

import pytest

from entitybase.rdf import rdf_language_code
from entitybase.rdf.languages import bcp47


def test_every_term_language_maps_as_wikimedia_lists(conformance):
    languages = json.loads((conformance / "wikimedia" / "languages.json").read_text())
    wrong = {code: (rdf_language_code(code), row["rdf"]) for code, row in languages.items()
             if rdf_language_code(code) != row["rdf"]}
    assert wrong == {}


def test_every_site_language_maps_as_the_sites_table(conformance):
    sites = json.loads((conformance / "wikimedia" / "sites.json").read_text())
    wrong = {site["globalid"]: (rdf_language_code(site["language"]), site["rdf_language"])
             for site in sites if rdf_language_code(site["language"]) != site["rdf_language"]}
    assert wrong == {}


@pytest.mark.parametrize("code, tag", [
    ("als", "gsw"), ("simple", "en-simple"), ("no", "nb"), ("pt-br", "pt-BR"),
    ("zh-hans", "zh-Hans"), ("sr-el", "sr-Latn"), ("de-formal", "de-x-formal"),
    ("nan-latn-pehoeji", "nan-Latn-pehoeji"),
])
def test_examples(code, tag):
    assert rdf_language_code(code) == tag


def test_bcp47_private_use_stays_lower_case():
    assert bcp47("en-x-piglatin") == "en-x-piglatin"
