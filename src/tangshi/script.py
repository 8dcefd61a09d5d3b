"""Simplified ↔ traditional: the model and the 平水韵 tables are traditional, users may be either.

Input of either script is mapped into the model's vocabulary (OpenCC ``s2t`` on the whole
string, so phrases choose 發/髮 correctly, falling back to the character as typed); output
is shown in the script the user asks for (OpenCC ``t2s`` for simplified).

One rule for simplified output: a character whose simplified form lies outside the CJK Unified
Ideographs block (:func:`tangshi.hanzi.in_common_repertoire`) keeps its traditional form. OpenCC
simplifies 濆 to 𣸣 and 軿 to 𫐌, which most fonts cannot draw; a reader of simplified text reads
濆 and 軿 without trouble.

Another for variants (異體字): OpenCC converts traditional characters, not variants, so 鴈, 劒 and
櫂 would come out as they went in. Simplified output shows the standard form instead (雁, 剑, 棹),
from ``prosody/data/simplified_variants.json``: 290 characters of the model's vocabulary, each a
variant in PyPI ``yitizi`` of exactly one GB 2312 character with the same 平水韵 readings, built and
cited by ``scripts/build_simplified_variants.py`` (docs/prosody.md). Traditional output keeps the
model's characters.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from tangshi.corpus.vocab import Vocab
from tangshi.errors import InputError, choice_error
from tangshi.hanzi import converter, in_common_repertoire, s2t_aligned

SCRIPTS = ("simplified", "traditional")
VARIANTS_FORMAT = "tangshi-simplified-variants/1"


def _check(script: str) -> None:
    if script not in SCRIPTS:
        raise choice_error("script", script, SCRIPTS)


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """Variant → standard simplified form, the packaged table (read once; see the module docstring)."""
    raw = resources.files("tangshi").joinpath("prosody", "data", "simplified_variants.json").read_text("utf-8")
    doc = json.loads(raw)
    assert doc.get("format") == VARIANTS_FORMAT, f"unexpected variant table format {doc.get('format')!r}"
    return doc["map"]


@lru_cache(maxsize=1)
def _variant_table() -> dict[int, str]:
    return str.maketrans(variants())


def simplify(text: str) -> str:
    """``text`` in simplified characters (OpenCC ``t2s``), keeping a character whose simplified
    form is outside the common repertoire and showing a variant OpenCC keeps in its standard
    form (see the module docstring). The result has the length of ``text``."""
    out = converter("t2s").convert(text)
    if len(out) != len(text):  # a phrase rule changed the length: char by char
        out = "".join(s if len(s := converter("t2s").convert(c)) == 1 else c for c in text)
    if not all(in_common_repertoire(s) or s == t for s, t in zip(out, text)):
        out = "".join(s if s == t or in_common_repertoire(s) else t for s, t in zip(out, text))
    return out.translate(_variant_table())


def convert(text: str, script: str) -> str:
    """Any text into ``script`` (``t2s`` as :func:`simplify` does, or ``s2t``), e.g. for a page's 简/繁 switch."""
    _check(script)
    return simplify(text) if script == "simplified" else converter("s2t").convert(text)


def from_model(text: str, script: str) -> str:
    """Model text (traditional) in the requested script."""
    _check(script)
    return simplify(text) if script == "simplified" else text


def to_model(text: str, vocab: Vocab) -> tuple[str, list[tuple[str, str]]]:
    """Map user text onto the vocabulary: (mapped text, [(char, converted) the model lacks]).

    Each character: its ``s2t`` conversion, or itself, or — a simplified character whose conversion
    is another character than the model's (闲: OpenCC gives 閒, the model may know 閑) — the model's
    character that :func:`simplify` shows as it, so that whatever the model wrote and showed in
    simplified script reads back."""
    converted = s2t_aligned(text)
    shown = _shown_as(tuple(vocab.chars))
    out, unknown = [], []
    for orig, conv in zip(text, converted):
        if conv in vocab:
            out.append(conv)
        elif orig in vocab:
            out.append(orig)
        elif orig in shown:
            out.append(shown[orig])
        else:
            out.append(orig)
            unknown.append((orig, conv))
    return "".join(out), unknown


@lru_cache(maxsize=4)
def _shown_as(chars: tuple[str, ...]) -> dict[str, str]:
    """Simplified character → the first of the model's characters :func:`simplify` shows as it."""
    out: dict[str, str] = {}
    singles = [c for c in chars if len(c) == 1]
    for c, s in zip(singles, simplify("".join(singles))):
        out.setdefault(s, c)
    return out


def require_known(text: str, vocab: Vocab, what: str, field: str | None = None) -> str:
    """Like :func:`to_model`, but an unknown character is an error naming it and its conversion."""
    mapped, unknown = to_model(text, vocab)
    if unknown:
        names = ", ".join(f"{o!r}" + (f" (traditional {c!r})" if c != o else "") for o, c in unknown)
        raise InputError(f"the model does not know the character(s) {names} in the {what}", field=field)
    return mapped
