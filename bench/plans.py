"""Benchmark: how many planned keywords stand in their lines, per plan strength.

For each form, one poem per valid title (the first ``--titles``), written with a plan drawn from
its title (``plan=True``, ``seed`` = the title's index), at each ``--strengths`` β (with the
window and the finishing bias scaled as β: tangshi.decoding.processors.plan). Prints the share of
planned keywords that stand in their lines; the plan's strength is chosen by it and read blind.

    python bench/plans.py --titles 15 --strengths 3,6,8 --json
"""
from __future__ import annotations

import argparse
import json
import warnings

import torch

import tangshi.decoding.processors.plan as plan
from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED, TITLE_MAX
from tangshi.poet import Poet
from tangshi.request import WriteRequest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--titles", type=int, default=15, help="valid titles per form")
    ap.add_argument("--strengths", default=str(plan.PLAN_STRENGTH), help="β values, comma-separated")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet = Poet.load()
    valid = load_dataset().split("valid")
    base = (plan.PLAN_STRENGTH, plan.WINDOW, plan.FINISH)
    out = {"titles_per_form": args.titles, "met": {}}
    for beta in (float(b) for b in args.strengths.split(",")):
        scale = beta / base[0]
        plan.PLAN_STRENGTH, plan.WINDOW, plan.FINISH = beta, base[1] * scale, base[2] * scale
        met = total = 0
        for form in REGULATED:
            for k, p in enumerate([p for p in valid if p.form == form][: args.titles]):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    poem = poet.write(WriteRequest(form=form, title=p.title[:TITLE_MAX], plan=True, seed=k))[0]
                met += sum(d["met"] for d in poem.plan)
                total += len(poem.plan)
        out["met"][str(beta)] = {"keywords": total, "met": met / max(total, 1)}
    plan.PLAN_STRENGTH, plan.WINDOW, plan.FINISH = base
    print(json.dumps(out, indent=1) if args.json else "\n".join(f"β {b}: {v['met']:.1%} of {v['keywords']}"
                                                                  for b, v in out["met"].items()))


if __name__ == "__main__":
    main()
