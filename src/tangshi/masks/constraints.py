"""Decoder constraints: which vocabulary items may come next, as batched boolean masks.

Build the per-vocabulary tables once per model with :meth:`VocabProsody.from_vocab` (tone classes
``ping``/``ze``/``ambiguous`` of shape ``(V,)`` and ``rhyme`` of shape ``(G, V)`` over the 30 平 groups),
then decode ``B`` candidates together with a :class:`ConstraintState`, each with its own pattern,
rhyme group, used rhymes and prefix::

    from tangshi.prosody import patterns, FORM_BY_NAME
    from tangshi.masks.constraints import VocabProsody, ConstraintState

    vp = VocabProsody.from_vocab(vocab_chars)              # once per model
    pats = [patterns(FORM_BY_NAME["五言绝句"])[i % 4] for i in range(B)]
    state = ConstraintState.start(vp, pats, rhyme_groups=None)   # None: any group, fixed by the 1st rhyme
    while not state.done.all():
        logits = model_step(...)                            # (B, V)
        logits = logits.masked_fill(~state.mask(), float("-inf"))
        state.advance(logits.argmax(-1))                    # (B,) token ids; line breaks are yours

How it works: each line type has a few accepted templates over ``P``/``Z``/``*`` (:func:`line_templates`:
the standard ones plus 孤平拗救 ``*PPZP`` and 特拗 ``PPZPZ``; no big 拗, whose rescue spans two lines).
A candidate keeps the set of templates still *live* for its line; a character may come next if some
live template admits every reading it has (strict) or one of them (lenient). So the 孤平 rule is a
mask that depends on the prefix (after 仄 at position 1 of ``PPZZP``-type lines, position 3 must be
平) and 三平尾 can never arise (position 3 of ``*ZZPP`` lines is 仄). Rhyme positions also need a
reading in one of the candidate's still-possible groups and a character not yet rhymed. Strict mode
never puts a 多音字 on a position unless both readings are allowed there; every poem decoded by
obeying the masks passes :func:`tangshi.prosody.check` in strict mode (tests/prosody prove it).

Everything per step is a few gathers and ``(B, V)`` boolean ops; see ``bench/prosody_masks.py``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from functools import cached_property, lru_cache
from typing import Sequence

import numpy as np
import torch

from tangshi.errors import choice_error
from tangshi.prosody.forms import TEMPLATES, LineType, Pattern, patterns
from tangshi.hanzi import converter
from tangshi.prosody.lexicon import P, Z, load, to_traditional

DATA = Path(__file__).parent.parent / "prosody" / "data"  # the packaged lexicon and reading model
VARIANT_TEMPLATES = {"a": ("*Z*PZ",), "B": ("PP*ZP", "*PPZP"), "b": ("*PPZZ", "PPZPZ"), "A": ("*ZZPP",)}
PATTERNS = patterns()  # the 16, indexed in the tables below
# Tone classes of a vocabulary item (items without a reading have none). "Mixed" items have both
# readings once every conversion is counted; lenient mode may still place them where *each*
# conversion has a fitting reading (``may_ping`` / ``may_ze``).
CLASSES = ("P", "Z", "mixed, may be P or Z", "mixed, may be P", "mixed, may be Z", "mixed", "either-way")
EITHER = CLASSES.index("either-way")  # 看 望 听 …: either tone is correct anywhere (tangshi.prosody.readings)


def line_templates(ltype: LineType, variants: bool = True) -> tuple[str, ...]:
    """Accepted full-line templates for ``ltype`` (7-character lines get their 2-character head)."""
    cores = VARIANT_TEMPLATES[ltype.core] if variants else (TEMPLATES[ltype.core],)
    return cores if ltype.n == 5 else tuple("*" + ltype.pos2 + c for c in cores)


def _admits(slot: str, cls: int, strict: bool) -> bool:
    """Does a template slot (``P``/``Z``/``*``) admit a character of class ``cls`` (see CLASSES)?"""
    if slot == "*" or cls == EITHER:
        return True
    if cls < 2:
        return slot == "PZ"[cls]
    if strict:  # a 多音字 only where both readings are allowed
        return False
    return slot in {2: "PZ", 3: "P", 4: "Z", 5: ""}[cls]


@dataclass(frozen=True)
class Tables:
    """Vocabulary-independent lookup tables over (pattern, step, live-template bits, class)."""

    allow: torch.Tensor  # (16, S, 4, C) bool: class admitted at this step
    next_live: torch.Tensor  # (16, S, 4, C) long: live bits after taking that class
    rhyme_step: torch.Tensor  # (16, S) bool
    n_steps: torch.Tensor  # (16,) long
    first_live: torch.Tensor  # (16,) long
    width: torch.Tensor  # (16,) long: characters a line

    @cached_property
    def allow_code(self) -> torch.Tensor:
        """(16, S, 4) long: :attr:`allow` as a bitmask over classes (a row of ``code_masks``)."""
        weights = 1 << torch.arange(self.allow.shape[-1], device=self.allow.device)
        return (self.allow.long() * weights).sum(-1)


@lru_cache(maxsize=4)
def tables(strict: bool, variants: bool) -> Tables:
    """Build (once) the tables for a mode."""
    max_steps = max(p.form.n_lines * p.form.n_chars for p in PATTERNS)
    shape = (len(PATTERNS), max_steps, 4, len(CLASSES))
    allow = torch.zeros(shape, dtype=torch.bool)
    next_live = torch.zeros(shape, dtype=torch.long)
    rhyme_step = torch.zeros(len(PATTERNS), max_steps, dtype=torch.bool)
    firsts = []
    for pi, pat in enumerate(PATTERNS):
        per_line = [line_templates(t, variants) for t in pat.lines]
        firsts.append((1 << len(per_line[0])) - 1)
        n = pat.form.n_chars
        for s in range(pat.form.n_lines * n):
            line, j = divmod(s, n)
            temps = per_line[line]
            rhyme_step[pi, s] = j == n - 1 and line in pat.rhyme_lines
            for live, cls in itertools.product(range(1 << len(temps)), range(len(CLASSES))):
                keep = [k for k, t in enumerate(temps) if live >> k & 1 and _admits(t[j], cls, strict)]
                allow[pi, s, live, cls] = bool(keep)
                if j < n - 1:
                    next_live[pi, s, live, cls] = sum(1 << k for k in keep)
                elif line + 1 < pat.form.n_lines:
                    next_live[pi, s, live, cls] = (1 << len(per_line[line + 1])) - 1
    n_steps = torch.tensor([p.form.n_lines * p.form.n_chars for p in PATTERNS])
    return Tables(allow, next_live, rhyme_step, n_steps, torch.tensor(firsts),
                  torch.tensor([p.form.n_chars for p in PATTERNS]))


def _candidates(char: str) -> set[str]:
    """Every traditional form the checker may read ``char`` as, in either script.

    A character the lexicon knows is read as itself: its own readings come first, and its variants
    (家's 傢, which reads 仄) or the other characters its simplified form stands for (乾 and 幹 for
    干) are not asked to agree. (Shown in simplified script, 乾 becomes 干, which the checker may read
    back as 幹: the poet checks every finished poem as shown, and drops one that fails.) For any other
    character every form it may come back as counts.
    """
    simplified = converter("t2s").convert(char)
    if load().knows(char):
        return {char}
    out = {char, to_traditional(char, simplified=False), to_traditional(char, simplified=True)}
    if len(simplified) == 1:  # shown in simplified script, the checker may read it as any preimage
        out |= {to_traditional(simplified, simplified=True)} | _preimages().get(simplified, set())
    return out | _preimages().get(char, set())


def _readable(char: str) -> bool:
    """Does the checker find a reading for ``char`` as shown in either script? (𧦧 is unknown itself,
    though its simplified form 𫍟 is known: the checker, shown 𧦧, reports it unknown.)"""
    lex = load()
    simplified = converter("t2s").convert(char)
    shown = {to_traditional(char, simplified=False)}
    if len(simplified) == 1:
        shown.add(to_traditional(simplified, simplified=True))
    return all(lex.lookup(f) for f in shown)


@lru_cache(maxsize=1)
def _preimages() -> dict[str, set[str]]:
    """Simplified char -> the lexicon's traditional chars that ``t2s`` maps to it (干 <- 乾 幹 干)."""
    out: dict[str, set[str]] = {}
    t2s = converter("t2s")
    for char in load().readings:
        out.setdefault(t2s.convert(char), set()).add(char)
    return out


# Bump when VocabProsody.from_vocab would build other tables from the same items and data: the
# tables cached on disk (VocabProsody.cached) are keyed by it.
TABLES_VERSION = 2  # 2: canon by the simplified form as shown (OpenCC, then the variant table)
TENSOR_FIELDS = ("ping", "ze", "ambiguous", "rhyme", "canon", "may_ping", "may_ze", "either", "poly", "poly_col",
                 "context")


def cache_dir() -> Path:
    """Where :meth:`VocabProsody.cached` keeps the tables: ``$TANGSHI_HOME/cache``."""
    from tangshi import paths

    return paths.home() / "cache"


def tables_key(chars: Sequence[str]) -> str:
    """SHA-256 of what the tables of ``chars`` depend on: the items, the packaged prosody data, the
    OpenCC release and :data:`TABLES_VERSION`."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(f"tangshi-prosody-tables {TABLES_VERSION}\n".encode())
    try:
        h.update(f"opencc {version('opencc')}\n".encode())
    except PackageNotFoundError:
        h.update(b"opencc ?\n")
    for f in sorted(DATA.iterdir()):
        if f.is_file():
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    h.update("\n".join(chars).encode("utf-8"))
    return h.hexdigest()


@dataclass(frozen=True)
class VocabProsody:
    """Tone classes and rhyme groups of a vocabulary, as torch bool tensors (build once per model).

    ``ping``/``ze``/``ambiguous`` (V,): readings only 平 / only 仄 / both (a 多音字, or a character
    whose script conversion depends on context, e.g. 干 -> 乾 or 幹). Items with no reading (special
    tokens, punctuation, unknown characters) are in none of them and never allowed in a poem.
    ``may_ping``/``may_ze`` (V,): every conversion of the item has a 平 / 仄 reading (lenient mode).
    ``rhyme`` (G, V): a 平 reading in group ``group_names[g]`` (under every conversion of the item).
    ``canon`` (V,): one id per simplified form as shown (:func:`tangshi.script.simplify`: OpenCC, then
    the variant table), so that a rhyme is never repeated in another script or as a variant.
    ``either`` (V,): the either-way 多音字 (看 望 听 …), placed anywhere. ``rhyme`` leaves out the
    rhyme readings real poems almost never use (tangshi.prosody.readings: 還 in 先, 書 in 支).
    ``context`` (V + 1, K) int8: for the item before (row V: a line's start), the tone class (0 平,
    1 仄, −1 unsure) that each of the K other 多音字 (``poly``, (K,) item ids; ``poly_col`` (V,) the
    inverse, −1 elsewhere) reads with confidence ≥ DECODE_CONFIDENT in that left context.
    """

    chars: tuple[str, ...]
    ping: torch.Tensor
    ze: torch.Tensor
    ambiguous: torch.Tensor
    rhyme: torch.Tensor
    canon: torch.Tensor
    group_names: tuple[str, ...]
    may_ping: torch.Tensor
    may_ze: torch.Tensor
    either: torch.Tensor
    poly: torch.Tensor
    poly_col: torch.Tensor
    context: torch.Tensor

    @classmethod
    def cached(cls, chars: Sequence[str], device: torch.device | str | None = None) -> "VocabProsody":
        """:meth:`from_vocab`, kept between processes in ``$TANGSHI_HOME/cache`` (safetensors).

        Building the tables reads every item's readings and scripts (most of a second, a third of
        ``tangshi write``'s time as a process); they depend only on the items, the packaged prosody
        data, OpenCC and this code. The file's name is the SHA-256 of all four (:data:`TABLES_VERSION`
        stands for the code), so any change builds anew; a file that does not load as expected is
        rebuilt, and a home that cannot be written only costs the time."""
        import json

        from safetensors import SafetensorError
        from safetensors.torch import load_file, save

        from tangshi import atomic

        path = cache_dir() / f"prosody-{tables_key(chars)}.safetensors"
        try:
            t = load_file(path)
            if t["ping"].shape != (len(chars),) or t["context"].shape[0] != len(chars) + 1:
                raise ValueError("tables of another vocabulary")
            names = tuple(json.loads(bytes(t.pop("group_names").tolist()).decode("utf-8")))
            vp = cls(tuple(chars), group_names=names, **{k: v.to(device) for k, v in t.items()})
            return vp
        except (OSError, SafetensorError, RuntimeError, ValueError, KeyError, TypeError):
            pass
        vp = cls.from_vocab(chars)
        tensors = {f: getattr(vp, f).contiguous() for f in TENSOR_FIELDS}
        tensors["group_names"] = torch.tensor(list(json.dumps(vp.group_names).encode("utf-8")), dtype=torch.uint8)
        try:
            atomic.write_bytes(path, save(tensors))
        except OSError:
            pass
        return vp if device is None else cls(vp.chars, group_names=vp.group_names,
                                             **{f: getattr(vp, f).to(device) for f in TENSOR_FIELDS})

    @classmethod
    def from_vocab(cls, chars: Sequence[str], device: torch.device | str | None = None) -> "VocabProsody":
        """Tables for a vocabulary given as its items in id order (multi-char items get no reading)."""
        from tangshi.prosody import readings
        from tangshi.script import simplify

        lex, model = load(), readings.load()
        ping_groups = [g for g in lex.groups if g.ping]
        col = {g.index: k for k, g in enumerate(ping_groups)}
        masks, rhyme, canon_ids = [], torch.zeros(len(ping_groups), len(chars), dtype=torch.bool), []
        first_seen: dict[str, int] = {}
        for v, item in enumerate(chars):
            forms = [f for f in (_candidates(item) if len(item) == 1 and _readable(item) else ()) if lex.lookup(f)]
            mask, common = 0, P | Z
            for form in forms:
                mask |= lex.tone_mask(form)
                common &= lex.tone_mask(form)
            masks.append((mask, common if forms else 0))
            shared = set.intersection(*({g for g in lex.lookup(f) if g in col} for f in forms)) if forms else set()
            for gid in shared:  # a rhyme only where every reading of the item agrees, and poets used it
                if not model.rare_rhyme(item, lex.groups[gid].name):
                    rhyme[col[gid], v] = True
            canon_ids.append(first_seen.setdefault(simplify(item), v))  # as shown: 鴈 and 雁 are one 雁
        m, c = torch.tensor(masks, dtype=torch.long).T if masks else torch.zeros(2, 0, dtype=torch.long)
        ambiguous = m == P | Z
        # either-way only where the item reads as itself alone (a script ambiguity is not a 多音字)
        either = torch.tensor([bool(ambiguous[v]) and item in model.either and _candidates(item) == {item}
                               for v, item in enumerate(chars)], dtype=torch.bool)
        poly, context = _contexts(chars, ambiguous & ~either, model)
        poly_col = torch.full((len(chars),), -1, dtype=torch.long)
        poly_col[poly] = torch.arange(len(poly))
        return cls(tuple(chars), (m == P).to(device), (m == Z).to(device), ambiguous.to(device),
                   rhyme.to(device), torch.tensor(canon_ids, dtype=torch.long, device=device),
                   tuple(g.name for g in ping_groups), (c & P > 0).to(device), (c & Z > 0).to(device),
                   either.to(device), poly.to(device), poly_col.to(device), context.to(device))

    @cached_property
    def classes(self) -> torch.Tensor:
        """(C, V) bool, one row per class of ``CLASSES``."""
        mixed, p, z = self.ambiguous & ~self.either, self.may_ping, self.may_ze
        return torch.stack([self.ping, self.ze, mixed & p & z, mixed & p & ~z, mixed & ~p & z, mixed & ~p & ~z,
                            self.either])

    @cached_property
    def class_index(self) -> torch.Tensor:
        """(V,) long: each item's class (items without a reading get 0 but are never allowed)."""
        return self.classes.float().argmax(0)

    @cached_property
    def code_masks(self) -> torch.Tensor:
        """(2**C, V) bool: row ``code`` allows the items whose class bit is set in ``code``.

        A step's mask is then one row per candidate, gathered: a copy, not a per-item computation.
        """
        codes = torch.arange(1 << len(CLASSES), device=self.ping.device)
        bits = (codes[:, None] >> torch.arange(len(CLASSES), device=codes.device)) & 1  # (2**C, C)
        return (bits.float() @ self.classes.float()) > 0  # (2**C, C) @ (C, V)

    def group_masks(self, gbits: torch.Tensor, strict: bool) -> torch.Tensor:
        """(N, V) bool: items that rhyme in one of the groups in each bitmask of ``gbits`` (N,)."""
        distinct, inverse = torch.unique(gbits, return_inverse=True)
        rows = torch.stack([(self.rhyme_bits(strict) & int(b)) != 0 for b in distinct])  # (D, V)
        return rows.index_select(0, inverse)

    def rhyme_bits(self, strict: bool) -> torch.Tensor:
        """(V,) int64: bit g set when the item rhymes in group g (strict: and reads 平 alone)."""
        return self._bits_strict if strict else self._bits_lenient

    @cached_property
    def _bits_strict(self) -> torch.Tensor:
        return _bits(self.rhyme & (self.ping | self.either))

    @cached_property
    def _bits_lenient(self) -> torch.Tensor:
        return _bits(self.rhyme)

    def group_index(self, name: str | int) -> int:
        """Index into ``rhyme`` of a 平 group given by name (一東 …) or index."""
        if isinstance(name, int) and 0 <= name < len(self.group_names):
            return name
        if name in self.group_names:
            return self.group_names.index(name)
        raise choice_error("rhyme group", name, self.group_names)


@dataclass
class ConstraintState:
    """The constraint state of ``B`` candidates decoded together; :meth:`mask` then :meth:`advance`.

    ``step`` (B,) counts the characters placed; ``done`` (B,) is true once a candidate's poem is full.
    ``groups`` (B, G) are the rhyme groups each candidate may still use; ``used`` (B, V) its rhymes.
    CPU tensors: :meth:`mask` and :meth:`advance` read and write them through numpy views (decoding
    is a CPU loop; the tables are only read, by gathers that copy).
    """

    vocab: VocabProsody
    tables: Tables
    pattern: torch.Tensor  # (B,) index into PATTERNS
    step: torch.Tensor  # (B,)
    live: torch.Tensor  # (B,) template bits of the current line
    groups: torch.Tensor  # (B, G) bool
    used: torch.Tensor  # (B, V) bool
    strict: bool = True
    prev: torch.Tensor | None = None  # (B,) the item before, V at a line's start (strict: read in context)

    @classmethod
    def start(cls, vocab: VocabProsody, pats: Sequence[Pattern], rhyme_groups: Sequence[str | int | None] | None = None,
              strict: bool = True, variants: bool = True) -> "ConstraintState":
        """A fresh state: one candidate per pattern; ``rhyme_groups[b]`` a 平 group or ``None`` (any)."""
        device = vocab.ping.device
        if device.type != "cpu":
            raise ValueError(f"the rules' state runs on the CPU (numpy views), not on {device}")
        idx = torch.tensor([PATTERNS.index(p) for p in pats], device=device)
        tabs = _on_device(strict, variants, str(device))
        groups = torch.zeros(len(pats), len(vocab.group_names), dtype=torch.bool, device=device)
        for b, name in enumerate(rhyme_groups or [None] * len(pats)):
            if name is None:
                groups[b] = _viable(vocab, pats[b], strict)
            else:
                groups[b, vocab.group_index(name)] = True
        return cls(vocab, tabs, idx, torch.zeros_like(idx), tabs.first_live[idx].clone(), groups,
                   torch.zeros(len(pats), len(vocab.chars), dtype=torch.bool, device=device), strict,
                   torch.full_like(idx, len(vocab.chars)))

    @property
    def done(self) -> torch.Tensor:
        return torch.from_numpy(self._finished())  # (B,)

    def _finished(self) -> np.ndarray:
        """(B,) bool: each candidate's poem is full (on numpy views, as :meth:`mask` and :meth:`advance` read it)."""
        return self.step.numpy() >= self.tables.n_steps.numpy()[self.pattern.numpy()]

    def mask(self) -> torch.Tensor:
        """(B, V) bool: the items each candidate may place next (all false once done).

        Computed on numpy views of the tables and the state (CPU tensors, shared memory): at one or a
        few rows a step is some twenty small gathers, each several times cheaper in numpy than in torch.
        """
        t, vp = self.tables, self.vocab
        pattern, stp, done = self.pattern.numpy(), self.step.numpy(), self._finished()  # (B,) each
        step = np.minimum(stp, t.allow.shape[1] - 1)  # (B,)
        code = t.allow_code.numpy()[pattern, step, self.live.numpy()]  # (B,): a row of code_masks
        code[done] = 0
        out = vp.code_masks.numpy()[code]  # (B, V)
        read = self._read() if self.strict else None  # (B, K): the 多音字 as the context reads them
        if read is not None:  # a 多音字 the context settles may stand where its reading is allowed
            fits = ((code[:, None] >> np.maximum(read, 0).astype(np.int64)) & 1).astype(bool) & (read >= 0)  # (B, K)
            out[:, vp.poly.numpy()] |= fits
        rows = (t.rhyme_step.numpy()[pattern, step] & ~done).nonzero()[0]  # (R,)
        if rows.size:
            bits = _bits(self.groups[torch.from_numpy(rows)].T)  # (R,)
            fits = vp.group_masks(bits, self.strict).numpy()  # (R, V)
            if read is not None:  # a 多音字 read 平 here rhymes through its 平 readings
                ping = np.zeros_like(fits)
                ping[:, vp.poly.numpy()] = read[rows] == 0
                fits = fits | (vp.group_masks(bits, False).numpy() & ping)
            out[rows] = out[rows] & fits & ~self.used.numpy()[rows]
        return torch.from_numpy(out)

    def _read(self) -> np.ndarray | None:
        """(B, K) int8: each context-read 多音字's class after the item before (−1: unsure)."""
        if self.prev is None or not self.vocab.poly.numel():
            return None
        return self.vocab.context.numpy()[self.prev.numpy()]

    def advance(self, tokens: torch.Tensor) -> None:
        """Place ``tokens`` (B,) — each must be allowed by :meth:`mask` (finished candidates: ignored)."""
        t, vp = self.tables, self.vocab
        tok, pattern, stp = tokens.numpy(), self.pattern.numpy(), self.step.numpy()
        active = ~self._finished()  # (B,)
        cls = vp.class_index.numpy()[tok]  # (B,)
        if self.strict and self.prev is not None and vp.poly.numel():
            # a 多音字 the context settled counts as that tone for the templates: one item of its row
            col = vp.poly_col.numpy()[tok]  # (B,)
            settled = vp.context.numpy()[self.prev.numpy(), np.maximum(col, 0)].astype(np.int64)  # (B,)
            cls = np.where((col >= 0) & (settled >= 0), settled, cls)
        step = np.minimum(stp, t.allow.shape[1] - 1)
        at_rhyme = t.rhyme_step.numpy()[pattern, step] & active  # (B,)
        if at_rhyme.any():
            placed = tok[at_rhyme]  # (R,)
            self.groups.numpy()[at_rhyme] &= vp.rhyme.numpy()[:, placed].T  # (R, G)
            canon = vp.canon.numpy()
            self.used.numpy()[at_rhyme] |= canon[None, :] == canon[placed][:, None]  # (R, V)
        live = self.live.numpy()
        self.live = torch.from_numpy(np.where(active, t.next_live.numpy()[pattern, step, live, cls], live))
        self.step = torch.from_numpy(stp + active)
        if self.prev is not None:
            start = (self.step.numpy() % t.width.numpy()[pattern]) == 0  # (B,) the next is a line's first
            self.prev = torch.from_numpy(np.where(start, len(vp.chars), tok))


def _contexts(chars: Sequence[str], poly: torch.Tensor, model) -> tuple[torch.Tensor, torch.Tensor]:
    """(K,) ids of the 多音字 read in context, and (V + 1, K) int8: their tone class after each item.

    The class is the confident reading, P(平 | left, char) >= DECODE_CONFIDENT (0) or <= 1 − it (1),
    else −1. Row V is a line's start. Only the left neighbour is known while decoding; the finished
    poem is checked with both (tangshi.poet drops a candidate the context then reads otherwise).
    """
    from tangshi.prosody.readings import DECODE_CONFIDENT, START

    ids = poly.nonzero().squeeze(1)  # (K,)
    sure = DECODE_CONFIDENT

    def cls(p: float) -> int:
        return 0 if p >= sure else 1 if p <= 1 - sure else -1

    index = {c: v for v, c in enumerate(chars)}
    poly_chars = [chars[int(v)] for v in ids]
    base = torch.tensor([cls(model.p_ping(None, c, None)) for c in poly_chars], dtype=torch.int8)  # (K,)
    table = base.repeat(len(chars) + 1, 1)  # (V + 1, K)
    col = {c: k for k, c in enumerate(poly_chars)}
    for key in model.left:  # the left contexts seen in the corpus; every other pair reads as the char alone
        left, char = key[:-1], key[-1]
        k = col.get(char)
        row = len(chars) if left == START else index.get(left)
        if k is not None and row is not None:
            table[row, k] = cls(model.p_ping(left, char, None))
    return ids, table


def _bits(rows: torch.Tensor) -> torch.Tensor:
    """(G, N) bool -> (N,) int64 with bit g set where row g is true (G <= 62)."""
    weights = 1 << torch.arange(rows.shape[0], device=rows.device, dtype=torch.long)  # (G,)
    return (rows.long() * weights[:, None]).sum(0)


@lru_cache(maxsize=8)
def _on_device(strict: bool, variants: bool, device: str) -> Tables:
    t = tables(strict, variants)
    return Tables(*(x.to(device) for x in (t.allow, t.next_live, t.rhyme_step, t.n_steps, t.first_live, t.width)))


def _viable(vocab: VocabProsody, pat: Pattern, strict: bool) -> torch.Tensor:
    """(G,) groups with enough distinct rhymes (of the mode's kind) for every rhyme position."""
    return _distinct_rhymes(vocab, strict) >= len(pat.rhyme_lines)


@lru_cache(maxsize=4)
def _distinct_rhymes(vocab: VocabProsody, strict: bool) -> torch.Tensor:
    """(G,) how many distinct rhyme characters (one per simplified form) each group offers."""
    rhyme = vocab.rhyme & (vocab.ping | vocab.either) if strict else vocab.rhyme
    return torch.tensor([len(set(vocab.canon[row].tolist())) for row in rhyme])
