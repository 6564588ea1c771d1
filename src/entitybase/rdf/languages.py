"""The language tag Wikibase writes for a site's language (`RdfVocabulary::getCanonicalLanguageCode`).

An override table first, otherwise MediaWiki's `LanguageCode::bcp47`. Terms and monolingual
text keep their codes as they are: Wikidata's output writes `"…"@pt-br`, not `pt-BR`.
"""

from functools import lru_cache

# Wikibase's canonicalLanguageCodes merged over MediaWiki's dummy language codes.
OVERRIDES = {
    "als": "gsw", "bat-smg": "sgs", "be-tarask": "be-tarask", "be-x-old": "be-tarask",
    "bh": "bho", "cbk": "cbk-zam", "cbk-zam": "cbk-x-zam", "crh": "crh-Latn",
    "crh-latn-ro": "crh-ro", "de-formal": "de-x-formal", "de-x-formal": "de-formal",
    "egl": "eml", "en-simple": "en", "en-x-rtl": "en-rtl", "es-formal": "es-x-formal",
    "es-x-formal": "es-formal", "fiu-vro": "vro", "gsw": "gsw", "hu-formal": "hu-x-formal",
    "hu-x-formal": "hu-formal", "jv-x-bms": "map-bms", "kk-arab-cn": "kk-cn",
    "kk-latn-tr": "kk-tr", "lzh": "lzh", "map-bms": "jv-x-bms", "nan": "nan",
    "nap-x-tara": "roa-tara", "nl-informal": "nl-x-informal", "nl-x-informal": "nl-informal",
    "no": "nb", "nrf": "nrm", "nrm": "fr-x-nrm", "qqq": "qqq", "qqx": "qqx",
    "ro-cyrl-md": "mo", "roa-rup": "rup", "roa-tara": "it-x-tara", "rup": "rup", "sgs": "sgs",
    "simple": "en-simple", "sr-cyrl": "sr-ec", "sr-latn": "sr-el", "vro": "vro", "yue": "yue",
    "zh-classical": "lzh", "zh-hans-cn": "zh-cn", "zh-hans-my": "zh-my",
    "zh-hans-sg": "zh-sg", "zh-hant-hk": "zh-hk", "zh-hant-mo": "zh-mo",
    "zh-hant-tw": "zh-tw", "zh-min-nan": "nan", "zh-yue": "yue",
}

# MediaWiki LanguageCode: deprecated codes, then non-standard codes, before re-casing.
_DEPRECATED = {
    "als": "gsw", "bat-smg": "sgs", "be-x-old": "be-tarask", "fiu-vro": "vro",
    "roa-rup": "rup", "zh-classical": "lzh", "zh-min-nan": "nan", "zh-yue": "yue",
}
_NON_STANDARD = {
    "cbk-zam": "cbk", "de-formal": "de-x-formal", "eml": "egl", "en-rtl": "en-x-rtl",
    "es-formal": "es-x-formal", "hu-formal": "hu-x-formal", "map-bms": "jv-x-bms",
    "mo": "ro-Cyrl-MD", "nrm": "nrf", "nl-informal": "nl-x-informal", "roa-tara": "nap-x-tara",
    "simple": "en-simple", "sr-ec": "sr-Cyrl", "sr-el": "sr-Latn", "crh-ro": "crh-Latn-RO",
    "kk-cn": "kk-Arab-CN", "kk-tr": "kk-Latn-TR", "zh-cn": "zh-Hans-CN", "zh-sg": "zh-Hans-SG",
    "zh-my": "zh-Hans-MY", "zh-tw": "zh-Hant-TW", "zh-hk": "zh-Hant-HK", "zh-mo": "zh-Hant-MO",
}


def bcp47(code: str) -> str:
    """MediaWiki's LanguageCode::bcp47: regions upper case, scripts title case."""
    code = code.lower()
    code = _DEPRECATED.get(code, code)
    code = _NON_STANDARD.get(code, code)
    segments = code.split("-")
    out = [segments[0].lower()]
    for number in range(1, len(segments)):
        segment = segments[number]
        if segments[number - 1].lower() == "x":  # private use stays lower case
            out.append(segment.lower())
        elif len(segment) == 2:
            out.append(segment.upper())
        elif len(segment) == 4:
            out.append(segment.capitalize())
        else:
            out.append(segment.lower())
    return "-".join(out)


@lru_cache(maxsize=4096)
def rdf_language_code(code: str) -> str:
    """The tag Wikibase writes for a site language, e.g. `als` -> `gsw`, `simple` -> `en-simple`."""
    return OVERRIDES.get(code) or bcp47(code)
