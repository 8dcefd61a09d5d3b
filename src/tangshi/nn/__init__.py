"""The tutorial's recurrent networks, written from their equations.

Cells (one step, from the equations): :class:`ElmanCell`, :class:`LSTMCell`, :class:`GRUCell`.
Layers (drop-in for torch's, batch-first): :class:`RNN`, :class:`LSTM`, :class:`GRU`, each
with ``impl="fused"`` (PyTorch's kernels) or ``impl="reference"`` (the time-step loop).
``tests/nn`` proves the two equal to each other and to ``torch.nn``.
"""
from __future__ import annotations

from tangshi.nn.cells import CELLS, ElmanCell, GRUCell, LSTMCell
from tangshi.nn.layers import GRU, IMPLS, LAYERS, LSTM, RNN

__all__ = ["CELLS", "ElmanCell", "GRU", "GRUCell", "IMPLS", "LAYERS", "LSTM", "LSTMCell", "RNN"]
