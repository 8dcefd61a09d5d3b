"""Simplified ↔ traditional: the model and the 平水韵 tables are traditional, users may be either.

Input of either script is mapped into the model's vocabulary (OpenCC ``s2t`` on the whole
string, so phrases choose 發/髮 correctly, falling back to the character as typed); output
is rendered in the script the user asks for (OpenCC ``t2s`` for simplified).
"""
from __future__ import annotations

from functools import lru_cache

from tangshi.corpus.vocab import Vocab
from tangshi.errors import InputError, choice_error

SCRIPTS = ("simplified", "traditional")


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def convert(text: str, script: str) -> str:
    """Any text into ``script`` (OpenCC ``t2s`` or ``s2t``), e.g. for a page's 简/繁 switch."""
    if script not in SCRIPTS:
        raise choice_error("script", script, SCRIPTS)
    return _converter("t2s" if script == "simplified" else "s2t").convert(text)


def render(text: str, script: str) -> str:
    """Model text (traditional) in the requested script."""
    if script not in SCRIPTS:
        raise choice_error("script", script, SCRIPTS)
    return _converter("t2s").convert(text) if script == "simplified" else text


def to_model(text: str, vocab: Vocab) -> tuple[str, list[tuple[str, str]]]:
    """Map user text onto the vocabulary: (mapped text, [(char, converted) the model lacks])."""
    converted = _converter("s2t").convert(text)
    if len(converted) != len(text):  # a phrase rule changed the length: go char by char
        converted = "".join(c2 if len(c2 := _converter("s2t").convert(c)) == 1 else c for c in text)
    out, unknown = [], []
    for orig, conv in zip(text, converted):
        if conv in vocab:
            out.append(conv)
        elif orig in vocab:
            out.append(orig)
        else:
            out.append(orig)
            unknown.append((orig, conv))
    return "".join(out), unknown


def require_known(text: str, vocab: Vocab, what: str) -> str:
    """Like :func:`to_model`, but an unknown character is an error naming it and its conversion."""
    mapped, unknown = to_model(text, vocab)
    if unknown:
        names = ", ".join(f"{o!r}" + (f" (traditional {c!r})" if c != o else "") for o, c in unknown)
        raise InputError(f"the model does not know the character(s) {names} in the {what}")
    return mapped
