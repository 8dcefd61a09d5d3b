"""Server fixtures: the app around the tiny poet of tests/conftest.py, and a fake poet
whose jobs block until released (to fill the pool on purpose)."""
from __future__ import annotations

import threading
import pytest

pytest.importorskip("fastapi", reason="the server needs fastapi (pip install fastapi uvicorn)")


@pytest.fixture(scope="module")
def client(poet):
    from fastapi.testclient import TestClient

    from tangshi.server import create_app

    with TestClient(create_app(poet, workers=2), base_url="http://127.0.0.1") as c:
        yield c


class BlockingPoet:
    """Looks like a Poet; ``write_batch`` waits for :attr:`release` (then returns no poems)."""

    name, header, vocab = "fake", {"step": 1}, ["a", "b"]

    def __init__(self) -> None:
        self.release, self.started = threading.Event(), threading.Event()

    def write_batch(self, requests: list) -> list:
        self.started.set()
        assert self.release.wait(10), "the test never released the job"
        return [[] for _ in requests]


@pytest.fixture
def blocking_poet():
    fake = BlockingPoet()
    yield fake
    fake.release.set()
