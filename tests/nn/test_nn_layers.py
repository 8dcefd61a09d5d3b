"""tangshi.nn layers: torch-compatible parameters, init, errors, dropout, autocast."""
from __future__ import annotations

import pytest
import torch

import tangshi.nn as tnn
from nn_helpers import KINDS, TOL, TORCH_LAYERS, flat_state, twins
from tangshi.errors import InputError
from tangshi.nn.fused import cpu_runs_bf16


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_state_dict_round_trip(kind: str, bidirectional: bool) -> None:
    """ours -> torch.nn -> ours, strict, unchanged; same names, shapes and order."""
    ours = tnn.LAYERS[kind](5, 6, num_layers=2, bidirectional=bidirectional)
    theirs = TORCH_LAYERS[kind](5, 6, num_layers=2, bidirectional=bidirectional, batch_first=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict(ours.state_dict(), strict=True)
    back = tnn.LAYERS[kind](5, 6, num_layers=2, bidirectional=bidirectional)
    back.load_state_dict(theirs.state_dict(), strict=True)
    for name, tensor in ours.state_dict().items():
        assert torch.equal(back.state_dict()[name], tensor), name
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [w.shape for w in ours.flat_weights()] == [w.shape for w in theirs._flat_weights]


@pytest.mark.parametrize("kind", KINDS)
def test_same_init_as_torch(kind: str) -> None:
    """Same seed, same parameters: torch's uniform(-1/sqrt(H), 1/sqrt(H)) in torch's order."""
    torch.manual_seed(11)
    ours = tnn.LAYERS[kind](4, 9, num_layers=2, bidirectional=True)
    torch.manual_seed(11)
    theirs = TORCH_LAYERS[kind](4, 9, num_layers=2, bidirectional=True, batch_first=True)
    for (name, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert torch.equal(a, b), name
        assert a.abs().max() <= 1 / 3


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_parameter_counts(num_layers: int, bidirectional: bool) -> None:
    """The LSTM has exactly 4x, the GRU 3x, the parameters of an Elman RNN of the same sizes."""
    def count(kind: str) -> int:
        layer = tnn.LAYERS[kind](7, 10, num_layers=num_layers, bidirectional=bidirectional)
        return sum(p.numel() for p in layer.parameters())

    assert count("lstm") == 4 * count("rnn")
    assert count("gru") == 3 * count("rnn")


@pytest.mark.parametrize("kind", KINDS)
def test_cells_match_torch_cells(kind: str) -> None:
    """Each cell, one step, equals torch.nn.RNNCell / LSTMCell / GRUCell (output and grads)."""
    torch.manual_seed(2)
    cell = tnn.CELLS[kind](5, 8)
    theirs = getattr(torch.nn, {"rnn": "RNNCell", "lstm": "LSTMCell", "gru": "GRUCell"}[kind])(5, 8)
    theirs.load_state_dict(cell.state_dict(), strict=True)
    x = torch.randn(3, 5)
    state = torch.randn(3, 8) if kind != "lstm" else (torch.randn(3, 8), torch.randn(3, 8))
    ours_out, theirs_out = flat_state(cell(x, state)), flat_state(theirs(x, state))
    for a, b in zip(ours_out, theirs_out):
        assert (a - b).abs().max().item() <= TOL
    sum(o.sum() for o in ours_out).backward()
    sum(o.sum() for o in theirs_out).backward()
    for (name, a), (_, b) in zip(cell.named_parameters(), theirs.named_parameters()):
        assert (a.grad - b.grad).abs().max().item() <= TOL, name


def test_unknown_impl_names_the_choices() -> None:
    with pytest.raises(InputError, match="choose one of: fused, reference"):
        tnn.LSTM(3, 4, impl="cudnn")
    layer = tnn.GRU(3, 4)
    assert layer.impl == "fused"  # training and generation default to the fused kernels
    with pytest.raises(InputError, match="'loop'"):
        layer.impl = "loop"


@pytest.mark.parametrize(
    "args, match",
    [((0, 4), "input_size"), ((3, -1), "hidden_size"), ((3, 4, 0), "num_layers")],
)
def test_bad_sizes(args: tuple, match: str) -> None:
    with pytest.raises(InputError, match=match):
        tnn.RNN(*args)


def test_bad_dropout() -> None:
    with pytest.raises(InputError, match="dropout"):
        tnn.RNN(3, 4, num_layers=2, dropout=1.5)


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_and_state_shapes(kind: str) -> None:
    layer = tnn.LAYERS[kind](3, 4, num_layers=2)
    with pytest.raises(InputError, match=r"\(B, T, 3\)"):
        layer(torch.randn(2, 5, 7))
    with pytest.raises(InputError, match=r"\(2, 2, 4\)"):
        bad = torch.randn(1, 2, 4)
        layer(torch.randn(2, 5, 3), (bad, bad) if kind == "lstm" else bad)
    with pytest.raises(InputError, match="bidirectional"):
        tnn.LAYERS[kind](3, 4, bidirectional=True).step(torch.randn(2, 3))


@pytest.mark.parametrize("kind", KINDS)
def test_fused_dropout_is_torchs(kind: str) -> None:
    """In training the fused path drops between layers exactly as torch.nn (same RNG draws)."""
    ours, theirs = twins(kind, 4, 16, num_layers=3, dropout=0.5)
    x = torch.randn(4, 6, 4)
    torch.manual_seed(0)
    a, _ = ours(x)
    torch.manual_seed(0)
    b, _ = theirs(x)
    assert (a - b).abs().max().item() <= TOL
    ours.eval()
    c, _ = ours(x)
    assert (a - c).abs().max().item() > 1e-3  # dropout acted in training ...
    ours.impl = "reference"
    d, _ = ours(x)
    assert (c - d).abs().max().item() <= TOL  # ... and not at all in eval


@pytest.mark.parametrize("kind", KINDS)
def test_reference_dropout_trains_only(kind: str) -> None:
    """The reference loop drops between layers in training, not after the top layer."""
    layer = tnn.LAYERS[kind](4, 32, num_layers=2, dropout=0.5, impl="reference")
    x = torch.randn(8, 5, 4)
    layer.eval()
    clean, _ = layer(x)
    layer.train()
    noisy, _ = layer(x)
    assert (clean - noisy).abs().max().item() > 1e-3
    with pytest.warns(UserWarning, match="num_layers=1"):
        single = tnn.LAYERS[kind](4, 8, dropout=0.5, impl="reference")
    assert torch.equal(single(x)[0], single.eval()(x)[0])


NO_BF16_LSTM = "this CPU has no bf16 LSTM (oneDNN needs AVX-512; torch.nn.LSTM fails the same way)"


@pytest.mark.parametrize("kind", KINDS)
def test_fused_runs_under_cpu_autocast(kind: str) -> None:
    """Under autocast(bf16) the fused path runs as torch.nn does and stays close to float32."""
    if kind == "lstm" and not cpu_runs_bf16():
        pytest.skip(NO_BF16_LSTM)
    ours, theirs = twins(kind, 8, 16, num_layers=2)
    x = torch.randn(4, 10, 8)
    exact, _ = ours(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        ours_out, ours_state = ours(x)
        theirs_out, _ = theirs(x)
    assert ours_out.dtype == theirs_out.dtype
    assert torch.equal(ours_out, theirs_out)
    assert (ours_out.float() - exact).abs().max().item() < 0.1  # bf16 has ~3 significant digits
    ours_out.float().sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in ours.parameters())


def test_device_agnostic_to() -> None:
    """.to() keeps working parameters (on CUDA it also packs them for cuDNN)."""
    layer = tnn.LSTM(3, 4, num_layers=2).to(torch.float64)
    out, (h, c) = layer(torch.randn(2, 5, 3, dtype=torch.float64))
    assert out.dtype == h.dtype == c.dtype == torch.float64
    if torch.cuda.is_available():  # pragma: no cover - no GPU in CI
        cuda = tnn.LSTM(3, 4).cuda()
        assert cuda(torch.randn(2, 5, 3, device="cuda"))[0].is_cuda
