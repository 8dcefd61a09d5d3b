"""Rhyme: the poem's 平水韵 group, its neighbours (鄰韻), and the verdict at each rhyme position.

Neighbouring groups are the data table ``data/lin_yun.json`` (with its source). A rhyme must be 平
and in the poem's group; line 1 may borrow a neighbouring group (``lin_yun``, a note); elsewhere a
different group is ``chu_yun``. In strict mode a rhyme character may not also read 仄.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from tangshi.prosody.lexicon import P, Z, Lexicon, _read_json, load


@lru_cache(maxsize=1)
def neighbours() -> dict[int, frozenset[int]]:
    """Group index -> the indices of its neighbouring 平 groups (itself excluded)."""
    lex = load()
    out: dict[int, frozenset[int]] = {}
    for names in _read_json("lin_yun.json")["sets"]:
        ids = {lex.group(n).index for n in names}
        for gid in ids:
            out[gid] = frozenset(ids - {gid})
    return out


def choose_group(lex: Lexicon, even_ends: Sequence[str], first_end: str) -> int | None:
    """The 平 group most even-line ends share (line 1's end breaks ties); ``None`` if none reads 平."""
    votes: Counter = Counter()
    for char in even_ends:
        for gid in set(lex.lookup(char)):
            if lex.groups[gid].ping:
                votes[gid] += 2
    for gid in set(lex.lookup(first_end)):
        if gid in votes:
            votes[gid] += 1
    return max(votes, key=lambda g: (votes[g], -g)) if votes else None


def ze_group(lex: Lexicon, even_ends: Sequence[str]) -> int | None:
    """The 仄 group most even-line ends share (to name the group of a 仄-rhymed poem)."""
    votes = Counter(g for c in even_ends for g in set(lex.lookup(c)) if not lex.groups[g].ping)
    return max(votes, key=lambda g: (votes[g], -g)) if votes else None


def is_ze_rhymed(lex: Lexicon, even_ends: Sequence[str]) -> bool:
    """More even-line ends read only 仄 than can read 平 (e.g. 春晓: 晓 鸟 少)."""
    masks = [lex.tone_mask(c) for c in even_ends]
    only_ze = sum(m == Z for m in masks)
    return only_ze > sum(bool(m & P) for m in masks)


@dataclass(frozen=True)
class RhymeVerdict:
    """The verdict at one rhyme position: ``kind`` is ``None`` when it rhymes cleanly."""

    kind: str | None
    error: bool
    detail: str = ""


def judge(lex: Lexicon, char: str, group: int, first_line: bool, strict: bool, mask: int | None = None) -> RhymeVerdict:
    """Is ``char`` (traditional) a good rhyme in ``group``? ``mask``: its tone mask as read in context."""
    mask = lex.tone_mask(char) if mask is None else mask
    if mask == 0:
        return RhymeVerdict(None, False)  # reported as unknown_char
    ping = {g for g in lex.lookup(char) if lex.groups[g].ping} if mask & P else set()
    if not ping:
        return RhymeVerdict("tone", True, "rhyme_ze")
    if group not in ping:
        if first_line and ping & neighbours().get(group, frozenset()):
            return RhymeVerdict("lin_yun", False)
        return RhymeVerdict("chu_yun", True)
    if mask & Z:
        return RhymeVerdict("tone", True, "rhyme_ambiguous") if strict else RhymeVerdict("ambiguous", False)
    return RhymeVerdict(None, False)
