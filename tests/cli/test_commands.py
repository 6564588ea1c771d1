"""The import, export, redirect, sites, languages, user and migrate commands."""

import bz2
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from store_checks import check_backlinks, check_reference_counts

from entitybase.cli.main import main
from entitybase.service import open_service


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_export_with_sites(tmp_path, capsys, conformance):
    data = str(tmp_path / "data")
    source = conformance / "wikidata/entities/Q17948861.json"
    assert run(capsys, "sites", "load", str(conformance / "wikimedia/sites.json"),
               "--data", data)[0] == 0
    code, _, err = run(capsys, "import", str(source), "--data", data)
    assert code == 0 and "imported 1" in err
    code, out, _ = run(capsys, "export", "Q17948861", "--data", data)
    assert code == 0 and out.encode() == source.read_bytes()
    code, out, _ = run(capsys, "export", "Q17948861", "--revision", "2146196239", "--data", data)
    assert out.encode() == source.read_bytes()
    assert run(capsys, "export", "Q404", "--data", data)[0] == 1


def test_import_dump_formats_and_bad_lines(tmp_path, capsys, conformance):
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:5]
    dump = b"[\n" + b",\n".join(lines[:3]) + b",\n{\"type\": \"item\", \"id\": \"bad\"},\n" + \
        lines[3] + b"\n]\n"
    (tmp_path / "dump.json.gz").write_bytes(gzip.compress(dump))
    (tmp_path / "more.jsonl.bz2").write_bytes(bz2.compress(lines[4] + b"\n"))
    data = str(tmp_path / "data")
    code, _, err = run(capsys, "import", str(tmp_path / "dump.json.gz"),
                       str(tmp_path / "more.jsonl.bz2"), "--data", data)
    assert code == 1
    assert "dump.json.gz:5:" in err and "imported 5" in err
    first = json.loads(lines[0])
    code, out, _ = run(capsys, "export", first["id"], "--data", data)
    assert json.loads(out)["entities"][first["id"]]["lastrevid"] == first["lastrevid"]
    code, _, err = run(capsys, "import", str(tmp_path / "more.jsonl.bz2"), "--data", data)
    assert code == 0 and "unchanged 1" in err


def test_redirect_user_languages_migrate(tmp_path, capsys, conformance):
    data = str(tmp_path / "data")
    for name in ("Q17948861", "Q51605722"):
        run(capsys, "import", str(conformance / f"wikidata/entities/{name}.json"), "--data", data)
    assert run(capsys, "redirect", "Q17948861", "Q51605722", "--data", data)[0] == 0
    code, out, _ = run(capsys, "export", "Q17948861", "--data", data)
    assert list(json.loads(out)["entities"]) == ["Q51605722"]
    code, out, _ = run(capsys, "user", "create", "Bob", "--bot", "--data", data)
    token = out.strip().splitlines()[-1]
    assert code == 0 and len(token) >= 32
    service = open_service(data)
    assert service.authenticate(token).name == "Bob"
    service.close()
    assert run(capsys, "languages", "load", str(conformance / "wikimedia/languages.json"),
               "--data", data)[0] == 0
    assert run(capsys, "migrate", "--data", data)[0] == 0


def test_sites_from_a_sitematrix(tmp_path, capsys):
    matrix = {"sitematrix": {
        "count": 3,
        "0": {"code": "de", "name": "Deutsch", "site": [
            {"url": "https://de.wikipedia.org", "dbname": "dewiki", "code": "wiki"},
            {"url": "https://de.wikivoyage.org", "dbname": "dewikivoyage", "code": "wikivoyage",
             "closed": ""}]},
        "specials": [{"url": "https://commons.wikimedia.org", "dbname": "commonswiki",
                      "code": "commons", "lang": "en"}]}}
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(matrix))
    data = str(tmp_path / "data")
    code, _, err = run(capsys, "sites", "load", "--wikimedia", "--url", path.as_uri(),
                       "--data", data)
    assert code == 0 and "loaded 3 sites" in err
    service = open_service(data)
    assert service.sitelink_url("dewiki", "Köln Bonn") == \
        "https://de.wikipedia.org/wiki/K%C3%B6ln_Bonn"
    assert service.registry.site("commonswiki").group == "commons"
    assert service.registry.site("dewikivoyage").group == "wikivoyage"
    service.close()


def test_import_with_worker_processes(tmp_path, conformance):
    from entitybase.cli.data_commands import import_files
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:30]
    (tmp_path / "part.jsonl").write_bytes(b"\n".join(lines) + b"\n{not json}\n")
    counts = import_files(tmp_path / "data", [str(tmp_path / "part.jsonl")], workers=1)
    assert (counts.imported, counts.failed) == (30, 1)
    service = open_service(tmp_path / "data")
    first = json.loads(lines[0])
    assert service.get(first["id"]).meta.lastrevid == first["lastrevid"]
    service.close()


def test_plans_left_by_worker_processes_are_removed(tmp_path, conformance, monkeypatch):
    """Planning processes hand their plans over as files: none stays behind, whether the
    import ends well or not."""
    from entitybase.cli.data_commands import import_files
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    source = str(conformance / "wikidata/bulk/entities.jsonl")
    counts = import_files(tmp_path / "data", [source], workers=2)
    assert (counts.imported, counts.failed) == (660, 0)
    assert list(temporary.iterdir()) == []
    (tmp_path / "file").write_text("a file, not a data directory")
    with pytest.raises(OSError):
        import_files(tmp_path / "file", [source], workers=2)
    assert list(temporary.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="asks whether a process lives by signal 0")
def test_directories_of_killed_imports_are_removed(tmp_path, conformance, monkeypatch):
    """An import killed outright leaves its directory behind; the next import removes it
    once it has not changed for an hour, but never the directory of an import still
    running."""
    from entitybase.cli.data_commands import import_files
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    abandoned = temporary / f"entitybase-import-{ended.pid}-abc"
    running = temporary / f"entitybase-import-{os.getpid()}-def"
    recent = temporary / f"entitybase-import-{ended.pid}-ghi"
    for directory in (abandoned, running, recent):
        directory.mkdir()
        (directory / "plan").write_bytes(b"x")
    for directory in (abandoned, running):
        os.utime(directory, (time.time() - 7200, time.time() - 7200))
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:3]
    (tmp_path / "few.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    assert import_files(tmp_path / "data", [str(tmp_path / "few.jsonl")], workers=1).imported == 3
    assert set(temporary.iterdir()) == {running, recent}


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress])
def test_truncated_compressed_file_is_reported_and_what_it_held_imported(
        tmp_path, conformance, capsys, compress):
    """A dump cut off (an interrupted download): the records before the cut are imported,
    the cut is reported with its file and line, and the import exits non-zero."""
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:40]
    whole = compress(b"\n".join(lines) + b"\n")
    cut = tmp_path / ("cut.jsonl.gz" if compress is gzip.compress else "cut.jsonl.bz2")
    cut.write_bytes(whole[:len(whole) * 3 // 4])
    assert main(["import", str(cut), "--data", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    reported = [line for line in err.splitlines() if "cannot be read" in line]
    assert len(reported) == 1 and f"{cut}:" in reported[0]
    number = int(reported[0].split(f"{cut}:")[1].split(":")[0])
    assert 1 < number <= 40
    assert f"imported {number - 1}, unchanged 0, failed 1" in err


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("workers", [0, 1])
def test_records_without_revision_ids_never_take_a_later_records_id(tmp_path, conformance,
                                                                     monkeypatch, workers,
                                                                     compressed):
    """history.jsonl has records without `lastrevid` before records with real ids in the range
    a counter raised batch by batch would hand out (900950019...): in small batches the later
    records then found their ids taken. Compressed, the input is searched only then."""
    from entitybase.cli import data_commands
    monkeypatch.setattr(data_commands, "BATCH_ENTITIES", 50)
    bulk = conformance / "wikidata/bulk"
    files = [bulk / "history.jsonl", bulk / "entities.jsonl"]
    if compressed:
        for name in files:
            (tmp_path / f"{name.name}.gz").write_bytes(gzip.compress(name.read_bytes()))
        files = [tmp_path / f"{name.name}.gz" for name in files]
    counts = data_commands.import_files(tmp_path / "data", [str(name) for name in files],
                                        workers=workers)
    assert (counts.failed, counts.imported + counts.unchanged) == (0, 797)


def test_compressed_input_is_searched_only_for_a_record_without_id(tmp_path):
    """A compressed input is not decompressed a second time for its highest revision id
    unless a record without one comes; records with ids raise the counter as they go."""
    from entitybase.cli.data_commands import RevisionFloor
    from entitybase.model import PageMeta
    from entitybase.service.importer import ImportPlan, PlannedRecord

    def plan(lastrevid):
        return ImportPlan([PlannedRecord("Q1", "item", PageMeta(lastrevid=lastrevid), b"", {})],
                          None)

    dump = tmp_path / "dump.jsonl.gz"
    dump.write_bytes(gzip.compress(b'{"id":"Q1","type":"item","lastrevid":4321}\n'))
    service = open_service(tmp_path / "data")
    floor = RevisionFloor([str(dump)])
    floor.before(service, [plan(7)])
    assert floor.search is None
    floor.before(service, [plan(None)])
    assert floor.search.result() == 4321 and floor.raised
    floor.close()
    service.close()


def test_revision_floor_holds_up_only_records_without_ids(tmp_path):
    """Records with revision ids are written while the input is still searched for its
    highest one; the counter passes it once it is known, or before a record without one."""
    from concurrent.futures import Future

    from entitybase.cli.data_commands import RevisionFloor
    from entitybase.model import Item, PageMeta
    from entitybase.service import User
    from entitybase.service.importer import ImportPlan, PlannedRecord

    def plan(lastrevid):
        return ImportPlan([PlannedRecord("Q1", "item", PageMeta(lastrevid=lastrevid), b"", {})],
                          None)

    def next_revision_id(service):
        return service.create(Item(), user=User(1, "Editor", admin=False, bot=False)
                              ).revision.revision_id

    service = open_service(tmp_path / "data")
    floor = RevisionFloor([])
    floor.search = Future()  # a search still under way
    floor.before(service, [plan(7)])
    assert next_revision_id(service) < 1000
    floor.search.set_result(1000)
    floor.before(service, [plan(8)])  # known now: the counter passes it at once
    assert next_revision_id(service) > 1000
    floor.close()

    late = RevisionFloor([])
    late.search = Future()
    late.search.set_result(5000)
    late.before(service, [plan(None)])
    assert next_revision_id(service) > 5000
    late.close()
    service.close()


def test_search_for_the_highest_revision_id_stops_when_asked(tmp_path, conformance):
    """An import that ends early (an error, Ctrl-C) does not read a large dump to its end."""
    import threading

    from entitybase.cli.data_commands import highest_revision_id
    name = str(conformance / "wikidata/bulk/entities.jsonl")
    assert highest_revision_id([name]) > 0
    stopped = threading.Event()
    stopped.set()
    assert highest_revision_id([name], stopped) == 0


def test_highest_revision_id_across_blocks_and_formats(tmp_path, conformance, monkeypatch):
    """The read-ahead finds the highest `lastrevid` in dumps, JSONL (plain or compressed)
    and indented documents, wherever the blocks it reads happen to end."""
    from entitybase.cli import data_commands
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()
    expected = max(json.loads(line)["lastrevid"] for line in lines)
    (tmp_path / "all.jsonl.gz").write_bytes(gzip.compress(b"\n".join(lines)))
    document = json.dumps({"entities": {"Q1": {"id": "Q1", "lastrevid": expected + 1}}},
                          indent=2)
    (tmp_path / "one.json").write_text(document)
    monkeypatch.setattr(data_commands, "READ_BLOCK", 1000)  # most lines span blocks
    files = [str(tmp_path / "all.jsonl.gz"), str(tmp_path / "missing.json")]
    assert data_commands.highest_revision_id(files) == expected
    assert data_commands.highest_revision_id(files + [str(tmp_path / "one.json")]) == \
        expected + 1


@pytest.mark.parametrize("compress", [None, gzip.compress, bz2.compress])
@pytest.mark.parametrize("layout", ["dump", "no final line break", "crlf", "blank lines"])
def test_batches_read_by_the_planning_processes_hold_every_record(tmp_path, conformance,
                                                                  monkeypatch, layout, compress):
    """Files of one record per line are handed to the planning processes as byte ranges
    (Spans), which they read themselves (compressed files decompressed into a file per
    batch): whatever the batch limits and read blocks, the records and line numbers are
    those of reading the file line by line."""
    from entitybase.cli import data_commands
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:7]
    text = {"dump": b"[\n" + b",\n".join(lines) + b"\n]\n",
            "no final line break": b"\n".join(lines),
            "crlf": b"\r\n".join(lines) + b"\r\n",
            "blank lines": b"\n\n".join(lines) + b"\n\n"}[layout]
    name = str(tmp_path / {None: "input.json", gzip.compress: "input.json.gz",
                           bz2.compress: "input.json.bz2"}[compress])
    Path(name).write_bytes(compress(text) if compress else text)
    directory = tmp_path / "batches"
    directory.mkdir()
    expected = [(name, number, record) for number, record in data_commands.read_chunks(name)]
    assert len(expected) == 7
    for read_block in (4096, 1 << 18):
        monkeypatch.setattr(data_commands, "READ_BLOCK", read_block)
        for batch_bytes in (1000, 50_000, 1 << 21):
            for batch_entities in (1, 3, 200):
                monkeypatch.setattr(data_commands, "BATCH_BYTES", batch_bytes)
                monkeypatch.setattr(data_commands, "BATCH_ENTITIES", batch_entities)
                batches = list(data_commands.read_batches([name], str(directory)))
                assert all(isinstance(batch, data_commands.Span) for batch in batches)
                assert [line for batch in batches
                        for line in data_commands.batch_lines(batch)] == expected
                for batch in batches:
                    data_commands.discard_batch(batch)
                assert list(directory.iterdir()) == []


def test_batches_of_a_compressed_file_end_where_it_cannot_be_read(tmp_path, conformance):
    """The lines before a truncated compressed file's cut are batches of their own; the cut
    follows as the Unreadable marker, on the line after them."""
    from entitybase.cli import data_commands
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()[:40]
    whole = gzip.compress(b"\n".join(lines) + b"\n")
    name = str(tmp_path / "cut.jsonl.gz")
    Path(name).write_bytes(whole[:len(whole) * 3 // 4])
    batches = list(data_commands.read_batches([name], str(tmp_path)))
    *spans, marker = batches
    records = [line for batch in spans for line in data_commands.batch_lines(batch)]
    assert 0 < len(records) < 40
    assert [number for _, number, _ in records] == list(range(1, len(records) + 1))
    assert [record for _, _, record in records] == lines[:len(records)]
    [(marked, number, reason)] = marker
    assert marked == name and number == len(records) + 1
    assert isinstance(reason, data_commands.Unreadable)


def test_import_in_grouped_batches_counts_every_reference(tmp_path, conformance, monkeypatch):
    """Small batches planned by a worker process, written in groups: the whole bulk corpus
    arrives, every part's reference count agrees with a recount, and the backlinks are
    those of the heads (history's heads are replaced by newer revisions)."""
    from entitybase.cli import data_commands
    monkeypatch.setattr(data_commands, "BATCH_BYTES", 200_000)
    monkeypatch.setattr(data_commands, "GROUP_ENTITIES", 120)
    bulk = conformance / "wikidata/bulk"
    files = [str(bulk / "history.jsonl"), str(bulk / "entities.jsonl")]
    counts = data_commands.import_files(tmp_path / "data", files, workers=1)
    assert (counts.failed, counts.imported + counts.unchanged) == (0, 797)
    service = open_service(tmp_path / "data")
    try:
        check_reference_counts(service.store)
        check_backlinks(service)
    finally:
        service.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_import_takes_its_worker_processes_along(tmp_path, conformance):
    """A worker outliving a killed import would hold copies of its database sockets, and so
    its open transaction and locks."""
    lines = (conformance / "wikidata/bulk/entities.jsonl").read_bytes().splitlines()
    (tmp_path / "all.jsonl").write_bytes(b"\n".join(lines * 20) + b"\n")
    importer = subprocess.Popen(
        [sys.executable, "-m", "entitybase.cli.main", "import", str(tmp_path / "all.jsonl"),
         "--data", str(tmp_path / "data"), "--workers", "1"], stderr=subprocess.DEVNULL)
    try:
        workers = _poll(lambda: _children(importer.pid), "a worker process")
    finally:
        importer.kill()
        importer.wait()
    _poll(lambda: not any(_alive(pid) for pid in workers), "the workers ending")


def _poll(condition, what: str, limit: float = 60):
    """Wait for a state; the limit only stops a broken run."""
    deadline = time.monotonic() + limit
    while not (found := condition()):
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.05)
    return found


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_import_of_a_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "import", str(tmp_path / "nope.json"), "--data",
                       str(tmp_path / "data"))
    assert code == 2 and "cannot read" in err
