"""The setting lexicon: the words that name a season, a time of day or a place, and what a poem names.

Two tiers, as the mood lexicon (:mod:`tangshi.mood.tagger`):

- **markers**, chosen by hand (:data:`MARKERS`): words that name a class outright (春, 清明, 重陽,
  黃昏, 三更, 玉門 …). They alone decide what a text *names* (:func:`names`), and so the clashes
  (:func:`clashes`), so that a clash is something a reader would point at. The compounds in which a
  marker means something else (:data:`NOT_MARKERS`: 千秋, 春秋, 青春, 歲暮, 夜郎 …) are read as
  nothing;
- **expanded** characters, found on the corpus by :func:`expand` (run by ``scripts/build_setting.py``,
  saved in ``tangshi/setting/data/setting.json``): for each class, the characters most
  over-represented in the lines of poems whose *title* names it, against every other poem — 鶯 柳
  桃 for 春, 砧 雁 for 秋 — by the same log-odds ratio with an informative Dirichlet prior as the
  mood lexicon (:func:`tangshi.metrics.log_odds_z`). They carry a class's look, not its name: the
  decoder weighs them at half a marker's weight (:mod:`tangshi.decoding.processors.setting`), and
  they never make a clash.

Texts in either script: they are read in traditional, the corpus's script.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from tangshi.hanzi import HAN, converter
from tangshi.metrics import log_odds_z
from tangshi.setting import AXES

DATA = Path(__file__).with_name("data") / "setting.json"
FORMAT = "tangshi-setting/1"
# Words naming each class outright (traditional).
MARKERS: dict[str, dict[str, tuple[str, ...]]] = {
    "season": {
        "春": ("春", "桃花", "杏花", "清明", "寒食", "踏青", "柳絮", "上巳", "元日", "人日"),
        "夏": ("夏", "暑", "苦熱", "薰風", "端午", "新荷"),
        "秋": ("秋", "菊", "重陽", "重九", "九日", "蟋蟀", "促織", "寒蛩", "七夕", "中秋"),
        "冬": ("冬", "臘", "歲暮", "除夜", "除夕", "冬至"),
    },
    "daytime": {
        "晨": ("曉", "晨", "曙", "平明", "黎明"),
        "暮": ("暮", "黃昏", "夕陽", "斜陽", "落日", "日落", "薄暮"),
        "夜": ("夜", "宵", "三更", "五更", "半夜", "中夜"),
    },
    "place": {
        "塞": ("塞", "胡笳", "胡兵", "胡騎", "胡沙", "胡天", "胡塵", "胡馬", "烽", "戍", "玉門", "陽關", "輪臺", "陰山", "單于", "交河", "沙場", "邊庭", "邊城"),
        "江南": ("江南", "吳中", "吳門", "吳宮", "瀟湘", "湘水", "湘江", "洞庭", "錢塘", "姑蘇", "會稽", "采蓮", "越溪", "越女"),
    },
}
# Compounds in which a marker names no season, hour or place: read as nothing.
NOT_MARKERS: tuple[str, ...] = (
    "千秋", "萬秋", "春秋", "三秋", "千春", "萬春", "青春", "秋毫", "宜春", "長春", "春申",  # years, youth, names
    "華夏", "夏侯", "夏口",                                                               # China, names
    "歲暮", "暮年", "遲暮", "暮齒", "夜郎", "夜臺", "望江南",                               # old age, names, the grave, a tune
)
EXPAND_K = 30       # expanded characters per class at most
EXPAND_MIN_Z = 4.0  # and only those this far over-represented (z-score of the log-odds ratio)
PRIOR = 500.0       # α0, the strength of the Dirichlet prior
MIN_LABELLED = 400  # a class whose titles label fewer poems is not expanded (its few poems' words are noise)
_BLANK = re.compile("|".join(sorted(NOT_MARKERS, key=len, reverse=True)))
# 歲暮 is a marker of 冬 but blanked for 暮: the season reads it before the blanking
_SEASON_FIRST = ("歲暮",)


def _traditional(text: str) -> str:
    return converter("s2t").convert(text)


def names(text: str) -> dict[str, set[str]]:
    """The classes ``text`` names on each axis, by its markers (either script)."""
    t = _traditional(text)
    out: dict[str, set[str]] = {}
    season_words = [w for w in _SEASON_FIRST if w in t]
    blanked = _BLANK.sub("＊", t)
    for axis, classes in MARKERS.items():
        found = {c for c, words in classes.items() if any(w in blanked for w in words)}
        if axis == "season":
            found |= {c for c, words in classes.items() if any(w in words for w in season_words)}
        out[axis] = found
    return out


def reading(text: str) -> dict[str, str | None]:
    """Per axis, the one class ``text`` names, or None (it names none, or several)."""
    return {axis: next(iter(found)) if len(found) == 1 else None for axis, found in names(text).items()}


def clashes(title: str, lines: Iterable[str]) -> list[dict]:
    """Where a poem's setting contradicts itself or its title: one entry per axis that clashes, with
    the classes the title names and those the lines name. An axis clashes when the title names some
    of its classes and the lines another, or the title names none and the lines two. (A title that
    names two classes asks for both: the lines may name either.)"""
    told = names(title)
    said = names("，".join(lines))
    out = []
    for axis in AXES:
        asked, found = told[axis], said[axis]
        if found - asked if asked else len(found) >= 2:
            out.append({"axis": axis, "title": sorted(asked, key=AXES[axis].index),
                        "lines": sorted(found, key=AXES[axis].index)})
    return out


@dataclass(frozen=True)
class SettingLexicon:
    """Each class's markers and expanded characters, and the build's report."""

    expanded: dict[str, dict[str, str]]  # axis -> class -> characters
    report: dict

    def weights(self, axis: str) -> dict[str, dict[str, float]]:
        """class -> {character: weight}: 2 for a one-character marker, 1 for an expanded character."""
        out = {}
        for cls, words in MARKERS[axis].items():
            w = {c: 1.0 for c in self.expanded[axis].get(cls, "")}
            w.update({word: 2.0 for word in words if len(word) == 1})
            out[cls] = w
        return out


def _han(text: str) -> set[str]:
    return set("".join(HAN.findall(_traditional(text))))


def expand(poems: Iterable[tuple[str, str]], k: int = EXPAND_K, min_z: float = EXPAND_MIN_Z,
           prior: float = PRIOR, min_labelled: int = MIN_LABELLED) -> tuple[SettingLexicon, dict]:
    """The expanded characters of every class (see the module docstring) from ``(title, lines)`` pairs
    of corpus poems: a poem is labelled with the class its title alone names on an axis; a character
    joins a class when it is over-represented (z ≥ ``min_z``, the ``k`` best) in the lines of that
    class's poems against every other poem, and goes to one class of an axis at most. Markers
    themselves are not expanded, nor a class whose titles label fewer than ``min_labelled`` poems."""
    poems = list(poems)
    docs = [_han(body) for _, body in poems]
    labels = [reading(title) for title, _ in poems]
    df_all: Counter = Counter()
    for d in docs:
        df_all.update(d)
    n_all = sum(df_all.values())
    expanded: dict[str, dict[str, str]] = {}
    report: dict = {"poems": len(docs), "labelled": {}, "expanded": {}}
    for axis, classes in MARKERS.items():
        marker_chars = {ch for words in classes.values() for w in words for ch in w if len(w) == 1}
        best: dict[str, tuple[float, str]] = {}
        for cls in classes:
            df_a: Counter = Counter()
            count = 0
            for d, lab in zip(docs, labels):
                if lab[axis] == cls:
                    df_a.update(d)
                    count += 1
            report["labelled"][f"{axis}:{cls}"] = count
            n_a = sum(df_a.values())
            if count < min_labelled:
                continue
            for c, total in df_all.items():
                if c in marker_chars:
                    continue
                ya = df_a.get(c, 0)
                z = log_odds_z(ya, total - ya, n_a, n_all - n_a, prior * total / n_all, prior)
                if z >= min_z and (c not in best or z > best[c][0]):
                    best[c] = (z, cls)
        expanded[axis] = {}
        for cls in classes:
            mine = sorted(((z, c) for c, (z, m) in best.items() if m == cls), reverse=True)[:k]
            expanded[axis][cls] = "".join(c for _, c in mine)
            report["expanded"][f"{axis}:{cls}"] = [[c, round(z, 2)] for z, c in mine]
    return SettingLexicon(expanded, {}), report


def save(lexicon: SettingLexicon, report: dict, path: Path = DATA) -> None:
    """Write the expanded lexicon (atomically) in :data:`FORMAT`, the markers beside it for readers."""
    from tangshi.atomic import write_bytes

    doc = {"format": FORMAT, "markers": {a: {c: list(w) for c, w in cl.items()} for a, cl in MARKERS.items()},
           "not_markers": list(NOT_MARKERS), "expanded": lexicon.expanded, "report": report}
    write_bytes(path, (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode())


@lru_cache(maxsize=1)
def load(path: Path = DATA) -> SettingLexicon:
    """The shipped lexicon."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file")
    return SettingLexicon({a: dict(cl) for a, cl in doc["expanded"].items()}, doc.get("report", {}))


def summary(poems: list[list[str]], titles: list[str] | None = None) -> dict:
    """The share of ``poems`` (lists of lines) that clash on each axis and on any, with their titles
    (``None``: no titles; only clashes among the lines count)."""
    titles = titles if titles is not None else [""] * len(poems)
    found = [clashes(t, p) for t, p in zip(titles, poems)]
    n = max(len(found), 1)
    out = {f"clash_{axis}": sum(any(c["axis"] == axis for c in f) for f in found) / n for axis in AXES}
    out["clash"] = sum(bool(f) for f in found) / n
    return out
