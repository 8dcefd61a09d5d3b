"""``tangshi corpus fetch|build|stats``: the command-line face of :mod:`tangshi.corpus`."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from tangshi import paths


def _fetch(args: argparse.Namespace) -> int:
    from tangshi.corpus.fetch import fetch

    raw = paths.raw_dir()
    m = fetch(raw, Path(args.source) if args.source else None, verify=not args.no_verify)
    check = "integrity verified" if m["verified"] else "integrity not checked"
    song = f" and {m['song_files']} of 全宋诗" if m.get("song_files") else ""
    print(f"fetched {m['poem_files']} poem files of 全唐诗{song} from {m['source']} into {raw} ({check})")
    return 0


def _build(args: argparse.Namespace) -> int:
    from tangshi.corpus.build import build

    meta = build(min_count=args.min_count, force=args.force, dynasties=("唐", "宋") if args.song else ("唐",))
    if meta["skipped"]:
        print(f"data set is up to date: {paths.dataset_path()}")
    else:
        kept = meta["raw_poems"] - sum(meta["dropped"].values())
        print(f"built {paths.dataset_path()}: {kept} of {meta['raw_poems']} poems kept")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from tangshi.corpus.build import HEADLINE, load_dataset
    from tangshi.corpus.stats import compute, format_table

    dataset = load_dataset()
    s = compute(dataset)
    if not args.no_prosody:
        from tangshi.prosody.baseline import corpus_figures

        lines = [line for p in dataset.poems for line in p.lines]
        s["prosody"] = corpus_figures(lines, [(p.form, p.lines) for p in dataset.split("test", HEADLINE)])
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=1))
    else:
        print(format_table(s))
        if "prosody" in s:
            print(_format_prosody(s["prosody"]))
    return 0


def _format_prosody(p: dict) -> str:
    out = [f"平水韵 lexicon coverage of corpus characters: {p['lexicon_coverage']:.3%}"]
    if p["lexicon_missing"]:
        out.append("  most frequent missing: " + " ".join(f"{c}×{n}" for c, n in p["lexicon_missing"].items()))
    out.append(f"character tokens with both a 平 and a 仄 reading (多音字): {p['ambiguous_tokens']:.1%}")
    out.append("real test-split poems passing the checker (contextual / strict / lenient):")
    for form, r in p["human_pass_rates_test"].items():
        out.append(f"  {form}: {r['contextual']:.1%} / {r['strict']:.1%} / {r['lenient']:.1%} of {r['count']}")
    return "\n".join(out)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``corpus`` and its three subcommands."""
    p = sub.add_parser("corpus", help="fetch, build and describe the Tang corpus",
                       description=f"Data lives in $TANGSHI_HOME (now {paths.home()}).")
    cmds = p.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    f = cmds.add_parser("fetch", help="fetch chinese-poetry@2.0.1 (npm pack) or copy it from --source")
    f.add_argument("--source", metavar="PATH",
                   help="use a local .tgz, an unpacked npm package or a chinese-poetry GitHub checkout instead of npm")
    f.add_argument("--no-verify", action="store_true",
                   help="accept a --source .tgz whose sha512 differs from chinese-poetry@2.0.1 (e.g. one you packed)")
    f.set_defaults(func=_fetch)
    b = cmds.add_parser("build", help="clean, deduplicate and split the fetched corpus; build the vocabulary")
    b.add_argument("--min-count", type=int, default=2, metavar="N",
                   help="keep characters seen at least N times in train (default: 2)")
    b.add_argument("--force", action="store_true", help="rebuild even if the data set is up to date")
    b.add_argument("--song", action="store_true",
                   help="add 全宋诗 (254k poems, each labelled 宋) to 全唐诗; Tang test poems stay the headline figures")
    b.set_defaults(func=_build)
    s = cmds.add_parser("stats", help="poems per split and form, characters, vocabulary, coverage")
    s.add_argument("--json", action="store_true", help="print machine-readable JSON")
    s.add_argument("--no-prosody", action="store_true",
                   help="skip the lexicon coverage and the checker's pass rates on real poems")
    s.set_defaults(func=_stats)
