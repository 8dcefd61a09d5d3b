"""What each rule-aware slot allows, and the share of a distribution the rules keep there.

A slot (:mod:`tangshi.masks.slots`) says what the next character must be; this module turns it into the
set of vocabulary items that fit, with the lenient reading of the masks (a 多音字 fits either tone):

    class   slot (tone, group)            allowed items A
    0       平                             Han characters with a 平 reading
    1       仄                             Han characters with a 仄 reading
    2       free                           Han characters with a 平 or a 仄 reading
    3       rhyme, group not yet known     Han characters that rhyme in some 平 group (the first
                                           rhyme, where the decoder's masks let any group with
                                           enough rhymes start)
    4 + g   rhyme in group g               Han characters that rhyme in group g
    -1      none (punctuation, the end, a poem of no regulated shape): not counted

The *kept mass* at step t is m(t) = Σ_{v ∈ A(t)} ŷ(t)_v — how much of the model's probability the
masks leave it. :func:`tangshi.evaluate.constrained_perplexity` reports its mean on real poems; the
trainer can add −λ log m(t) to the loss (``TrainConfig.rule_mass_weight``), which teaches a model
with rule inputs to want what the masks allow.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from tangshi.hanzi import is_han

N_TONE_CLASSES = 4  # 平, 仄, free, a rhyme of any group; the groups follow


class SlotMask:
    """The allowed items of every slot class for one vocabulary (``chars`` in id order)."""

    def __init__(self, chars: Sequence[str], device: torch.device | str | None = None) -> None:
        from tangshi.masks.constraints import VocabProsody
        from tangshi.masks.slots import ping_groups

        vp = VocabProsody.from_vocab(chars)
        hanzi = torch.tensor([len(c) == 1 and is_han(c) for c in chars], dtype=torch.bool)  # (V,)
        rows = [vp.may_ping, vp.may_ze, vp.may_ping | vp.may_ze, vp.rhyme.any(0)]
        col = {name: k for k, name in enumerate(vp.group_names)}
        rows += [vp.rhyme[col[name]] for name in ping_groups()]  # slot group id g → row 3 + g
        self.table = (torch.stack(rows) & hanzi).to(device)  # (4 + 30, V)

    def to(self, device: torch.device | str) -> "SlotMask":
        self.table = self.table.to(device)
        return self

    @staticmethod
    def classes(slots: Tensor) -> Tensor:
        """slots (..., 4) -> class ids (...): see the module docstring; -1 where nothing is asked."""
        tone, group = slots[..., 0], slots[..., 3]
        cls = torch.where(tone == 4, torch.where(group > 0, N_TONE_CLASSES - 1 + group, N_TONE_CLASSES - 1),
                          tone - 1)
        return cls.masked_fill(tone == 0, -1)

    def allowed(self, cls: Tensor) -> Tensor:
        """class ids (...) -> (..., V) bool: the items the rules allow (anything where cls is -1)."""
        return self.table[cls.clamp(min=0)]

    def log_kept(self, o: Tensor, cls: Tensor) -> Tensor:
        """Scores o (..., V) (logits or log-probabilities) and class ids (...) -> log m (...), the log of
        the probability softmax(o) puts on the allowed items; 0 where cls is -1.

        m for every class at once is one product ŷ · Aᵀ ((..., V) @ (V, C)): far cheaper in training
        than masking a (..., V) copy per step."""
        p = torch.softmax(o.float(), dim=-1)  # (..., V)
        every = p @ self.table.T.to(p.dtype)  # (..., C): the kept mass under each class
        m = every.gather(-1, cls.clamp(min=0)[..., None])[..., 0]  # (...)
        return torch.log(m.clamp(min=1e-30)).masked_fill(cls < 0, 0.0)
