"""Rule-aware inputs: what the next character must be, fed to the model at every step.

A model with ``ModelConfig.rule_inputs`` reads, beside the previous character, four *slot* ids
for the character it is about to write (as SongNet feeds format symbols):

- ``tone``: 0 none (punctuation, the end, a poem of no regulated shape), 1 平, 2 仄, 3 free (the
  standard template leaves it open), 4 a rhyme (平, in the poem's group);
- ``pos``: its position in the line, 1 … 7 (0 for punctuation and the end);
- ``line``: its line, 1 … 8 (0 for the end and for poems of no regulated shape);
- ``group``: the poem's 平 rhyme group, 1 … 30, once the poem's first rhyme stands (0 before it, and
  when the group is not settled) — so that training sees what decoding knows: the decoder learns
  the group only when it places the first rhyme.

In training the pattern and the group of each real poem come from the checker's inference in its
default mode (:func:`tangshi.prosody.check`); at generation they are the pattern each candidate was
given and the group its first rhyme fixed, so the model is told what the masks will allow.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import torch

from tangshi.prosody.forms import FORM_BY_NAME, Pattern, patterns

TONES = ("none", "P", "Z", "*", "rhyme")
SIZES = {"tone": len(TONES), "pos": 8, "line": 9, "group": 31}  # embedding rows of each slot id
Slot = tuple[int, int, int, int]  # (tone, pos, line, group)
NONE: Slot = (0, 0, 0, 0)


@lru_cache(maxsize=1)
def ping_groups() -> tuple[str, ...]:
    """The 30 平 groups in lexicon order (the ``group`` id is the index + 1)."""
    from tangshi.prosody.lexicon import load

    return tuple(g.name for g in load().groups if g.ping)


def slot(pattern: Pattern, line: int, pos: int, group: int) -> Slot:
    """The slot of character ``pos`` (0-based) of ``line`` (0-based); ``group`` 0 if not yet known."""
    rhymes = line in pattern.rhyme_lines and pos == pattern.form.n_chars - 1
    tone = 4 if rhymes else 1 + "PZ*".index(pattern.lines[line].template[pos])
    return tone, pos + 1, line + 1, group


def slot_table(pats: Sequence[Pattern]) -> tuple[torch.Tensor, torch.Tensor]:
    """Every slot of every pattern of ``pats``, for decoding: (P, 8, 8, 3) and (P,).

    ``table[k, line, pos]`` is the (tone, pos, line) of :func:`slot` for ``pats[k]`` (the group is
    the decoder's to add), with ``pos = n_chars`` the punctuation after the line, ``(0, 0, line + 1)``;
    the second tensor is each pattern's :func:`first_rhyme_line`. Unused entries are 0.
    """
    table = torch.zeros(len(pats), 8, 8, 3, dtype=torch.long)  # (P, lines, chars + punctuation, 3)
    for k, pat in enumerate(pats):
        n = pat.form.n_chars
        for line in range(pat.form.n_lines):
            for pos in range(n):
                table[k, line, pos] = torch.tensor(slot(pat, line, pos, 0)[:3])
            table[k, line, n] = torch.tensor((0, 0, line + 1))
    return table, torch.tensor([first_rhyme_line(p) for p in pats])


def first_rhyme_line(pattern: Pattern) -> int:
    """The line (0-based) whose last character is the poem's first rhyme."""
    return pattern.rhyme_lines[0]


def poem_slots(pattern: Pattern | None, group: int, n_tokens: int) -> list[Slot]:
    """The slots of a body of ``n_tokens`` targets (characters, the punctuation after each line, the
    end): the group is fed after the first rhyme. ``pattern`` None: every slot :data:`NONE`."""
    if pattern is None:
        return [NONE] * n_tokens
    n = pattern.form.n_chars
    out: list[Slot] = []
    for line in range(pattern.form.n_lines):
        known = group if line > first_rhyme_line(pattern) else 0  # the first rhyme is behind it
        out += [slot(pattern, line, pos, known) for pos in range(n)]
        out.append((0, 0, line + 1, group if line >= first_rhyme_line(pattern) else 0))  # its punctuation
    out = out[:n_tokens]
    return out + [(0, 0, 0, group)] * (n_tokens - len(out))  # the end


def of_poem(form: str, lines: list[str] | tuple[str, ...]) -> tuple[Pattern | None, int]:
    """The pattern and the group id (0: none) the checker infers for a corpus poem; (None, 0) for a
    poem of no regulated shape, or one whose pattern the checker cannot name."""
    if form not in FORM_BY_NAME:
        return None, 0
    from tangshi.prosody import check

    return of_report(form, check("，".join(lines)))


def of_report(form: str, report) -> tuple[Pattern | None, int]:
    """:func:`of_poem` from a check report already made (a :class:`tangshi.prosody.report.Report`)."""
    if form not in FORM_BY_NAME or report.pattern is None:
        return None, 0
    pattern = next(p for p in patterns(FORM_BY_NAME[form]) if p.name == report.pattern)
    group = ping_groups().index(report.rhyme_group) + 1 if report.rhyme_group in ping_groups() else 0
    return pattern, group
