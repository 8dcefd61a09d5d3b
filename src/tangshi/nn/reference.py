"""The reference implementation: an explicit loop over time steps and layers.

Every layer and direction runs its cell's :meth:`recur` once per step, so each
h(t) is an ordinary tensor in the autograd graph (``tangshi lab gradients``
calls ``retain_grad()`` on them). The input projection U x(t) + b_ih for all
steps is one matrix product; only the recurrence is sequential.

This is the readable, slow path used to prove the fused kernels right; it
does not do packed sequences, and it allocates no parameters of its own.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from tangshi.nn.cells import State, _Cell

Weights = Sequence[Tensor]  # (weight_ih, weight_hh, bias_ih, bias_hh) of one layer and direction


def run_direction(
    cell: type[_Cell], x: Tensor, init: State, weights: Weights, reverse: bool
) -> tuple[Tensor, State, list[Tensor]]:
    """Run one layer in one direction over x (B, T, D).

    Returns the outputs (B, T, H), the final state, and the list of per-step
    hidden states h(t) in time order (the tensors the outputs were stacked from).
    """
    weight_ih, weight_hh, bias_ih, bias_hh = weights
    gx = F.linear(x, weight_ih, bias_ih)  # (B, T, G*H): U x(t) + b_ih, all t at once
    order = range(x.shape[1] - 1, -1, -1) if reverse else range(x.shape[1])
    state, steps = init, []
    for t in order:
        gh = F.linear(cell.hidden(state), weight_hh, bias_hh)  # (B, G*H): W h(t-1) + b_hh
        state = cell.recur(gx[:, t], gh, state)
        steps.append(cell.hidden(state))  # (B, H): h(t)
    if reverse:
        steps.reverse()
    return torch.stack(steps, dim=1), state, steps  # (B, T, H)


def _select(cell: type[_Cell], state: State, k: int) -> State:
    """The (B, H) state of layer-direction k from the stacked (L*dirs, B, H) state."""
    if isinstance(state, tuple):
        return state[0][k], state[1][k]
    return state[k]


def _stack(finals: list[State]) -> State:
    """Per layer-direction final states -> the stacked (L*dirs, B, H) state."""
    if isinstance(finals[0], tuple):
        return torch.stack([s[0] for s in finals]), torch.stack([s[1] for s in finals])
    return torch.stack(finals)  # type: ignore[arg-type]


def forward(
    cell: type[_Cell],
    x: Tensor,
    state: State,
    weights: Sequence[Weights],
    num_layers: int,
    bidirectional: bool,
    dropout: float,
    training: bool,
) -> tuple[Tensor, State, list[Tensor]]:
    """The whole stack: x (B, T, D), state (L*dirs, B, H) -> (output, state, top steps).

    ``weights`` lists (weight_ih, weight_hh, bias_ih, bias_hh) per layer and
    direction in torch's order (l0, l0_reverse, l1, ...). ``top steps`` are the
    per-step h(t) of the last layer's forward direction.
    """
    dirs = 2 if bidirectional else 1
    finals: list[State] = []
    steps: list[Tensor] = []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            init = _select(cell, state, k)
            out, final, direction_steps = run_direction(cell, x, init, weights[k], reverse=d == 1)
            outs.append(out)  # (B, T, H)
            finals.append(final)
            if d == 0:
                steps = direction_steps
        x = torch.cat(outs, dim=2) if dirs == 2 else outs[0]  # (B, T, dirs*H)
        if layer < num_layers - 1:
            # as torch: dropout on each layer's output except the last, training only
            x = F.dropout(x, dropout, training)
    return x, _stack(finals), steps
