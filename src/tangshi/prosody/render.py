"""Terminal rendering of a :class:`~.report.Report`: the poem with 平/仄 marks under each character.

Marks: ○ 平, ● 仄, ◐ both readings (多音字), ? unknown; a rhyme position is flagged 韵. With colour
(ANSI), a character that breaks a rule is red, one with a note yellow. :func:`use_colour` decides
from the stream and the environment (``NO_COLOR`` wins, then ``FORCE_COLOR``, then ``isatty``).
"""
from __future__ import annotations

import os
from typing import TextIO

from tangshi.hanzi import converter
from tangshi.prosody.lexicon import group_name
from tangshi.prosody.report import ERROR_KINDS, NOTE_KINDS, Report

MARKS = {"P": "○", "Z": "●", "PZ": "◐", "?": "?"}
RED, YELLOW, GREEN, DIM, BOLD, RESET = "\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[1m", "\033[0m"
VERDICT_COLOUR = {"error": RED, "unknown": RED, "note": YELLOW, "ambiguous": YELLOW}


def use_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """ANSI colour for ``stream``? Off with ``NO_COLOR``; on with ``FORCE_COLOR`` or a tty."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _paint(text: str, colour: str, on: bool) -> str:
    return f"{colour}{text}{RESET}" if on and colour else text


def _script(report: Report) -> str:
    """The script the poem was written in: traditional where OpenCC's t2s changes it, else simplified."""
    text = "".join(line.text for line in report.lines)
    return "traditional" if converter("t2s").convert(text) != text else "simplified"


def _header(report: Report, colour: bool) -> str:
    parts = [report.form or "体式不明"]
    if report.pattern:
        parts.append(report.pattern)
    if report.rhyme_group:
        parts.append(f"{group_name(report.rhyme_group, _script(report))}韵")
    parts.append({"contextual": "依上下文定读", "strict": "严格模式", "lenient": "宽松模式"}[report.mode])
    verdict = (_paint("合律", GREEN, colour) if report.ok
               else _paint(f"不合律（{len(report.errors)}处）", RED, colour))
    return " · ".join(parts) + " — " + verdict


def _poem_rows(report: Report, colour: bool) -> list[str]:
    rows = []
    for i, line in enumerate(report.lines, start=1):
        chars, marks = [], []
        for ch, tone, verdict in zip(line.text, line.tones, line.verdicts):
            c = VERDICT_COLOUR.get(verdict, "")
            chars.append(_paint(ch, c, colour))
            marks.append(_paint(MARKS[tone], c, colour) + " ")
        flag = "  " + _paint("韵", BOLD, colour) if line.rhyme else ""
        rows.append(f"{i:>2}  " + " ".join(chars) + flag)
        rows.append("    " + " ".join(marks))
    return rows


def _issue_rows(report: Report, colour: bool) -> list[str]:
    rows = []
    for issue in (*report.errors, *report.notes):
        label = ERROR_KINDS.get(issue.kind) or NOTE_KINDS[issue.kind]
        where = "" if issue.line is None else f"第{issue.line}句" + ("" if issue.pos is None else f"第{issue.pos}字")
        mark = _paint("✗", RED, colour) if issue.is_error else _paint("·", YELLOW, colour)
        rows.append(f"  {mark} [{issue.kind}] {label}  {where}  {issue.message}")
    return rows


def _pair_text(p) -> str:
    classes = p.cls_a if p.cls_a == p.cls_b else f"{p.cls_a}·{p.cls_b}"
    return f"{p.a}/{p.b} {classes}" + ("★" if p.strong else "")


def _duizhang_rows(report: Report, colour: bool) -> list[str]:
    """Each couplet's 对仗 (a note): its score, the verdict and the aligned pairs with their classes."""
    if not report.duizhang:
        return []
    rows = ["", _paint("对仗（注，不计错误；★ 工对：数目、颜色、方位、叠字）", DIM, colour)]
    for c in report.duizhang:
        head = f"  {c.name}（第{c.lines[0]}–{c.lines[1]}句）"
        if c.result is None:
            rows.append(f"{head} 未评：{c.reason}")
            continue
        verdict = _paint("对仗", GREEN, colour) if c.result.parallel else "不对"
        rows.append(f"{head} {verdict} {c.result.score:.2f}  " + "  ".join(_pair_text(p) for p in c.result.pairs))
    return rows


def render_report(report: Report, colour: bool = False) -> str:
    """The report as text for a terminal."""
    legend = _paint("○ 平  ● 仄  ◐ 平仄两读  ? 未收", DIM, colour)
    return "\n".join([_header(report, colour), "", *_poem_rows(report, colour), "", legend,
                      *_issue_rows(report, colour), *_duizhang_rows(report, colour)]) + "\n"
