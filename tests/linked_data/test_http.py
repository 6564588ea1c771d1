"""Special:EntityData and concept URIs over HTTP."""

import pytest
import pyoxigraph
from fastapi.testclient import TestClient

from entitybase.api.app import create_app
from entitybase.api.linked_data import negotiate
from entitybase.model import parse_entity_data
from entitybase.service import open_service

Q1 = (b'{"entities":{"Q1":{"pageid":1,"ns":0,"title":"Q1","lastrevid":10,'
      b'"modified":"2024-01-01T00:00:00Z","type":"item","id":"Q1","labels":{"en":{"language":'
      b'"en","value":"one"}},"descriptions":{},"aliases":{},"claims":{},"sitelinks":{}}}}')


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    service = open_service(tmp_path_factory.mktemp("data"))
    service.import_entities(parse_entity_data(Q1))
    service.import_entities(parse_entity_data(Q1.replace(b"Q1", b"Q2").replace(b"10", b"11")))
    user = service.create_user("admin", admin=True)[0]
    service.redirect("Q2", "Q1", user=user)
    with TestClient(create_app(service), follow_redirects=False) as client:
        yield client
    service.close()


def test_json_document(client):
    response = client.get("/wiki/Special:EntityData/Q1.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    assert response.content == Q1
    assert response.headers["etag"] == '"10"'
    assert response.headers["last-modified"] == "Mon, 01 Jan 2024 00:00:00 GMT"


@pytest.mark.parametrize(("ext", "fmt"), [("ttl", pyoxigraph.RdfFormat.TURTLE),
                                           ("nt", pyoxigraph.RdfFormat.N_TRIPLES)])
def test_rdf_documents(client, ext, fmt):
    response = client.get(f"/wiki/Special:EntityData/Q1.{ext}")
    assert response.status_code == 200
    parsed = {(str(t.subject), str(t.predicate), str(t.object))
              for t in pyoxigraph.parse(response.content, fmt)}
    assert ('<http://www.wikidata.org/entity/Q1>', '<http://www.w3.org/2000/01/rdf-schema#label>',
            '"one"@en') in parsed
    # The redirect to Q1 is written as owl:sameAs.
    assert ('<http://www.wikidata.org/entity/Q2>', '<http://www.w3.org/2002/07/owl#sameAs>',
            '<http://www.wikidata.org/entity/Q1>') in parsed


def test_flavors_and_revisions(client):
    simple = client.get("/wiki/Special:EntityData/Q1.ttl?flavor=simple")
    assert simple.status_code == 200 and len(simple.content) < len(
        client.get("/wiki/Special:EntityData/Q1.ttl").content)
    assert client.get("/wiki/Special:EntityData/Q1.ttl?flavor=colour").status_code == 400
    assert client.get("/wiki/Special:EntityData/Q1.json?revision=10").content == Q1
    assert client.get("/wiki/Special:EntityData/Q1.json?revision=11").status_code == 404


def test_redirects_and_negotiation(client):
    moved = client.get("/wiki/Special:EntityData/Q2.json")
    assert moved.status_code == 301
    assert moved.headers["location"].endswith("/wiki/Special:EntityData/Q1.json")
    see_other = client.get("/entity/Q1", headers={"Accept": "text/turtle"})
    assert see_other.status_code == 303
    assert see_other.headers["location"].endswith("/wiki/Special:EntityData/Q1.ttl")
    plain = client.get("/wiki/Special:EntityData/Q1")
    assert plain.status_code == 303 and plain.headers["location"].endswith("Q1.json")


def test_conditional_get(client):
    assert client.get("/wiki/Special:EntityData/Q1.json",
                      headers={"If-None-Match": '"10"'}).status_code == 304


@pytest.mark.parametrize(("path", "status"), [
    ("/wiki/Special:EntityData/X1.json", 400),
    ("/wiki/Special:EntityData/Q99.json", 404),
    ("/wiki/Special:EntityData/Q1.xml", 415),
    ("/wiki/Special:EntityData/Q1.json?revision=abc", 400),
])
def test_bad_requests(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["code"]


def test_negotiate():
    assert negotiate("text/turtle;q=0.5, application/n-triples") == "nt"
    assert negotiate("text/html") == "json"
    assert negotiate("") == "json"
