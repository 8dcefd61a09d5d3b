"""Constrained generation: sampling or beam search, under the rules of regulated verse.

Deployed, the network feeds its own previous output back in (no teacher forcing). At each
character step the next-character distribution is masked by:

- the shape: only Han characters inside a line; ， / 。 are placed by construction, so 100%
  of poems have the requested number of lines and characters;
- the rules (``strict``/``lenient``, via :mod:`tangshi.prosody.constraints`): the tone of each
  position for the candidate's pattern, 孤平 and 三平尾, one 平水韵 group for all rhymes and
  no repeated rhyme character; ``off`` drops these;
- a repetition guard: no character more than ``max_repeat`` times in a poem (a title's
  characters count once already), and none twice in a row;
- forced characters: an acrostic's line heads and a given first line (续写); after a given
  line with a big 拗, the 平 of the next line that rescues it (对句相救).

One step of the network runs in :mod:`tangshi.stepper` (int8 weights on a CPU); sampling
runs in numpy (see :func:`sample`). :func:`fit_given` chooses the patterns that a user's given
lines fit, before decoding the rest.

``n`` candidates are decoded as one batch, each with its own pattern, and ranked by the
model's mean log-probability per character. This module does no I/O and no text output;
requests are validated before they get here (:mod:`tangshi.request`).
"""
from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tangshi.corpus.vocab import Vocab
from tangshi.data import encode_title, form_id
from tangshi.hanzi import is_han
from tangshi.model import PoemModel
from tangshi.prosody.constraints import PATTERNS
from tangshi.prosody.forms import Form, Pattern, patterns
from tangshi.request import STARTS, WriteRequest


@dataclass(frozen=True)
class DecodeConfig:
    """How to decode: the decoding fields of a validated :class:`~tangshi.request.WriteRequest`
    (their defaults and ranges live there)."""

    rules: str
    temperature: float
    top_k: int          # 0: no top-k cut
    top_p: float        # 1.0: no nucleus cut
    beam: int           # 0: sample; N: beam search of width N
    n: int
    seed: int | None
    max_repeat: int     # no character more than this many times in a poem

    @classmethod
    def of(cls, req: WriteRequest) -> "DecodeConfig":
        return cls(**{f.name: getattr(req, f.name) for f in dataclasses.fields(cls)})


def choose_patterns(form: Form, start: str | None, first_rhymes: bool | None) -> list[Pattern]:
    """The patterns allowed by the user's choice of 平起/仄起 and 首句入韵 (None: any)."""
    out = [p for p in patterns(form)
           if (start is None or p.start == STARTS[start]) and (first_rhymes is None or p.first_rhymes == first_rhymes)]
    assert out, "every (start, first_rhymes) choice has a pattern"
    return out


def generator(seed: int | None) -> torch.Generator:
    """A private generator: seeded, or from the OS's entropy (torch's global one is left alone)."""
    return torch.Generator().manual_seed(seed if seed is not None else secrets.randbits(63))


@dataclass
class Candidate:
    """One decoded poem, in the model's script (traditional)."""

    lines: list[str]
    pattern: Pattern
    score: float  # mean log-probability per character under the model


class Decoder:
    """Holds a model, its vocabulary and the prosody tables; decodes batches of poems."""

    def __init__(self, model: PoemModel, vocab: Vocab, precision: str = "auto") -> None:
        from tangshi.prosody.constraints import VocabProsody
        from tangshi.stepper import Stepper

        self.model, self.vocab = model.eval(), vocab
        self.step = Stepper(model, precision)  # int8 weights on a CPU (see tangshi.stepper)
        self.prosody = VocabProsody.from_vocab(vocab.chars)
        hanzi = torch.tensor([len(c) == 1 and is_han(c) for c in vocab.chars])
        self.hanzi = hanzi  # (V,) bool: characters a line may contain
        self.comma, self.period = vocab.index["，"], vocab.index["。"]

    @torch.inference_mode()
    def decode(self, form: Form, pats: list[Pattern], title: str | list[str], forced: dict[tuple[int, int], int],
               cfg: DecodeConfig, rescue: dict | None = None) -> list[Candidate]:
        """Decode one candidate per entry of ``pats``; ``forced`` maps (line, pos) → token id.

        ``rescue`` maps (line, pos) to the patterns whose rows must place a 平 there, to rescue a
        big 拗 in a given line (see :func:`fit_given`).

        ``title`` is one title for every candidate, or one per candidate (sampling only).
        """
        B = len(pats)
        g = generator(cfg.seed)
        titles = [title] * B if isinstance(title, str) else title
        assert len(titles) == B and (isinstance(title, str) or not cfg.beam), "one title per row, no beams"
        keys, states, mask, state = self._encode(titles)
        forms = torch.full((B,), form_id(form.name), dtype=torch.long)
        cons = self._constraints(pats, cfg)
        tokens = torch.full((B,), self.vocab.bos, dtype=torch.long)
        counts = self._title_counts(titles)  # (B, V): a title's characters count as used once
        score = _initial_scores(pats) if cfg.beam else torch.zeros(B)
        out = torch.zeros(B, form.n_lines, form.n_chars, dtype=torch.long)
        for line in range(form.n_lines):
            for pos in range(form.n_chars):
                logits, state = self.step(tokens, forms, state, keys, states, mask)
                logp = torch.log_softmax(logits.float(), dim=-1)  # (B, V)
                given = forced.get((line, pos))
                allowed = self._allowed(cons, counts, given, cfg)
                if rescue and (line, pos) in rescue and cons is not None:
                    allowed = self._rescue(allowed, [p in rescue[(line, pos)] for p in pats], cfg)
                if pos and given is None:  # no character twice in a row (秋秋夜夜): a loop of the softmax
                    allowed.scatter_(1, tokens[:, None], False)
                if cfg.beam:
                    idx, tokens, score = self._beam_step(score, logp, allowed)
                    state, cons, counts, out = _reorder(idx, state, cons, counts, out)
                else:
                    tokens = sample(logp, allowed, cfg.temperature, cfg.top_k, cfg.top_p, g)
                    score += logp.gather(1, tokens[:, None])[:, 0]
                out[:, line, pos] = tokens
                counts.scatter_add_(1, tokens[:, None], torch.ones_like(tokens[:, None]))
                if cons is not None:
                    advance(cons, tokens, given is not None)
            if line + 1 < form.n_lines:  # feed the punctuation; its probability is not scored
                _, state = self.step(tokens, forms, state, keys, states, mask, want_logits=False)
                tokens = torch.full((B,), self.period if line % 2 else self.comma, dtype=torch.long)
        n = form.n_lines * form.n_chars
        pattern_of = [PATTERNS[int(i)] for i in cons.pattern] if cons is not None else pats
        return [Candidate([self.vocab.decode(r.tolist()) for r in out[b]], pattern_of[b], float(score[b]) / n)
                for b in range(B)]

    def _encode(self, titles: list[str]):
        """Encode each distinct title alone, then pad: a row never depends on its batch-mates.

        (Encoded together, a short title's backward GRU would first read the others' padding.)
        """
        distinct = list(dict.fromkeys(titles))
        parts = [self.model.encode(_pad_titles([encode_title(t, self.vocab)])) for t in distinct]
        M = max(k.shape[1] for k, _, _, _ in parts)
        keys = torch.cat([F.pad(k, (0, 0, 0, M - k.shape[1])) for k, _, _, _ in parts])  # (D, M, H)
        states = torch.cat([F.pad(s, (0, 0, 0, M - s.shape[1])) for _, s, _, _ in parts])  # (D, M, 2E)
        mask = torch.cat([F.pad(m, (0, M - m.shape[1])) for _, _, m, _ in parts])  # (D, M): padding is masked
        state = _cat_states([st for _, _, _, st in parts])
        row = torch.tensor([distinct.index(t) for t in titles])  # (B,)
        return keys[row], states[row], mask[row], _select_rows(state, row)

    def _constraints(self, pats: list[Pattern], cfg: DecodeConfig):
        if cfg.rules == "off":
            return None
        from tangshi.prosody.constraints import ConstraintState

        return ConstraintState.start(self.prosody, pats, strict=cfg.rules == "strict")

    def _title_counts(self, titles: list[str]) -> torch.Tensor:
        """(B, V) counts with each title character once, so the guard keeps titles from looping."""
        counts = torch.zeros(len(titles), len(self.vocab), dtype=torch.long)
        for b, title in enumerate(titles):
            ids = [i for i in set(self.vocab.encode(title)) if self.hanzi[i]]
            counts[b, ids] = 1
        return counts

    def _allowed(self, cons, counts: torch.Tensor, forced: int | None, cfg: DecodeConfig) -> torch.Tensor:
        """(B, V) bool: what each candidate may place next."""
        if forced is not None:
            allowed = torch.zeros(counts.shape, dtype=torch.bool)
            allowed[:, forced] = True
            return allowed
        allowed = self.hanzi.expand(counts.shape[0], -1) & (counts < cfg.max_repeat)
        if cons is not None:
            rules = cons.mask() & self.hanzi  # (B, V)
            ruled = allowed & rules
            # The guard yields to the rules if both cannot hold (never seen, but never a dead end).
            empty = ~_rows_any(ruled)  # (B,)
            allowed = torch.where(torch.from_numpy(empty)[:, None], rules, ruled) if empty.any() else ruled
        # After a given line broke the rules a candidate may have no legal move: it writes on
        # freely, and the checker's report says where.
        stuck = ~_rows_any(allowed)  # (B,)
        if stuck.any():
            return torch.where(torch.from_numpy(stuck)[:, None], self.hanzi.expand_as(allowed), allowed)
        return allowed

    def _rescue(self, allowed: torch.Tensor, rows: list[bool], cfg: DecodeConfig) -> torch.Tensor:
        """Keep only 平 items in ``rows`` (a row with none left keeps what it had)."""
        ping = self.prosody.ping if cfg.rules == "strict" else self.prosody.may_ping  # (V,)
        need = torch.tensor(rows)[:, None] & _rows_any_t(allowed & ping)  # (B, 1)
        return torch.where(need, allowed & ping, allowed)

    def _beam_step(self, score: torch.Tensor, logp: torch.Tensor, allowed: torch.Tensor):
        """Keep the best ``B`` (beam, token) continuations; returns (origin, token, score)."""
        B, V = logp.shape
        total = (score[:, None] + logp).masked_fill(~allowed, float("-inf"))  # (B, V)
        best, flat = total.flatten().topk(B)
        return flat // V, flat % V, best


def _rows_any_t(mask: torch.Tensor) -> torch.Tensor:
    """(B, V) bool -> (B, 1) bool tensor: whether each row has a true item."""
    return torch.from_numpy(_rows_any(mask))[:, None]


def _rows_any(mask: torch.Tensor) -> np.ndarray:
    """(B, V) bool -> (B,): whether each row has a true item (numpy's reduction is ~10× torch's here)."""
    return mask.cpu().numpy().any(axis=1)


def _cat_states(states: list):
    """Decoder states (L, b, H) or pairs of them, concatenated along the batch."""
    if isinstance(states[0], tuple):
        return tuple(torch.cat(parts, dim=1) for parts in zip(*states))
    return torch.cat(states, dim=1)


def _select_rows(state, idx: torch.Tensor):
    """Rows ``idx`` of a decoder state (L, B, H) or pair of them."""
    if isinstance(state, tuple):
        return tuple(s.index_select(1, idx) for s in state)
    return state.index_select(1, idx)


def _pad_titles(rows: list[list[int]]) -> torch.Tensor:
    """Title ids (B, M), right-padded with 0 (masked out of attention)."""
    out = torch.zeros(len(rows), max(len(r) for r in rows), dtype=torch.long)
    for b, r in enumerate(rows):
        out[b, : len(r)] = torch.tensor(r)
    return out


def _initial_scores(pats: list[Pattern]) -> torch.Tensor:
    """Beam rows that repeat an earlier row's pattern start at -inf, so no beam is a duplicate."""
    seen: set[Pattern] = set()
    out = []
    for p in pats:
        out.append(float("-inf") if p in seen else 0.0)
        seen.add(p)
    return torch.tensor(out)


SHORTLIST = 512  # ranks summed first when looking for the top-p cut (the cut's p90 is ~360 here)


def sample(logp: torch.Tensor, allowed: torch.Tensor, temperature: float, top_k: int, top_p: float,
           g: torch.Generator) -> torch.Tensor:
    """Temperature, then top-k, then top-p sampling among the allowed items. (B, V) -> (B,).

    As in common practice, top-k keeps the k likeliest items and top-p then keeps the
    smallest prefix of them, likeliest first, that holds top_p of their probability.
    Exact, and fast at these sizes (B ≤ 64, V ≈ 7k), where each torch call costs more in
    dispatch than in work: in numpy, one vectorised sort of the values (no argsort, no full
    running sum over V) finds the kept ranks, a uniform picks a rank by its probability, and
    the item holding that value is looked up. The uniforms come from ``g``: a seed still
    gives the same poem.
    """
    x = logp.float().cpu().numpy() * np.float32(1 / temperature)  # (B, V)
    x -= x.max(axis=1, keepdims=True)
    ok = allowed.cpu().numpy()  # (B, V) bool
    w = np.exp(x) * ok  # (B, V) ∝ p
    asc = np.sort(w, axis=1)  # (B, V): the values, least first (zeros, the disallowed, lead)
    for b in np.flatnonzero(asc[:, -1] < 1e-20):  # every allowed item far below the likeliest overall:
        z = np.where(ok[b], x[b], -np.inf)  # renormalise on the allowed ones, or float32 underflows
        w[b] = np.exp(z - z.max())
        asc[b] = np.sort(w[b])
    B, V = w.shape
    rows = np.arange(B)
    k = V - np.array([np.searchsorted(r, 0.0, side="right") for r in asc])  # (B,): items of non-zero probability
    if top_k:
        k = np.minimum(k, top_k)
    kmax = int(k.max())
    head = kmax if top_p >= 1 else min(kmax, SHORTLIST)
    desc = asc[:, ::-1]  # (B, V) view: likeliest first
    mass = np.cumsum(desc[:, :head], axis=1, dtype=np.float64)  # (B, head): running mass by rank
    if top_p < 1:  # keep ranks up to the first whose running mass reaches top_p of the top-k's
        total = desc[:, :top_k].sum(axis=1, dtype=np.float64) if top_k else w.sum(axis=1, dtype=np.float64)
        need = top_p * total  # (B,)
        if np.any(mass[:, -1] < need):  # a flat row: its cut lies past the head
            mass = np.cumsum(desc[:, :kmax], axis=1, dtype=np.float64)
        k = np.minimum((mass < need[:, None]).sum(axis=1) + 1, k)
    u = torch.rand(B, generator=g, dtype=torch.float64).numpy()  # (B,) uniform in [0, 1)
    target = u * mass[rows, k - 1]  # (B,): a point in the kept mass
    rank = np.minimum((mass <= target[:, None]).sum(axis=1), k - 1)  # the first rank whose running mass exceeds it
    value = desc[rows, rank]  # (B,)
    first = V - np.array([np.searchsorted(r, v, side="right") for r, v in zip(asc, value)])  # first rank of value
    picks = (w == value[:, None]).argmax(axis=1)  # the first item holding it
    for b in np.flatnonzero(rank > first):  # ties: the (rank - first)-th such item (rare)
        picks[b] = np.flatnonzero(w[b] == value[b])[rank[b] - first[b]]
    return torch.from_numpy(picks.astype(np.int64)).to(logp.device)


@dataclass(frozen=True)
class Fit:
    """How a user's given lines fit the patterns: the best patterns, whether even they are broken
    by the given lines, and the big-拗 rescues the next line owes ((line, pos) -> patterns)."""

    patterns: list[Pattern]
    broken: bool
    rescue: dict


def fit_given(prosody, form: Form, pats: list[Pattern], forced: dict[tuple[int, int], int], rules: str,
              given: list[int]) -> Fit:
    """The patterns that the given lines (their characters in ``forced``) fit best.

    A given first line of a couplet may carry a big 拗 (仄 on core position 4 of a 仄仄平平仄
    line), which the rules accept when the next line answers with 平 on its core position 3
    (对句相救). The decoder never makes a 拗 itself, but a user's line can: the fit's ``rescue``
    maps (line, pos) of each such rescue to the patterns that need it.
    """
    if rules == "off" or not given:
        return Fit(pats, False, {})
    from tangshi.prosody.constraints import ConstraintState
    from tangshi.prosody.rules import rescue_pos

    cons = ConstraintState.start(prosody, pats, strict=rules == "strict")
    misses = [0] * len(pats)
    big_ao: dict[tuple[int, int], set] = {}
    core4 = form.n_chars - 2  # 0-based: core position 4
    for line in given:
        for pos in range(form.n_chars):
            tok = forced[(line, pos)]
            allowed = cons.mask()[:, tok].tolist()
            misses = [m + (not a) for m, a in zip(misses, allowed)]
            if pos == core4 and line % 2 == 0 and line + 1 not in given:
                for pat, ok in zip(pats, allowed):
                    if not ok and pat.lines[line].core == "a":
                        big_ao.setdefault((line + 1, rescue_pos(pat.lines[line + 1])), set()).add(pat)
            advance(cons, torch.full((len(pats),), tok, dtype=torch.long), forced=True)
    best = min(misses)
    fit = [p for p, m in zip(pats, misses) if m == best]
    return Fit(fit, best > 0, {at: need & set(fit) for at, need in big_ao.items() if need & set(fit)})


def advance(cons, tokens: torch.Tensor, forced: bool) -> None:
    """Advance the constraints; a forced (user-given) character never narrows the rhyme groups to nothing."""
    if not forced:
        cons.advance(tokens)
        return
    groups = cons.groups.clone()
    cons.advance(tokens)
    lost = ~cons.groups.any(1)  # a given line broke the rhyme: keep the groups it had
    cons.groups[lost] = groups[lost]


def _reorder(idx: torch.Tensor, state, cons, counts: torch.Tensor, out: torch.Tensor):
    """Reorder every per-candidate tensor after a beam step."""
    state = _select_rows(state, idx)
    if cons is not None:
        cons = dataclasses.replace(cons, pattern=cons.pattern[idx], step=cons.step[idx], live=cons.live[idx],
                                   groups=cons.groups[idx], used=cons.used[idx])
    return state, cons, counts[idx], out[idx]

