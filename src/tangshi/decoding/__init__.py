"""tangshi.decoding: writing a poem with a trained model, under the rules, one character at a time.

- :mod:`.loop` — :class:`Decoder`: the decode loop (model step, masks, biases, sample or beam);
- :mod:`.processor` — the protocol every mask and bias implements; :mod:`.processors` — one file each;
- :mod:`.stepper` — one step of the network prepared for a CPU (int8 weights);
- :mod:`.sampler` — temperature, top-k, top-p sampling and grouped beam search;
- :mod:`.fit` — how given lines (续写) fit the patterns; :mod:`.candidate` — ranking;
- :mod:`.config` — :class:`DecodeConfig`, derived from the request's decoding fields.

Above the model and the checkpoint in the flow; :mod:`tangshi.poet` turns requests into decodes.
"""
from __future__ import annotations

from tangshi.decoding.candidate import Candidate, rank_score
from tangshi.decoding.config import DecodeConfig, choose_patterns, generator
from tangshi.decoding.fit import Fit, fit_given
from tangshi.decoding.loop import Decoder
from tangshi.decoding.processors.repetition import REPEAT_PENALTY, model_penalties, table_penalty
from tangshi.decoding.processors.stock import model_stock

__all__ = ["Decoder", "DecodeConfig", "Candidate", "rank_score", "choose_patterns", "generator", "Fit", "fit_given",
           "REPEAT_PENALTY", "model_penalties", "table_penalty", "model_stock"]
