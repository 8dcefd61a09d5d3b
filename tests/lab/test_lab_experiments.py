"""tangshi.lab experiments: small, fast versions that assert the behaviour the figures show."""
from __future__ import annotations

import math

import pytest

from tangshi.lab import gradients, long_range


@pytest.fixture(scope="module")
def norms() -> dict:
    return gradients.gradient_norms(length=30, hidden=32, batch=8, seed=0)


def test_rnn_gradient_vanishes_orders_of_magnitude_faster(norms: dict) -> None:
    n = norms["norms"]
    assert all(len(v) == 30 for v in n.values())
    # at the last step all see the same readout gradient scale; at t=0 the RNN's is far smaller
    assert n["rnn"][0] < 1e-3 * n["lstm"][0]
    assert n["rnn"][0] < 1e-3 * n["gru"][0]
    decay = norms["decay_per_step"]
    assert decay["rnn"] < decay["lstm"] < decay["lstm_forget_bias"]
    assert decay["gru"] < decay["gru_update_bias"]


def test_opening_the_keep_gate_keeps_the_gradient_alive(norms: dict) -> None:
    n = norms["norms"]
    assert n["lstm_forget_bias"][0] > 100 * n["lstm"][0]
    assert n["gru_update_bias"][0] > 100 * n["gru"][0]


@pytest.fixture(scope="module")
def clipping() -> dict:
    # The full 100 steps of the figure: the clipped run pulls clearly ahead after step ~60
    # (at step 60 both are near 1.7, inside the noise of float sums; at 100 it is 0.35 against 1.5).
    return gradients.clipping_run(gradients.ClipConfig(), seed=0)["runs"]


def test_exploding_rnn_has_a_huge_first_gradient(clipping: dict) -> None:
    assert clipping["no_clip"]["grad_norm"][0] > 100  # the cliff
    assert clipping["no_clip"]["grad_norm"][0] == clipping["clip"]["grad_norm"][0]  # same start


def test_unclipped_step_throws_the_weights_away_clipping_does_not(clipping: dict) -> None:
    start = 3.0 * math.sqrt(64)  # ||W||_F of a 64x64 matrix with spectral radius 3 is about this
    assert clipping["no_clip"]["weight_norm"][0] > 10 * start
    assert max(clipping["clip"]["weight_norm"]) < 2 * start
    assert all(math.isfinite(x) for x in clipping["clip"]["loss"])


def test_clipped_training_ends_with_the_lower_loss(clipping: dict) -> None:
    """Over three seeds: one run of this chaotic little net moves with the CPU's float sums (seed 0
    ends at 0.53 on AVX-512's kernels, 0.88 on AVX2's), the mean of three does not (0.32, 0.35)."""
    runs = [clipping] + [gradients.clipping_run(gradients.ClipConfig(), seed=s)["runs"] for s in (1, 2)]
    tail = {k: sum(sum(r[k]["loss"][-10:]) / 10 for r in runs) / len(runs) for k in ("clip", "no_clip")}
    assert tail["clip"] < 0.5 * tail["no_clip"]  # a margin the figure shows (0.35 against 1.5)
    assert tail["clip"] < 0.3 * math.log(10)  # far below chance (2.30): it learns


def test_experiments_give_the_same_numbers_under_any_thread_count() -> None:
    import torch

    before = torch.get_num_threads()
    config = gradients.ClipConfig(steps=12)
    try:
        runs = []
        for threads in (1, 2, 4):
            torch.set_num_threads(threads)
            runs.append(gradients.clipping_run(config, seed=0)["runs"])
            assert torch.get_num_threads() == threads  # the caller's setting is restored
    finally:
        torch.set_num_threads(before)
    assert runs[0] == runs[1] == runs[2]


def test_long_range_all_cells_beat_chance_at_distance_one() -> None:
    result = long_range.run(distances=(1,), steps=150, batch=32, eval_size=200)
    assert result["distances"] == [1]
    for kind in long_range.KINDS:
        assert result["accuracy"][kind][0] > 0.8, (kind, result["accuracy"])


def test_long_range_batches_put_the_answer_first() -> None:
    import torch

    config = long_range.LongRangeConfig()
    tokens, target = long_range.make_batch(config, 5, 16, torch.Generator().manual_seed(0))
    assert tokens.shape == (16, 7)
    assert torch.equal(tokens[:, 0], target)  # the marker is the class
    assert (tokens[:, 1:-1] >= config.classes).all() and (tokens[:, 1:-1] < config.vocab - 1).all()
    assert (tokens[:, -1] == config.vocab - 1).all()  # the query token
