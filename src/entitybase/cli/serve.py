"""`entitybase serve`: the HTTP API with uvicorn."""

import os
import sys


def register(commands) -> None:
    serve = commands.add_parser("serve", help="serve the Wikibase REST API and extension API")
    serve.add_argument("--data", default="./data", help="data directory (default ./data)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=1,
                       help="uvicorn worker processes (default 1)")
    serve.add_argument("--relay", action="store_true",
                       default=os.environ.get("ENTITYBASE_RELAY") == "1",
                       help="also deliver change events to Kafka (ENTITYBASE_KAFKA_BROKERS); "
                            "default $ENTITYBASE_RELAY=1")
    serve.set_defaults(run=run_serve)


def app_factory():
    """The app for uvicorn worker processes; reads ENTITYBASE_DATA."""
    import os

    from ..api import create_app
    from ..service import open_service
    return create_app(open_service(os.environ.get("ENTITYBASE_DATA", "./data")))


def run_serve(args) -> int:
    import os

    import uvicorn

    print(f"entitybase serving {args.data} on http://{args.host}:{args.port}", file=sys.stderr)
    if args.relay:  # in this (main) process only, so workers do not each run one
        from .backend_commands import start_relay
        start_relay(args.data)
    if args.workers > 1:
        os.environ["ENTITYBASE_DATA"] = args.data
        uvicorn.run("entitybase.cli.serve:app_factory", factory=True, host=args.host,
                    port=args.port, workers=args.workers, log_level="warning")
        return 0
    from ..api import create_app
    from ..service import open_service
    uvicorn.run(create_app(open_service(args.data)), host=args.host, port=args.port,
                log_level="warning")
    return 0
