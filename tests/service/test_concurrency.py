"""Many writers on one entity, in threads and in processes: every edit lands on the
revision it read or fails with EditConflict; no update is lost; ids are never duplicated."""

import multiprocessing
import threading

from entitybase.model import Item, Statement, Term, ValueSnak
from entitybase.model.values import DataValue
from entitybase.service import EditConflict, open_service

from .conftest import EDITOR

WRITERS, EDITS = 4, 8


def add_string(value):
    def mutate(entity):
        snak = ValueSnak(property="P1", datavalue=DataValue(value, "string"), datatype="string")
        entity.claims.setdefault("P1", []).append(Statement(mainsnak=snak))
        return f"add {value}"
    return mutate


def edit_many(data_dir, writer: int, use_base: bool) -> tuple[int, int]:
    service = open_service(data_dir)
    landed = conflicts = 0
    for n in range(EDITS):
        base = service.get("Q1").revision.revision_id if use_base else None
        try:
            revision = service.edit("Q1", add_string(f"w{writer}-{n}"), user=EDITOR,
                                    base_revision=base)
            assert revision.revision.parent_id == base or base is None
            landed += 1
        except EditConflict:
            conflicts += 1
    service.close()
    return landed, conflicts


def create_many(data_dir, count: int) -> list[str]:
    service = open_service(data_dir)
    ids = [service.create(Item(labels={"en": Term("en", f"x{n}")}), user=EDITOR).entity.id
           for n in range(count)]
    service.close()
    return ids


def check(service, landed: int):
    values = [s.mainsnak.datavalue.value for s in service.get("Q1").entity.claims["P1"]]
    assert len(values) == len(set(values)) == landed  # no lost update, none applied twice
    history, _ = service.history("Q1", limit=1000)
    assert len(history) == landed + 1
    parents = [info.parent_id for info in history]
    assert parents[:-1] == [info.revision_id for info in history[1:]]  # a linear history


def test_threads_on_one_entity(tmp_path):
    service = open_service(tmp_path)
    service.create(Item(), user=EDITOR)
    results = []

    def run(writer):
        results.append(edit_many(tmp_path, writer, use_base=writer % 2 == 0))

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check(service, sum(landed for landed, _ in results))
    service.close()


def test_processes_on_one_entity_and_ids(tmp_path):
    service = open_service(tmp_path)
    service.create(Item(), user=EDITOR)
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        edits = pool.starmap(edit_many, [(tmp_path, w, w % 2 == 0) for w in range(WRITERS)])
        created = pool.starmap(create_many, [(tmp_path, 5)] * WRITERS)
    check(service, sum(landed for landed, _ in edits))
    ids = [entity_id for batch in created for entity_id in batch]
    assert len(ids) == len(set(ids)) == 5 * WRITERS
    service.close()
