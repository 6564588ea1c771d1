"""Editing lifecycle figures.

- backlinks_page_ms: the first page of 100 backlinks of an item that 10,000 items link to,
  in a generated store (median of repeated reads);
- edit_backlinks_ms / edit_no_backlinks_ms: one edit that adds a statement linking to an
  item, with backlink maintenance and with it switched off (median over many edits), so the
  cost of keeping backlinks current reads off the difference.
Prints one JSON object; `figures()` is what bench/run.py merges into its line.
"""

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import msgspec  # noqa: E402

from entitybase.model import Entity, Item, PageMeta, Statement, Term, ValueSnak  # noqa: E402
from entitybase.model import entity_value  # noqa: E402
from entitybase.service import User, backlinks, open_service  # noqa: E402

EDITOR = User(1, "bench", admin=False, bot=False)
LINKING = 10_000
BATCH = 1_000


def _linking_item(number: int, target: str) -> tuple[Entity, PageMeta]:
    data = {"type": "item", "id": f"Q{number}", "labels": {"en": {"language": "en",
                                                                  "value": f"item {number}"}},
            "claims": {"P31": [{"mainsnak": {
                "snaktype": "value", "property": "P31", "datatype": "wikibase-item",
                "datavalue": {"value": {"entity-type": "item", "numeric-id": int(target[1:]),
                                        "id": target}, "type": "wikibase-entityid"}},
                "type": "statement", "rank": "normal"}]}}
    entity = msgspec.json.decode(msgspec.json.encode(data), type=Entity)
    return entity, PageMeta(modified="2024-01-01T00:00:00Z")


def backlinks_page_ms(service, linking: int) -> float:
    target = "Q1"
    for start in range(0, linking, BATCH):
        service.import_entities([_linking_item(1000 + n, target)
                                 for n in range(start, min(start + BATCH, linking))])
    page = backlinks.page(service.store, target, limit=100)
    assert len(page.backlinks) == 100 and page.next
    times = []
    for _ in range(50):
        start = time.perf_counter()
        backlinks.page(service.store, target, limit=100)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def edit_ms(service, edits: int, maintain: bool) -> float:
    created = service.create(Item(labels={"en": Term("en", "edited")}), user=EDITOR)
    item_id = created.entity.id
    original = backlinks.update
    if not maintain:
        backlinks.update = lambda *args, **kw: None
    try:
        times = []
        for n in range(edits):
            def mutate(item, n=n):
                snak = ValueSnak(property="P31", datavalue=entity_value(f"Q{n + 2}"),
                                 datatype="wikibase-item")
                item.claims.setdefault("P31", []).append(Statement(mainsnak=snak))
            start = time.perf_counter()
            service.edit(item_id, mutate, user=EDITOR)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        backlinks.update = original
    return statistics.median(times)


def figures(quick: bool = False) -> dict:
    directory = tempfile.mkdtemp(prefix="entitybase-bench-")
    service = open_service(directory)
    try:
        result = {"backlinks_page_ms": round(backlinks_page_ms(
            service, 2_000 if quick else LINKING), 2)}
        edits = 50 if quick else 200
        result["edit_backlinks_ms"] = round(edit_ms(service, edits, maintain=True), 3)
        result["edit_no_backlinks_ms"] = round(edit_ms(service, edits, maintain=False), 3)
        return result
    finally:
        service.close()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(figures("--quick" in sys.argv)))
