"""`entitybase validate`: check Wikibase JSON files against the data model."""

import sys

from ..model import EntityFormatError, parse_document, write_entity_data


def register(commands) -> None:
    validate = commands.add_parser(
        "validate", help="parse Wikibase JSON documents and report the first error of each")
    validate.add_argument("files", nargs="+")
    validate.add_argument("--rewrite", action="store_true",
                          help="print each document as Special:EntityData JSON")
    validate.set_defaults(run=run_validate)


def run_validate(args) -> int:
    failed = 0
    for name in args.files:
        with open(name, "rb") as handle:
            data = handle.read()
        try:
            records = parse_document(data)
        except EntityFormatError as error:
            failed += 1
            print(f"{name}: {error.code} at {error.path}: {error.reason}", file=sys.stderr)
            continue
        if args.rewrite:
            sys.stdout.buffer.write(write_entity_data(*records) + b"\n")
    return 1 if failed else 0
