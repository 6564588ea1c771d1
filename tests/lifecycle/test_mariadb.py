"""The lifecycle tests that lean most on SQL (deleted heads, protection, merge, backlinks,
locking garbage collection) again on MariaDB, each in a database of its own."""

import pytest
from backend_servers import drop_database, mariadb_available, new_database_url, require

from . import test_gc
from .conftest import open_test_service
from .test_delete_protect import (  # noqa: F401 - collected here again, on MariaDB
    test_delete_hides_the_entity_and_undelete_restores_it,
    test_hard_delete_removes_history_but_shared_content_stays,
    test_protection_levels,
)
from .test_lexemes import test_forms_and_senses_get_ids_from_the_counters  # noqa: F401
from .test_merge_backlinks import (  # noqa: F401
    test_backlinks_follow_edits_deletes_and_redirects,
    test_merge_moves_terms_sitelinks_and_statements,
)
from .test_revert import test_redirect_revert  # noqa: F401


@pytest.fixture
def mariadb(monkeypatch):
    require(mariadb_available(), "MariaDB")
    url = new_database_url()
    monkeypatch.setenv("ENTITYBASE_DATABASE_URL", url)
    yield url
    drop_database(url)


@pytest.fixture
def service(mariadb, tmp_path):
    svc = open_test_service(tmp_path / "data")
    yield svc
    svc.close()


def test_gc_concurrent_on_mariadb(mariadb, tmp_path):
    test_gc.test_gc_concurrent_with_edits_imports_and_hard_deletes(tmp_path)


def test_gc_grace_on_mariadb(mariadb, tmp_path):
    test_gc.test_grace_period_and_orphan_blobs(tmp_path)
