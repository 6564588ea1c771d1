"""`entitybase gc`, `entitybase stats`, `entitybase stats-worker`."""

import json
import logging
import signal
import threading

from ..service import gc, open_service, stats
from ..workers.stats import DEFAULT_SCHEDULE, StatsWorker
from .data_commands import add_data_option, setup_logging

log = logging.getLogger("entitybase.lifecycle")


def register(commands) -> None:
    collect = commands.add_parser(
        "gc", help="remove stored content no revision references, after a grace period")
    collect.add_argument("--grace", type=float, default=gc.DEFAULT_GRACE,
                         help="seconds a part stays unreferenced before removal "
                              f"(default {gc.DEFAULT_GRACE:.0f})")
    collect.add_argument("--scan", action="store_true",
                         help="also scan all content for unreferenced parts (slow on big "
                              "stores; hard deletes mark what they release)")
    add_data_option(collect)
    collect.set_defaults(run=run_gc)

    compute = commands.add_parser("stats", help="compute today's statistics and print them")
    compute.add_argument("--day", help="store them under this day (YYYY-MM-DD)")
    add_data_option(compute)
    compute.set_defaults(run=run_stats)

    worker = commands.add_parser("stats-worker",
                                 help="compute the statistics daily until stopped")
    worker.add_argument("--schedule", default=DEFAULT_SCHEDULE,
                        help=f"cron schedule (default {DEFAULT_SCHEDULE!r}, UTC)")
    add_data_option(worker)
    worker.set_defaults(run=run_stats_worker)


def run_gc(args) -> int:
    setup_logging()
    service = open_service(args.data)
    try:
        report = gc.collect(service, grace=args.grace, scan=args.scan)
    finally:
        service.close()
    log.info("freed %d parts (%d bytes) and %d blobs; %d found unreferenced, %d still in "
             "their grace period", report.parts, report.bytes, report.blobs, report.marked,
             report.pending)
    print(json.dumps(report.__dict__, indent=1, sort_keys=True))
    return 0


def run_stats(args) -> int:
    setup_logging()
    service = open_service(args.data)
    try:
        day, values = stats.run(service, args.day)
    finally:
        service.close()
    print(json.dumps({"day": day, "statistics": values}, indent=1))
    return 0


def run_stats_worker(args) -> int:
    setup_logging()
    service = open_service(args.data)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        StatsWorker(service, args.schedule).run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
    return 0
