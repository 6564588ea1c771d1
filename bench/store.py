"""Storage figures: bulk import rate, import time of a large item, bytes per edit.

- import_entities_per_s: the whole bulk corpus (history.jsonl, then entities.jsonl) parsed
  and imported into a fresh store, in batches as `entitybase import` does;
- import_large_ms: Q53713 (537 KB of Special:EntityData JSON) parsed and imported into a
  fresh store by a warm process;
- edit_bytes_large: logical bytes the store grows by per one-statement edit on Q53713
  (new parts plus the revision row), averaged over 100 edits.
Each figure is the median of several runs. Prints one JSON object; `figures()` is what
bench/run.py merges into its line.
"""

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from entitybase.cli.data_commands import import_files  # noqa: E402
from entitybase.model import parse_entity_data  # noqa: E402
from entitybase.model.values import DataValue  # noqa: E402
from entitybase.service import User, open_service  # noqa: E402

CONFORMANCE = Path(os.environ.get("ENTITYBASE_CONFORMANCE_DIR",
                                  ROOT.parent / "shared" / "conformance"))
BULK = CONFORMANCE / "wikidata" / "bulk"
LARGE = CONFORMANCE / "wikidata" / "entities" / "Q53713.json"
EDITOR = User(1, "bench", admin=False, bot=False)


class FreshStore:
    """A service on a new temporary data directory, removed afterwards."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="entitybase-bench-")
        self.service = open_service(self.dir)
        return self.service

    def __exit__(self, *exc):
        self.service.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def import_bulk() -> float:
    """Entities per second through `entitybase import`'s own path (worker processes plan,
    this one writes), pool start-up included."""
    directory = tempfile.mkdtemp(prefix="entitybase-bench-")
    try:
        start = time.perf_counter()
        counts = import_files(directory, [str(BULK / "history.jsonl"),
                                          str(BULK / "entities.jsonl")])
        elapsed = time.perf_counter() - start
        assert counts.failed == 0
        return (counts.imported + counts.unchanged) / elapsed
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def import_large(data: bytes) -> float:
    with FreshStore() as service:
        start = time.perf_counter()
        service.import_entities(parse_entity_data(data))
        return (time.perf_counter() - start) * 1000


def edit_bytes(edits: int = 100) -> float:
    """Each edit gives one string-valued statement of Q53713 a new value."""
    with FreshStore() as service:
        service.import_entities(parse_entity_data(LARGE.read_bytes()))
        targets = [(prop, n) for prop, statements in service.get("Q53713").entity.claims.items()
                   for n, s in enumerate(statements)
                   if getattr(s.mainsnak, "datavalue", None) is not None
                   and isinstance(s.mainsnak.datavalue.value, str)]
        chosen = random.Random(42).choices(targets, k=edits)
        with service.store.read() as conn:
            before = service.store.logical_bytes(conn)
        for i, (prop, n) in enumerate(chosen):
            def mutate(entity, prop=prop, n=n, i=i):
                entity.claims[prop][n].mainsnak.datavalue = DataValue(f"bench value {i}",
                                                                      "string")
                return f"/* wbsetclaim-update:2||1 */ {prop}"
            service.edit("Q53713", mutate, user=EDITOR)
        with service.store.read() as conn:
            return (service.store.logical_bytes(conn) - before) / edits


def figures(quick: bool = True) -> dict:
    runs = 3 if quick else 7
    import_bulk()  # warm-up: imports, caches, file system
    large = LARGE.read_bytes()
    import_large(large)
    return {
        # About a second each, and the machine's speed swings between runs: more of them.
        "import_entities_per_s": round(statistics.median(import_bulk() for _ in range(7)), 1),
        "import_large_ms": round(statistics.median(import_large(large) for _ in range(runs * 2 + 1)), 1),
        "edit_bytes_large": round(statistics.median(edit_bytes() for _ in range(runs)), 1),
    }


if __name__ == "__main__":
    print(json.dumps(figures("--quick" in sys.argv)))
