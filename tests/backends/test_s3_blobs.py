"""The S3 blob store against moto_server: put-if-absent, parallel puts, listing, deletion."""

import pytest

from entitybase.store import ContentCollision
from entitybase.store.s3 import S3Blobs


def test_parallel_put_if_absent(s3_server):
    blobs = S3Blobs(s3_server.new_url(), concurrency=4)
    items = [(f"{n:032x}", b"blob %d" % n) for n in range(40)]
    blobs.put_many(items)
    blobs.put_many(items)  # again: every object exists with the same bytes
    assert all(blobs.get(key) == data for key, data in items)
    assert blobs.get("f" * 32) is None
    assert {key for key, _ in blobs.keys()} == {key for key, _ in items}  # noqa: SIM118
    with pytest.raises(ContentCollision):
        blobs.put_many([(items[0][0], b"other bytes"), (f"{99:032x}", b"new")])
    assert blobs.get(items[0][0]) == b"blob 0"
    blobs.delete(items[1][0])
    assert blobs.get(items[1][0]) is None


def test_prefixes_are_separate(s3_server):
    first, second = S3Blobs(s3_server.new_url()), S3Blobs(s3_server.new_url())
    first.put("a" * 32, b"one")
    assert second.get("a" * 32) is None
    second.put("a" * 32, b"two")  # no collision across deployments
    assert first.get("a" * 32) == b"one"
