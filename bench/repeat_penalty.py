"""The repetition penalty against a model (issue 14, item 7): repeats, judge and distinct-2 per penalty.

Writes one title-mode poem for each of the first ``--titles`` valid titles per form (seed 0, the
decoding defaults otherwise) at each repetition penalty, and prints the judge score, the
characters used twice per poem and distinct-2 — the figures the shipping rule weighs — so a
candidate poet's decoding can be retuned before it is compared with the shipped one.

    python bench/repeat_penalty.py --model /tmp/newmodel   # a candidate, shipped there by scripts/ship_model.py
    python bench/repeat_penalty.py            # the shipped poet, for the same table
    python bench/repeat_penalty.py --forms 五言绝句 七言律诗   # some forms only
    python bench/repeat_penalty.py --model DIR --against docs/results/repeat-penalty-shipped.json
    python bench/repeat_penalty.py --model DIR --against REF.json --reference-at 七绝=2.5   # a reference with its own
    python bench/repeat_penalty.py --model DIR --forms 七言绝句 --penalties 4 --also EARLIER.json --against REF.json

``--against`` a reference result (another model's, at the decoder's table values) also prints the
rule by which a new model's own penalties are chosen (``scripts/ship_model.py --repeat-penalty``):
per form, the smallest penalty of the grid at which the model repeats at most ``--margin`` (0.8)
times what the reference does at its table value and judges better than it; a form where none
does is named (``--penalties`` then probes values beyond the grid, and ``--also`` adds the rows an
earlier run measured for the same model before the rule is applied). The margin is there because the rule is confirmed on other titles (the test split),
where 150 titles' repetition rates differ by about 0.05 by chance.
"""
from __future__ import annotations

import argparse
import json
import sys

import torch

from tangshi import metrics
from tangshi.decoding import REPEAT_PENALTY
from tangshi.corpus.build import load_dataset
from tangshi.cli.eval import form_value
from tangshi.evaluate import generate, mode_requests
from tangshi.judge import Judge
from tangshi.poet import Poet
from tangshi.request import WriteRequest, resolve_form, spec

GRID = {"五言绝句": (2.0, 2.5, 3.0), "七言绝句": (2.0, 2.5, 3.0, 3.5), "五言律诗": (2.5, 3.0, 3.5),
        "七言律诗": (2.0, 2.5, 3.0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="checkpoint directory (default: the shipped model)")
    ap.add_argument("--titles", type=int, default=150, help="valid titles per form (default: %(default)s)")
    ap.add_argument("--forms", nargs="+", choices=tuple(GRID), default=tuple(GRID),
                    help="the forms to probe (default: all four)")
    ap.add_argument("--penalties", nargs="+", type=float, metavar="NATS",
                    help="probe these penalties instead of each form's grid (within the request's range)")
    ap.add_argument("--also", action="append", default=[], metavar="JSON",
                    help="rows measured earlier for this model (a result of this script), merged in before"
                         " --against chooses (repeatable)")
    ap.add_argument("--against", help="a reference result (JSON of this script): choose this model's penalties")
    ap.add_argument("--margin", type=float, default=0.8, help="with --against: the share of the reference's"
                    " repetition the model may reach (default: %(default)s)")
    ap.add_argument("--reference-at", type=form_value, action="append", default=[], metavar="FORM=NATS",
                    help="with --against: the reference's row for FORM is its result at this penalty (a reference"
                         " with penalties of its own; default: the decoder's table)")
    args = ap.parse_args(argv)
    rng = spec(WriteRequest, "repeat_penalty")
    if args.penalties and not all(rng.lo <= p <= rng.hi for p in args.penalties):
        ap.error(f"--penalties must lie in [{rng.lo:g}, {rng.hi:g}], not {args.penalties}")
    torch.set_num_threads(1)
    poet, judge, valid = Poet.load(args.model), Judge.load(), load_dataset().split("valid")
    out = {}
    for form in args.forms:
        penalties = args.penalties or GRID[form]
        real = [p for p in valid if p.form == form]
        for pen in penalties:
            reqs = [{**r, "repeat_penalty": pen} for r in mode_requests("title", real, args.titles, poet.vocab)]
            poems = [ps[0].lines for ps in generate(poet, form, reqs, 0)]
            m = metrics.summary(poems, [""] * len(poems))
            row = {"judge": sum(judge.score(poems)) / len(poems), "repeats": m["repeats"], "distinct_2": m["distinct_2"]}
            out.setdefault(form, {})[f"{pen:g}"] = row
            print(f"{form} penalty {pen:g}: judge {row['judge']:.3f} repeats {row['repeats']:.3f} "
                  f"distinct-2 {row['distinct_2']:.3f}", file=sys.stderr, flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if args.against:
        mine: dict = {}
        for path in args.also:
            with open(path, encoding="utf-8") as f:
                for form, rows in json.load(f).items():
                    mine.setdefault(form, {}).update(rows)
        for form, rows in out.items():
            mine.setdefault(form, {}).update(rows)
        with open(args.against, encoding="utf-8") as f:
            at = {resolve_form(f).name: v for f, v in args.reference_at}
            print(choose(mine, json.load(f), args.margin, at), file=sys.stderr)
    return 0


def choose(mine: dict, ref: dict, margin: float = 0.8, at: dict | None = None) -> str:
    """The rule of ``--against`` (module docstring), as the flags of scripts/ship_model.py; ``at``: the
    reference's own penalty per form, where it is not the decoder's table value."""
    flags = []
    for form, rows in mine.items():
        base = ref[form][f"{(at or {}).get(form, REPEAT_PENALTY[form]):g}"]
        ok = [float(p) for p, r in rows.items() if r["repeats"] <= margin * base["repeats"] and r["judge"] < base["judge"]]
        flags.append(f"--repeat-penalty {form}={min(ok):g}" if ok else f"({form}: no penalty of the grid wins)")
    return " ".join(flags)


if __name__ == "__main__":
    sys.exit(main())
