"""The dump worker: weekly full dumps and incremental dumps in between, on cron schedules.

Its state (last runs, next runs, heartbeat, last error) is a JSON file in the dump directory,
so the API's health endpoint can report it from any process, and a restarted worker knows
since when its next incremental dump must reach back.
"""

import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from croniter import croniter

from ..service.dumps import Dumps

log = logging.getLogger("entitybase.dumps")
STATE_FILE = "worker-state.json"
# The longest the worker sleeps between heartbeats, seconds.
HEARTBEAT = 60


@dataclass
class DumpSettings:
    full_schedule: str = "0 3 * * 1"  # Mondays 03:00 UTC, as Wikidata's weekly dumps
    incremental_schedule: str = "0 3 * * *"
    formats: list[str] = field(default_factory=lambda: ["json", "ttl"])
    workers: int = 1  # processes per RDF dump

    @classmethod
    def from_env(cls) -> "DumpSettings":
        settings = cls()
        settings.full_schedule = os.environ.get("ENTITYBASE_DUMP_FULL", settings.full_schedule)
        settings.incremental_schedule = os.environ.get("ENTITYBASE_DUMP_INCREMENTAL",
                                                       settings.incremental_schedule)
        formats = os.environ.get("ENTITYBASE_DUMP_FORMATS")
        if formats:
            settings.formats = [f.strip() for f in formats.split(",") if f.strip()]
        settings.workers = max(1, int(os.environ.get("ENTITYBASE_DUMP_WORKERS", "1")))
        for schedule in (settings.full_schedule, settings.incremental_schedule):
            if not croniter.is_valid(schedule):
                raise ValueError(f"not a cron schedule: {schedule!r}")
        return settings


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def _next(schedule: str, after: float) -> float:
    start = datetime.fromtimestamp(after, timezone.utc)
    return croniter(schedule, start).get_next(datetime).timestamp()


def read_state(out_dir: Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / STATE_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


class DumpWorker:
    def __init__(self, service, out_dir: Path | str, settings: DumpSettings | None = None):
        self.dumps = Dumps(service)
        self.out_dir = Path(out_dir)
        self.settings = settings or DumpSettings()
        self.state = read_state(self.out_dir) or {}

    def step(self, now: float) -> float:
        """Run the dumps due at `now` (a full one covers an incremental one due with it);
        returns when the next one is due."""
        due_full = self.state.get("next_full_at", 0)
        due_incremental = self.state.get("next_incremental_at", 0)
        if due_full and now >= due_full:
            self._run("full", now)
        elif due_incremental and now >= due_incremental:
            self._run("incremental", now)
        self.state["next_full_at"] = _next(self.settings.full_schedule, now)
        self.state["next_incremental_at"] = _next(self.settings.incremental_schedule, now)
        self.state["next_full"] = _iso(self.state["next_full_at"])
        self.state["next_incremental"] = _iso(self.state["next_incremental_at"])
        self._save(now)
        return min(self.state["next_full_at"], self.state["next_incremental_at"])

    def _run(self, kind: str, now: float) -> None:
        since = self.state.get("covered_until") if kind == "incremental" else None
        self.state["status"] = f"running {kind}"
        self._save(now)
        try:
            files = [asdict(self.dumps.write(self.out_dir, fmt, since=since,
                                             workers=self.settings.workers))
                     for fmt in self.settings.formats]
        except Exception as error:  # noqa: BLE001 - reported in the state, retried next time
            log.exception("%s dump failed", kind)
            self.state.update(status="failed", last_error=f"{kind}: {error}")
            return
        self.state.update(status="idle", covered_until=_iso(now), last_error=None)
        self.state[f"last_{kind}"] = {"at": _iso(now), "files": files}

    def _save(self, now: float) -> None:
        self.state["heartbeat"] = _iso(now)
        self.state["pid"] = os.getpid()
        self.state.setdefault("status", "idle")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        temp = self.out_dir / f".{STATE_FILE}.{os.getpid()}"
        temp.write_text(json.dumps(self.state, indent=1) + "\n")
        temp.replace(self.out_dir / STATE_FILE)

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set: sleep until a dump is due (waking for heartbeats), run it."""
        wake = self.step(time.time())
        while not stop.is_set():
            stop.wait(max(0.0, min(wake - time.time(), HEARTBEAT)))
            if stop.is_set():
                return
            now = time.time()
            if now >= wake:
                wake = self.step(now)
            else:
                self._save(now)


def health(out_dir: Path | str) -> dict:
    """What the health endpoint says about dumps: enabled or not, state, freshness."""
    state = read_state(out_dir)
    if state is None:
        return {"enabled": False}
    beat = datetime.strptime(state["heartbeat"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc).timestamp()
    fresh = time.time() - beat <= 3 * HEARTBEAT
    keep = ("status", "heartbeat", "next_full", "next_incremental", "last_full",
            "last_incremental", "last_error", "covered_until")
    return {"enabled": True, "alive": fresh, **{key: state.get(key) for key in keep}}
