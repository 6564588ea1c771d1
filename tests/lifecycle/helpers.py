"""HTTP helpers of the lifecycle tests."""

REST = "/w/rest.php/wikibase/v1"
EXT = "/entitybase/v1"


def create_item(api, **item):
    response = api.post(f"{REST}/entities/items", {"item": item})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def item_json(api, item_id):
    response = api.get(f"{REST}/entities/items/{item_id}")
    assert response.status_code == 200, response.text
    return response.json()


def revision_of(response) -> int:
    return int(response.headers["ETag"].strip('"'))


def set_label(api, item_id, language, text):
    response = api.call("PUT", f"{REST}/entities/items/{item_id}/labels/{language}",
                        {"label": text})
    assert response.status_code in (200, 201), response.text
    return revision_of(response)
