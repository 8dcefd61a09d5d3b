"""Forms and tone patterns of regulated verse, generated from the four line types and 粘/对.

A line type is named by the tone of its position 2 and of its last position (``LineType``);
the 5-character types are ``a`` (仄起仄收 ``*Z*PZ``), ``B`` (平起平收 ``PPZZP``), ``b`` (平起仄收
``*PPZZ``) and ``A`` (仄起平收 ``*ZZPP``). A 7-character line puts a 2-character head of the opposite
tone before one of them. A pattern (:class:`Pattern`) is a form with 平起/仄起 and 首句入韵 or not;
its lines follow from 对 (a couplet's lines oppose at position 2), 粘 (a couplet starts with the
position-2 tone of the line before) and the rhyme (even lines, and line 1 when it rhymes, end 平).

Pure data and functions: no lexicon, no checking.
"""
from __future__ import annotations

from dataclasses import dataclass

PING, ZE, FREE = "P", "Z", "*"
TEMPLATES = {"a": "*Z*PZ", "B": "PPZZP", "b": "*PPZZ", "A": "*ZZPP"}  # the table of docs/rules.md


def opposite(tone: str) -> str:
    """``P`` <-> ``Z``."""
    return ZE if tone == PING else PING


@dataclass(frozen=True)
class Form:
    """A regulated form: 五言绝句, 七言绝句, 五言律诗 or 七言律诗."""

    name: str
    n_lines: int
    n_chars: int


FORMS = (Form("五言绝句", 4, 5), Form("七言绝句", 4, 7), Form("五言律诗", 8, 5), Form("七言律诗", 8, 7))
FORM_BY_NAME = {f.name: f for f in FORMS}


def form_for(n_lines: int, n_chars: int) -> Form | None:
    """The form with this shape, or ``None``."""
    return next((f for f in FORMS if (f.n_lines, f.n_chars) == (n_lines, n_chars)), None)


@dataclass(frozen=True)
class LineType:
    """A line by its position-2 tone and last tone (full-line positions), ``n`` characters."""

    pos2: str
    end: str
    n: int

    @property
    def core(self) -> str:
        """The 5-character type of the last five characters: ``a``, ``B``, ``b`` or ``A``."""
        core2 = self.pos2 if self.n == 5 else opposite(self.pos2)
        return {(ZE, ZE): "a", (PING, PING): "B", (PING, ZE): "b", (ZE, PING): "A"}[(core2, self.end)]

    @property
    def template(self) -> str:
        """The standard template (``P``/``Z``/``*`` per position), e.g. ``*P*Z*PZ``."""
        core = TEMPLATES[self.core]
        return core if self.n == 5 else FREE + self.pos2 + core


@dataclass(frozen=True)
class Pattern:
    """A form, 平起 (``start='P'``) or 仄起 (``'Z'``), and whether line 1 rhymes."""

    form: Form
    start: str
    first_rhymes: bool

    @property
    def name(self) -> str:
        return ("平起" if self.start == PING else "仄起") + ("首句入韵" if self.first_rhymes else "首句不入韵")

    @property
    def lines(self) -> tuple[LineType, ...]:
        return line_types(self.form, self.start, self.first_rhymes)

    @property
    def rhyme_lines(self) -> tuple[int, ...]:
        """0-based indices of the lines whose last character rhymes."""
        return tuple(i for i in range(self.form.n_lines) if i % 2 == 1 or (i == 0 and self.first_rhymes))


def line_types(form: Form, start: str, first_rhymes: bool) -> tuple[LineType, ...]:
    """The lines of a pattern, from 对 and 粘 (see the module docstring)."""
    out = []
    pos2 = start
    for i in range(form.n_lines):
        if i > 0:
            pos2 = opposite(pos2) if i % 2 == 1 else pos2  # odd index: 对 with the line before; even: 粘
        rhymes = i % 2 == 1 or (i == 0 and first_rhymes)
        out.append(LineType(pos2, PING if rhymes else ZE, form.n_chars))
    return tuple(out)


def patterns(form: Form | None = None) -> tuple[Pattern, ...]:
    """The four patterns of ``form`` (all sixteen when ``None``)."""
    forms = FORMS if form is None else (form,)
    return tuple(Pattern(f, s, r) for f in forms for s in (PING, ZE) for r in (False, True))


def required_tones(pattern: Pattern) -> tuple[str, ...]:
    """The standard template of each line: ``P``/``Z`` where the tone is fixed, ``*`` where free.

    Positions marked fixed can still take an accepted variant (孤平拗救, 特拗, half-拗, big 拗); the
    checker accepts those and :mod:`tangshi.masks.constraints` lets a decoder use some of them.
    """
    return tuple(t.template for t in pattern.lines)


def free_positions(pattern: Pattern) -> tuple[tuple[int, int], ...]:
    """1-based ``(line, pos)`` of every position the standard templates leave free."""
    return tuple((i + 1, j + 1) for i, t in enumerate(required_tones(pattern)) for j, c in enumerate(t) if c == FREE)


def rhyme_positions(pattern: Pattern) -> tuple[tuple[int, int], ...]:
    """1-based ``(line, pos)`` of the rhyme positions: even lines' ends, and line 1's if it rhymes."""
    return tuple((i + 1, pattern.form.n_chars) for i in pattern.rhyme_lines)
