"""对句相救: after a given line with a big 拗, the 平 of the next line that rescues it.

A user's first line of a couplet may carry a big 拗 (仄 on core position 4 of a 仄仄平平仄 line), which
the rules accept when the next line answers with 平 on its core position 3. The decoder never makes a
拗 itself; :func:`tangshi.decoding.fit.fit_given` finds the rescues a given line needs, and this mask
keeps only 平 items there, in the rows whose pattern needs it (a row with none left keeps what it had).
"""
from __future__ import annotations

import torch

from tangshi.decoding.processor import Processor, Setup, Step


class Rescue(Processor):
    order = 30  # after the repetition guard: it narrows what the rules and the guard leave

    def __init__(self, setup: Setup) -> None:
        self.rescue, self.patterns = setup.rescue, setup.patterns
        vp = setup.prosody
        self.ping = vp.ping if setup.cfg.rules == "strict" else vp.may_ping  # (V,)

    @classmethod
    def create(cls, setup: Setup, prepared: None) -> "Rescue | None":
        return cls(setup) if setup.rescue and setup.cfg.rules != "off" else None

    def mask(self, step: Step) -> torch.Tensor | None:
        need = self.rescue.get((step.line, step.pos))
        if not need:
            return None
        rows = torch.tensor([p in need for p in self.patterns])[:, None]  # (B, 1): the rows whose pattern needs it
        return ~rows | self.ping  # (B, V)

    def reorder(self, idx: torch.Tensor) -> None:
        self.patterns = [self.patterns[int(i)] for i in idx]  # each row's pattern follows it


PROCESSOR = Rescue
