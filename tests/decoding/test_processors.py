"""The decoding protocol: the processors' chain, how masks narrow, a new processor with no loop change,
and DecodeConfig / batch_key derived from the request's decoding fields."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from tangshi.decoding import DecodeConfig
from tangshi.decoding.processor import Processor, narrow
from tangshi.decoding.processors import chain
from tangshi.request import DECODE_FIELDS, WriteRequest


def test_the_chain_is_every_processor_in_order() -> None:
    names = [c.__name__ for c in chain()]
    assert names == ["Rules", "Repetition", "Rescue", "Parallel", "Mood", "Setting", "Plan", "Stock"]
    assert all(issubclass(c, Processor) for c in chain())


def test_a_mask_narrows_a_row_only_where_it_leaves_something() -> None:
    allowed = torch.tensor([[1, 1, 0, 1], [0, 1, 0, 0]], dtype=torch.bool)
    mask = torch.tensor([[0, 1, 1, 0], [1, 0, 1, 1]], dtype=torch.bool)
    out = narrow(allowed, mask)
    assert out.tolist() == [[False, True, False, False], [False, True, False, False]]  # row 2 keeps its own


def test_decode_config_is_the_requests_decoding_fields() -> None:
    assert tuple(f.name for f in dataclasses.fields(DecodeConfig)) == DECODE_FIELDS
    req = WriteRequest(form="五律", title="山居", seed=3, temperature=0.9, mood="闲")
    cfg = DecodeConfig.of(req)
    assert all(getattr(cfg, name) == getattr(req, name) for name in DECODE_FIELDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.seed = 4  # type: ignore[misc]


@pytest.mark.parametrize("name", [n for n in DECODE_FIELDS if n not in ("n", "seed", "beam")])
def test_every_decoding_field_but_n_and_seed_parts_batches(name: str) -> None:
    base = WriteRequest(form="五绝", title="秋")
    other = {"rules": "lenient", "rhyme": "东", "temperature": 0.9, "top_k": 5, "top_p": 0.5, "candidates": 4,
             "guidance": 2.0, "repeat_penalty": 1.0, "parallelism": 1.0, "dynasty": "宋", "mood": "喜",
             "mood_strength": 1.0, "setting_strength": 0.0, "line_samples": 3, "stock": 1.0}[name]
    assert base.batch_key() != base.replace(**{name: other}).batch_key()
    assert base.batch_key() == base.replace(n=2, title="春").batch_key()


class Heads(Processor):
    """A toy mask in no file of the package: each line starts with the next of four characters."""

    order = 60
    heads: list[int] = []

    @classmethod
    def create(cls, setup, prepared) -> "Heads":
        return cls()

    def mask(self, step):
        if step.pos:
            return None
        out = torch.zeros(step.out.shape[0], step.used.shape[1], dtype=torch.bool)
        out[:, self.heads[step.line]] = True
        return out


def test_a_new_processor_shapes_poems_without_a_change_to_the_loop(monkeypatch) -> None:
    import tangshi.decoding.loop as loop
    from tangshi.poet import Poet

    monkeypatch.setattr(loop, "chain", lambda: (*chain(), Heads))
    poet = Poet.load()
    Heads.heads = [poet.vocab.index[c] for c in "春夏秋冬"]
    for seed in range(3):
        poem = poet.write(form="五绝", title="四时", seed=seed, script="traditional")[0]
        assert [line[0] for line in poem.lines] == list("春夏秋冬")
        assert poem.check["ok"]
