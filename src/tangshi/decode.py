"""Constrained generation: sampling or beam search, under the rules of regulated verse.

Deployed, the network feeds its own previous output back in (no teacher forcing). At each
character step the next-character distribution is shaped by:

- **title guidance** (classifier-free guidance): every candidate is also run with an empty
  title, in the same batch, and the two are contrasted,
  ``log p̃ = (1 + γ) log p(· | title) − γ log p(· | ∅)``, renormalised; ``γ = 0`` is the model
  itself (the empty rows are then not even run). The model knows both because it was
  trained with titles dropped a quarter of the time;
- the **shape**: only Han characters inside a line; ， / 。 are placed by construction, so 100%
  of poems have the requested number of lines and characters;
- the **rules** (``strict``/``lenient``, via :mod:`tangshi.prosody.constraints`): the tone of each
  position for the candidate's pattern, 孤平 and 三平尾, one 平水韵 group for all rhymes and
  no repeated rhyme character; ``off`` drops these;
- **repetition** (:mod:`tangshi.repetition`): a penalty on characters already used, 叠字 exempt,
  and never a character three times;
- **对仗** (:mod:`tangshi.duizhang.bias`): in the 对句 of a 律诗's 颔联 and 颈联, a bias toward
  characters of the class of the 出句's character above (encouraged, never forced);
- **mood** (:mod:`tangshi.mood.bias`): for a poem asked for a mood, a bias toward the words of
  that mood's lexicon, until the poem states it (encouraged, never forced);
- **forced characters**: an acrostic's line heads and a given first line (续写); after a given
  line with a big 拗, the 平 of the next line that rescues it (对句相救).

One step of the network runs in :mod:`tangshi.stepper` (int8 weights on a CPU); the choice
of the next character in :mod:`tangshi.sampler`. :func:`fit_given` chooses the patterns that a
user's given lines fit, before decoding the rest.

Candidates are decoded as one batch, each with its own pattern. Each carries the model's
log-probability of its characters given the title and, when the empty-title rows ran, given
no title: their difference is the title's pointwise mutual information (PMI), which
:func:`rank_score` combines with fluency and repetition to choose among them. This module does
no I/O and no text output; requests are validated before they get here (:mod:`tangshi.request`).
"""
from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tangshi import metrics
from tangshi.corpus.vocab import Vocab
from tangshi.data import dynasty_id, encode_title, form_id
from tangshi.duizhang.bias import ParallelBias, strength as parallel_strength
from tangshi.mood import mood_id
from tangshi.mood.bias import STRENGTH as MOOD_STRENGTH, MoodBias
from tangshi.hanzi import is_han
from tangshi.model import PoemModel
from tangshi.prosody.constraints import PATTERNS
from tangshi.prosody.forms import Form, Pattern, patterns
from tangshi.repetition import Repetition
from tangshi.request import STARTS, WriteRequest
from tangshi.sampler import beam_step, sample

# Set by measurement (docs/quality.md, bench/quality_sweep.py); not request fields.
# The repetition penalty per form (nats per earlier use) that brings each form's repetition to
# real poems' rate; a model may ship its own (model_penalties), a request's repeat_penalty overrides both.
REPEAT_PENALTY = {"五言绝句": 2.0, "七言绝句": 2.0, "五言律诗": 2.5, "七言律诗": 2.0}
REDUPLICATION = -2.0  # nats for doubling the character just placed into a 叠字 (instead of the penalty)
BEAM_PENALTY = 1.25   # beam search seeks likely text, which repeats more: the penalty times this there
DIVERSITY = 2.0       # nats a token costs a beam group per earlier group that chose it at the same step
PMI_WEIGHT = 1.0      # rank_score: weight of the title's PMI per character beside the log-probability
REPEAT_WEIGHT = 0.1   # rank_score: nats per character used more than once


def table_penalty(form: str, beam: int, table: dict[str, float] = REPEAT_PENALTY) -> float:
    """The measured repetition penalty of ``form`` (a full name) when a request names none: the
    table's value, times BEAM_PENALTY under beam search."""
    return table[form] * (BEAM_PENALTY if beam else 1.0)


def model_penalties(header: dict) -> dict[str, float]:
    """The repetition penalty per form for a model: :data:`REPEAT_PENALTY`, where the model's header
    (``decoding.repeat_penalty``, written by ``scripts/ship_model.py`` from a measurement on valid
    titles, bench/repeat_penalty.py) names its own. Each value is checked against the request's range."""
    from tangshi.errors import CheckpointError
    from tangshi.request import WriteRequest, spec

    own = (header.get("decoding") or {}).get("repeat_penalty") or {}
    lim = spec(WriteRequest, "repeat_penalty")
    if not isinstance(own, dict):
        raise CheckpointError(f"model header: decoding.repeat_penalty must map forms to nats, not {own!r}")
    for form, nats in own.items():
        if form not in REPEAT_PENALTY:
            raise CheckpointError(f"model header: decoding.repeat_penalty names form {form!r};"
                                  f" valid: {', '.join(REPEAT_PENALTY)}")
        if isinstance(nats, bool) or not isinstance(nats, (int, float)) or not lim.lo <= nats <= lim.hi:
            raise CheckpointError(f"model header: decoding.repeat_penalty[{form}] = {nats!r};"
                                  f" expected nats in [{lim.lo}, {lim.hi}]")
    return REPEAT_PENALTY | {f: float(v) for f, v in own.items()}


@dataclass(frozen=True)
class DecodeConfig:
    """How to decode: the decoding fields of a validated :class:`~tangshi.request.WriteRequest`
    (their defaults and ranges live there)."""

    rules: str
    temperature: float
    top_k: int              # 0: no top-k cut
    top_p: float            # 1.0: no nucleus cut
    beam: int               # 0: sample; W: grouped beam search of width W (n groups)
    n: int
    seed: int | None
    repeat_penalty: float | None  # nats per earlier use of a character (None: the model's table, model_penalties)
    parallelism: float | None  # β of the 对仗 bias (None: tangshi.duizhang.bias.STRENGTH[form]; 0: none)
    guidance: float         # γ of title guidance; 0: the model's own distribution
    candidates: int         # rows sampled, of which rank_score keeps the best n
    rhyme: str | None       # a 平 group's lexicon name (一東 …); None: the first rhyme fixes it
    dynasty: str            # 唐 or 宋 (tangshi.corpus.clean.DYNASTIES); fed only to a model trained on several
    mood: str | None        # tangshi.mood.MOODS; fed only to a model trained with moods (None: "none")
    mood_strength: float | None  # β of the mood bias (None: tangshi.mood.bias.STRENGTH; 0: the condition alone)

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
    """One decoded poem, in the model's script (traditional), with what ranking needs."""

    lines: list[str]
    pattern: Pattern
    score: float  # mean log-probability per character under the model, given the title
    pmi: float | None  # mean log p(c | title) − log p(c | ∅) per character; None if not measured

    @property
    def repeats(self) -> int:
        return metrics.repeats(self.lines)


def rank_score(c: Candidate) -> float:
    """The one score candidates are ranked by: fluency, title use and repetition, per character.

    ``score + PMI_WEIGHT · pmi − REPEAT_WEIGHT · repeats``: the model's mean log-probability of
    the poem given its title, plus how much more likely the title makes it (PMI), minus a cost
    for each character used twice. The weights are set on valid titles (docs/quality.md).
    """
    return c.score + PMI_WEIGHT * (c.pmi or 0.0) - REPEAT_WEIGHT * c.repeats


class Decoder:
    """Holds a model, its vocabulary and the prosody tables; decodes batches of poems."""

    def __init__(self, model: PoemModel, vocab: Vocab, precision: str = "auto",
                 penalties: dict[str, float] | None = None) -> None:
        """``penalties``: the repetition penalty per form (full names) when a request names none
        (default: :data:`REPEAT_PENALTY`; a shipped model's own: :func:`model_penalties`)."""
        from tangshi.prosody.constraints import VocabProsody
        from tangshi.stepper import Stepper

        self.model, self.vocab = model.eval(), vocab
        self.penalties = dict(penalties or REPEAT_PENALTY)
        self.step = Stepper(model, precision)  # int8 weights on a CPU (see tangshi.stepper)
        self.prosody = VocabProsody.cached(vocab.chars)
        hanzi = torch.tensor([len(c) == 1 and is_han(c) for c in vocab.chars])
        self.hanzi = hanzi  # (V,) bool: characters a line may contain
        self.comma, self.period = vocab.index["，"], vocab.index["。"]
        self.parallel = ParallelBias(vocab.chars)  # 对仗 in the middle couplets of a 律诗
        self.mood_bias = MoodBias(vocab.chars)  # the requested mood's words

    @torch.inference_mode()
    def decode(self, form: Form, pats: list[Pattern], title: str | list[str], forced: dict[tuple[int, int], int],
               cfg: DecodeConfig, rescue: dict | None = None, contrast: bool | None = None) -> list[Candidate]:
        """Decode one candidate per entry of ``pats``; ``forced`` maps (line, pos) → token id.

        ``rescue`` maps (line, pos) to the patterns whose rows must place a 平 there, to rescue a
        big 拗 in a given line (see :func:`fit_given`). ``title`` is one title for every
        candidate, or one per candidate (sampling only). ``contrast``: also run the empty-title
        rows (default: when guiding, or when ranking needs the PMI of several candidates).
        """
        B = len(pats)
        g = generator(cfg.seed)
        penalty = cfg.repeat_penalty if cfg.repeat_penalty is not None else \
            table_penalty(form.name, cfg.beam, self.penalties)
        titles = [title] * B if isinstance(title, str) else title
        assert len(titles) == B and (isinstance(title, str) or not cfg.beam), "one title per row, no beams"
        if contrast is None:
            contrast = cfg.guidance > 0 or B > 1
        rows = titles + [""] * B if contrast else titles  # R = 2B rows: the title ones, then the empty ones
        keys, states, mask, state = self._encode(rows)
        forms = torch.full((len(rows),), form_id(form.name), dtype=torch.long)
        dynasties = torch.full_like(forms, dynasty_id(cfg.dynasty)) if self.model.cfg.n_dynasties else None
        moods = None
        if self.model.cfg.n_moods:  # the title rows read the mood, the contrast rows none: guidance steers by both
            moods = torch.zeros_like(forms)
            moods[:B] = mood_id(cfg.mood)
        mood_beta = (MOOD_STRENGTH if cfg.mood_strength is None else cfg.mood_strength) if cfg.mood else 0.0
        cons = self._constraints(pats, cfg)
        rep = Repetition(B, len(self.vocab), list(forced.values()))
        groups = _groups(B, cfg.n) if cfg.beam else []
        score = _initial_scores(pats, groups) if cfg.beam else torch.zeros(B)
        lp = torch.zeros(2 if contrast else 1, B)  # log p(chosen | title) [and | ∅], summed
        tokens = torch.full((B,), self.vocab.bos, dtype=torch.long)
        out = torch.zeros(B, form.n_lines, form.n_chars, dtype=torch.long)
        for line in range(form.n_lines):
            parallel = parallel_strength(form.name, form.n_lines, line, cfg.parallelism)  # 对仗: ±nats, 0 off
            for pos in range(form.n_chars):
                slots = self._slots(cons, pats, line, pos, len(rows) // B)
                logits, state = self.step(tokens.repeat(len(rows) // B), forms, state, keys, states, mask,
                                          dynasties=dynasties, slots=slots, moods=moods)
                logp = torch.log_softmax(logits.float(), dim=-1).view(-1, B, logits.shape[-1])  # (1|2, B, V)
                guided = _guide(logp, cfg.guidance)  # (B, V)
                given = forced.get((line, pos))
                allowed = self._allowed(cons, rep, given)
                if rescue and (line, pos) in rescue and cons is not None:
                    allowed = self._rescue(allowed, [p in rescue[(line, pos)] for p in pats], cfg)
                bias = rep.bias(penalty, REDUPLICATION) if given is None else None
                if bias is not None and (parallel or mood_beta):
                    used = rep.uses > 0  # (B, V): neither bias favours a character the poem has
                    masked = np.where(allowed.numpy(), guided.float().numpy(), -np.inf)  # (B, V)
                    if parallel:
                        bias += self.parallel.bias(parallel, out[:, line - 1, pos].numpy(),
                                                   out[:, line - 1, pos - 1].numpy() if pos else None,
                                                   out[:, line, pos - 1].numpy() if pos else None,
                                                   used=used, logp=masked)
                    toward = self.mood_bias.bias(cfg.mood, mood_beta, used, masked) if mood_beta else None
                    if toward is not None:
                        bias += toward
                if cfg.beam:
                    biased = guided + torch.from_numpy(bias) if bias is not None else guided
                    idx, tokens, score = beam_step(score, biased, allowed, groups, DIVERSITY)
                    state, cons, out, lp, logp = _reorder(idx, B, state, cons, out, lp, logp)
                    rep.reorder(idx)
                else:
                    tokens = sample(guided, allowed, cfg.temperature, cfg.top_k, cfg.top_p, g, bias)
                lp += logp.gather(2, tokens.expand(lp.shape[0], B)[..., None])[..., 0]
                out[:, line, pos] = tokens
                rep.place(tokens, forced=given is not None)
                if cons is not None:
                    advance(cons, tokens, given is not None)
            rep.new_line()
            if line + 1 < form.n_lines:  # feed the punctuation; its probability is not scored
                slots = self._slots(cons, pats, line, None, len(rows) // B)
                _, state = self.step(tokens.repeat(len(rows) // B), forms, state, keys, states, mask,
                                     want_logits=False, dynasties=dynasties, slots=slots, moods=moods)
                tokens = torch.full((B,), self.period if line % 2 else self.comma, dtype=torch.long)
        n = form.n_lines * form.n_chars
        pattern_of = [PATTERNS[int(i)] for i in cons.pattern] if cons is not None else pats
        return [Candidate([self.vocab.decode(r.tolist()) for r in out[b]], pattern_of[b], float(lp[0, b]) / n,
                          float(lp[0, b] - lp[1, b]) / n if contrast else None) for b in range(B)]

    def _slots(self, cons, pats: list[Pattern], line: int, pos: int | None, copies: int) -> torch.Tensor | None:
        """(R, 4) what each row's next target must be (tangshi.slots), for a model with rule inputs:
        character ``pos`` of ``line``, or (``pos`` None) the punctuation after it. The group is fed
        once the row's first rhyme stands and names one group."""
        if not self.model.cfg.rule_inputs:
            return None
        from tangshi.slots import first_rhyme_line, slot

        rows = [PATTERNS[int(i)] for i in cons.pattern] if cons is not None else pats
        single = cons.groups.sum(1) == 1 if cons is not None else None  # (B,)
        group = cons.groups.float().argmax(1) + 1 if cons is not None else None  # (B,)
        out = []
        for b, pat in enumerate(rows):
            first = first_rhyme_line(pat)
            past = line > first if pos is not None else line >= first
            g = int(group[b]) if past and cons is not None and bool(single[b]) else 0
            out.append(slot(pat, line, pos, g) if pos is not None else (0, 0, line + 1, g))
        return torch.tensor(out, dtype=torch.long).repeat(copies, 1)  # (R, 4): the empty-title rows alike

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

        groups = [cfg.rhyme] * len(pats) if cfg.rhyme else None
        return ConstraintState.start(self.prosody, pats, groups, strict=cfg.rules == "strict")

    def _allowed(self, cons, rep: Repetition, forced: int | None) -> torch.Tensor:
        """(B, V) bool: what each candidate may place next."""
        B, V = rep.uses.shape
        if forced is not None:
            allowed = torch.zeros(B, V, dtype=torch.bool)
            allowed[:, forced] = True
            return allowed
        allowed = self.hanzi.expand(B, -1) & ~rep.blocked()
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


def _groups(B: int, n: int) -> list[int]:
    """Widths of ``n`` beam groups over ``B`` rows, as even as possible (the first ones wider)."""
    return [B // n + (k < B % n) for k in range(n)]


def _initial_scores(pats: list[Pattern], groups: list[int]) -> torch.Tensor:
    """In each beam group, a row that repeats an earlier row's pattern starts at -inf (no duplicate beams)."""
    out, start = [], 0
    for width in groups:
        seen: set[Pattern] = set()
        for p in pats[start:start + width]:
            out.append(float("-inf") if p in seen else 0.0)
            seen.add(p)
        start += width
    return torch.tensor(out)


def _guide(logp: torch.Tensor, gamma: float) -> torch.Tensor:
    """(1|2, B, V) -> (B, V): the title rows, contrasted with the empty ones by ``gamma``, renormalised."""
    if gamma == 0 or logp.shape[0] == 1:
        return logp[0]
    return torch.log_softmax((1 + gamma) * logp[0] - gamma * logp[1], dim=-1)


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
            mask = cons.mask()  # (P, V)
            fits = mask[:, tok]  # (P,)
            allowed = fits.tolist()
            misses = [m + (not a) for m, a in zip(misses, allowed)]
            if pos == core4 and line % 2 == 0 and line + 1 not in given:
                for pat, ok in zip(pats, allowed):
                    if not ok and pat.lines[line].core == "a":
                        big_ao.setdefault((line + 1, rescue_pos(pat.lines[line + 1])), set()).add(pat)
            _advance_past_misses(cons, tok, fits, mask)
    if rules == "strict":  # judge the given lines as the checker reads them: each 多音字 in its context
        misses = [a * 100 + b for a, b in zip(_checked_misses(prosody, pats, forced, given), misses)]
    best = min(misses)
    fit = [p for p, m in zip(pats, misses) if m == best]
    best = best // 100 if rules == "strict" else best
    return Fit(fit, best > 0, {at: need & set(fit) for at, need in big_ao.items() if need & set(fit)})


def _checked_misses(prosody, pats: list[Pattern], forced: dict[tuple[int, int], int], given: list[int]) -> list[int]:
    """Per pattern: the errors the checker's default mode finds in the given lines under it (a big
    拗 the next, generated, line can rescue counts as rescued)."""
    from tangshi.prosody import checker
    from tangshi.prosody.inference import eval_line
    from tangshi.prosody.lexicon import P, load

    lex = load()
    n = pats[0].form.n_chars
    lines = {i: "".join(prosody.chars[forced[(i, j)]] for j in range(n)) for i in given}
    masks = {i: [lex.tone_mask(c) for c in text] for i, text in lines.items()}
    settled = {i: checker.read_in_context([text], [masks[i]])[0] for i, text in lines.items()}
    out = []
    for pat in pats:
        errors = 0
        for i in given:
            rescued = i % 2 == 0 and i + 1 not in given
            errors += eval_line(settled[i], pat.lines[i], rescued, strict=False).errors
            if i in pat.rhyme_lines and not settled[i][-1] & P:
                errors += 1  # a rhyme position needs a 平 reading
        out.append(errors)
    return out


def _advance_past_misses(cons, tok: int, fits: torch.Tensor, mask: torch.Tensor) -> None:
    """Advance every row by the given ``tok``; a row it does not fit advances as if an allowed item
    stood there (its templates and rhyme groups kept), so that one slip does not count the rest of the
    line as misses too: each position is judged on its own."""
    sub = torch.where(fits, torch.tensor(tok), mask.float().argmax(1))  # (P,): the first allowed item
    groups, used = cons.groups.clone(), cons.used.clone()
    advance(cons, sub, forced=True)
    miss = ~fits
    cons.groups[miss], cons.used[miss] = groups[miss], used[miss]
    if cons.prev is not None:  # the left context of the next character is the given one
        cons.prev = torch.where(cons.prev == len(cons.vocab.chars), cons.prev, torch.tensor(tok))


def advance(cons, tokens: torch.Tensor, forced: bool) -> None:
    """Advance the constraints; a forced (user-given) character never narrows the rhyme groups to nothing."""
    if not forced:
        cons.advance(tokens)
        return
    groups = cons.groups.clone()
    cons.advance(tokens)
    lost = ~cons.groups.any(1)  # a given line broke the rhyme: keep the groups it had
    cons.groups[lost] = groups[lost]


def _reorder(idx: torch.Tensor, B: int, state, cons, out: torch.Tensor, lp: torch.Tensor, logp: torch.Tensor):
    """Reorder every per-candidate tensor after a beam step (the empty-title rows follow theirs)."""
    rows = torch.cat([idx + k * B for k in range(lp.shape[0])])  # (R,)
    state = _select_rows(state, rows)
    if cons is not None:
        cons = dataclasses.replace(cons, pattern=cons.pattern[idx], step=cons.step[idx], live=cons.live[idx],
                                   groups=cons.groups[idx], used=cons.used[idx],
                                   prev=None if cons.prev is None else cons.prev[idx])
    return state, cons, out[idx], lp[:, idx], logp[:, idx]

