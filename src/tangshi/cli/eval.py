"""``tangshi eval``: the quality table of a poet (what it measures: :mod:`tangshi.evaluate`)."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from tangshi.evaluate import EvalConfig, evaluate, format_markdown, format_table


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi eval``."""
    from tangshi.corpus.build import load_dataset
    from tangshi.errors import CheckpointError
    from tangshi.judge import Judge
    from tangshi.poet import Poet

    cfg = EvalConfig(poems=args.poems, per_mode=args.per_mode, seed=args.seed, split=args.split,
                     judge=args.judge, repeat_penalty=tuple(args.repeat_penalty), stock=args.stock)  # checked first
    poet, dataset = Poet.load(args.model), load_dataset()
    try:
        judge = Judge.load(cfg.judge)
    except CheckpointError as err:
        if cfg.judge is not None:
            raise
        print(f"tangshi: warning: {err}; the judge score is left out", file=sys.stderr)
        judge = None
    result = evaluate(poet, dataset, cfg, lambda m: print(m, file=sys.stderr), judge)
    result["config"] = asdict(cfg)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(format_markdown(result) if args.markdown else format_table(result))
    return 0


def form_value(text: str) -> tuple[str, float]:
    """``七绝=2.5`` → ("七绝", 2.5); the form and the range are checked by EvalConfig."""
    form, sep, value = text.partition("=")
    try:
        nats = float(value) if sep else None
    except ValueError:
        nats = None
    if nats is None:
        raise argparse.ArgumentTypeError(f"expected FORM=NATS (e.g. 七绝=2.5), not {text!r}")
    return form.strip(), nats


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``eval``."""
    d = EvalConfig()
    p = sub.add_parser("eval", help="the quality table: judge, repetition, title use, n-best, pass rate, perplexity")
    p.add_argument("--model", help="a checkpoint directory (default: the shipped model)")
    p.add_argument("--judge", help="a judge checkpoint directory (default: the shipped judge)")
    p.add_argument("--poems", type=int, default=d.poems, help=f"generated poems per form, title mode (default: {d.poems})")
    p.add_argument("--per-mode", type=int, default=d.per_mode,
                   help=f"generated poems per form for each other mode (default: {d.per_mode})")
    p.add_argument("--split", default=d.split, help=f"valid or test (default: {d.split})")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed of the generation")
    p.add_argument("--repeat-penalty", type=form_value, action="append", default=[], metavar="FORM=NATS",
                   help="the repetition penalty of one form in every mode, e.g. 七绝=2.5 (repeatable; default:"
                        " the decoder's measured one)")
    p.add_argument("--stock", type=float, default=d.stock,
                   help="the stock-pair weight in every mode (default: the decoder's; 0: off)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--markdown", action="store_true", help="print the table in markdown (the model card's)")
    p.set_defaults(func=run)
