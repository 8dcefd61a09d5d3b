"""Benchmark: does a cheap stand-in rank poems as blind readers do?

Every blind packet under docs/results/blind (its key and its readers' sheets) gives poems — generated
and real — each with its readers' mean score (F, C, M, P averaged, then over readers). For each poem:

- ``judge``: the judge's loss per character, read backwards (tangshi.judge; lower is more fluent);
- ``pmi``: the title's PMI under the poet, per character (tangshi.evaluate.title_pmi);
- ``rare``: the share of its words (tangshi.plan.keywords.words) that fewer than two train poems use;
- ``pairs``: the share of its lines' neighbouring words (characters 1–2 with 3–4, and 3–4 with 5–6 in a
  七言 line) that no train line puts side by side — common words put together as no poet did;
- ``repeats``: characters used more than once (tangshi.metrics.repeats);
- ``clashes``: axes on which its setting clashes (tangshi.setting.lexicon.clashes);
- ``discriminator``: P(real) of a logistic regression on them, fitted on ``--train`` real train
  poems against as many poems the poet writes at the defaults on their titles (seed ``--seed``)
  (fitted on the six above).

Printed: each stand-in's Spearman correlation with the readers' means over all read poems and over
the generated ones alone (the case that matters: ranking two settings' poems) — also with each
generated poem's score taken against its packet's generated mean, since readers differ from packet
to packet — and the share of (real, generated) pairs it orders as origin does (AUC).

    python bench/standin.py --train 100 --json
"""
from __future__ import annotations

import argparse
import csv
import json
import warnings
from pathlib import Path

import numpy as np
import torch

from tangshi import metrics
from tangshi.corpus.build import load_dataset
from tangshi.corpus.clean import REGULATED, TITLE_MAX
from tangshi.evaluate import title_pmi
from tangshi.judge import Judge
from tangshi.plan.keywords import document_frequency, words
from tangshi.poet import Poet
from tangshi.request import WriteRequest
from tangshi.setting.lexicon import clashes

BLIND = Path(__file__).resolve().parent.parent / "docs" / "results" / "blind"
FEATURES = ("judge", "pmi", "rare", "pairs", "repeats", "clashes")
FULL = {"五绝": "五言绝句", "七绝": "七言绝句", "五律": "五言律诗", "七律": "七言律诗"}


def read_poems() -> list[dict]:
    """Every poem of every read packet: kind, form, title, lines, and the readers' mean score."""
    out = []
    for key in sorted(BLIND.glob("*.key.json")):
        packet = BLIND / key.name.removesuffix(".key.json")
        sheets = sorted(packet.glob("scores-*.tsv"))
        if not sheets:
            continue
        means: dict[int, list[float]] = {}
        for sheet in sheets:
            with sheet.open(encoding="utf-8") as f:
                for row in csv.DictReader(f, delimiter="\t"):
                    means.setdefault(int(row["id"]), []).append(sum(float(row[k]) for k in "FCMP") / 4)
        for poem in json.loads(key.read_text(encoding="utf-8")):
            if poem["id"] in means:
                out.append({**poem, "form": FULL.get(poem["form"], poem["form"]), "packet": packet.name,
                            "readers": float(np.mean(means[poem["id"]]))})
    return out


def neighbours(line: str) -> list[tuple[str, str]]:
    """The neighbouring two-character words of a line: (1–2, 3–4), and (3–4, 5–6) in a 七言 line."""
    spans = [(0, 2), (2, 4)] + ([(4, 6)] if len(line) == 7 else [])
    return [(line[a:b], line[c:d]) for (a, b), (c, d) in zip(spans, spans[1:])]


def features(poems: list[dict], poet: Poet, judge: Judge, df, seen: set) -> np.ndarray:
    """(N, 6): the stand-ins of :data:`FEATURES` for poems with ``lines``, ``title`` and ``form``."""
    lines = [p["lines"] for p in poems]
    judged = judge.score(lines)
    pmi = np.zeros(len(poems))
    for form in REGULATED:
        idx = [i for i, p in enumerate(poems) if p["form"] == form]
        if idx:
            pmi[idx] = title_pmi(poet.model, poet.vocab, [lines[i] for i in idx], [poems[i]["title"] for i in idx], form)
    rare = [np.mean([df.get(w, 0) < 2 for line in p for w in words(line)] or [0.0]) for p in lines]
    pairs = [np.mean([pair not in seen for line in p for pair in neighbours(line)] or [0.0]) for p in lines]
    return np.column_stack([judged, pmi, rare, pairs, [metrics.repeats(p) for p in lines],
                            [len(clashes(q["title"], q["lines"])) for q in poems]]).astype(float)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rank = lambda v: np.argsort(np.argsort(v)).astype(float)  # noqa: E731 (ties are rare here)
    return float(np.corrcoef(rank(x), rank(y))[0, 1])


def auc(score: np.ndarray, real: np.ndarray) -> float:
    """The share of (real, generated) pairs whose real poem scores higher."""
    pos, neg = score[real], score[~real]
    return float(((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()))


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 3000, lr: float = 0.1) -> np.ndarray:
    """Weights (with a bias last) of a logistic regression by gradient descent on standardised x."""
    xb = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= lr * xb.T @ (p - y) / len(y)
    return w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=int, default=100, help="real train poems per form (and as many generated)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    poet, judge = Poet.load(), Judge.load()
    ds = load_dataset()
    train = ds.split("train")
    df, _ = document_frequency(p.lines for p in train)
    seen = {pair for p in train for line in p.lines for pair in neighbours(line)}
    read = read_poems()
    fit_poems = []
    for form in REGULATED:
        real = [p for p in train if p.form == form][: args.train]
        reqs = [WriteRequest(form=form, title=p.title[:TITLE_MAX], script="traditional") for p in real]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen = poet.write_batch(reqs, seed=args.seed)
        fit_poems += [{"form": form, "title": p.title, "lines": list(p.lines), "kind": "real"} for p in real]
        fit_poems += [{"form": form, "title": r.title or "", "lines": g[0].lines, "kind": "gen"} for r, g in zip(reqs, gen)]
    x_fit = features(fit_poems, poet, judge, df, seen)
    mu, sd = x_fit.mean(0), x_fit.std(0) + 1e-9
    w = fit_logistic((x_fit - mu) / sd, np.array([p["kind"] == "real" for p in fit_poems], dtype=float))
    x = features(read, poet, judge, df, seen)
    p_real = 1 / (1 + np.exp(-np.column_stack([(x - mu) / sd, np.ones(len(x))]) @ w))
    readers = np.array([p["readers"] for p in read])
    real = np.array([p["kind"] == "real" for p in read])
    gen = ~real
    # readers differ from packet to packet: each generated poem against its own packet's generated mean
    packet = np.array([p["packet"] for p in read])
    centred = readers - np.array([readers[gen & (packet == k)].mean() for k in packet])
    out: dict = {"read_poems": len(read), "generated": int(gen.sum()), "real": int(real.sum()),
                 "packets": sorted({p["packet"] for p in read}), "fit_poems": len(fit_poems),
                 "weights": dict(zip([*FEATURES, "bias"], np.round(w, 3).tolist())), "stand_ins": {}}
    sign = {"judge": -1, "pmi": 1, "rare": 1, "pairs": -1, "repeats": -1, "clashes": -1}  # the direction "better" points
    for name, col in [*((f, sign[f] * x[:, k]) for k, f in enumerate(FEATURES)), ("discriminator", p_real)]:
        out["stand_ins"][name] = {"spearman_all": round(spearman(col, readers), 3),
                                  "spearman_generated": round(spearman(col[gen], readers[gen]), 3),
                                  "spearman_generated_within_packets": round(spearman(col[gen], centred[gen]), 3),
                                  "auc_real_vs_generated": round(auc(col, real), 3)}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    print(f"{out['read_poems']} read poems ({out['generated']} generated) in {len(out['packets'])} packets")
    for name, s in out["stand_ins"].items():
        print(f"{name:>14}: ρ all {s['spearman_all']:+.2f}, ρ generated {s['spearman_generated']:+.2f}"
              f" (within packets {s['spearman_generated_within_packets']:+.2f}),"
              f" AUC {s['auc_real_vs_generated']:.2f}")


if __name__ == "__main__":
    main()
