"""RDF benchmark: Q53713 (Olof Palme, ~10,900 triples) as full-flavor Turtle, warm,
referenced-entity lookups included (stubs for ~300 referenced entities and properties).

    .venv/bin/python bench/rdf.py        # prints one JSON line: {"ttl_large_ms": ...}

`ttl_large_ms()` is what bench/run.py calls. Target: 50 ms.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.rdf.wikidata_fixtures import wikidata_entity, wikidata_lookup

from entitybase.rdf import entity_rdf


def conformance_dir() -> Path:
    return Path(os.environ.get("ENTITYBASE_CONFORMANCE_DIR",
                               REPO.parent / "shared" / "conformance"))


def measure(entity_id: str = "Q53713", runs: int = 20) -> dict[str, float]:
    """Median wall and CPU milliseconds to render the entity as full-flavor Turtle, warm.
    CPU time shows the cost when other processes share the machine."""
    conformance = conformance_dir()
    lookup = wikidata_lookup(conformance)
    entity, meta = wikidata_entity(conformance, entity_id)
    entity_rdf(entity, meta, lookup)  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        entity_rdf(entity, meta, lookup)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {"ttl_large_ms": round(statistics.median(wall), 2),
            "ttl_large_cpu_ms": round(statistics.median(cpu), 2)}


def ttl_large_ms(entity_id: str = "Q53713", runs: int = 20) -> float:
    """Median wall milliseconds (the number bench/run.py reports)."""
    return measure(entity_id, runs)["ttl_large_ms"]


if __name__ == "__main__":
    print(json.dumps({**measure(), "target_ms": 50}))
