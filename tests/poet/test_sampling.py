"""The sampler against a brute-force reference, and the int8 step against float32."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tangshi.decoding.sampler import sample
from tangshi.decoding.stepper import Stepper, int8_available


def kept_by_sorting(p: np.ndarray, top_k: int, top_p: float) -> set[int]:
    """The textbook definition: sort, cut at k, renormalise, keep the shortest prefix reaching top_p."""
    order = [int(i) for i in np.argsort(-p, kind="stable") if p[i] > 0]
    if top_k:
        order = order[:top_k]
    total, run, kept = sum(p[i] for i in order), 0.0, []
    for i in order:
        kept.append(i)
        run += p[i]
        if top_p < 1 and run >= top_p * total:
            break
    return set(kept)


def draws(logp: torch.Tensor, allowed: torch.Tensor, n: int, temperature: float = 0.8, top_k: int = 0,
          top_p: float = 0.95) -> np.ndarray:
    g = torch.Generator().manual_seed(0)
    batch = logp.expand(n, -1).contiguous()
    return sample(batch, allowed.expand(n, -1).contiguous(), temperature, top_k, top_p, g).numpy()


@pytest.mark.parametrize("top_k,top_p", [(0, 1.0), (0, 0.9), (0, 0.5), (5, 1.0), (8, 0.6), (600, 0.95), (0, 0.999)])
def test_draws_stay_in_the_kept_set_and_follow_the_probabilities(top_k: int, top_p: float) -> None:
    torch.manual_seed(1)
    V = 1000
    logp = torch.log_softmax(torch.randn(1, V) * 2.5, -1)
    allowed = torch.rand(1, V) < 0.7
    w = np.exp(logp[0].numpy() / 0.8) * allowed[0].numpy()
    kept = kept_by_sorting(w, top_k, top_p)
    got = draws(logp, allowed, 20000, 0.8, top_k, top_p)
    assert set(got.tolist()) <= kept
    p = np.zeros(V)
    p[list(kept)] = w[list(kept)]
    p /= p.sum()
    # every item with a visible share is drawn about as often as its probability says (4 sigma)
    counts = np.bincount(got, minlength=V) / len(got)
    sigma = np.sqrt(p * (1 - p) / len(got))
    assert np.all(np.abs(counts - p) <= 4 * sigma + 1e-4)


def test_ties_are_drawn_evenly_and_seeds_repeat() -> None:
    logp = torch.log(torch.tensor([[0.25, 0.25, 0.25, 0.25, 0.0]]))
    allowed = torch.tensor([[True, True, True, True, True]])
    got = draws(logp, allowed, 8000, top_p=1.0)
    assert set(got.tolist()) == {0, 1, 2, 3}
    assert np.all(np.abs(np.bincount(got) / 8000 - 0.25) < 0.03)
    assert np.array_equal(got, draws(logp, allowed, 8000, top_p=1.0))


def test_only_allowed_items_even_when_they_are_unlikely() -> None:
    logp = torch.log_softmax(torch.tensor([[10.0, 9.0, -20.0, -25.0]]), -1)
    allowed = torch.tensor([[False, False, True, True]])
    got = draws(logp, allowed, 2000, top_p=0.9)
    assert set(got.tolist()) == {2}  # 2 holds > 0.9 of the allowed mass: the nucleus is {2}


def test_allowed_items_far_below_the_rest_are_still_drawn_by_their_odds() -> None:
    """exp() of log-probabilities 200 nats down underflows in float32: the sampler renormalises."""
    logp = torch.log_softmax(torch.tensor([[0.0, -200.0, -201.0, -260.0]]), -1)
    allowed = torch.tensor([[False, True, True, False]])
    got = draws(logp, allowed, 6000, temperature=1.0, top_p=1.0)
    assert set(got.tolist()) == {1, 2}
    share = float((got == 1).mean())
    assert abs(share - 1 / (1 + math.exp(-1))) < 0.03  # e^0 : e^-1


def textbook_pick(w: np.ndarray, u: float, top_p: float) -> int:
    """One draw by the definition: sort (ties by position), cut at top_p of the mass, and take the
    first rank whose running mass exceeds u times the kept mass."""
    order = [int(i) for i in np.argsort(-w, kind="stable") if w[i] > 0]
    mass = np.cumsum(w[order], dtype=np.float64)
    k = len(order) if top_p >= 1 else min(int((mass < top_p * w.sum(dtype=np.float64)).sum()) + 1, len(order))
    return order[min(int((mass <= u * mass[k - 1]).sum()), k - 1)]


@pytest.mark.parametrize("top_p", [0.9, 0.5, 0.999, 1.0])
def test_each_draw_is_the_textbook_draw_for_its_uniform(top_p: float) -> None:
    """Masked rows (mostly zeros), flat rows (a nucleus past the first 512 ranks) and tied values:
    for the same uniforms, the sampler picks exactly the item the definition picks."""
    gen = torch.Generator().manual_seed(3)
    V = 7000
    logp = torch.log_softmax(torch.randn(12, V, generator=gen) * torch.tensor([3.0] * 8 + [0.05] * 4)[:, None], -1)
    logp[10, :3000] = logp[10, 0]  # many equal values
    logp = torch.log_softmax(logp, -1)
    allowed = torch.rand(12, V, generator=gen) < torch.tensor([0.5, 0.05, 0.01, 0.9] * 3)[:, None]
    got = sample(logp, allowed, 0.6, 0, top_p, torch.Generator().manual_seed(7)).numpy()
    u = torch.rand(12, generator=torch.Generator().manual_seed(7), dtype=torch.float64).numpy()
    x = logp.numpy() * np.float32(1 / 0.6)  # as the sampler scales
    x -= x.max(axis=1, keepdims=True)
    w = np.exp(x) * allowed.numpy()
    assert [textbook_pick(w[b], u[b], top_p) for b in range(12)] == got.tolist()


@pytest.mark.parametrize("bias", [None, "zeros"])
def test_sampling_leaves_the_callers_log_probabilities_as_they_were(bias) -> None:
    """The loop scores the chosen characters from the same tensor after sampling (a given
    character comes with no bias): temperature and shift must not be applied to it in place."""
    logp = torch.log_softmax(torch.randn(3, 50, generator=torch.Generator().manual_seed(2)), -1)
    before = logp.clone()
    sample(logp, torch.ones(3, 50, dtype=torch.bool), 0.6, 0, 0.9, torch.Generator().manual_seed(0),
           None if bias is None else np.zeros((3, 50), dtype=np.float32))
    assert torch.equal(logp, before)


def test_fp32_step_is_the_model_step_and_int8_is_close(tiny_model) -> None:
    from tangshi import checkpoint
    from tangshi.data import encode_title

    model, vocab, _ = checkpoint.load(tiny_model)
    model.eval()
    titles = torch.tensor([encode_title("秋夜", vocab), encode_title("春江", vocab)])
    keys, states, mask, state = model.encode(titles)
    forms, tokens = torch.tensor([3, 3]), torch.tensor([vocab.bos, vocab.bos])
    exact = Stepper(model, "fp32")
    s_model = s_exact = state
    with torch.inference_mode():
        for t in range(6):
            want, s_model = model.step(tokens, forms, s_model, keys, states, mask)
            got, s_exact = exact(tokens, forms, s_exact, keys, states, mask)
            assert torch.allclose(got, want, atol=1e-5)
            tokens = want.argmax(-1)
    if not int8_available():
        pytest.skip("no fbgemm int8 in this torch")
    fast = Stepper(model, "int8")
    assert fast.precision == "int8"
    with torch.inference_mode():
        want, _ = model.step(tokens, forms, state, keys, states, mask)
        got, _ = fast(tokens, forms, state, keys, states, mask)
    p, q = torch.log_softmax(want, -1), torch.log_softmax(got, -1)
    kl = float((p.exp() * (p - q)).sum(-1).max())
    assert kl < 0.01 and math.isfinite(kl)


def test_the_steps_kept_inputs_follow_what_each_call_passes() -> None:
    """The step keeps the condition while a decode passes the same tensors, and each row of slot ids'
    sum: calls that change the form, the mood (with the same forms tensor) or the slots, or come back to
    earlier ones, each get exactly the model's own vectors, and its step (the shipped poet: rule inputs
    and moods)."""
    from tangshi.poet import Poet

    model = Poet.load(precision="fp32").decoder.model
    step = Stepper(model, "fp32")
    keys, states, mask, state = model.encode(torch.tensor([[5, 6], [7, 0]]))
    tokens, forms = torch.tensor([9, 9]), torch.tensor([3, 3])
    first = (forms, torch.tensor([0, 0]), torch.tensor([[1, 2, 1, 0], [2, 2, 1, 0]]))
    calls = [first,
             (forms, torch.tensor([0, 0]), torch.tensor([[2, 3, 1, 0], [1, 3, 1, 4]])),  # new slots
             (forms, torch.tensor([2, 5]), torch.tensor([[2, 3, 1, 0], [1, 3, 1, 4]])),  # new moods, same forms
             (torch.tensor([4, 4]), torch.tensor([2, 5]), torch.tensor([[1, 2, 1, 0], [2, 2, 1, 0]])),
             first]  # the very tensors of the first call, after others
    with torch.inference_mode():
        for forms, moods, slots in calls:
            assert torch.equal(step.condition(forms, None, moods), model.condition(forms, None, moods))
            assert torch.equal(step.slot_vectors(slots, (2,)), model.slot_vectors(slots, (2,)))
            want, _ = model.step(tokens, forms, state, keys, states, mask, slots=slots, moods=moods)
            got, _ = step(tokens, forms, state, keys, states, mask, slots=slots, moods=moods)
            assert torch.allclose(got, want, atol=1e-5)


@pytest.mark.skipif(not int8_available(), reason="no fbgemm int8 in this torch")
@pytest.mark.parametrize("rows", [1, 3])
def test_the_lstm_in_one_call_is_the_layers_one_by_one(rows: int) -> None:
    """torch's quantized LSTM (every layer of a step in one call) gives the per-layer int8 step's numbers
    bit for bit, step after step: the same products, the same gate arithmetic (the shipped poet)."""
    from tangshi.poet import Poet

    model = Poet.load().decoder.model
    fused, layered = Stepper(model, "int8"), Stepper(model, "int8", fuse=False)
    assert fused.stack is not None and layered.stack is None
    keys, states, mask, state = model.encode(torch.tensor([[5, 6, 7], [8, 0, 0], [9, 10, 0]][:rows]))
    forms, tokens = torch.full((rows,), 3), torch.full((rows,), 2)
    a = b = state
    with torch.inference_mode():
        for t in range(8):
            got, a = fused(tokens, forms, a, keys, states, mask)
            want, b = layered(tokens, forms, b, keys, states, mask)
            assert torch.equal(got, want) and torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
            tokens = got.argmax(-1)


def test_precision_choices_are_checked(tiny_model) -> None:
    from tangshi.errors import InputError
    from tangshi.poet import Poet

    with pytest.raises(InputError, match="auto, int8, fp32"):
        Poet.load(tiny_model, precision="int4")
    assert Poet.load(tiny_model, precision="fp32").precision == "fp32"
