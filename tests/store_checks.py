"""Checks of a store's invariants, shared by tests that write in different ways."""

from collections import Counter

import sqlalchemy as sa

from entitybase.store import schema as t
from entitybase.store.layout import children, decode_part


def check_reference_counts(store):
    """Every part's count equals the revision rows naming it plus the stored parts that
    point at it (each parent once)."""
    expected = Counter()
    with store.read() as conn:
        for (manifest,) in conn.execute(sa.select(t.revision.c.manifest_id)):
            if manifest:
                expected[manifest] += 1
        rows = conn.execute(sa.select(t.content.c.id, t.content.c.kind, t.content.c.refs,
                                      t.content.c.data)).all()
    actual = {}
    for content_id, kind, refs, data in rows:
        actual[content_id] = refs
        if data is None:
            data = store.contents.blobs.get(content_id)
        for child in set(children(kind, decode_part(kind, bytes(data)))):
            expected[child.hex()] += 1
    assert {k: v for k, v in actual.items() if v} == {k: v for k, v in expected.items() if v}
    assert all(key in actual for key in expected)


def check_backlinks(service):
    """The backlink table holds exactly the links of every entity's head."""
    from entitybase.service import backlinks
    with service.store.read() as conn:
        rows = set(conn.execute(sa.select(t.backlink.c.source_id, t.backlink.c.entity_id,
                                          t.backlink.c.property_id)).all())
        heads = [row.entity_id for row in conn.execute(
            sa.select(t.head.c.entity_id).where(t.head.c.redirect_to.is_(None)))]
    expected = {(source, target, prop) for source in heads
                for target, prop in backlinks.entity_links(service.get(source).entity)}
    assert rows == expected
