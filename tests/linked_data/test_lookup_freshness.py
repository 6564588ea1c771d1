"""The RDF of an entity follows deletions and undeletions of the entities it refers to."""

from entitybase.model import parse_entity
from entitybase.service import open_service
from entitybase.service import lifecycle

REFERRING = ('{"type":"item","id":"Q1","labels":{},"descriptions":{},"aliases":{},"claims":'
             '{"P2":[{"mainsnak":{"snaktype":"value","property":"P2","datavalue":{"value":'
             '{"entity-type":"item","numeric-id":2,"id":"Q2"},"type":"wikibase-entityid"},'
             '"datatype":"wikibase-item"},"type":"statement","id":'
             '"Q1$5627A8D6-1D38-4D74-A9C0-7D7E7A1D6C32","rank":"normal"}]},"sitelinks":{},'
             '"lastrevid":1}')
REFERRED = ('{"type":"item","id":"Q2","labels":{"en":{"language":"en","value":"target"}},'
            '"descriptions":{},"aliases":{},"claims":{},"sitelinks":{},"lastrevid":2}')
PROPERTY = ('{"type":"property","datatype":"wikibase-item","id":"P2","labels":{},'
            '"descriptions":{},"aliases":{},"claims":{},"lastrevid":3}')


def test_deleted_entities_leave_the_documents_that_mention_them(tmp_path):
    service = open_service(tmp_path)
    service.import_entities([parse_entity(text) for text in (REFERRING, REFERRED, PROPERTY)])
    admin = service.create_user("admin", admin=True)[0]
    label = b'<http://www.wikidata.org/entity/Q2> <http://www.w3.org/2000/01/rdf-schema#label>'

    def document():
        return service.linked_data.document("Q1", "nt")[0]

    assert label in document()
    lifecycle.delete(service, "Q2", user=admin, reason="test")
    assert label not in document()
    lifecycle.undelete(service, "Q2", user=admin, reason="test")
    assert label in document()
    service.close()
