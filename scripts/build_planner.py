"""Build the planner's tables (``src/tangshi/plan/data/planner.json.gz``) from the built corpus.

Every train poem's line keywords (tangshi.plan.keywords), then the association of title characters
with keywords and of keywords with each other (tangshi.plan.planner.build).

    python scripts/build_planner.py [--home DIR]    # default: $TANGSHI_HOME or ~/.cache/tangshi
"""
from __future__ import annotations

import argparse
import os

from tangshi.corpus.build import load_dataset
from tangshi.plan.planner import DATA, build, save


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="the corpus home (TANGSHI_HOME)")
    args = ap.parse_args()
    if args.home:
        os.environ["TANGSHI_HOME"] = args.home
    planner, report = build((p.title, p.lines) for p in load_dataset().split("train"))
    save(planner, report)
    print(f"wrote {DATA} ({DATA.stat().st_size:,} bytes): {report}")


if __name__ == "__main__":
    main()
