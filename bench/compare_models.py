"""Two poets side by side on the Tang test split: is the new one better on every figure that decides shipping?

Runs ``tangshi eval --json`` for both models at once (one thread each, so a busy machine slows both
alike), keeps both results, and prints the figures of the shipping rule (MODEL_CARD.md): per form,
perplexity with titles and under the rules (tangshi.evaluate.constrained_perplexity, with the
share of probability the rules keep), the judge score and distinct-2 of title-mode poems, the
characters used twice per poem, and the share of poems passing the default check in every mode.

    python bench/compare_models.py --new runs/big/best [--old DIR] [--poems 100] [--per-mode 40] [--out DIR]
        [--repeat-penalty 七绝=2.5 …]   # the same decoder override for both
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

FORMS = ("五言绝句", "七言绝句", "五言律诗", "七言律诗")


def run_eval(model: str | None, out: Path, poems: int, per_mode: int, penalties: list[str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tangshi.cli", "eval", "--json", "--poems", str(poems), "--per-mode", str(per_mode)]
    cmd += [f"--repeat-penalty={p}" for p in penalties]
    if model:
        cmd += ["--model", model]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # torch reads it at start: one thread each
    return subprocess.Popen(cmd, stdout=open(out, "w"), env=env)


def figures(r: dict) -> dict:
    out = {}
    for f in FORMS:
        title = r["generated"][f]["title"]
        c = r["perplexity"]["constrained"][f]
        out[f] = {"ppl": r["perplexity"]["titles"][f], "ppl_rules": c["ppl"], "kept": c["mass"],
                  "judge": title.get("judge"), "distinct_2": title["distinct_2"], "repeats": title["repeats"],
                  "pass_min": min(m["check_pass"] for m in r["generated"][f].values() if m["count"])}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new", required=True, help="the candidate's checkpoint directory")
    ap.add_argument("--old", help="the model to beat (default: the shipped one)")
    ap.add_argument("--poems", type=int, default=100)
    ap.add_argument("--per-mode", type=int, default=40)
    ap.add_argument("--out", type=Path, default=Path("docs/results"), help="where both results are kept")
    ap.add_argument("--repeat-penalty", action="append", default=[], metavar="FORM=NATS",
                    help="passed to `tangshi eval` for both models, e.g. 七绝=2.5 (repeatable)")
    ap.add_argument("--reuse-old", action="store_true", help="keep the old model's result already in --out")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = {"old": args.out / "compare-models-old.json", "new": args.out / "compare-models-new.json"}
    t0 = time.perf_counter()
    todo = (("new", args.new),) if args.reuse_old and paths["old"].is_file() else (("old", args.old), ("new", args.new))
    jobs = {k: run_eval(m, paths[k], args.poems, args.per_mode, args.repeat_penalty) for k, m in todo}
    for k, job in jobs.items():
        if job.wait() != 0:
            sys.exit(f"compare_models.py: tangshi eval of the {k} model failed (exit {job.returncode})")
    res = {k: figures(json.loads(paths[k].read_text())) for k in paths}
    print(f"both evaluated in {time.perf_counter() - t0:.0f} s; results in {paths['old']} and {paths['new']}")
    keys = ("ppl", "ppl_rules", "kept", "judge", "distinct_2", "repeats", "pass_min")
    print(f"{'form':<6}" + "".join(f"{k:>22}" for k in keys))
    for f in FORMS:
        cells = "".join(f"{res['old'][f][k]:>10.3f} → {res['new'][f][k]:<9.3f}" for k in keys)
        print(f"{f:<6}{cells}")
    summary = {k: {f: res[k][f] for f in FORMS} for k in res}
    print(json.dumps(summary, ensure_ascii=False))
    print(markdown(res))
    failed = verdict(res)
    print("the shipping rule: " + ("met in every form" if not failed else "not met — " + "; ".join(failed)))


LABELS = {"ppl": "test perplexity with titles", "ppl_rules": "perplexity under the rules (constrained)",
          "kept": "the rules' share of its probability, real poems", "judge": "judge score, title mode",
          "distinct_2": "distinct-2, title mode", "repeats": "characters used twice per poem, title mode",
          "pass_min": "poems passing the default check, worst mode"}


def markdown(res: dict) -> str:
    """Old beside new, one row per figure, the four forms in each cell (the model card's table)."""
    rows = ["| figure (五绝 / 七绝 / 五律 / 七律) | the old poet | the new poet |", "|---|---|---|"]
    for k, label in LABELS.items():
        cells = [" / ".join(f"{res[m][f][k]:.3f}" if k != "ppl" and k != "ppl_rules" else f"{res[m][f][k]:.1f}"
                            for f in FORMS) for m in ("old", "new")]
        rows.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


def verdict(res: dict) -> list[str]:
    """Where the new poet fails the shipping rule (MODEL_CARD.md): lower perplexity with titles and a
    better (lower) judge score, no more repetition, every mode passing, in every form."""
    out = []
    for f in FORMS:
        old, new = res["old"][f], res["new"][f]
        out += [f"{f}: {what}" for what, bad in (
            ("perplexity not lower", new["ppl"] >= old["ppl"]), ("judge not better", new["judge"] >= old["judge"]),
            ("repeats more", new["repeats"] > old["repeats"]), ("a mode below 100%", new["pass_min"] < 1.0)) if bad]
    return out


if __name__ == "__main__":
    main()
