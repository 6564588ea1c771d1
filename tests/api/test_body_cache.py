"""GET of an item reuses the rendered body of its head revision, never a stale one: an edit
by another service (another process) on the same store shows at once, and so does a
reloaded sites table."""

from entitybase.model import Term
from entitybase.service import User, open_service

from .conftest import SITES

EDITOR = User(1, "Alice", admin=False, bot=False)


def _relabel(text):
    def mutate(entity):
        entity.labels["en"] = Term("en", text)
        return f"/* wbsetlabel-set:1|en */ {text}"
    return mutate


def test_edit_by_another_service_is_served_at_once(client, service, item):
    first = client.get(f"/entities/items/{item}")
    assert client.get(f"/entities/items/{item}").content == first.content  # from the cache
    other = open_service(service.store.data_dir)
    try:
        moved = other.edit(item, _relabel("Holmia"), user=EDITOR)
    finally:
        other.close()
    second = client.get(f"/entities/items/{item}")
    assert second.headers["etag"] == f'"{moved.revision.revision_id}"'
    assert second.json()["labels"]["en"] == "Holmia"
    assert client.get(f"/entities/items/{item}",
                      headers={"If-None-Match": second.headers["etag"]}).status_code == 304
    old = client.get(f"/entities/items/{item}", headers={"If-None-Match": first.headers["etag"]})
    assert old.status_code == 200 and old.content == second.content


def test_fields_are_cached_apart(client, item):
    whole = client.get(f"/entities/items/{item}").json()
    labels = client.get(f"/entities/items/{item}", params={"_fields": "labels"}).json()
    assert labels == {"id": item, "labels": whole["labels"]}
    assert client.get(f"/entities/items/{item}").json() == whole


def test_reloaded_sites_change_sitelink_urls(client, service, item):
    response = client.patch(f"/entities/items/{item}", {"patch": [
        {"op": "add", "path": "/sitelinks/enwiki", "value": {"title": "Stockholm"}}]})
    assert response.status_code == 200, response.text
    url = client.get(f"/entities/items/{item}").json()["sitelinks"]["enwiki"]["url"]
    assert url == "https://en.wikipedia.org/wiki/Stockholm"
    service.registry.load_sites([{**SITES[0], "url_pattern": "https://en.example.org/$1"},
                                 SITES[1]])
    url = client.get(f"/entities/items/{item}").json()["sitelinks"]["enwiki"]["url"]
    assert url == "https://en.example.org/Stockholm"


def test_redirected_and_missing_items_are_not_served_from_the_cache(client, service, item):
    client.get(f"/entities/items/{item}")
    target = client.post("/entities/items", {"item": {"labels": {"en": "Other"}}}).json()["id"]
    service.redirect(item, target, user=EDITOR)
    assert client.get(f"/entities/items/{item}").status_code == 308
    assert client.get("/entities/items/Q999999").status_code == 404
