"""tangshi.nn.init: the orthogonal scheme does what its docstring says, and the layer stays torch's."""
from __future__ import annotations

import pytest
import torch

from tangshi.errors import InputError
from tangshi.nn import GRU, LSTM
from tangshi.nn.init import init_recurrent, orthogonal_


@pytest.mark.parametrize("cls,gates", [(LSTM, 4), (GRU, 3)])
def test_orthogonal_blocks_and_biases(cls, gates: int) -> None:
    torch.manual_seed(0)
    H, D = 12, 7
    layer = cls(D, H, num_layers=2, bidirectional=True)
    orthogonal_(layer)
    flat = layer.flat_weights()
    for k in range(0, len(flat), 4):
        w_ih, w_hh, b_ih, b_hh = flat[k:k + 4]
        width = w_ih.shape[1]
        for g in range(gates):
            w = w_hh[g * H:(g + 1) * H]
            assert torch.allclose(w @ w.T, torch.eye(H), atol=1e-5)  # W_g orthogonal
            assert w_ih[g * H:(g + 1) * H].abs().max() <= (6 / (H + width)) ** 0.5  # Glorot-uniform bound
        want = torch.zeros(gates * H)
        if cls is LSTM:
            want[H:2 * H] = 1.0  # the forget gate's bias, in torch's order i, f, g, o
        assert torch.equal(b_ih + b_hh, want)


def test_the_layer_still_loads_into_torch_and_agrees() -> None:
    torch.manual_seed(1)
    ours = LSTM(5, 8, num_layers=2)
    orthogonal_(ours)
    ref = torch.nn.LSTM(5, 8, num_layers=2, batch_first=True)
    ref.load_state_dict(ours.state_dict(), strict=True)
    x = torch.randn(3, 6, 5)
    assert torch.allclose(ours(x)[0], ref(x)[0], atol=1e-5)


def test_init_recurrent_reaches_every_layer_and_names_bad_schemes() -> None:
    from tangshi.model import ModelConfig, PoemModel

    torch.manual_seed(2)
    model = PoemModel(ModelConfig(vocab_size=40, emb=16, hidden=24, enc_hidden=8))
    assert init_recurrent(model, "orthogonal") == 2  # the decoder's LSTM and the title encoder's GRU
    assert torch.equal(model.decoder.bias_ih_l0[24:48], torch.ones(24))
    with pytest.raises(InputError, match="torch, orthogonal"):
        init_recurrent(model, "xavier")
