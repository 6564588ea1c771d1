"""RDF dumps written by several processes: the same triples as one process writes, one valid
gzip file (a member per slice), the right checksum and metadata."""

import gzip

import pyoxigraph
import pytest

from entitybase.service.dumps import Dumps

from .test_dumps import read_dump
from .wikidata_store import unit_table, wikidata_service

PAGE = 40  # heads per page: the ~300 entities make several pages, so several slices
DUMP_DATE = ("<http://wikiba.se/ontology#Dump>", "<http://schema.org/dateModified>")


@pytest.fixture(scope="module")
def service(conformance, tmp_path_factory):
    directory = tmp_path_factory.mktemp("parallel")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENTITYBASE_UNIT_CONVERSIONS", str(unit_table(conformance, directory)))
        service = wikidata_service(conformance, directory / "data")
        yield service
        service.close()


def _triples(body: bytes, fmt: str) -> set:
    parser = pyoxigraph.RdfFormat.TURTLE if fmt == "ttl" else pyoxigraph.RdfFormat.N_TRIPLES
    return {(str(t.subject), str(t.predicate), str(t.object))
            for t in pyoxigraph.parse(body, parser)
            if (str(t.subject), str(t.predicate)) != DUMP_DATE}  # the time of writing


def _members(data: bytes) -> int:
    count = 0
    while data:
        decompressor = gzip.zlib.decompressobj(31)
        decompressor.decompress(data)
        data, count = decompressor.unused_data, count + 1
    return count


def test_slices_cover_the_ids_in_order(service):
    dumps = Dumps(service, PAGE)
    slices = dumps._slices(None, 3)
    assert len(slices) == 3 and slices[0][0] is None and slices[-1][1] is None
    assert all(slices[n][1] == slices[n + 1][0] for n in range(2))
    one = [head.entity_id for page in dumps._pages(None) for head in page]
    sliced = [head.entity_id for after, until in slices
              for page in dumps._pages(None, after, until) for head in page]
    assert sliced == one
    assert dumps._slices(None, 1000)[-1][1] is None  # more workers than pages
    assert len(dumps._slices(None, 1000)) == -(-len(one) // PAGE)


@pytest.mark.parametrize(("fmt", "flavor"), [("ttl", "full-dump"), ("nt", "truthy-dump")])
def test_parallel_dump_equals_the_single_process_dump(service, tmp_path, fmt, flavor):
    single = Dumps(service, PAGE).write(tmp_path / "one", fmt, flavor)
    parallel = Dumps(service, PAGE).write(tmp_path / "three", fmt, flavor, workers=3)
    one, three = read_dump(tmp_path / "one", single.file), read_dump(tmp_path / "three",
                                                                       parallel.file)
    assert _members((tmp_path / "three" / parallel.file).read_bytes()) == 4  # header + 3
    assert _triples(three, fmt) == _triples(one, fmt)
    assert (parallel.entities, parallel.redirects) == (single.entities, single.redirects)
    assert parallel.entities > 2 * PAGE and parallel.redirects > 0
    assert (parallel.modified_from, parallel.modified_to) == (single.modified_from,
                                                             single.modified_to)
    assert not list((tmp_path / "three").glob(".*"))  # no slice files left behind
