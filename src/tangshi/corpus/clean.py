"""Cleaning rules and shape labels for one poem; pure functions, no I/O.

- Editorial notes in brackets — （…） (…) 【…】 [...] and the corpus's 〖…〗 {…} — are removed,
  innermost first, so nested notes go too. Unbalanced brackets reject the poem.
- Quotation and title marks (「」『』《》〈〉“”‘’) are dropped; their text stays.
- Punctuation is normalised: every line ends in ， or 。 (odd lines ，, even lines 。),
  whatever ？！；：、 the source used.
- A poem that still holds a placeholder (□ ☐ ○ ● ■ …), a Latin letter, a digit or any
  other non-Han symbol is rejected (``None``).

Shapes: 4 or 8 lines of uniform 5 or 7 characters are 绝句/律诗; 10 or more (an even
number) of uniform 5 or 7 are 排律; everything else (古体, 杂言) is 其他.
"""
from __future__ import annotations

import re

FORMS = ("五言绝句", "七言绝句", "五言律诗", "七言律诗", "排律", "其他")
REGULATED = FORMS[:4]
SHORT_NAMES = {"五绝": "五言绝句", "七绝": "七言绝句", "五律": "五言律诗", "七律": "七言律诗"}

_NOTE = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〖[^〖〗]*〗|\{[^{}]*\}")
_BRACKETS = set("（）()【】[]〖〗{}")
_QUOTES = re.compile(r"[「」『』《》〈〉“”‘’\"'…·]")
LINE_BREAK = re.compile(r"[，。！？；：、,.!?;:\s]+")
# Han ideographs: URO, extension A, compatibility, and the supplementary planes (ext. B+).
HAN_CHAR = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
HAN = re.compile(HAN_CHAR + "+")  # one or more Han characters


def strip_notes(text: str) -> str | None:
    """Remove bracketed notes, innermost first; ``None`` if brackets do not balance."""
    while True:
        stripped = _NOTE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return None if any(ch in _BRACKETS for ch in text) else text


def split_lines(text: str) -> list[str] | None:
    """Split cleaned text into lines of Han characters; ``None`` if anything else remains."""
    text = _QUOTES.sub("", text)
    lines = [seg for seg in LINE_BREAK.split(text) if seg]
    if not lines or not all(HAN.fullmatch(seg) for seg in lines):
        return None
    return lines


def clean_body(paragraphs: list[str]) -> list[str] | None:
    """Paragraphs as in the corpus → lines of Han characters, or ``None`` to drop the poem."""
    text = strip_notes("".join(paragraphs))
    return None if text is None else split_lines(text)


def clean_title(title: str) -> str:
    """A title without notes, quotes or spaces; never rejects (titles are free text)."""
    text = strip_notes(title) or title
    return re.sub(r"\s+", " ", _QUOTES.sub("", text)).strip()


def join_lines(lines: list[str]) -> str:
    """Canonical body: odd lines end in ，, even lines in 。 (a last odd line ends in 。)."""
    parts = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        parts.append(line + ("。" if i % 2 == 1 or last else "，"))
    return "".join(parts)


def classify(lines: list[str]) -> str:
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
