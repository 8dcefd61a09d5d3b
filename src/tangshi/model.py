"""The poet's network: a title encoder, a recurrent character decoder, attention, a softmax.

    title ──► embedding ──► bidirectional GRU encoder ─► states s_1..s_m ──┐
                                                                           │ attention
    form ──► embedding ─┐                                                  ▼ (Luong, general)
    y(t-1) ─► embedding ─┴─(+)─► stacked RNN / LSTM / GRU ─► h(t) ─► [h(t); ctx(t)] ─► tanh
                                                                  ─► o(t) = V h'(t) + c ─► softmax

- The decoder is the tutorial's RNN language model: a(t) = W h(t-1) + U x(t) + b, then
  o(t) = V h(t) + c and ŷ(t) = softmax(o(t)); with ``cell="lstm"`` or ``"gru"`` the
  recurrence is gated. Its input x(t) is the embedding of the previous character — the
  true one in training (teacher forcing), the model's own choice in generation.
- The encoder is the tutorial's bidirectional RNN: it reads the whole title before the
  decoder starts. Its final states initialise the decoder; attention lets each step of
  the decoder look back at every title character.
- Attention is applied on top of the decoder's outputs, so the whole decoder runs as one
  fused kernel call in training.
- The output layer V is tied to the input embedding (through a small projection), which
  halves the parameters of the ~7k-way softmax.

This module does no I/O: checkpoints are :mod:`tangshi.checkpoint`'s job.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from tangshi import nn as tnn
from tangshi.errors import InputError, choice_error, require_in
from tangshi.masks.slots import SIZES as SLOT_SIZES

if TYPE_CHECKING:
    from tangshi.masks.slotmask import SlotMask

CELLS = {"rnn": tnn.RNN, "lstm": tnn.LSTM, "gru": tnn.GRU}
# The sizes a config may have: generous for real models, small enough that a corrupt or hostile
# model.json cannot ask for terabytes (hidden 10^6 would be a 16 TB decoder).
SIZES = {"vocab_size": (5, 200_000), "n_forms": (1, 64), "n_dynasties": (0, 16), "n_moods": (0, 64), "emb": (1, 4096),
         "hidden": (1, 8192), "layers": (1, 16), "enc_hidden": (1, 4096)}


@dataclass(frozen=True)
class ModelConfig:
    """Every size of the network; saved with each checkpoint."""

    vocab_size: int
    n_forms: int = 6
    # 0: trained on one dynasty's poems, no dynasty input (every checkpoint before 全宋诗);
    # otherwise the dynasty (tangshi.corpus.clean.DYNASTIES, 唐 = 0) is a condition like the form
    n_dynasties: int = 0
    # 0: no mood input (every checkpoint before the mood condition); otherwise 1 + len(tangshi.mood.MOODS):
    # id 0 "none", 1.. the moods, a condition like the form
    n_moods: int = 0
    # rule-aware inputs (tangshi.masks.slots): each step also reads what the next character must be
    rule_inputs: bool = False
    # the plan as an input (tangshi.plan): each step also reads its line's keyword; False for every earlier checkpoint
    plan_inputs: bool = False
    cell: str = "lstm"
    emb: int = 256
    hidden: int = 512
    layers: int = 2
    enc_hidden: int = 256
    dropout: float = 0.2
    impl: str = "fused"
    # Characters enter the networks as E[y]·√emb: the tied E starts at std 1/√emb (so that the first
    # output distribution is near uniform), and unscaled it would be drowned by the form embedding.
    # Checkpoints saved before this field existed did not scale (see from_dict).
    scale_inputs: bool = True

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise choice_error("cell type", self.cell, CELLS)
        if self.impl not in ("fused", "reference"):
            raise choice_error("implementation", self.impl, ("fused", "reference"))
        for name, (lo, hi) in SIZES.items():
            require_in(name, getattr(self, name), lo, hi)
        require_in("dropout", self.dropout, 0.0, 0.95, integer=False)
        for name in ("scale_inputs", "rule_inputs", "plan_inputs"):
            if not isinstance(getattr(self, name), bool):
                raise InputError(f"{name} must be true or false, got {getattr(self, name)!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        """The config saved in a checkpoint; unknown keys are ignored, bad values raise InputError."""
        if not isinstance(data, dict):
            raise InputError(f"the model config must be a JSON object, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        data = {"scale_inputs": False, **data}  # older checkpoints: inputs were not scaled
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Batch:
    """One padded batch. Pad id is 0; ``targets`` use -100 (ignored) at padding."""

    titles: Tensor   # (B, M) title ids, each row starts with <bos>
    forms: Tensor    # (B,) form ids
    inputs: Tensor   # (B, T) <bos> y1 .. y(T-1)
    targets: Tensor  # (B, T) y1 .. yT, -100 at padding
    dynasties: Tensor | None = None  # (B,) dynasty ids (0 = 唐), for a model with n_dynasties
    slots: Tensor | None = None  # (B, T, 4) what each target must be (tangshi.masks.slots), for rule_inputs
    moods: Tensor | None = None  # (B,) mood ids (0 = none, tangshi.mood), for a model with n_moods
    plans: Tensor | None = None  # (B, T, 2) each target's line keyword (0 = none, tangshi.plan), for plan_inputs

    def to(self, device: torch.device) -> "Batch":
        return Batch(*(None if t is None else t.to(device, non_blocking=True)
                       for t in (self.titles, self.forms, self.inputs, self.targets, self.dynasties, self.slots,
                                 self.moods, self.plans)))


class Encoder(nn.Module):
    """The bidirectional GRU over the title; returns its states and a summary."""

    def __init__(self, cfg: ModelConfig, embed: nn.Embedding) -> None:
        super().__init__()
        self.embed = embed
        self.scale = cfg.emb ** 0.5 if cfg.scale_inputs else 1.0
        self.rnn = tnn.GRU(cfg.emb, cfg.enc_hidden, bidirectional=True, impl=cfg.impl)

    def forward(self, titles: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """titles (B, M) -> states (B, M, 2E), mask (B, M), summary (B, 2E)."""
        mask = titles != 0  # (B, M)
        states, h = self.rnn(self.embed(titles) * self.scale)  # (B, M, 2E), (2, B, E)
        # Padding sits after the title, so the forward direction's last state has read it;
        # mean-pooling the valid positions gives a summary that padding cannot disturb.
        lengths = mask.sum(1, keepdim=True).clamp(min=1)  # (B, 1)
        summary = (states * mask.unsqueeze(-1)).sum(1) / lengths  # (B, 2E)
        return states, mask, summary


class PoemModel(nn.Module):
    """Title encoder + recurrent decoder + attention + tied softmax (see the module docstring)."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb, padding_idx=0)
        # The embedding is also the output layer V: at N(0, 1) the first logits would be large and
        # confidently wrong; at 1/sqrt(emb) the first distribution is near uniform, as nn.Linear's.
        nn.init.normal_(self.embed.weight, std=cfg.emb ** -0.5)
        with torch.no_grad():
            self.embed.weight[0].zero_()
        self.form_embed = nn.Embedding(cfg.n_forms, cfg.emb)
        self.dynasty_embed = nn.Embedding(cfg.n_dynasties, cfg.emb) if cfg.n_dynasties else None
        self.mood_embed = nn.Embedding(cfg.n_moods, cfg.emb) if cfg.n_moods else None
        # one table per slot id (tone, position, line, rhyme group), summed: SongNet's format symbols
        self.slot_embed = nn.ModuleList(nn.Embedding(n, cfg.emb) for n in SLOT_SIZES.values()) \
            if cfg.rule_inputs else None
        # the plan: a keyword's characters (as inputs, E[y]·s) averaged, then P (emb × emb; zero-started by a warm start)
        self.plan_proj = nn.Linear(cfg.emb, cfg.emb, bias=False) if cfg.plan_inputs else None
        self.encoder = Encoder(cfg, self.embed)
        self.init_h = nn.Linear(2 * cfg.enc_hidden, cfg.layers * cfg.hidden)
        # dropout between stacked layers; one layer has none to give (and torch would warn of it)
        between = cfg.dropout if cfg.layers > 1 else 0.0
        self.decoder = CELLS[cfg.cell](cfg.emb, cfg.hidden, cfg.layers, dropout=between, impl=cfg.impl)
        self.attn = nn.Linear(2 * cfg.enc_hidden, cfg.hidden, bias=False)  # score = h W_a s
        self.combine = nn.Linear(cfg.hidden + 2 * cfg.enc_hidden, cfg.emb)
        self.drop = nn.Dropout(cfg.dropout)
        self.out_bias = nn.Parameter(torch.zeros(cfg.vocab_size))  # c in o = V h + c; V is tied

    def initial_state(self, summary: Tensor):
        """Decoder state from the title summary: h0 = tanh(W s), c0 = 0."""
        B = summary.shape[0]
        h0 = torch.tanh(self.init_h(summary)).view(B, self.cfg.layers, self.cfg.hidden)  # (B, L, H)
        h0 = h0.transpose(0, 1).contiguous()  # (L, B, H)
        return (h0, torch.zeros_like(h0)) if self.cfg.cell == "lstm" else h0

    def encode(self, titles: Tensor) -> tuple[Tensor, Tensor, Tensor, object]:
        """titles (B, M) -> keys (B, M, H), states (B, M, 2E), mask (B, M), decoder state."""
        states, mask, summary = self.encoder(titles)
        keys = self.attn(states)  # (B, M, H): W_a s, precomputed once per title
        return keys, states, mask, self.initial_state(summary)

    @staticmethod
    def attend(h: Tensor, keys: Tensor, states: Tensor, mask: Tensor) -> Tensor:
        """Luong attention over the title: h (B, T, H) -> [h; ctx] (B, T, H + 2E)."""
        scores = h @ keys.transpose(1, 2)  # (B, T, M): h W_a s
        scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        ctx = torch.softmax(scores, dim=-1) @ states  # (B, T, 2E)
        return torch.cat([h, ctx], dim=-1)

    def logits(self, h: Tensor, keys: Tensor, states: Tensor, mask: Tensor) -> Tensor:
        """Attend and project. h (B, T, H) -> o (B, T, V)."""
        mixed = torch.tanh(self.combine(self.attend(h, keys, states, mask)))  # (B, T, emb)
        return F.linear(self.drop(mixed), self.embed.weight, self.out_bias)  # (B, T, V)

    @property
    def in_scale(self) -> float:
        """The factor on character embeddings entering the networks (√emb, or 1 for old checkpoints)."""
        return self.encoder.scale

    def condition(self, forms: Tensor, dynasties: Tensor | None = None, moods: Tensor | None = None) -> Tensor:
        """forms (B,) [, dynasties (B,)] [, moods (B,)] -> (B, emb): what every input step adds to its
        character: the form's embedding, plus the dynasty's for a model trained on several (default 唐,
        id 0), plus the mood's for a model trained with moods (default none, id 0)."""
        c = self.form_embed(forms)
        if self.dynasty_embed is not None:
            c = c + self.dynasty_embed(torch.zeros_like(forms) if dynasties is None else dynasties)
        if self.mood_embed is not None:
            c = c + self.mood_embed(torch.zeros_like(forms) if moods is None else moods)
        return c

    def slot_vectors(self, slots: Tensor | None, shape: tuple[int, ...]) -> Tensor | float:
        """slots (..., 4) -> (..., emb): the sum of the four slot embeddings; 0 without rule inputs.

        A model with rule inputs given no slots reads them as all 0 (nothing known)."""
        if self.slot_embed is None:
            return 0.0
        if slots is None:
            slots = torch.zeros(*shape, len(self.slot_embed), dtype=torch.long, device=self.embed.weight.device)
        return sum(table(slots[..., k]) for k, table in enumerate(self.slot_embed))

    def plan_vectors(self, plans: Tensor | None) -> Tensor | float:
        """plans (..., 2) keyword ids (0 = none) -> (..., emb): P · mean of the keyword's E[y]·s; 0
        without plan inputs or without a plan (a step whose line has no keyword reads 0 too)."""
        if self.plan_proj is None or plans is None:
            return 0.0
        present = (plans > 0).unsqueeze(-1)  # (..., 2, 1)
        chars = self.embed(plans) * self.in_scale * present  # (..., 2, emb)
        mean = chars.sum(-2) / present.sum(-2).clamp(min=1)  # (..., emb)
        return self.plan_proj(mean)

    def embed_inputs(self, ids: Tensor, forms: Tensor, dynasties: Tensor | None = None,
                     slots: Tensor | None = None, moods: Tensor | None = None, plans: Tensor | None = None) -> Tensor:
        """ids (B, T), forms (B,) [, slots (B, T, 4)] [, plans (B, T, 2)] -> x (B, T, emb): character
        (scaled), the condition, what each next character must be (rule inputs), its line's keyword."""
        x = self.embed(ids) * self.in_scale + self.condition(forms, dynasties, moods).unsqueeze(1)
        x = x + self.slot_vectors(slots, tuple(ids.shape))
        if self.plan_proj is not None and plans is not None:
            x = x + self.plan_vectors(plans)
        return self.drop(x)

    def scores(self, batch: Batch) -> Tensor:
        """Teacher-forced o(t) = V h'(t) + c at every step, (B, T, V)."""
        keys, states, mask, state = self.encode(batch.titles)
        h, _ = self.decoder(self.embed_inputs(batch.inputs, batch.forms, batch.dynasties, batch.slots, batch.moods,
                                              batch.plans), state)
        return self.logits(self.drop(h), keys, states, mask)  # (B, T, V)

    def forward(self, batch: Batch, masks: "SlotMask | None" = None, weight: float = 0.0) -> tuple[Tensor, Tensor]:
        """Teacher-forced loss: returns (sum of token losses, number of tokens).

        With ``masks`` and a weight λ > 0 (a model with rule inputs, batches with slots), each
        character also adds −λ log m(t), m(t) = Σ_{v allowed} ŷ(t)_v the probability its
        distribution puts on what the slot allows (tangshi.masks.slotmask)."""
        o = self.scores(batch).float()  # (B, T, V)
        loss = F.cross_entropy(o.flatten(0, 1), batch.targets.flatten(), ignore_index=-100, reduction="sum")
        if masks is not None and weight > 0 and batch.slots is not None:
            loss = loss - weight * masks.log_kept(o, masks.classes(batch.slots)).sum()
        return loss, (batch.targets != -100).sum()

    def log_probs(self, batch: Batch) -> Tensor:
        """Teacher-forced log ŷ(t): the whole next-character distribution at every step, (B, T, V)."""
        return torch.log_softmax(self.scores(batch).float(), dim=-1)  # (B, T, V)

    def token_logprobs(self, batch: Batch) -> Tensor:
        """Teacher-forced log p(y(t) | y(<t), title) of each target: (B, T), 0 at padding."""
        logp = self.log_probs(batch)  # (B, T, V)
        picked = logp.gather(2, batch.targets.clamp(min=0)[..., None])[..., 0]  # (B, T)
        return picked.masked_fill(batch.targets == -100, 0.0)

    def step(self, tokens: Tensor, forms: Tensor, state: object, keys: Tensor, states: Tensor,
             mask: Tensor, want_logits: bool = True, dynasties: Tensor | None = None,
             slots: Tensor | None = None, moods: Tensor | None = None,
             plans: Tensor | None = None) -> tuple[Tensor | None, object]:
        """One generation step: the previous tokens (B,) -> logits o(t) (B, V) and the new state.

        Deployed, the model's own previous output is fed back in (no teacher forcing).
        With ``want_logits=False`` only the state advances (the next token is already known).
        """
        x = self.embed_inputs(tokens[:, None], forms, dynasties, None if slots is None else slots[:, None], moods,
                              None if plans is None else plans[:, None])[:, 0]
        h, state = self.decoder.step(x, state)  # (B, H)
        if not want_logits:
            return None, state
        return self.logits(h.unsqueeze(1), keys, states, mask)[:, 0], state  # (B, V)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
