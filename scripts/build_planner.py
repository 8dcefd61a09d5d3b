"""Build the planner's tables (``src/tangshi/plan/data/planner.json.gz``) from the built corpus.

Every train poem's line keywords (tangshi.plan.keywords), then the association of title characters
with keywords and of keywords with each other (tangshi.plan.planner.build).

    python scripts/build_planner.py [--home DIR]    # default: $TANGSHI_HOME or ~/.cache/tangshi
"""
from __future__ import annotations


import corpus_home
from tangshi.plan.planner import DATA, build, save


def main() -> None:
    ds = corpus_home.dataset(__doc__)
    planner, report = build((p.title, p.lines) for p in ds.split("train"))
    save(planner, report)
    print(f"wrote {DATA} ({DATA.stat().st_size:,} bytes): {report}")


if __name__ == "__main__":
    main()
