"""The contextual reading of 多音字: the model learnt from the corpus, the default check on famous
poems, and what the decoder may now place."""
from __future__ import annotations

import gzip
import json

import pytest

from tangshi.prosody import check
from tangshi.prosody import readings
from tangshi.prosody.readings import ReadingsError

FAMOUS = {  # simplified, as a new user would paste them; each fails the strict mode on a 多音字
    "春望": "国破山河在，城春草木深。感时花溅泪，恨别鸟惊心。烽火连三月，家书抵万金。白头搔更短，浑欲不胜簪。",
    "登高": "风急天高猿啸哀，渚清沙白鸟飞回。无边落木萧萧下，不尽长江滚滚来。"
            "万里悲秋常作客，百年多病独登台。艰难苦恨繁霜鬓，潦倒新停浊酒杯。",
    "锦瑟": "锦瑟无端五十弦，一弦一柱思华年。庄生晓梦迷蝴蝶，望帝春心托杜鹃。"
            "沧海月明珠有泪，蓝田日暖玉生烟。此情可待成追忆，只是当时已惘然。",
    "回乡偶书": "少小离家老大回，乡音无改鬓毛衰。儿童相见不相识，笑问客从何处来。",
    "清明": "清明时节雨纷纷，路上行人欲断魂。借问酒家何处有，牧童遥指杏花村。",
}
HUANGHELOU = ("昔人已乘黄鹤去，此地空余黄鹤楼。黄鹤一去不复返，白云千载空悠悠。"
              "晴川历历汉阳树，芳草萋萋鹦鹉洲。日暮乡关何处是，烟波江上使人愁。")


@pytest.mark.parametrize("title", FAMOUS)
def test_famous_poems_pass_by_default_and_fail_strictly(title):
    report = check(FAMOUS[title])
    assert report.ok and report.mode == "contextual", [e.message for e in report.errors]
    assert not check(FAMOUS[title], "strict").ok


def test_the_reading_is_explained():
    report = check(FAMOUS["春望"])
    notes = [n.message for n in report.notes if n.kind == "reading"]
    assert "「胜」在「不胜」中读平声（十蒸）" in notes
    last = report.to_json()["lines"][7]
    assert last["chosen"][3] == "P" and last["confidence"][3] >= readings.CONFIDENT  # 胜
    assert set(last["chosen"]) <= {"P", "Z", "*"} and all(0 <= c <= 1 for c in last["confidence"])


def test_rule_breakers_still_fail():
    assert check(HUANGHELOU).kinds() == ["tone", "tone", "san_ping_wei"]  # 拗 lines
    assert "ze_rhyme" in check("春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。").kinds()


def test_context_decides_the_reading():
    model = readings.load()
    assert model.p_ping(readings.START, "長", "安") > readings.CONFIDENT  # 長安: cháng
    assert model.p_ping("不", "勝", readings.END) > readings.CONFIDENT  # 不勝: shēng
    assert model.p_ping(None, "不", None) < 1 - readings.CONFIDENT  # 不 reads 仄 anywhere
    assert {"看", "聽"} <= set(model.either)


def test_the_model_beats_the_majority_reading_on_held_out_poems():
    doc = json.loads(gzip.decompress(readings.PATH.read_bytes()))
    for split in ("valid", "test"):
        held = doc["heldout"][split]
        assert held["scored"] > 1000 and held["accuracy"] > held["majority_baseline"] + 0.02
        assert held["confident_accuracy"] > 0.97


def test_rare_rhyme_readings_are_a_note():
    model = readings.load()
    assert model.rare_rhyme("還", "一先") and not model.rare_rhyme("還", "十五删")
    report = check("日暮望乡关，青山去不还。孤舟无远近，一叶下前川。")  # 還 with 先 rhymes
    assert "rare_rhyme" in [n.kind for n in report.notes]


@pytest.mark.parametrize("content", [None, b"not gzip", gzip.compress(b"[1, 2]"),
                                     gzip.compress(json.dumps({"format": "other"}).encode()),
                                     gzip.compress(json.dumps({"format": readings.FORMAT}).encode())])
def test_a_missing_or_corrupt_file_is_one_clear_error(tmp_path, content):
    path = tmp_path / "readings.json.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReadingsError) as err:
        readings.read(path)
    message = str(err.value)
    assert str(path) in message and "scripts/build_readings.py" in message and "\n" not in message
