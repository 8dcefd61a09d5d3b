"""A plan before the poem: one keyword for each line of a 绝句 or each couplet of a 律诗.

Planning-based poetry generation (Wang et al. 2016, "Chinese Poetry Generation with Planning based
Neural Network", COLING) writes a poem in two steps: first a keyword for each line, drawn from the
user's words and expanded from them, then each line around its keyword. Here:

- :mod:`.keywords` — the keyword of every real line: of the *words* at a line's word positions
  (characters 1–2, 3–4, and 5–6 in a 七言 line, or 4–5 of a 五言 line's closing three), the one
  of highest TF-IDF in the corpus that at least :data:`.keywords.MIN_DF` poems use;
- :mod:`.planner` — keywords that belong to a title and to each other, learned from the corpus
  (the pointwise mutual information of each title character with the keywords of its poems, and of
  keywords within one poem), around the ones a user gives (``--keywords 梅 雪 故人``), keeping to
  the title's season, hour and place (:mod:`tangshi.setting`);
- :mod:`tangshi.decoding.processors.plan` — the decoder steers each slot's lines toward its keyword;
  the poem reports, per keyword, whether it stands in its lines.

A plan has :data:`SLOTS` keywords: slot k covers line k of a 绝句, or lines 2k and 2k + 1 of a 律诗.
"""
from __future__ import annotations

SLOTS = 4


def slot_lines(n_lines: int) -> list[tuple[int, ...]]:
    """The lines (0-based) each of the :data:`SLOTS` slots covers in a poem of ``n_lines`` lines."""
    per = n_lines // SLOTS
    return [tuple(range(k * per, (k + 1) * per)) for k in range(SLOTS)]


def slot_of(line: int, n_lines: int) -> int:
    """The slot that covers ``line`` (0-based) of a poem of ``n_lines`` lines."""
    return line // (n_lines // SLOTS)
