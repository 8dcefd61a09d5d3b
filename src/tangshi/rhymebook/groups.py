"""The 106 groups of 平水韵 by the names writers give them; no counting, no corpus.

A name is an optional section (上平, 下平, 平, 上, 去, 入, each with or without 声/聲), an optional
number, the group's own character, and an optional 韵/韻/部: 一东, 东, 東, 一東, 东韵, 上平一东,
下平一先, 董, 一董, 上声董, 送, 入声屋. The character may be written in either script or as the
variant books use (靑/青, 眞/真, 箇/个, 豔/艷, 寑/寢). A number or section that is given must be the
group's own: 二东 and 下平一东 name nothing. The lexicon (tangshi.prosody.lexicon) names the groups.
"""
from __future__ import annotations

import re
from functools import lru_cache

from tangshi.hanzi import converter
from tangshi.prosody.lexicon import Group, group_name, load

NUMERALS = "一二三四五六七八九十"
_NAME = re.compile(rf"^(?:(?P<section>上平|下平|平|上|去|入)[声聲]?)?(?P<number>[{NUMERALS}]*)(?P<char>.)[韵韻部]?$")
# Spellings of a group's character that neither OpenCC nor the lexicon's variants give.
ALIASES = {"寑": "寢"}


def section(group: Group) -> str:
    """上平, 下平 (the first and second 15 平 groups), 上, 去 or 入."""
    if not group.ping:
        return group.tone
    return "上平" if group.index < 15 else "下平"


def number(group: Group) -> str:
    """The group's number within its section, as written: 一, 十五, 二十一."""
    return group.name[:-1]


@lru_cache(maxsize=1)
def _by_char() -> dict[str, int]:
    """Every spelling of a group's character -> the group's index (each spelling names one group)."""
    lex = load()
    t2s = converter("t2s")
    out: dict[str, int] = {}
    for g in lex.groups:
        own = g.name[-1]
        spellings = {own, t2s.convert(own), group_name(g.name, "simplified")[-1]}
        spellings |= {v for v, (present, _) in lex.variants.items() if present == own}
        spellings |= {a for a, b in ALIASES.items() if b == own}
        for s in spellings:
            assert out.get(s, g.index) == g.index, f"{s} spells two groups"
            out[s] = g.index
    return out


def _group_of_char(char: str) -> int | None:
    table = _by_char()
    for form in (char, converter("s2t").convert(char), converter("t2s").convert(char)):
        if form in table:
            return table[form]
    return None


def find_group(name: str) -> Group | None:
    """The group ``name`` names (see the module docstring), or ``None`` if it names none."""
    m = _NAME.match(name.strip())
    if m is None:
        return None
    gid = _group_of_char(m["char"])
    if gid is None:
        return None
    group = load().groups[gid]
    if m["number"] and m["number"] != number(group):
        return None
    wanted = m["section"]
    if wanted and wanted != section(group) and not (wanted == "平" and group.ping):
        return None
    return group

