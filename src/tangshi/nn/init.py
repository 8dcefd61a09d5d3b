"""Initialisation schemes for the recurrent layers, beside torch's own.

The layers of :mod:`tangshi.nn.layers` start as torch's do (``reset_parameters``: every parameter
uniform in ±1/√H), which keeps them interchangeable with ``torch.nn`` from the first step. A
training run may start them otherwise (``tangshi train --init``):

- ``torch``: that default;
- ``orthogonal``: per gate, the recurrent matrix W orthogonal, so that h(t−1) ↦ W h(t−1) neither
  shrinks nor stretches the state and the product of Jacobians through time starts away from the
  vanishing and exploding regimes (Saxe et al., 2014, "Exact solutions to the nonlinear dynamics of
  learning in deep linear neural networks"); per gate, the input matrix U Glorot-uniform; biases zero,
  except the LSTM's forget gate, b_f = 1 (Gers et al., 2000; Jozefowicz et al., 2015, "An empirical
  exploration of recurrent network architectures"): f(t) = σ(1) ≈ 0.73 at the start, so the cell
  c(t) = f(t) ⊙ c(t−1) + i(t) ⊙ g(t) keeps more of its past — and its gradient — from the first step.

Whether it helps this poet is measured, not assumed (BENCHMARKS.md, "The recipe study").
"""
from __future__ import annotations

import torch
from torch import nn

from tangshi.errors import choice_error
from tangshi.nn.layers import _RecurrentLayer

INITS = ("torch", "orthogonal")


def orthogonal_(layer: _RecurrentLayer) -> None:
    """Start ``layer`` by the ``orthogonal`` scheme (module docstring), in place, from torch's RNG."""
    H, gates = layer.hidden_size, layer.cell.gates
    flat = layer.flat_weights()
    with torch.no_grad():
        for k in range(0, len(flat), 4):  # (w_ih, w_hh, b_ih, b_hh) per layer and direction
            w_ih, w_hh, b_ih, b_hh = flat[k : k + 4]
            for g in range(gates):
                nn.init.xavier_uniform_(w_ih[g * H : (g + 1) * H])  # U_g (H, D)
                nn.init.orthogonal_(w_hh[g * H : (g + 1) * H])      # W_g (H, H)
            b_ih.zero_()
            b_hh.zero_()
            if layer.mode == "LSTM":
                b_ih[H : 2 * H] = 1.0  # torch's gate order i, f, g, o: b_f = b_ih,f + b_hh,f = 1


def init_recurrent(model: nn.Module, scheme: str) -> int:
    """Start every recurrent layer of ``model`` by ``scheme``; returns how many layers it changed."""
    if scheme not in INITS:
        raise choice_error("init", scheme, INITS)
    layers = [m for m in model.modules() if isinstance(m, _RecurrentLayer)]
    for layer in layers:
        if scheme == "orthogonal":
            orthogonal_(layer)
        else:
            layer.reset_parameters()
    return len(layers)
