"""``tangshi write``: write poems from the command line (see :class:`tangshi.poet.Poet`).

Every request flag is generated from :class:`tangshi.request.WriteRequest` — its help, default
and range — so the CLI, the Python API and the server accept the same values.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import warnings
from pathlib import Path

from tangshi.errors import InputError
from tangshi.hanzi import is_han
from tangshi.request import WriteRequest, spec

EPILOG = """\
examples:
  tangshi write --form 七律 --title 秋夜
  tangshi write --form 五绝 --poem poem.txt --keep 1,4        keep lines 1 and 4, write 2 and 3 anew
  tangshi write --form 五绝 --poem poem.txt --line 3 -n 5     five alternatives for line 3
--poem takes the poem's text, a file holding it, or - (standard input); a line not yet written is □□□□□.
"""
FLAGS = {"n": "-n"}  # fields whose flag is not --<field-name>
METAVARS = {"first_rhymes": "yes|no"}


def _yes_no(value: str) -> bool:
    if value.lower() in ("yes", "y", "true", "1", "是"):
        return True
    if value.lower() in ("no", "n", "false", "0", "否"):
        return False
    raise argparse.ArgumentTypeError(f"expected yes or no, got {value!r}")


def add_request_flags(parser: argparse.ArgumentParser, cls: type = WriteRequest) -> None:
    """One flag per field of ``cls``, default ``None`` (the request's own default then applies)."""
    for f in dataclasses.fields(cls):
        s = spec(cls, f.name)
        kind = str(f.type).split(" ")[0]
        convert = {"int": int, "float": float, "bool": _yes_no}.get(kind, str)
        limits = s.describe() if kind != "str" or s.max_len is not None else ""
        default = "" if f.default is None else f"default: {f.default}"
        extra = "; ".join(x for x in (default, limits) if x)
        parser.add_argument(FLAGS.get(f.name, "--" + f.name.replace("_", "-")), dest=f.name, type=convert,
                            default=None, metavar=METAVARS.get(f.name),
                            help=s.help + (f" ({extra})" if extra else ""))


def request_of(args: argparse.Namespace, cls: type = WriteRequest):
    """The request the flags describe (only the flags given; the rest take the request's defaults; a
    required one missing is the request's one-line error). A poem flag may name a file, or ``-``."""
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)
             if getattr(args, f.name) is not None or f.default is dataclasses.MISSING}
    if given.get("poem") is not None:
        given["poem"] = poem_text(given["poem"])
    return cls(**given)


def poem_text(value: str) -> str:
    """A poem flag's text: the value itself, or the file it names, or standard input for ``-``."""
    from tangshi.request import MARKS, POEM_MAX

    if value == "-":
        return sys.stdin.read(4 * POEM_MAX)
    if any(is_han(c) or (c in MARKS and not c.isascii()) for c in value):  # the poem itself (□ ○, not _ or *)
        return value
    try:  # no Chinese character, no mark: the name of a file
        return Path(value).read_bytes()[: 8 * POEM_MAX].decode("utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else "not UTF-8 text"
        raise InputError(f"cannot read the poem from the file {value!r}: {reason}", field="poem") from None


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi write``."""
    req = request_of(args)  # validated before the model loads: a mistake costs nothing
    from tangshi.poet import Poet

    poet = Poet.load(args.model, precision=args.precision)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        poems = poet.write(req)
    for w in caught:
        print(f"tangshi: warning: {w.message}", file=sys.stderr)
    if args.json:
        from tangshi.poet import poems_json

        print(json.dumps(poems_json(req, poems), ensure_ascii=False, indent=1))
        return 0
    if req.line is not None:  # alternatives for one line: that line of each poem, best first
        print(f"line {req.line}, {len(poems)} alternatives, best first:")
        for p in poems:
            verdict = "" if p.check["ok"] else "  不合律"
            print(f"  {p.lines[req.line - 1]}  [score {p.score:.2f}]{verdict}")
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
    p = sub.add_parser("write", help="write a regulated poem", description="Write a regulated poem (近体诗).",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_request_flags(p)
    p.add_argument("--model", help="a checkpoint directory (default: the model shipped with tangshi)")
    p.add_argument("--precision", default="auto",
                   help="weights of the generation step: auto (int8 on an x86 CPU), int8 or fp32 (exact)")
    p.add_argument("--json", action="store_true", help="print JSON: {poems: [{text, lines, form, title, score, check}]}")
    p.set_defaults(func=run)
