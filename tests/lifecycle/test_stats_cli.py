"""Statistics (computed, stored per day, served over HTTP), the statistics worker, and the
gc and stats commands."""

import json

from entitybase.cli.main import main
from entitybase.service import stats
from entitybase.workers.stats import StatsWorker

from .helpers import EXT, REST, create_item


def _statement(prop, target):
    return {"property": {"id": prop}, "value": {"type": "value", "content": target}}


def test_statistics_over_http(service, editor, admin, item_property):
    assert editor.get(f"{EXT}/stats").status_code == 404
    target = create_item(editor, labels={"en": "city", "de": "Stadt"})
    for n in range(3):
        create_item(editor, labels={"en": f"town {n}"}, aliases={"en": ["burg"]},
                    sitelinks={"enwiki": {"title": f"Town {n}"}},
                    statements={item_property: [_statement(item_property, target)]})
    redirected = create_item(editor, labels={"en": "old"})
    editor.post(f"{EXT}/redirects", {"from": redirected, "to": target})
    deleted = create_item(editor, labels={"en": "gone"})
    admin.post(f"{EXT}/entities/{deleted}/delete")
    day, values = stats.run(service, "2026-01-01")
    assert day == "2026-01-01"
    assert values["entities"] == {"item": 4, "property": 1}
    assert (values["redirects"], values["deleted"]) == (1, 1)
    assert values["statements"] == 3 and values["sitelinks"] == 3
    assert values["terms"]["labels"] == {"de": 1, "en": 5}
    assert values["terms"]["aliases"] == {"en": 3}
    assert values["most_used_properties"] == [{"id": item_property, "statements": 3}]
    assert values["top_backlinked"][0] == {"id": target, "backlinks": 3}
    top = values["most_used_statements"][0]
    assert top["references"] == 3 and top["statement"]["mainsnak"]["property"] == item_property
    assert values["deduplication"]["kinds"]["statement"]["references"] == 3
    stats.run(service, "2026-01-02")
    latest = editor.get(f"{EXT}/stats")
    assert latest.status_code == 200 and latest.json()["day"] == "2026-01-02"
    assert latest.json()["statistics"]["entities"] == {"item": 4, "property": 1}
    by_day = editor.get(f"{EXT}/stats/2026-01-01").json()
    assert by_day == {"day": "2026-01-01", "statistics": json.loads(json.dumps(values))}
    assert editor.get(f"{EXT}/stats/days").json() == {"days": ["2026-01-02", "2026-01-01"]}
    assert editor.get(f"{EXT}/stats/2025-12-31").status_code == 404
    assert editor.get(f"{EXT}/stats/yesterday").status_code == 400
    assert editor.get(f"{REST}/entities/items/{target}").status_code == 200


def test_statistics_worker_runs_once_a_day(service):
    worker = StatsWorker(service, "0 2 * * *")
    noon = 1_767_268_800.0  # 2026-01-01T12:00:00Z
    wake = worker.step(noon)
    assert stats.days(service) == ["2026-01-01"]
    assert wake == noon + 14 * 3600  # 02:00 the next day
    worker.step(noon + 60)  # same day: not again
    assert stats.days(service) == ["2026-01-01"]


def test_gc_and_stats_commands(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["gc", "--grace", "0", "--data", data]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["parts"] == 0 and report["pending"] == 0
    assert main(["stats", "--day", "2026-02-03", "--data", data]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["day"] == "2026-02-03" and printed["statistics"]["entities"] == {}
