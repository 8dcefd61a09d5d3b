"""The requests of tests/poet/test_same_poems.py: every feature of the decoder at least once.

``python tests/poet/golden_requests.py > tests/data/golden_poems.json`` writes the poems they give
today; do that only for a change that is meant to change poems (a new model, a new default), and
say so in the commit.
"""
from __future__ import annotations

import json
import sys

REQUESTS = [
    dict(form="七律", title="秋夜", seed=1),
    dict(form="五绝", title="山居", seed=2, rules="lenient"),
    dict(form="七绝", title="送别", seed=3, mood="思"),
    dict(form="五律", title="春望", seed=4, beam=4, n=2),
    dict(form="七律", title="江行", seed=5, candidates=1, guidance=0),
    dict(form="五绝", acrostic="春夏秋冬", seed=6, n=3),
    dict(form="七绝", first_line="可怜盘石临泉水", seed=7),
    dict(form="五律", title="山居", rhyme="东", seed=8),
    dict(form="五律", title="江行", parallelism=2, seed=9),
    dict(form="七绝", title="边城", mood="壮", mood_strength=3, seed=10, top_k=20),
    dict(form="七律", title="无题", rules="off", seed=11, temperature=1.0, top_p=1.0, repeat_penalty=0),
    dict(form="五绝", title="夜泊", start="平起", first_rhymes=True, seed=12, script="traditional"),
    dict(form="五律", first_line="国破山河在，城春草木深", seed=13),
    dict(form="七绝", first_line="白日依山尽欲流", title="登楼", seed=16),
    dict(form="五绝", title="春晓", beam=6, n=3, mood="喜", seed=14),
    dict(form="七律", title="登高", guidance=2.5, candidates=16, n=2, seed=15, parallelism=0),
    # recorded after the decoding refactor, which fixed the beam's reordering of these two:
    dict(form="七绝", first_line="白日依山尽欲流", title="登楼", seed=16, beam=6, n=2),  # beam and a rescue
    dict(form="七律", title="无题", rules="off", seed=11, beam=3),  # beam without the rules
]
BATCH = [dict(form="五绝", title=t) for t in ("秋思", "江雪", "山中", "月夜")]
BATCH_SEED = 99


def poems() -> dict:
    """Every request's poems (text, pattern, rank), and the batch's, as JSON."""
    import warnings

    from tangshi.poet import Poet
    from tangshi.request import WriteRequest

    poet = Poet.load()

    def row(p) -> list:
        return [p.text, p.pattern, round(p.rank, 4)]

    def traditional(r: dict) -> dict:  # the model's own script: the decoding alone, not the rendering
        return {"script": "traditional", **r}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = [[row(p) for p in poet.write(**traditional(r))] for r in REQUESTS]
        batch = poet.write_batch([WriteRequest(**traditional(r)) for r in BATCH], seed=BATCH_SEED)
    return {"single": single, "batch": [[row(p) for p in poems] for poems in batch]}


if __name__ == "__main__":
    json.dump(poems(), sys.stdout, ensure_ascii=False, indent=1)
    print()
