"""Sites (for sitelink URLs and validation) and term languages with fallback chains."""

import json
import re
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

# Characters MediaWiki's wfUrlencode leaves as they are.
_URL_SAFE = "-_.;@$!*(),/~:"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$", re.IGNORECASE)
SITEMATRIX_URL = "https://meta.wikimedia.org/w/api.php?action=sitematrix&format=json"


@dataclass(frozen=True)
class Site:
    site_id: str
    group: str
    language: str
    rdf_language: str
    url_pattern: str

    def page_url(self, title: str) -> str:
        return self.url_pattern.replace("$1", quote(title.replace(" ", "_"), safe=_URL_SAFE))


def site_rows(records: list[dict]) -> list[dict]:
    """Table rows from the format of conformance/wikimedia/sites.json."""
    return [{"site_id": r["globalid"], "site_group": r.get("group", ""),
             "language": r.get("language", ""),
             "rdf_language": r.get("rdf_language") or r.get("language", ""),
             "url_pattern": r["url_pattern"], "file_path": r.get("file_path"),
             "sitelinks": bool(r.get("wikidata_sitelinks", True)),
             "flags": json.dumps(r.get("flags", []))} for r in records]


def language_rows(records: dict) -> list[dict]:
    """Table rows from the format of conformance/wikimedia/languages.json."""
    rows = []
    for code, info in records.items():
        if not info.get("term_language", True):
            continue
        chain = info.get("wikibase_chain") or default_chain(code)
        rows.append({"code": code, "rdf": info.get("rdf", code), "chain": json.dumps(chain)})
    return rows


def default_chain(code: str) -> list[str]:
    return list(dict.fromkeys([code, "mul", "en"]))


def well_formed_language(code: str) -> bool:
    return bool(_LANGUAGE_CODE.match(code))


def fetch_sitematrix(url: str = SITEMATRIX_URL) -> list[dict]:
    """Wikimedia's live site matrix read as Wikibase's SiteMatrixParser reads it."""
    request = urllib.request.Request(url, headers={"User-Agent": "entitybase sites load"})
    with urllib.request.urlopen(request, timeout=60) as response:
        matrix = json.load(response)["sitematrix"]
    records = []
    for key, entry in matrix.items():
        if key == "count":
            continue
        specials = key == "specials"
        for site in (entry if specials else entry.get("site", [])):
            code = site.get("code", "")
            group = code if specials else ("wikipedia" if code == "wiki" else code)
            language = "en" if specials else entry.get("code", "")
            url = site["url"].replace("http://", "https://")
            records.append({"globalid": site["dbname"], "group": group, "language": language,
                            "url_pattern": f"{url}/wiki/$1", "rdf_language": language,
                            "file_path": f"{url}/w/$1",
                            "flags": [f for f in ("closed", "private", "fishbowl") if f in site]})
    return records
