"""The tutorial's three recurrent cells, written from their equations.

Notation (the tutorial's): x(t) is the input at step t, h(t) the hidden state,
U the input weights, W the recurrent weights, b the bias. The output layer
o(t) = V h(t) + c and its softmax belong to the model, not to the cell.

Each cell is a small ``nn.Module`` whose parameters carry the names and shapes of
``torch.nn.RNNCell`` / ``LSTMCell`` / ``GRUCell`` (``weight_ih`` = U, ``weight_hh`` = W,
``bias_ih`` + ``bias_hh`` = b), so a cell's state_dict loads into torch's cell.
The recurrence itself is a static method, :meth:`recur`, which takes the two
projections already computed, gx = U x(t) + b_ih and gh = W h(t-1) + b_hh: the layers
in :mod:`tangshi.nn.reference` compute gx for all steps in one matrix product and gh
per step, and the generation step (:mod:`tangshi.decoding.stepper`) computes both with int8
weights; the gates' equations live here alone.

This module does no looping over time and knows nothing of layers or directions.
"""
from __future__ import annotations

import math
from typing import ClassVar, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

LSTMState = Tuple[Tensor, Tensor]
State = Union[Tensor, LSTMState]


class _Cell(nn.Module):
    """Shared parameters and init; subclasses give ``gates`` and ``recur``."""

    gates: ClassVar[int] = 1

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        rows = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size))  # U
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size))  # W
        self.bias_ih = nn.Parameter(torch.empty(rows))
        self.bias_hh = nn.Parameter(torch.empty(rows))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init: every parameter uniform in ±1/sqrt(H)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def forward(self, x: Tensor, state: State | None = None) -> State:
        """One step: x (B, D) and the previous state -> the new state."""
        if state is None:
            state = self.zero_state(x.shape[0], self.hidden_size, x)
        gx = F.linear(x, self.weight_ih, self.bias_ih)  # (B, G*H): U x(t) + b_ih
        gh = F.linear(self.hidden(state), self.weight_hh, self.bias_hh)  # (B, G*H): W h(t-1) + b_hh
        return self.recur(gx, gh, state)

    @staticmethod
    def zero_state(batch: int, hidden: int, like: Tensor) -> State:
        """h(0) = 0, shaped (B, H)."""
        return like.new_zeros(batch, hidden)

    @staticmethod
    def hidden(state: State) -> Tensor:
        """The part of the state the next layer and the output layer see."""
        return state  # type: ignore[return-value]

    @staticmethod
    def recur(gx: Tensor, gh: Tensor, state: State) -> State:
        """gx = U x(t) + b_ih and gh = W h(t-1) + b_hh, each (B, G*H); state at t-1 -> state at t."""
        raise NotImplementedError


class ElmanCell(_Cell):
    r"""The Elman (vanilla) RNN cell.

    .. math::
        a(t) = W h(t-1) + U x(t) + b
        h(t) = \tanh(a(t))

    PyTorch (``torch.nn.RNN``, nonlinearity ``tanh``) keeps two biases,
    b = b_ih + b_hh, where the tutorial has one b; the sum is the same function,
    and keeping both lets a state_dict move to and from torch unchanged.
    Shapes: U is (H, D), W is (H, H), b_ih and b_hh are (H,).

    Backpropagation through time multiplies by diag(1 - h(t)^2) W once per step,
    so ||dL/dh(t)|| shrinks (or grows) geometrically with the distance to the loss:
    the vanishing/exploding gradient that ``tangshi lab gradients`` plots.
    """

    gates = 1

    @staticmethod
    def recur(gx: Tensor, gh: Tensor, state: State) -> Tensor:
        """gx = U x(t) + b_ih, gh = W h(t-1) + b_hh (B, H) -> h(t) (B, H)."""
        a = gx + gh  # (B, H): a(t)
        return torch.tanh(a)  # (B, H): h(t)


class LSTMCell(_Cell):
    r"""The long short-term memory cell.

    With sigma the logistic function and * the elementwise product,

    .. math::
        i(t) = \sigma(U_i x(t) + W_i h(t-1) + b_i)        input gate
        f(t) = \sigma(U_f x(t) + W_f h(t-1) + b_f)        forget gate
        o(t) = \sigma(U_o x(t) + W_o h(t-1) + b_o)        output gate
        g(t) = \tanh(U_g x(t) + W_g h(t-1) + b_g)         candidate
        c(t) = f(t) * c(t-1) + i(t) * g(t)
        h(t) = o(t) * \tanh(c(t))

    This is the tutorial's memory update c' = g(z) f(z_i) + c f(z_f): the new
    content g(z) enters through the input gate f(z_i), the old cell c survives
    through the forget gate f(z_f). Because dc(t)/dc(t-1) = f(t) elementwise,
    a forget gate near 1 carries the gradient back through many steps
    without the repeated multiplication by W that makes the Elman RNN's vanish.
    The price: four blocks of (U, W, b), so 4x the parameters of an Elman RNN
    of the same sizes.

    PyTorch layout: the four blocks are stacked in the order i, f, g, o, so
    U = ``weight_ih`` is (4H, D), W = ``weight_hh`` is (4H, H), and there are two
    biases b = b_ih + b_hh, each (4H,). The state is the pair (h, c).
    """

    gates = 4

    @staticmethod
    def zero_state(batch: int, hidden: int, like: Tensor) -> LSTMState:
        """(h(0), c(0)) = (0, 0), each (B, H)."""
        return like.new_zeros(batch, hidden), like.new_zeros(batch, hidden)

    @staticmethod
    def hidden(state: State) -> Tensor:
        return state[0]

    @staticmethod
    def recur(gx: Tensor, gh: Tensor, state: State) -> LSTMState:
        """gx = U x(t) + b_ih, gh = W h(t-1) + b_hh (B, 4H); (h, c) at t-1 -> (h, c) at t."""
        _, c = state  # (B, H): c(t-1)
        z = gx + gh  # (B, 4H)
        z_i, z_f, z_g, z_o = z.chunk(4, dim=1)  # 4 x (B, H), torch's order i, f, g, o
        i, f, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.sigmoid(z_o)
        g = torch.tanh(z_g)  # (B, H)
        c = f * c + i * g  # (B, H): c(t)
        h = o * torch.tanh(c)  # (B, H): h(t)
        return h, c


class GRUCell(_Cell):
    r"""The gated recurrent unit, in PyTorch's form.

    .. math::
        r(t) = \sigma(U_r x(t) + W_r h(t-1) + b_r)                  reset gate
        z(t) = \sigma(U_z x(t) + W_z h(t-1) + b_z)                  update gate
        \tilde h(t) = \tanh(U_n x(t) + b_{in} + r(t) * (W_n h(t-1) + b_{hn}))
        h(t) = (1 - z(t)) * \tilde h(t) + z(t) * h(t-1)

    The update gate z interpolates between keeping h(t-1) and taking the
    candidate; with z near 1, dh(t)/dh(t-1) is close to the identity, which keeps
    the gradient alive as the LSTM's forget gate does, with one state instead of
    two and 3x (not 4x) the parameters of an Elman RNN.

    Differs from the textbook GRU (Cho et al. 2014), whose candidate is
    tanh(U_n x(t) + W_n (r(t) * h(t-1)) + b_n): there r scales h *before* the
    matrix product; here (as in cuDNN and ``torch.nn.GRU``) r scales the
    product W_n h(t-1) + b_hn *after* it, so b_hn sits inside the reset.
    The two forms are different functions; this one matches torch exactly.

    PyTorch layout: blocks in the order r, z, n; ``weight_ih`` (3H, D),
    ``weight_hh`` (3H, H), ``bias_ih`` and ``bias_hh`` (3H,), which cannot be merged
    into one b because of b_hn's position.
    """

    gates = 3

    @staticmethod
    def recur(gx: Tensor, gh: Tensor, state: State) -> Tensor:
        """gx = U x(t) + b_ih, gh = W h(t-1) + b_hh (B, 3H); h(t-1) (B, H) -> h(t) (B, H)."""
        h = state  # (B, H)
        x_r, x_z, x_n = gx.chunk(3, dim=1)  # 3 x (B, H), torch's order r, z, n
        h_r, h_z, h_n = gh.chunk(3, dim=1)  # 3 x (B, H)
        r = torch.sigmoid(x_r + h_r)  # (B, H)
        z = torch.sigmoid(x_z + h_z)  # (B, H)
        candidate = torch.tanh(x_n + r * h_n)  # (B, H): h~(t)
        return (1 - z) * candidate + z * h  # (B, H): h(t)


CELLS: dict[str, type[_Cell]] = {"rnn": ElmanCell, "lstm": LSTMCell, "gru": GRUCell}
