"""The rules of one line, applied to concrete tones (no 多音字 here: see :mod:`.checker`).

:func:`line_findings` takes a line's tones as a string over ``P``/``Z`` and its expected
:class:`~tangshi.prosody.forms.LineType`, and lists what the rules (docs/rules.md) say about it: wrong tones at the
rhythm positions (2, 4 and 6), the non-rhyming end, 孤平, 三平尾 and the accepted variants (孤平拗救,
特拗, half-拗, big 拗 with its rescue, 三仄尾). Rhyme positions are left to :mod:`.rhyme`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tangshi.prosody.forms import PING, ZE, LineType, opposite

RHYTHM = "rhythm"  # a wrong tone at positions 2/4/6; the checker names it tone, shi_dui or shi_nian


@dataclass(frozen=True)
class Finding:
    """One verdict on a line: ``kind`` (an identifier of docs/rules.md, or ``rhythm``), 1-based ``pos``."""

    kind: str
    pos: int
    error: bool
    detail: str = ""


def _core_findings(c: str, kind: str, base: int, rescued: bool) -> list[Finding]:
    """Rules of the 5-character core ``c`` (0-based string); ``base`` = offset of its position 1."""
    def at(i: int) -> int:  # core position (1-based) -> line position
        return base + i

    out: list[Finding] = []
    if kind == "a":
        if c[3] == ZE:
            out.append(Finding("da_ao_jiu", at(4), False) if rescued else Finding("tone", at(4), True, "big_ao"))
        elif c[2] == ZE:
            out.append(Finding("ban_ao", at(3), False))
    elif kind == "B":
        if c[3] != ZE:
            out.append(Finding(RHYTHM, at(4), True))
        if c[0] == ZE and c[2] == ZE:
            out.append(Finding("gu_ping", at(1), True))
        elif c[0] == ZE:
            out.append(Finding("gu_ping_jiu", at(3), False))
    elif kind == "b":
        out += _b_findings(c, at)
    else:  # A
        if c[3] != PING:
            out.append(Finding(RHYTHM, at(4), True))
        elif c[2] == PING and c[4] == PING:
            out.append(Finding("san_ping_wei", at(3), True))
    return out


def _b_findings(c: str, at) -> list[Finding]:
    """Type b (``*PPZZ``): 特拗 ``PPZPZ``, 三仄尾 ``*PZZZ``."""
    if c[3] == ZE:
        return [Finding("san_ze_wei", at(3), False)] if c[2] == ZE else []
    if c[2] == PING:
        return [Finding(RHYTHM, at(4), True)]
    if c[0] == PING:
        return [Finding("te_ao", at(4), False)]
    return [Finding("tone", at(1), True, "te_ao")]


@lru_cache(maxsize=None)  # a few thousand (tones, line type, rescued) at most; the checker asks each many times
def line_findings(tones: str, ltype: LineType, rescued: bool) -> tuple[Finding, ...]:
    """Findings for concrete ``tones`` (``len == ltype.n``), rhyme position excluded, by position.

    ``rescued``: the next line has 平 at the position that rescues a big 拗 (core position 3).
    """
    assert len(tones) == ltype.n, (tones, ltype)
    base = ltype.n - 5
    core_kind = ltype.core
    out: list[Finding] = []
    if tones[1] != ltype.pos2:
        out.append(Finding(RHYTHM, 2, True))
    if base and tones[base + 1] != opposite(ltype.pos2):
        out.append(Finding(RHYTHM, base + 2, True))
    out += _core_findings(tones[base:], core_kind, base, rescued)
    if ltype.end == ZE and tones[-1] != ZE:
        out.append(Finding("tone", ltype.n, True, "end"))
    return tuple(sorted(out, key=lambda f: f.pos))


def rescue_pos(ltype: LineType) -> int:
    """0-based position whose 平 rescues a big 拗 in the line before (core position 3)."""
    return ltype.n - 3
