"""Conditions beyond the title: the dynasty of a Tang and Song poet, and the rule-aware inputs
(what the next character must be); older poets, with neither, still write."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tangshi.cli import main
from tangshi.errors import InputError
from tangshi.prosody import check


@pytest.fixture(scope="module")
def song_poet(tmp_path_factory: pytest.TempPathFactory, fixture_home: Path):
    import shutil

    from tangshi.poet import Poet

    home = tmp_path_factory.mktemp("song-home")
    shutil.copytree(fixture_home, home, dirs_exist_ok=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("TANGSHI_HOME", str(home))
    try:
        assert main(["corpus", "build", "--song"]) == 0
        out = home / "run"
        assert main(["train", "--steps", "6", "--eval-every", "6", "--batch-size", "32", "--emb", "48", "--hidden",
                     "64", "--enc-hidden", "24", "--warmup", "2", "--lr", "0.005", "--threads", "1",
                     "--device", "cpu", "--out", str(out)]) == 0
    finally:
        mp.undo()
    return Poet.load(out / "best")


def test_the_dynasty_is_a_condition(song_poet) -> None:
    model = song_poet.model
    assert model.cfg.n_dynasties == 2 and model.dynasty_embed.weight.shape == (2, 48)
    forms, tokens = torch.zeros(2, dtype=torch.long), torch.full((2,), song_poet.vocab.bos)
    keys, states, mask, state = model.encode(torch.full((2, 1), song_poet.vocab.bos))
    tang, _ = model.step(tokens, forms, state, keys, states, mask, dynasties=torch.tensor([0, 0]))
    song, _ = model.step(tokens, forms, state, keys, states, mask, dynasties=torch.tensor([1, 1]))
    assert not torch.allclose(tang, song)  # the same title and form, another dynasty: another distribution


@pytest.mark.parametrize("dynasty", ["唐", "宋"])
def test_a_two_dynasty_poet_writes_either(song_poet, dynasty: str) -> None:
    for p in song_poet.write(form="五绝", title="山中", dynasty=dynasty, n=2, seed=3):
        assert check(p.text).ok, p.check["errors"]


def test_a_one_dynasty_poet_refuses_another(poet) -> None:
    assert poet.model.cfg.n_dynasties == 0 and poet.model.dynasty_embed is None
    assert poet.write(form="五绝", seed=1, dynasty="唐")  # its own dynasty: as before
    with pytest.raises(InputError, match="trained on 唐 poems only") as err:
        poet.write(form="五绝", dynasty="宋")
    assert err.value.field == "dynasty"


def test_the_slots_of_a_real_poem() -> None:
    """杜甫《春望》: 仄起首句不入韵, 十二侵. Line 1 ends 仄 (no rhyme), line 2 ends on the first rhyme;
    the group is fed from the punctuation after it on."""
    from tangshi.slots import of_poem, ping_groups, poem_slots

    lines = ["國破山河在", "城春草木深", "感時花濺淚", "恨別鳥驚心", "烽火連三月", "家書抵萬金", "白頭搔更短", "渾欲不勝簪"]
    pattern, group = of_poem("五言律诗", lines)
    assert pattern.name == "仄起首句不入韵" and ping_groups()[group - 1] == "十二侵"
    slots = poem_slots(pattern, group, 8 * 6 + 1)
    assert slots[4] == (2, 5, 1, 0)  # 在: 仄, position 5 of line 1, the group not known yet
    assert slots[5] == (0, 0, 1, 0)  # the comma after line 1
    assert slots[10] == (4, 5, 2, 0)  # 深: the first rhyme
    assert slots[11] == (0, 0, 2, group) and slots[12][3] == group  # from then on the group is known
    assert slots[-1] == (0, 0, 0, group)  # the end
    assert of_poem("其他", ["一二三"]) == (None, 0)


@pytest.fixture(scope="module")
def rule_poet(tmp_path_factory: pytest.TempPathFactory, fixture_home: Path):
    from tangshi.poet import Poet

    out = tmp_path_factory.mktemp("rule-run") / "run"
    mp = pytest.MonkeyPatch()
    mp.setenv("TANGSHI_HOME", str(fixture_home))
    try:
        assert main(["train", "--rule-inputs", "--steps", "6", "--eval-every", "6", "--batch-size", "32", "--emb",
                     "48", "--hidden", "64", "--enc-hidden", "24", "--warmup", "2", "--lr", "0.005", "--threads",
                     "1", "--device", "cpu", "--out", str(out)]) == 0
    finally:
        mp.undo()
    return Poet.load(out / "best")


def test_rule_inputs_reach_the_step(rule_poet) -> None:
    model = rule_poet.model
    assert model.cfg.rule_inputs and len(model.slot_embed) == 4
    forms, tokens = torch.zeros(2, dtype=torch.long), torch.full((2,), rule_poet.vocab.bos)
    keys, states, mask, state = model.encode(torch.full((2, 1), rule_poet.vocab.bos))
    ping = torch.tensor([[1, 1, 1, 0]] * 2)
    ze = torch.tensor([[2, 1, 1, 0]] * 2)
    a, _ = model.step(tokens, forms, state, keys, states, mask, slots=ping)
    b, _ = model.step(tokens, forms, state, keys, states, mask, slots=ze)
    assert not torch.allclose(a, b)
    exact, _ = rule_poet.decoder.step.__class__(model, "fp32")(tokens, forms, state, keys, states, mask, slots=ping)
    assert torch.allclose(exact, a, atol=1e-5)  # the decoder's stepper reads the slots as the model does


@pytest.mark.parametrize("mode", [{}, {"beam": 4}, {"acrostic": "春夏秋冬"}, {"rules": "lenient"}])
def test_a_rule_aware_poet_writes_poems_that_pass(rule_poet, mode: dict) -> None:
    for p in rule_poet.write(form="五绝", title="山中", n=2, seed=4, **mode):
        assert check(p.text, "lenient" if mode.get("rules") == "lenient" else "contextual").ok, p.check["errors"]
