"""The mood tagger: which of the six moods (:data:`tangshi.mood.MOODS`) a poem's words lean to.

A lexicon of characters per mood, in two tiers:

- **seeds**, chosen by hand (:data:`SEEDS`): the characters that name the feeling or its
  unmistakable signs (悲 哀 淚 泣 for grief, 劍 戰 征 for the heroic …), weight :data:`SEED_WEIGHT`;
- **expanded** characters, found on the corpus by :func:`expand` (run by ``scripts/build_moods.py``,
  saved in ``tangshi/mood/data/moods.json``): the characters most over-represented in the poems the
  seeds label with a mood, against every other poem, by the log-odds ratio with an informative
  Dirichlet prior of Monroe, Colaresi & Quinn (2008, "Fightin' words", *Political Analysis* 16(4)),
  weight 1.

A poem's score for a mood is the sum of the weights of the *distinct* lexicon characters in its
lines (a character repeated counts once). The tagger names the mood of the highest score when that
score is at least :data:`MIN_SCORE` and strictly above every other mood's; otherwise the poem has
no mood (``None``) — most poems lean to none, or to two at once.

Torch-free. The title is not read: a mood is what the lines express (and a generated poem's title
is the user's, not the model's).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from tangshi.hanzi import HAN, converter
from tangshi.metrics import log_odds_z
from tangshi.mood import MOODS

DATA = Path(__file__).with_name("data") / "moods.json"
FORMAT = "tangshi-moods/1"
SEED_WEIGHT = 2.0
MIN_SCORE = 3.0
# Seed characters per mood, traditional (the corpus's script; variants both listed).
SEEDS: dict[str, str] = {
    "喜": "喜歡欣樂笑賀慶悅",
    "悲": "悲哀哭淚泣慟弔喪",
    "愁": "愁憂恨悵惆寂寞淒",
    "闲": "閑閒隱釣禪逸幽悠",
    "壮": "壯雄劍戰征將軍胡",
    "思": "思憶懷念歸夢鄉遙",
}
EXPAND_K = 30       # expanded characters per mood at most
EXPAND_MIN_Z = 4.0  # and only those this far over-represented (z-score of the log-odds ratio)
PRIOR = 500.0       # α0, the strength of the Dirichlet prior (pseudo-documents)


@dataclass(frozen=True)
class MoodLexicon:
    """Weights of characters per mood, and the build's counts."""

    weights: dict[str, dict[str, float]]  # mood -> {char: weight}
    meta: dict

    def scores(self, text: str) -> dict[str, float]:
        """Each mood's score of a poem's lines (either script)."""
        return self.score_chars(set(_han(text)))

    def score_chars(self, chars: set[str]) -> dict[str, float]:
        """Each mood's score of a set of distinct characters (traditional)."""
        return {m: sum(w.get(c, 0.0) for c in chars) for m, w in self.weights.items()}


def _han(text: str) -> str:
    """The Han characters of ``text``, in traditional script (the lexicon's)."""
    return "".join(HAN.findall(converter("s2t").convert(text)))


def seed_lexicon() -> MoodLexicon:
    """The seeds alone (what :func:`expand` starts from)."""
    return MoodLexicon({m: {c: SEED_WEIGHT for c in SEEDS[m]} for m in MOODS}, {"expanded": False})


def decide(scores: dict[str, float], min_score: float = MIN_SCORE) -> str | None:
    """The mood of the highest score if it is ≥ ``min_score`` and strictly the highest, else None."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    if score < min_score or (len(ranked) > 1 and ranked[1][1] >= score):
        return None
    return best


def mood_of(text: str, lexicon: MoodLexicon | None = None) -> str | None:
    """The mood of a poem's lines (either script), or None. See the module docstring."""
    return decide((lexicon or load()).scores(text))


def expand(bodies: Iterable[str], k: int = EXPAND_K, min_z: float = EXPAND_MIN_Z,
           prior: float = PRIOR) -> tuple[MoodLexicon, dict]:
    """Seeds + the characters over-represented in each mood's seed-labelled poems (see the module
    docstring). ``bodies``: the corpus poems' lines (traditional). Returns the lexicon and a report
    (poems per seed label, each expanded character's z-score)."""
    seeds = seed_lexicon()
    docs = [set(_han(b)) for b in bodies]
    labels = [decide(seeds.score_chars(d)) for d in docs]
    df_all: Counter = Counter()  # in how many poems each character stands
    for d in docs:
        df_all.update(d)
    n_all = sum(df_all.values())  # each (poem, character) presence is one count
    seed_chars = {c for s in SEEDS.values() for c in s}
    best: dict[str, tuple[float, str]] = {}  # char -> (z, mood): a character goes to one mood at most
    for mood in MOODS:
        df_a: Counter = Counter()
        for d, lab in zip(docs, labels):
            if lab == mood:
                df_a.update(d)
        n_a = sum(df_a.values())
        n_b = n_all - n_a
        if n_a == 0:
            continue
        for c, total in df_all.items():
            if c in seed_chars:
                continue
            ya, yb = df_a.get(c, 0), total - df_a.get(c, 0)
            alpha = prior * total / n_all  # α_w = α0 · the character's share of the whole corpus
            z = log_odds_z(ya, yb, n_a, n_b, alpha, prior)  # c in this mood's poems against the others'
            if z >= min_z and (c not in best or z > best[c][0]):
                best[c] = (z, mood)
    weights = {m: dict(seeds.weights[m]) for m in MOODS}
    report: dict = {"poems": len(docs), "seed_labelled": {m: labels.count(m) for m in MOODS}, "expanded": {}}
    for mood in MOODS:
        mine = sorted(((z, c) for c, (z, m) in best.items() if m == mood), reverse=True)[:k]
        weights[mood].update({c: 1.0 for _, c in mine})
        report["expanded"][mood] = [[c, round(z, 2)] for z, c in mine]
    return MoodLexicon(weights, {"expanded": True}), report


def save(lexicon: MoodLexicon, report: dict, path: Path = DATA) -> None:
    """Write the lexicon (atomically) in :data:`FORMAT`."""
    from tangshi.atomic import write_bytes

    doc = {"format": FORMAT, "seed_weight": SEED_WEIGHT, "min_score": MIN_SCORE,
           "moods": {m: {"seeds": SEEDS[m], "expanded": "".join(c for c, _ in report["expanded"][m])}
                     for m in MOODS}, "report": report}
    write_bytes(path, (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode())


@lru_cache(maxsize=1)
def load(path: Path = DATA) -> MoodLexicon:
    """The shipped lexicon (seeds and expanded characters)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file")
    weights = {}
    for m in MOODS:
        entry = doc["moods"][m]
        weights[m] = {c: 1.0 for c in entry["expanded"]} | {c: float(doc["seed_weight"]) for c in entry["seeds"]}
    return MoodLexicon(weights, doc.get("report", {}))
