"""``check(text, mode="contextual") -> Report``: is a poem a regulated 绝句 or 律诗?

The text is split and shape-checked (:mod:`.text`), looked up (:mod:`.lexicon`, simplified input
converted to traditional), its 多音字 read in context (:mod:`.readings`, in the default mode), its
rhyme group chosen (:mod:`.rhyme`) and its pattern inferred couplet by couplet (:mod:`.inference`).

Modes (:data:`MODES`): ``contextual`` (default) gives each 多音字 the reading the reading model is
confident of in its context, treats the either-way ones (看 望 …) and the unsure ones as lenient
does, and says so in notes; ``strict`` requires every reading of a 多音字 to fit; ``lenient``
accepts whichever reading fits. This module turns that into a :class:`~.report.Report`: issues with
the identifiers of docs/rules.md and Chinese messages, and per character its tones, the required tone and a
verdict. Rhythm slips (positions 2, 4, 6) are named ``shi_dui`` when a line copies its partner's tone,
``shi_nian`` at position 2 of a couplet's first line that differs from the line before, else ``tone``.
It never raises on a string; a non-string raises :class:`~tangshi.errors.InputError`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tangshi.errors import InputError
from tangshi.errors import choice_error
from tangshi.prosody import readings, rhyme
from tangshi.prosody.forms import opposite
from tangshi.prosody.inference import TONE_STR, LineEval, PoemTones, infer
from tangshi.prosody.lexicon import P, Z, Lexicon, load, to_traditional
from tangshi.prosody.messages import message
from tangshi.prosody.report import Issue, LineReport, Report
from tangshi.prosody.rules import RHYTHM, line_findings
from tangshi.prosody.text import detect_form, poem_lines, shape_problem


def _traditional(lines: list[str]) -> list[str]:
    joined = to_traditional("".join(lines))
    out, i = [], 0
    for line in lines:
        out.append(joined[i:i + len(line)])
        i += len(line)
    return out


MODES = ("contextual", "strict", "lenient")


def _line_report(lex: Lexicon, text: str, trad: str, masks: list[int], required: str,
                 verdicts: list[str], rhymes: bool, chosen: str = "", confidence: tuple = ()) -> LineReport:
    groups = tuple(tuple(lex.groups[g].name for g in lex.lookup(c)) for c in trad)
    return LineReport(text, tuple(TONE_STR[m] for m in masks), tuple(required), tuple(verdicts),
                      groups, rhymes, tuple(chosen or "*" * len(text)), confidence or (0.0,) * len(text))


def _unknown(lines: list[str], masks: list[list[int]]) -> list[Issue]:
    return [Issue("unknown_char", i + 1, j + 1, message("unknown_char", ch=ch))
            for i, line in enumerate(lines) for j, ch in enumerate(line) if masks[i][j] == 0]


def _bad_shape(lex, lines, trad, masks, problem, mode) -> Report:
    reports = tuple(_line_report(lex, t, tr, m, "*" * len(t), ["unknown" if x == 0 else "free" for x in m], False)
                    for t, tr, m in zip(lines, trad, masks))
    errors = (Issue("bad_shape", None, None, problem), *_unknown(lines, masks))
    return Report(None, None, None, reports, errors, (), mode)


def check(text: str, mode: str = "contextual", duizhang: bool = False) -> Report:
    """Check ``text`` (simplified or traditional, any punctuation) against the rules of docs/rules.md.

    ``mode``: ``contextual`` (default), ``strict`` or ``lenient`` (see the module docstring).
    ``duizhang``: also score each couplet's 对仗 (:mod:`tangshi.duizhang`; a 律诗 only; it loads a
    tagger, so it is off by default and on in ``tangshi check`` and the server's check).
    """
    if not isinstance(text, str):
        raise InputError(f"a poem must be given as text (str), not {type(text).__name__}")
    if mode not in MODES:
        raise choice_error("mode", mode, MODES)
    lex = load()
    lines = poem_lines(text)
    trad = _traditional(lines)
    masks = [[lex.tone_mask(c) for c in line] for line in trad]
    problem = shape_problem(lines)
    if problem:
        return _bad_shape(lex, lines, trad, masks, problem, mode)
    form = detect_form(lines)
    if mode == "contextual":
        contexts = _contexts(trad, masks)
        settled = _settle(masks, contexts)
    else:  # strict and lenient consult no reading model
        contexts, settled = [[None] * len(line) for line in trad], masks
    even_ends = [t[-1] for t in trad[1::2]]
    ze = rhyme.is_ze_rhymed(lex, even_ends)
    group = rhyme.ze_group(lex, even_ends) if ze else rhyme.choose_group(lex, even_ends, trad[0][-1])
    poem = PoemTones(form, lines, trad, settled, mode == "strict", group, ze)
    pattern, evals = infer(poem)
    report = _assemble(lex, poem, pattern, evals, mode, masks, contexts)
    if duizhang:
        from tangshi.duizhang import duizhang as score_couplets

        report = dataclasses.replace(report, duizhang=score_couplets(lines))
    return report


@dataclass(frozen=True)
class Context:
    """How a 多音字 reads where it stands: P(平) from the reading model, or either-way."""

    ping: float  # P(平) in context (0.5 for an either-way character)
    either: bool  # 看 望 …: either tone is correct here
    why: str  # the context that moved it most: "left", "right" or "" (the character alone)

    @property
    def confident(self) -> bool:
        return not self.either and max(self.ping, 1 - self.ping) >= readings.CONFIDENT

    @property
    def tone(self) -> str:
        return "P" if self.ping >= 0.5 else "Z"


def _contexts(trad: list[str], masks: list[list[int]]) -> list[list[Context | None]]:
    """Per character: its :class:`Context` for a 多音字, ``None`` for any other character."""
    model = readings.load()
    out = []
    for line, row in zip(trad, masks):
        ctx: list[Context | None] = []
        for p, (char, m) in enumerate(zip(line, row)):
            if m != P | Z:
                ctx.append(None)
                continue
            left = line[p - 1] if p else readings.START
            right = line[p + 1] if p + 1 < len(line) else readings.END
            if char in model.either:
                ctx.append(Context(0.5, True, ""))
                continue
            ping = model.p_ping(left, char, right)
            ctx.append(Context(ping, False, model.evidence(left, char, right, ping >= 0.5)))
        out.append(ctx)
    return out


def read_in_context(trad: list[str], masks: list[list[int]]) -> list[list[int]]:
    """Tone masks of traditional lines with each 多音字 its context settles given that one reading
    (the default mode's masks; an either-way or unsure one keeps both)."""
    return _settle(masks, _contexts(trad, masks))


def _settle(masks: list[list[int]], contexts: list[list[Context | None]]) -> list[list[int]]:
    """Masks with each confident reading settled (an either-way or unsure 多音字 keeps both)."""
    return [[(P if c.tone == "P" else Z) if c is not None and c.confident else m for m, c in zip(row, ctx)]
            for row, ctx in zip(masks, contexts)]


def _rhythm_kind(i: int, pos: int, evals: list[LineEval]) -> str:
    own = evals[i].tones[pos - 1]
    if i % 2 == 1:
        return "shi_dui" if own == evals[i - 1].tones[pos - 1] else "tone"
    if i > 0 and pos == 2 and own != evals[i - 1].tones[1]:
        return "shi_nian"
    return "tone"


def _finding_issue(poem: PoemTones, i: int, ev: LineEval, f) -> Issue:
    line, n = poem.text[i], poem.form.n_chars
    fields = {"pos": f.pos, "ch": line[f.pos - 1], "need": ev.ltype.template[f.pos - 1],
              "rpos": n - 2, "tail": line[-3:], "first": f.pos - 2}
    if f.kind == "gu_ping":
        fields["rpos"] = f.pos + 2
    return Issue(f.kind, i + 1, f.pos, message(f.kind, f.detail, **fields))


def _line_issues(poem: PoemTones, evals: list[LineEval]) -> list[Issue]:
    out: list[Issue] = []
    for i, ev in enumerate(evals):
        dui: list[int] = []
        for f in ev.findings:
            kind = _rhythm_kind(i, f.pos, evals) if f.kind == RHYTHM else f.kind
            if kind == "shi_dui":
                dui.append(f.pos)
            elif kind == "tone" and f.kind == RHYTHM:
                out.append(Issue("tone", i + 1, f.pos, message(
                    "tone", pos=f.pos, ch=poem.text[i][f.pos - 1], need=ev.ltype.template[f.pos - 1])))
            elif kind != "shi_nian":
                out.append(_finding_issue(poem, i, ev, f))
        if dui:
            out.append(Issue("shi_dui", i + 1, dui[0], message("shi_dui", positions="、".join(map(str, dui)))))
        if i % 2 == 0 and i > 0 and ev.tones[1] != evals[i - 1].tones[1]:
            out.append(Issue("shi_nian", i + 1, 2, message(
                "shi_nian", ch=poem.text[i][1], prev=poem.text[i - 1][1], need=evals[i - 1].tones[1])))
    return out


def _rhyme_issues(lex: Lexicon, poem: PoemTones, rhyme_lines: tuple[int, ...], mode: str) -> list[Issue]:
    n = poem.form.n_chars
    if poem.ze:
        chars = "".join(f"「{t[-1]}」" for t in poem.text[1::2])
        return [Issue("ze_rhyme", 2, n, message("ze_rhyme", chars=chars))]
    if poem.group is None:
        return []
    out, seen = [], {}
    group_name = lex.groups[poem.group].name
    model = readings.load() if mode == "contextual" else None  # rare rhyme readings: a contextual note
    for i in rhyme_lines:
        ch, trad = poem.text[i][-1], poem.trad[i][-1]
        v = rhyme.judge(lex, trad, poem.group, i == 0, poem.strict, poem.masks[i][-1])
        own = "、".join(lex.groups[g].name for g in lex.lookup(trad) if lex.groups[g].ping)
        if v.kind:
            detail = "rhyme" if v.kind == "ambiguous" else v.detail
            out.append(Issue(v.kind, i + 1, n, message(v.kind, detail, ch=ch, own=own, group=group_name)))
        elif model is not None and model.rare_rhyme(trad, group_name):
            uses = model.rhymes[trad]
            usual = max(uses, key=uses.get)
            out.append(Issue("rare_rhyme", i + 1, n, message(
                "rare_rhyme", ch=ch, group=group_name, share=f"{uses.get(group_name, 0) / sum(uses.values()):.1%}",
                usual=usual)))
        if trad in seen:
            out.append(Issue("repeated_rhyme", i + 1, n, message("repeated_rhyme", ch=ch, first=seen[trad] + 1)))
        seen.setdefault(trad, i)
    return out


def _flip(tones: str, p: int) -> str:
    return tones[:p] + opposite(tones[p]) + tones[p + 1:]


def _errors(tones: str, ev: LineEval) -> int:
    return sum(f.error for f in line_findings(tones, ev.ltype, ev.rescued))


def _ambiguous_notes(poem: PoemTones, evals: list[LineEval], rhyme_lines: tuple[int, ...], mode: str,
                     contexts: list[list[Context | None]]) -> list[Issue]:
    """Where flipping a 多音字's reading (one the mode left open) changes the line's verdict."""
    out = []
    for i, ev in enumerate(evals):
        for p, mask in enumerate(poem.masks[i]):
            if mask != P | Z or (i in rhyme_lines and p == len(ev.tones) - 1):
                continue
            flipped = _errors(_flip(ev.tones, p), ev)
            if flipped == ev.errors:
                continue
            ctx = contexts[i][p]
            detail = "either" if mode == "contextual" and ctx is not None and ctx.either else mode
            out.append(Issue("ambiguous", i + 1, p + 1, message(
                "ambiguous", detail, ch=poem.text[i][p], bad=ev.tones[p], good=ev.tones[p])))
    return out


def _reading_notes(lex: Lexicon, poem: PoemTones, evals: list[LineEval], required: list[str],
                   contexts: list[list[Context | None]]) -> list[Issue]:
    """Contextual mode: for each 多音字 the context settled where its tone matters, which reading and why."""
    out = []
    for i, ev in enumerate(evals):
        line = poem.text[i]
        for p, ctx in enumerate(contexts[i]):
            if ctx is None or not ctx.confident or required[i][p] == "*":
                continue
            tone = ctx.tone
            names = "、".join(lex.groups[g].name for g in lex.lookup(poem.trad[i][p])
                             if lex.groups[g].ping == (tone == "P"))
            edge = (ctx.why == "left" and p == 0) or (ctx.why == "right" and p == len(line) - 1)
            word = line[p - 1:p + 1] if ctx.why == "left" else line[p:p + 2] if ctx.why == "right" else ""
            detail = ("start" if p == 0 else "end") if edge else "context" if word else ""
            out.append(Issue("reading", i + 1, p + 1, message(
                "reading", detail, ch=line[p], word=word, tone=tone, groups=names)))
    return out


def _required(ev: LineEval, rhymes: bool) -> str:
    """Per position: the tone that causes fewer errors given the rest of the line, or ``*``."""
    out = []
    for p in range(len(ev.tones)):
        if rhymes and p == len(ev.tones) - 1:
            out.append("P")
            continue
        as_p = _errors(ev.tones[:p] + "P" + ev.tones[p + 1:], ev)
        as_z = _errors(ev.tones[:p] + "Z" + ev.tones[p + 1:], ev)
        out.append("*" if as_p == as_z else ("P" if as_p < as_z else "Z"))
    return "".join(out)


def _verdicts(masks: list[int], required: str, issues: list[Issue], ev: LineEval, line_no: int) -> list[str]:
    marks = {}
    for f in ev.findings:
        if f.error:
            marks[f.pos] = "error"
    for x in issues:
        if x.line == line_no and x.pos is not None:
            rank = {"error": 3, "ambiguous": 2, "note": 1}
            new = "error" if x.is_error else ("ambiguous" if x.kind == "ambiguous" else "note")
            if rank[new] > rank.get(marks.get(x.pos, ""), 0):
                marks[x.pos] = new
    out = []
    for p, (m, r) in enumerate(zip(masks, required), start=1):
        out.append("unknown" if m == 0 else marks.get(p, "free" if r == "*" else "ok"))
    return out


def _confidence(mask: int, ctx: Context | None, taken: str) -> float:
    """How sure the reading taken is: 1 for a single reading (or an either-way one), the reading model's
    probability for a 多音字 (0.5 in strict and lenient mode, which do not read the context), 0 if unknown."""
    if mask == 0:
        return 0.0
    if mask == P | Z and ctx is None:
        return 0.5  # strict or lenient mode: the context was not read
    if ctx is None or ctx.either:
        return 1.0
    return round(ctx.ping if taken == "P" else 1 - ctx.ping, 3)


def _assemble(lex: Lexicon, poem: PoemTones, pattern, evals: list[LineEval], mode: str,
              masks: list[list[int]], contexts: list[list[Context | None]]) -> Report:
    rhyme_lines = pattern.rhyme_lines
    required = [_required(ev, i in rhyme_lines) for i, ev in enumerate(evals)]
    issues = (_unknown(poem.text, masks) + _line_issues(poem, evals) + _rhyme_issues(lex, poem, rhyme_lines, mode)
              + _ambiguous_notes(poem, evals, rhyme_lines, mode, contexts))
    if mode == "contextual":
        issues += _reading_notes(lex, poem, evals, required, contexts)
    issues.sort(key=lambda x: (x.line or 0, x.pos or 0))
    reports = []
    for i, ev in enumerate(evals):
        verdicts = _verdicts(masks[i], required[i], issues, ev, i + 1)
        chosen = "".join(t if r != "*" else "*" for t, r in zip(ev.tones, required[i]))
        confidence = tuple(_confidence(m, c, t) for m, c, t in zip(masks[i], contexts[i], ev.tones))
        reports.append(_line_report(lex, poem.text[i], poem.trad[i], masks[i], required[i], verdicts,
                                    i in rhyme_lines, chosen, confidence))
    group = lex.groups[poem.group].name if poem.group is not None else None
    return Report(poem.form.name, pattern.name, group, tuple(reports),
                  tuple(x for x in issues if x.is_error), tuple(x for x in issues if not x.is_error), mode)
