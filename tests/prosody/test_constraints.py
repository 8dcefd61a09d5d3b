"""Decoder constraints: masks for specific cases, and random decoding that always passes the checker."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from tangshi.errors import InputError
from tangshi.prosody import check, patterns
from tangshi.masks.constraints import PATTERNS, ConstraintState, VocabProsody, line_templates
from tangshi.prosody.forms import FORM_BY_NAME

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "package" / "dist" / "quantangshi"
SPECIALS = ["<pad>", "<eos>", "，", "。", "x"]


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny per-step tensors: intra-op threads only add overhead (and hurt on a busy 2-core box)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def vocab() -> list[str]:
    """The characters of the committed real-poem fixture (traditional), plus special tokens."""
    chars: set[str] = set()
    for path in sorted(CORPUS.glob("poet.tang.*.json")):
        for poem in json.loads(path.read_text(encoding="utf-8")):
            chars.update(re.findall(r"[\u4e00-\u9fff]", "".join(poem["paragraphs"])))
    return SPECIALS + sorted(chars)


@pytest.fixture(scope="module")
def vp(vocab) -> VocabProsody:
    return VocabProsody.from_vocab(vocab)


def pattern(form: str, name: str):
    return next(p for p in patterns(FORM_BY_NAME[form]) if p.name == name)


def decode(vp: VocabProsody, pats, seed: int, strict: bool = True, groups=None) -> list[list[str]]:
    """Uniform random choice among the allowed items at every step; returns each poem's lines."""
    gen = torch.Generator().manual_seed(seed)
    state = ConstraintState.start(vp, pats, groups, strict=strict)
    chars = [[] for _ in pats]
    while not state.done.all():
        mask = state.mask()  # (B, V)
        active = ~state.done
        assert mask[active].any(1).all(), "a candidate ran out of allowed characters"
        tokens = torch.multinomial(mask.float() + (~active).float()[:, None], 1, generator=gen).squeeze(1)
        for b in active.nonzero().squeeze(1).tolist():
            chars[b].append(vp.chars[tokens[b]])
        state.advance(tokens)
    out = []
    for p, cs in zip(pats, chars):
        n = p.form.n_chars
        out.append(["".join(cs[i:i + n]) for i in range(0, len(cs), n)])
    return out


@pytest.mark.parametrize("pat", PATTERNS, ids=lambda p: p.form.name + p.name)
def test_random_decoding_always_passes_the_strict_checker(vp, pat):
    poems = decode(vp, [pat] * 24, seed=PATTERNS.index(pat))
    for lines in poems:
        report = check("，".join(lines))
        assert report.ok, (lines, [e.message for e in report.errors])
        assert (report.form, report.pattern) == (pat.form.name, pat.name)


def test_random_decoding_in_lenient_mode_passes_the_lenient_checker(vp):
    pats = [p for p in PATTERNS for _ in range(4)]
    for lines in decode(vp, pats, seed=99, strict=False):
        assert check("，".join(lines), "lenient").ok, lines


def test_mixed_batch_with_fixed_rhyme_groups(vp):
    pats = [pattern("五言绝句", "平起首句入韵"), pattern("七言律诗", "仄起首句不入韵")]
    poems = decode(vp, pats, seed=5, groups=["一東", "十一尤"])
    assert [check("，".join(lines)).rhyme_group for lines in poems] == ["一東", "十一尤"]


def _index(vp, char):
    return vp.chars.index(char)


def test_gu_ping_mask_depends_on_position_one(vp):
    # 仄起首句不入韵 五绝: line 2 is PPZZP; 仄 at its position 1 forces 平 at position 3 (孤平拗救)
    pat = pattern("五言绝句", "仄起首句不入韵")
    assert line_templates(pat.lines[1]) == ("PP*ZP", "*PPZP")
    for first, allows_ze_at_3 in (("白", False), ("風", True)):
        state = ConstraintState.start(vp, [pat])
        for char in ["日", "月", "風", "花", "落", first, "山"]:  # line 1 (*Z*PZ) then line 2 positions 1-2
            assert state.mask()[0, _index(vp, char)], char
            state.advance(torch.tensor([_index(vp, char)]))
        mask = state.mask()[0]
        assert mask[_index(vp, "白")].item() is allows_ze_at_3  # 白 仄 (入)
        assert mask[_index(vp, "風")]  # 平 is always fine at position 3


def test_san_ping_wei_and_ambiguous_masks(vp):
    # 平起首句入韵 五绝 line 1 is PPZZP; line 2 is *ZZPP whose position 3 must be 仄 (三平尾)
    pat = pattern("五言绝句", "平起首句入韵")
    strict, lenient = ConstraintState.start(vp, [pat]), ConstraintState.start(vp, [pat], strict=False)
    ambiguous = _index(vp, "思")  # 平 (思念) or 仄 (情思); after 風 the context does not say which
    assert vp.ambiguous[ambiguous] and not vp.either[ambiguous]
    m_strict = strict.mask()[0]
    assert m_strict[ambiguous]  # position 1 of PPZZP may be either (孤平拗救 then needs 平 at 3)
    for state in (strict, lenient):
        state.advance(torch.tensor([_index(vp, "風")]))
    m_strict, m_lenient = strict.mask()[0], lenient.mask()[0]
    assert not m_strict[ambiguous] and m_lenient[ambiguous]  # position 2 is fixed 平 in every template
    assert not m_strict[_index(vp, "白")] and m_strict[_index(vp, "山")]
    for state in (strict, lenient):
        for char in ["山", "月", "落", "東", "日", "月"]:  # line 1 rhymes 東 (一東), line 2 Z Z ...
            state.advance(torch.tensor([_index(vp, char)]))
    m_strict, m_lenient = strict.mask()[0], lenient.mask()[0]
    assert not m_strict[_index(vp, "風")] and m_strict[_index(vp, "白")]  # 三平尾 ruled out
    assert not m_strict[ambiguous] and not m_lenient[_index(vp, "風")]


def test_rhyme_positions_use_one_group_and_never_repeat(vp):
    pat = pattern("五言绝句", "平起首句入韵")
    state = ConstraintState.start(vp, [pat], ["一東"])
    for char in "風山月落":
        state.advance(torch.tensor([_index(vp, char)]))
    mask = state.mask()[0]
    allowed = {vp.chars[i] for i in mask.nonzero().squeeze(1).tolist()}
    assert "東" in allowed and "中" not in allowed  # 中 is also 去; after 落 (落中) the context is unsure
    assert "山" not in allowed and "流" not in allowed
    state.advance(torch.tensor([_index(vp, "東")]))
    for char in "日月白日":
        state.advance(torch.tensor([_index(vp, char)]))
    assert not state.mask()[0, _index(vp, "東")]  # used already


def test_special_tokens_are_never_allowed(vp):
    state = ConstraintState.start(vp, list(PATTERNS))
    for _ in range(3):
        mask = state.mask()
        assert not mask[:, : len(SPECIALS)].any()
        state.advance(mask.float().argmax(1))


def test_unknown_rhyme_group_is_an_input_error(vp):
    with pytest.raises(InputError, match="rhyme group"):
        ConstraintState.start(vp, [PATTERNS[0]], ["八東"])


def test_either_way_and_context_read_polyphones(vp):
    """看 reads 平 or 仄 with one meaning: strict places it on a fixed position; 長 after 風 (風長)
    reads 平 with confidence, so it may take a 平 slot there and the templates count it 平."""
    pat = pattern("五言绝句", "平起首句入韵")  # PPZZP: position 2 fixed 平, 3 and 4 fixed 仄
    state = ConstraintState.start(vp, [pat])
    assert vp.either[_index(vp, "看")]
    state.advance(torch.tensor([_index(vp, "風")]))
    mask = state.mask()[0]
    assert mask[_index(vp, "看")] and mask[_index(vp, "長")] and not mask[_index(vp, "思")]
    state.advance(torch.tensor([_index(vp, "長")]))
    assert int(state.live[0]) == 3  # read 平, it keeps both templates (PP*ZP, *PPZP) alive


def test_rare_rhyme_readings_are_not_offered(vp):
    """還 reads 平 in 刪 and in 先, but real poems rhyme it in 刪 (479 of 487 times)."""
    gi = {name: k for k, name in enumerate(vp.group_names)}
    assert vp.rhyme[gi["十五删"], _index(vp, "還")] and not vp.rhyme[gi["一先"], _index(vp, "還")]


@pytest.fixture(scope="module")
def shipped_vp() -> VocabProsody:
    """The tables of the shipped model's vocabulary (7,517 items)."""
    from tangshi.corpus.vocab import Vocab
    from tangshi.poet import DEFAULT_MODEL

    header = json.loads((DEFAULT_MODEL / "model.json").read_text("utf-8"))
    return VocabProsody.from_vocab(Vocab.from_json(header["vocab"]).chars)


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_the_decoder_and_the_checker_agree_in_every_mode(shipped_vp, strict):
    """Random decoding obeying the masks: 320 poems per mode, each checked in that mode (strict
    rules are checked in the default, contextual mode). Only the right-hand context, unknown while
    decoding, may change a reading; the poet re-checks and drops those (none in these seeds)."""
    mode = "contextual" if strict else "lenient"
    failed = []
    for seed in range(10):
        for lines in decode(shipped_vp, [p for p in PATTERNS for _ in range(2)], seed=seed, strict=strict):
            report = check("，".join(lines), mode)
            if not report.ok:
                failed.append((lines, [e.message for e in report.errors]))
    assert not failed, failed[:3]


def test_every_frequent_rhyme_is_available(shipped_vp):
    """Each character that rhymes 20 times or more in the corpus can rhyme, in the decoder, in every
    group it has a reading in and real poems rhyme it in (家 in 麻: its variant 傢 no longer vetoes it)."""
    from tangshi.prosody.lexicon import load
    from tangshi.prosody.readings import load as reading_model

    lex, model = load(), reading_model()
    col = {name: k for k, name in enumerate(shipped_vp.group_names)}
    index = {c: v for v, c in enumerate(shipped_vp.chars)}
    missing, checked = [], 0
    for char, uses in model.rhymes.items():
        if sum(uses.values()) < 20 or char not in index:
            continue
        own = {lex.groups[g].name for g in lex.lookup(char)}
        for group in uses:
            if group in own and group in col and not model.rare_rhyme(char, group):
                checked += 1
                if not shipped_vp.rhyme[col[group], index[char]]:
                    missing.append((char, group, uses[group]))
    assert checked > 600 and not missing, missing
    assert shipped_vp.rhyme[col["六麻"], index["家"]]


def test_a_variant_and_its_standard_form_are_one_rhyme() -> None:
    """鴈 is shown as 雁 in simplified script: once one has rhymed, the other may not rhyme again."""
    vp = VocabProsody.from_vocab(["雁", "鴈", "劒", "劍", "山"])
    assert vp.canon.tolist() == [0, 0, 2, 2, 4]
