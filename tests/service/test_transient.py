"""A transaction the database gives up (a deadlock victim) is redone, never half-written."""

import pytest
import sqlalchemy as sa

from entitybase.model import Term, parse_entity
from entitybase.service import open_service
from entitybase.store import TransientConflict

ITEM = ('{"type":"item","id":"Q1","labels":{},"descriptions":{},"aliases":{},"claims":{},'
        '"sitelinks":{},"lastrevid":1}')


class _Deadlock(Exception):
    """What a MySQL driver raises for a deadlock victim: its code first."""

    def __init__(self):
        super().__init__(1213, "Deadlock found when trying to get lock")


def test_store_write_reports_transient_conflicts(tmp_path):
    service = open_service(tmp_path)
    with pytest.raises(TransientConflict):
        with service.store.write():
            raise sa.exc.OperationalError("UPDATE eb_head", {}, _Deadlock())
    service.close()


def test_edit_is_redone_after_a_transient_conflict(tmp_path, monkeypatch):
    service = open_service(tmp_path)
    service.import_entities([parse_entity(ITEM)])
    user = service.create_user("editor")[0]
    save, calls = service._save, []

    def flaky_save(*args):
        calls.append(1)
        if len(calls) == 1:
            raise TransientConflict("deadlock")
        return save(*args)

    monkeypatch.setattr(service, "_save", flaky_save)

    def label(entity):
        entity.labels["en"] = Term("en", "one")
        return "/* wbsetlabel-set:1|en */ one"

    saved = service.edit("Q1", label, user=user)
    assert len(calls) == 2 and saved.entity.labels["en"].value == "one"
    history, _ = service.history("Q1")
    assert [r.revision_id for r in history] == [saved.revision.revision_id, 1]
    service.close()
