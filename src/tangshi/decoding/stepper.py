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
attention is the model's (:meth:`PoemModel.attend`).

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
    w = weight.detach().float()
    scale = (w.abs().amax(dim=1) / 127).clamp_min(1e-12)  # (out,): symmetric, per output row
    with warnings.catch_warnings():  # quantized tensors are deprecated in favour of torchao, not gone
        warnings.simplefilter("ignore")
        q = torch.quantize_per_channel(w, scale.double(), torch.zeros(w.shape[0], dtype=torch.long), 0, torch.qint8)
        packed = torch.ops.quantized.linear_prepack(q, None if bias is None else bias.detach().float())
    # the overload's C++ function itself: no Python dispatch per call (TorchBindOpOverload.__call__ only
    # looks for fake script objects, which packed weights are not)
    overload = torch.ops.quantized.linear_dynamic.default
    op = getattr(overload, "_op", overload)
    # reduce_range: activations in 7 bits, so that no pair of u8·s8 products overflows the int16 sums of
    # AVX2's vpmaddubsw; the int32 result is then exact, and the same on every x86 CPU (AVX2, AVX-512, VNNI).
    return lambda x: op(x, packed, True)


class Stepper:
    """``PoemModel.step`` for decoding, with the weights prepared once (see the module docstring)."""

    def __init__(self, model: PoemModel, precision: str = "auto") -> None:
        self.model = model
        self.precision = resolve_precision(precision, model.embed.weight.device)
        rnn = model.decoder
        self.cell = rnn.cell
        self.layers = [(_linear(w_ih, b_ih, self.precision), _linear(w_hh, b_hh, self.precision))
                       for w_ih, w_hh, b_ih, b_hh in rnn._grouped_weights()]  # [(U, W)] per layer
        self.combine = _linear(model.combine.weight, model.combine.bias, self.precision)
        self.out = _linear(model.embed.weight, model.out_bias, self.precision)
        self.embed, self.scale = model.embed.weight, model.in_scale  # E (V, emb), s
        self.slot_tables = None if model.slot_embed is None else [t.weight for t in model.slot_embed]
        self._condition: tuple = (None, None, None, None)  # (forms, dynasties, moods, their (B, emb))
        self._slots: dict[tuple, Tensor] = {}  # the rule inputs' vectors by their ids (few: a form's slots)

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
        if not want_logits:
            return None, state
        mixed = torch.tanh(self.combine(self.model.attend(x[:, None], keys, states, mask)[:, 0]))  # (B, emb)
        return self.out(mixed), state  # (B, V)

    def condition(self, forms: Tensor, dynasties: Tensor | None, moods: Tensor | None) -> Tensor:
        """``PoemModel.condition``, kept while a decode passes the same tensors step after step."""
        f, d, m, c = self._condition
        if forms is not f or dynasties is not d or moods is not m:
            c = self.model.condition(forms, dynasties, moods)  # (B, emb)
            self._condition = (forms, dynasties, moods, c)
        return c

    def slot_vectors(self, slots: Tensor | None, shape: tuple[int, ...]) -> Tensor | float:
        """``PoemModel.slot_vectors``, each distinct batch of slot ids summed once (the same sums, in
        the same order: the same numbers)."""
        if slots is None or self.slot_tables is None:
            return self.model.slot_vectors(slots, shape)
        key = (tuple(slots.shape), slots.numpy().tobytes())
        v = self._slots.get(key)
        if v is None:
            if len(self._slots) >= 4096:  # a bound for a server's many batch shapes
                self._slots.clear()
            v = self._slots[key] = sum(F.embedding(slots[..., k], w) for k, w in enumerate(self.slot_tables))
        return v
