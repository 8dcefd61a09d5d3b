"""The slot masks (tangshi.masks.slotmask) and the rule-mass term of the training loss."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tangshi.masks.slots import of_poem, ping_groups, poem_slots

CHARS = ("<pad>", "<bos>", "<eos>", "<unk>", "，", "。", "东", "风", "山", "月", "人", "去", "白", "看", "中")


@pytest.fixture(scope="module")
def masks():
    from tangshi.masks.slotmask import SlotMask

    return SlotMask(CHARS)


def ids(text: str) -> set[int]:
    return {CHARS.index(c) for c in text}


def allowed(masks, slot: tuple[int, int, int, int]) -> set[int]:
    cls = masks.classes(torch.tensor([slot]))
    return set(torch.nonzero(masks.allowed(cls)[0]).flatten().tolist())


def test_each_slot_allows_what_the_rules_allow(masks) -> None:
    dong = ping_groups().index("一東") + 1
    assert allowed(masks, (1, 1, 1, 0)) == ids("东风山人中看")  # 平 (看 is a 多音字: either tone)
    assert allowed(masks, (2, 2, 1, 0)) == ids("月去白看中")  # 仄 (中 reads 仄 as 'hit')
    assert allowed(masks, (3, 1, 1, 0)) == ids("东风山月人去白看中")  # free: any Han character
    assert allowed(masks, (4, 5, 2, dong)) == ids("东风中")  # a rhyme in 一東
    first = allowed(masks, (4, 5, 2, 0))  # the first rhyme: any 平 group
    assert ids("东风中山人看") == first  # 看 rhymes in 十四寒; 月 去 白, punctuation, specials never
    # punctuation, the end and padding ask nothing: class -1
    assert masks.classes(torch.tensor([(0, 0, 1, dong), (0, 0, 0, 0)])).tolist() == [-1, -1]


def test_log_kept_is_the_mass_on_the_allowed_items(masks) -> None:
    """Against the definition: log Σ_{v ∈ A} softmax(o)_v, for logits and log-probabilities alike."""
    torch.manual_seed(0)
    o = torch.randn(3, 5, len(CHARS)) * 3  # (B, T, V)
    slots = torch.randint(0, 5, (3, 5, 4))
    slots[..., 3] = torch.randint(0, len(ping_groups()) + 1, (3, 5))
    cls = masks.classes(slots)
    a = masks.allowed(cls)
    want = torch.logsumexp(o.masked_fill(~a, float("-inf")), -1) - torch.logsumexp(o, -1)
    want = torch.where(cls < 0, torch.zeros_like(want), want)
    got = masks.log_kept(o, cls)
    finite = torch.isfinite(want)  # a class with no item in this small vocabulary: m = 0
    assert torch.allclose(got[finite], want[finite], atol=1e-5)
    assert torch.allclose(masks.log_kept(torch.log_softmax(o, -1), cls)[finite], want[finite], atol=1e-5)
    assert (got[cls < 0] == 0).all()


def test_a_real_poems_slots_make_classes(masks) -> None:
    """杜甫《春望》: its first rhyme (深) is class 'any rhyme', the later ones its group 十二侵."""
    from tangshi.masks.slotmask import N_TONE_CLASSES

    lines = ["國破山河在", "城春草木深", "感時花濺淚", "恨別鳥驚心", "烽火連三月", "家書抵萬金", "白頭搔更短", "渾欲不勝簪"]
    pattern, group = of_poem("五言律诗", lines)
    cls = masks.classes(torch.tensor(poem_slots(pattern, group, 49))).tolist()
    assert cls[4] == 1 and cls[5] == -1  # 在 仄, then the comma
    assert cls[10] == N_TONE_CLASSES - 1  # 深: the group is not known yet
    assert cls[22] == N_TONE_CLASSES - 1 + group  # 心: 十二侵
    assert cls[-1] == -1


def test_the_rule_mass_term_adds_minus_lambda_log_m(rule_batch) -> None:
    model, batch, masks = rule_batch
    model.eval()
    with torch.no_grad():
        plain, n = model(batch)
        same, _ = model(batch, masks, 0.0)
        with_term, n2 = model(batch, masks, 0.5)
        log_m = masks.log_kept(model.scores(batch), masks.classes(batch.slots))
    assert torch.equal(plain, same) and n == n2
    assert torch.allclose(with_term, plain - 0.5 * log_m.sum(), rtol=1e-5)
    assert (log_m <= 1e-6).all() and (log_m < 0).any()


def test_training_on_the_term_raises_the_kept_mass(rule_batch) -> None:
    """A few steps on −log m alone raise the mass on what the slots allow."""
    model, batch, masks = rule_batch
    model.eval()  # no dropout: the same function before and after
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    kept = []
    for _ in range(5):
        log_m = masks.log_kept(model.scores(batch), masks.classes(batch.slots))
        kept.append(float(log_m.detach().exp()[masks.classes(batch.slots) >= 0].mean()))
        opt.zero_grad()
        (-log_m.sum() / batch.slots.shape[0]).backward()
        opt.step()
    assert kept[-1] > kept[0] + 0.01, kept


@pytest.fixture
def rule_batch(fixture_home: Path):
    from tangshi.corpus.build import load_dataset
    from tangshi.data import collate, encode_poems
    from tangshi.model import ModelConfig, PoemModel
    from tangshi.masks.slotmask import SlotMask

    ds = load_dataset(fixture_home)
    poems = [p for p in ds.split("train") if p.form in ("五言律诗", "七言绝句")][:16]
    data = encode_poems(poems, ds.vocab, 128, slots=True)
    torch.manual_seed(0)
    model = PoemModel(ModelConfig(vocab_size=len(ds.vocab), emb=32, hidden=48, enc_hidden=16, rule_inputs=True))
    batch = collate(data, list(range(len(poems))), ds.vocab.bos)
    assert (batch.slots[..., 0] > 0).any()
    return model, batch, SlotMask(ds.vocab.chars)


def test_train_with_the_rule_mass_term(fixture_home: Path, tmp_path: Path, monkeypatch) -> None:
    """`tangshi train --rule-mass-weight` runs, saves λ in the checkpoint, and rejects a bad λ."""
    from tangshi import checkpoint
    from tangshi.cli import main

    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    out = tmp_path / "run"
    assert main(["train", "--rule-mass-weight", "1", "--steps", "3", "--eval-every", "3", "--batch-size", "16",
                 "--emb", "32", "--hidden", "48", "--enc-hidden", "16", "--warmup", "1", "--threads", "1",
                 "--device", "cpu", "--out", str(out)]) == 0
    assert checkpoint.read_header(out / "best")["train"]["rule_mass_weight"] == 1.0
    assert main(["train", "--rule-mass-weight", "-1", "--out", str(tmp_path / "bad")]) == 2


def test_the_rule_mass_term_needs_rule_inputs(fixture_home: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """Without rule inputs there is no slot to weigh: one line naming the flag, exit 2, nothing trained."""
    from tangshi.cli import main

    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    out = tmp_path / "run"
    assert main(["train", "--rule-mass-weight", "1", "--no-rule-inputs", "--steps", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--rule-mass-weight" in err and "rule inputs" in err
    assert not out.exists()


def test_the_config_names_the_missing_rule_inputs() -> None:
    """The one home of the check, which the Trainer applies too (no term silently dropped)."""
    from tangshi.errors import InputError
    from tangshi.train import TrainConfig

    TrainConfig(rule_mass_weight=1.0).check_model(rule_inputs=True)
    TrainConfig().check_model(rule_inputs=False)
    with pytest.raises(InputError, match="--rule-mass-weight needs the rule inputs") as err:
        TrainConfig(rule_mass_weight=1.0).check_model(rule_inputs=False)
    assert err.value.field == "rule_mass_weight"
