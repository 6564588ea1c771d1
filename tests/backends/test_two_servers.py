"""Two API processes on one MariaDB database under concurrent edits and creations:
no lost update, no duplicated id."""

import threading

import httpx
import pytest

from .test_kill import Server, _kill_leftovers, cli  # noqa: F401 (the fixture)

THREADS_PER_SERVER = 3
EDITS_PER_THREAD = 8
CREATES_PER_THREAD = 8


@pytest.mark.parametrize("backend", ["mariadb-s3"], indirect=True)
def test_two_servers_lose_no_update_and_duplicate_no_id(backend):
    cli(backend, "migrate")
    token = cli(backend, "user", "create", "Alice").split()[-1]
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "two-servers-test/1.0"}
    servers = [Server(backend), Server(backend)]
    with httpx.Client(base_url=servers[0].url, headers=headers, timeout=60) as http:
        shared = http.post("/entities/items", json={"item": {"labels": {"en": "shared"}}})
        shared_id = shared.json()["id"]
    created, edits, errors, lock = [], [], [], threading.Lock()

    def worker(server: Server, n: int) -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            for k in range(EDITS_PER_THREAD):
                language = f"x{'abcdef'[n]}{'abcdefgh'[k]}"  # own language: none may go missing
                for _ in range(100):  # bounded: a stuck conflict fails the test
                    response = http.put(f"/entities/items/{shared_id}/labels/{language}",
                                        json={"label": f"label {n} {k}"})
                    if response.status_code not in (409, 412):  # conflict: try again
                        break
                if response.status_code not in (200, 201):
                    errors.append(response.text)
                    return
                with lock:
                    edits.append((language, int(response.headers["ETag"].strip('"'))))
            for k in range(CREATES_PER_THREAD):
                response = http.post("/entities/items", json={
                    "item": {"labels": {"en": f"created {n} {k}"}}})
                if response.status_code != 201:
                    errors.append(response.text)
                    return
                with lock:
                    created.append(response.json()["id"])

    threads = [threading.Thread(target=worker, args=(servers[n % 2], n))
               for n in range(2 * THREADS_PER_SERVER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors

    total = 2 * THREADS_PER_SERVER
    assert len(created) == total * CREATES_PER_THREAD
    assert len(set(created)) == len(created) and shared_id not in created
    assert len({revision for _, revision in edits}) == len(edits) == total * EDITS_PER_THREAD
    with httpx.Client(base_url=servers[1].url, headers=headers, timeout=60) as http:
        labels = http.get(f"/entities/items/{shared_id}/labels").json()
        for entity_id in created:
            assert http.get(f"/entities/items/{entity_id}").status_code == 200
    assert {language for language, _ in edits} <= set(labels)
    for server in servers:
        server.kill()
