"""``lookup(query)``: a 平水韵 group's characters as the Tang poets rhymed them, or a character's readings.

The data (``data/rhymebook.json.gz``, format ``tangshi-rhymebook/1``) is counted from 全唐诗 by
``scripts/build_rhymebook.py``, whose docstring says what is counted and how: per group, how often
each character rhymed in it and in which two-character words; per 多音字, lines of real poems where
the context settles each reading. The lexicon (tangshi.prosody.lexicon) says which characters a group
holds and which readings a character has; this module joins the two and shows them in the script
asked for. Results are plain dicts, ready for JSON; bad input is one :class:`~tangshi.errors.InputError`.
"""
from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tangshi.errors import InputError, TangshiError, choice_error, require_in
from tangshi.hanzi import is_han
from tangshi.prosody.lexicon import Lexicon, group_name, to_traditional
from tangshi.prosody.lexicon import load as load_lexicon
from tangshi.rhymebook.groups import find_group, section
from tangshi.script import SCRIPTS, from_model

FORMAT = "tangshi-rhymebook/1"
KINDS = ("auto", "group", "char")
QUERY_MAX = 8  # characters: 上平声十一真韵 is 7
LIMIT_MAX = 500
REBUILD = "python scripts/build_rhymebook.py (after tangshi corpus fetch && tangshi corpus build)"
HINT = "a rhyme group (一东, 东韵, 上平一东, 董, 入声屋 …) or one character"


class RhymeBookError(TangshiError):
    """The rhyme book's data file is missing or corrupt."""


@dataclass(frozen=True)
class Book:
    """The counts of ``data/rhymebook.json.gz`` (traditional characters, as the corpus writes them)."""

    rhymes: dict[str, dict[str, list]]  # group name -> char -> [count, [[word, count], ...]]
    poems: list[list[str]]  # [title, author] of each poem an example cites
    examples: dict[str, dict[str, list[list]]]  # char -> group name, 平 or 仄 -> [[poem, line, pos, how]]
    source: dict

    def rhyme_counts(self, char: str) -> dict[str, int]:
        """Group name -> how often ``char`` rhymed in it."""
        return {g: chars[char][0] for g, chars in self.rhymes.items() if char in chars}


@lru_cache(maxsize=1)
def load() -> Book:
    """The packaged rhyme book (read once); a missing or corrupt file is one :class:`RhymeBookError`."""
    path = resources.files("tangshi.rhymebook").joinpath("data", "rhymebook.json.gz")
    try:
        doc = json.loads(gzip.decompress(path.read_bytes()))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        return Book(doc["rhymes"], doc["poems"], doc["examples"], doc["source"])
    except (OSError, ValueError, KeyError, EOFError, zlib.error) as err:
        raise RhymeBookError(f"the rhyme book {path} is missing or corrupt ({err}); rebuild it: {REBUILD}") from err


def lookup(query: str, script: str = "simplified", kind: str = "auto", limit: int = 50) -> dict:
    """The group view of a rhyme group's name, or the character view of one character.

    ``kind``: ``auto`` (a group when ``query`` names one — a single character that also is one says
    so in ``also_char`` — else a character), ``group`` or ``char``. ``script``: ``simplified`` or
    ``traditional``, for every string of the result. ``limit``: the most characters a group view lists.
    """
    if script not in SCRIPTS:
        raise choice_error("script", script, SCRIPTS, field="script")
    if kind not in KINDS:
        raise choice_error("kind", kind, KINDS, field="kind")
    require_in("limit", limit, 1, LIMIT_MAX)
    text = _clean(query)
    group = find_group(text) if kind != "char" else None
    if group is not None:
        return group_view(group.index, text, script, limit)
    if kind == "group":
        raise InputError(f"{text!r} is not the name of a 平水韵 group (e.g. 一东, 东韵, 上平一东, 董, 入声屋)",
                         field="q")
    if len(text) > 1:
        raise InputError(f"{text!r} is neither a 平水韵 group's name nor one character; give {HINT}", field="q")
    return char_view(text, script)


def _clean(query: object) -> str:
    """The query without surrounding space; an :class:`InputError` unless it is 1..8 Chinese characters."""
    if not isinstance(query, str):
        raise InputError(f"the query must be text, not {type(query).__name__}", field="q")
    text = query.strip()
    if not text:
        raise InputError(f"the query is empty; give {HINT}", field="q")
    if len(text) > QUERY_MAX:
        raise InputError(f"the query has {len(text)} characters, at most {QUERY_MAX}; give {HINT}", field="q")
    if not is_han(text):
        raise InputError(f"the query {text!r} is not Chinese characters; give {HINT}", field="q")
    return text


def _words(pairs: list, script: str, limit: int | None = None) -> list[dict]:
    """[[word, count], ...] (traditional) as [{"word", "count"}] in ``script``, counts merged, most first."""
    merged: dict[str, int] = {}
    for word, n in pairs:
        shown = from_model(word, script)
        merged[shown] = merged.get(shown, 0) + n
    rows = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"word": w, "count": n} for w, n in rows[:limit]]


@lru_cache(maxsize=None)
def _members(gid: int) -> tuple[str, ...]:
    """The characters the 平水韵 table (with its supplement) puts in the group, in the lexicon's order."""
    return tuple(c for c, readings in load_lexicon().readings.items() if gid in readings)


def group_view(gid: int, query: str, script: str, limit: int) -> dict:
    """A group's characters, the most rhymed first, then those the corpus never rhymes (count 0)."""
    lex, book = load_lexicon(), load()
    group = lex.groups[gid]
    used = book.rhymes.get(group.name, {})
    trad = sorted(used, key=lambda c: (-used[c][0], c)) + [c for c in _members(gid) if c not in used]
    rows: dict[str, dict] = {}  # shown char -> row; two traditional characters may share a simplified one
    for char in trad:
        count, words = used.get(char, (0, []))
        row = rows.setdefault(from_model(char, script), {"count": 0, "words": [], "traditional": []})
        row["count"] += count
        row["words"] += words
        row["traditional"].append(char)
    listed = sorted(rows.items(), key=lambda kv: -kv[1]["count"])  # stable: ties keep the order above
    top = book.source.get("top_words")  # merged rows keep as many words as one character has
    chars = [{"char": shown, "count": row["count"], "words": _words(row["words"], script, top),
              "traditional": row["traditional"],
              "other_groups": _other_groups(lex, row["traditional"], gid, script)} for shown, row in listed[:limit]]
    also = len(query) == 1 and bool(lex.lookup(to_traditional(query)))
    return {"kind": "group", "query": query, "script": script,
            "group": _group_json(lex, gid, script), "also_char": also,
            "rhymes": sum(v[0] for v in used.values()), "total": len(rows), "shown": len(chars),
            "characters": chars, "source": _source(book, script)}


def _other_groups(lex: Lexicon, chars: list[str], gid: int, script: str) -> list[str]:
    """The other groups the characters read in (a 多音字's other readings)."""
    others = sorted({g for c in chars for g in lex.lookup(c)} - {gid})
    return [group_name(lex.groups[g].name, script) for g in others]


def readings(char: str, script: str = "simplified") -> list[dict]:
    """A character's 平水韵 readings, each its group (in ``script``), tone (平 上 去 入), class (平 or 仄)
    and section; [] for a character the lexicon does not read."""
    lex = load_lexicon()
    return [_group_json(lex, gid, script, "group") for gid in dict.fromkeys(lex.lookup(to_traditional(char)))]


def _group_json(lex: Lexicon, gid: int, script: str, key: str = "name") -> dict:
    """A group's name in ``script`` (under ``key``), its tone (平 上 去 入), class (平 or 仄) and section."""
    g = lex.groups[gid]
    return {key: group_name(g.name, script), "tone": g.tone, "class": "平" if g.ping else "仄",
            "section": section(g)}


def _source(book: Book, script: str) -> dict:
    """What the counts were counted on: the corpus (in ``script``) and its poems of 4 or 8 lines of 5 or 7."""
    return {"corpus": from_model("全唐詩", script), "poems": book.source.get("regulated_shape")}


def char_view(char: str, script: str) -> dict:
    """A character's readings, each with the words it rhymed in and lines of real poems that settle it."""
    lex, book = load_lexicon(), load()
    trad = to_traditional(char)
    gids = list(dict.fromkeys(lex.lookup(trad)))
    if not gids:
        shown = f"{char!r}" + (f" (traditional {trad!r})" if trad != char else "")
        raise InputError(f"the 平水韵 lexicon has no reading of {shown}; give another character", field="q")
    counts = book.rhyme_counts(trad)
    examples = book.examples.get(trad, {})
    readings = []
    for gid in gids:
        name = lex.groups[gid].name
        words = book.rhymes.get(name, {}).get(trad, (0, []))[1]
        readings.append({**_group_json(lex, gid, script, "group"), "rhymes": counts.get(name, 0),
                         "words": _words(words, script),
                         "examples": [_example(book, e, script) for e in examples.get(name, [])]})
    by_class = {cls: [_example(book, e, script) for e in examples[cls]] for cls in ("平", "仄") if cls in examples}
    named = find_group(char)
    return {"kind": "char", "query": char, "script": script, "char": from_model(trad, script), "traditional": trad,
            "polyphonic": len(gids) > 1, "lexicon": _layer(lex, trad), "rhymes": sum(counts.values()),
            "readings": readings, "class_examples": by_class,
            "also_group": group_name(named.name, script) if named is not None else None,
            "source": _source(book, script)}


def _layer(lex: Lexicon, trad: str) -> str:
    """Where the readings come from: ``table`` (平水韵 and its supplement), ``variant`` (those of a
    variant form the table has) or ``guangyun`` (derived from the 廣韻); see tangshi.prosody.lexicon."""
    if trad in lex.readings:
        return "table"
    return "variant" if trad in lex.variants else "guangyun"


def _example(book: Book, entry: list, script: str) -> dict:
    poem, line, pos, how = entry
    title, author = book.poems[poem]
    return {"line": from_model(line, script), "pos": pos, "title": from_model(title, script) or None,
            "author": from_model(author, script) or None, "settled_by": how}
