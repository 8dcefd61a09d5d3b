"""The command line every lexicon-building script shares: ``--home DIR``, then the built corpus."""
from __future__ import annotations

import argparse
import os


def dataset(doc: str):
    """Parse ``--home`` (the corpus home, TANGSHI_HOME; default: $TANGSHI_HOME or ~/.cache/tangshi)
    for a script whose docstring is ``doc``, and load the built corpus (tangshi.corpus.build)."""
    from tangshi.corpus.build import load_dataset

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--home", help="the corpus home (TANGSHI_HOME)")
    args = ap.parse_args()
    if args.home:
        os.environ["TANGSHI_HOME"] = args.home
    return load_dataset()
