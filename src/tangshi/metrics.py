"""What sets a poem apart from real ones, measured on its text alone (no model, no torch).

Every figure takes poems as lists of lines (one script throughout) and is computed the same
way for generated and for real poems, so the two can stand side by side:

- :func:`repeats`: characters used more than once in a poem — a 叠字 (the same character twice
  in a row inside a line: 青青, 萧萧) counts as one use, as a reader hears it;
- :func:`reduplications`: the 叠字 of a poem;
- :func:`max_uses`: the most times one character occurs (a 叠字's two count as two);
- :func:`uses_title`: whether a poem uses a character of its title;
- :func:`distinct`: distinct n-grams (within lines) over all n-grams, across poems;
- :func:`lines_apart`: in how many lines two poems of one form differ;
- :func:`spread`: of a list of candidates, the share of distinct lines;
- :func:`bootstrap_interval`: the 95% interval of a mean (of paired differences, say), by resampling;
- :func:`log_odds_z`: how over-represented an item is in one set of documents against the rest;
- :func:`paired_difference`: two settings' figures paired item by item: both means, the mean
  difference and its interval.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from typing import Sequence

from tangshi.hanzi import is_han

Poem = Sequence[str]  # a poem as its lines


def reduplications(poem: Poem) -> int:
    """Number of 叠字 (AA inside a line; AAA counts once) in ``poem``."""
    out = 0
    for line in poem:
        i = 0
        while i + 1 < len(line):
            if line[i] == line[i + 1]:
                out += 1
                while i + 1 < len(line) and line[i] == line[i + 1]:
                    i += 1
            i += 1
    return out


def uses(poem: Poem) -> Counter:
    """How many times each character is used, a 叠字 (a run inside a line) counting once."""
    out: Counter = Counter()
    for line in poem:
        for i, ch in enumerate(line):
            if i == 0 or line[i - 1] != ch:
                out[ch] += 1
    return out


def repeats(poem: Poem) -> int:
    """Characters used more than once in ``poem`` (叠字 excluded: see :func:`uses`)."""
    return sum(1 for n in uses(poem).values() if n > 1)


def max_uses(poem: Poem) -> int:
    """The most times any one character occurs in ``poem`` (every occurrence counted)."""
    counts = Counter("".join(poem))
    return max(counts.values()) if counts else 0


def uses_title(poem: Poem, title: str) -> bool:
    """Whether ``poem`` holds a Han character of ``title`` (same script for both)."""
    wanted = {c for c in title if is_han(c)}
    return bool(wanted & set("".join(poem)))


def distinct(poems: Sequence[Poem], n: int) -> float:
    """Distinct n-grams (within lines) over all n-grams, across a set of poems."""
    grams = [line[i:i + n] for p in poems for line in p for i in range(len(line) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def lines_apart(a: Poem, b: Poem) -> int:
    """In how many lines two poems differ (line by line)."""
    return sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))


def spread(candidates: Sequence[Poem]) -> float:
    """Distinct lines over all lines of a list of candidates (1.0: no line shared)."""
    lines = [line for p in candidates for line in p]
    return len(set(lines)) / len(lines) if lines else 0.0


def summary(poems: Sequence[Poem], titles: Sequence[str] | None = None) -> dict:
    """The text figures of a set of poems, as reported by ``tangshi eval``."""
    n = len(poems)
    if not n:
        return {"count": 0}
    rep = [repeats(p) for p in poems]
    out = {"count": n, "repeats": sum(rep) / n, "any_repeat": sum(r > 0 for r in rep) / n,
           "reduplications": sum(reduplications(p) for p in poems) / n,
           "max_uses": max(max_uses(p) for p in poems),
           "distinct_1": distinct(poems, 1), "distinct_2": distinct(poems, 2)}
    if titles is not None:
        pairs = [(p, t) for p, t in zip(poems, titles) if any(is_han(c) for c in t)]
        out["title_use"] = sum(uses_title(p, t) for p, t in pairs) / len(pairs) if pairs else float("nan")
    return out


def bootstrap_interval(values: Sequence[float], resamples: int = 10000, seed: int = 0) -> tuple[float, float]:
    """The 2.5% and 97.5% points of the bootstrap distribution of the mean of ``values`` (seeded)."""
    if not values or resamples < 1:
        raise ValueError("bootstrap_interval needs values and at least one resample")
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    return means[int(0.025 * resamples)], means[max(int(0.975 * resamples) - 1, 0)]


def paired_difference(before: Sequence[float], after: Sequence[float], resamples: int = 10000,
                      seed: int = 0) -> dict:
    """``after − before`` pair by pair (the same titles, say, so their own spread cancels): both means,
    the mean difference and its 95% bootstrap interval (:func:`bootstrap_interval`)."""
    if len(before) != len(after):
        raise ValueError(f"paired_difference needs pairs: {len(before)} values before, {len(after)} after")
    diffs = [b - a for a, b in zip(before, after)]
    lo, hi = bootstrap_interval(diffs, resamples, seed)
    n = len(diffs)
    return {"before": sum(before) / n, "after": sum(after) / n, "diff": sum(diffs) / n, "ci95": [lo, hi], "n": n}


def log_odds_z(ya: float, yb: float, n_a: float, n_b: float, alpha: float, prior: float) -> float:
    """The z-score of an item's log-odds ratio in documents A against documents B, each smoothed by an
    informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' words", *Political
    Analysis* 16(4)): ``ya``, ``yb`` the item's counts, ``n_a``, ``n_b`` all items' counts, ``prior``
    α0 and ``alpha`` the item's share of it (α0 times the item's share of the whole corpus).

        δ = log((ya + α) / (n_a + α0 − ya − α)) − log((yb + α) / (n_b + α0 − yb − α))
        z = δ / √(1 / (ya + α) + 1 / (yb + α))
    """
    delta = (math.log((ya + alpha) / (n_a + prior - ya - alpha))
             - math.log((yb + alpha) / (n_b + prior - yb - alpha)))
    return delta / math.sqrt(1.0 / (ya + alpha) + 1.0 / (yb + alpha))
