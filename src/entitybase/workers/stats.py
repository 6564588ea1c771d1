"""The statistics worker: computes the day's statistics once a day, on a cron schedule, into
the statistics history (service/stats.py)."""

import logging
import threading
import time
from datetime import UTC, datetime

from croniter import croniter

from ..service import stats

log = logging.getLogger("entitybase.stats")
DEFAULT_SCHEDULE = "0 2 * * *"  # daily, 02:00 UTC


class StatsWorker:
    def __init__(self, service, schedule: str = DEFAULT_SCHEDULE):
        if not croniter.is_valid(schedule):
            raise ValueError(f"not a cron schedule: {schedule!r}")
        self.service = service
        self.schedule = schedule

    def step(self, now: float) -> float:
        """Compute today's statistics unless they exist; returns when the next run is due."""
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        if day not in stats.days(self.service):
            stats.run(self.service, day)
            log.info("statistics for %s computed", day)
        start = datetime.fromtimestamp(now, UTC)
        return croniter(self.schedule, start).get_next(datetime).timestamp()

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set; a failed run is logged and retried at the next due time."""
        while not stop.is_set():
            try:
                wake = self.step(time.time())
            except Exception:  # the worker keeps running
                log.exception("statistics run failed")
                wake = time.time() + 3600
            stop.wait(max(1.0, wake - time.time()))
