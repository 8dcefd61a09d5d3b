"""What fits one slot of a poem: the characters the rules allow there, ranked by the poet.

The poet reads the poem up to the slot (the title, every line before, the slot's line up to it),
and its next-character distribution ŷ(t) = softmax(o(t)) at the slot, narrowed by the same
processors' masks as decoding (the row's pattern and rhyme group, 孤平, no rhyme twice …), proposes
characters. Each proposal c is then read on: the characters written after it, to the end of its
line, teacher-forced, so that a character that leads well into the rest of the line ranks above one
that only starts well:

    score(c) = log ŷ(c | before) + Σ_{t after the slot in its line, written} log ŷ(y(t) | before, c, …)

A proposal after which a written character of its line no longer fits the pattern (a 孤平 the next
character makes, say) is dropped — unless no proposal would let it fit (a fault of the line itself).
"""
from __future__ import annotations

import dataclasses

import torch

from tangshi.decoding.config import DecodeConfig
from tangshi.decoding.processors.rules import advance_past
from tangshi.prosody.forms import Form, Pattern

WIDEN = 3  # proposals read on per suggestion asked for


@dataclasses.dataclass(frozen=True)
class Proposal:
    """A character for the slot, in the model's script, with the poet's scores."""

    token: int
    logp: float  # log ŷ(c) at the slot
    score: float  # logp plus the log-probabilities of the written characters after it in its line
    pattern: Pattern


@torch.inference_mode()
def propose(dec, form: Form, pats: list[Pattern], title: str, forced: dict[tuple[int, int], int],
            cfg: DecodeConfig, at: tuple[int, int], n: int) -> list[Proposal]:
    """The ``n`` best characters for slot ``at`` = (line, pos), best first; ``forced`` holds every written
    character (the slot's excluded), each row of ``pats`` one pattern the poem may follow."""
    from tangshi.decoding.loop import _Run

    line, pos = at
    run = _Run(dec, form, pats, title, forced, cfg, {}, contrast=False)
    for i in range(line + 1):
        for j in range(form.n_chars if i < line else pos):
            _feed(run, run.at(i, j))
        if i < line:
            run.end_line(i)
    step = run.at(line, pos)
    logp = run.predict(step, guide=False)  # (1, B, V)
    scored = logp[0].masked_fill(~run.allowed(step), float("-inf"))  # (B, V)
    best, rows = scored.max(0)  # (V,): each character's best row
    m = min(n * WIDEN, int(torch.isfinite(best).sum()))
    if m == 0:
        return []
    first, chars = best.topk(m)  # (M,)
    logp = run.reorder(rows[chars], logp)  # the M proposals are the rows now
    run.place(step, chars, logp)
    ok = torch.ones(m, dtype=torch.bool)
    for j in range(pos + 1, form.n_chars):
        step = run.at(line, j)
        if step.given is None:  # not written yet: the reading stops here
            break
        if run.rules is not None and j < form.n_chars - 1:  # its tone still fits (a kept rhyme is taken already)
            fits = run.rules.mask(step)[:, step.given]
            if bool(fits.any()):  # a character no proposal can make fit is the line's own fault, not theirs
                ok &= fits
        run.place(step, run.keep(step), run.predict(step, guide=False))
    return _ranked(run, chars, first, ok, n)


def _feed(run, step) -> None:
    """Feed a written character. A row whose pattern does not take it there (a poem with a fault before
    the slot, 渭城曲's 失粘 say) keeps its rules as :func:`~tangshi.decoding.processors.rules.advance_past`
    leaves them, so that the slot is judged on its own rules — not on a line with no template left,
    where anything would pass."""
    rules = run.rules
    if rules is None:
        run.feed(step)
        return
    mask = rules.mask(step)  # (B, V)
    fits = mask[:, step.given]  # (B,)
    if bool(fits.all()):
        run.feed(step)
        return
    c = rules.cons  # its state before, advanced past the slip below (groups and rhymes change in place)
    cons = dataclasses.replace(c, groups=c.groups.clone(), used=c.used.clone())
    run.feed(step)
    advance_past(cons, step.given, fits, mask)
    rules.cons = cons


def _ranked(run, chars: torch.Tensor, first: torch.Tensor, ok: torch.Tensor, n: int) -> list[Proposal]:
    pats = run.rules.patterns if run.rules is not None else run.pats
    out = [Proposal(int(chars[b]), float(first[b]), float(run.lp[0, b]), pats[b]) for b in range(len(chars)) if ok[b]]
    return sorted(out, key=lambda p: -p.score)[:n]
