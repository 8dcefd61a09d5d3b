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
runs in numpy (see :func:`_sample`).

``n`` candidates are decoded as one batch, each with its own pattern, and ranked by the
model's mean log-probability per character. This module does no I/O and no text output.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tangshi.corpus.clean import HAN, SHORT_NAMES
from tangshi.corpus.vocab import Vocab
from tangshi.data import encode_title, form_id
from tangshi.errors import InputError, choice_error
from tangshi.model import PoemModel
from tangshi.prosody.constraints import PATTERNS
from tangshi.prosody.forms import FORM_BY_NAME, Form, Pattern, patterns

RULES = ("strict", "lenient", "off")
STARTS = {"平起": "P", "仄起": "Z", "ping": "P", "ze": "Z"}


@dataclass(frozen=True)
class DecodeConfig:
    """How to decode; every field has one default, here."""

    rules: str = "strict"
    temperature: float = 0.8
    top_k: int = 0          # 0: no top-k cut
    top_p: float = 0.95     # 1.0: no nucleus cut
    beam: int = 0           # 0: sample; N: beam search of width N
    n: int = 1
    seed: int | None = None
    max_repeat: int = 2     # no character more than this many times in a poem

    def __post_init__(self) -> None:
        if self.rules not in RULES:
            raise choice_error("rules", self.rules, RULES)
        if not 0 < self.temperature <= 5:
            raise InputError(f"temperature must be in (0, 5], got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise InputError(f"top-p must be in (0, 1], got {self.top_p}")
        if self.top_k < 0 or self.beam < 0 or self.n < 1 or self.max_repeat < 1:
            raise InputError("top-k and beam must be >= 0; n and max-repeat >= 1")
        if self.beam and self.n > self.beam:
            raise InputError(f"-n {self.n} asks for more poems than --beam {self.beam} keeps")


def resolve_form(name: str) -> Form:
    """A form by full or short name (五言绝句 / 五绝 …), simplified or traditional."""
    full = SHORT_NAMES.get(name, name).replace("絕", "绝").replace("詩", "诗").replace("律詩", "律诗")
    if full not in FORM_BY_NAME:
        raise choice_error("form", name, [*FORM_BY_NAME, *SHORT_NAMES])
    return FORM_BY_NAME[full]


def choose_patterns(form: Form, start: str | None, first_rhymes: bool | None) -> list[Pattern]:
    """The patterns allowed by the user's choice of 平起/仄起 and 首句入韵 (None: any)."""
    if start is not None and start not in STARTS:
        raise choice_error("start", start, STARTS)
    out = [p for p in patterns(form)
           if (start is None or p.start == STARTS[start]) and (first_rhymes is None or p.first_rhymes == first_rhymes)]
    assert out, "every (start, first_rhymes) choice has a pattern"
    return out


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
        hanzi = torch.tensor([len(c) == 1 and HAN.fullmatch(c) is not None for c in vocab.chars])
        self.hanzi = hanzi  # (V,) bool: characters a line may contain
        self.comma, self.period = vocab.index["，"], vocab.index["。"]

    @torch.inference_mode()
    def decode(self, form: Form, pats: list[Pattern], title: str | list[str], forced: dict[tuple[int, int], int],
               cfg: DecodeConfig, rescue: dict | None = None) -> list[Candidate]:
        """Decode one candidate per entry of ``pats``; ``forced`` maps (line, pos) → token id.

        ``rescue`` maps (line, pos) to the patterns whose rows must place a 平 there, to rescue a
        big 拗 in a given line (see ``Poet._fitting``).

        ``title`` is one title for every candidate, or one per candidate (sampling only).
        """
        B = len(pats)
        g = torch.Generator().manual_seed(cfg.seed if cfg.seed is not None else torch.seed() % 2**63)
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
                    tokens = _sample(logp, allowed, cfg, g)
                    score += logp.gather(1, tokens[:, None])[:, 0]
                out[:, line, pos] = tokens
                counts.scatter_add_(1, tokens[:, None], torch.ones_like(tokens[:, None]))
                if cons is not None:
                    _advance(cons, tokens, given is not None)
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


def _sample(logp: torch.Tensor, allowed: torch.Tensor, cfg: DecodeConfig, g: torch.Generator) -> torch.Tensor:
    """Temperature, then top-k, then top-p sampling among the allowed items. (B, V) -> (B,).

    As in common practice, top-k keeps the k likeliest items and top-p then keeps the
    smallest prefix of them, likeliest first, that holds top_p of their probability.
    Exact, and fast at these sizes (B ≤ 64, V ≈ 7k), where each torch call costs more in
    dispatch than in work: in numpy, one vectorised sort of the values (no argsort, no full
    running sum over V) finds the kept ranks, a uniform picks a rank by its probability, and
    the item holding that value is looked up. The uniforms come from ``g``: a seed still
    gives the same poem.
    """
    x = logp.float().cpu().numpy() * np.float32(1 / cfg.temperature)  # (B, V)
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
    if cfg.top_k:
        k = np.minimum(k, cfg.top_k)
    kmax = int(k.max())
    head = kmax if cfg.top_p >= 1 else min(kmax, SHORTLIST)
    desc = asc[:, ::-1]  # (B, V) view: likeliest first
    mass = np.cumsum(desc[:, :head], axis=1, dtype=np.float64)  # (B, head): running mass by rank
    if cfg.top_p < 1:  # keep ranks up to the first whose running mass reaches top_p of the top-k's
        total = desc[:, :cfg.top_k].sum(axis=1, dtype=np.float64) if cfg.top_k else w.sum(axis=1, dtype=np.float64)
        need = cfg.top_p * total  # (B,)
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


def _advance(cons, tokens: torch.Tensor, forced: bool) -> None:
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

