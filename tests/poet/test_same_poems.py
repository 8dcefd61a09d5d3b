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
