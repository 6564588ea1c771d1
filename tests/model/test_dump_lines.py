"""JSON dump lines against Wikibase's dumpJson.php expectations."""

import pytest

from entitybase.model import parse_entity, write_dump_line

MAINTENANCE = "wikibase/json/Wikibase/repo/tests/phpunit/data/maintenance"
# Wikibase's test gives snaks a made-up datatype; ours accepts only real ones, and the
# datatype is copied through unchanged, so any real one checks the same bytes.
TEST_DATATYPE = (b"DtIdFor_P12", b"string")


@pytest.mark.parametrize(("name", "page_metadata"), [
    ("dumpJson-out.txt", False),
    ("dumpJson-limit2-out.txt", False),
    ("dumpJson-limit2-pagemetadata-out.txt", True),
])
def test_dump_lines(conformance, name, page_metadata):
    text = (conformance / MAINTENANCE / name).read_bytes().replace(*TEST_DATATYPE)
    lines = text.rstrip(b"\n").split(b"\n")
    assert lines[0] == b"[" and lines[-1] == b"]"
    entities = lines[1:-1]
    written = [write_dump_line(*parse_entity(line), page_metadata=page_metadata)
               for line in entities]
    assert b",\n".join(written) + b"\n" == b"\n".join(entities) + b"\n"
