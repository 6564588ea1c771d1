"""Dump benchmark: a Turtle dump of a generated store of real-sized entities.

The store is generated from the bulk corpus (660 real entities): copies with new ids, new
statement GUIDs and their labels made distinct, so sizes stay real and deduplication does not
make the copies free. The dump runs in a child process so that its peak memory is its own.

    .venv/bin/python bench/dump.py [--quick] [--entities N] [--workers N] [--store DIR]

prints one JSON line: {"dump_entities_per_s", "dump_peak_rss_mb", "dump_entities", ...}.
Targets: 1,000 entities/s; memory flat whatever the store's size.

The dump uses one process per CPU (at most 2, `--workers`), each writing a slice of the ids
(`Dumps.write(workers=...)`). `dump_peak_rss_mb` is the peak of the largest single process.
Wall time depends on what else the machine runs: `dump_cpu_ms_per_entity` (CPU time of the
dump's processes per entity) is the figure to compare between runs on a shared machine.

`--store DIR` keeps the generated store in DIR (built there when DIR does not exist yet,
reused when it does: building 100,000 entities takes many minutes), so that dumps can be
timed again and again on the same store.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
CONFORMANCE = Path(os.environ.get("ENTITYBASE_CONFORMANCE_DIR",
                                  REPO.parent / "shared" / "conformance"))
FIRST_ID = 900_000_000
BATCH = 200


def generated(count: int):
    """`count` items made from the corpus's items (lexemes and properties left out)."""
    with open(CONFORMANCE / "wikidata" / "bulk" / "entities.jsonl", "rb") as handle:
        corpus = [line for line in handle if b'"type":"item"' in line[:40]]
    for n in range(count):
        entity = orjson.loads(corpus[n % len(corpus)])
        old, new = entity["id"], f"Q{FIRST_ID + n}"
        text = orjson.dumps(entity).replace(f'"{old}$'.encode(), f'"{new}$'.encode())
        entity = orjson.loads(text)
        entity["id"], entity["lastrevid"] = new, 1_000_000_000 + n
        for term in entity.get("labels", {}).values() if isinstance(entity.get("labels"), dict) else ():
            term["value"] = f"{term['value']} {n}"
        entity.pop("sitelinks", None)
        yield orjson.dumps(entity)


def build_store(data_dir: Path, count: int) -> None:
    from entitybase.model import parse_entity
    from entitybase.service import open_service

    service = open_service(data_dir)
    batch = []
    for line in generated(count):
        batch.append(parse_entity(line))
        if len(batch) == BATCH:
            service.import_entities(batch)
            batch = []
    if batch:
        service.import_entities(batch)
    service.close()


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def dump_in_child(data_dir: Path, out_dir: Path, workers: int = 1) -> dict:
    """Wall seconds and entities of a Turtle dump run by a child process (its slice
    processes, if any, are its children); their CPU seconds and peak memory, as the child
    reports them: this process's own children (an import's worker process) do not count."""
    # The child's own peak comes from /proc (VmHWM): Linux carries ru_maxrss across exec,
    # so getrusage would report this (larger) process's peak at the fork.
    code = ("import sys, time, json, resource\n"
            "def own_peak_kib():\n"
            "    try:\n"
            "        with open('/proc/self/status') as status:\n"
            "            return next(int(line.split()[1]) for line in status\n"
            "                        if line.startswith('VmHWM:'))\n"
            "    except OSError:\n"
            "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "from entitybase.service import open_service\n"
            "from entitybase.service.dumps import Dumps\n"
            "service = open_service(sys.argv[1])\n"
            "start = time.perf_counter()\n"
            "info = Dumps(service).write(sys.argv[2], 'ttl', workers=int(sys.argv[3]))\n"
            "seconds = time.perf_counter() - start\n"
            "usage = [resource.getrusage(who) for who in\n"
            "         (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]\n"
            "print(json.dumps({'seconds': seconds, 'entities': info.entities,\n"
            "                  'peak_kib': max(own_peak_kib(), usage[1].ru_maxrss),\n"
            "                  'cpu_seconds': sum(u.ru_utime + u.ru_stime for u in usage)}))\n")
    result = subprocess.run([sys.executable, "-c", code, str(data_dir), str(out_dir),
                             str(workers)], check=True, capture_output=True, text=True)
    figures = json.loads(result.stdout)
    figures["peak_rss_mb"] = round(figures.pop("peak_kib") / 1024, 1)
    return figures


def measure(count: int, workers: int | None = None, store: Path | None = None) -> dict:
    workers = workers or default_workers()
    with tempfile.TemporaryDirectory() as temp:
        data_dir = store or Path(temp) / "data"
        start = time.perf_counter()
        if not data_dir.exists():
            build_store(data_dir, count)
        build_seconds = time.perf_counter() - start
        figures = dump_in_child(data_dir, Path(temp) / "out", workers)
    entities = figures["entities"]
    return {"dump_entities_per_s": round(entities / figures["seconds"], 1),
            "dump_peak_rss_mb": figures["peak_rss_mb"], "dump_entities": entities,
            "dump_cpu_ms_per_entity": round(figures["cpu_seconds"] * 1000 / entities, 3),
            "dump_workers": workers, "dump_store_build_s": round(build_seconds, 1)}


if __name__ == "__main__":
    count = 20_000 if "--quick" in sys.argv else 100_000
    if "--entities" in sys.argv:
        count = int(sys.argv[sys.argv.index("--entities") + 1])
    workers = None
    if "--workers" in sys.argv:
        workers = int(sys.argv[sys.argv.index("--workers") + 1])
    store = Path(sys.argv[sys.argv.index("--store") + 1]) if "--store" in sys.argv else None
    print(json.dumps(measure(count, workers, store)))
