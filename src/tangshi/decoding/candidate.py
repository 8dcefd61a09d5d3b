"""A decoded poem and the one score candidates are ranked by."""
from __future__ import annotations

from dataclasses import dataclass

from tangshi import metrics
from tangshi.prosody.forms import Pattern

PMI_WEIGHT = 1.0      # rank_score: weight of the title's PMI per character beside the log-probability
REPEAT_WEIGHT = 0.1   # rank_score: nats per character used more than once
JUDGE_WEIGHT = 0.0    # rank_score: weight of the judge's loss per character, when the poet judges (see Poet)


@dataclass
class Candidate:
    """One decoded poem, in the model's script (traditional), with what ranking needs."""

    lines: list[str]
    pattern: Pattern
    score: float  # mean log-probability per character under the model, given the title
    pmi: float | None  # mean log p(c | title) − log p(c | ∅) per character; None if not measured
    plan: tuple = ()  # its plan's keywords per slot (None: an empty slot), in the model's script; () none
    judge: float | None = None  # the judge's loss per character (tangshi.judge); None: not judged

    @property
    def repeats(self) -> int:
        return metrics.repeats(self.lines)


def rank_score(c: Candidate, judge_weight: float = JUDGE_WEIGHT) -> float:
    """The one score candidates are ranked by: fluency, title use and repetition, per character.

    ``score + PMI_WEIGHT · pmi − REPEAT_WEIGHT · repeats − judge_weight · judge``: the model's mean
    log-probability of the poem given its title, plus how much more likely the title makes it (PMI),
    minus a cost for each character used twice, and — when the candidate was judged — the judge's
    loss per character (an independent model reading it backwards, whose fluency ranks generated
    poems as blind readers do better than any other stand-in: docs/quality.md). The weights are set
    on valid titles and by blind readings (docs/quality.md).
    """
    judged = judge_weight * c.judge if c.judge is not None and judge_weight else 0.0
    return c.score + PMI_WEIGHT * (c.pmi or 0.0) - REPEAT_WEIGHT * c.repeats - judged


def rank_key(rank: float, clashes: list, setting_strength: float | None) -> tuple[bool, float]:
    """Sort key of a candidate, best first: one whose setting clashes (tangshi.setting) after every one
    that does not — unless the request turned the setting off (``setting_strength`` 0) — then by
    ``rank`` (:func:`rank_score`), higher first."""
    return bool(clashes) and setting_strength != 0, -rank
