"""Recurrent layers: ``RNN``, ``LSTM`` and ``GRU``, drop-in for torch's (batch-first).

A layer owns its parameters under torch's names and shapes (``weight_ih_l0``,
``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, the ``_reverse`` variants), with
torch's init, so its state_dict loads into ``torch.nn.RNN``/``LSTM``/``GRU``
(``batch_first=True``) and back with ``strict=True``. Two implementations run
over the same parameters, chosen by ``impl``:

* ``"fused"`` (default): PyTorch's native kernels (:mod:`tangshi.nn.fused`);
* ``"reference"``: the time-step loop over the cells (:mod:`tangshi.nn.reference`).

The layer validates what a user can get wrong (sizes, ``impl``, input and state
shapes) and raises :class:`tangshi.errors.InputError`; it does not do packed
sequences or unbatched input.
"""
from __future__ import annotations

import math
import warnings
from typing import ClassVar, Sequence

import torch
from torch import Tensor, nn

from tangshi.errors import InputError, choice_error
from tangshi.nn import fused, reference
from tangshi.nn.cells import ElmanCell, GRUCell, LSTMCell, State, _Cell

IMPLS = ("fused", "reference")


class _RecurrentLayer(nn.Module):
    """A stack of ``num_layers`` recurrent layers, each in one or two directions."""

    cell: ClassVar[type[_Cell]]
    mode: ClassVar[str]  # torch's name for the kernel: RNN_TANH, LSTM, GRU

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        impl: str = "fused",
    ) -> None:
        super().__init__()
        _check_sizes(input_size, hidden_size, num_layers, dropout)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bool(bidirectional)
        self.dropout = float(dropout)
        self.impl = impl
        self._names: list[str] = []
        self._register_parameters()
        self.reset_parameters()

    @property
    def impl(self) -> str:
        """Which implementation ``forward`` runs: ``"fused"`` or ``"reference"``."""
        return self._impl

    @impl.setter
    def impl(self, value: str) -> None:
        if value not in IMPLS:
            raise choice_error("impl", value, IMPLS)
        self._impl = value

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _register_parameters(self) -> None:
        rows = self.cell.gates * self.hidden_size
        for layer in range(self.num_layers):
            width = self.input_size if layer == 0 else self.hidden_size * self.num_directions
            for suffix in ("", "_reverse")[: self.num_directions]:
                shapes = {"weight_ih": (rows, width), "weight_hh": (rows, self.hidden_size),
                          "bias_ih": (rows,), "bias_hh": (rows,)}
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    self.register_parameter(name, nn.Parameter(torch.empty(shape)))
                    self._names.append(name)

    def reset_parameters(self) -> None:
        """torch's init: every parameter uniform in ±1/sqrt(H), in registration order."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def flat_weights(self) -> list[Tensor]:
        """The parameters in torch's flat order: (w_ih, w_hh, b_ih, b_hh) per layer-direction."""
        return [getattr(self, name) for name in self._names]

    def _grouped_weights(self) -> list[Sequence[Tensor]]:
        flat = self.flat_weights()
        return [flat[k : k + 4] for k in range(0, len(flat), 4)]

    def forward(self, x: Tensor, state: State | None = None) -> tuple[Tensor, State]:
        """x (B, T, D), optional state (L*dirs, B, H) -> (output (B, T, dirs*H), state).

        For the LSTM the state is the pair (h, c). Zeros when ``state`` is None.
        """
        self._check_input(x)
        state = self._check_state(state, x)
        if self.impl == "fused":
            return fused.forward(self.mode, x, state, self.flat_weights(), self.num_layers,
                                 self.bidirectional, self.dropout, self.training)
        out, final, _ = self._reference(x, state)
        return out, final

    def _reference(self, x: Tensor, state: State) -> tuple[Tensor, State, list[Tensor]]:
        return reference.forward(self.cell, x, state, self._grouped_weights(), self.num_layers,
                                 self.bidirectional, self.dropout, self.training)

    def step(self, x_t: Tensor, state: State | None = None) -> tuple[Tensor, State]:
        """One time step for a batch, for generation: x_t (B, D) -> (h_top (B, H), state).

        Runs the chosen ``impl`` with T = 1; the layer must be unidirectional.
        """
        if self.bidirectional:
            raise InputError("step() runs forward in time; a bidirectional layer needs the whole sequence")
        if x_t.dim() != 2:
            raise InputError(f"step() takes one step shaped (B, D); got shape {tuple(x_t.shape)}")
        if self.impl == "fused" and x_t.device.type == "cpu":
            # On CPU, oneDNN's per-call set-up costs several times the arithmetic of one step
            # (bench/generate_speed.py measures it), so one step runs the same equations directly.
            self._check_input(x_t.unsqueeze(1))
            out, state, _ = self._reference(x_t.unsqueeze(1), self._check_state(state, x_t.unsqueeze(1)))
            return out[:, 0], state
        out, state = self.forward(x_t.unsqueeze(1), state)  # (B, 1, H)
        return out[:, 0], state  # (B, H)

    def unroll(self, x: Tensor, state: State | None = None) -> tuple[list[Tensor], State]:
        """The reference loop, returning the top layer's per-step h(t), each (B, H).

        Each h(t) is a node of the autograd graph, so a caller can ``retain_grad()``
        on it and read dL/dh(t) after ``backward()``. Unidirectional layers only.
        """
        if self.bidirectional:
            raise InputError("unroll() returns forward-in-time states; use a unidirectional layer")
        self._check_input(x)
        _, final, steps = self._reference(x, self._check_state(state, x))
        return steps, final

    def _check_input(self, x: Tensor) -> None:
        if x.dim() != 3 or x.shape[2] != self.input_size:
            raise InputError(
                f"expected input shaped (B, T, {self.input_size}) (batch first); got {tuple(x.shape)}"
            )
        if x.shape[1] == 0:
            raise InputError("the input has no time steps (T = 0)")

    def _state_shape(self, batch: int) -> tuple[int, int, int]:
        return self.num_layers * self.num_directions, batch, self.hidden_size

    def _check_state(self, state: State | None, x: Tensor) -> State:
        shape = self._state_shape(x.shape[0])
        if state is None:
            return x.new_zeros(shape)
        if not isinstance(state, Tensor):
            raise InputError(f"a {type(self).__name__} state is one tensor h shaped {shape}")
        if tuple(state.shape) != shape:
            raise InputError(f"expected a state shaped {shape}; got {tuple(state.shape)}")
        return state

    def _apply(self, fn, recurse=True):  # type: ignore[no-untyped-def]
        module = super()._apply(fn, recurse)
        # after .to("cuda"), pack the weights for cuDNN as torch.nn.RNNBase does
        fused.flatten_parameters(self.mode, self.flat_weights(), self.input_size,
                                 self.hidden_size, self.num_layers, self.bidirectional)
        return module

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"bidirectional={self.bidirectional}, dropout={self.dropout}, impl={self.impl!r}")


def _check_sizes(input_size: int, hidden_size: int, num_layers: int, dropout: float) -> None:
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size),
                        ("num_layers", num_layers)):
        if not isinstance(value, int) or value < 1:
            raise InputError(f"{name} must be a positive integer; got {value!r}")
    if not 0.0 <= dropout <= 1.0:
        raise InputError(f"dropout must be in [0, 1]; got {dropout!r}")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout acts between layers; with num_layers=1 it does nothing", stacklevel=3)


class RNN(_RecurrentLayer):
    """Elman RNN layers (tanh), as ``torch.nn.RNN(batch_first=True)``; see :class:`ElmanCell`."""

    cell = ElmanCell
    mode = "RNN_TANH"


class LSTM(_RecurrentLayer):
    """LSTM layers, as ``torch.nn.LSTM(batch_first=True)``; the state is (h, c). See :class:`LSTMCell`."""

    cell = LSTMCell
    mode = "LSTM"

    def _check_state(self, state: State | None, x: Tensor) -> State:
        shape = self._state_shape(x.shape[0])
        if state is None:
            return x.new_zeros(shape), x.new_zeros(shape)
        if not isinstance(state, tuple) or len(state) != 2:
            raise InputError("an LSTM state is the pair (h, c)")
        for part, tensor in zip("hc", state):
            if tuple(tensor.shape) != shape:
                raise InputError(f"expected {part} shaped {shape}; got {tuple(tensor.shape)}")
        return state


class GRU(_RecurrentLayer):
    """GRU layers, as ``torch.nn.GRU(batch_first=True)``; see :class:`GRUCell`."""

    cell = GRUCell
    mode = "GRU"


LAYERS: dict[str, type[_RecurrentLayer]] = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
