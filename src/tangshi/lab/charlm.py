"""The smallest poet: a character language model of poem bodies, with no title and no rules.

The tutorial's project in its first form: read a poem character by character and predict the
next one. With x(t) the embedding of character t (tangshi's own layers, :mod:`tangshi.nn`):

    h(t) = cell(x(t), h(t−1))          Elman: tanh(W h(t−1) + U x(t) + b); or an LSTM, a GRU
    o(t) = V h(t) + c,  ŷ(t) = softmax(o(t))
    L = −(1/N) Σ_t log ŷ(t)[y(t+1)]    cross-entropy in nats, padding left out

Training feeds the real previous character (teacher forcing); :func:`sample` feeds the model
its own output, as a deployed poet must. It knows nothing of forms, tones or rhyme: that is what
the course shows by checking its samples (chapter 5), and what :mod:`tangshi.lab.tune` sweeps
the learning rate and the number of iterations on.

Poems come from the built data set (a slice of its splits); each body is its lines joined with
the punctuation of the corpus (，and 。) between a start mark and an end mark, both ``\\n``.
Everything here runs on one thread (:func:`tangshi.lab.one_thread`) so a seed gives the same
numbers on any machine.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import tangshi.nn as tnn

BOUNDARY = "\n"  # starts and ends every body
PAD = ""  # id 0: padding, never a target


def body(lines: tuple[str, ...] | list[str]) -> str:
    """'床前明月光', '疑是地上霜' → '床前明月光，疑是地上霜。' (，after odd lines, 。after even)."""
    return "".join(line + ("。" if i % 2 else "，") for i, line in enumerate(lines))


@dataclass(frozen=True)
class CharVocab:
    """The characters of a slice, most frequent first, after the pad (0), the boundary (1) and
    □ (2), which stands for any character outside the slice."""

    chars: tuple[str, ...]
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_texts(cls, texts: list[str]) -> "CharVocab":
        counts = Counter(ch for t in texts for ch in t)
        return cls((PAD, BOUNDARY, "□", *sorted(counts, key=lambda c: (-counts[c], c))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        """``text`` between two boundary marks, as ids (□ for a character outside the slice)."""
        return [1] + [self.index.get(ch, 2) for ch in text] + [1]


@dataclass(frozen=True)
class Slice:
    """A slice of the built data set: its vocabulary and the encoded bodies of each part."""

    vocab: CharVocab
    train: list[list[int]]
    valid: list[list[int]]
    texts: list[str]  # the training bodies, as read


def poem_slice(poems: int = 2000, valid: int = 300, home=None) -> Slice:  # type: ignore[no-untyped-def]
    """The first ``poems`` training poems and ``valid`` validation poems of the four regulated
    shapes (the data set's own order, so the same slice every time); the vocabulary is the
    training slice's characters. Needs ``tangshi corpus build`` (or a ``TANGSHI_HOME`` holding
    a build)."""
    from tangshi.corpus.build import REGULATED, load_dataset

    ds = load_dataset(home)
    pick = lambda split, k: [body(p.lines) for p in ds.split(split) if p.form in REGULATED][:k]  # noqa: E731
    texts, held = pick("train", poems), pick("valid", valid)
    vocab = CharVocab.from_texts(texts)
    return Slice(vocab, [vocab.encode(t) for t in texts], [vocab.encode(t) for t in held], texts)


def pad(rows: list[list[int]]) -> Tensor:
    """(B, T) long, 0-padded to the longest row."""
    out = torch.zeros(len(rows), max(map(len, rows)), dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out


class CharLM(nn.Module):
    """Embedding → one recurrent layer (rnn, lstm or gru from :mod:`tangshi.nn`) → V h + c."""

    def __init__(self, vocab: int, emb: int = 64, hidden: int = 128, cell: str = "lstm") -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)  # x(t) = E[y(t)]
        self.rnn = tnn.LAYERS[cell](emb, hidden)  # batch-first, fused kernels
        self.out = nn.Linear(hidden, vocab)  # o(t) = V h(t) + c

    def forward(self, tokens: Tensor, state=None):  # type: ignore[no-untyped-def]
        """(B, T) ids → (B, T, V) logits o(t), and the last state."""
        h, state = self.rnn(self.embed(tokens), state)  # (B, T, H)
        return self.out(h), state


def loss_of(model: CharLM, batch: Tensor) -> Tensor:
    """Mean next-character cross-entropy (nats) over the non-pad targets of ``batch`` (B, T)."""
    logits, _ = model(batch[:, :-1])  # (B, T−1, V)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1), ignore_index=0)


@torch.no_grad()
def evaluate(model: CharLM, rows: list[list[int]], batch: int = 64) -> float:
    """Mean cross-entropy per predicted character over ``rows`` (dropout off)."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(rows), batch):
        b = pad(rows[i : i + batch])
        n = int((b[:, 1:] != 0).sum())
        total += float(loss_of(model, b)) * n
        count += n
    model.train()
    return total / count


@dataclass(frozen=True)
class Guard:
    """When a run has diverged: a loss that is not finite (NaN, inf), or one worse than guessing
    uniformly among the V characters by ``margin`` nats (ln V is what a model that knows nothing
    scores; far above it, the weights have been thrown away)."""

    margin: float = 1.0

    def tripped(self, loss: float, vocab: int) -> bool:
        return not math.isfinite(loss) or loss > math.log(vocab) + self.margin


def train(model: CharLM, train_rows: list[list[int]], valid_rows: list[list[int]], *, lr: float, steps: int,
          batch: int = 32, clip: float = 1.0, eval_every: int = 25, seed: int = 0,
          guard: Guard = Guard()) -> dict:
    """Adam at a constant ``lr`` for ``steps`` steps of ``batch`` random poems, the global gradient
    norm clipped to ``clip`` (0: off). Returns ``{"train_loss": [per step], "valid": [[step, loss]],
    "diverged_at": step or None}``; a tripped :class:`Guard` ends the run at that step."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    vocab = model.out.out_features
    record: dict = {"train_loss": [], "valid": [[0, evaluate(model, valid_rows)]], "diverged_at": None}
    for step in range(1, steps + 1):
        pick = torch.randint(len(train_rows), (batch,), generator=g).tolist()
        loss = loss_of(model, pad([train_rows[i] for i in pick]))
        opt.zero_grad()
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        value = loss.item()
        record["train_loss"].append(value)
        if guard.tripped(value, vocab):
            record["diverged_at"] = step
            break
        opt.step()
        if step % eval_every == 0 or step == steps:
            record["valid"].append([step, evaluate(model, valid_rows)])
    return record


@torch.no_grad()
def sample(model: CharLM, vocab: CharVocab, n: int, *, temperature: float = 1.0, max_len: int = 80,
           seed: int = 0) -> list[str]:
    """``n`` bodies, each grown from the start mark by feeding the model its own samples
    (ŷ(t) → y(t+1) → x(t+1)) until the end mark or ``max_len`` characters."""
    model.eval()
    g = torch.Generator().manual_seed(seed)
    tokens = torch.ones(n, 1, dtype=torch.long)  # (n, 1): the start mark
    state, out = None, [[] for _ in range(n)]
    done = torch.zeros(n, dtype=torch.bool)
    for t in range(max_len):
        logits, state = model(tokens, state)  # (n, 1, V)
        logits = logits[:, -1] / temperature  # (n, V)
        logits[:, 0] = logits[:, 2] = -math.inf  # never the pad, nor the □ of unknown characters
        if t == 0:
            logits[:, 1] = -math.inf  # the end mark only once something is written
        tokens = torch.multinomial(torch.softmax(logits, -1), 1, generator=g)  # (n, 1)
        done |= tokens[:, 0] == 1
        for i in torch.nonzero(~done).flatten().tolist():
            out[i].append(vocab.chars[int(tokens[i, 0])])
        if bool(done.all()):
            break
    model.train()
    return ["".join(o) for o in out]
