"""The fused implementation: PyTorch's native recurrent kernels.

Calls ``torch._VF.rnn_tanh`` / ``lstm`` / ``gru`` (what ``torch.nn.RNN``/``LSTM``/``GRU``
call) on the layer's own parameters, passed as a flat list in torch's order.
On CPU they run oneDNN (or ATen's fallback), on CUDA cuDNN; under autocast
they follow torch's autocast policy. Dropout between layers is done inside the
kernel, in training only. No TorchScript, no ``torch.compile``.

The only extra is :func:`flatten_parameters`, which on CUDA packs the weights
into the one contiguous buffer cuDNN wants, as ``torch.nn.RNNBase`` does.
"""
from __future__ import annotations

import functools
from typing import Sequence

import torch
from torch import Tensor, _VF

from tangshi.nn.cells import State

_KERNELS = {"RNN_TANH": _VF.rnn_tanh, "GRU": _VF.gru, "LSTM": _VF.lstm}


@functools.cache
def cpu_runs_bf16() -> bool:
    """Whether this CPU runs the fused LSTM under bf16 autocast (tried once, on a tiny layer).

    oneDNN's bf16 LSTM needs AVX-512 (native with AVX512-BF16 or AMX, emulated on AVX512-core);
    on an AVX2-only CPU, or under ``ONEDNN_MAX_CPU_ISA=AVX2``, it cannot create its primitive and
    raises, as ``torch.nn.LSTM`` does. Trying is the one probe that cannot disagree with the kernel.
    """
    x = torch.full((1, 2, 2), 0.5)  # (B, T, D); no draw from the global generator: a seed means the same after it
    weights = [torch.full((8, 2), 0.1, requires_grad=True), torch.full((8, 2), -0.1, requires_grad=True),
               torch.zeros(8, requires_grad=True), torch.zeros(8, requires_grad=True)]
    state = (torch.zeros(1, 1, 2), torch.zeros(1, 1, 2))  # (L, B, H) each
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out, _ = forward("LSTM", x, state, weights, 1, False, 0.0, True)  # (B, T, H)
        out.float().sum().backward()  # training needs the backward primitive as well
    except RuntimeError:
        return False
    return True


def forward(
    mode: str,
    x: Tensor,
    state: State,
    flat_weights: Sequence[Tensor],
    num_layers: int,
    bidirectional: bool,
    dropout: float,
    training: bool,
) -> tuple[Tensor, State]:
    """x (B, T, D), state (L*dirs, B, H) [or the pair for LSTM] -> (output, state).

    ``flat_weights`` is (weight_ih, weight_hh, bias_ih, bias_hh) per layer and
    direction, in torch's order. Batch-first, biases always present.
    """
    kernel = _KERNELS[mode]
    flat = list(flat_weights)
    if mode == "LSTM":
        out, h, c = kernel(x, state, flat, True, num_layers, dropout, training, bidirectional, True)
        return out, (h, c)  # (B, T, dirs*H), 2 x (L*dirs, B, H)
    out, h = kernel(x, state, flat, True, num_layers, dropout, training, bidirectional, True)
    return out, h


def flatten_parameters(
    mode: str,
    flat_weights: Sequence[Tensor],
    input_size: int,
    hidden_size: int,
    num_layers: int,
    bidirectional: bool,
) -> None:
    """On CUDA, make the weights views into one buffer so cuDNN needs no copy.

    A no-op on CPU, for mixed dtypes, for tensors cuDNN will not take, and when
    parameters alias (the same rules as ``torch.nn.RNNBase.flatten_parameters``).
    """
    first = flat_weights[0]
    for w in flat_weights:
        if w.dtype != first.dtype or not w.is_cuda or not torch.backends.cudnn.is_acceptable(w):
            return
    if len({w.data_ptr() for w in flat_weights}) != len(flat_weights):
        return
    import torch.backends.cudnn.rnn as cudnn_rnn

    with torch.cuda.device_of(first), torch.no_grad():
        if torch._use_cudnn_rnn_flatten_weight():
            torch._cudnn_rnn_flatten_weight(
                list(flat_weights),
                4,  # weights per layer-direction: w_ih, w_hh, b_ih, b_hh
                input_size,
                cudnn_rnn.get_cudnn_mode(mode),
                hidden_size,
                0,  # proj_size
                num_layers,
                True,  # batch_first
                bidirectional,
            )
