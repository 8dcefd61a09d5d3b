"""Old beside new: the previous decoder's poems and today's, on the same test titles, by today's figures.

The previous decoder is the code of a git commit (default ``bb1355c``: tangshi before the quality
work — temperature 0.8, top-p 0.95, one sample, no title guidance, no character more than twice,
none twice in a row), checked out into a temporary worktree and run there, with the same shipped
model, on the first ``--titles`` test titles of each form (title mode, and beam search of width 4
as its ``tangshi eval`` ran it). Today's poems come from ``Poet.write_batch`` at the defaults.
Both sets are scored here, with today's judge and text figures (tangshi.evaluate, tangshi.metrics).

    python bench/compare_previous.py --titles 100 --json docs/results/compare-previous.json
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from worktree import checkout

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the old worktree: its own Poet and eval helpers (their API at that commit).
OLD = r"""
import json, sys
from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED
from tangshi.evaluate import EvalConfig, _generate_titled
from tangshi.poet import Poet
n = int(sys.argv[1])
poet, test = Poet.load(), load_dataset().split("test")
out = {}
for form in REGULATED:
    titles = [p.title for p in test if p.form == form][:n]
    sampled = _generate_titled(poet, form, titles, EvalConfig(seed=0))
    beams = [poet.write(form=form, title=t[:32], beam=4, seed=k, script="traditional")[0].lines
             for k, t in enumerate(titles)]
    out[form] = {"titles": titles, "title": sampled, "beam": beams}
print(json.dumps(out, ensure_ascii=False))
"""


def previous_poems(commit: str, titles: int) -> dict:
    with checkout(commit) as tree:
        env = {**os.environ, "PYTHONPATH": str(tree / "src"), "OMP_NUM_THREADS": "1"}
        proc = subprocess.run([sys.executable, "-c", OLD, str(titles)], capture_output=True, text=True, env=env,
                              cwd=tree.parent, check=True)
    return json.loads(proc.stdout)


def score(poet, judge, train_lines, form: str, poems: list[list[str]], titles: list[str]) -> dict:
    from tangshi.evaluate import _figures, title_pmi
    from tangshi.hanzi import join_lines
    from tangshi.prosody import check
    from tangshi.script import from_model

    passed = [check(join_lines([from_model(line, "simplified") for line in p])).ok for p in poems]
    return _figures(poems, titles, passed, train_lines, judge.score(poems),
                    title_pmi(poet.model, poet.vocab, poems, titles, form))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commit", default="bb1355c", help="the previous decoder's commit (default: %(default)s)")
    ap.add_argument("--titles", type=int, default=100, help="test titles per form (default: %(default)s)")
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args()
    torch.set_num_threads(1)
    from tangshi.corpus.build import load_dataset
    from tangshi.evaluate import generate, mode_requests
    from tangshi.judge import Judge
    from tangshi.poet import Poet

    old = previous_poems(args.commit, args.titles)
    poet, judge, ds = Poet.load(), Judge.load(), load_dataset()
    test, train_lines = ds.split("test"), {line for p in ds.split("train") for line in p.lines}
    result = {"commit": args.commit, "titles_per_form": args.titles, "forms": {}}
    for form, prev in old.items():
        real = [p for p in test if p.form == form][:args.titles]
        titles = [t[:32] for t in prev["titles"]]
        new = {how: [ps[0].lines for ps in generate(poet, form, [{**r, **extra} for r in
                                                                mode_requests("title", real, len(real), poet.vocab)], 0)]
               for how, extra in (("title", {}), ("beam", {"beam": 4}))}
        result["forms"][form] = {f"{who} {how}": score(poet, judge, train_lines, form, poems, titles)
                                 for who, sets in (("previous", prev), ("today", new)) for how in ("title", "beam")
                                 for poems in (sets[how],)}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
