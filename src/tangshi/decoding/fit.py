"""How a user's given lines fit the patterns, before the rest is decoded (续写).

:func:`fit_given` chooses the patterns that the given lines fit best, whether even those are broken,
and the 对句相救 rescues the next line owes (:mod:`tangshi.decoding.processors.rescue` enforces them).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from tangshi.decoding.processors.rules import advance_past
from tangshi.prosody.forms import Form, Pattern


@dataclass(frozen=True)
class Fit:
    """How a user's given lines fit the patterns: the best patterns, whether even they are broken
    by the given lines, and the big-拗 rescues the next line owes ((line, pos) -> patterns)."""

    patterns: list[Pattern]
    broken: bool
    rescue: dict
    miss: tuple[int, int] | None = None  # (line, pos) of the first given character the best pattern cannot take


def fit_given(prosody, form: Form, pats: list[Pattern], forced: dict[tuple[int, int], int], rules: str,
              given: list[int]) -> Fit:
    """The patterns that the given lines (their characters in ``forced``) fit best.

    A given first line of a couplet may carry a big 拗 (仄 on core position 4 of a 仄仄平平仄
    line), which the rules accept when the next line answers with 平 on its core position 3
    (对句相救). The decoder never makes a 拗 itself, but a user's line can: the fit's ``rescue``
    maps (line, pos) of each such rescue to the patterns that need it.
    """
    if rules == "off" or not given:
        return Fit(pats, False, {})
    from tangshi.masks.constraints import ConstraintState
    from tangshi.prosody.rules import rescue_pos

    cons = ConstraintState.start(prosody, pats, strict=rules == "strict")
    misses = [0] * len(pats)
    first: list[tuple[int, int] | None] = [None] * len(pats)
    big_ao: dict[tuple[int, int], set] = {}
    core4 = form.n_chars - 2  # 0-based: core position 4
    for line in range(max(given) + 1):
        for pos in range(form.n_chars):
            tok = forced.get((line, pos)) if line in given else None
            mask = cons.mask()  # (P, V)
            if tok is None:  # a character still to write between kept ones: pass it, judging nothing
                advance_past(cons, 0, torch.zeros(len(pats), dtype=torch.bool), mask)
                continue
            fits = mask[:, tok]  # (P,)
            allowed = fits.tolist()
            misses = [m + (not a) for m, a in zip(misses, allowed)]
            first = [f if f is not None or a else (line, pos) for f, a in zip(first, allowed)]
            if pos == core4 and line % 2 == 0 and line + 1 not in given:
                for pat, ok in zip(pats, allowed):
                    if not ok and pat.lines[line].core == "a":
                        big_ao.setdefault((line + 1, rescue_pos(pat.lines[line + 1])), set()).add(pat)
            advance_past(cons, tok, fits, mask)
    if rules == "strict":  # judge the given lines as the checker reads them: each 多音字 in its context
        misses = [a * 100 + b for a, b in zip(_checked_misses(prosody, pats, forced, given), misses)]
    best = min(misses)
    fit = [p for p, m in zip(pats, misses) if m == best]
    miss = first[misses.index(best)]
    best = best // 100 if rules == "strict" else best
    return Fit(fit, best > 0, {at: need & set(fit) for at, need in big_ao.items() if need & set(fit)},
               miss if best > 0 else None)


def _checked_misses(prosody, pats: list[Pattern], forced: dict[tuple[int, int], int], given: list[int]) -> list[int]:
    """Per pattern: the errors the checker's default mode finds in the given lines under it (a big
    拗 the next, generated, line can rescue counts as rescued)."""
    from tangshi.prosody import checker
    from tangshi.prosody.inference import eval_line
    from tangshi.prosody.lexicon import P, load

    lex = load()
    n = pats[0].form.n_chars
    given = [i for i in given if all((i, j) in forced for j in range(n))]  # whole lines only: read in context
    lines = {i: "".join(prosody.chars[forced[(i, j)]] for j in range(n)) for i in given}
    masks = {i: [lex.tone_mask(c) for c in text] for i, text in lines.items()}
    settled = {i: checker.read_in_context([text], [masks[i]])[0] for i, text in lines.items()}
    out = []
    for pat in pats:
        errors = 0
        for i in given:
            rescued = i % 2 == 0 and i + 1 not in given
            errors += eval_line(settled[i], pat.lines[i], rescued, strict=False).errors
            if i in pat.rhyme_lines and not settled[i][-1] & P:
                errors += 1  # a rhyme position needs a 平 reading
        out.append(errors)
    return out
