"""Constrained generation: sampling or beam search, under the rules of regulated verse.

Deployed, the network feeds its own previous output back in (no teacher forcing). At each character
step the model gives the next-character log-probabilities ŷ(t) = softmax(o(t)) of every candidate,
run by :mod:`.stepper` (int8 weights on a CPU), and

- **title guidance** (classifier-free guidance): every candidate is also run with an empty title,
  in the same batch, and the two are contrasted,
  ``log p̃ = (1 + γ) log p(· | title) − γ log p(· | ∅)``, renormalised; ``γ = 0`` is the model
  itself (the empty rows are then not even run). The model knows both because it was trained with
  titles dropped a quarter of the time;
- the **shape**: only Han characters inside a line; ， / 。 are placed by construction, so 100% of
  poems have the requested number of lines and characters;
- the **processors** (:mod:`.processors`, one file each): the rules' masks, the repetition guard
  and penalty, the rescue of a given line's 拗, the 对仗, mood, setting, plan and stock-pair biases —
  each a mask, a bias or both (:mod:`.processor`), applied in order;
- **forced characters**: an acrostic's line heads and given lines (续写) are placed as given, with
  no bias;

then :mod:`.sampler` chooses: a sample per row, or a step of grouped beam search. Candidates are
decoded as one batch, each with its own pattern; each carries the model's log-probability of its
characters given the title and, when the empty-title rows ran, given no title: their difference is
the title's pointwise mutual information (PMI), which :func:`.candidate.rank_score` combines with
fluency and repetition. This module does no I/O and no text output; requests are validated before
they get here (:mod:`tangshi.request`).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from tangshi.corpus.vocab import Vocab
from tangshi.data import dynasty_id, encode_title, form_id
from tangshi.decoding.candidate import Candidate
from tangshi.decoding.config import DecodeConfig, generator
from tangshi.decoding.processor import Setup, Step, narrow
from tangshi.decoding.processors import chain
from tangshi.decoding.processors.repetition import REPEAT_PENALTY
from tangshi.decoding.processors.rules import Rules
from tangshi.decoding.sampler import beam_step, sample
from tangshi.hanzi import is_han
from tangshi.masks.constraints import PATTERNS, VocabProsody
from tangshi.masks.slots import slot_table
from tangshi.model import PoemModel
from tangshi.mood import mood_id
from tangshi.prosody.forms import Form, Pattern

DIVERSITY = 2.0  # nats a token costs a beam group per earlier group that chose it at the same step


class Decoder:
    """Holds a model, its vocabulary, the prosody tables and each processor's tables; decodes batches."""

    def __init__(self, model: PoemModel, vocab: Vocab, precision: str = "auto",
                 penalties: dict[str, float] | None = None, header: dict | None = None) -> None:
        """``penalties``: the repetition penalty per form (full names) when a request names none
        (default: :data:`REPEAT_PENALTY`; a shipped model's own: :func:`.processors.repetition.model_penalties`).
        ``header``: the checkpoint's header, from which each processor's ``prepare`` reads what the model
        carries for it (the stock pairs: :func:`.processors.stock.model_stock`)."""
        from tangshi.decoding.stepper import Stepper

        self.model, self.vocab = model.eval(), vocab
        self.penalties = dict(penalties or REPEAT_PENALTY)
        self.step = Stepper(model, precision)  # int8 weights on a CPU (see tangshi.decoding.stepper)
        self.prosody = VocabProsody.cached(vocab.chars)
        self.hanzi = torch.tensor([len(c) == 1 and is_han(c) for c in vocab.chars])  # (V,): what a line may hold
        self.comma, self.period = vocab.index["，"], vocab.index["。"]
        self.slot_table = tuple(t.numpy() for t in slot_table(PATTERNS))  # (P, 8, 8, 3), (P,): the rule inputs
        self.prepared = {cls: cls.prepare(vocab.chars, self.prosody, header or {}) for cls in chain()}  # per model

    @torch.inference_mode()
    def decode(self, form: Form, pats: list[Pattern], title: str | list[str], forced: dict[tuple[int, int], int],
               cfg: DecodeConfig, rescue: dict | None = None, contrast: bool | None = None,
               plans: list | None = None) -> list[Candidate]:
        """Decode one candidate per entry of ``pats``; ``forced`` maps (line, pos) → token id.

        ``rescue`` maps (line, pos) to the patterns whose rows must place a 平 there (see
        :func:`tangshi.decoding.fit.fit_given`). ``title`` is one title for every candidate, or one
        per candidate (sampling only). ``contrast``: also run the empty-title rows (default: when
        guiding, or when ranking needs the PMI of several candidates). ``plans``: each row's plan,
        per slot the keyword's token ids or None (:mod:`.processors.plan`).
        """
        K = 1 if cfg.beam else cfg.line_samples  # samples of each line per candidate (a search over lines)
        if K > 1:
            pats = [p for p in pats for _ in range(K)]
            title = title if isinstance(title, str) else [t for t in title for _ in range(K)]
            plans = None if plans is None else [p for p in plans for _ in range(K)]
        run = _Run(self, form, pats, title, forced, cfg, rescue or {}, contrast, plans)
        for line in range(form.n_lines):
            for pos in range(form.n_chars):
                step = run.at(line, pos)
                if step.given is not None and not cfg.beam:  # a kept character: scored, not chosen
                    run.place(step, run.keep(step), run.predict(step, guide=False))
                    continue
                logp = run.predict(step)  # (1|2, B, V); step.logp (B, V) guided
                step.allowed = run.allowed(step)  # (B, V)
                bias = run.bias(step)  # (B, V) nats or None
                if cfg.beam:
                    biased = step.logp + torch.from_numpy(bias) if bias is not None else step.logp
                    idx, tokens, run.score = beam_step(run.score, biased, step.allowed, run.groups, DIVERSITY)
                    logp = run.reorder(idx, logp)
                else:
                    tokens = sample(step.logp, step.allowed, cfg.temperature, cfg.top_k, cfg.top_p, run.g, bias)
                run.place(step, tokens, logp)
            if K > 1:
                run.keep_best_lines(line, K)
            run.end_line(line)
        return run.candidates()[::K]

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


class _Run:
    """One decode's state: the model's rows and recurrent state, the processors, what is written."""

    def __init__(self, dec: Decoder, form: Form, pats: list[Pattern], title: str | list[str],
                 forced: dict[tuple[int, int], int], cfg: DecodeConfig, rescue: dict, contrast: bool | None,
                 plans: list | None = None) -> None:
        B, V = len(pats), len(dec.vocab)
        self.dec, self.form, self.pats, self.cfg, self.forced, self.B = dec, form, pats, cfg, forced, B
        self.g = generator(cfg.seed)
        titles = [title] * B if isinstance(title, str) else title
        assert len(titles) == B and (isinstance(title, str) or not cfg.beam), "one title per row, no beams"
        self.titles = list(titles)  # (B,) each row's title
        if contrast is None:
            contrast = cfg.guidance > 0 or B > 1
        rows = titles + [""] * B if contrast else titles  # R = 2B rows: the title ones, then the empty ones
        self.copies = len(rows) // B
        self.keys, self.states, self.mask, self.state = dec._encode(rows)
        self.forms = torch.full((len(rows),), form_id(form.name), dtype=torch.long)  # (R,)
        self.dynasties = torch.full_like(self.forms, dynasty_id(cfg.dynasty)) if dec.model.cfg.n_dynasties else None
        self.moods = None
        if dec.model.cfg.n_moods:  # the title rows read the mood, the contrast rows none: guidance steers by both
            self.moods = torch.zeros_like(self.forms)
            self.moods[:B] = mood_id(cfg.mood)
        self.plans = list(plans) if plans else [()] * B  # (B,) each row's plan, following it through reorders
        self.plan_ids = _plan_ids(self.plans) if dec.model.cfg.plan_inputs and plans else None  # (B, slots, 2)
        setup = Setup(form, list(pats), cfg, forced, rescue, dec.prosody, V, dec.penalties, tuple(titles),
                      tuple(self.plans) if plans else ())
        self.processors = [p for cls in chain() if (p := cls.create(setup, dec.prepared[cls])) is not None]
        self.rules = next((p for p in self.processors if isinstance(p, Rules)), None)
        self.groups = _groups(B, cfg.n) if cfg.beam else []
        self.score = _initial_scores(pats, self.groups) if cfg.beam else torch.zeros(B)
        self.lp = torch.zeros(self.copies, B)  # log p(chosen | title) [and | ∅], summed
        self.tokens = torch.full((B,), dec.vocab.bos, dtype=torch.long)  # (B,) the last placed
        self.out = torch.zeros(B, form.n_lines, form.n_chars, dtype=torch.long)
        self.used = np.zeros((B, V), dtype=bool)  # (B, V): characters each poem has, the fixed ones from the start
        self.used[:, sorted(set(forced.values()))] = True
        self._share(rows)

    def at(self, line: int, pos: int) -> Step:
        given = self.forced.get((line, pos))
        if given is None and self.shared is not None:  # the first character chosen: every row runs from here
            self.state, self.shared = _select_rows(self.state, self.inverse), None
        return Step(line, pos, given, self.out, self.used)

    def predict(self, step: Step, guide: bool = True) -> torch.Tensor:
        """Run the model one step: (1|2, B, V) log-probabilities; ``step.logp`` the guided (B, V)."""
        logits, self.state = self._model(self.tokens, self._slots(step.line, step.pos), line=step.line)
        logp = torch.log_softmax(logits.float(), dim=-1)  # (R, V), or the distinct rows' (R', V)
        if self.shared is not None:
            logp = logp[self.inverse]
        logp = logp.view(-1, self.B, logp.shape[-1])  # (1|2, B, V)
        if guide:
            step.logp = _guide(logp, self.cfg.guidance)  # (B, V)
        return logp

    def keep(self, step: Step) -> torch.Tensor:
        """(B,) the kept character, placed without a draw; the uniforms a draw takes are still taken,
        so that a seed gives the same poem as when kept characters were drawn among one."""
        torch.rand(self.B, generator=self.g, dtype=torch.float64)
        return torch.full((self.B,), step.given, dtype=torch.long)

    def allowed(self, step: Step) -> torch.Tensor:
        """(B, V) bool: the given character, or Han characters narrowed by each processor's mask in turn."""
        if step.given is not None:
            allowed = torch.zeros(self.B, len(self.dec.vocab), dtype=torch.bool)
            allowed[:, step.given] = True
            return allowed
        allowed = self.dec.hanzi.expand(self.B, -1)
        for p in self.processors:
            m = p.mask(step)
            if m is not None:
                allowed = narrow(allowed, m)
        return allowed

    def bias(self, step: Step) -> np.ndarray | None:
        """(B, V) float32: the processors' biases summed in order (none on a given character)."""
        if step.given is not None:
            return None
        total = None
        for p in self.processors:
            b = p.bias(step)
            if b is not None:
                total = b if total is None else total + b
        return total

    def reorder(self, idx: torch.Tensor, logp: torch.Tensor | None = None) -> torch.Tensor | None:
        """Follow a beam step (or a choice of lines): every per-row tensor (the empty-title rows follow theirs)."""
        assert self.shared is None, "rows are shared only without beams or a search over lines"
        rows = torch.cat([idx + k * self.B for k in range(self.copies)])  # (R,) the empty-title rows follow
        self.state = _select_rows(self.state, rows)
        if len(idx) != self.B:  # a slot's proposals (decoding.suggest) widen rows; a beam step keeps B (one title)
            self.keys, self.states, self.mask, self.forms = (t[rows] for t in (self.keys, self.states, self.mask,
                                                                               self.forms))
            self.dynasties = None if self.dynasties is None else self.dynasties[rows]
            self.moods = None if self.moods is None else self.moods[rows]
            self.B = len(idx)
        self.out, self.lp, self.used = self.out[idx], self.lp[:, idx], self.used[idx.numpy()]
        self.tokens = self.tokens[idx]
        self.pats = [self.pats[int(i)] for i in idx]  # each row's pattern follows it (the rules' state keeps its own)
        self.titles = [self.titles[int(i)] for i in idx]
        self.plans = [self.plans[int(i)] for i in idx]
        self.plan_ids = None if self.plan_ids is None else self.plan_ids[idx]
        for p in self.processors:
            p.reorder(idx)
        return None if logp is None else logp[:, idx]

    def keep_best_lines(self, line: int, K: int) -> None:
        """A search over lines: rows ``g·K … g·K + K − 1`` are K samples of line ``line`` of candidate g,
        on one prefix. Each group keeps its best row, ranked as whole poems are
        (:func:`.candidate.rank_score`, a setting that clashes last: :mod:`tangshi.setting`) on the
        lines so far; its K rows all continue from it, and sample the next line apart."""
        from tangshi.decoding.candidate import rank_key, rank_score
        from tangshi.setting.lexicon import clashes

        written = self.candidates(lines=line + 1)
        key = [rank_key(rank_score(c), clashes(t, c.lines), self.cfg.setting_strength)
               for t, c in zip(self.titles, written)]
        idx = [min(range(g, g + K), key=lambda b: key[b]) for g in range(0, self.B, K) for _ in range(K)]
        self.reorder(torch.tensor(idx))

    def feed(self, step: Step) -> None:
        """Place the kept character without scoring it: the model's state advances, no logits are made."""
        _, self.state = self._model(self.tokens, self._slots(step.line, step.pos), want_logits=False, line=step.line)
        self.place(step, self.keep(step))

    def place(self, step: Step, tokens: torch.Tensor, logp: torch.Tensor | None = None) -> None:
        """Write ``tokens`` (B,) at the step, score them (unless no ``logp``), and let every processor follow."""
        if logp is not None:
            self.lp += logp.gather(2, tokens.expand(self.copies, self.B)[..., None])[..., 0]
        self.out[:, step.line, step.pos] = tokens
        self.used[np.arange(self.B), tokens.numpy()] = True
        step.out, step.used = self.out, self.used
        for p in self.processors:
            p.advance(step, tokens)
        self.tokens = tokens

    def end_line(self, line: int) -> None:
        """Feed the line's punctuation (by construction; its probability is not scored)."""
        if line + 1 < self.form.n_lines:
            _, self.state = self._model(self.tokens, self._slots(line, None), want_logits=False, line=line)
            self.tokens = torch.full((self.B,), self.dec.period if line % 2 else self.dec.comma, dtype=torch.long)

    def candidates(self, lines: int | None = None) -> list[Candidate]:
        """Every row as a candidate: the whole poem, or (``lines``) its first lines, scored on them."""
        lines = self.form.n_lines if lines is None else lines
        n = lines * self.form.n_chars
        pattern_of = self.rules.patterns if self.rules is not None else self.pats
        contrast = self.copies == 2
        return [Candidate([self.dec.vocab.decode(r.tolist()) for r in self.out[b, :lines]], pattern_of[b],
                          float(self.lp[0, b]) / n, float(self.lp[0, b] - self.lp[1, b]) / n if contrast else None,
                          tuple(None if w is None else self.dec.vocab.decode(list(w)) for w in self.plans[b]))
                for b in range(self.B)]

    def _model(self, tokens: torch.Tensor, slots: torch.Tensor | None, want_logits: bool = True, line: int = 0):
        """The model's step for the R rows, or — while every row so far was kept — for the distinct ones."""
        tokens = tokens.repeat(self.copies) if self.copies > 1 else tokens  # (R,)
        inputs = (tokens, self.forms, self.keys, self.states, self.mask, self.dynasties, slots,
                  self.moods, self._plan_inputs(line))
        if self.shared is not None:
            inputs = tuple(None if t is None else t[self.shared] for t in inputs)
        tok, forms, keys, states, mask, dynasties, slots, moods, plans = inputs
        return self.dec.step(tok, forms, self.state, keys, states, mask, want_logits=want_logits,
                             dynasties=dynasties, slots=slots, moods=moods, plans=plans)

    def _share(self, rows: list[str]) -> None:
        """While the poem opens with kept characters, rows differ only by pattern, title and plan: run the
        distinct ones alone (``shared``, R' rows) and copy them out (``inverse``, R) when the first
        character is chosen. The same numbers either way: int8 products quantise each call's
        activations by their range, which copies of a row do not change."""
        self.shared = self.inverse = None
        if (0, 0) not in self.forced or self.cfg.beam or self.cfg.line_samples > 1:
            return
        plans = [tuple(p) if p else () for p in self.plans]
        keys = [(r < self.B, PATTERNS.index(self.pats[r % self.B]), rows[r], plans[r % self.B] if r < self.B else ())
                for r in range(len(rows))]
        distinct = list(dict.fromkeys(keys))
        if len(distinct) == len(keys):
            return
        self.shared = torch.tensor([keys.index(k) for k in distinct])  # (R',) one row of each kind
        self.inverse = torch.tensor([distinct.index(k) for k in keys])  # (R,) which of them each row is
        self.state = _select_rows(self.state, self.shared)

    def _plan_inputs(self, line: int) -> torch.Tensor | None:
        """(R, 2) the keyword of each row's slot of ``line``, for a model with plan inputs; the empty-title
        rows read none (as they read no mood: guidance steers by both). None: no model input, no plan."""
        if self.plan_ids is None:
            return None
        from tangshi.plan import slot_of

        out = torch.zeros(len(self.forms), 2, dtype=torch.long)  # (R, 2)
        out[: self.B] = self.plan_ids[:, slot_of(line, self.form.n_lines)]
        return out

    def _slots(self, line: int, pos: int | None) -> torch.Tensor | None:
        """(R, 4) what each row's next target must be (tangshi.masks.slots), for a model with rule inputs:
        character ``pos`` of ``line``, or (``pos`` None) the punctuation after it. The group is fed
        once the row's first rhyme stands and names one group."""
        if not self.dec.model.cfg.rule_inputs:
            return None
        cons = self.rules.cons if self.rules is not None else None
        k = cons.pattern.numpy() if cons is not None else np.array([PATTERNS.index(p) for p in self.pats])  # (B,)
        table, first = self.dec.slot_table
        base = table[k, line, self.form.n_chars if pos is None else pos]  # (B, 3): tone, pos, line
        group = np.zeros_like(k)
        if cons is not None:
            groups = cons.groups.numpy()  # (B, G)
            past = first[k] < line if pos is not None else first[k] <= line  # (B,): the first rhyme stands
            known = past & (groups.sum(1) == 1)
            group = np.where(known, groups.argmax(1) + 1, 0)  # (B,)
        slots = np.concatenate([base, group[:, None]], 1)  # (B, 4)
        if self.copies > 1:
            slots = np.tile(slots, (self.copies, 1))  # (R, 4): the empty-title rows alike
        return torch.from_numpy(slots)


def _plan_ids(plans: list) -> torch.Tensor:
    """(B, slots, 2) each row's keyword ids per slot, 0-padded (a one-character keyword, an empty slot)."""
    from tangshi.plan import SLOTS

    out = torch.zeros(len(plans), SLOTS, 2, dtype=torch.long)
    for b, plan in enumerate(plans):
        for k, word in enumerate(plan[:SLOTS]):
            if word is not None:
                out[b, k, : len(word)] = torch.tensor(word[:2])
    return out


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
