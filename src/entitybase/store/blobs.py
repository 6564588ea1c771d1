"""The blob store for large contents: a local directory, one file per content id.

Blobs are written before the metadata transaction that references them; a blob whose
transaction failed stays unreferenced until garbage collection removes it.
"""

import os
import threading
from datetime import UTC, datetime
from pathlib import Path


class LocalBlobs:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Write atomically (temp file + rename) so readers never see half a blob."""
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        # One temp file per thread: two threads may write the same blob at once.
        temp = path.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)

    def keys(self):
        """(content id, last modified) of every blob, for garbage collection's grace period."""
        for path in self.root.glob("??/*"):
            if len(path.name) == 32:
                try:
                    modified = path.stat().st_mtime
                except FileNotFoundError:  # removed meanwhile
                    continue
                yield path.name, datetime.fromtimestamp(modified, UTC)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
