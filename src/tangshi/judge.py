"""The fluency judge: a second character model that reads each poem right to left.

The poet is a forward, title-conditioned model; a figure of quality computed with the poet
itself would reward what the poet already likes. The judge is trained apart, on the same corpus
and split, with no title and the other way round: at step t it predicts the character that
comes *before* the one it has just read. Its per-character loss on a poem is the **judge
score** (lower is more fluent). It never decodes nor ranks the poet's candidates; it only
measures them (``tangshi eval``).

    x(t) = E y(t-1)·√emb                 y: the poem's characters, last first
    a(t) = W h(t-1) + U x(t) + b, …      an LSTM (the tutorial's gates)
    o(t) = E P h(t) + c,  ŷ(t) = softmax(o(t))   the output tied to the embedding through P

A judge score is the mean of −log ŷ over a poem's Han characters (punctuation and the end
mark are read but not scored). A judge alone rewards bland, repeated or copied text, so
``tangshi eval`` reports distinct-2, repetition and copied lines beside it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from tangshi import checkpoint
from tangshi import nn as tnn
from tangshi.corpus.vocab import Vocab
from tangshi.data import IGNORE, Encoded
from tangshi.errors import CheckpointError, InputError, choice_error, require_in
from tangshi.hanzi import is_han, join_lines
from tangshi.model import Batch

DEFAULT_JUDGE = Path(__file__).parent / "models" / "judge"


@dataclass(frozen=True)
class JudgeConfig:
    """Every size of the judge; saved with its checkpoint."""

    vocab_size: int
    emb: int = 256
    hidden: int = 512
    layers: int = 1
    dropout: float = 0.1
    impl: str = "fused"

    def __post_init__(self) -> None:
        if self.impl not in ("fused", "reference"):
            raise choice_error("implementation", self.impl, ("fused", "reference"))
        for name, (lo, hi) in {"vocab_size": (5, 200_000), "emb": (1, 4096), "hidden": (1, 8192),
                               "layers": (1, 8)}.items():
            require_in(name, getattr(self, name), lo, hi)
        require_in("dropout", self.dropout, 0.0, 0.95, integer=False)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "JudgeConfig":
        if not isinstance(data, dict):
            raise InputError(f"the judge config must be a JSON object, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class JudgeModel(nn.Module):
    """The backward character LSTM (see the module docstring); ``model(batch)`` as the poet's."""

    def __init__(self, cfg: JudgeConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb, padding_idx=0)
        nn.init.normal_(self.embed.weight, std=cfg.emb ** -0.5)  # tied output: a near-uniform start
        with torch.no_grad():
            self.embed.weight[0].zero_()
        self.rnn = tnn.LSTM(cfg.emb, cfg.hidden, cfg.layers, dropout=cfg.dropout if cfg.layers > 1 else 0.0,
                            impl=cfg.impl)
        self.proj = nn.Linear(cfg.hidden, cfg.emb)  # P
        self.drop = nn.Dropout(cfg.dropout)
        self.out_bias = nn.Parameter(torch.zeros(cfg.vocab_size))  # c

    def logits(self, inputs: Tensor) -> Tensor:
        """inputs (B, T) -> o (B, T, V)."""
        x = self.drop(self.embed(inputs) * self.cfg.emb ** 0.5)  # (B, T, emb)
        h, _ = self.rnn(x)  # (B, T, H)
        return F.linear(self.drop(self.proj(self.drop(h))), self.embed.weight, self.out_bias)  # (B, T, V)

    def forward(self, batch: Batch) -> tuple[Tensor, Tensor]:
        """Teacher-forced loss over a batch (titles and forms are not read): (sum, tokens)."""
        o = self.logits(batch.inputs)
        loss = F.cross_entropy(o.flatten(0, 1).float(), batch.targets.flatten(), ignore_index=IGNORE, reduction="sum")
        return loss, (batch.targets != IGNORE).sum()

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


checkpoint.register_kind("judge", JudgeConfig, JudgeModel)


def reversed_body(lines: list[str]) -> str:
    """A poem's canonical body read right to left: 白日依山尽，黄河入海流。 -> 。流海入河黄，尽山依日白."""
    return join_lines(list(lines))[::-1]


def encode_reversed(poems, vocab: Vocab, max_len: int = 128) -> Encoded:
    """Corpus poems (``.lines``, ``.form``) as the judge reads them: body reversed, then the end mark."""
    from tangshi.data import form_id

    bodies = [(vocab.encode(reversed_body(p.lines)) + [vocab.eos])[:max_len] for p in poems]
    return Encoded([[vocab.bos] for _ in poems], bodies, [form_id(p.form) for p in poems])


class Judge:
    """A loaded judge: :meth:`score` gives per-poem judge scores."""

    def __init__(self, model: JudgeModel, vocab: Vocab) -> None:
        self.model, self.vocab = model.eval(), vocab
        self.scored = torch.tensor([len(c) == 1 and is_han(c) for c in vocab.chars])  # (V,)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Judge":
        """The judge at ``path`` (default: the one shipped in the package)."""
        path = Path(path) if path is not None else DEFAULT_JUDGE
        if not (path / checkpoint.HEADER).is_file():
            raise CheckpointError(f"no judge at {path}; train one with `python scripts/train_judge.py`")
        model, vocab, header = checkpoint.load(path)
        if not isinstance(model, JudgeModel):
            raise CheckpointError(f"{path} holds a {header.get('kind', 'poet')}, not a judge")
        return cls(model, vocab)

    @torch.inference_mode()
    def score(self, poems: list[list[str]], batch_size: int = 128) -> list[float]:
        """Mean −log p per Han character of each poem (lines in traditional characters), read backwards."""
        out: list[float] = []
        for start in range(0, len(poems), batch_size):
            chunk = [self.vocab.encode(reversed_body(p)) for p in poems[start:start + batch_size]]
            width = max(len(ids) for ids in chunk)
            inputs = torch.zeros(len(chunk), width, dtype=torch.long)  # (B, T): <bos> y1 … y(T-1)
            targets = torch.full((len(chunk), width), IGNORE, dtype=torch.long)  # (B, T)
            for b, ids in enumerate(chunk):
                inputs[b, : len(ids)] = torch.tensor([self.vocab.bos] + ids[:-1])
                targets[b, : len(ids)] = torch.tensor(ids)
            o = self.model.logits(inputs).float()  # (B, T, V)
            nll = F.cross_entropy(o.transpose(1, 2), targets.clamp(min=0), reduction="none")  # (B, T)
            keep = (targets != IGNORE) & self.scored[targets.clamp(min=0)]  # (B, T): Han characters only
            out += ((nll * keep).sum(1) / keep.sum(1).clamp(min=1)).tolist()
        return out
