"""A store holding the real Wikidata entities of the conformance data and everything their
Special:EntityData Turtle refers to: sites, referenced entities (entity_metadata/), formatter
URIs as P1921 statements, redirects (entity_redirects/); units through the unit table file."""

import json
from pathlib import Path

from entitybase.model import (
    DataValue, Form, Item, Lexeme, PageMeta, Property, Sense, Statement, Term, ValueSnak,
    parse_entity_data,
)
from entitybase.service import open_service

GOLDEN = ["Q17948861", "Q17633526", "Q51605722", "Q182397", "Q53713", "L42", "L42353"]
FORMATTER_PROPERTY = "P1921"


def _terms(record: dict, key: str) -> dict:
    return {lang: Term(lang, term["value"]) for lang, term in record.get(key, {}).items()}


def _stub(record: dict, formatters: dict):
    entity_id = record["id"]
    if entity_id.startswith("P"):
        claims = {}
        if entity_id in formatters:
            snak = ValueSnak(property=FORMATTER_PROPERTY,
                             datavalue=DataValue(formatters[entity_id], "string"))
            claims = {FORMATTER_PROPERTY: [Statement(mainsnak=snak)]}
        return Property(id=entity_id, datatype=record["datatype"], labels=_terms(record, "labels"),
                        descriptions=_terms(record, "descriptions"), claims=claims)
    if entity_id.startswith("L"):
        forms = [Form(id=f["id"], representations=_terms(f, "representations"))
                 for f in record.get("forms", ())]
        senses = [Sense(id=s["id"], glosses=_terms(s, "glosses")) for s in record.get("senses", ())]
        return Lexeme(id=entity_id, lemmas=_terms(record, "lemmas"), lexicalCategory="Q1",
                      language="Q1", forms=forms, senses=senses)
    return Item(id=entity_id, labels=_terms(record, "labels"),
                descriptions=_terms(record, "descriptions"))


def wikidata_service(conformance: Path, data_dir: Path):
    wikidata = conformance / "wikidata"
    service = open_service(data_dir)
    service.registry.load_sites(json.loads((conformance / "wikimedia" / "sites.json").read_text()))
    admin = service.create_user("importer", admin=True)[0]
    config = json.loads((wikidata / "rdf_config.json").read_text())
    stubs = [_stub(json.loads(p.read_text()), config["rdf_uri_formatters"])
             for p in sorted((wikidata / "entity_metadata").glob("*.json"))]
    _check(service.import_entities([(stub, PageMeta()) for stub in stubs]))
    for entity_id in GOLDEN:
        data = (wikidata / "entities" / f"{entity_id}.json").read_bytes()
        _check(service.import_entities(parse_entity_data(data)))
    known = {stub.id for stub in stubs} | set(GOLDEN)
    for path in sorted((wikidata / "entity_redirects").glob("*.json")):
        record = json.loads(path.read_text())
        if record["id"] not in known:  # redirects to entities no document mentions
            continue
        sources = [Item(id=source) for source in record["redirects"]]
        _check(service.import_entities([(source, PageMeta()) for source in sources]))
        for source in record["redirects"]:
            service.redirect(source, record["id"], user=admin)
    return service


def unit_table(conformance: Path, directory: Path) -> Path:
    config = json.loads((conformance / "wikidata" / "rdf_config.json").read_text())
    path = directory / "units.json"
    path.write_text(json.dumps(config["unit_conversions"]))
    return path


def _check(results) -> None:
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
