"""What reading 多音字 in context frees, old beside new: the decoder's 多音字 on fixed positions, the
probability mass the rules' masks keep, rare rhyme readings, and continuations that keep their rhyme.

Both decoders run with the shipped model at their own defaults: today's in this checkout, the
previous one (``--previous``, default ``212e65b``: every 多音字 kept off the fixed positions in strict
mode) from a temporary git worktree. Their poems are scored here alike, with today's checker:

- ``pass``: poems passing the default (contextual) check;
- ``poly_fixed``: the share of characters on positions whose tone the rules fix that are 多音字
  (tones ``PZ`` in the check report) — beside the same share in real test poems that pass;
- ``rare_rhyme``: poems rhyming on a reading real poems almost never use (tangshi.prosody.readings);
- ``mass``: per decoding step (title mode, K candidates), the model's probability of the items the
  rules allow — mean and median, every form in strict mode, 七言律诗 in lenient mode too;
- ``continuation``: of rhyming first lines taken from real test poems (``--lines`` per form), how
  many continuations rhyme in a 平 group of the line's last character (the group the line fixes).

    python bench/polyphones.py [--titles 40] [--lines 9] [--model DIR] [--previous COMMIT|''] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from worktree import checkout

ROOT = Path(__file__).resolve().parent.parent

# Runs in either tree: Poet.write exists in both; the hooks on the mask and the sampler differ.
GENERATE = r"""
import json, sys
from tangshi.poet import Poet

job = json.loads(open(sys.argv[1], encoding="utf-8").read())
poet = Poet.load(job.get("model"))
masses, last = [], {}
try:  # this tree: the decode loop and its processors (tangshi.decoding)
    import tangshi.decoding.loop as D

    _allowed = D._Run.allowed

    def allowed(self, step):
        last["rules"] = (self.rules.cons.mask() & self.dec.hanzi
                         if self.rules is not None and step.given is None else None)
        return _allowed(self, step)

    D._Run.allowed = allowed
except ImportError:  # an older tree: one Decoder._allowed in tangshi.decode
    import tangshi.decode as D

    _old_allowed = D.Decoder._allowed

    def old_allowed(self, cons, rep, forced):
        last["rules"] = cons.mask() & self.hanzi if cons is not None and forced is None else None
        return _old_allowed(self, cons, rep, forced)

    D.Decoder._allowed = old_allowed
_sample = D.sample


def sample(logp, allowed, *args, **kwargs):
    if last.get("rules") is not None and last.get("record"):
        p = logp.float().exp()
        p = p / p.sum(-1, keepdim=True)
        masses.extend((p * last["rules"]).sum(-1).tolist())
    return _sample(logp, allowed, *args, **kwargs)


D.sample = sample
out = {"poems": {}, "mass": {}, "continuations": []}
for form, titles in job["titles"].items():
    out["poems"][form] = [poet.write(form=form, title=t[:32], seed=k, script="traditional")[0].lines
                          for k, t in enumerate(titles)]
for form, rules in [(f, "strict") for f in job["titles"]] + [("七言律诗", "lenient")]:
    masses.clear()
    last["record"] = True
    for k, t in enumerate(job["titles"][form]):
        poet.write(form=form, title=t[:32], seed=k, rules=rules, script="traditional")
    last["record"] = False
    out["mass"][f"{form} {rules}"] = list(masses)
for k, (form, line) in enumerate(job["lines"]):
    out["continuations"].append(poet.write(form=form, first_line=line, seed=k, script="traditional")[0].lines)
print(json.dumps(out, ensure_ascii=False))
"""


def generate(job: dict, tree: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="tangshi-poly-") as tmp:
        path = Path(tmp) / "job.json"
        path.write_text(json.dumps(job, ensure_ascii=False), "utf-8")
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
        if tree is not None:
            env["PYTHONPATH"] = str(tree / "src")
        proc = subprocess.run([sys.executable, "-c", GENERATE, str(path)], capture_output=True, text=True,
                              env=env, cwd=tmp)
        if proc.returncode:
            raise SystemExit(proc.stderr[-2000:])
    return json.loads(proc.stdout)


def previous(commit: str, job: dict) -> dict:
    with checkout(commit) as tree:
        return generate(job, tree)


def poly_fixed(reports) -> float:
    fixed = poly = 0
    for report in reports:
        for line in report.lines:
            for tone, need in zip(line.tones, line.required):
                if need != "*":
                    fixed += 1
                    poly += tone == "PZ"
    return poly / fixed if fixed else 0.0


def rare(report) -> bool:
    from tangshi.prosody import readings
    from tangshi.prosody.lexicon import to_traditional

    model = readings.load()
    if report.rhyme_group is None:
        return False
    return any(model.rare_rhyme(to_traditional(line.text[-1], simplified=False), report.rhyme_group)
               for line in report.lines if line.rhyme)


def score(out: dict, job: dict) -> dict:
    from tangshi.prosody import check

    res = {}
    for form, poems in out["poems"].items():
        reports = [check("，".join(lines)) for lines in poems]
        res[form] = {"poems": len(poems), "pass": sum(r.ok for r in reports) / len(reports),
                     "poly_fixed": poly_fixed(reports), "rare_rhyme": sum(map(rare, reports)) / len(reports)}
    res["mass"] = {key: {"mean": statistics.mean(m), "median": statistics.median(m), "steps": len(m)}
                   for key, m in out["mass"].items()}
    kept = [check("，".join(lines)).rhyme_group in groups
            for lines, (_, _, groups) in zip(out["continuations"], job["expected"])]
    res["continuation"] = {"lines": len(kept), "kept_rhyme": sum(kept)}
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--titles", type=int, default=40, help="test titles per form (title mode)")
    ap.add_argument("--lines", type=int, default=9, help="rhyming first lines per form (continuation)")
    ap.add_argument("--previous", default="212e65b", help="the commit of the previous decoder ('' to skip)")
    ap.add_argument("--model", help="today's checkpoint directory (default: the shipped model)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from tangshi.corpus.build import load_dataset
    from tangshi.corpus.clean import REGULATED
    from tangshi.prosody import check
    from tangshi.prosody.lexicon import load

    lex = load()
    test = load_dataset().split("test", "唐")
    job = {"titles": {f: [p.title for p in test if p.form == f][:args.titles] for f in REGULATED},
           "lines": [], "expected": [], "model": str(Path(args.model).resolve()) if args.model else None}
    real = {}
    for form in REGULATED:
        reports = [check("，".join(p.lines)) for p in test if p.form == form]
        passing = [r for r in reports if r.ok]
        real[form] = {"poems": len(passing), "poly_fixed": poly_fixed(passing)}
        rhyming = [r.lines[0].text for r in passing if r.lines[0].rhyme][:args.lines]
        job["lines"] += [(form, text) for text in rhyming]
        # the poem must rhyme in a 平 group of the line's last character (the group it fixes)
        job["expected"] += [(form, text, sorted(lex.groups[g].name for g in lex.lookup(text[-1])
                                                if lex.groups[g].ping)) for text in rhyming]
    result = {"real": real, "today": score(generate(job, None), job)}
    if args.previous:
        result["previous"] = score(previous(args.previous, {**job, "model": None}), job)
        result["previous_commit"] = args.previous
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
