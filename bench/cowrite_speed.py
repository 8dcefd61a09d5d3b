"""Benchmark: co-writing latency — alternatives for one line, characters for one slot — after loading.

For a real 七律 (杜甫《登高》) and 五绝 (王之涣《登鹳雀楼》), on one thread: ``Poet.write(poem=…,
line=k, n=5)`` for every line k, and ``Poet.suggest(poem=…, line=k, pos=j, n=10)`` for slots spread
over the poem; p50 and p90 over all of them (each timed ``--repeats`` times, seeds varied).

    python bench/cowrite_speed.py --json [--repeats 5] [--threads 1]

Targets (issue 31): alternatives ≤ 300 ms p50, suggestions ≤ 100 ms p50, on one thread of an
AVX2-only CPU. Name the CPU beside any figure (`lscpu`); AVX2's kernels can be forced on an AVX-512
CPU with FBGEMM_ENABLE_INSTRUCTIONS=AVX2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import torch

from tangshi.poet import Poet

POEMS = {"七言律诗": ("登高", "风急天高猿啸哀，渚清沙白鸟飞回。无边落木萧萧下，不尽长江滚滚来。"
                             "万里悲秋常作客，百年多病独登台。艰难苦恨繁霜鬓，潦倒新停浊酒杯。"),
         "五言绝句": ("登鹳雀楼", "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。")}


def _stats(walls: list[float]) -> dict:
    walls = sorted(walls)
    return {"p50_ms": round(statistics.median(walls), 1), "p90_ms": round(walls[int(0.9 * (len(walls) - 1))], 1),
            "calls": len(walls)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="timed calls per line or slot")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args()
    poet = Poet.load(threads=args.threads)
    result = {"threads": args.threads, "precision": poet.precision, "forms": {}}
    for form, (title, poem) in POEMS.items():
        lines, chars = (8, 7) if form == "七言律诗" else (4, 5)
        poet.write(form=form, title=title, poem=poem, line=1, n=5)  # warm
        alt, sug = [], []
        for k in range(1, lines + 1):
            for r in range(args.repeats):
                t = time.perf_counter()
                poet.write(form=form, title=title, poem=poem, line=k, n=5, seed=r)
                alt.append(1000 * (time.perf_counter() - t))
            for j in (1, chars // 2 + 1, chars):
                for _ in range(args.repeats):
                    t = time.perf_counter()
                    poet.suggest(form=form, title=title, poem=poem, line=k, pos=j, n=10)
                    sug.append(1000 * (time.perf_counter() - t))
        result["forms"][form] = {"alternatives": _stats(alt), "suggestions": _stats(sug)}
    q = result["forms"]["七言律诗"]
    result["targets"] = {"alternatives_p50_ms<=300": q["alternatives"]["p50_ms"],
                         "suggestions_p50_ms<=100": q["suggestions"]["p50_ms"]}
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
