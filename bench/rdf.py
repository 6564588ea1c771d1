"""RDF benchmark: Q53713 (Olof Palme, ~10,900 triples) as full-flavor Turtle, warm,
referenced-entity lookups included (stubs for ~300 referenced entities and properties).

    .venv/bin/python bench/rdf.py        # prints one JSON line: {"ttl_large_ms": ...}

- ttl_large_ms: the builder with the in-memory lookup of the conformance data;
- ttl_large_store_ms: through the store, as Special:EntityData renders it
  (`LinkedData.render` with its `StoreLookup`), the entity already read;
each with its CPU time (`*_cpu_ms`), which shows the cost when other processes share the
machine. `ttl_large_ms()` and `figures()` are what bench/run.py calls. Target: 50 ms.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.linked_data.wikidata_store import unit_table, wikidata_service
from tests.rdf.wikidata_fixtures import wikidata_entity, wikidata_lookup

from entitybase.rdf import entity_rdf

UNITS = "ENTITYBASE_UNIT_CONVERSIONS"


def conformance_dir() -> Path:
    return Path(os.environ.get("ENTITYBASE_CONFORMANCE_DIR",
                               REPO.parent / "shared" / "conformance"))


def _timed(render, runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `render()`, after a warm-up call."""
    render()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        render()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return round(statistics.median(wall), 2), round(statistics.median(cpu), 2)


def measure(entity_id: str = "Q53713", runs: int = 20) -> dict[str, float]:
    """Median wall and CPU milliseconds to render the entity as full-flavor Turtle, warm,
    with the in-memory lookup."""
    conformance = conformance_dir()
    lookup = wikidata_lookup(conformance)
    entity, meta = wikidata_entity(conformance, entity_id)
    wall, cpu = _timed(lambda: entity_rdf(entity, meta, lookup), runs)
    return {"ttl_large_ms": wall, "ttl_large_cpu_ms": cpu}


def measure_store(entity_id: str = "Q53713", runs: int = 20) -> dict[str, float]:
    """The same through a store holding the conformance data: `LinkedData.render` with its
    `StoreLookup` (warm: referenced entities known, the per-request freshness check made)."""
    conformance = conformance_dir()
    units = os.environ.get(UNITS)
    with tempfile.TemporaryDirectory() as temp:
        os.environ[UNITS] = str(unit_table(conformance, Path(temp)))
        service = wikidata_service(conformance, Path(temp) / "data")
        try:
            current = service.get(entity_id)
            wall, cpu = _timed(lambda: service.linked_data.render(current, "ttl", "full"), runs)
        finally:
            service.close()
            os.environ.pop(UNITS) if units is None else os.environ.update({UNITS: units})
    return {"ttl_large_store_ms": wall, "ttl_large_store_cpu_ms": cpu}


def figures(quick: bool = True) -> dict[str, float]:
    """Every figure of this module (bench/run.py merges them into its line)."""
    return {**measure(), **measure_store()}


def ttl_large_ms(entity_id: str = "Q53713", runs: int = 20) -> float:
    """Median wall milliseconds (the number bench/run.py reports)."""
    return measure(entity_id, runs)["ttl_large_ms"]


if __name__ == "__main__":
    print(json.dumps({**figures(), "target_ms": 50}))
