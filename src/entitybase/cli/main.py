"""`entitybase` entry point. Each command lives in its own module with a `register(commands)`."""

import argparse
import importlib
import sys

# Command modules, each adding its subcommands to the parser.
COMMAND_MODULES = [
    "entitybase.cli.model_commands",
    "entitybase.cli.data_commands",
    "entitybase.cli.admin_commands",
    "entitybase.cli.serve",
    "entitybase.cli.backend_commands",
    "entitybase.cli.dump_commands",
    "entitybase.cli.lifecycle_commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entitybase", description="entitybase: a Wikibase-compatible knowledge-graph backend")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
