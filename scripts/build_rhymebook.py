"""Build the rhyme book (``src/tangshi/rhymebook/data/rhymebook.json.gz``) from the built corpus.

What it counts, over the Tang poems of the data set (``tangshi corpus build``) shaped as 绝句 or 律诗
(4 or 8 lines of 5 or 7 characters):

- **Rhymes.** A poem's rhyme group is the 平水韵 group that all its even lines' last characters share,
  or all but one of a 律诗's four (one 出韵 end is forgiven); a 平 group wins a tie with a 仄 one, then
  the group line 1 shares, then the lower group. A poem with no such group is not counted. Each even
  line ending in a character that has a reading in the group is one rhyme of that character in that
  group. So is line 1, when its last character reads in the group and has no reading of the other
  tone class; a 多音字 of both classes there (間, 中, 罷) rhymes unless its context reads it in the
  other class (tangshi.prosody.checker.read_in_context: 踏青罷 is 仄, so 杜甫's 江邊踏青罷 does not
  rhyme in 四支), since a line 1 that does not rhyme ends in the other class. With each rhyme goes its
  word, the line's last two characters; the :data:`TOP_WORDS` most frequent words of a character in
  a group are kept.
- **Examples of the 多音字.** For each character with more than one reading in the lexicon (two groups,
  of one tone or of both), up to :data:`EXAMPLES` lines per reading where the context settles which
  reading it is: (1) ``rhyme``: it ends an even line, and the poem's other even-line ends share
  exactly one group with it — that group; (2) ``tone``: it stands elsewhere in a poem that passes the
  lenient check (tangshi.prosody.check, mode ``lenient``), on a position whose tone the pattern fixes
  (the check's ``required`` tone), in a line where no other 平/仄 多音字 sits on a fixed position —
  that tone, filed under the character's one group of that tone, or under the tone class (平 or 仄)
  when it has several. The best rhyme example comes first, then lines by better-known poets (more
  poems in the corpus; an author the corpus calls 不詳 or 佚名 is stored as "" and comes last), one
  line per poet; ties keep corpus order.

The output is JSON, keys sorted, gzip with mtime 0, written atomically (tangshi.atomic): the same
corpus gives the same bytes.

    python scripts/build_rhymebook.py [--home DIR]          # default: $TANGSHI_HOME or ~/.cache/tangshi
    python scripts/build_rhymebook.py --recount 東 看 山     # those characters' counts, from the corpus; writes nothing
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from tangshi.prosody.lexicon import P, Z, Lexicon, load

FORMAT = "tangshi-rhymebook/1"
OUT = Path(__file__).resolve().parents[1] / "src" / "tangshi" / "rhymebook" / "data" / "rhymebook.json.gz"
TOP_WORDS = 8  # words kept per character and group
EXAMPLES = 3  # example lines kept per reading of a 多音字
SHAPES = {(4, 5), (4, 7), (8, 5), (8, 7)}  # (lines, characters per line) of 绝句 and 律诗
NO_AUTHOR = {"不詳", "佚名", "缺名", "失撰人名"}  # the corpus's words for "author unknown": stored as ""


def regulated_shape(lines: Sequence[str]) -> bool:
    """4 or 8 lines of one length, 5 or 7 characters."""
    return len({len(x) for x in lines}) == 1 and (len(lines), len(lines[0])) in SHAPES


def _class(lex: Lexicon, gid: int) -> int:
    return P if lex.groups[gid].ping else Z


def rhyme_group(lex: Lexicon, lines: Sequence[str]) -> int | None:
    """The poem's rhyme group (a group index), or ``None`` (see the module docstring)."""
    ends = [line[-1] for line in lines[1::2]]
    votes = Counter(g for c in ends for g in set(lex.lookup(c)))
    need = max(2, len(ends) - 1)
    first = set(lex.lookup(lines[0][-1]))
    fits = [g for g, n in votes.items() if n >= need]
    if not fits:
        return None
    return max(fits, key=lambda g: (votes[g], lex.groups[g].ping, g in first, -g))


def read_last(lex: Lexicon, line: str) -> int:
    """The tone mask of the line's last character as its context reads it (tangshi.prosody.checker's
    read_in_context: ``P`` or ``Z`` where the reading model is sure, else the lexicon's mask)."""
    from tangshi.prosody.checker import read_in_context

    return read_in_context([line], [[lex.tone_mask(c) for c in line]])[0][-1]


def rhymes_of(lex: Lexicon, lines: Sequence[str]) -> tuple[int | None, list[int]]:
    """The poem's rhyme group and the indices of its lines that rhyme in it (see the module docstring)."""
    group = rhyme_group(lex, lines)
    if group is None:
        return None, []
    out = [i for i in range(1, len(lines), 2) if group in lex.lookup(lines[i][-1])]
    first, own = lines[0][-1], _class(lex, group)
    # a reading in the group: the group's class, alone or beside the other one (a 多音字)
    if group in lex.lookup(first) and (lex.tone_mask(first) == own or read_last(lex, lines[0]) != (P | Z) ^ own):
        out.insert(0, 0)
    return group, out


def count_rhymes(poems: Iterable[Sequence[str]], lex: Lexicon | None = None) -> dict[str, dict[str, Counter]]:
    """Group name -> character -> Counter of the words it rhymed in (its total is the rhyme count)."""
    lex = lex or load()
    out: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for lines in poems:
        if not regulated_shape(lines):
            continue
        group, rhyming = rhymes_of(lex, lines)
        for i in rhyming:
            out[lex.groups[group].name][lines[i][-1]][lines[i][-2:]] += 1
    return out


def polyphonic(lex: Lexicon, char: str) -> bool:
    """More than one reading in the lexicon (two groups, of one tone or of both)."""
    return len(set(lex.lookup(char))) > 1


def settled_by_rhyme(lex: Lexicon, lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line, position, group name) of each 多音字 ending an even line whose group the other even ends fix."""
    if not regulated_shape(lines):
        return []
    out = []
    evens = list(range(1, len(lines), 2))
    for i in evens:
        char = lines[i][-1]
        if not polyphonic(lex, char):
            continue
        shared = set(lex.lookup(char))
        for j in evens:
            if j != i:
                shared &= set(lex.lookup(lines[j][-1]))
        if len(shared) == 1:
            out.append((i, len(lines[i]) - 1, lex.groups[shared.pop()].name))
    return out


def settled_by_tone(lex: Lexicon, lines: Sequence[str], report) -> list[tuple[int, int, str]]:
    """(line, position, tone "P"/"Z") of each 平/仄 多音字 whose tone a passing poem's pattern fixes.

    ``report``: the lenient check of the poem; a poem that fails gives nothing."""
    if not report.ok:
        return []
    out = []
    for i, (line, rep) in enumerate(zip(lines, report.lines)):
        fixed = [p for p, need in enumerate(rep.required) if need in ("P", "Z")
                 and not (rep.rhyme and p == len(line) - 1)]
        both = [p for p in fixed if lex.tone_mask(line[p]) == P | Z]
        if len(both) == 1:  # a second one could have swapped its tone with this one
            out.append((i, both[0], rep.required[both[0]]))
    return out


def reading_key(lex: Lexicon, char: str, tone: str) -> str:
    """Where a tone-settled example is filed: the character's one group of that tone, else 平 or 仄."""
    groups = sorted({g for g in lex.lookup(char) if lex.groups[g].ping == (tone == "P")})
    return lex.groups[groups[0]].name if len(groups) == 1 else ("平" if tone == "P" else "仄")


def author_of(poem) -> str:
    """The poem's author, or "" where the corpus says it is unknown (:data:`NO_AUTHOR`)."""
    return "" if poem.author in NO_AUTHOR else poem.author


def pick_examples(candidates: list[tuple], fame: Counter, k: int = EXAMPLES) -> list[tuple]:
    """Up to ``k`` of (how, poem index, author, line, pos): the best ``rhyme`` one first (it settles the
    group), then better-known poets first (an unknown author last), one per poet and one per line
    text, corpus order on ties."""
    order = sorted(candidates, key=lambda c: (-fame[c[2]] if c[2] else 1, c[1], c[3]))
    rhyme = [c for c in order if c[0] == "rhyme"][:1]
    out, poets, texts = [], set(), set()
    for c in rhyme + order:
        if (c[2] and c[2] in poets) or c[3] in texts:
            continue
        out.append(c)
        poets.add(c[2])
        texts.add(c[3])
        if len(out) == k:
            break
    return out


def collect_examples(poems: Sequence, lex: Lexicon) -> dict[str, dict[str, list[tuple]]]:
    """Char -> reading key -> candidates (how, poem index, author, line text, pos) from the poems."""
    from tangshi.prosody import check

    out: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for n, poem in enumerate(poems):
        lines = poem.lines
        if not regulated_shape(lines):
            continue
        for i, p, group in settled_by_rhyme(lex, lines):
            out[lines[i][p]][group].append(("rhyme", n, author_of(poem), i, p))
        if not any(lex.tone_mask(c) == P | Z for line in lines for c in line):
            continue
        report = check("，".join(lines), mode="lenient")
        for i, p, tone in settled_by_tone(lex, lines, report):
            out[lines[i][p]][reading_key(lex, lines[i][p], tone)].append(("tone", n, author_of(poem), i, p))
    return out


def document(poems: Sequence, lex: Lexicon, meta: dict) -> dict:
    """The rhyme book's JSON document from the Tang poems of the data set."""
    rhymes = count_rhymes((p.lines for p in poems), lex)
    fame = Counter(author_of(p) for p in poems)
    table: dict[str, list] = {}
    for group, chars in rhymes.items():
        table[group] = {c: _entry(w) for c, w in chars.items()}
    cited: dict[int, int] = {}
    examples: dict[str, dict[str, list]] = {}
    for char, keys in sorted(collect_examples(poems, lex).items()):
        examples[char] = {}
        for key, cands in sorted(keys.items()):
            chosen = pick_examples([(how, n, a, poems[n].lines[i], p) for how, n, a, i, p in cands], fame)
            examples[char][key] = [[cited.setdefault(n, len(cited)), line, p + 1, how] for how, n, _, line, p in chosen]
    cited_poems = [[poems[n].title, author_of(poems[n])] for n in sorted(cited, key=cited.get)]
    source = {"corpus": "全唐诗 (chinese-poetry), the Tang poems of `tangshi corpus build`, every split",
              "fingerprint": meta.get("fingerprint"), "poems": len(poems),
              "regulated_shape": sum(regulated_shape(p.lines) for p in poems),
              "rhymes": sum(v[0] for g in table.values() for v in g.values()),
              "top_words": TOP_WORDS, "examples_per_reading": EXAMPLES, "script": "scripts/build_rhymebook.py"}
    return {"format": FORMAT, "source": source, "rhymes": table, "poems": cited_poems, "examples": examples}


def encode(doc: dict) -> bytes:
    """The document as deterministic gzip bytes."""
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, 9, mtime=0)


def tang_poems(home: Path | None = None) -> list:
    """The Tang poems of the built data set, in corpus order."""
    from tangshi.corpus.build import HEADLINE, load_dataset

    return [p for p in load_dataset(home).poems if p.dynasty == HEADLINE]


def recount(chars: Sequence[str], home: Path | None = None) -> dict[str, dict[str, list]]:
    """Char -> group -> [rhymes, top words], recounted from the corpus's poems that end a line with one
    of ``chars`` (the other poems cannot change their counts): what a test compares with the shipped file."""
    wanted = set(chars)
    poems = [p.lines for p in tang_poems(home) if any(line[-1] in wanted for line in p.lines)]
    counts = count_rhymes(poems)
    return {c: {g: _entry(by[c]) for g, by in sorted(counts.items()) if c in by} for c in chars}


def _entry(words: Counter) -> list:
    """[rhymes, [[word, count], ...]]: the count and the :data:`TOP_WORDS` most frequent words."""
    top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_WORDS]
    return [sum(words.values()), [[w, n] for w, n in top]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, help="the corpus home (default: $TANGSHI_HOME or ~/.cache/tangshi)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT})")
    ap.add_argument("--recount", nargs="+", metavar="CHAR",
                    help="print these (traditional) characters' rhyme counts per group and write nothing")
    args = ap.parse_args()
    if args.recount:
        print(json.dumps(recount(args.recount, args.home), ensure_ascii=False, sort_keys=True))
        return 0
    from tangshi.atomic import write_bytes
    from tangshi.corpus.build import load_dataset

    meta = load_dataset(args.home).meta
    doc = document(tang_poems(args.home), load(), meta)
    data = encode(doc)
    write_bytes(args.out, data)
    print(json.dumps({"out": os.fspath(args.out), "bytes": len(data), **doc["source"],
                      "characters_rhymed": len({c for g in doc["rhymes"].values() for c in g}),
                      "polyphones_with_examples": len(doc["examples"])}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
