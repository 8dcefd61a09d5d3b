"""The plan as a model input: each target's line keyword in the data, a zero start from an old poet,
training with plans, and decoding a plan with a poet that reads it."""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import torch

from tangshi.corpus.vocab import SPECIALS, Vocab
from tangshi.data import collate, encode_poems, plan_targets, poem_plan
from tangshi.plan.keywords import MIN_DF


def test_each_target_reads_its_lines_keyword() -> None:
    vocab = Vocab(SPECIALS + tuple("白日依山盡黃河入海流，。"))
    lines = ["白日依山盡", "黃河入海流", "白日依山盡", "黃河入海流"]
    plan = ["白日", None, "河入", "黃河"]
    got = plan_targets(plan, lines, 4 * 6 + 1, vocab)
    ids = lambda w: tuple(vocab.index[c] for c in w)  # noqa: E731
    assert got[:6] == [ids("白日")] * 6 and got[6:12] == [(0, 0)] * 6  # a line's characters and its punctuation
    assert got[12:18] == [ids("河入")] * 6 and got[18:24] == [ids("黃河")] * 6 and got[24] == (0, 0)  # the end
    assert plan_targets([], lines, 5, vocab) == [(0, 0)] * 5
    df = Counter({"白日": MIN_DF, "依山": MIN_DF + 50, "黃河": MIN_DF + 1})
    assert poem_plan(lines, df, 1000) == ["白日", "黃河", "白日", "黃河"]  # the rarer common word of each line
    assert poem_plan(lines[:3], df, 1000) == []  # no regulated shape: no plan


def test_plans_are_batched_and_dropped(fixture_home: Path) -> None:
    from tangshi.corpus.build import load_dataset

    ds = load_dataset(fixture_home)
    enc = encode_poems(ds.split("train")[:40], ds.vocab, 128, plans=True)
    rows = list(range(40))
    kept = collate(enc, rows, ds.vocab.bos, plan_drop=0.0).plans  # (B, T, 2)
    assert kept.shape[:2] == collate(enc, rows, ds.vocab.bos).inputs.shape and kept.shape[2] == 2
    assert kept.any()
    assert not collate(enc, rows, ds.vocab.bos, plan_drop=1.0).plans.any()
    assert collate(encode_poems(ds.split("train")[:4], ds.vocab, 128), [0], ds.vocab.bos).plans is None


def test_a_poet_that_reads_plans_starts_as_the_old_one_and_learns(tiny_model: Path, fixture_home: Path,
                                                                     tmp_path: Path) -> None:
    from tangshi import checkpoint
    from tangshi.corpus.build import load_dataset
    from tangshi.model import PoemModel
    from tangshi.poet import Poet
    from tangshi.train import TrainConfig, Trainer, warm_start

    old, vocab, _ = checkpoint.load(tiny_model)
    new = PoemModel(dataclasses.replace(old.cfg, plan_inputs=True))
    assert "plan_proj.weight" in warm_start(new, vocab, tiny_model)["zeroed"]
    ds = load_dataset(fixture_home)
    poems = ds.split("valid")[:16]
    enc = encode_poems(poems, vocab, 128, plans=True)
    old.eval(), new.eval()
    with torch.no_grad():
        batch = collate(enc, list(range(len(poems))), vocab.bos)
        assert batch.plans.any()
        assert torch.allclose(old.token_logprobs(batch), new.token_logprobs(batch), atol=1e-5)  # P starts at 0
    cfg = TrainConfig(out=str(tmp_path / "run"), steps=6, batch_size=16, eval_every=6, lr=5e-3, warmup=1,
                      device="cpu", init_from=str(tiny_model))
    Trainer(new, vocab, encode_poems(ds.split("train"), vocab, 128, plans=True),
            encode_poems(ds.split("valid"), vocab, 128, plans=True), cfg).fit()
    assert new.plan_proj.weight.abs().sum() > 0  # the plan is read
    poet = Poet.load(tmp_path / "run" / "best")
    assert poet.model.cfg.plan_inputs
    poem = poet.write(form="五绝", title="山", keywords="山", plan=True, seed=1)[0]
    assert len(poem.plan) == 4 and poem.plan[0]["keyword"] == "山"
    fp32 = Poet.load(tmp_path / "run" / "best", precision="fp32")
    assert fp32.write(form="五绝", title="山", keywords="山", seed=1)[0].plan[0]["keyword"] == "山"


def test_train_with_plans_from_the_command_line(tiny_model: Path, fixture_home: Path, tmp_path: Path,
                                                monkeypatch) -> None:
    """`tangshi train --plans --init-from OLD`: the plan's projection starts at zero and is saved."""
    import json

    from tangshi.cli import main
    from tangshi.poet import Poet

    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    out = tmp_path / "planned"
    assert main(["train", "--plans", "--init-from", str(tiny_model), "--no-moods", "--no-rule-inputs", "--steps", "2",
                 "--eval-every", "2", "--batch-size", "16", "--emb", "48", "--hidden", "64", "--enc-hidden", "24",
                 "--threads", "1", "--device", "cpu", "--out", str(out)]) == 0
    events = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert "plan_proj.weight" in next(e for e in events if e.get("event") == "init_from")["zeroed"]
    assert Poet.load(out / "best").model.cfg.plan_inputs
