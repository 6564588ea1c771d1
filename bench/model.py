"""Data model throughput on the compact lines of the bulk corpus, next to orjson on the same bytes.

Prints one JSON object: MB/s for parse+validate, for writing Special:EntityData JSON and
JSON dump lines, and orjson's loads/dumps. Each figure is the median of several runs.
"""

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

import orjson

from entitybase.model import parse_entity, write_dump_line, write_entity_json

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path(os.environ.get("ENTITYBASE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))


def rate(work, megabytes: float, runs: int) -> float:
    """MB/s, median of runs. The cyclic GC is paused while timing (for orjson too): a bulk
    import does the same, and otherwise full collections over the results dominate."""
    timings = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
        gc.enable()
    return round(megabytes / statistics.median(timings), 1)


def measure(runs: int = 5) -> dict:
    with open(CONFORMANCE / "wikidata" / "bulk" / "entities.jsonl", "rb") as handle:
        lines = [line.rstrip(b"\n") for line in handle]
    megabytes = sum(map(len, lines)) / 1e6
    records = [parse_entity(line) for line in lines]
    plain = [orjson.loads(line) for line in lines]
    return {
        "corpus_mb": round(megabytes, 1),
        "parse_validate_mb_s": rate(lambda: [parse_entity(line) for line in lines],
                                    megabytes, runs),
        "write_entity_data_mb_s": rate(lambda: [write_entity_json(e, m) for e, m in records],
                                       megabytes, runs),
        "write_dump_line_mb_s": rate(lambda: [write_dump_line(e, m) for e, m in records],
                                     megabytes, runs),
        "orjson_loads_mb_s": rate(lambda: [orjson.loads(line) for line in lines], megabytes, runs),
        "orjson_dumps_mb_s": rate(lambda: [orjson.dumps(value) for value in plain],
                                  megabytes, runs),
    }


if __name__ == "__main__":
    print(json.dumps(measure(3 if "--quick" in sys.argv else 7)))
