"""``tangshi suggest``: the characters that fit one slot of a poem, ranked by the poet (Poet.suggest).

Every flag is generated from :class:`tangshi.request.SuggestRequest`, as ``write``'s are from its request.
"""
from __future__ import annotations

import argparse
import json

from tangshi.cli.write import add_request_flags, request_of
from tangshi.request import SuggestRequest

EPILOG = """\
examples:
  tangshi suggest --form 五绝 --poem 白日依山尽，黄河入海流。欲穷千里目，更上一层楼。 --line 3 --pos 2
  tangshi suggest --form 七律 --title 登高 --poem poem.txt --line 8 --pos 7 --json
--poem takes the poem's text, a file holding it, or - (standard input); a character not written yet is □.
"""


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi suggest``."""
    req = request_of(args, SuggestRequest)  # validated before the model loads
    from tangshi.poet import Poet

    out = Poet.load(args.model, precision=args.precision).suggest(req)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    need = out["tone"] if out["tone"] != "either" else "平 or 仄"
    rhyme = f", rhyming in {out['rhyme']}" if out["rhyme"] else (", a rhyme" if out["rhymes"] else "")
    now = f"; now {out['char']}" if out["char"] else ""
    print(f"line {out['line']}, character {out['pos']}: {need}{rhyme} ({out['pattern']}){now}")
    for s in out["suggestions"]:
        reads = " / ".join(f"{r['class']} {r['group']}" for r in s["readings"])
        print(f"  {s['char']}  {reads}  [score {s['score']:.2f}]")
    if not out["suggestions"]:
        print("  nothing the model knows fits here")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``suggest``."""
    p = sub.add_parser("suggest", help="the characters that fit one place of a poem",
                       description="The characters that fit one place of a poem: the tone (and rhyme) the"
                                   " pattern needs there, ranked by the poet given the poem.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_request_flags(p, SuggestRequest)
    p.add_argument("--model", help="a checkpoint directory (default: the model shipped with tangshi)")
    p.add_argument("--precision", default="auto", help="auto (int8 on an x86 CPU), int8 or fp32")
    p.add_argument("--json", action="store_true", help="print JSON: {line, pos, char, tone, rhyme, suggestions}")
    p.set_defaults(func=run)
