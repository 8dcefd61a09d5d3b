"""The planner: keywords that belong to a title and to each other, around the user's own.

Learned from the corpus's train poems (``scripts/build_planner.py``, saved in
``tangshi/plan/data/planner.json.gz``), with each poem's keywords those of its lines
(:mod:`.keywords`, function words left out: :data:`FUNCTION`):

- ``title[t][w]``: the pointwise mutual information of title character t and keyword w over poems,
  log(n(t, w) · N / (n(t) · n(w))), shrunk by 1 − e^(−n(t, w) / :data:`SHRINK`) so that a pair seen
  a few times does not outweigh one seen often, for pairs seen in at least :data:`MIN_PAIR` poems,
  the :data:`KEEP` highest per character; keywords are words of at least :data:`MIN_WORD` poems;
- ``co[w][v]``: the same for two keywords of one poem.

:meth:`Planner.plan` fills the :data:`tangshi.plan.SLOTS` slots: the given keywords first, in order;
then, slot by slot, the keyword of highest score, Σ over title characters of ``title[t][w]`` plus
Σ over the keywords chosen so far of ``co[v][w]`` — never one that shares a character with a chosen
keyword, nor one whose season, hour or place clashes with the title or the chosen ones
(:func:`tangshi.setting.lexicon.clashes`). With a random generator it draws among the
:data:`TOP` best in proportion to exp(score), so that candidates get different plans. A slot with no
candidate (no title character the planner knows, no keyword given) stays empty.
"""
from __future__ import annotations

import gzip
import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

from tangshi.hanzi import HAN, converter
from tangshi.plan import SLOTS
from tangshi.plan.keywords import MIN_DF, document_frequency, poem_keywords
from tangshi.setting.lexicon import clashes

DATA = Path(__file__).with_name("data") / "planner.json.gz"
FORMAT = "tangshi-planner/1"
MIN_PAIR = 3     # poems a (title character, keyword) or (keyword, keyword) pair must stand in
KEEP = 30        # associations kept per title character and per keyword
TOP = 5          # a drawn plan chooses among this many best keywords
# Words starting with these say how, not what (不知 何處 無人 …): never keywords of a plan.
FUNCTION = set("不無何誰豈莫未已亦猶應須可如自相是有此其之也爲為所若欲且更又還只獨皆共即安卻却但唯惟方將乃便遂每各今忽到")
MIN_WORD = 50    # poems a keyword of a plan must stand in: a common word, not a span across two
SHRINK = 10.0    # a pair seen n times counts PMI · (1 − e^(−n / SHRINK)): rare pairs are not trusted


def _plannable(w: str | None, df: Counter) -> bool:
    return w is not None and w[0] not in FUNCTION and df[w] >= MIN_WORD


@dataclass(frozen=True)
class Planner:
    title: dict[str, dict[str, float]]
    co: dict[str, dict[str, float]]
    df: dict[str, int]  # every keyword the planner knows, with its document frequency

    def knows(self, word: str) -> bool:
        return word in self.df

    def plan(self, title: str, given: Sequence[str] = (), rng: random.Random | None = None,
             known: Callable[[str], bool] = lambda w: True) -> list[str | None]:
        """The keywords of :data:`SLOTS` slots for ``title`` (either script), ``given`` first (model
        script, traditional); planned keywords are only those ``known`` accepts (a model's vocabulary).
        See the module docstring."""
        chars = [c for c in "".join(HAN.findall(converter("s2t").convert(title or ""))) if c in self.title]
        chosen: list[str | None] = list(given)[:SLOTS]
        while len(chosen) < SLOTS:
            picked = [w for w in chosen if w]
            score: Counter = Counter()
            for t in dict.fromkeys(chars):
                score.update(self.title[t])
            for v in picked:
                score.update(self.co.get(v, {}))
            used = set("".join(picked))
            ranked = [w for w, _ in score.most_common()
                      if not used & set(w) and known(w) and not clashes(title, [*picked, w])]
            if not ranked:
                chosen.append(None)
                continue
            if rng is None:
                chosen.append(ranked[0])
            else:
                top = ranked[:TOP]
                weights = [math.exp(score[w] - score[top[0]]) for w in top]
                chosen.append(rng.choices(top, weights)[0])
        return chosen


def build(poems: Iterable[tuple[str, Sequence[str]]]) -> tuple[Planner, dict]:
    """The planner's tables from ``(title, lines)`` of corpus poems (traditional); and a report."""
    poems = [(t, list(lines)) for t, lines in poems]
    df, n = document_frequency(lines for _, lines in poems)
    kw_of = [{w for w in poem_keywords(lines, df, n) if _plannable(w, df)} for _, lines in poems]
    n_w: Counter = Counter()
    n_t: Counter = Counter()
    n_tw: Counter = Counter()
    n_vw: Counter = Counter()
    for (title, _), kws in zip(poems, kw_of):
        chars = set("".join(HAN.findall(title)))
        n_w.update(kws)
        n_t.update(chars)
        n_tw.update((t, w) for t in chars for w in kws)
        n_vw.update((v, w) for v in kws for w in kws if v != w)

    def table(pairs: Counter, left: Counter) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for (a, b), c in pairs.items():
            if c >= MIN_PAIR:
                pmi = math.log(c * n / (left[a] * n_w[b]))
                out.setdefault(a, {})[b] = round(pmi * (1 - math.exp(-c / SHRINK)), 3)
        return {a: dict(sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))[:KEEP]) for a, row in out.items()}  # ties: by word

    planner = Planner(table(n_tw, n_t), table(n_vw, n_w), {w: df[w] for w in n_w if df[w] >= MIN_DF})
    report = {"poems": n, "keywords": len(planner.df), "title_chars": len(planner.title),
              "keyword_rows": len(planner.co), "poems_with_keywords": sum(bool(k) for k in kw_of)}
    return planner, report


def save(planner: Planner, report: dict, path: Path = DATA) -> None:
    """Write the tables (atomically), gzip'd JSON in :data:`FORMAT` (no timestamp: the same build, the same bytes)."""
    from tangshi.atomic import write_bytes

    doc = {"format": FORMAT, "min_df": MIN_DF, "min_pair": MIN_PAIR, "keep": KEEP, "report": report,
           "df": planner.df, "title": planner.title, "co": planner.co}
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()
    write_bytes(path, gzip.compress(raw, mtime=0))


@lru_cache(maxsize=1)
def load(path: Path = DATA) -> Planner:
    """The shipped planner."""
    doc = json.loads(gzip.decompress(path.read_bytes()))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file")
    return Planner(doc["title"], doc["co"], doc["df"])
