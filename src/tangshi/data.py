"""From poems to padded batches for teacher-forced training.

A poem becomes ``<bos> y1 … yT`` as input and ``y1 … yT <eos>`` as target: at each step
the network sees the true previous character (teacher forcing). Punctuation (，。) stays
in the sequence, so the model learns where lines end. Titles are read by the encoder;
in training a title is dropped (replaced by an empty one) with probability
``title_drop``, so the same model also writes without a title; likewise a poem's mood (the
tagger's label, :mod:`tangshi.mood.tagger`) is replaced by "none" with probability ``mood_drop``.

Batches are bucketed by length — poems of similar length share a batch, so little
compute goes to padding — and shuffled by a generator seeded with (seed, epoch), so
the order is the same on every machine and after every resume. Under DDP each rank
takes its own shard of every global batch.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from tangshi.corpus.build import CorpusPoem
from tangshi.corpus.clean import DYNASTIES, SHAPES, TITLE_MAX
from tangshi.corpus.vocab import Vocab
from tangshi.model import Batch
from tangshi.masks.slots import of_poem, poem_slots

IGNORE = -100  # target id masked out of the loss


def form_id(form: str) -> int:
    """The index of a shape label in :data:`tangshi.corpus.clean.SHAPES` (the model's form input)."""
    return SHAPES.index(form)


def encode_title(title: str, vocab: Vocab) -> list[int]:
    """``<bos>`` followed by the title's first :data:`TITLE_MAX` known characters."""
    return [vocab.bos] + [i for i in vocab.encode(title.replace(" ", "")) if i != vocab.unk][:TITLE_MAX]


@dataclass(frozen=True)
class Encoded:
    """A split, encoded once: ids per poem, ready to batch."""

    titles: list[list[int]]
    bodies: list[list[int]]  # y1 … yT <eos>, truncated to max_len
    forms: list[int]
    dynasties: list[int] | None = None  # ids in tangshi.corpus.clean.DYNASTIES (0 = 唐); None: not fed
    slots: list[list[tuple[int, int, int, int]]] | None = None  # per target (tangshi.masks.slots); None: not fed
    moods: list[int] | None = None  # the tagger's mood id per poem (0 = none, tangshi.mood); None: not fed
    plans: list[list[tuple[int, int]]] | None = None  # per target, its line's keyword ids (tangshi.plan); None: not fed

    def __len__(self) -> int:
        return len(self.bodies)

    @property
    def tokens(self) -> int:
        return sum(len(b) for b in self.bodies)


def encode_poems(poems: list[CorpusPoem], vocab: Vocab, max_len: int, dynasties: bool = False,
                 slots: bool = False, moods: bool = False, plans: bool = False) -> Encoded:
    """Encode poems (title, body, form [, dynasty] [, slots] [, mood] [, plan]) with ``vocab``; bodies
    longer than ``max_len`` are cut. ``slots``: the rule-aware inputs, from the checker's reading of
    each poem (about 1.5 ms a regulated poem); ``moods``: the tagger's label of each poem's lines;
    ``plans``: each poem's plan, the keywords of its lines (:func:`poem_plan`)."""
    bodies = [(vocab.encode(p.body) + [vocab.eos])[:max_len] for p in poems]
    mood_ids = None
    if moods:
        from tangshi.mood import mood_id
        from tangshi.mood.tagger import mood_of

        mood_ids = [mood_id(mood_of(p.body)) for p in poems]
    plan_ids = None
    if plans:
        from tangshi.plan.keywords import document_frequency

        df, n = document_frequency(p.lines for p in poems)
        plan_ids = [plan_targets(poem_plan(p.lines, df, n), p.lines, len(b), vocab) for p, b in zip(poems, bodies)]
    return Encoded([encode_title(p.title, vocab) for p in poems], bodies, [form_id(p.form) for p in poems],
                   [dynasty_id(p.dynasty) for p in poems] if dynasties else None,
                   [poem_slots(*of_poem(p.form, p.lines), len(b)) for p, b in zip(poems, bodies)] if slots else None,
                   mood_ids, plan_ids)


def poem_plan(lines, df, n_poems: int) -> list[str | None]:
    """A real poem's plan (tangshi.plan): per slot, the first keyword of its lines
    (:func:`tangshi.plan.keywords.poem_keywords`, df over the poems encoded together); [] for a poem
    whose line count is not a multiple of the slots (no regulated shape)."""
    from tangshi.plan import SLOTS, slot_lines
    from tangshi.plan.keywords import poem_keywords

    if not lines or len(lines) % SLOTS:
        return []
    kws = poem_keywords(lines, df, n_poems)
    return [next((kws[i] for i in span if kws[i]), None) for span in slot_lines(len(lines))]


def plan_targets(plan: list[str | None], lines, n_targets: int, vocab: Vocab) -> list[tuple[int, int]]:
    """Per target of a body (each line's characters and its punctuation, then the end), the keyword
    ids of its line's slot ((0, 0): none)."""
    from tangshi.plan import slot_of

    if not plan:
        return [(0, 0)] * n_targets
    out: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        w = plan[slot_of(i, len(lines))]
        ids = (0, 0) if w is None else tuple((vocab.encode(w) + [0, 0])[:2])
        out += [ids] * (len(line) + 1)
    out = out[:n_targets]
    return out + [(0, 0)] * (n_targets - len(out))


def dynasty_id(dynasty: str) -> int:
    """The index of a dynasty label in :data:`tangshi.corpus.clean.DYNASTIES` (the model's dynasty input)."""
    return list(DYNASTIES).index(dynasty)


def bucket_batches(data: Encoded, batch_size: int, seed: int, epoch: int, shuffle: bool = True) -> list[list[int]]:
    """Index lists of ``batch_size`` poems of similar length, in a reproducible order."""
    g = torch.Generator().manual_seed(seed * 100_003 + epoch)
    order = torch.randperm(len(data), generator=g).tolist() if shuffle else list(range(len(data)))
    chunk = batch_size * 50  # sort within chunks: similar lengths, still random across chunks
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: len(data.bodies[i]))
        batches += [part[k:k + batch_size] for k in range(0, len(part), batch_size)]
    if shuffle:
        perm = torch.randperm(len(batches), generator=g).tolist()
        batches = [batches[k] for k in perm]
    return batches


PAD_MULTIPLE = 8  # fewer distinct shapes → oneDNN reuses its compiled RNN primitives


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    width = -(-max(len(r) for r in rows) // PAD_MULTIPLE) * PAD_MULTIPLE
    out = torch.full((len(rows), width), value, dtype=torch.long)
    for k, r in enumerate(rows):
        out[k, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out


def _drops(n: int, rate: float, generator: torch.Generator | None) -> torch.Tensor:
    """(n,) bool: which rows lose a condition, each with probability ``rate``."""
    return torch.rand(n, generator=generator) < rate if rate > 0 else torch.zeros(n, dtype=torch.bool)


def collate(data: Encoded, idx: list[int], bos: int, title_drop: float = 0.0,
            generator: torch.Generator | None = None, mood_drop: float = 0.0, plan_drop: float = 0.0) -> Batch:
    """Pad one batch; drop titles with probability ``title_drop``, moods with ``mood_drop`` and plans
    with ``plan_drop`` (using ``generator``: titles first, then moods, then plans, so a run without
    moods or plans draws the same titles)."""
    drop = _drops(len(idx), title_drop, generator)
    titles = [[bos] if d else data.titles[i] for i, d in zip(idx, drop.tolist())]
    bodies = [data.bodies[i] for i in idx]
    targets = _pad(bodies, IGNORE)  # (B, T)
    inputs = _pad([[bos] + b[:-1] for b in bodies], 0)  # (B, T)
    forms = torch.tensor([data.forms[i] for i in idx], dtype=torch.long)  # (B,)
    dynasties = None if data.dynasties is None else torch.tensor([data.dynasties[i] for i in idx])  # (B,)
    slots = None
    if data.slots is not None:
        slots = torch.zeros(*inputs.shape, 4, dtype=torch.long)  # (B, T, 4): padding reads "nothing"
        for k, i in enumerate(idx):
            slots[k, : len(data.slots[i])] = torch.tensor(data.slots[i], dtype=torch.long)
    moods = None
    if data.moods is not None:
        kept = torch.tensor([data.moods[i] for i in idx], dtype=torch.long)  # (B,)
        moods = kept.masked_fill(_drops(len(idx), mood_drop, generator), 0)
    plans = None
    if data.plans is not None:
        plans = torch.zeros(*inputs.shape, 2, dtype=torch.long)  # (B, T, 2): padding reads no keyword
        for k, i in enumerate(idx):
            plans[k, : len(data.plans[i])] = torch.tensor(data.plans[i], dtype=torch.long)
        plans[_drops(len(idx), plan_drop, generator)] = 0  # a poem without a plan, as when none is asked
    return Batch(_pad(titles, 0), forms, inputs, targets, dynasties, slots, moods, plans)
