"""Bit for bit: the same seeds write the same poems as recorded, through every feature of the decoder.

A refactoring of the decoding must leave every poem as it was; tests/poet/golden_requests.py lists the
requests (shape, rules, 多音字, forced characters, 续写 with a 拗 to rescue, rhyme, repetition, 对仗,
mood, guidance, beam search, candidates and ranking, a merged batch) and writes
tests/data/golden_poems.json. A seed writes the same poem on every x86-64 CPU (docs/quality.md).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tangshi.decoding.stepper import int8_available

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import golden_requests  # noqa: E402

GOLDEN = json.loads((HERE.parent / "data" / "golden_poems.json").read_text("utf-8"))


@pytest.mark.skipif(not int8_available(), reason="recorded with the int8 step (x86-64); arm64 steps in float32")
def test_every_request_writes_the_recorded_poems() -> None:
    now = golden_requests.poems()
    for request, want, got in zip(golden_requests.REQUESTS, GOLDEN["single"], now["single"]):
        assert got == want, request
    assert now["batch"] == GOLDEN["batch"]
    assert len(now["single"]) == len(golden_requests.REQUESTS) == len(GOLDEN["single"])


@pytest.mark.skipif(not int8_available(), reason="recorded with the int8 step (x86-64); arm64 steps in float32")
def test_a_request_in_a_batch_writes_what_it_writes_alone() -> None:
    """The server batches requests (Poet.write_batch); a seeded one, beam search included, is decoded
    alone there and must give the poems ``tangshi write`` gives."""
    import warnings

    from tangshi.poet import Poet
    from tangshi.request import WriteRequest

    poet = Poet.load()
    requests = [WriteRequest(form="五律", title="春望", seed=4, beam=4, n=2),
                WriteRequest(form="七绝", first_line="白日依山尽欲流", title="登楼", seed=16, beam=6, n=2),
                WriteRequest(form="七律", title="无题", rules="off", seed=11, beam=3),
                WriteRequest(form="五绝", title="山居", seed=2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = poet.write_batch(requests + [WriteRequest(form="五绝", title="江雪")])
        alone = [poet.write(r) for r in requests]
    assert [[p.text for p in ps] for ps in batch[:len(requests)]] == [[p.text for p in ps] for ps in alone]
