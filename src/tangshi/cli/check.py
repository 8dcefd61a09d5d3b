"""``tangshi check``: check a poem against the rules of regulated verse (never imports torch)."""
from __future__ import annotations

import argparse
import json
import sys

from tangshi.errors import InputError
from tangshi.request import CHECK_TEXT_MAX, CheckRequest

EPILOG = """\
exit status: 0 when the poem follows the rules, 1 when it breaks one (or is not a
绝句/律诗 shape), 2 on a usage error (no poem given, more than 1000 characters,
text that is not UTF-8).

Lines may be separated by newlines, spaces or punctuation (，。！？；、 or ,.!?;);
simplified and traditional characters are both accepted.
examples:
  tangshi check 白日依山尽，黄河入海流。欲穷千里目，更上一层楼。
  echo 春眠不觉晓 处处闻啼鸟 夜来风雨声 花落知多少 | tangshi check --json
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check", help="check a poem against the rules of regulated verse",
        description="Check a 绝句 or 律诗 against the tone and rhyme rules of regulated verse (平水韵).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", nargs="?", default="-", metavar="TEXT",
                        help="the poem; '-' or nothing reads it from standard input")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON (form, ok, pattern, rhyme_group, lines, errors, notes, duizhang)")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--strict", dest="mode", action="store_const", const="strict",
                       help="every reading of a 多音字 must fit")
    modes.add_argument("--lenient", dest="mode", action="store_const", const="lenient",
                       help="a 多音字 may take whichever reading fits")
    parser.set_defaults(mode="contextual")  # each 多音字 read as its context shows (see docs/prosody.md)
    parser.set_defaults(func=handler)
    return parser


def _read(text: str) -> str:
    """The poem from the argument or from standard input, read up to just past the size limit."""
    if text != "-":
        return text
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("no poem given: pass it as TEXT or pipe it on standard input")
    limit = CHECK_TEXT_MAX + 1  # characters: one more says "too long" without reading a flood
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream (tests, embedding)
        text = sys.stdin.read(limit)
    else:
        data = raw.read(4 * limit)  # a UTF-8 character is at most 4 bytes
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            if not (err.start >= len(data) - 3 and len(data) == 4 * limit):  # not just a cut last character
                raise InputError(f"standard input is not valid UTF-8 text (byte {err.start + 1})") from None
            text = data[:err.start].decode("utf-8")
    if len(text) > CHECK_TEXT_MAX:
        raise InputError(f"standard input holds more than {CHECK_TEXT_MAX} characters; a regulated poem has at"
                         " most 56 and their punctuation")
    return text


def handler(args: argparse.Namespace) -> int:
    """Check the poem, print the report, return 0 (follows the rules) or 1 (breaks one)."""
    from tangshi.duizhang import available
    from tangshi.prosody.checker import check
    from tangshi.prosody.render import render_report, use_colour

    req = CheckRequest(_read(args.text), mode=args.mode)
    report = check(req.text, req.mode, duizhang=True)
    if report.duizhang and not available():  # one warning: the poem is still checked
        print(f"tangshi: warning: 对仗 not scored: {report.duizhang[0].reason}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_report(report, colour=use_colour(sys.stdout)))
    return 0 if report.ok else 1
