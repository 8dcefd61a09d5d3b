"""Han text, the pieces every part of tangshi shares: characters, line breaks, scripts.

Torch-free and free of any other tangshi module, so the corpus builder, the checker, the poet
and the server all read text the same way:

- :data:`HAN_CHAR` / :data:`HAN`: a Han ideograph (the unified blocks, extension A, the
  compatibility block and the supplementary planes) / a run of them;
- :func:`split_lines`: text → its lines, cut at any of :data:`LINE_BREAK` (，。！？；：、 in full
  or ASCII width, and whitespace), with quotation and title marks dropped and invisible
  characters (a byte-order mark, zero-width spaces and joiners) removed first;
- :func:`join_lines`: the canonical body, odd lines ending in ，, even lines in 。;
- :data:`SHORT_NAMES`: 五绝 七绝 五律 七律 for the four regulated forms;
- :func:`converter`: the one cache of OpenCC converters (``s2t``, ``t2s``);
- :func:`s2t_aligned`: text in traditional characters, one for one (the same length).

Nothing here judges prosody or touches a model.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Han ideographs: URO, extension A, compatibility, and the supplementary planes (ext. B+).
HAN_CHAR = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
HAN = re.compile(HAN_CHAR + "+")  # one or more Han characters
LINE_BREAK = re.compile(r"[，。！？；：、,.!?;:\s]+")  # \s includes the ideographic space U+3000
QUOTES = re.compile(r"[「」『』《》〈〉“”‘’\"'…·]")
# A byte-order mark, zero-width space / non-joiner / joiner, word joiner, soft hyphen: text pasted
# from a web page or saved by an editor carries them, and a reader never sees them.
INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
SHORT_NAMES = {"五绝": "五言绝句", "七绝": "七言绝句", "五律": "五言律诗", "七律": "七言律诗"}


def strip_invisible(text: str) -> str:
    """``text`` without the characters of :data:`INVISIBLE`."""
    return INVISIBLE.sub("", text)


def split_lines(text: str) -> list[str]:
    """The non-empty lines of ``text`` (see the module docstring); nothing is rejected here."""
    return [seg for seg in LINE_BREAK.split(QUOTES.sub("", strip_invisible(text))) if seg]


def join_lines(lines: list[str]) -> str:
    """Canonical body: odd lines end in ，, even lines in 。 (a last odd line ends in 。)."""
    parts = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        parts.append(line + ("。" if i % 2 == 1 or last else "，"))
    return "".join(parts)


def is_han(text: str) -> bool:
    """True when ``text`` is one or more Han characters and nothing else."""
    return HAN.fullmatch(text) is not None


def in_common_repertoire(char: str) -> bool:
    """True for a character of the CJK Unified Ideographs block (U+4E00–U+9FFF).

    The block every Chinese font covers; the extension blocks (e.g. 𣸣 U+23E23, 𫐌 U+2B40C,
    which OpenCC gives as the simplified forms of 濆 and 軿) are missing from most of them.
    """
    return "\u4e00" <= char <= "\u9fff"


@lru_cache(maxsize=4)
def converter(config: str):
    """The OpenCC converter for ``config`` (``s2t`` or ``t2s``), built once per process."""
    import opencc  # imported lazily: only script conversion needs it

    return opencc.OpenCC(config)


def s2t_aligned(text: str, phrases: bool = True) -> str:
    """``text`` through OpenCC ``s2t``, character for character: the whole text at once when
    ``phrases`` (so that phrases pick 發/髮), one character at a time when a phrase rule changed the
    length or ``phrases`` is off; a character that converts to several is kept as it is."""
    if phrases:
        whole = converter("s2t").convert(text)
        if len(whole) == len(text):
            return whole
    return "".join(c2 if len(c2 := converter("s2t").convert(c)) == 1 else c for c in text)
