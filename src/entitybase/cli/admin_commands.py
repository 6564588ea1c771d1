"""`entitybase sites load / languages load / user create / migrate`."""

import json
import logging

from ..service import ServiceError, open_service
from ..service.sites import SITEMATRIX_URL, fetch_sitematrix
from ..store import Store
from .data_commands import add_data_option, setup_logging

log = logging.getLogger("entitybase.admin")


def register(commands) -> None:
    sites = commands.add_parser("sites", help="the sites table (sitelink URLs and validation)")
    actions = sites.add_subparsers(dest="sites_command", required=True)
    load = actions.add_parser("load", help="load sites from a JSON file or Wikimedia")
    load.add_argument("file", nargs="?", help="sites in the format of conformance sites.json")
    load.add_argument("--wikimedia", action="store_true",
                      help="fetch Wikimedia's site matrix (action=sitematrix)")
    load.add_argument("--url", default=SITEMATRIX_URL,
                      help="the action=sitematrix URL --wikimedia reads")
    add_data_option(load)
    load.set_defaults(run=run_sites_load)

    languages = commands.add_parser("languages", help="term languages and fallback chains")
    actions = languages.add_subparsers(dest="languages_command", required=True)
    load = actions.add_parser("load", help="load languages from a JSON file")
    load.add_argument("file", help="languages in the format of conformance languages.json")
    add_data_option(load)
    load.set_defaults(run=run_languages_load)

    user = commands.add_parser("user", help="users and API tokens")
    actions = user.add_subparsers(dest="user_command", required=True)
    create = actions.add_parser("create", help="create a user; prints its API token last")
    create.add_argument("name")
    create.add_argument("--admin", action="store_true")
    create.add_argument("--bot", action="store_true")
    add_data_option(create)
    create.set_defaults(run=run_user_create)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    add_data_option(migrate)
    migrate.set_defaults(run=run_migrate)


def run_sites_load(args) -> int:
    setup_logging()
    if bool(args.file) == bool(args.wikimedia):
        log.error("give either a FILE or --wikimedia")
        return 2
    records = fetch_sitematrix(args.url) if args.wikimedia else _read_json(args.file)
    service = open_service(args.data)
    try:
        log.info("loaded %d sites", service.registry.load_sites(records))
    finally:
        service.close()
    return 0


def run_languages_load(args) -> int:
    setup_logging()
    service = open_service(args.data)
    try:
        log.info("loaded %d languages", service.registry.load_languages(_read_json(args.file)))
    finally:
        service.close()
    return 0


def run_user_create(args) -> int:
    setup_logging()
    service = open_service(args.data)
    try:
        user, token = service.create_user(args.name, admin=args.admin, bot=args.bot)
    except ServiceError as error:
        log.error("%s: %s", error.code, error.message)
        return 1
    finally:
        service.close()
    log.info("created user %s (id %d)", user.name, user.id)
    print(token)
    return 0


def run_migrate(args) -> int:
    setup_logging()
    store = Store(args.data)
    try:
        before, after = store.migrate()
    finally:
        store.close()
    log.info("schema version %d (was %d)", after, before)
    return 0


def _read_json(name: str):
    with open(name, "rb") as handle:
        return json.load(handle)


