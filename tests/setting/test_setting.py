"""The setting lexicon against known answers and real poems, its decoding bias, and the ranking."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tangshi.decoding.processor import Step
from tangshi.decoding.processors.setting import SETTING_STRENGTH, Setting, SettingTable
from tangshi.setting import AXES
from tangshi.setting.lexicon import MARKERS, clashes, expand, load, names, reading, summary


def test_markers_name_their_class_and_compounds_name_nothing() -> None:
    assert names("春風又綠江南岸") == {"season": {"春"}, "daytime": set(), "place": {"江南"}}
    assert names("千秋萬歲名，春秋多佳日")["season"] == set()  # the years, not seasons
    assert names("青春作伴好還鄉")["season"] == set()         # youth
    assert names("歲暮陰陽催短景") == {"season": {"冬"}, "daytime": set(), "place": set()}  # the year's end, not dusk
    assert names("夜郎西")["daytime"] == set()                 # a place
    assert reading("秋夜寄邱員外") == {"season": "秋", "daytime": "夜", "place": None}
    assert reading("春秋") == {"season": None, "daytime": None, "place": None}
    assert names("晓来")["daytime"] == {"晨"}


def test_a_clash_is_the_lines_against_the_title_or_against_each_other() -> None:
    # the reader's example: the title says 冬日 and the lines say 秋夜
    assert clashes("冬日", ["秋夜雨聲寒", "孤燈照客眠"]) == [{"axis": "season", "title": ["冬"], "lines": ["秋"]}]
    assert clashes("山行", ["春雨千峰外", "秋風一葉前"]) == [{"axis": "season", "title": [], "lines": ["春", "秋"]}]
    assert clashes("冬日", ["雪滿千山路", "寒侵一夜衣"]) == []   # the title's season, and one hour
    assert clashes("春雨秋風", ["春草生池上", "秋風起渭濱"]) == []   # a title naming both asks for both
    assert clashes("九日登高", ["春風吹客衣"]) == [{"axis": "season", "title": ["秋"], "lines": ["春"]}]  # 重陽
    # 靜夜思: night in the title and in the lines; nothing clashes
    assert clashes("靜夜思", ["床前明月光", "疑是地上霜", "舉頭望明月", "低頭思故鄉"]) == []
    figures = summary([["春雨千峰外", "秋風一葉前"], ["雪滿千山路", "寒侵一夜衣"]], ["山行", "冬日"])
    assert figures["clash"] == 0.5 and figures["clash_season"] == 0.5 and figures["clash_place"] == 0.0


def test_the_shipped_lexicon_grows_each_season_from_its_titles() -> None:
    lex = load()
    for axis in AXES:
        markers = {c for words in MARKERS[axis].values() for w in words if len(w) == 1 for c in w}
        grown = [c for chars in lex.expanded[axis].values() for c in chars]
        assert len(grown) == len(set(grown)), f"{axis}: a character in two classes"
        assert not markers & set(grown), f"{axis}: a marker expanded again"
    assert all(lex.expanded["season"][s] for s in AXES["season"])
    assert "鶯" in lex.expanded["season"]["春"] and "砧" in lex.expanded["season"]["秋"]
    assert "雪" in lex.expanded["season"]["冬"]
    weights = lex.weights("season")
    assert weights["秋"]["秋"] == 2.0 and weights["秋"]["砧"] == 1.0


def test_expansion_finds_what_a_class_s_poems_over_use() -> None:
    poems = [("春日", "鶯啼綠樹間")] * 30 + [("秋日", "雁過碧天高")] * 30 + [("山中", "白雲生谷口")] * 30
    lex, report = expand(poems, min_z=2.0, min_labelled=10)
    assert "鶯" in lex.expanded["season"]["春"] and "雁" in lex.expanded["season"]["秋"]
    assert report["labelled"]["season:春"] == 30


def _step(used: np.ndarray) -> Step:
    return Step(0, 0, None, None, used)


def test_the_bias_keeps_out_the_markers_of_a_setting_not_in_force() -> None:
    chars = ["春", "秋", "夜", "曉", "山"]
    table = SettingTable(chars)

    class Cfg:
        setting_strength = None

    class Setup:
        titles = ("秋夜", "山行")
        rows = 2
        cfg = Cfg()

    proc = Setting.create(Setup(), table)
    used = np.zeros((2, len(chars)), dtype=bool)
    bias = proc.bias(_step(used))
    assert bias[0].tolist() == [-SETTING_STRENGTH, 0, 0, -SETTING_STRENGTH, 0]  # autumn, night: not 春, not 曉
    assert bias[1].tolist() == [0] * 5  # the title names nothing, the poem nothing yet
    used[1, 0] = True  # the second poem has said 春
    assert proc.bias(_step(used))[1].tolist() == [0, -SETTING_STRENGTH, 0, 0, 0]
    assert proc.bias(_step(used)) is proc.bias(_step(used))  # nothing new said: the bias kept, not made again
    fresh = Setting.create(Setup(), table)
    fresh.bias(_step(np.zeros((2, len(chars)), dtype=bool)))
    fresh.reorder(torch.tensor([1, 0]))  # the rows swap (a beam step), nothing said yet: the bias follows them
    swapped = fresh.bias(_step(np.zeros((2, len(chars)), dtype=bool)))
    assert swapped[0].tolist() == [0] * 5 and swapped[1].tolist() == [-SETTING_STRENGTH, 0, 0, -SETTING_STRENGTH, 0]
    Cfg.setting_strength = 0.0
    assert Setting.create(Setup(), table) is None


def test_a_poem_reports_its_clashes_and_a_clash_is_not_chosen() -> None:
    """The shipped poet (int8: the same poems on every x86-64 CPU), not one trained here in float32."""
    from tangshi.poet import Poet

    poet = Poet.load()
    for seed in range(3):
        poem = poet.write(form="七律", title="冬夜", seed=seed)[0]
        assert poem.clashes == [] == poem.to_json()["clashes"]
