"""Choosing the next characters: sampling (temperature, top-k, top-p) and grouped beam search.

Both take the next-character log-probabilities of ``B`` rows (``(B, V)``), the rules' mask
of what each row may place (``allowed``) and an additive ``bias`` (the processors' biases summed:
repetition, 对仗, mood, setting, plan, stock pairs);
neither knows anything of poems. :func:`sample` draws one item per row; :func:`beam_step`
keeps the best continuations of each group of rows, penalising in each group what the groups
before it chose at the same step (diverse beam search, Vijayakumar et al. 2016, "Diverse Beam
Search", arXiv:1610.02424), so that the groups end in different poems.
"""
from __future__ import annotations

import numpy as np
import torch

SHORTLIST = 512  # ranks summed first when looking for the top-p cut under top-k (the cut's p90 is ~360 here)


def sample(logp: torch.Tensor, allowed: torch.Tensor, temperature: float, top_k: int, top_p: float,
           g: torch.Generator, bias: np.ndarray | None = None) -> torch.Tensor:
    """A bias, then temperature, then top-k, then top-p sampling among the allowed items. (B, V) -> (B,).

    The distribution sampled is p ∝ exp((logp + bias) / temperature): ``bias`` (B, V), in nats,
    is how the repetition penalty enters (see :class:`tangshi.decoding.processors.repetition.Repetition`); being
    added before the temperature, it weighs the same against the model's preferences at every
    temperature.

    As in common practice, top-k keeps the k likeliest items and top-p then keeps the
    smallest prefix of them, likeliest first, that holds top_p of their probability.
    Exact, and fast at these sizes (B ≤ 64, V ≈ 7k), where each torch call costs more in
    dispatch than in work: in numpy, each row's likeliest values are found without sorting V
    (under top-p without top-k, only the values that can hold the nucleus, :func:`_holding`; else a
    partition),
    to find the kept ranks; a uniform picks a rank by its probability, and the item holding that
    value is looked up. The uniforms come from ``g``: a seed still
    gives the same poem.
    """
    x = logp.float().cpu().numpy()  # (B, V)
    x = x + bias if bias is not None else x.copy()  # a new array: the caller's logp is never written
    x *= np.float32(1 / temperature)
    x -= x.max(axis=1, keepdims=True)
    ok = allowed.cpu().numpy()  # (B, V) bool
    w = np.exp(x)  # (B, V) ∝ p, then 0 where not allowed (in place: no new arrays)
    w *= ok
    for b in (w.max(axis=1) < 1e-20).nonzero()[0]:  # every allowed item far below the likeliest overall:
        z = np.where(ok[b], x[b], -np.inf)  # renormalise on the allowed ones, or float32 underflows
        w[b] = np.exp(z - z.max())
    B, V = w.shape
    rows = np.arange(B)
    k = (w > 0).sum(axis=1)  # (B,): items of non-zero probability
    if top_k:
        k = np.minimum(k, top_k)
    kmax = int(k.max())
    if top_p < 1:  # keep ranks up to the first whose running mass reaches top_p of the top-k's
        total = _largest(w, top_k).sum(axis=1, dtype=np.float64) if top_k else w.sum(axis=1, dtype=np.float64)
        need = top_p * total  # (B,)
        desc = _largest(w, min(kmax, SHORTLIST)) if top_k else _holding(w, total - need, k)  # (B, head)
        mass = np.cumsum(desc, axis=1, dtype=np.float64)  # (B, head): running mass by rank
        if np.any(mass[:, -1] < need):  # a flat row: its cut lies past the head
            desc = _largest(w, kmax)
            mass = np.cumsum(desc, axis=1, dtype=np.float64)
        k = np.minimum((mass < need[:, None]).sum(axis=1) + 1, k)
    else:
        desc = _largest(w, kmax)  # (B, kmax): likeliest first
        mass = np.cumsum(desc, axis=1, dtype=np.float64)
    u = torch.rand(B, generator=g, dtype=torch.float64).numpy()  # (B,) uniform in [0, 1)
    target = u * mass[rows, k - 1]  # (B,): a point in the kept mass
    rank = np.minimum((mass <= target[:, None]).sum(axis=1), k - 1)  # the first rank whose running mass exceeds it
    value = desc[rows, rank]  # (B,)
    first = (w > value[:, None]).sum(axis=1)  # (B,): the first rank holding that value
    picks = (w == value[:, None]).argmax(axis=1)  # the first item holding it
    for b in (rank > first).nonzero()[0]:  # ties: the (rank - first)-th such item (rare)
        picks[b] = np.flatnonzero(w[b] == value[b])[rank[b] - first[b]]
    return torch.from_numpy(picks.astype(np.int64)).to(logp.device)


def _holding(w: np.ndarray, rest: np.ndarray, n: np.ndarray) -> np.ndarray:
    """(B, V) -> (B, head): each row's values at or above τ = rest / n, largest first, zero-padded.

    The row's non-zero values below τ, fewer than its n, hold less than n·τ = ``rest`` between them, so those at
    or above it hold more than the row's mass less ``rest``: with rest = total − top_p·total, the
    whole nucleus. Masked rows are mostly zeros, on which a partition is slow; picking the few
    values above τ and sorting them is not, and gives the same leading values.
    """
    tau = rest / np.maximum(n, 1)  # (B,)
    heads = [np.sort(row[row >= t]) for row, t in zip(w, tau)]  # ascending
    out = np.zeros((len(heads), max(1, max(map(len, heads)))), dtype=w.dtype)
    for b, h in enumerate(heads):
        out[b, : len(h)] = h[::-1]
    return out


def _largest(w: np.ndarray, m: int) -> np.ndarray:
    """(B, V) -> (B, m): each row's m largest values, largest first (a partition, then a short sort)."""
    V = w.shape[1]
    m = max(1, min(m, V))
    part = w if m == V else np.partition(w, V - m, axis=1)[:, V - m:]  # (B, m), unordered
    return np.sort(part, axis=1)[:, ::-1]


def beam_step(score: torch.Tensor, logp: torch.Tensor, allowed: torch.Tensor, groups: list[int],
              diversity: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One step of grouped beam search: (origin row, token, new score), each (B,).

    ``groups`` are the widths of consecutive groups of rows (summing to B). Each group keeps its
    best ``width`` (row, token) continuations of ``score + logp``; a token already chosen by an
    earlier group at this step costs ``diversity`` nats per choice (Hamming diversity).
    """
    B, V = logp.shape
    total = (score[:, None] + logp).masked_fill(~allowed, float("-inf"))  # (B, V)
    chosen = torch.zeros(V)  # (V,): how many earlier groups' rows chose each token at this step
    origins, tokens, scores = [], [], []
    start = 0
    for width in groups:
        part = total[start:start + width] - diversity * chosen  # (w, V)
        best, flat = part.flatten().topk(width)
        rows, toks = flat // V, flat % V
        origins.append(rows + start)
        tokens.append(toks)
        scores.append(total[start:start + width].flatten()[flat])  # the score without the diversity term
        chosen.index_add_(0, toks, torch.ones(width))
        start += width
    return torch.cat(origins), torch.cat(tokens), torch.cat(scores)
