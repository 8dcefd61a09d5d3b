"""Conditions beyond the title: the dynasty of a Tang and Song poet, and the rule-aware inputs
(what the next character must be); older poets, with neither, still write."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tangshi.cli import main
from tangshi.errors import InputError
from tangshi.prosody import check


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
    from tangshi.masks.slots import of_poem, ping_groups, poem_slots

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


# ----- the mood condition, and warm starts ------------------------------------------------------

def test_the_mood_is_a_condition(song_poet) -> None:
    """Trained by `tangshi train` (moods are on by default): mood 0 is none, 1.. the moods."""
    model = song_poet.model
    assert model.cfg.n_moods == 7 and model.mood_embed.weight.shape == (7, 48)
    assert song_poet.conditions == {"dynasties": ["唐", "宋"], "moods": ["喜", "悲", "愁", "闲", "壮", "思"]}
    forms, tokens = torch.zeros(2, dtype=torch.long), torch.full((2,), song_poet.vocab.bos)
    keys, states, mask, state = model.encode(torch.full((2, 1), song_poet.vocab.bos))
    none, _ = model.step(tokens, forms, state, keys, states, mask)
    zero, _ = model.step(tokens, forms, state, keys, states, mask, moods=torch.tensor([0, 0]))
    joy, _ = model.step(tokens, forms, state, keys, states, mask, moods=torch.tensor([1, 1]))
    assert torch.equal(none, zero) and not torch.allclose(none, joy)


@pytest.mark.parametrize("mode", [{}, {"beam": 4}, {"mood": "閑", "acrostic": "春夏秋冬"}])
def test_a_mood_poet_writes_in_every_mode(song_poet, mode: dict) -> None:
    mood = mode.pop("mood", "喜")
    poems = song_poet.write(form="五绝", title="山中", mood=mood, n=2, seed=5, **mode)
    for p in poems:
        assert check(p.text).ok, p.check["errors"]
    again = song_poet.write(form="五绝", title="山中", mood=mood, n=2, seed=5, **mode)
    assert [p.text for p in poems] == [p.text for p in again]  # a seed still reproduces


def test_a_poet_without_moods_refuses_one(poet) -> None:
    assert poet.model.cfg.n_moods == 0 and poet.model.mood_embed is None and poet.conditions["moods"] == []
    with pytest.raises(InputError, match="trained without moods") as err:
        poet.write(form="五绝", mood="喜")
    assert err.value.field == "mood"


def test_mood_drop_feeds_none() -> None:
    from tangshi.data import Encoded, collate

    data = Encoded([[2]] * 4, [[5, 3]] * 4, [0] * 4, moods=[1, 2, 3, 4])
    kept = collate(data, [0, 1, 2, 3], 2, generator=torch.Generator().manual_seed(0))
    assert kept.moods.tolist() == [1, 2, 3, 4]
    dropped = collate(data, [0, 1, 2, 3], 2, generator=torch.Generator().manual_seed(0), mood_drop=1.0)
    assert dropped.moods.tolist() == [0, 0, 0, 0]
    assert collate(Encoded([[2]], [[5, 3]], [0]), [0], 2).moods is None  # a data set without moods feeds none


def test_encoding_tags_each_poem(fixture_home: Path) -> None:
    from tangshi.corpus.build import load_dataset
    from tangshi.data import encode_poems
    from tangshi.mood import mood_id
    from tangshi.mood.tagger import mood_of

    ds = load_dataset(fixture_home)
    poems = ds.split("train")[:50]
    enc = encode_poems(poems, ds.vocab, 128, moods=True)
    assert enc.moods == [mood_id(mood_of(p.body)) for p in poems] and any(enc.moods)


def test_a_warm_start_begins_as_the_old_model(tiny_model: Path, fixture_home: Path) -> None:
    """A larger model config (rule inputs, moods, dynasties) started from a tiny poet: the same loss
    for the default dynasty and no mood — the new tables start at zero; a missing character is kept out."""
    import dataclasses

    from tangshi import checkpoint
    from tangshi.corpus.build import load_dataset
    from tangshi.corpus.vocab import Vocab
    from tangshi.data import collate, encode_poems
    from tangshi.model import PoemModel
    from tangshi.train import warm_start

    old, vocab, _ = checkpoint.load(tiny_model)
    bigger = Vocab(tuple(vocab.chars) + ("𠀀", "𠀁"))  # two characters the old model never saw
    cfg = dataclasses.replace(old.cfg, vocab_size=len(bigger), n_dynasties=2, n_moods=7, rule_inputs=True)
    new = PoemModel(cfg)
    report = warm_start(new, bigger, tiny_model)
    assert report["chars"] == len(vocab) and report["new_chars"] == 2
    assert {"mood_embed.weight", "dynasty_embed.weight"} <= set(report["zeroed"])
    poems = load_dataset(fixture_home).split("valid")[:16]
    rows = list(range(len(poems)))
    a = encode_poems(poems, vocab, 128)
    b = encode_poems(poems, bigger, 128, dynasties=True, slots=True, moods=True)
    old.eval(), new.eval()
    with torch.no_grad():
        lo = old.token_logprobs(collate(a, rows, vocab.bos))
        batch = collate(b, rows, bigger.bos)
        batch.moods.zero_()
        ln = new.token_logprobs(batch)
    # the two new characters take a little probability (they start among the rarest): no more
    assert torch.allclose(lo, ln, atol=0.02)
    small = dataclasses.replace(old.cfg, hidden=old.cfg.hidden * 2)
    from tangshi.errors import CheckpointError

    with pytest.raises(CheckpointError, match="the cell, sizes and layers must match"):
        warm_start(PoemModel(small), vocab, tiny_model)


def test_train_init_from(tiny_model: Path, fixture_home: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    import json

    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    out = tmp_path / "warm"
    assert main(["train", "--init-from", str(tiny_model), "--no-moods", "--steps", "2", "--eval-every", "2",
                 "--batch-size", "16", "--emb", "48", "--hidden", "64", "--enc-hidden", "24", "--threads", "1",
                 "--device", "cpu", "--out", str(out)]) == 0
    events = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    init = next(e for e in events if e.get("event") == "init_from")
    assert init["chars"] > 0 and init["new_chars"] == 0
    assert main(["train", "--init-from", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")]) == 2
    assert "no such checkpoint directory" in capsys.readouterr().err


def test_the_new_tables_learn_faster(tiny_model: Path, fixture_home: Path, tmp_path: Path) -> None:
    """Zero-started next to trained weights, the tables a warm start adds get new_lr_scale × the LR."""
    import dataclasses

    from tangshi import checkpoint
    from tangshi.corpus.build import load_dataset
    from tangshi.data import encode_poems
    from tangshi.model import PoemModel
    from tangshi.train import TrainConfig, Trainer

    old, vocab, _ = checkpoint.load(tiny_model)
    model = PoemModel(dataclasses.replace(old.cfg, n_moods=7))
    ds = load_dataset(fixture_home)
    cfg = TrainConfig(out=str(tmp_path / "run"), steps=2, eval_every=2, batch_size=16, warmup=0, lr=1e-3,
                      device="cpu", init_from=str(tiny_model), new_lr_scale=5.0)
    trainer = Trainer(model, vocab, encode_poems(ds.split("train")[:32], vocab, 128, moods=True),
                      encode_poems(ds.split("valid")[:8], vocab, 128, moods=True), cfg)
    groups = trainer.opt.param_groups
    assert len(groups) == 3 and groups[2]["params"] == [model.mood_embed.weight] and groups[2]["scale"] == 5.0
    trainer.fit()
    assert groups[2]["lr"] == pytest.approx(5 * groups[0]["lr"]) and float(model.mood_embed.weight.detach().abs().sum()) > 0
