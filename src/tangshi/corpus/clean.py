"""Cleaning rules and shape labels for one poem; pure functions, no I/O.

- Editorial notes in brackets — （…） (…) 【…】 [...] and the corpus's 〖…〗 {…} — are removed,
  innermost first, so nested notes go too. Unbalanced brackets reject the poem.
- Quotation and title marks (「」『』《》〈〉“”‘’) are dropped; their text stays.
- Punctuation is normalised: every line ends in ， or 。 (odd lines ，, even lines 。),
  whatever ？！；：、 the source used.
- A poem that still holds a placeholder (□ ☐ ○ ● ■ …), a Latin letter, a digit or any
  other non-Han symbol is rejected (``None``).

Shapes (:data:`SHAPES`): 4 or 8 lines of uniform 5 or 7 characters are 绝句/律诗; 10 or more
(an even number) of uniform 5 or 7 are 排律; everything else (古体, 杂言) is 其他. Line breaks,
Han characters and the canonical punctuation are :mod:`tangshi.hanzi`'s.
"""
from __future__ import annotations

import re

from tangshi.hanzi import QUOTES, is_han, join_lines, split_lines

SHAPES = ("五言绝句", "七言绝句", "五言律诗", "七言律诗", "排律", "其他")  # the shape label of a corpus poem
REGULATED = SHAPES[:4]
# The dynasty label of a corpus poem, and the corpus's name for it (poet.<name>.N.json); its index
# is the model's dynasty input. Every figure of tangshi is reported on the first (Tang test poems).
DYNASTIES = {"唐": "tang", "宋": "song"}
TITLE_MAX = 32  # characters of a title the encoder reads (training cuts longer corpus titles; a request may not pass it)
HEADLINE = "唐"

_NOTE = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〖[^〖〗]*〗|\{[^{}]*\}")
_BRACKETS = set("（）()【】[]〖〗{}")


def strip_notes(text: str) -> str | None:
    """Remove bracketed notes, innermost first; ``None`` if brackets do not balance."""
    while True:
        stripped = _NOTE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return None if any(ch in _BRACKETS for ch in text) else text


def han_lines(text: str) -> list[str] | None:
    """Split cleaned text into lines of Han characters; ``None`` if anything else remains."""
    lines = split_lines(text)
    if not lines or not all(is_han(seg) for seg in lines):
        return None
    return lines


def clean_body(paragraphs: list[str]) -> list[str] | None:
    """Paragraphs as in the corpus → lines of Han characters, or ``None`` to drop the poem."""
    text = strip_notes("".join(paragraphs))
    return None if text is None else han_lines(text)


def clean_title(title: str) -> str:
    """A title without notes, quotes or spaces; never rejects (titles are free text)."""
    text = strip_notes(title) or title
    return re.sub(r"\s+", " ", QUOTES.sub("", text)).strip()


def shape_of(lines: list[str]) -> str:
    """Shape label for a poem given as lines (see the module docstring)."""
    lengths = {len(line) for line in lines}
    if len(lengths) != 1 or lengths.pop() not in (5, 7):
        return "其他"
    five = len(lines[0]) == 5
    if len(lines) == 4:
        return "五言绝句" if five else "七言绝句"
    if len(lines) == 8:
        return "五言律诗" if five else "七言律诗"
    if len(lines) >= 10 and len(lines) % 2 == 0:
        return "排律"
    return "其他"


__all__ = ["SHAPES", "REGULATED", "strip_notes", "han_lines", "clean_body", "clean_title", "shape_of", "join_lines"]
