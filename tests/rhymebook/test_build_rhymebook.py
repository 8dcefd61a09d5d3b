"""scripts/build_rhymebook.py: its counting on hand-made lists of real poems (known answers), its file
(deterministic, written whole) on the fixture corpus, and the shipped file against the corpus."""
from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from tangshi.prosody import check
from tangshi.prosody.lexicon import load as load_lexicon

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_rhymebook.py"


def _builder():
    spec = importlib.util.spec_from_file_location("build_rhymebook", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _builder()
LEX = load_lexicon()

JINGYESI = ("床前明月光", "疑是地上霜", "舉頭望明月", "低頭思故鄉")  # line 1 rhymes: 光 is 平 only
GUANQUE = ("白日依山盡", "黃河入海流", "欲窮千里目", "更上一層樓")  # line 1 ends in 仄: no rhyme
CHUNXIAO = ("春眠不覺曉", "處處聞啼鳥", "夜來風雨聲", "花落知多少")  # 仄-rhymed; 曉 is 仄 only
BAIDI = ("朝辭白帝彩雲間", "千里江陵一日還", "兩岸猿聲啼不住", "輕舟已過萬重山")  # 間 平/仄, read 平 here
JIANGBIAN = ("江邊踏青罷", "迴首見旌旗", "風起春城暮", "高樓鼓角悲")  # 罷 has a 四支 reading, read 仄 here
NO_RHYME = ("春風吹柳條", "江上一輪月", "孤舟何處去", "白雲滿青山")  # 月 (六月) and 山 (十五删) share no group
FIVE_LINES = JINGYESI + ("床前明月光",)  # not a 绝句 or 律诗 shape
CHUYUN = ("孤城落日邊", "秋色滿關東", "山高雲不盡", "落葉滿秋風",
          "獨坐思千古", "清猿嘯月中", "何年歸故里", "白髮對嚴冬")  # 3 of 4 in 一東; 冬 (二冬) is 出韵

POEMS = [JINGYESI, GUANQUE, CHUNXIAO, BAIDI, JIANGBIAN, NO_RHYME, FIVE_LINES, CHUYUN]


def _plain(counts) -> dict:
    return {g: {c: dict(w) for c, w in chars.items()} for g, chars in counts.items()}


def test_rhyme_counts_of_known_poems():
    assert _plain(build.count_rhymes(POEMS, LEX)) == {
        "七陽": {"光": {"月光": 1}, "霜": {"上霜": 1}, "鄉": {"故鄉": 1}},
        "十一尤": {"流": {"海流": 1}, "樓": {"層樓": 1}},
        "十七筱": {"曉": {"覺曉": 1}, "鳥": {"啼鳥": 1}, "少": {"多少": 1}},
        "十五删": {"間": {"雲間": 1}, "還": {"日還": 1}, "山": {"重山": 1}},
        "四支": {"旗": {"旌旗": 1}, "悲": {"角悲": 1}},
        "一東": {"東": {"關東": 1}, "風": {"秋風": 1}, "中": {"月中": 1}},
    }


def test_counts_add_up_and_words_are_the_last_two_characters():
    counts = build.count_rhymes([JINGYESI, JINGYESI, BAIDI], LEX)
    assert counts["七陽"]["光"] == Counter({"月光": 2})
    assert sum(sum(w.values()) for chars in counts.values() for w in chars.values()) == 9


def test_rhyme_group_and_rhyming_lines():
    assert build.rhymes_of(LEX, JINGYESI) == (LEX.group("七陽").index, [0, 1, 3])
    assert build.rhymes_of(LEX, GUANQUE) == (LEX.group("十一尤").index, [1, 3])
    assert build.rhymes_of(LEX, JIANGBIAN) == (LEX.group("四支").index, [1, 3])
    assert build.rhymes_of(LEX, NO_RHYME) == (None, [])
    assert build.rhymes_of(LEX, CHUYUN) == (LEX.group("一東").index, [1, 3, 5])


def test_a_polyphone_ending_an_even_line_is_settled_by_the_other_ends():
    assert build.settled_by_rhyme(LEX, CHUNXIAO) == [(3, 4, "十七筱")]  # 少 (筱 or 嘯) beside 鳥 (筱)
    assert build.settled_by_rhyme(LEX, BAIDI) == [(1, 6, "十五删")]  # 還 (删 or 先) beside 山 (删)
    assert build.settled_by_rhyme(LEX, CHUYUN) == []  # 中: the other ends share no group (冬 is 出韵)
    assert build.settled_by_rhyme(LEX, ("看花", "看月")) == []  # not a regulated shape


def test_a_polyphone_on_a_fixed_position_of_a_passing_poem_is_settled_by_its_tone():
    report = check("，".join(BAIDI), mode="lenient")
    assert report.ok
    # line 3's 不 is alone on a fixed position; line 4 holds two (過 and 重), which might trade tones
    assert build.settled_by_tone(LEX, BAIDI, report) == [(2, 5, "Z")]
    failing = check("，".join(NO_RHYME), mode="lenient")
    assert build.settled_by_tone(LEX, NO_RHYME, failing) == []


def test_a_tone_settled_example_is_filed_under_its_one_group_or_its_class():
    assert build.reading_key(LEX, "看", "P") == "十四寒"
    assert build.reading_key(LEX, "看", "Z") == "十五翰"
    assert build.reading_key(LEX, "重", "P") == "二冬"
    assert build.reading_key(LEX, "重", "Z") == "仄"  # 二腫 or 二宋
    assert build.reading_key(LEX, "行", "P") == "平"  # 七陽 or 八庚


def test_examples_put_a_rhyme_first_then_known_poets_one_line_each():
    fame = Counter({"白居易": 3, "杜甫": 2, "李白": 1})
    cands = [("tone", 0, "白居易", "甲", 1), ("rhyme", 5, "", "乙", 4), ("tone", 2, "杜甫", "丙", 2),
             ("tone", 3, "白居易", "丁", 1), ("rhyme", 4, "李白", "戊", 4), ("tone", 6, "杜甫", "甲", 3)]
    assert [c[3] for c in build.pick_examples(cands, fame)] == ["戊", "甲", "丙"]
    assert [c[3] for c in build.pick_examples(cands[:1] + cands[3:4], fame)] == ["甲"]  # one per poet


def test_the_build_on_the_fixture_corpus_is_deterministic_and_written_whole(fixture_home, tmp_path, monkeypatch):
    out = tmp_path / "data" / "rhymebook.json.gz"
    monkeypatch.setattr(sys, "argv", ["build_rhymebook.py", "--home", str(fixture_home), "--out", str(out)])
    assert build.main() == 0
    first = out.read_bytes()
    assert build.main() == 0
    assert out.read_bytes() == first
    assert [p.name for p in out.parent.iterdir()] == ["rhymebook.json.gz"]  # no temporary file left
    doc = json.loads(gzip.decompress(first))
    assert doc["format"] == "tangshi-rhymebook/1"
    poems = build.tang_poems(fixture_home)
    counts = build.count_rhymes(p.lines for p in poems)
    assert doc["rhymes"] == {g: {c: build._entry(w) for c, w in chars.items()} for g, chars in counts.items()}
    assert doc["source"]["rhymes"] == sum(sum(w.values()) for chars in counts.values() for w in chars.values()) > 0
    assert doc["examples"] and doc["poems"]
    for char, keys in doc["examples"].items():
        assert build.polyphonic(LEX, char)
        for key, examples in keys.items():
            assert 1 <= len(examples) <= build.EXAMPLES
            for poem, line, pos, how in examples:
                assert line[pos - 1] == char and how in ("rhyme", "tone") and doc["poems"][poem]


def test_the_shipped_file_matches_a_recount_of_the_corpus():
    from tangshi import paths
    from tangshi.rhymebook import load

    if not paths.dataset_path().is_file():
        pytest.skip(f"no built corpus at {paths.dataset_path()} (tangshi corpus fetch && tangshi corpus build)")
    chars = ["東", "看", "間", "重", "寒"]
    shipped = load()
    recounted = build.recount(chars)
    for char in chars:
        assert {g: shipped.rhymes[g][char] for g in shipped.rhyme_counts(char)} == recounted[char], \
            f"{char}: the shipped rhyme book differs from the corpus; rebuild it: python scripts/build_rhymebook.py"
