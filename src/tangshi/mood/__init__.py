"""Mood (情感): the tutorial's second outside condition, beside the theme (the title).

The set, and why each mood is in it — the six feelings that anthologies of Tang verse sort poems
by, each with a vocabulary of its own that a reader (and a tagger) can see in the lines:

====  ===========  ==================================================================================
mood  in English   what it covers (the 题材 it is typical of)
====  ===========  ==================================================================================
喜    joy          good news, reunion, festivals, spring delight (闻官军收河南河北: 漫卷诗书喜欲狂)
悲    grief        mourning, the fallen state, laments for the dead (春望, 哭X): tears, 哀, 泣
愁    melancholy   the sorrow of exile, travel and age (羁旅): 愁, 恨, 寂寞, 白发
闲    leisure      the recluse's calm, mountains and fields (山水田园): 閑, 隱, 釣, 禪
壮    heroic       the frontier, the sword, ambition (边塞): 壯, 劍, 將, 萬里
思    longing      homesickness, missing a friend or a lover (思乡怀人): 思, 憶, 歸, 夢
====  ===========  ==================================================================================

Moods overlap in real verse (a frontier poem longs for home); the tagger gives each poem the one
its words lean to most, or none (:mod:`tangshi.mood.tagger`). A model trained with the mood
condition (``ModelConfig.n_moods``) reads the mood's id with the form; id 0 is "none", which the
trainer also feeds for a share of the labelled poems (``TrainConfig.mood_drop``), so that a
request without a mood still writes.

Names are accepted in either script (闲 / 閑, 壮 / 壯); :func:`resolve_mood` gives the canonical
(simplified) name, the one requests and results use.
"""
from __future__ import annotations

from tangshi.errors import InputError

MOODS = ("喜", "悲", "愁", "闲", "壮", "思")  # model ids 1..6; 0 is "no mood"
TRADITIONAL = {"閑": "闲", "閒": "闲", "壯": "壮"}
ENGLISH = {"喜": "joy", "悲": "grief", "愁": "melancholy", "闲": "leisure", "壮": "heroic", "思": "longing"}
GLOSS = {"喜": "欢喜", "悲": "悲伤", "愁": "愁绪", "闲": "闲适", "壮": "豪壮", "思": "思念"}  # each mood in two characters, for menus
BY_ENGLISH = {word: mood for mood, word in ENGLISH.items()}


def resolve_mood(name: str) -> str:
    """A mood by its name in either script (or its English word) → the canonical name (闲, 壮 …)."""
    if not isinstance(name, str):
        raise InputError(f"mood must be a mood's name, not {name!r}", field="mood")
    key = name.strip()
    key = BY_ENGLISH.get(key.lower(), TRADITIONAL.get(key, key))
    if key not in MOODS:
        raise InputError(f"unknown mood {name!r}; choose one of: "
                         + ", ".join(f"{m} ({ENGLISH[m]})" for m in MOODS), field="mood")
    return key


def mood_id(name: str | None) -> int:
    """The model's id of a mood: 0 for none, 1.. for :data:`MOODS` in order."""
    return 0 if name is None else MOODS.index(resolve_mood(name)) + 1
