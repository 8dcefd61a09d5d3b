"""The keyword of a line: its most telling word, by TF-IDF over the corpus's words.

A regulated line reads in words of two characters and a closing one or two: 五言 2 + 3 (2 + 2 + 1 or
2 + 1 + 2), 七言 2 + 2 + 3. Its candidate *words* are the two-character spans at those places
(:func:`words`): characters 1–2, 3–4 and 4–5 of a 五言 line; 1–2, 3–4, 5–6 and 6–7 of a 七言 one.
Over the corpus, a word's document frequency df is the number of poems it stands in, and its
weight in a line is tf · log(N / df); the keyword is the heaviest word that at least
:data:`MIN_DF` poems use (:func:`min_df`: fewer in a corpus of under 20,000 poems) (a word no one else uses is a slip of segmentation, not a keyword), the
first in the line on a tie. Counting words of two characters only keeps keywords things and
scenes (明月 故人 秋風 長安), not particles.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Iterable, Sequence

MIN_DF = 20  # poems a word must stand in to be a keyword
SPANS = {5: ((0, 2), (2, 4), (3, 5)), 7: ((0, 2), (2, 4), (4, 6), (5, 7))}


def words(line: str) -> list[str]:
    """The two-character words at a line's word positions (none for a line of another length)."""
    return [line[a:b] for a, b in SPANS.get(len(line), ())]


def document_frequency(poems: Iterable[Sequence[str]]) -> tuple[Counter, int]:
    """(df of every word, the number of poems) over poems given as lists of lines."""
    df: Counter = Counter()
    n = 0
    for lines in poems:
        df.update({w for line in lines for w in words(line)})
        n += 1
    return df, n


def min_df(n_poems: int) -> int:
    """:data:`MIN_DF`, or for a smaller corpus one poem in a thousand, at least 2."""
    return min(MIN_DF, max(2, n_poems // 1000))


def keyword(line: str, df: Counter, n_poems: int, poem_tf: Counter | None = None) -> str | None:
    """The line's keyword (see the module docstring), or None when no word of it is common enough."""
    best, weight = None, 0.0
    least = min_df(n_poems)
    for w in words(line):
        d = df.get(w, 0)
        if d < least:
            continue
        tf = poem_tf[w] if poem_tf is not None else 1
        score = tf * math.log(n_poems / d)
        if score > weight:
            best, weight = w, score
    return best


def poem_keywords(lines: Sequence[str], df: Counter, n_poems: int) -> list[str | None]:
    """The keyword of each line of a poem (term frequencies counted in the poem)."""
    tf = Counter(w for line in lines for w in words(line))
    return [keyword(line, df, n_poems, tf) for line in lines]
