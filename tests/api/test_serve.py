"""`entitybase serve` answers over a real socket."""

import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "entitybase.cli.main", "serve", "--data", str(tmp_path / "d"),
         "--port", str(port)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/w/rest.php/wikibase/v1/entities/items/Q1"
    try:
        for _ in range(300):  # poll; no timing assertion
            try:
                response = httpx.get(url, headers={"User-Agent": "t"})
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        assert response.status_code == 404
        assert response.json()["code"] == "resource-not-found"
    finally:
        process.terminate()
        process.wait(timeout=10)
