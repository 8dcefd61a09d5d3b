"""Overload: a full pool answers 503 with Retry-After, a slow job 504; the pool never over-admits."""
from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from tangshi.server import create_app
from tangshi.server.pool import BoundedPool, Busy

BODY = {"form": "五绝"}


def wait_for(cond, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def test_full_pool_is_503(blocking_poet):
    app = create_app(blocking_poet, workers=1, queue=0)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        first: dict = {}
        t = threading.Thread(target=lambda: first.update(res=client.post("/api/poems", json=BODY)))
        t.start()
        assert blocking_poet.started.wait(5)
        busy = client.post("/api/poems", json=BODY)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1" and "busy" in busy.json()["detail"]
        assert client.post("/api/check", json={"text": "春"}).status_code == 200  # the checker is not pooled
        blocking_poet.release.set()
        t.join(5)
        assert first["res"].status_code == 200 and first["res"].json() == {"poems": [], "alternatives": None}
        wait_for(lambda: app.state.pool.admitted == 0)
        assert client.post("/api/poems", json=BODY).status_code == 200


def test_queue_admits_then_refuses(blocking_poet):
    app = create_app(blocking_poet, workers=1, queue=1)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        results: list = []
        threads = [threading.Thread(target=lambda: results.append(client.post("/api/poems", json=BODY)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        wait_for(lambda: app.state.pool.admitted == 2)  # one running, one waiting
        assert client.post("/api/poems", json=BODY).status_code == 503
        blocking_poet.release.set()
        for t in threads:
            t.join(5)
        assert [r.status_code for r in results] == [200, 200]


def test_slow_job_is_504_and_keeps_its_slot(blocking_poet):
    app = create_app(blocking_poet, workers=1, queue=0, timeout=0.2)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        res = client.post("/api/poems", json=BODY)
        assert res.status_code == 504 and "0.2 s" in res.json()["detail"]
        assert app.state.pool.admitted == 1  # the thread still runs: it still counts
        assert client.post("/api/poems", json=BODY).status_code == 503
        blocking_poet.release.set()
        wait_for(lambda: app.state.pool.admitted == 0)


def test_pool_unit():
    pool = BoundedPool(workers=1, queue=1, timeout=0.1)
    gate = threading.Event()
    running = pool.submit(gate.wait, 5)
    waiting = pool.submit(lambda: "ran")
    with pytest.raises(Busy):
        pool.submit(lambda: None)
    assert waiting.cancel() and pool.admitted == 1  # a cancelled, queued job frees its slot at once
    gate.set()
    assert running.result(5) is True
    wait_for(lambda: pool.admitted == 0)
    assert pool.submit(lambda x: x * 2, 21).result(5) == 42
    pool.shutdown()
