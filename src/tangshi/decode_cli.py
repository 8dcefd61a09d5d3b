"""``tangshi write``: write poems from the command line (see :class:`tangshi.poet.Poet`)."""
from __future__ import annotations

import argparse
import json
import sys
import warnings

from tangshi.decode import DecodeConfig

D = DecodeConfig()


def _yes_no(value: str) -> bool:
    if value.lower() in ("yes", "y", "true", "1", "是"):
        return True
    if value.lower() in ("no", "n", "false", "0", "否"):
        return False
    raise argparse.ArgumentTypeError(f"expected yes or no, got {value!r}")


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi write``."""
    from tangshi.poet import Poet

    poet = Poet.load(args.model, precision=args.precision)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        poems = poet.write(form=args.form, title=args.title, acrostic=args.acrostic, first_line=args.first_line,
                           n=args.n, seed=args.seed, rules=args.rules, temperature=args.temperature,
                           top_k=args.top_k, top_p=args.top_p, beam=args.beam, script=args.script,
                           start=args.start, first_rhymes=args.first_rhymes, max_repeat=args.max_repeat)
    for w in caught:
        print(f"tangshi: warning: {w.message}", file=sys.stderr)
    if args.json:
        print(json.dumps({"poems": [p.to_json() for p in poems]}, ensure_ascii=False, indent=1))
        return 0
    for k, p in enumerate(poems):
        if k:
            print()
        print(p)
        if len(poems) > 1 or not p.check["ok"]:
            verdict = "合律" if p.check["ok"] else "不合律: " + "；".join(e["message"] for e in p.check["errors"][:3])
            print(f"  [{p.pattern}, score {p.score:.2f}, {verdict}]")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``write``."""
    p = sub.add_parser("write", help="write a regulated poem", description="Write a regulated poem (近体诗).")
    p.add_argument("--form", default="七言律诗",
                   help="五言绝句, 七言绝句, 五言律诗, 七言律诗 or 五绝, 七绝, 五律, 七律 (default: 七言律诗)")
    p.add_argument("--title", help="the title or theme (either script; longer than 32 characters is truncated)")
    p.add_argument("--acrostic", help="藏头诗: line k starts with the k-th character (one per line)")
    p.add_argument("--first-line", help="续写: keep this opening line (or lines) and write the rest")
    p.add_argument("--rules", default=D.rules, help="strict (default), lenient (polyphones are wildcards) or off")
    p.add_argument("--start", help="平起 or 仄起 (also ping / ze); default: the model chooses")
    p.add_argument("--first-rhymes", type=_yes_no, metavar="yes|no",
                   help="whether line 1 rhymes (首句入韵); default: the model chooses")
    p.add_argument("--temperature", type=float, default=D.temperature,
                   help=f"sampling temperature; lower is safer, higher is bolder (default: {D.temperature})")
    p.add_argument("--top-k", type=int, default=D.top_k, help="sample among the k likeliest characters; 0 = all")
    p.add_argument("--top-p", type=float, default=D.top_p, help=f"nucleus sampling mass (default: {D.top_p})")
    p.add_argument("--beam", type=int, default=D.beam, help="beam search of this width instead of sampling; 0 = sample")
    p.add_argument("-n", type=int, default=D.n, help="how many poems to print, best first (one batch)")
    p.add_argument("--seed", type=int, help="random seed: the same seed gives the same poem")
    p.add_argument("--max-repeat", type=int, default=D.max_repeat, help="no character more often than this")
    p.add_argument("--script", default="simplified", help="simplified (default) or traditional output")
    p.add_argument("--model", help="a checkpoint directory (default: the model shipped with tangshi)")
    p.add_argument("--precision", default="auto",
                   help="weights of the generation step: auto (int8 on an x86 CPU), int8 or fp32 (exact)")
    p.add_argument("--json", action="store_true", help="print JSON: {poems: [{text, lines, form, title, score, check}]}")
    p.set_defaults(func=run)
