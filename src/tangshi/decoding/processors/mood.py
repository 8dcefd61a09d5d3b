"""Writing in a mood: a bias toward the words of the requested mood, beside the model's condition.

A model trained with moods reads the requested mood's id (:mod:`tangshi.mood`), but that label is
weak — a few characters per poem, nearly half the corpus none — and on its own it hardly steers:
the tagger reads the requested mood in 15% of poems against 13.5% written without one
(BENCHMARKS.md). So the decoder also weighs the mood's vocabulary, as the 对仗 bias weighs classes.
At every character step of a poem asked for mood m, for each candidate character v:

    bias(v) = β · w_m(v)

with w_m(v) the character's weight in mood m's lexicon (:mod:`tangshi.mood.tagger`: 2 for a seed,
1 for an expanded character, 0 otherwise), except

- a character the poem already uses gets none (the tagger counts distinct characters, and the bias
  must not buy a mood with repetition);
- a candidate more than :data:`WINDOW` nats below the likeliest allowed one gets none: the bias
  reorders what the model finds plausible, it does not pull a mood word out of the tail;
- once the poem's distinct lexicon weight for the mood reaches :data:`ENOUGH`, the bias stops: the
  mood is stated, and the rest of the poem is the model's.

β (nats per unit of weight, :data:`MOOD_STRENGTH`) is set by measurement (``python bench/moods.py
--sweep``, docs/conditions.md); a write request's ``mood_strength`` overrides it, 0 turns it off.
The bias is added to the log-probabilities after the rules' masks are taken: the tones are still
the masks' to decide. The bias itself (:class:`MoodBias`) is numpy; :class:`Mood` is its processor.
"""
from __future__ import annotations

import numpy as np

from tangshi.decoding.processor import Processor, Setup, Step
from tangshi.mood import MOODS, mood_id
from tangshi.mood.tagger import MoodLexicon, load

MOOD_STRENGTH = 2.0  # β (nats per unit of lexicon weight): bench/moods.py --split valid --strengths, docs/conditions.md
WINDOW = 3.0    # nats below the likeliest allowed candidate that may still be favoured
ENOUGH = 6.0    # the poem's distinct lexicon weight for the mood at which the bias stops (3 seeds)


class MoodBias:
    """The bias for one vocabulary (its characters in the model's script, traditional)."""

    def __init__(self, chars: list[str], lexicon: MoodLexicon | None = None) -> None:
        lex = lexicon or load()
        # (M + 1, V): row 0 is "no mood" (all zeros), rows 1.. the moods in MOODS order
        self.weights = np.zeros((len(MOODS) + 1, len(chars)), dtype=np.float32)
        for m, mood in enumerate(MOODS, start=1):
            w = lex.weights[mood]
            self.weights[m] = [w.get(c, 0.0) for c in chars]

    def bias(self, mood: str, strength: float, used: np.ndarray, logp: np.ndarray) -> np.ndarray | None:
        """(B, V) float32 nats for the next character of ``B`` poems asked for ``mood``, or None when
        no row is biased. ``used`` (B, V) bool: characters each poem already uses; ``logp`` (B, V) the
        model's log-probabilities, −inf where the rules forbid."""
        if strength <= 0:
            return None
        w = self.weights[mood_id(mood)]  # (V,)
        stated = (used * w).sum(axis=1) >= ENOUGH  # (B,): the mood is already in the poem
        if stated.all():
            return None
        out = np.broadcast_to(np.float32(strength) * w, used.shape).copy()  # (B, V)
        out[used] = 0.0
        out[stated] = 0.0
        out[logp < logp.max(axis=1, keepdims=True) - np.float32(WINDOW)] = 0.0  # the tail stays the tail
        return out


class Mood(Processor):
    """The mood bias in a decode: toward the requested mood's words until the poem states it. Last in
    the chain (a bias is one file: this one only adds itself)."""

    order = 50

    def __init__(self, table: MoodBias, mood: str, strength: float) -> None:
        self.table, self.mood, self.strength = table, mood, strength

    @classmethod
    def prepare(cls, chars: list[str], prosody: object, header: dict) -> MoodBias:
        return MoodBias(chars)

    @classmethod
    def create(cls, setup: Setup, prepared: MoodBias) -> "Mood | None":
        cfg = setup.cfg
        beta = MOOD_STRENGTH if cfg.mood_strength is None else cfg.mood_strength
        return cls(prepared, cfg.mood, beta) if cfg.mood and beta else None

    def bias(self, step: Step) -> np.ndarray | None:
        return self.table.bias(self.mood, self.strength, step.used, step.masked)


PROCESSOR = Mood
