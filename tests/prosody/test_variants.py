"""Variants in simplified output: 鴈 → 雁 and the rest of the table, with the same prosody in both scripts."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tangshi.hanzi import converter, join_lines, split_lines
from tangshi.prosody import check
from tangshi.prosody.lexicon import in_gb2312
from tangshi.prosody.lexicon import load, to_traditional
from tangshi.script import convert, from_model, variants

sys.path.insert(0, str(Path(__file__).parent))
from prosody_poems import KNOWN  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "corpus" / "package" / "dist" / "quantangshi"
DATA = ROOT / "src" / "tangshi" / "prosody" / "data" / "simplified_variants.json"


@pytest.mark.parametrize("variant, standard", [("鴈", "雁"), ("劒", "剑"), ("櫂", "棹"), ("簷", "檐"), ("隣", "邻")])
def test_a_variant_is_shown_in_its_standard_form_in_simplified_output(variant, standard):
    assert converter("t2s").convert(variant) == variant  # OpenCC alone keeps it
    assert from_model(variant, "simplified") == standard
    assert convert(f"邊秋一{variant}聲", "simplified") == f"边秋一{standard}声"


def test_traditional_output_keeps_the_model_characters():
    text = "鴈劒櫂簷隣風"
    assert from_model(text, "traditional") == text


def test_a_standard_character_of_its_own_is_not_mapped():
    table = variants()
    for char in "棹雁巳沈瞭畬巉閒":  # standard characters, or variants with a meaning of their own
        assert char not in table
    assert from_model("巳瞭畬", "simplified") == "巳瞭畬"


def test_every_pair_maps_a_non_standard_character_to_a_gb2312_one():
    table = variants()
    assert len(table) == json.loads(DATA.read_text("utf-8"))["count"] > 200
    vocab = set(json.loads((ROOT / "src/tangshi/models/default/model.json").read_text("utf-8"))["vocab"]["chars"])
    for variant, standard in table.items():
        assert variant in vocab and not in_gb2312(variant) and in_gb2312(standard), (variant, standard)
        assert converter("t2s").convert(variant) == variant


def test_every_mapped_pair_keeps_its_readings():
    lex = load()
    for variant, standard in variants().items():
        own = sorted(lex.lookup(variant))
        assert own, variant
        # read as the checker reads a simplified text, and as a text it takes for traditional
        for as_simplified in (True, False):
            shown = to_traditional(standard, simplified=as_simplified)
            assert sorted(lex.lookup(shown)) == own, (variant, standard, shown)


WITH_VARIANTS = [k for k in KNOWN if any(c in variants() for c in k.text)]


@pytest.mark.parametrize("known", WITH_VARIANTS, ids=lambda k: k.title)
@pytest.mark.parametrize("mode", ["contextual", "strict", "lenient"])
def test_a_known_poem_keeps_its_verdict_when_its_variants_are_shown_simplified(known, mode):
    simplified = join_lines([from_model(line, "simplified") for line in split_lines(known.text)])
    assert not any(c in variants() for c in simplified)
    trad, simp = check(known.text, mode), check(simplified, mode)
    assert (simp.ok, simp.pattern, simp.rhyme_group, simp.kinds()) == (trad.ok, trad.pattern, trad.rhyme_group,
                                                                         trad.kinds())


def test_the_known_poems_hold_variants():
    assert {k.title for k in WITH_VARIANTS} >= {"蘇武廟", "江畔獨步尋花七絕句 二"}


def _fixture_poems() -> list[str]:
    poems = []
    for path in sorted(FIXTURE.glob("poet.*.json")):
        poems += ["".join(p["paragraphs"]) for p in json.loads(path.read_text("utf-8"))]
    return poems


def test_a_regulated_poem_with_a_variant_stays_regulated_when_shown_simplified():
    poem = "戍鼓斷人行，邊秋一鴈聲。露從今夜白，月是故鄉明。有弟皆分散，無家問死生。寄書長不達，況乃未休兵。"
    simplified = join_lines([from_model(line, "simplified") for line in split_lines(poem)])
    assert "雁" in simplified and "鴈" not in simplified
    assert check(poem).ok and check(simplified).ok


def _verdicts(report, at: list[tuple[int, int]]) -> list:
    """Pattern, rhyme, errors (the messages name the characters shown) and the tones at ``at``.

    Only the mapped characters' tones are compared: a neighbour's may change for the better, as
    OpenCC's s2t knows the phrase 征旆 (征, 平) but not 征斾 (徵 too, 平 or 仄)."""
    doc = report.to_json()
    return [doc["pattern"], doc["rhyme_group"], [(e["kind"], e["line"], e["pos"]) for e in doc["errors"]],
            [doc["lines"][i]["tones"][k] for i, k in at]]


def test_every_fixture_poem_with_a_variant_keeps_its_verdicts_when_shown_simplified():
    table, t2s = variants(), converter("t2s")
    changed = 0
    for poem in _fixture_poems():
        lines = split_lines(poem)
        if not any(c in table for c in poem) or len(lines) not in (4, 8) or len({len(x) for x in lines}) != 1:
            continue
        opencc_only = join_lines([t2s.convert(line) for line in lines])
        mapped = join_lines([from_model(line, "simplified") for line in lines])
        if mapped == opencc_only:
            continue
        changed += 1
        at = [(i, k) for i, line in enumerate(lines) for k, c in enumerate(line) if c in table]
        before, after = check(opencc_only), check(mapped)
        assert after.ok == before.ok, poem
        assert _verdicts(after, at) == _verdicts(before, at), poem
    assert changed >= 10


def test_the_table_rebuilds_from_its_sources():
    pytest.importorskip("yitizi")
    spec = importlib.util.spec_from_file_location("build_simplified_variants",
                                                  ROOT / "scripts" / "build_simplified_variants.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.render(build.document(build.vocabulary(build.VOCAB))) == DATA.read_text("utf-8")


def test_the_docs_state_the_table_count():
    import tangshi.script

    count = json.loads(DATA.read_text("utf-8"))["count"]
    assert f"{count} characters" in tangshi.script.__doc__
    assert f"**{count}**" in (ROOT / "docs" / "prosody.md").read_text("utf-8")


def test_every_character_the_poet_shows_in_simplified_reads_back() -> None:
    """What the shipped poet writes, shown in simplified script, maps back onto its vocabulary — 闲 to
    閑 (OpenCC's s2t gives 閒), 仑 to 崙 — so a writer can send a poem back to revise it."""
    from tangshi.poet import Poet
    from tangshi.script import from_model, to_model

    vocab = Poet.load().vocab
    chars = [c for c in vocab.chars if len(c) == 1]
    shown = from_model("".join(chars), "simplified")
    mapped, unknown = to_model(shown, vocab)
    assert not unknown
    changed = [(m, s) for m, s in zip(mapped, shown) if from_model(m, "simplified") != s]
    assert len(changed) <= 2, changed  # 馀 reads back as 餘 (shown 余), 縆 as 緪: the same words
    assert to_model("闲", vocab)[0] in ("閑", "閒") and to_model("仑", vocab)[0] in vocab
