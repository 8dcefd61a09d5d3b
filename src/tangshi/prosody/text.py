"""User text -> lines of characters, and the shape check (no lexicon, no rules).

Lines are cut as everywhere in tangshi (:func:`tangshi.hanzi.split_lines`: newlines, whitespace,
，。！？；：、 in full or ASCII width; quotation marks and invisible characters such as a byte-order
mark dropped). One unpunctuated run of 20, 28, 40 or 56 characters is cut into the 4 or 8 equal
lines it can only be. Anything can be parsed; :func:`shape_problem` says what keeps the lines from
being a 绝句 or 律诗.
"""
from __future__ import annotations

from tangshi.hanzi import split_lines
from tangshi.prosody.forms import Form, form_for

_RUNS = {20: 4, 28: 4, 40: 8, 56: 8}  # unpunctuated length -> lines


def poem_lines(text: str) -> list[str]:
    """The non-empty lines of ``text`` (see the module docstring)."""
    lines = split_lines(text)
    if len(lines) == 1 and len(lines[0]) in _RUNS:
        run, n = lines[0], _RUNS[len(lines[0])]
        size = len(run) // n
        lines = [run[i:i + size] for i in range(0, len(run), size)]
    return lines


def shape_problem(lines: list[str]) -> str | None:
    """A Chinese message when ``lines`` are not 4 or 8 lines of 5 or 7 characters each, else ``None``."""
    if not lines:
        return "空文本：未见诗句"
    lengths = [len(x) for x in lines]
    if len(set(lengths)) != 1:
        return "各句字数不一（" + "、".join(map(str, lengths)) + "），近体诗每句字数相同"
    if lengths[0] not in (5, 7):
        return f"每句{lengths[0]}字；近体诗每句五字或七字"
    if len(lines) not in (4, 8):
        return f"共{len(lines)}句；绝句四句，律诗八句"
    return None


def detect_form(lines: list[str]) -> Form | None:
    """The form of well-shaped ``lines``, else ``None``."""
    return None if shape_problem(lines) else form_for(len(lines), len(lines[0]))
