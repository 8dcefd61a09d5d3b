"""Batching: requests pending while the workers are busy are written in one batch, within the pool's limits."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tangshi.request import WriteRequest
from tangshi.server.batcher import Batcher
from tangshi.server.pool import BoundedPool, Busy


def req(**fields) -> WriteRequest:
    return WriteRequest(**{"candidates": 1, **fields})


async def started(poet, first: asyncio.Future, timeout: float = 10.0) -> None:
    """Until the poet's first batch has started; fails (never hangs) if the first request fails."""
    deadline = time.monotonic() + timeout
    while not poet.started.is_set():
        if first.done():
            first.result()  # raises what the request raised
            raise AssertionError("the first request finished before its batch started")
        assert time.monotonic() < deadline, "the first batch never started"
        await asyncio.sleep(0.01)


class RecordingPoet:
    """``write_batch`` records each batch; the first one waits for :attr:`release`."""

    def __init__(self) -> None:
        self.batches: list[list[WriteRequest]] = []
        self.release, self.started = threading.Event(), threading.Event()

    def write_batch(self, requests: list[WriteRequest]) -> list:
        self.batches.append(requests)
        if len(self.batches) == 1:
            self.started.set()
            assert self.release.wait(10)
        return [ValueError("bad") if r.title == "bad" else [r.title] for r in requests]


def test_pending_requests_share_one_batch_and_seeded_ones_go_alone() -> None:
    poet = RecordingPoet()
    pool = BoundedPool(workers=1, queue=8, timeout=10)
    batcher = Batcher(poet, pool)

    async def scenario():
        first = asyncio.ensure_future(batcher.write(req(form="五绝", title="甲")))
        await started(poet, first)
        rest = [asyncio.ensure_future(batcher.write(req(**body))) for body in (
            {"form": "七律", "title": "乙"}, {"form": "七言律诗", "title": "丙"}, {"form": "七律", "title": "bad"},
            {"form": "七律", "title": "丁", "seed": 3}, {"form": "五绝", "title": "戊"})]
        await asyncio.sleep(0.05)
        poet.release.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    results = asyncio.run(scenario())
    assert results[0] == ["甲"] and results[1] == ["乙"] and results[2] == ["丙"] and results[5] == ["戊"]
    assert isinstance(results[3], ValueError) and results[4] == ["丁"]
    titles = [[r.title for r in batch] for batch in poet.batches]
    assert titles[0] == ["甲"]
    assert ["乙", "丙", "bad"] in titles  # one form (七律 = 七言律诗), no seed: one decode
    assert ["丁"] in titles and ["戊"] in titles  # seeded alone; another form apart
    deadline = time.monotonic() + 5
    while pool.admitted and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.admitted == 0


def test_full_pool_refuses_and_forgets_the_request() -> None:
    poet = RecordingPoet()
    pool = BoundedPool(workers=1, queue=0, timeout=10)
    batcher = Batcher(poet, pool)

    async def scenario():
        first = asyncio.ensure_future(batcher.write(req(title="甲")))
        await started(poet, first)
        with pytest.raises(Busy):
            await batcher.write(req(title="乙"))
        assert [e.request.title for e in batcher._pending] == []
        poet.release.set()
        return await first

    assert asyncio.run(scenario()) == ["甲"]


def test_write_batch_matches_write_and_keeps_each_request_apart(poet) -> None:
    from tangshi.errors import InputError

    requests = [req(form="七绝", title="秋夜"), req(form="七绝", title="春江", n=2),
                req(form="五律", title="月", seed=5), req(form="五绝", acrostic="龘夏秋冬"), req(form="七绝")]
    out = poet.write_batch(requests)
    assert [len(r) for r in out[:3]] == [1, 2, 1] and len(out[4]) == 1
    assert isinstance(out[3], InputError) and "龘" in str(out[3]) and out[3].field == "acrostic"
    assert [p.title for p in out[0] + out[1]] == ["秋夜", "春江", "春江"]
    for poems in (out[0], out[1], out[2], out[4]):
        for p in poems:
            assert p.check["ok"] and len(p.lines) == (8 if p.form == "五言律诗" else 4)
    assert [p.text for p in out[2]] == [p.text for p in poet.write(requests[2])]


def test_a_batch_seed_reproduces_the_batch(poet) -> None:
    requests = [req(form="七绝", title=t) for t in ("秋夜", "春江", "山居")]
    a = [p[0].text for p in poet.write_batch(requests, seed=4)]
    b = [p[0].text for p in poet.write_batch(requests, seed=4)]
    assert a == b and len(set(a)) == 3
