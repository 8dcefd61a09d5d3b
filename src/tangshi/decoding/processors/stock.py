"""Stock pairs: a bias against the word pairs this poet writes far more often than real poets do.

Blind readers find generated poems "made of stock parts", and distinct-2 says the same: the same
character pairs recur from poem to poem (docs/quality.md). Sampling at a temperature under 1 sharpens
the model's choices, and its likeliest pairs come out more often than in the poems it learned from.
For each pair ``ab`` inside a line, ``scripts/stock_pairs.py`` measures how much more often the poet
writes it, at the defaults on training titles, than real poets do in the training poems:

    r(ab) = (c_poet(ab) / N_poet) / ((c_real(ab) + ½) / N_real)

and keeps ``log r(ab)`` for the pairs it writes at least a few times and over-uses (the model's
header, ``decoding.stock_pairs``). When ``a`` is the character before in the same line, ``b`` gets

    bias(b) = −w · log r(ab)

with ``w`` the request's ``stock``, by default :data:`STOCK_WEIGHT` (0: off). The bias is added before
the temperature, as every bias is: ``w = 1`` divides r out of the model's probability, and at the
default temperature 0.6 the sampled odds of the pair fall by about r^(1/0.6) — more than the measured
over-use, which is what the blind reading chose (docs/quality.md, "Stock pairs"). The bias looks back
only: a free character after a given one (an acrostic's head, a kept line) is charged for the pair
they make, a free character before a given one is not. A model whose header has no table has no such
bias.
"""
from __future__ import annotations

import numpy as np

from tangshi.decoding.processor import Processor, Setup, Step

STOCK_MAX = 4.0  # the largest log over-use a header may give one pair (nats)
# w when a request names none: read blind as well as 0.5 and as none, with the highest distinct-2 (docs/quality.md)
STOCK_WEIGHT = 1.0


def model_stock(header: dict) -> dict[str, float]:
    """The model's stock pairs (``decoding.stock_pairs``: pair → log over-use), checked; {} when none."""
    from tangshi.errors import CheckpointError

    decoding = {} if header.get("decoding") is None else header["decoding"]
    if not isinstance(decoding, dict):
        raise CheckpointError(f"model header: decoding must be an object, not {type(decoding).__name__}")
    own = {} if decoding.get("stock_pairs") is None else decoding["stock_pairs"]
    if not isinstance(own, dict):
        raise CheckpointError(f"model header: decoding.stock_pairs must map pairs to nats, not {type(own).__name__}")
    for pair, nats in own.items():
        if not (isinstance(pair, str) and len(pair) == 2):
            raise CheckpointError(f"model header: decoding.stock_pairs has {pair!r}; expected two characters")
        if isinstance(nats, bool) or not isinstance(nats, (int, float)) or not 0 <= nats <= STOCK_MAX:
            raise CheckpointError(f"model header: decoding.stock_pairs[{pair}] = {nats!r};"
                                  f" expected nats in [0, {STOCK_MAX}]")
    return {p: float(v) for p, v in own.items()}


class StockTable:
    """A model's stock pairs over its vocabulary: for each first character's id, the ids of the
    characters that follow it in an over-used pair, and that pair's log over-use (nats)."""

    def __init__(self, pairs: dict[str, float], index: dict[str, int]) -> None:
        after: dict[int, list[tuple[int, float]]] = {}
        for pair, nats in pairs.items():
            a, b = index.get(pair[0]), index.get(pair[1])
            if a is not None and b is not None:
                after.setdefault(a, []).append((b, nats))
        self.after = {a: (np.array([b for b, _ in row]), np.array([n for _, n in row], dtype=np.float32))
                      for a, row in after.items()}  # a -> ((k,) ids, (k,) nats)
        self.n_pairs = sum(len(ids) for ids, _ in self.after.values())  # counted once: each decode asks

    def __len__(self) -> int:
        return self.n_pairs


class Stock(Processor):
    """The stock-pair bias in a decode (see the module docstring)."""

    order = 80

    def __init__(self, table: StockTable, weight: float, V: int) -> None:
        self.table, self.weight, self.V = table, weight, V

    @classmethod
    def prepare(cls, chars: list[str], prosody: object, header: dict) -> StockTable:
        return StockTable(model_stock(header), {c: k for k, c in enumerate(chars)})

    @classmethod
    def create(cls, setup: Setup, prepared: StockTable) -> "Stock | None":
        weight = STOCK_WEIGHT if setup.cfg.stock is None else setup.cfg.stock
        if not weight or not len(prepared):
            return None
        return cls(prepared, weight, setup.vocab_size)

    def bias(self, step: Step) -> np.ndarray | None:
        """(B, V): −w · log r on the characters after each row's previous one in this line."""
        if step.pos == 0:
            return None
        prev = step.out[:, step.line, step.pos - 1].numpy()  # (B,)
        hits = [(b, self.table.after[a]) for b, a in enumerate(prev.tolist()) if a in self.table.after]
        if not hits:
            return None
        out = np.zeros((len(prev), self.V), dtype=np.float32)
        for b, (ids, nats) in hits:
            out[b, ids] = nats * np.float32(-self.weight)
        return out


PROCESSOR = Stock
