"""Shared helpers for the nn parity tests: build twins, run, collect gradients."""
from __future__ import annotations

import torch
from torch import Tensor, nn

import tangshi.nn as tnn

TOL = 1e-5  # max abs difference allowed in float32
TORCH_LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
TORCH_CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}
KINDS = tuple(TORCH_LAYERS)


def twins(kind: str, d: int, h: int, **kw: object) -> tuple[nn.Module, nn.Module]:
    """A tangshi layer and a torch.nn layer holding the same parameters."""
    ours = tnn.LAYERS[kind](d, h, **kw)
    kw.pop("impl", None)
    theirs = TORCH_LAYERS[kind](d, h, batch_first=True, **kw)
    theirs.load_state_dict(ours.state_dict(), strict=True)
    return ours, theirs


def flat_state(state: Tensor | tuple[Tensor, ...]) -> list[Tensor]:
    return list(state) if isinstance(state, tuple) else [state]


def probe(shape: tuple[int, ...]) -> Tensor:
    """Random weights for a loss sum(out * probe) whose gradients stay O(1).

    Scaled by 1/sqrt(numel) like a mean, so a bias gradient summed over B*T
    positions does not grow with the batch and the float32 round-off of that sum
    stays well under the 1e-5 tolerance.
    """
    numel = 1
    for n in shape:
        numel *= n
    return torch.randn(shape) / numel**0.5


def run(module: nn.Module, x: Tensor, state, probes: list[Tensor]) -> dict[str, Tensor]:
    """Forward, then gradients of a random projection of every output w.r.t. everything."""
    x = x.clone().requires_grad_(True)
    leaves = [x]
    if state is not None:
        state = tuple(s.clone().requires_grad_(True) for s in flat_state(state))
        leaves += list(state)
        state = state if len(state) == 2 else state[0]
    out, final = module(x, state) if state is not None else module(x)
    outputs = [out, *flat_state(final)]
    loss = sum((o * p).sum() for o, p in zip(outputs, probes))
    params = [p for _, p in sorted(module.named_parameters())]
    grads = torch.autograd.grad(loss, leaves + params)
    result = {f"out{i}": o.detach() for i, o in enumerate(outputs)}
    result.update({f"grad{i}": g for i, g in enumerate(grads)})
    return result


def max_diffs(a: dict[str, Tensor], b: dict[str, Tensor]) -> dict[str, float]:
    assert a.keys() == b.keys()
    return {k: (a[k] - b[k]).abs().max().item() for k in a}
