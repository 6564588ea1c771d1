"""Many writers on one item over HTTP: each edit lands on the revision it read or gets 412."""

import threading

from fastapi.testclient import TestClient

from entitybase.api import create_app

REST = "/w/rest.php/wikibase/v1"


def test_if_match_writers_lose_no_update(service, token, item):
    app = create_app(service)
    writers, rounds = 8, 5
    landed, refused, errors = [], [], []

    def writer(number):
        http = TestClient(app)
        headers = {"User-Agent": "t", "Authorization": f"Bearer {token}"}
        for round_ in range(rounds):
            current = http.get(f"{REST}/entities/items/{item}/aliases", headers=headers)
            etag = current.headers["etag"]
            mine = f"w{number}-{round_}"
            response = http.post(f"{REST}/entities/items/{item}/aliases/en",
                                 json={"aliases": [mine]},
                                 headers={**headers, "If-Match": etag})
            if response.status_code in (200, 201):
                landed.append((mine, etag, response.headers["etag"]))
            elif response.status_code == 412:
                refused.append(mine)
            else:
                errors.append(response.text)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(landed) + len(refused) == writers * rounds
    final = TestClient(app).get(f"{REST}/entities/items/{item}/aliases/en",
                                headers={"User-Agent": "t"}).json()
    assert sorted(final) == sorted(alias for alias, *_ in landed)  # no lost update
    # Every landed edit was made on the revision its writer had read.
    history = TestClient(app).get(f"/entitybase/v1/entities/{item}/history",
                                  params={"limit": 500}).json()["revisions"]
    parents = {r["revision_id"] for r in history}
    for _, read_etag, new_etag in landed:
        assert int(read_etag.strip('"')) in parents
        assert int(new_etag.strip('"')) > int(read_etag.strip('"'))
    assert len(history) == 1 + len(landed)


def test_unconditional_writers_all_land(service, token, item):
    app = create_app(service)
    writers = 6

    def writer(number):
        http = TestClient(app)
        response = http.post(f"{REST}/entities/items/{item}/aliases/en",
                             json={"aliases": [f"a{number}"]},
                             headers={"User-Agent": "t", "Authorization": f"Bearer {token}"})
        assert response.status_code in (200, 201, 409), response.text

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = TestClient(app).get(f"{REST}/entities/items/{item}/aliases/en",
                                headers={"User-Agent": "t"}).json()
    history = TestClient(app).get(f"/entitybase/v1/entities/{item}/history").json()
    assert len(history["revisions"]) == 1 + len(final)
