"""Reference loop, fused kernels and torch.nn agree: outputs, final states, all gradients."""
from __future__ import annotations

import pytest
import torch

from nn_helpers import KINDS, TOL, flat_state, max_diffs, probe, run, twins

SHAPES = [  # (B, T, D, H)
    (1, 1, 1, 1),
    (2, 5, 3, 4),
    (7, 13, 6, 9),
    (16, 24, 8, 16),
]


def _compare(kind: str, shape: tuple[int, ...], num_layers: int, bidirectional: bool,
             with_state: bool, seed: int) -> None:
    b, t, d, h = shape
    torch.manual_seed(seed)
    ours, theirs = twins(kind, d, h, num_layers=num_layers, bidirectional=bidirectional)
    x = torch.randn(b, t, d)
    n = num_layers * (2 if bidirectional else 1)
    state = None
    if with_state:
        state = torch.randn(n, b, h)
        if kind == "lstm":
            state = (state, torch.randn(n, b, h))
    out_shape = (b, t, h * (2 if bidirectional else 1))
    probes = [probe(out_shape)] + [probe((n, b, h))] * (2 if kind == "lstm" else 1)
    want = run(theirs, x, state, probes)
    for impl in ("fused", "reference"):
        ours.impl = impl
        got = run(ours, x, state, probes)
        assert got["out0"].shape == out_shape
        diffs = max_diffs(got, want)
        assert max(diffs.values()) <= TOL, (impl, diffs)


@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_stacks_match_torch(kind: str, num_layers: int, bidirectional: bool, with_state: bool) -> None:
    # vary the shape across the grid so every shape meets every cell type
    shape = SHAPES[1 + (num_layers + bidirectional + with_state) % (len(SHAPES) - 1)]
    _compare(kind, shape, num_layers, bidirectional, with_state, seed=num_layers)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "B{}T{}D{}H{}".format(*s))
@pytest.mark.parametrize("kind", KINDS)
def test_shapes_match_torch(kind: str, shape: tuple[int, ...]) -> None:
    _compare(kind, shape, num_layers=1, bidirectional=False, with_state=True, seed=7)


@pytest.mark.parametrize("kind", KINDS)
def test_reference_matches_torch_in_double(kind: str) -> None:
    """In float64 the loop and torch agree to round-off: the equations are the same."""
    torch.manual_seed(3)
    ours, theirs = twins(kind, 4, 6, num_layers=2, bidirectional=True, impl="reference")
    ours, theirs = ours.double(), theirs.double()
    x = torch.randn(3, 9, 4, dtype=torch.float64)
    probes = [probe((3, 9, 12)).double()] + [probe((4, 3, 6)).double()] * 2
    diffs = max_diffs(run(ours, x, None, probes), run(theirs, x, None, probes))
    assert max(diffs.values()) <= 1e-12, diffs


@pytest.mark.parametrize("kind", KINDS)
def test_step_matches_forward(kind: str) -> None:
    """Stepping one token at a time reproduces the whole-sequence output and state."""
    torch.manual_seed(4)
    ours, _ = twins(kind, 3, 5, num_layers=2)
    x = torch.randn(4, 6, 3)
    out, final = ours(x)
    state = None
    for t in range(x.shape[1]):
        h_top, state = ours.step(x[:, t], state)
        assert (h_top - out[:, t]).abs().max().item() <= TOL
    for a, b in zip(flat_state(state), flat_state(final)):
        assert (a - b).abs().max().item() <= TOL


@pytest.mark.parametrize("kind", KINDS)
def test_unroll_steps_are_the_outputs(kind: str) -> None:
    """unroll() returns the top layer's h(t), equal to the output, with gradients reachable."""
    torch.manual_seed(5)
    ours, _ = twins(kind, 3, 5, num_layers=2)
    x = torch.randn(2, 7, 3)
    out, _ = ours(x)
    steps, _ = ours.unroll(x)
    assert len(steps) == 7
    for t, h in enumerate(steps):
        assert (h - out[:, t]).abs().max().item() <= TOL
    steps[0].retain_grad()
    steps[-1].sum().backward()
    assert steps[0].grad is not None and steps[0].grad.abs().sum() > 0


GPU_TOL = 5e-5  # cuDNN adds in another order than the CPU: 1.01e-5 seen on an H100, float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run by scripts/gpu_check.sh)")
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_cudnn_matches_reference_on_gpu(kind: str, bidirectional: bool) -> None:
    """On a GPU the fused path is cuDNN's kernel; it equals the equations run on CPU in float32."""
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(5)
    ours, _ = twins(kind, 8, 16, num_layers=2, bidirectional=bidirectional, impl="reference")
    n = 2 * (2 if bidirectional else 1)
    out_shape = (6, 11, 16 * (2 if bidirectional else 1))
    probes = [probe(out_shape)] + [probe((n, 6, 16))] * (2 if kind == "lstm" else 1)
    x = torch.randn(6, 11, 8)
    want = run(ours, x, None, probes)
    gpu = ours.cuda()
    gpu.impl = "fused"
    got = run(gpu, x.cuda(), None, [p.cuda() for p in probes])
    diffs = max_diffs({k: v.cpu() for k, v in got.items()}, want)
    assert max(diffs.values()) <= GPU_TOL, diffs
