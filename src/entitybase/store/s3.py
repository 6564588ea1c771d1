"""The blob store on S3 (or any S3-protocol server) through obstore.

`s3://bucket/prefix` names the place; the endpoint, region and credentials come from the
usual AWS variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...). Objects are
immutable and content-addressed, so every write is put-if-absent: an object already there
is compared, never overwritten, and a difference is a content id collision. obstore retries
transient errors (5xx, dropped connections, timeouts) with exponential backoff and jitter.
"""

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import obstore
from obstore.exceptions import AlreadyExistsError
from obstore.store import S3Store

from .contents import ContentCollision

# Requests in flight at once for bulk writes: enough to hide latency, few enough not to
# trip the server's rate limits.
DEFAULT_CONCURRENCY = 16

RETRY = {"max_retries": 8, "retry_timeout": timedelta(seconds=120),
         "backoff": {"init_backoff": timedelta(milliseconds=100),
                     "max_backoff": timedelta(seconds=10), "base": 2}}


class S3Blobs:
    def __init__(self, url: str, concurrency: int = DEFAULT_CONCURRENCY):
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"not an s3://bucket/prefix URL: {url}")
        self.url = url
        self.concurrency = concurrency
        endpoint = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT") or ""
        # Test servers and on-premises stores often speak plain HTTP.
        client_options = {"allow_http": True} if endpoint.startswith("http://") else {}
        self.store = S3Store(parsed.netloc, prefix=parsed.path.strip("/") or None,
                             client_options=client_options, retry_config=RETRY)

    @staticmethod
    def _path(key: str) -> str:
        return f"{key[:2]}/{key}"

    def get(self, key: str) -> bytes | None:
        try:
            return bytes(obstore.get(self.store, self._path(key)).bytes())
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Write unless the object exists; an existing object must hold the same bytes."""
        try:
            obstore.put(self.store, self._path(key), data, mode="create")
        except AlreadyExistsError:
            existing = self.get(key)
            if existing is None:  # deleted meanwhile (garbage collection): write it again
                self.put(key, data)
            elif existing != data:
                raise ContentCollision(key) from None

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Put-if-absent many objects, at most `concurrency` requests at a time."""
        items = list(items)
        if len(items) <= 1:
            for item in items:
                self.put(*item)
            return
        with ThreadPoolExecutor(self.concurrency) as pool:
            for _ in pool.map(lambda item: self.put(*item), items):
                pass

    # -- raw objects (dumps) and garbage collection ------------------------------------------

    def put_object(self, path: str, data: bytes) -> None:
        """Write (or replace) an object at a path below the prefix, e.g. a dump file."""
        obstore.put(self.store, path, data)

    def get_object(self, path: str) -> bytes | None:
        try:
            return bytes(obstore.get(self.store, path).bytes())
        except FileNotFoundError:
            return None

    def upload(self, path: str, local_file: Path) -> None:
        """Copy a local file (a dump, possibly many GB) to a path below the prefix; obstore
        streams it in multipart chunks."""
        obstore.put(self.store, path, local_file)

    def keys(self) -> Iterator[tuple[str, datetime]]:
        """(content id, last modified) of every blob, for garbage collection's grace period."""
        for batch in obstore.list(self.store, chunk_size=1000):
            for meta in batch:
                name = meta["path"].rsplit("/", 1)[-1]
                if len(name) == 32:
                    yield name, meta["last_modified"]

    def delete(self, key: str) -> None:
        obstore.delete(self.store, self._path(key))
