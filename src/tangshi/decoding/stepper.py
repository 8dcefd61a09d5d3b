"""One generation step of the poet, prepared for a CPU: int8 weights, same equations.

Decoding one poem is a loop of ~64 steps at batch 1, and each step reads every weight of
the decoder, the attention's combine layer and the tied output layer — 5.6 M numbers,
22 MB in float32 — to do 2 FLOPs per weight: the step is bound by memory, not arithmetic
(bench/generate_speed.py). :class:`Stepper` runs :meth:`PoemModel.step`'s computation

    x(t) = E y(t-1)·s + F form                        (B, emb), s = √emb (ModelConfig.scale_inputs)
    gx = U x(t) + b_ih,  gh = W h(t-1) + b_hh          per layer, then the cell's recur
    o(t) = V tanh(C [h(t); ctx(t)] + c_C) + c          ctx from Luong attention on the title

with each matrix U, W, C, V stored as int8 with one float scale per output row
(symmetric, per-channel), through fbgemm's dynamic quantisation: the activations are
quantised per call, the products accumulate in int32. That reads 4× fewer bytes per step.
The gates' equations are the cells' own (:meth:`tangshi.nn.cells._Cell.recur`), and the
attention is the model's (:meth:`PoemModel.attend`). For the LSTM, torch's quantized LSTM runs
every layer of a step in one call, with the same numbers (:func:`_lstm_stack`).

int8 changes the next-character distribution slightly; ``bench/generate_speed.py``
reports the mean KL divergence from float32 on real valid poems, and ``precision="fp32"``
runs the exact float32 products (the model's own step, to round-off).
"""
from __future__ import annotations

import warnings
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from tangshi.errors import choice_error
from tangshi.model import PoemModel
from tangshi.nn.cells import LSTMCell

PRECISIONS = ("auto", "int8", "fp32")


def int8_available() -> bool:
    """True where torch has fbgemm's dynamic int8 linear (x86 CPUs)."""
    engines = torch.backends.quantized.supported_engines
    return ("fbgemm" in engines or "x86" in engines) and hasattr(torch.ops.quantized, "linear_dynamic")


def resolve_precision(name: str, device: torch.device) -> str:
    """``auto`` → int8 on a CPU that has it, else fp32; ``int8`` where unavailable is an error."""
    if name not in PRECISIONS:
        raise choice_error("precision", name, PRECISIONS)
    usable = device.type == "cpu" and int8_available()
    if name == "int8" and not usable:
        raise choice_error("precision (int8 needs fbgemm on a CPU)", name, ("auto", "fp32"))
    return ("int8" if usable else "fp32") if name == "auto" else name


def _linear(weight: Tensor, bias: Tensor | None, precision: str) -> Callable[[Tensor], Tensor]:
    """x (B, in) -> x W^T + b (B, out), with W in float32 or int8 (one scale per row)."""
    if precision == "fp32":
        return lambda x: F.linear(x, weight, bias)
    return _dynamic(_packed(weight, bias))


def _dynamic(packed) -> Callable[[Tensor], Tensor]:
    """x (B, in) -> x W^T + b (B, out) through fbgemm's dynamic int8 linear, with W and b ``packed``."""
    # the overload's C++ function itself: no Python dispatch per call (TorchBindOpOverload.__call__ only
    # looks for fake script objects, which packed weights are not)
    overload = torch.ops.quantized.linear_dynamic.default
    op = getattr(overload, "_op", overload)
    # reduce_range: activations in 7 bits, so that no pair of u8·s8 products overflows the int16 sums of
    # AVX2's vpmaddubsw; the int32 result is then exact, and the same on every x86 CPU (AVX2, AVX-512, VNNI).
    return lambda x: op(x, packed, True)


def _packed(weight: Tensor, bias: Tensor | None):
    """W as int8 with one scale per output row (symmetric), and b, packed for fbgemm's dynamic linear."""
    w = weight.detach().float()
    scale = (w.abs().amax(dim=1) / 127).clamp_min(1e-12)  # (out,): symmetric, per output row
    with warnings.catch_warnings():  # quantized tensors are deprecated in favour of torchao, not gone
        warnings.simplefilter("ignore")
        q = torch.quantize_per_channel(w, scale.double(), torch.zeros(w.shape[0], dtype=torch.long), 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(q, None if bias is None else bias.detach().float())


def _lstm_stack(packs: list, groups: list, cell: type) -> list | None:
    """The int8 LSTM's layers (``packs`` of U, W per layer) as torch's quantized LSTM takes them, or None.

    ``torch.quantized_lstm`` runs every layer of one step in one call: the same int8 products (the
    same packed weights, activations in 7 bits), then ATen's LSTM cell, whose gates are
    :meth:`tangshi.nn.cells.LSTMCell.recur`'s equations in the same operations (its W h + U x is
    U x + W h: float addition commutes). The same numbers, bit for bit (tests/poet/test_sampling.py),
    for one call in place of some thirty.
    """
    if cell is not LSTMCell or not hasattr(torch, "quantized_lstm") \
            or not hasattr(torch.ops.quantized, "make_quantized_cell_params_dynamic"):
        return None  # another cell, or a torch without the (legacy) quantized LSTM: one layer at a time
    return [torch.ops.quantized.make_quantized_cell_params_dynamic(U, W, b_ih.detach().float(), b_hh.detach().float(),
                                                                   True)  # reduce_range, as _dynamic's
            for (U, W), (_, _, b_ih, b_hh) in zip(packs, groups)]


class Stepper:
    """``PoemModel.step`` for decoding, with the weights prepared once (see the module docstring).

    ``fuse``: run an LSTM's layers in one call where torch has it (:func:`_lstm_stack`); ``False``
    steps layer by layer (the same numbers; the tests compare the two).
    """

    def __init__(self, model: PoemModel, precision: str = "auto", fuse: bool = True) -> None:
        self.model = model
        self.precision = resolve_precision(precision, model.embed.weight.device)
        rnn = model.decoder
        self.cell = rnn.cell
        groups = rnn._grouped_weights()
        self.stack = None  # the layers in one call, where torch has it (see _lstm_stack)
        if self.precision == "int8":
            packs = [(_packed(w_ih, b_ih), _packed(w_hh, b_hh)) for w_ih, w_hh, b_ih, b_hh in groups]
            self.layers = [(_dynamic(U), _dynamic(W)) for U, W in packs]  # [(U, W)] per layer
            self.stack = _lstm_stack(packs, groups, self.cell) if fuse else None
        else:
            self.layers = [(_linear(w_ih, b_ih, "fp32"), _linear(w_hh, b_hh, "fp32"))
                           for w_ih, w_hh, b_ih, b_hh in groups]
        self.combine = _linear(model.combine.weight, model.combine.bias, self.precision)
        self.out = _linear(model.embed.weight, model.out_bias, self.precision)
        self.embed, self.scale = model.embed.weight, model.in_scale  # E (V, emb), s
        self.slot_tables = None if model.slot_embed is None else [t.weight for t in model.slot_embed]
        self._condition: tuple = (None, None, None, None)  # (forms, dynasties, moods, their (B, emb))
        self._slot_rows: dict[tuple, Tensor] = {}  # (tone, pos, line, group) -> the four slot vectors' sum

    @torch.inference_mode()
    def __call__(self, tokens: Tensor, forms: Tensor, state: object, keys: Tensor, states: Tensor,
                 mask: Tensor, want_logits: bool = True, dynasties: Tensor | None = None,
                 slots: Tensor | None = None, moods: Tensor | None = None,
                 plans: Tensor | None = None) -> tuple[Tensor | None, object]:
        """The previous tokens (B,) -> logits o(t) (B, V) and the new state (as ``PoemModel.step``)."""
        m = self.model
        x = F.embedding(tokens, self.embed) * self.scale + self.condition(forms, dynasties, moods)  # (B, emb)
        x = x + self.slot_vectors(slots, tuple(tokens.shape))  # what the next character must be (rule inputs)
        if m.plan_proj is not None and plans is not None:
            x = x + m.plan_vectors(plans)  # its line's keyword (plan inputs)
        if self.stack is not None:  # the LSTM's layers in one call (see _lstm_stack)
            _, h, c = torch.quantized_lstm(x[None], list(state), self.stack, True, len(self.stack), 0.0, False,
                                           False, False, dtype=torch.qint8, use_dynamic=True)  # (L, B, H) each
            return self._logits(h[-1], keys, states, mask) if want_logits else None, (h, c)
        lstm = isinstance(state, tuple)
        new_h, new_c = [], []
        for k, (U, W) in enumerate(self.layers):
            prev = (state[0][k], state[1][k]) if lstm else state[k]  # (B, H) each
            nxt = self.cell.recur(U(x), W(self.cell.hidden(prev)), prev)
            x = self.cell.hidden(nxt)  # (B, H): the next layer's input (no dropout in eval)
            new_h.append(x)
            if lstm:
                new_c.append(nxt[1])
        state = (torch.stack(new_h), torch.stack(new_c)) if lstm else torch.stack(new_h)  # (L, B, H)
        return self._logits(x, keys, states, mask) if want_logits else None, state

    def _logits(self, h: Tensor, keys: Tensor, states: Tensor, mask: Tensor) -> Tensor:
        """The top layer's h(t) (B, H) -> o(t) (B, V): attend to the title, combine, project."""
        mixed = torch.tanh(self.combine(self.model.attend(h[:, None], keys, states, mask)[:, 0]))  # (B, emb)
        return self.out(mixed)  # (B, V)

    def condition(self, forms: Tensor, dynasties: Tensor | None, moods: Tensor | None) -> Tensor:
        """``PoemModel.condition``, kept while a decode passes the very same tensors step after step
        (compared by identity: a caller replaces them, never changes them in place)."""
        f, d, m, c = self._condition
        if forms is not f or dynasties is not d or moods is not m:
            c = self.model.condition(forms, dynasties, moods)  # (B, emb)
            self._condition = (forms, dynasties, moods, c)
        return c

    def slot_vectors(self, slots: Tensor | None, shape: tuple[int, ...]) -> Tensor | float:
        """``PoemModel.slot_vectors``, each distinct row of slot ids summed once and kept: a row's sum is
        the batch's sum for that row, in the same order — the same numbers. There are few distinct rows
        (tone, position, line, group: at most a few thousand, 1 KB each)."""
        if slots is None or self.slot_tables is None:
            return self.model.slot_vectors(slots, shape)
        rows = []
        for ids in slots.tolist():  # (B, 4)
            key = tuple(ids)
            v = self._slot_rows.get(key)
            if v is None:
                v = self._slot_rows[key] = sum(w[k] for k, w in zip(key, self.slot_tables))  # (emb,)
            rows.append(v)
        return torch.stack(rows)  # (B, emb)
