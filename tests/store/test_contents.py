"""The content-addressed store: deduplication, reference counts, collision detection."""

import hashlib

import pytest
import sqlalchemy as sa

from entitybase.model import parse_entity_data
from entitybase.store import ContentCollision, Store
from entitybase.store import schema as t
from entitybase.store.layout import STATEMENT
from entitybase.store.schema import content


def weak_id(kind: int, data: bytes) -> bytes:
    """One byte of hash: different contents collide quickly."""
    return hashlib.sha1(data).digest()[:1] * 16


def save(store, entity):
    splitter = store.splitter()
    root = splitter.entity(entity)
    parts = splitter.batch()
    store.prepare_parts(parts)
    with store.write() as tx:
        store.put_parts(tx, parts, [root])
    return root


@pytest.fixture
def q53713(conformance):
    return parse_entity_data((conformance / "wikidata/entities/Q53713.json").read_bytes())[0][0]


def test_same_claim_on_two_entities_is_stored_once(tmp_path, q53713):
    store = Store(tmp_path)
    save(store, q53713)
    with store.read() as conn:
        before = store.content_stats(conn)
    q53713.id = "Q99999"
    save(store, q53713)
    with store.read() as conn:
        after = store.content_stats(conn)
    assert after[STATEMENT]["parts"] == before[STATEMENT]["parts"]
    assert after[STATEMENT]["references"] > before[STATEMENT]["references"]
    store.close()


def test_round_trip_with_cold_cache(tmp_path, q53713):
    import msgspec

    from entitybase.model import Entity, encode_entity
    store = Store(tmp_path)
    root = save(store, q53713)
    store.close()
    store = Store(tmp_path)
    with store.read() as conn:
        entity = msgspec.json.decode(store.render(conn, root.hex()), type=Entity)
    for link in q53713.sitelinks.values():
        link.url = msgspec.UNSET
    assert encode_entity(entity) == encode_entity(q53713)
    store.close()


def test_collision_is_detected_and_nothing_written(tmp_path, q53713):
    store = Store(tmp_path, content_id=weak_id)
    with pytest.raises(ContentCollision):
        save(store, q53713)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(content)).scalar() == 0
    store.close()


def test_collision_with_stored_content(tmp_path):
    store = Store(tmp_path, content_id=weak_id)
    splitter = store.splitter()
    first = splitter.put(7, b"one")
    with store.write() as tx:
        store.put_parts(tx, splitter.batch(), [first])
    for n in range(1000):  # find a different text with the same one-byte id
        if weak_id(7, b"x%d" % n) == first:
            break
    other = store.splitter()
    other.put(7, b"x%d" % n)
    with pytest.raises(ContentCollision), store.write() as tx:
        store.put_parts(tx, other.batch(), [first])
    store.contents.known.items.clear()  # and with a cold cache, the database is compared
    with pytest.raises(ContentCollision), store.write() as tx:
        store.put_parts(tx, other.batch(), [first])
    store.close()


def test_large_parts_go_to_blobs(tmp_path, q53713):
    store = Store(tmp_path, blob_threshold=1000)
    root = save(store, q53713)
    assert any((tmp_path / "blobs").rglob("*"))
    with store.read() as conn:
        cached = store.render(conn, root.hex())
    store.contents.known.items.clear()
    with store.read() as conn:
        assert store.render(conn, root.hex()) == cached
    store.close()


def test_merged_batches_count_as_if_split_together(conformance):
    """Batches written together become one: each part once, its references counted as if
    all their entities had been split by one splitter."""
    from entitybase.model import parse_entity
    from entitybase.service.revisions import fill_statements
    from entitybase.store import PartBatch, Splitter, blake2b_id
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:40]
    entities = [parse_entity(line)[0] for line in lines]
    for entity in entities:
        fill_statements(entity, recompute_hashes=False)

    def split(group):
        splitter = Splitter(blake2b_id)
        for entity in group:
            splitter.entity(entity)
        return splitter.batch()

    def described(batch):
        return {key: (batch.kinds[i], batch.datas[i], batch.parents[i], sorted(batch.children(i)))
                for i, key in enumerate(batch.keys)}

    parts = [split(entities[:10]), split(entities[10:25]), split(entities[25:])]
    assert len(set(parts[0].keys) & set(parts[1].keys)) > 10  # shared snaks, references...
    merged, together = PartBatch.merged(parts), split(entities)
    assert described(merged) == described(together)
    assert merged.outside == together.outside
    assert all(merged.index(key) == i for i, key in enumerate(merged.keys))


def test_merged_batches_count_parts_another_batch_holds():
    """A part pointing at a stored part (outside its batch) that a later batch splits: the
    merged batch counts that reference on the part, and the part met again only once."""
    from collections import Counter

    from entitybase.store import PartBatch
    parent, child = b"p" * 16, b"c" * 16
    first = PartBatch([parent], [parent.hex()], [STATEMENT], [b"parent"], [0],
                      Counter({child: 1}), [child])
    second = PartBatch([child, parent], [child.hex(), parent.hex()], [STATEMENT, STATEMENT],
                       [b"child", b"parent"], [1, 0], Counter(), [b"", child])
    merged = PartBatch.merged([first, second])
    assert merged.keys == [parent, child]
    assert merged.parents == [0, 1]
    assert not merged.outside


def test_merging_batches_detects_a_collision():
    from collections import Counter

    from entitybase.store import PartBatch
    key = b"k" * 16

    def batch(data: bytes) -> PartBatch:
        return PartBatch([key], [key.hex()], [STATEMENT], [data], [0], Counter(), [b""])

    assert PartBatch.merged([batch(b"one"), batch(b"one")]).keys == [key]
    with pytest.raises(ContentCollision):
        PartBatch.merged([batch(b"one"), batch(b"two")])


def test_migrate_is_idempotent(tmp_path):
    from entitybase.store.schema import SCHEMA_VERSION
    store = Store(tmp_path)
    assert store.migrate() == (SCHEMA_VERSION, SCHEMA_VERSION)
    store.close()


def test_unusual_guids_round_trip(tmp_path):
    import msgspec

    from entitybase.model import Entity, encode_entity, parse_entity
    data = (b'{"type":"item","id":"Q8","claims":{"P1":['
            + b",".join(b'{"mainsnak":{"snaktype":"novalue","property":"P1"},"type":"statement",'
                        b'"id":"%s","rank":"normal"}' % guid for guid in
                        (b"q8$abc", b"Q8$a$b", b"Q9$x", b"Q8$5A1B2C3D-0000-4000-8000-000000000000"))
            + b"]}}")
    entity, _ = parse_entity(data)
    store = Store(tmp_path)
    root = save(store, entity)
    with store.read() as conn:
        back = msgspec.json.decode(store.render(conn, root.hex()), type=Entity)
    assert encode_entity(back) == encode_entity(entity)
    store.close()


def test_parts_gone_from_under_the_cache_are_stored_again(tmp_path, q53713):
    """Every part of a save known to the cache but removed from the database (as garbage
    collection does for another process): all are inserted again, with their counts."""
    from store_checks import check_reference_counts

    store = Store(tmp_path)
    splitter = store.splitter()
    root = splitter.entity(q53713)
    batch = splitter.batch()
    with store.write() as tx:
        store.put_parts(tx, batch, [root])
        tx.conn.execute(sa.delete(content))  # the cache still holds every part
    with store.write() as tx:
        store.put_parts(tx, batch, [root])
        tx.conn.execute(sa.insert(t.revision).values(
            revision_id=1, entity_id="Q53713", timestamp="2024-01-01T00:00:00Z", comment="",
            tags="[]", bot=False, edit_type="import", manifest_id=root.hex()))
    check_reference_counts(store)
    store.contents.known.items.clear()
    with store.read() as conn:
        assert store.render(conn, root.hex())
    store.close()


def test_statement_parts_are_the_layout_s(q53713):
    """The part collector (C) splits a statement as layout.py describes it: the statement
    is [main snak id, qualifier set id or None, [reference id ...]], a qualifier set
    [[[property, [snak id ...]] ...], order or None], a reference [hash, pairs, order], a
    snak its Wikibase JSON; each id is the content id of the part's bytes."""
    import msgspec

    from entitybase.service.revisions import fill_statements
    from entitybase.store import Splitter, blake2b_id
    from entitybase.store.layout import QUALIFIERS, REFERENCE, SNAK, decode_part
    fill_statements(q53713, recompute_hashes=False)
    splitter = Splitter(blake2b_id)
    splitter.entity(q53713)
    batch = splitter.batch()
    parts = {key: (kind, decode_part(kind, data))
             for key, kind, data in zip(batch.keys, batch.kinds, batch.datas)}
    assert all(blake2b_id(kind, data) == key
               for key, kind, data in zip(batch.keys, batch.kinds, batch.datas))

    def snak_ids(snaks):
        return [[prop, [blake2b_id(SNAK, msgspec.json.encode(snak)) for snak in group]]
                for prop, group in snaks.items()]

    statements = [s for group in q53713.claims.values() for s in group]
    checked = [s for s in statements if s.qualifiers and s.references][:20]
    assert checked
    for statement in checked:
        key = splitter.statements[statement.id][1]
        main, qualifiers, references = parts[key][1]
        assert parts[key][0] == STATEMENT
        assert main == blake2b_id(SNAK, msgspec.json.encode(statement.mainsnak))
        assert parts[qualifiers] == (QUALIFIERS, [snak_ids(statement.qualifiers), None])
        assert [parts[r] for r in references] == [
            (REFERENCE, [ref.hash, snak_ids(ref.snaks), None]) for ref in statement.references]


def test_part_ids_are_the_same_computed_natively_or_called(conformance):
    """The collector computes blake2b_id's ids itself; called through any function that
    gives the same ids, the split is the same."""
    from entitybase.model import parse_entity
    from entitybase.service.revisions import fill_statements
    from entitybase.store import Splitter, blake2b_id
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:30]
    entities = [parse_entity(line)[0] for line in lines]
    batches = []
    for content_id in (blake2b_id, lambda kind, data: blake2b_id(kind, data)):
        splitter = Splitter(content_id)
        for entity in entities:
            fill_statements(entity, recompute_hashes=False)
            splitter.entity(entity)
        batch = splitter.batch()
        batches.append((batch.keys, batch.hexes, batch.kinds, batch.datas, batch.parents,
                        batch.outside, [batch.children(i) for i in range(len(batch.keys))]))
    assert batches[0] == batches[1]
    assert batches[0][1] == [key.hex() for key in batches[0][0]]
