"""Old beside new, in time: bench/generate_speed.py on a git commit's code and on today's, interleaved.

The commit is checked out into a temporary worktree (:mod:`worktree`) and each round runs this
tree's ``bench/generate_speed.py`` twice, once with the commit's ``src`` first on ``PYTHONPATH``, once
with today's, one after the other (a machine's slow spell then falls on both sides alike), on one
thread, both with the same model: ``--model``, by default the one today's tree ships. ``--avx2`` runs
both with AVX2's kernels on an AVX-512 CPU (fbgemm, ATen and oneDNN told so: the slower kind of CPU's
code paths). The report gives each run's p50 per
form and mode, and each side's median over rounds.

    python bench/speed_against.py --commit 35c9aea [--rounds 2] [--repeats 15] [--avx2] [--model DIR] \
        [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from worktree import checkout

ROOT = Path(__file__).resolve().parent.parent
AVX2 = {"FBGEMM_ENABLE_INSTRUCTIONS": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"}


def run(src: Path, args: argparse.Namespace) -> dict:
    """One bench/generate_speed.py run with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1", **(AVX2 if args.avx2 else {})}
    cmd = [sys.executable, str(ROOT / "bench" / "generate_speed.py"), "--json", "--repeats", str(args.repeats),
           "--cold", str(args.cold), "--fidelity", "0", "--model", str(args.model)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"bench/generate_speed.py failed on {src}:\n{out.stderr}")
    return json.loads(out.stdout)


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()


def p50s(report: dict) -> dict:
    """form -> mode -> p50 ms, and the cold start."""
    return {"forms": {f: {m: v["p50_ms"] for m, v in modes.items()} for f, modes in report["forms"].items()},
            "cold_start_s": report["targets"]["cold_start_s<=3"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commit", required=True, help="the old code's git commit")
    ap.add_argument("--rounds", type=int, default=2, help="old-then-new rounds")
    ap.add_argument("--repeats", type=int, default=15, help="timed poems per form and mode, each run")
    ap.add_argument("--cold", type=int, default=3, help="cold-start runs of `tangshi write`, each run")
    ap.add_argument("--avx2", action="store_true", help="AVX2's kernels on an AVX-512 CPU")
    ap.add_argument("--model", help="checkpoint directory for both sides (default: today's shipped model)")
    ap.add_argument("--json", help="write the report here")
    args = ap.parse_args()
    if args.model is None:
        from tangshi.poet import DEFAULT_MODEL

        args.model = DEFAULT_MODEL
    runs: dict[str, list] = {"old": [], "new": []}
    with checkout(args.commit) as tree:
        for r in range(args.rounds):
            for side, src in (("old", tree / "src"), ("new", ROOT / "src")):
                runs[side].append(p50s(run(src, args)))
                print(f"round {r + 1}: {side} done", file=sys.stderr)
    first = runs["old"][0]["forms"]
    median = {side: {f: {m: statistics.median(x["forms"][f][m] for x in runs[side]) for m in first[f]} for f in first}
              for side in runs}
    report = {"commit": args.commit, "head": git("rev-parse", "--short", "HEAD"),
              "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no", "src")),
              "model": str(args.model), "avx2_kernels": args.avx2, "threads": 1, "repeats": args.repeats,
              "runs": runs, "median": median}
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text + "\n", "utf-8")
    print(f"{'form':8s} {'mode':8s} {'old':>8s} {'new':>8s}   p50 ms, median of {args.rounds} rounds")
    for f in first:
        for m in first[f]:
            print(f"{f:8s} {m:8s} {median['old'][f][m]:8.1f} {median['new'][f][m]:8.1f}")


if __name__ == "__main__":
    main()
