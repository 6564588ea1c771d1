"""Benchmarks: `python bench/run.py [--quick]`.

Progress goes to stderr; the LAST line on stdout is one JSON object of figures, each the
median of several runs (see the module of each group for how it is measured).
"""

import importlib.util
import json
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def bench_module(name: str):
    """bench/<name>.py, loaded by path: the groups put tests/ on sys.path, whose packages
    (rdf, lifecycle, ...) would otherwise shadow the bench modules of the same name."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model_figures(quick: bool) -> dict:
    """parse_validate_mb_s, write_*_mb_s next to orjson's (bench/model.py)."""
    model = bench_module("model")
    return model.measure(3 if quick else 7)


def rdf_figures(quick: bool) -> dict:
    """ttl_large_ms (and through the store, ttl_large_store_ms): Q53713 as full-flavor
    Turtle, warm, with CPU times (bench/rdf.py)."""
    rdf = bench_module("rdf")
    return rdf.figures(quick)


def dump_figures(quick: bool) -> dict:
    """dump_entities_per_s, dump_peak_rss_mb: a Turtle dump of a generated store
    (bench/dump.py), 20,000 entities in --quick, 100,000 otherwise."""
    dump = bench_module("dump")
    figures = dump.measure(20_000 if quick else 100_000)
    return {key: figures[key] for key in ("dump_entities_per_s", "dump_peak_rss_mb",
                                          "dump_cpu_ms_per_entity", "dump_workers")}


def store_figures(quick: bool) -> dict:
    store = bench_module("store")
    return store.figures(quick)


def http_figures(quick: bool) -> dict:
    """edit_p50_ms, edit_p99_ms, edits_per_s, get_item_per_s (bench/http_api.py)."""
    http_api = bench_module("http_api")
    return http_api.figures(quick)


def lifecycle_figures(quick: bool) -> dict:
    """backlinks_page_ms, edit_backlinks_ms, edit_no_backlinks_ms (bench/lifecycle.py)."""
    lifecycle = bench_module("lifecycle")
    return lifecycle.figures(quick)


def backend_figures(quick: bool) -> dict:
    """sql_s3_import_ratio, relay_events_per_s (bench/backends.py: MariaDB, S3, Kafka)."""
    backends = bench_module("backends")
    return backends.figures(quick)


# Figure groups, in the order they run. Add new groups here: name -> function(quick) -> dict.
FIGURES = {
    "model": model_figures,  # parse_validate_mb_s, write_entity_data_mb_s, ...
    "store": store_figures,  # import_entities_per_s, import_large_ms, edit_bytes_large
    "http": http_figures,    # edit_p50_ms, edit_p99_ms, edits_per_s, get_item_per_s
    "backends": backend_figures,  # sql_s3_import_ratio, relay_events_per_s
    "lifecycle": lifecycle_figures,  # backlinks_page_ms, edit_(no_)backlinks_ms
    "rdf": rdf_figures,  # ttl_large_ms, ttl_large_store_ms
    "dump": dump_figures,  # dump_entities_per_s, dump_peak_rss_mb, dump_cpu_ms_per_entity
}


def main() -> int:
    quick = "--quick" in sys.argv
    results, failed = {}, []
    for name, measure in FIGURES.items():
        start = time.perf_counter()
        try:
            results.update(measure(quick))
        except Exception as error:  # noqa: BLE001 - report the other figures anyway
            failed.append(name)
            print(f"bench {name} failed: {error!r}", file=sys.stderr)
        print(f"bench {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
