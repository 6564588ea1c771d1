"""JSON and RDF dumps: layout, compression, checksums, metadata, incremental dumps."""

import gzip
import hashlib
import json

import pyoxigraph
import pytest

from entitybase.cli.main import main
from entitybase.model import parse_entity
from entitybase.service import open_service
from entitybase.service.dumps import Dumps, normalize_since
from entitybase.service.errors import RuleViolation

ITEM = ('{"type":"item","id":"%s","labels":{"en":{"language":"en","value":"%s"}},'
        '"descriptions":{},"aliases":{},"claims":{},"sitelinks":{},'
        '"lastrevid":%d,"modified":"%s"}')


@pytest.fixture()
def data_dir(tmp_path):
    service = open_service(tmp_path / "data")
    records = [parse_entity(ITEM % (f"Q{n}", f"label {n}", 100 + n,
                                    f"2024-01-{n:02d}T00:00:00Z")) for n in range(1, 6)]
    service.import_entities(records)
    user = service.create_user("admin", admin=True)[0]
    service.redirect("Q5", "Q1", user=user)
    service.close()
    return tmp_path / "data"


def read_dump(directory, name) -> bytes:
    path = directory / name
    meta = json.loads((directory / f"{name}.meta.json").read_text())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (directory / f"{name}.sha256").read_text() == f"{digest}  {name}\n"
    assert meta["sha256"] == digest and meta["bytes"] == path.stat().st_size
    return gzip.decompress(path.read_bytes())


def test_json_dump(data_dir, tmp_path):
    service = open_service(data_dir)
    info = Dumps(service).write(tmp_path / "out", "json")
    service.close()
    lines = read_dump(tmp_path / "out", info.file).split(b"\n")
    assert lines[0] == b"[" and lines[-2:] == [b"]", b""]
    entities = [parse_entity(line)[0] for line in lines[1:-2]]
    assert [e.id for e in entities] == ["Q1", "Q2", "Q3", "Q4"]  # Q5 is a redirect
    assert all(line.endswith(b"},") for line in lines[1:-3]) and lines[-3].endswith(b"}")
    assert (info.entities, info.redirects) == (4, 1)
    assert (info.modified_from, info.modified_to) == ("2024-01-01T00:00:00Z",
                                                     "2024-01-04T00:00:00Z")


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", pyoxigraph.RdfFormat.TURTLE),
                                              ("nt", pyoxigraph.RdfFormat.N_TRIPLES)])
def test_rdf_dump(data_dir, tmp_path, fmt, parser):
    service = open_service(data_dir)
    info = Dumps(service).write(tmp_path / "out", fmt)
    service.close()
    triples = {(str(t.subject), str(t.predicate), str(t.object))
               for t in pyoxigraph.parse(read_dump(tmp_path / "out", info.file), parser)}
    assert ("<http://www.wikidata.org/entity/Q5>", "<http://www.w3.org/2002/07/owl#sameAs>",
            "<http://www.wikidata.org/entity/Q1>") in triples
    labels = {s for s, p, o in triples if p.endswith("rdf-schema#label>")}
    assert labels == {f"<http://www.wikidata.org/entity/Q{n}>" for n in range(1, 5)}


def test_incremental_dump_from_the_cli(data_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["dump", "--format", "json", "--since", "2024-01-03", "--out", str(out),
                 "--data", str(data_dir)]) == 0
    name = capsys.readouterr().out.strip()
    assert "-incr" in name
    body = read_dump(out, name)
    assert [e.id for e, _ in map(parse_entity, body.split(b"\n")[1:-2])] == ["Q3", "Q4"]


def test_bad_arguments(data_dir, tmp_path):
    service = open_service(data_dir)
    with pytest.raises(RuleViolation):
        Dumps(service).write(tmp_path, "xml")
    with pytest.raises(RuleViolation):
        Dumps(service).write(tmp_path, "ttl", flavor="simple")
    service.close()
    with pytest.raises(RuleViolation):
        normalize_since("last tuesday")
    assert normalize_since("20240131120000") == "2024-01-31T12:00:00Z"
    assert not list(tmp_path.glob("*.gz"))


SCHEMA = ('{"id":"E1","serializationVersion":"3.0","labels":{"en":"human"},"descriptions":{},'
          '"aliases":{},"schemaText":"<human> { wdt:P31 [wd:Q5] }","type":"ShExC",'
          '"lastrevid":200,"modified":"2024-02-01T00:00:00Z"}')


def test_entity_schemas_in_dumps(data_dir, tmp_path):
    """Entity schemas are in JSON dumps (as their JSON) and left out of RDF dumps."""
    service = open_service(data_dir)
    service.import_entities([parse_entity(SCHEMA)])
    json_dump = Dumps(service).write(tmp_path / "json", "json")
    ttl_dump = Dumps(service).write(tmp_path / "ttl", "ttl")
    service.close()
    lines = read_dump(tmp_path / "json", json_dump.file).split(b"\n")
    assert [parse_entity(line)[0].id for line in lines[1:-2]] == ["E1", "Q1", "Q2", "Q3", "Q4"]
    turtle = read_dump(tmp_path / "ttl", ttl_dump.file)
    assert b"Q4" in turtle and b"E1" not in turtle
