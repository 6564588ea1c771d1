"""Build the lookup the Wikidata conformance pairs need: referenced entities from
entity_metadata/, formatter URIs as P1921 statements, units, redirects and sites."""

import json
from pathlib import Path

from entitybase.model import (
    DataValue,
    Property,
    Statement,
    ValueSnak,
    parse_entity_data,
)
from entitybase.rdf import InMemoryLookup, read_unit_conversions, sites_from_records


def load_sites(conformance: Path):
    records = json.loads((conformance / "wikimedia" / "sites.json").read_text())
    return sites_from_records(records)


def _formatter_property(property_id: str, datatype: str, uri: str) -> Property:
    statement = Statement(
        mainsnak=ValueSnak(property="P1921", datavalue=DataValue(uri, "string")),
        id=f"{property_id}$00000000-0000-4000-8000-000000000000")
    return Property(id=property_id, datatype=datatype, claims={"P1921": [statement]})


def wikidata_lookup(conformance: Path, sites=None) -> InMemoryLookup:
    wikidata = conformance / "wikidata"
    config = json.loads((wikidata / "rdf_config.json").read_text())
    lookup = InMemoryLookup(sites=sites if sites is not None else load_sites(conformance),
                            unit_conversions=read_unit_conversions(config["unit_conversions"]))
    datatypes = {}
    for line in (wikidata / "properties.csv").read_text().splitlines()[1:]:
        prop, _, datatype = line.partition(",")
        datatypes[prop] = datatype
    for prop, datatype in datatypes.items():
        lookup.set_datatype(prop, datatype)
    for prop, uri in config["rdf_uri_formatters"].items():
        lookup.add_entity(_formatter_property(prop, datatypes.get(prop, "external-id"), uri))
    for path in sorted((wikidata / "entity_metadata").glob("*.json")):
        record = json.loads(path.read_text())
        lookup.add_terms(
            record["id"],
            labels={k: v["value"] for k, v in record.get("labels", {}).items()},
            descriptions={k: v["value"] for k, v in record.get("descriptions", {}).items()},
            lemmas=({k: v["value"] for k, v in record["lemmas"].items()}
                    if "lemmas" in record else None),
            datatype=record.get("datatype"))
        for form in record.get("forms", ()):
            lookup.add_terms(form["id"], lemmas={k: v["value"] for k, v in
                                                 form.get("representations", {}).items()})
        for sense in record.get("senses", ()):
            lookup.add_terms(sense["id"], lemmas={k: v["value"] for k, v in
                                                  sense.get("glosses", {}).items()})
    for path in sorted((wikidata / "entity_redirects").glob("*.json")):
        record = json.loads(path.read_text())
        for source in record["redirects"]:
            lookup.add_redirect(source, record["id"])
    return lookup


def wikidata_entity(conformance: Path, entity_id: str):
    data = (conformance / "wikidata" / "entities" / f"{entity_id}.json").read_bytes()
    [(entity, meta)] = parse_entity_data(data)
    return entity, meta
