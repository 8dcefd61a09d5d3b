"""Words and their 对仗 classes for one line of verse, from udkanbun (a classical-Chinese tagger).

udkanbun (Koichi Yasuoka, MIT; PyPI) segments classical Chinese, tags each word with a part of
speech and, for nouns, a semantic class, with its models bundled (it works offline). It reads
traditional characters, so a line is converted first (OpenCC ``s2t``, :func:`tangshi.hanzi.s2t_aligned`).

The tagger is an optional dependency in spirit: it is installed by the README's commands, but if
it is missing (or fails on a line) :func:`tag` raises :class:`Unavailable` and the callers say
that 对仗 could not be scored, and why — checking and writing go on.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from tangshi.duizhang.classes import classify
from tangshi.hanzi import s2t_aligned


_LOCK = threading.Lock()  # one parse at a time: the server checks from several threads


class Unavailable(Exception):
    """The tagger cannot score this line: not installed, or it failed (the message says why)."""


@dataclass(frozen=True)
class Token:
    """One character of a line, with the first position of its word (``start``) and the word's tags."""

    char: str
    start: int
    upos: str
    xpos: str
    cls: str  # the 对仗 class (tangshi.duizhang.classes)


@lru_cache(maxsize=1)
def _model():
    try:
        import udkanbun
    except ImportError as err:
        raise Unavailable(f"the classical-Chinese tagger (udkanbun) is not installed: {err}") from None
    return udkanbun.load()


def available() -> bool:
    """Is the tagger installed and loadable?"""
    try:
        _model()
    except Unavailable:
        return False
    return True


@lru_cache(maxsize=65536)
def tag(line: str) -> tuple[Token, ...]:
    """``line`` (one line of Han characters) as one :class:`Token` per character."""
    trad = s2t_aligned(line)
    try:
        with _LOCK:
            words = [(w.form, w.upos, w.xpos) for w in _model()(trad)[1:]]
    except Unavailable:
        raise
    except Exception as err:  # the parser's own failures on odd input
        raise Unavailable(f"the tagger failed on {line}: {type(err).__name__}: {err}") from None
    if sum(len(form) for form, _, _ in words) != len(line):
        raise Unavailable(f"the tagger's words do not cover {line} character for character")
    out: list[Token] = []
    for form, upos, xpos in words:
        cls, start = classify(form[:1], upos, xpos), len(out)
        out.extend(Token(line[start + j], start, upos, xpos, cls) for j in range(len(form)))
    return tuple(out)
