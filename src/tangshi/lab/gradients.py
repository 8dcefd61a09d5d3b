"""Gradient flow through time: vanishing in the Elman RNN, kept alive by gates, clipped when exploding.

Two experiments, both on reproducible synthetic data (random token sequences
embedded by a fixed random table; no corpus needed):

* :func:`gradient_norms` — one batch, loss at the *last* step only, so every
  dL/dh(t) for t < T must flow back through the recurrence. Measured at
  initialisation for RNN, LSTM and GRU of equal size (torch's init), and for
  the gated cells with their "keep" gate biased open (LSTM forget gate, GRU
  update gate, +1 on the bias: the usual trick of Gers et al. 2000 /
  Jozefowicz et al. 2015), which shows the mechanism directly.
* :func:`clipping_run` — an Elman RNN whose recurrent matrix is rescaled to a
  spectral radius above 1 has exploding gradients; train it with plain SGD,
  with and without clipping the global gradient norm, on fresh batches.

No plotting and no printing here: see :mod:`tangshi.lab.plots` and :mod:`tangshi.lab.report`.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

import tangshi.nn as tnn
from tangshi.lab import one_thread

# (key, layer kind, bias added to the "keep" gate: LSTM forget f / GRU update z)
VARIANTS = (
    ("rnn", "rnn", 0.0),
    ("lstm", "lstm", 0.0),
    ("gru", "gru", 0.0),
    ("lstm_forget_bias", "lstm", 1.0),
    ("gru_update_bias", "gru", 1.0),
)


@dataclass(frozen=True)
class ClipConfig:
    """The exploding-RNN experiment; every number it uses lives here."""

    length: int = 30  # T
    hidden: int = 64  # H
    batch: int = 32  # B
    vocab: int = 10  # tokens; the target is the previous token, chance loss ln(10) = 2.30
    radius: float = 3.0  # spectral radius of W after rescaling (> 1: exploding)
    lr: float = 1.0  # plain SGD: the step is lr * gradient, so its size is the gradient's
    clip: float = 1.0  # max global gradient norm when clipping
    steps: int = 100


def synthetic_batch(batch: int, length: int, vocab: int, width: int,
                    generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Random tokens (B, T) and their embeddings (B, T, width) from a fixed N(0, 1) table."""
    table = torch.randn(vocab, width, generator=generator)  # (V, D)
    tokens = torch.randint(vocab, (batch, length), generator=generator)  # (B, T)
    return tokens, table[tokens]  # (B, T), (B, T, D)


def open_keep_gate(layer: tnn.LSTM | tnn.GRU, bias: float) -> None:
    """Add ``bias`` to the forget gate (LSTM) or update gate (GRU): rows H:2H in torch's order."""
    h = layer.hidden_size
    with torch.no_grad():
        layer.bias_hh_l0[h : 2 * h] += bias


def _norms_for(kind: str, keep_bias: float, tokens: Tensor, x: Tensor, hidden: int,
               vocab: int, seed: int) -> list[float]:
    torch.manual_seed(seed)  # same init stream for every variant
    layer = tnn.LAYERS[kind](x.shape[2], hidden, impl="reference")
    if keep_bias:
        open_keep_gate(layer, keep_bias)
    readout = torch.nn.Linear(hidden, vocab)  # o = V h + c
    steps, _ = layer.unroll(x)  # T x (B, H)
    for h in steps:
        h.retain_grad()
    # loss at the last step only: predict the first token, so the gradient must travel back T steps
    loss = F.cross_entropy(readout(steps[-1]), tokens[:, 0])
    loss.backward()
    return [h.grad.norm().item() for h in steps]  # ||dL/dh(t)|| over the batch


def decay_per_step(norms: list[float]) -> float:
    """Geometric-mean factor by which ||dL/dh(t)|| shrinks per step back in time."""
    if norms[0] <= 0 or len(norms) < 2:
        return 0.0
    return (norms[0] / norms[-1]) ** (1.0 / (len(norms) - 1))


def gradient_norms(length: int = 50, hidden: int = 64, batch: int = 32, vocab: int = 100,
                   seed: int = 0) -> dict:
    """||dL/dh(t)|| for t = 0..T-1, per model variant, at initialisation.

    Returns ``{"config", "norms": {variant: [T floats]}, "decay_per_step": {variant: float}}``.
    """
    generator = torch.Generator().manual_seed(seed)
    tokens, x = synthetic_batch(batch, length, vocab, hidden, generator)  # (B, T), (B, T, H)
    with one_thread():  # the same numbers under any thread count
        norms = {key: _norms_for(kind, bias, tokens, x, hidden, vocab, seed)
                 for key, kind, bias in VARIANTS}
    return {
        "config": {"length": length, "hidden": hidden, "batch": batch, "vocab": vocab, "seed": seed},
        "norms": norms,
        "decay_per_step": {key: decay_per_step(n) for key, n in norms.items()},
    }


def _exploding_rnn(config: ClipConfig, generator: torch.Generator) -> tnn.RNN:
    layer = tnn.RNN(config.hidden, config.hidden)
    with torch.no_grad():
        w = torch.randn(config.hidden, config.hidden, generator=generator)  # (H, H)
        w *= config.radius / torch.linalg.eigvals(w).abs().max()
        layer.weight_hh_l0.copy_(w)
    return layer


def _train(config: ClipConfig, seed: int, clip: float | None) -> dict[str, list[float]]:
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    layer = _exploding_rnn(config, generator)
    readout = torch.nn.Linear(config.hidden, config.vocab)
    params = [*layer.parameters(), *readout.parameters()]
    opt = torch.optim.SGD(params, lr=config.lr)
    table = torch.randn(config.vocab, config.hidden, generator=generator)  # (V, H) fixed inputs
    record: dict[str, list[float]] = {"loss": [], "grad_norm": [], "weight_norm": []}
    for _ in range(config.steps):
        tokens = torch.randint(config.vocab, (config.batch, config.length), generator=generator)
        out, _ = layer(table[tokens])  # (B, T, H); a fresh batch, so the loss is not memorised
        loss = F.cross_entropy(readout(out[:, -1]), tokens[:, -2])  # recall the previous token
        opt.zero_grad()
        loss.backward()
        # the norm before clipping; clipping rescales the step so one cliff cannot throw W away
        norm = torch.nn.utils.clip_grad_norm_(params, clip if clip is not None else math.inf)
        opt.step()
        record["loss"].append(loss.item())
        record["grad_norm"].append(norm.item())
        record["weight_norm"].append(layer.weight_hh_l0.norm().item())  # ||W||_F after the step
    return record


def clipping_run(config: ClipConfig = ClipConfig(), seed: int = 0) -> dict:
    """Train the exploding RNN with and without clipping, same init and same batches.

    Returns ``{"config", "runs": {"no_clip" | "clip": {"loss", "grad_norm", "weight_norm"}}}``
    with one value per SGD step (loss on that step's fresh batch, before the update).
    """
    with one_thread():  # the same numbers under any thread count
        runs = {"no_clip": _train(config, seed, None), "clip": _train(config, seed, config.clip)}
    return {"config": {**asdict(config), "seed": seed}, "runs": runs}
