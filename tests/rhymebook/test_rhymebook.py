"""tangshi.rhymebook.lookup on the shipped data: known counts, group names as writers spell them, the
character view of 看, both scripts, and bad input (one InputError, one line, naming its field)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tangshi.errors import InputError
from tangshi.prosody.lexicon import group_name
from tangshi.prosody.lexicon import load as load_lexicon
from tangshi.rhymebook import find_group, load, lookup
from tangshi.rhymebook.groups import section

# Counted once from the corpus (全唐诗, chinese-poetry 2.0.1, `tangshi corpus build`) by
#   python scripts/build_rhymebook.py --recount 東 看 山 間 中
# as rhymes per group, and the top word with its count.
KNOWN = {
    "東": ({"一東": 417}, {"一東": ["西東", 45]}),
    "看": ({"十四寒": 521, "十五翰": 6}, {"十四寒": ["中看", 25], "十五翰": ["斜看", 3]}),
    "山": ({"十五删": 975}, {"十五删": ["青山", 49]}),
    "間": ({"十五删": 698}, {"十五删": ["人間", 86]}),
    "中": ({"一東": 1355}, {"一東": ["雲中", 59]}),
}


@pytest.mark.parametrize("char", KNOWN)
def test_shipped_counts_are_the_corpus_counts(char):
    book = load()
    counts, top = KNOWN[char]
    assert book.rhyme_counts(char) == counts
    assert {g: book.rhymes[g][char][1][0] for g in counts} == top


@pytest.mark.parametrize("spelling, name", [
    ("一东", "一東"), ("东", "一東"), ("東", "一東"), ("一東", "一東"), ("东韵", "一東"), ("東韻", "一東"),
    ("上平一东", "一東"), ("上平声一东", "一東"), ("平声东", "一東"), ("下平一先", "一先"), ("先", "一先"),
    ("董", "一董"), ("一董", "一董"), ("上声董", "一董"), ("送", "一送"), ("屋", "一屋"), ("入声屋", "一屋"),
    ("入聲一屋", "一屋"), ("青", "九靑"), ("九青", "九靑"), ("真韵", "十一眞"), ("箇", "二十一个"),
    ("豔", "二十九艷"), ("寑", "二十六寢"), ("盐", "十四鹽"), ("十五咸", "十五咸"), (" 阳 ", "七陽"),
])
def test_group_spellings_resolve(spelling, name):
    assert find_group(spelling).name == name
    assert lookup(spelling, script="traditional")["group"]["name"] == name


@pytest.mark.parametrize("spelling", ["二东", "下平一东", "去声一董", "上平", "看", "明月", "东风韵"])
def test_what_names_no_group(spelling):
    assert find_group(spelling) is None


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_every_group_is_found_by_its_own_name_in_both_scripts(script):
    for g in load_lexicon().groups:
        name = group_name(g.name, script)
        for spelling in (name, name[-1] + "韵", f"{section(g)}声{name}"):
            view = lookup(spelling, script=script, kind="group", limit=1)
            assert view["group"]["name"] == name and view["group"]["tone"] == g.tone, spelling


def test_group_view_most_rhymed_first_then_the_unrhymed():
    view = lookup("东", limit=500)
    assert view["kind"] == "group" and view["also_char"] is True
    assert view["group"] == {"name": "一东", "tone": "平", "class": "平", "section": "上平"}
    counts = [c["count"] for c in view["characters"]]
    assert counts == sorted(counts, reverse=True) and counts[-1] == 0
    assert view["shown"] == view["total"] == len(counts)
    assert view["rhymes"] == sum(counts)
    first = view["characters"][0]
    assert first["char"] == "风" and first["words"][0] == {"word": "春风", "count": 131}
    assert len(first["words"]) == 8
    members = {c for c, r in load_lexicon().readings.items() if 0 in r}  # every character the table puts in 一東
    assert members <= {t for c in view["characters"] for t in c["traditional"]}
    assert next(c for c in view["characters"] if c["char"] == "中")["other_groups"] == ["一送"]
    json.dumps(view)


def test_group_view_merges_what_simplifies_alike_and_keeps_traditional_apart():
    zhong = next(c for c in lookup("冬", limit=500)["characters"] if c["char"] == "钟")
    assert sorted(zhong["traditional"]) == ["鍾", "鐘"]
    chars = [c["char"] for c in lookup("冬", script="traditional", limit=500)["characters"]]
    assert "鍾" in chars and "鐘" in chars


def test_a_ze_group_and_the_limit():
    view = lookup("屋", limit=3)
    assert view["group"] == {"name": "一屋", "tone": "入", "class": "仄", "section": "入"}
    assert view["shown"] == 3 < view["total"] and view["also_char"] is True
    assert view["characters"][0]["count"] > 0


def test_character_view_of_kan_has_a_ping_and_a_ze_reading_with_examples():
    view = lookup("看")
    assert view["kind"] == "char" and view["polyphonic"] and view["also_group"] is None
    readings = {r["class"]: r for r in view["readings"]}
    assert set(readings) == {"平", "仄"}
    assert readings["平"]["group"] == "十四寒" and readings["仄"]["group"] == "十五翰"
    assert readings["平"]["rhymes"] == 521 and view["rhymes"] == 527
    for reading in readings.values():
        assert reading["examples"]
        for e in reading["examples"]:
            assert e["line"][e["pos"] - 1] == "看" and e["settled_by"] in ("rhyme", "tone") and e["title"]
    assert readings["平"]["examples"][0]["settled_by"] == "rhyme"
    json.dumps(view)


def test_character_view_in_both_scripts():
    simp, trad = lookup("长"), lookup("長", script="traditional")
    assert simp["char"] == "长" and trad["char"] == "長" == simp["traditional"]
    assert [r["group"] for r in simp["readings"]] == ["七阳", "二十二养", "二十三漾"]
    assert [r["group"] for r in trad["readings"]] == ["七陽", "二十二養", "二十三漾"]
    assert "長" not in json.dumps(simp, ensure_ascii=False).replace('"traditional": "長"', "")
    assert trad["class_examples"]["仄"]  # 長 has one 平 group, and 仄 ones in 養 and 漾


def test_a_group_name_as_a_character_and_a_character_without_examples():
    view = lookup("东", kind="char")
    assert view["kind"] == "char" and view["also_group"] == "一东" and not view["polyphonic"]
    assert view["rhymes"] == 417 and view["readings"][0]["examples"] == []
    assert lookup("一东", kind="group")["kind"] == "group"


BAD = [
    (dict(query=""), "q", "empty"),
    (dict(query="   "), "q", "empty"),
    (dict(query="abc"), "q", "not Chinese"),
    (dict(query="东 风"), "q", "not Chinese"),
    (dict(query="山" * 9), "q", "at most 8"),
    (dict(query="明月"), "q", "neither"),
    (dict(query="𠀋"), "q", "no reading"),
    (dict(query="看", kind="group"), "q", "not the name"),
    (dict(query="一东", kind="char"), "q", "neither"),
    (dict(query=5), "q", "must be text"),
    (dict(query="东", script="latin"), "script", "unknown script"),
    (dict(query="东", kind="word"), "kind", "unknown kind"),
    (dict(query="东", limit=0), "limit", "1..500"),
    (dict(query="东", limit=501), "limit", "1..500"),
    (dict(query="东", limit=True), "limit", "1..500"),
    (dict(query="东", limit="5"), "limit", "1..500"),
]


@pytest.mark.parametrize("kwargs, field, phrase", BAD, ids=[f"{k}" for k, _, _ in BAD])
def test_bad_input_is_one_input_error(kwargs, field, phrase):
    with pytest.raises(InputError) as err:
        lookup(**kwargs)
    assert err.value.field == field
    assert phrase in str(err.value) and "\n" not in str(err.value)


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=0, max_size=10))
def test_any_text_gives_a_view_or_one_input_error(text):
    try:
        view = lookup(text, limit=3)
    except InputError as err:
        assert err.field == "q" and "\n" not in str(err)
    else:
        assert view["kind"] in ("group", "char")
        json.dumps(view)


@settings(max_examples=100, deadline=None)
@given(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
def test_any_common_character_gives_a_view_or_says_the_lexicon_lacks_it(char):
    try:
        view = lookup(char, kind="char")
    except InputError as err:
        assert "no reading" in str(err)
    else:
        assert view["readings"] and view["polyphonic"] == (len(view["readings"]) > 1)
