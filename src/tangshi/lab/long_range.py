"""The tutorial's agreement example as a synthetic task: "The cat(s), which ..., was/were".

A sequence is a *marker* (one of ``classes`` tokens: "cat" or "cats"), then D
random *distractor* tokens (the clause in between), then a *query* token (the
verb's position); the model must output the marker's class at the query.
Nothing in the distractors helps, so the answer has to be carried D + 1 steps.

Each cell type (RNN, LSTM, GRU from :mod:`tangshi.nn`, same sizes) is trained
from scratch for each D on fresh random batches, with Adam and gradient
clipping, until it is right on 99% of the last 20 training batches or the step
budget runs out; then it is scored on held-out sequences. The LSTM's forget
gate starts biased open (+1, the usual practice); see :class:`LongRangeConfig`.
No plotting and no printing here.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import tangshi.nn as tnn
from tangshi.lab import one_thread
from tangshi.lab.gradients import open_keep_gate

KINDS = ("rnn", "lstm", "gru")
DISTANCES = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class LongRangeConfig:
    """Every number of the long-range experiment lives here."""

    distances: tuple[int, ...] = DISTANCES
    steps: int = 800  # max training steps per (cell, D); training stops early when solved
    seed: int = 0
    classes: int = 2  # singular / plural: chance accuracy 1/2
    distractors: int = 100  # distinct distractor tokens
    embed: int = 16
    hidden: int = 32
    batch: int = 64
    lr: float = 3e-3
    clip: float = 1.0
    forget_bias: float = 1.0  # added to the LSTM's forget-gate bias at init
    eval_size: int = 1000
    solved: float = 0.99  # stop once the mean accuracy of the last 20 batches exceeds this

    @property
    def vocab(self) -> int:
        return self.classes + self.distractors + 1  # markers, distractors, query


def make_batch(config: LongRangeConfig, distance: int, size: int,
               generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Sequences (B, D + 2) = [marker, D distractors, query] and targets (B,) = the marker's class."""
    marker = torch.randint(config.classes, (size,), generator=generator)  # (B,)
    between = config.classes + torch.randint(config.distractors, (size, distance), generator=generator)
    query = torch.full((size, 1), config.vocab - 1)  # (B, 1)
    return torch.cat([marker[:, None], between, query], dim=1), marker  # (B, D + 2), (B,)


class AgreementModel(nn.Module):
    """Embedding -> one recurrent layer -> linear readout at the last step."""

    def __init__(self, kind: str, config: LongRangeConfig) -> None:
        super().__init__()
        self.embed = nn.Embedding(config.vocab, config.embed)
        self.rnn = tnn.LAYERS[kind](config.embed, config.hidden)  # fused kernels
        if kind == "lstm" and config.forget_bias:
            open_keep_gate(self.rnn, config.forget_bias)
        self.head = nn.Linear(config.hidden, config.classes)

    def forward(self, tokens: Tensor) -> Tensor:
        out, _ = self.rnn(self.embed(tokens))  # (B, T, H)
        return self.head(out[:, -1])  # (B, classes)


def train_and_evaluate(kind: str, distance: int, config: LongRangeConfig) -> dict:
    """Train one cell type at one distance; return held-out accuracy and steps used."""
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    model = AgreementModel(kind, config)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    recent: list[float] = []
    step = 0
    for step in range(1, config.steps + 1):
        tokens, target = make_batch(config, distance, config.batch, generator)
        logits = model(tokens)  # (B, classes)
        loss = F.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        # clipping, as in real training, so a rare gradient spike cannot wreck a run
        nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        opt.step()
        recent = (recent + [(logits.argmax(1) == target).float().mean().item()])[-20:]
        if len(recent) == 20 and sum(recent) / 20 > config.solved:
            break
    return {"accuracy": evaluate(model, distance, config), "steps": step}


@torch.no_grad()
def evaluate(model: AgreementModel, distance: int, config: LongRangeConfig) -> float:
    """Accuracy on ``eval_size`` held-out sequences (a generator seeded apart from training)."""
    model.eval()
    generator = torch.Generator().manual_seed(config.seed + 10_000)
    tokens, target = make_batch(config, distance, config.eval_size, generator)
    return (model(tokens).argmax(1) == target).float().mean().item()


def run(config: LongRangeConfig = LongRangeConfig(), **overrides: object) -> dict:
    """Accuracy against distance for every cell type.

    Returns ``{"config", "chance", "distances", "accuracy": {kind: [...]},
    "steps": {kind: [...]}, "seconds"}``; lists follow ``distances``.
    """
    config = replace(config, **overrides)
    start = time.perf_counter()
    accuracy: dict[str, list[float]] = {k: [] for k in KINDS}
    steps: dict[str, list[int]] = {k: [] for k in KINDS}
    for distance in config.distances:
        for kind in KINDS:
            with one_thread():  # the same numbers under any thread count
                result = train_and_evaluate(kind, distance, config)
            accuracy[kind].append(result["accuracy"])
            steps[kind].append(result["steps"])
    return {
        "config": asdict(config),
        "chance": 1.0 / config.classes,
        "distances": list(config.distances),
        "accuracy": accuracy,
        "steps": steps,
        "seconds": round(time.perf_counter() - start, 1),
    }
