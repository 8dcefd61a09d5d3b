"""Pattern inference: which pattern a poem follows, and each line judged under it.

Used by :mod:`.checker`, which turns the result into issues. Steps:

1. The rhyme group comes first (:func:`.rhyme.choose_group`, chosen by the caller).
2. Infer the pattern couplet by couplet: couplet 1 picks 平起/仄起 and 首句入韵 or not; each later
   couplet starts either as 粘 demands or, if that fits its lines worse, the other way, and then one
   ``shi_nian`` is reported at the boundary. A single slip therefore never cascades.
3. Polyphones (tone mask ``P|Z``): strict mode (default) requires every reading to pass (the
   worst reading is reported); lenient mode accepts the best reading. ``ambiguous`` notes say where
   a polyphone decided the verdict. Unknown characters take their best tone (they are reported
   as ``unknown_char`` and should not cause other errors).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from tangshi.prosody import rhyme
from tangshi.prosody.forms import PING, ZE, Form, LineType, Pattern, opposite
from tangshi.prosody.lexicon import P, Z, load
from tangshi.prosody.rules import Finding, line_findings, rescue_pos

TONE_STR = {P: "P", Z: "Z", P | Z: "PZ", 0: "?"}


@dataclass(frozen=True)
class LineEval:
    """A line judged under one line type: the reading reported and its findings."""

    ltype: LineType
    tones: str
    findings: tuple[Finding, ...]
    rescued: bool = False  # the next line rescues a big 拗 (see rules.line_findings)

    @property
    def errors(self) -> int:
        return sum(f.error for f in self.findings)


def _with(tones: list[str], positions: list[int], combo: tuple[str, ...]) -> list[str]:
    out = list(tones)
    for i, t in zip(positions, combo):
        out[i] = t
    return out


def eval_line(masks: list[int], ltype: LineType, rescued: bool, strict: bool) -> LineEval:
    """Judge a line: unknown chars take their best tone; polyphones their worst (strict) or best."""
    amb = [i for i, m in enumerate(masks) if m == P | Z]
    unk = [i for i, m in enumerate(masks) if m == 0]
    known = [TONE_STR[m] if m in (P, Z) else "?" for m in masks]
    results = []
    for combo in itertools.product(PING + ZE, repeat=len(amb)):
        fixed = _with(known, amb, combo)
        options = []
        for fill in itertools.product(PING + ZE, repeat=len(unk)):
            tones = "".join(_with(fixed, unk, fill))
            options.append(LineEval(ltype, tones, line_findings(tones, ltype, rescued), rescued))
        results.append(min(options, key=lambda e: e.errors))
    if strict:
        return max(results, key=lambda e: e.errors)
    return min(results, key=lambda e: (e.errors, sum(not f.error for f in e.findings)))


def _rescues(mask: int, strict: bool) -> bool:
    """Does a char with this tone mask rescue a big 拗 (平 at the rescue position)?"""
    return mask == 0 or (mask == P if strict else bool(mask & P))


@dataclass
class PoemTones:
    """Everything the inference needs about one well-shaped poem."""

    form: Form
    text: list[str]
    trad: list[str]
    masks: list[list[int]]
    strict: bool
    group: int | None
    ze: bool


def _couplet(poem: PoemTones, k: int, start: str, first_rhymes: bool) -> tuple[LineEval, LineEval, int]:
    """Judge lines 2k+1 and 2k+2 (1-based) as a couplet starting with ``start``; cost = errors."""
    n = poem.form.n_chars
    second = LineType(opposite(start), PING, n)
    first = LineType(start, PING if first_rhymes else ZE, n)
    e2 = eval_line(poem.masks[2 * k + 1], second, False, poem.strict)
    rescued = _rescues(poem.masks[2 * k + 1][rescue_pos(second)], poem.strict)
    e1 = eval_line(poem.masks[2 * k], first, rescued, poem.strict)
    cost = e1.errors + e2.errors
    if first_rhymes:
        verdict = rhyme.judge(load(), poem.trad[0][-1], poem.group, True, poem.strict, poem.masks[0][-1]) \
            if poem.group is not None else rhyme.RhymeVerdict("tone", True)
        cost += verdict.error
    return e1, e2, cost


def _first_couplet(poem: PoemTones) -> tuple[Pattern, LineEval, LineEval]:
    """Couplet 1 fixes 平起/仄起 and 首句入韵: fewest errors, then the definite pos-2 tone."""
    lex = load()
    pos2 = TONE_STR.get(poem.masks[0][1])
    ping_groups = {g for g in lex.lookup(poem.trad[0][-1]) if lex.groups[g].ping}
    near = {poem.group} | rhyme.neighbours().get(poem.group, frozenset()) if poem.group is not None else set()
    hint = bool(ping_groups & near)
    best = None
    for start, first_rhymes in itertools.product(PING + ZE, (False,) if poem.ze else (False, True)):
        e1, e2, cost = _couplet(poem, 0, start, first_rhymes)
        key = (cost, pos2 in (PING, ZE) and start != pos2, first_rhymes != hint)
        if best is None or key < best[0]:
            best = (key, Pattern(poem.form, start, first_rhymes), e1, e2)
    return best[1], best[2], best[3]


def infer(poem: PoemTones) -> tuple[Pattern, list[LineEval]]:
    """The pattern of couplet 1 and each line's judgement, couplet by couplet (see the docstring)."""
    pattern, e1, e2 = _first_couplet(poem)
    evals = [e1, e2]
    for k in range(1, poem.form.n_lines // 2):
        expected = evals[-1].tones[1] if evals[-1].tones[1] in (PING, ZE) else opposite(evals[-2].ltype.pos2)
        options = []
        for start in (expected, opposite(expected)):
            a, b, cost = _couplet(poem, k, start, False)
            options.append((cost + (start != expected), a, b))
        _, a, b = min(options, key=lambda o: o[0])  # min keeps the first (粘) on ties
        evals += [a, b]
    return pattern, evals
