"""``tangshi rhyme``: the rhyme book — a 平水韵 group's characters, or a character's readings (no torch)."""
from __future__ import annotations

import argparse
import json
import sys

from tangshi.script import SCRIPTS

EPILOG = """\
A group may be named as writers name it: 东, 一东, 東, 东韵, 上平一东, 下平一先, and the 仄
groups too: 董, 一董, 上声董, 送, 入声屋. A single character that names a group (东, 董) shows
the group; --char shows the character instead.

Counts are rhymes in the 绝句 and 律诗 of 全唐诗 (scripts/build_rhymebook.py says how they are
counted); a character the corpus never rhymes is listed with 0. Exit status 2 on a bad query.
examples:
  tangshi rhyme 东                  the group 一东: 风 中 空 同 … with the words they rhymed in
  tangshi rhyme 看                  看: 平 (十四寒) and 仄 (十五翰), lines that show each
  tangshi rhyme 东 --char --json
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``rhyme`` subcommand."""
    from tangshi.rhymebook.book import LIMIT_MAX

    parser = subparsers.add_parser(
        "rhyme", help="the rhyme book: a 平水韵 group's characters, or a character's readings",
        description="Look up a 平水韵 rhyme group (its characters as the Tang poets rhymed them) or one "
                    "character (its readings, with lines of real poems that show each).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", metavar="QUERY", help="a rhyme group's name (东, 一东, 上平一东, 董 …) or one character")
    kinds = parser.add_mutually_exclusive_group()
    kinds.add_argument("--group", dest="kind", action="store_const", const="group",
                       help="QUERY must be a group's name")
    kinds.add_argument("--char", dest="kind", action="store_const", const="char",
                       help="QUERY is one character, even one that names a group (东, 董)")
    parser.set_defaults(kind="auto")
    parser.add_argument("--script", choices=SCRIPTS, default="simplified", help="the script of the output")
    parser.add_argument("--limit", type=int, default=50, metavar="N",
                        help=f"the most characters a group lists, 1..{LIMIT_MAX} (default 50)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=handler)
    return parser


def handler(args: argparse.Namespace) -> int:
    """Look the query up and print it; errors are InputError (one line, exit 2, in main)."""
    from tangshi.rhymebook import lookup

    result = lookup(args.query, script=args.script, kind=args.kind, limit=args.limit)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render(result))
    return 0


def _times(n: int) -> str:
    return "never" if n == 0 else "once" if n == 1 else f"{n} times"


def _corpus(r: dict) -> str:
    return f"the {r['source']['poems']} 绝句 and 律诗 of {r['source']['corpus']}"


def _words(words: list[dict]) -> str:
    return " · ".join(f"{w['word']} {w['count']}" for w in words)


def render(result: dict) -> str:
    """The result of :func:`tangshi.rhymebook.lookup` as readable text."""
    return render_group(result) if result["kind"] == "group" else render_char(result)


def render_group(r: dict) -> str:
    """One line per character: the character, its count as a rhyme, its words (and its other groups)."""
    g = r["group"]
    out = [f"{g['name']} ({g['section']}声, {g['class']}): {r['rhymes']} rhymes in {_corpus(r)}; "
           f"{r['total']} characters" + (f", {r['shown']} shown (--limit)" if r["shown"] < r["total"] else "")]
    width = len(str(r["characters"][0]["count"])) if r["characters"] else 1
    for c in r["characters"]:
        also = f"   (also {'、'.join(c['other_groups'])})" if c["other_groups"] else ""
        out.append(f"{c['char']}  {c['count']:>{width}}  {_words(c['words'])}".rstrip() + also)
    if r["also_char"]:
        out.append(f"{r['query']} is also a character: tangshi rhyme {r['query']} --char")
    return "\n".join(out) + "\n"


def _example(e: dict) -> str:
    how = "韵脚" if e["settled_by"] == "rhyme" else f"第{e['pos']}字平仄"
    who = e["author"] or "佚名"
    title = f"《{e['title']}》" if e["title"] else ""
    return f"    {e['line']}  —— {who}{title}  [{how}]"


def render_char(r: dict) -> str:
    """Each reading: its class and group, how often it rhymed and in which words, and its examples."""
    kind = f"多音字, {len(r['readings'])} readings" if r["polyphonic"] else "one reading"
    out = [f"{r['char']}  ({kind}; rhymed {_times(r['rhymes'])} in {_corpus(r)})"]
    for reading in r["readings"]:
        line = f"{reading['class']}  {reading['group']} ({reading['section']}声): rhymed {_times(reading['rhymes'])}"
        out.append(line + (f": {_words(reading['words'])}" if reading["words"] else ""))
        out += [_example(e) for e in reading["examples"]]
    for cls, examples in r["class_examples"].items():
        out.append(f"{cls}  (a {cls} reading, group not settled)")
        out += [_example(e) for e in examples]
    if r["also_group"]:
        out.append(f"{r['char']} also names the group {r['also_group']}: tangshi rhyme {r['query']} --group")
    return "\n".join(out) + "\n"
