"""HTTP figures: edit latency on Q53713, concurrent edit throughput, GET throughput.

Starts `entitybase serve` on a fresh store in a separate process; latency is measured with
a keep-alive httpx client, throughput with wrk (Debian package `wrk`; Lua scripts below).
Prints one JSON object; `figures()` is what bench/run.py merges into its line.
"""

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = Path(os.environ.get("ENTITYBASE_CONFORMANCE_DIR",
                                  ROOT.parent / "shared" / "conformance"))
REST = "/w/rest.php/wikibase/v1"
UA = {"User-Agent": "entitybase-bench/1.0"}
LARGE = "Q53713"
CLIENTS = 16


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _median_item_line() -> bytes:
    """The item line of median size in the bulk corpus."""
    lines = [line for line in (CONFORMANCE / "wikidata" / "bulk" / "entities.jsonl")
             .read_bytes().splitlines() if b'"type":"item"' in line[:40]]
    lines.sort(key=len)
    return lines[len(lines) // 2]


def _prepare(data: Path) -> tuple[str, str]:
    """A store with Q53713 and a median-size item; returns (token, median item id)."""
    from entitybase.model import parse_entity, parse_entity_data
    from entitybase.service import open_service

    service = open_service(data)
    try:
        _, token = service.create_user("bench")
        records = parse_entity_data((CONFORMANCE / "wikidata" / "entities" /
                                     f"{LARGE}.json").read_bytes())
        median = parse_entity(_median_item_line())
        service.import_entities([*records, median])
        return token, median[0].id
    finally:
        service.close()


class Server:
    def __init__(self, data: Path, workers: int = 1):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "entitybase.cli.main", "serve", "--data", str(data),
                   "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                httpx.get(f"{self.url}{REST}/property-data-types", headers=UA, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _statement(prop: str, value: str) -> dict:
    return {"statement": {"property": {"id": prop}, "value": {"type": "value", "content": value}}}


def _setup_edits(http: httpx.Client, items: int) -> tuple[str, str, list[tuple[str, str]]]:
    """A string property, a statement on Q53713 and `items` small items with one statement
    each; returns (property, GUID on Q53713, [(item, GUID)])."""
    prop = http.post(f"{REST}/entities/properties",
                     json={"property": {"data_type": "string"}}).json()["id"]
    guid = http.post(f"{REST}/entities/items/{LARGE}/statements",
                     json=_statement(prop, "v0")).json()["id"]
    targets = []
    for _ in range(items):
        item = http.post(f"{REST}/entities/items", json={"item": {}}).json()["id"]
        target = http.post(f"{REST}/entities/items/{item}/statements",
                           json=_statement(prop, "v0")).json()["id"]
        targets.append((item, target))
    return prop, guid, targets


def edit_latency(http: httpx.Client, prop: str, guid: str, edits: int) -> dict:
    """One-statement edits on Q53713, one after another."""
    timings = []
    for n in range(edits):
        start = time.perf_counter()
        response = http.put(f"{REST}/statements/{guid}", json=_statement(prop, f"v{n + 1}"))
        timings.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    timings.sort()
    return {"edit_p50_ms": round(statistics.median(timings), 2),
            "edit_p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2)}


_EDIT_SCRIPT = """
local targets = {%s}
local counter = 0
local next_id = 1
function setup(thread)
  thread:set("target", targets[next_id])
  next_id = next_id + 1
end
function init(args)
  wrk.method = "PUT"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer %s"
  wrk.headers["User-Agent"] = "wrk"
end
function request()
  counter = counter + 1
  local body = '{"statement":{"property":{"id":"%s"},"value":{"type":"value","content":"w'
    .. counter .. '"}}}'
  return wrk.format(nil, "%s/statements/" .. target, nil, body)
end
"""


def _wrk(url: str, connections: int, seconds: int, script: str | None = None) -> float:
    """Successful requests per second."""
    command = ["wrk", "-t", str(connections if script else 4), "-c", str(connections),
               "-d", f"{seconds}s", "-H", "User-Agent: wrk", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        if script:
            handle.write(script)
            command[1:1] = ["-s", handle.name]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    elapsed = float(re.search(r"requests in ([\d.]+)(m?s)", output).group(1))
    unit = re.search(r"requests in [\d.]+(m?s)", output).group(1)
    elapsed = elapsed / 1000 if unit == "ms" else elapsed
    return round((total - (int(failed.group(1)) if failed else 0)) / elapsed, 1)


def edits_per_s(url: str, token: str, prop: str, targets: list, seconds: int) -> float:
    guids = ",".join(f'"{guid}"' for _, guid in targets)
    script = _EDIT_SCRIPT % (guids, token, prop, REST)
    return _wrk(url, len(targets), seconds, script)


def measure(quick: bool = True) -> dict:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk not found: apt-get install -y wrk")
    runs, edits, seconds = (3, 100, 3) if quick else (5, 300, 10)
    workdir = Path(tempfile.mkdtemp(prefix="entitybase-bench-http-"))
    try:
        token, median_item = _prepare(workdir / "data")
        # One process per CPU (`entitybase serve --workers N`): the storage layer is
        # synchronous, so throughput scales with processes.
        server = Server(workdir / "data", workers=os.cpu_count() or 1)
        try:
            headers = {**UA, "Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
                prop, guid, targets = _setup_edits(http, CLIENTS)
                latency = [edit_latency(http, prop, guid, edits) for _ in range(runs)]
            get_url = f"{server.url}{REST}/entities/items/{median_item}"
            return {
                "edit_p50_ms": statistics.median(r["edit_p50_ms"] for r in latency),
                "edit_p99_ms": statistics.median(r["edit_p99_ms"] for r in latency),
                "edits_per_s": statistics.median(
                    edits_per_s(server.url, token, prop, targets, seconds) for _ in range(runs)),
                "get_item_per_s": statistics.median(
                    _wrk(get_url, CLIENTS, seconds) for _ in range(runs)),
            }
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def figures(quick: bool = True) -> dict:
    """The HTTP figures for bench/run.py."""
    return measure(quick)


if __name__ == "__main__":
    print(json.dumps(measure("--quick" in sys.argv)))
