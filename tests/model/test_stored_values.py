"""Content read back from storage decodes without re-checking its data values
(`decode_stored`): the same entities as the checked decoder gives, checks elsewhere intact."""

import msgspec
import pytest

from entitybase.model import (
    Entity,
    EntityFormatError,
    EntityIdValue,
    decode_stored,
    encode_entity,
    parse_entity,
)

checked_decode = msgspec.json.Decoder(Entity).decode


def _corpus(conformance):
    bulk = conformance / "wikidata" / "bulk"
    for name in ("entities.jsonl", "history.jsonl"):
        yield from (line for line in (bulk / name).read_bytes().splitlines() if line.strip())


def test_every_corpus_entity_decodes_as_the_checked_decoder_decodes_it(conformance):
    count = 0
    for line in _corpus(conformance):
        entity, _ = parse_entity(line)
        data = encode_entity(entity)  # the JSON storage renders back
        assert decode_stored(data) == checked_decode(data)
        count += 1
    assert count > 600


def test_every_value_type_and_shape():
    """The value shapes the corpus may lack: schema ids, globes without precision, quantities
    without bounds, form ids."""
    data = (b'{"type":"item","id":"Q1","claims":{"P1":[%s]}}' % b",".join(
        b'{"mainsnak":{"snaktype":"value","property":"P1","datavalue":%s},"type":"statement",'
        b'"id":"Q1$%d","rank":"normal"}' % (value, n) for n, value in enumerate([
            b'{"value":{"id":"E12","entity-type":"entity-schema"},"type":"wikibase-entityid"}',
            b'{"value":{"entity-type":"form","id":"L1-F2"},"type":"wikibase-entityid"}',
            (b'{"value":{"latitude":1.5,"longitude":-2,"altitude":null,"precision":null,'
             b'"globe":"http://www.wikidata.org/entity/Q405"},"type":"globecoordinate"}'),
            b'{"value":{"latitude":1.5,"longitude":2,"precision":1},"type":"globecoordinate"}',
            b'{"value":{"amount":"+1","unit":"1"},"type":"quantity"}',
            b'{"value":{"text":"x","language":"en"},"type":"monolingualtext"}',
        ])))
    assert decode_stored(data) == checked_decode(data)


def test_an_incomplete_entity_id_value_is_still_completed_and_checked():
    data = (b'{"type":"item","id":"Q1","claims":{"P1":[{"mainsnak":{"snaktype":"value",'
            b'"property":"P1","datavalue":{"value":{"entity-type":"item","numeric-id":5},'
            b'"type":"wikibase-entityid"}},"type":"statement","id":"Q1$1"}]}}')
    value = decode_stored(data).claims["P1"][0].mainsnak.datavalue.value
    assert value == EntityIdValue("item", 5, "Q5")
    with pytest.raises(msgspec.ValidationError):
        decode_stored(data.replace(b'"numeric-id":5', b'"numeric-id":-5'))


def test_checks_apply_again_after_a_stored_decode():
    bad = (b'{"type":"item","id":"Q1","claims":{"P1":[{"mainsnak":{"snaktype":"value",'
           b'"property":"P1","datavalue":{"value":{"time":"yesterday","timezone":0,"before":0,'
           b'"after":0,"precision":11,"calendarmodel":"http://www.wikidata.org/entity/Q1985727"},'
           b'"type":"time"}},"type":"statement","id":"Q1$1"}]}}')
    decode_stored(bad)  # trusted: written by us
    with pytest.raises(msgspec.ValidationError, match="invalid-time"):
        checked_decode(bad)
    with pytest.raises(EntityFormatError, match="invalid-time"):
        parse_entity(bad)
