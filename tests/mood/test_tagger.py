"""The mood set and the tagger: names in either script, real poems tagged as a reader would,
the corpus expansion's own guarantees, and the shipped lexicon."""
from __future__ import annotations

import pytest

from tangshi.errors import InputError
from tangshi.mood import MOODS, mood_id, resolve_mood
from tangshi.mood.tagger import SEEDS, decide, expand, load, seed_lexicon, mood_of


@pytest.mark.parametrize("name, canonical", [("闲", "闲"), ("閑", "闲"), ("閒", "闲"), ("壯", "壮"), ("leisure", "闲"),
                                             (" 思 ", "思"), ("Joy", "喜")])
def test_moods_are_named_as_users_write_them(name: str, canonical: str) -> None:
    assert resolve_mood(name) == canonical


def test_an_unknown_mood_names_the_choices() -> None:
    with pytest.raises(InputError, match="unknown mood '乐'; choose one of: 喜 \\(joy\\), 悲") as err:
        resolve_mood("乐")
    assert err.value.field == "mood"


def test_mood_ids() -> None:
    assert mood_id(None) == 0 and [mood_id(m) for m in MOODS] == [1, 2, 3, 4, 5, 6] and mood_id("閑") == 4


# Poems whose mood no reader disputes (the lines only; the tagger does not read titles).
KNOWN = [
    ("思", "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。"),  # 李白《静夜思》
    ("壮", "秦時明月漢時關，萬里長征人未還。但使龍城飛將在，不教胡馬度陰山。"),  # 王昌龄《出塞》
    ("闲", "千山鳥飛絕，萬徑人蹤滅。孤舟蓑笠翁，獨釣寒江雪。"),  # 柳宗元《江雪》
    ("喜", "劍外忽傳收薊北，初聞涕淚滿衣裳。卻看妻子愁何在，漫卷詩書喜欲狂。"
           "白日放歌須縱酒，青春作伴好還鄉。即從巴峽穿巫峽，便下襄陽向洛陽。"),  # 杜甫《闻官军收河南河北》
    ("思", "君自故鄉來，應知故鄉事。來日綺窗前，寒梅著花未。"),  # 王维《杂诗》
]


@pytest.mark.parametrize("mood, text", KNOWN)
def test_real_poems_are_tagged_as_readers_read_them(mood: str, text: str) -> None:
    assert mood_of(text) == mood


def test_either_script_tags_the_same() -> None:
    assert mood_of("床前明月光，疑是地上霜。举头望明月，低头思故乡。") == "思"


def test_grief_and_sorrow_in_a_lament() -> None:
    """杜甫《春望》: tears and parting in a fallen capital — grief or melancholy, never joy."""
    text = "國破山河在，城春草木深。感時花濺淚，恨別鳥驚心。烽火連三月，家書抵萬金。白頭搔更短，渾欲不勝簪。"
    assert mood_of(text) in ("悲", "愁")


def test_no_mood_when_the_lines_name_none_or_two() -> None:
    assert mood_of("白日依山盡，黃河入海流。欲窮千里目，更上一層樓。") is None
    assert decide({"喜": 4.0, "悲": 4.0}) is None  # a tie is no mood
    assert decide({"喜": 2.0, "悲": 0.0}) is None  # below the threshold


def test_expansion_finds_what_co_occurs_with_the_seeds() -> None:
    """A toy corpus where 劍 (a 壮 seed) always comes with 旗 and 鼓: both join 壮, nothing else does."""
    war = ["劍戰旗鼓征", "旗鼓劍戰將", "征劍旗鼓雄", "劍壯旗鼓戰"] * 10
    other = ["山水雲月風", "雲月山花水", "風花雲山月", "花月水雲山"] * 30
    lexicon, report = expand(war + other, min_z=2.0, prior=10.0)
    expanded = {c for c, _ in report["expanded"]["壮"]}
    assert {"旗", "鼓"} <= expanded
    assert all(not report["expanded"][m] for m in MOODS if m != "壮")  # no seed labels: nothing to expand
    assert lexicon.weights["壮"]["旗"] == 1.0 and lexicon.weights["壮"]["劍"] == 2.0
    assert report["seed_labelled"]["壮"] == 40


def test_the_shipped_lexicon() -> None:
    lexicon = load()
    seeds = seed_lexicon()
    for m in MOODS:
        assert set(SEEDS[m]) <= set(lexicon.weights[m])  # the seeds are all in, at their weight
        assert len(lexicon.weights[m]) > len(seeds.weights[m])  # and the corpus added characters
    chars = [c for m in MOODS for c in lexicon.weights[m]]
    assert len(chars) == len(set(chars))  # a character belongs to one mood at most
    tagged = lexicon.meta["tagged"]
    assert sum(tagged.values()) == lexicon.meta["poems"] and all(tagged[m] > 1000 for m in MOODS)
