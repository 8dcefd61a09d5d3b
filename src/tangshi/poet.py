"""The Python API: ``Poet.load().write(form="七律", title="秋夜")``.

Takes a validated :class:`~tangshi.request.WriteRequest`, maps it into the model's script and
vocabulary, decodes a batch of candidates (:mod:`tangshi.decoding`), checks each one
(:mod:`tangshi.prosody`) and returns the best, rendered in the requested script. A user mistake
raises :class:`tangshi.errors.InputError` naming the bad value (and the request field).
"""
from __future__ import annotations

import dataclasses
import random
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tangshi.corpus.clean import HEADLINE
from tangshi.errors import CheckpointError, InputError, NoPoem
from tangshi.hanzi import join_lines
from tangshi.request import SuggestRequest, WriteRequest

DEFAULT_MODEL = Path(__file__).parent / "models" / "default"
REDECODES = 3  # more decodes while the checker rejects too many candidates (never seen twice)


@dataclass
class Poem:
    """A written poem with its checker report (the JSON fields of ``tangshi write --json``)."""

    text: str
    lines: list[str]
    form: str
    title: str
    score: float  # mean log-probability per character under the model, given the title
    pmi: float | None  # how much more likely the title makes the poem, per character (None: not measured)
    rank: float  # the score candidates were ranked by (tangshi.decoding.rank_score)
    pattern: str
    check: dict = field(repr=False)
    clashes: list = field(default_factory=list)  # where its setting contradicts itself or the title (tangshi.setting)
    plan: list = field(default_factory=list)  # its plan (tangshi.plan): keyword, lines (1-based), met

    def to_json(self) -> dict:
        """The poem as ``tangshi write --json`` and ``POST /api/poems`` give it, its 对仗 included."""
        return {"text": self.text, "lines": self.lines, "form": self.form, "title": self.title,
                "score": round(self.score, 4), "pmi": None if self.pmi is None else round(self.pmi, 4),
                "rank": round(self.rank, 4), "pattern": self.pattern, "check": {**self.check, "duizhang": self.duizhang},
                "clashes": self.clashes, "plan": self.plan}

    @cached_property
    def duizhang(self) -> list[dict]:
        """Each couplet's 对仗 as ``tangshi check`` reports it (a 律诗's four couplets; a 绝句 has none).
        Computed on first use: it runs the tagger, which takes a second or two to load once per process —
        a cost that ``tangshi write``'s text output, which does not show 对仗, never pays."""
        from tangshi.duizhang import duizhang

        return [c.to_json() for c in duizhang(self.lines)]

    def __str__(self) -> str:
        head = f"《{self.title}》\n" if self.title else ""
        return head + "\n".join(line + ("。" if i % 2 else "，") for i, line in enumerate(self.lines))


class TitleIgnored(UserWarning):
    """Characters of the title that the model cannot read were left out (maybe all of them)."""


@dataclass
class _Job:
    """A request made concrete for this model: its rows (one pattern each), title, fixed characters."""

    req: WriteRequest
    cfg: object  # DecodeConfig
    rows: list
    title: str
    forced: dict
    broken: bool  # the given lines break even the patterns they fit best
    rescue: dict = field(default_factory=dict)  # (line, pos) -> patterns whose row must put 平 there
    plans: list = field(default_factory=list)  # (rows,) each row's keywords per slot (tangshi.plan), or []


class Poet:
    """A loaded model, ready to write; see :meth:`write`."""

    def __init__(self, model, vocab, header: dict, precision: str = "auto") -> None:
        from tangshi.decoding import Decoder, model_penalties

        self.decoder = Decoder(model, vocab, precision, model_penalties(header), header)
        self.vocab, self.header = vocab, header

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "cpu", threads: int | None = 1,
             precision: str = "auto") -> "Poet":
        """Load a checkpoint directory (default: the model shipped inside the package).

        ``precision`` is the generation step's: ``auto`` (int8 weights on an x86 CPU, else
        float32), ``int8`` or ``fp32`` (see :mod:`tangshi.decoding.stepper`).

        ``threads`` sets torch's CPU threads (``None`` leaves them alone). One is the default:
        decoding a few poems is a chain of small products, and a second thread mostly waits —
        or, on a busy machine, makes the first one wait (bench/generate_speed.py).
        """
        import torch

        from tangshi import checkpoint

        path = Path(path) if path is not None else DEFAULT_MODEL
        if not (path / "model.json").is_file():
            hint = " (the shipped model is missing from this installation)" if path == DEFAULT_MODEL else ""
            raise CheckpointError(f"no model at {path}{hint}; train one with `tangshi train` and pass --model")
        if threads is not None:
            torch.set_num_threads(threads)
        model, vocab, header = checkpoint.load(path, device)
        if header.get("kind", "poet") != "poet":  # a judge, say, once its kind is registered in this process
            raise CheckpointError(f"{path} holds a {header['kind']}, not a poet; pass a model from `tangshi train`")
        return cls(model, vocab, header, precision)

    @property
    def precision(self) -> str:
        """The generation step's weights: ``int8`` or ``fp32``."""
        return self.decoder.step.precision

    @property
    def model(self):
        """The network (a :class:`tangshi.model.PoemModel`, in eval mode)."""
        return self.decoder.model

    @cached_property
    def judge(self):
        """The shipped judge (tangshi.judge), loaded on first use: it reads candidates for the ranking."""
        from tangshi.judge import Judge

        return Judge.load()

    @property
    def name(self) -> str:
        return self.header.get("name", "tangshi")

    @property
    def conditions(self) -> dict[str, list[str]]:
        """The conditions this model was trained with: the dynasties it can write like, its moods."""
        from tangshi.corpus.clean import DYNASTIES
        from tangshi.mood import MOODS

        cfg = self.model.cfg
        return {"dynasties": list(DYNASTIES) if cfg.n_dynasties else [HEADLINE],
                "moods": list(MOODS) if cfg.n_moods else []}

    def write(self, request: WriteRequest | None = None, /, **fields) -> list[Poem]:
        """Write ``n`` poems, best first: pass a :class:`WriteRequest` or its fields as keywords.

        The fields, their defaults and their ranges: :class:`tangshi.request.WriteRequest`
        (``tangshi write --help`` lists them too).
        """
        req = _request(request, fields)
        job = self._prepare(req)
        cands = self.decoder.decode(req.form_spec, job.rows, job.title, job.forced, job.cfg, job.rescue,
                                    _contrast([job]), self._tokens(job.plans))
        return self._finish(job, self._refill(job, self._poems(job, cands, req.n), job.cfg))

    def write_batch(self, requests: list[WriteRequest], seed: int | None = None) -> list[list[Poem] | Exception]:
        """Answer several requests, merging those that can share a decode.

        Unseeded sampling requests of one form and one decoding setting (no acrostic, no first
        line, no beam: :meth:`WriteRequest.batch_key`) are decoded as one batch, one title per row:
        at batch 1 a step is bound by memory and dispatch, so k poems together cost far less than
        k alone. A seeded request is decoded alone, so that its seed gives the same poem as
        ``tangshi write``. With ``seed``, unseeded requests are merged all the same and the batch
        is decoded with that seed (reproducible for the same list: ``tangshi eval`` uses it).
        Each entry of the result is that request's poems, or the :class:`InputError` (or
        :class:`~tangshi.errors.NoPoem`) it raised.
        """
        out: list[list[Poem] | Exception | None] = [None] * len(requests)
        jobs, groups = {}, {}
        for k, req in enumerate(requests):
            try:
                jobs[k] = self._prepare(req, warn=False, pattern_seed=None if seed is None else seed + k)
            except InputError as err:
                out[k] = err
                continue
            key = req.replace(seed=None).batch_key() if seed is not None and req.seed is None else req.batch_key()
            groups.setdefault(key or ("alone", k), []).append(k)
        for members in groups.values():
            first = jobs[members[0]]
            rows = [pat for k in members for pat in jobs[k].rows]
            titles = [jobs[k].title for k in members for _ in jobs[k].rows]
            own = first.cfg.seed if first.req.seed is not None else None
            # one batch seed, made distinct per group: two equal requests decoded apart differ
            shared = None if seed is None else seed + members[0]
            # n is the beam's groups, and a beam request is decoded alone with its own: it stays the request's
            cfg = dataclasses.replace(first.cfg, seed=own if own is not None else shared)
            plans = [p for k in members for p in (jobs[k].plans or [None] * len(jobs[k].rows))]
            cands = self.decoder.decode(first.req.form_spec, rows, titles if len(members) > 1 else first.title,
                                        first.forced, cfg, first.rescue, _contrast([jobs[k] for k in members]),
                                        self._tokens(plans))
            at = 0
            for k in members:
                poems = self._poems(jobs[k], cands[at:at + len(jobs[k].rows)], jobs[k].req.n)
                try:
                    out[k] = self._finish(jobs[k], self._refill(jobs[k], poems, cfg))
                except NoPoem as err:  # that request alone fails
                    out[k] = err
                at += len(jobs[k].rows)
        return out  # type: ignore[return-value]

    def _prepare(self, req: WriteRequest, warn: bool = True, pattern_seed: int | None = None) -> _Job:
        """Everything but the decoding: the title and fixed characters in the model's terms, the rows.

        The rows' patterns are drawn with the request's seed (or ``pattern_seed`` when it has none).
        """
        from tangshi.decoding import DecodeConfig, choose_patterns, fit_given

        cfg = DecodeConfig.of(req)
        known = self.conditions
        if req.dynasty not in known["dynasties"]:
            raise InputError(f"this model was trained on {HEADLINE} poems only: dynasty {req.dynasty!r} needs a model"
                             f" trained with `tangshi corpus build --song`; choose {HEADLINE}", field="dynasty")
        if req.mood is not None and req.mood not in known["moods"]:
            raise InputError(f"this model was trained without moods: mood {req.mood!r} needs a model trained with"
                             " the mood condition (tangshi train, without --no-moods); leave the mood out",
                             field="mood")
        title = self._title(req.title, warn)
        forced = self._forced(req)
        given = sorted(req.kept_lines())
        fit = fit_given(self.decoder.prosody, req.form_spec, choose_patterns(req.form_spec, req.start,
                        req.first_rhymes), forced, req.rules, given)
        if req.poem is not None and fit.broken:  # a poem's kept lines are the writer's: say where they break
            raise InputError(self._break(req, fit), field="line" if req.line is not None else "keep")
        if req.rhyme is not None:
            fit = dataclasses.replace(fit, patterns=self._rhyming(req, fit.patterns, forced))
        elif req.poem is not None and req.rules != "off":  # kept rhymes further on fix the group from the start
            fit, rhyme = self._kept_rhyme(fit, forced, req.form_spec.n_chars, "line" if req.line else "keep")
            cfg = dataclasses.replace(cfg, rhyme=rhyme)
        rows = _rows(fit.patterns, req, bool(forced), req.seed if req.seed is not None else pattern_seed)
        plans = self._plans(req, title, rows, req.seed if req.seed is not None else pattern_seed)
        return _Job(req, cfg, rows, title, forced, fit.broken, fit.rescue, plans)

    def _plans(self, req: WriteRequest, title: str, rows: list, seed: int | None) -> list:
        """Each row's plan (tangshi.plan): the request's keywords, in the model's script, then keywords
        the planner draws for the title (each row its own draw, from the seed); [] without a plan.
        A keyword the model cannot read, or whose tones fit no place in its lines, is one InputError."""
        import random

        from tangshi.decoding.processors.plan import fits
        from tangshi.plan import slot_lines
        from tangshi.plan.planner import load as load_planner
        from tangshi.script import require_known

        given = req.keyword_list()
        if not given and not req.plan:
            return []
        words = [require_known(w, self.vocab, f"keyword {w!r}", "keywords") for w in given]
        spans = slot_lines(req.form_spec.n_lines)
        for k, w in enumerate(words):
            ids = [self.vocab.index[c] for c in w]
            if not any(fits(ids, pat, spans[k], self.decoder.prosody) for pat in rows):
                lines = "–".join(dict.fromkeys(str(i + 1) for i in (spans[k][0], spans[k][-1])))  # 1, or 1–2
                raise InputError(f"the keyword 「{given[k]}」 cannot stand in line {lines} of a {req.form}: its tones fit"
                                 " no place the patterns leave for it there", field="keywords")
        planner = load_planner()
        known = lambda w: all(c in self.vocab.index for c in w)  # noqa: E731
        if not req.plan:  # the given keywords, the rest planned around them alike in every row
            return [planner.plan(title, words, known=known)] * len(rows)
        return [planner.plan(title, words, random.Random(f"{seed}:{k}") if seed is not None else random.Random(), known)
                for k in range(len(rows))]

    def _tokens(self, plans: list) -> list | None:
        """Plans as token ids per slot (None: an empty slot), for the decoder; None without plans."""
        if not any(plans):
            return None
        return [tuple(None if w is None else tuple(self.vocab.index[c] for c in w) for w in p) if p else ()
                for p in plans]

    def _rhyming(self, req: WriteRequest, pats: list, forced: dict[tuple[int, int], int]) -> list:
        """The patterns that can rhyme in ``req.rhyme``: the group offers enough rhyme characters, and
        each given line ending on a rhyme position ends on one of them. Otherwise one InputError."""
        from tangshi.hanzi import converter
        from tangshi.masks.constraints import _distinct_rhymes

        name = converter("t2s").convert(req.rhyme)
        if req.rules == "off":
            raise InputError(f"a rhyme group ({name}) needs the rules: strict or lenient", field="rhyme")
        vp = self.decoder.prosody
        g = vp.group_index(req.rhyme)
        offered = int(_distinct_rhymes(vp, req.rules == "strict")[g])
        kept = [p for p in pats if offered >= len(p.rhyme_lines)]
        if not kept:
            need = min(len(p.rhyme_lines) for p in pats)
            raise InputError(f"the rhyme group {name} offers {offered} rhyme characters this model knows; a"
                             f" {req.form} needs {need}", field="rhyme")
        n = req.form_spec.n_chars
        given = req.kept_lines()
        fits = [p for p in kept if all(bool(vp.rhyme[g, forced[(i, n - 1)]]) for i in p.rhyme_lines if (i, n - 1) in forced
                                       and i in given)]
        if not fits:
            ends = "、".join(f"「{vp.chars[forced[(i, n - 1)]]}」" for i in sorted(given))
            raise InputError(f"the given line ends on {ends}, which does not rhyme in {name}: leave --rhyme out,"
                             " or give a line that rhymes in it", field="rhyme")
        return fits

    def _break(self, req: WriteRequest, fit) -> str:
        """Where the kept lines of a poem break the form: the line and character, in one line."""
        name = req.form
        if fit.miss is not None:
            line, pos = fit.miss
            ch = req.kept_lines()[line][pos]
            return (f"kept line {line + 1}, character {pos + 1} 「{ch}」 breaks the form: no pattern of a {name} that"
                    " the other kept lines allow takes its tone there")
        return (f"the kept lines {', '.join(str(i + 1) for i in sorted(req.kept_lines()))} break the rules of a"
                f" {name} in every pattern, read in context (`tangshi check` shows where)")

    def suggest(self, request: SuggestRequest | None = None, /, **fields) -> dict:
        """The characters that fit one slot of a poem, best first, each with its readings (a dict, the
        JSON of ``tangshi suggest --json`` and ``POST /api/suggest``). See :class:`SuggestRequest`
        for the fields and :mod:`tangshi.decoding.suggest` for the ranking."""
        from tangshi.decoding import DecodeConfig, choose_patterns, fit_given
        from tangshi.decoding.suggest import propose
        from tangshi.hanzi import is_han, split_lines
        from tangshi.masks.constraints import line_templates
        from tangshi.prosody.lexicon import group_name
        from tangshi.rhymebook.book import readings
        from tangshi.script import from_model, require_known

        req = _request(request, fields, SuggestRequest)
        f, grid = req.form_spec, req.grid()
        forced = {(i, j): self.vocab.index[require_known(c, self.vocab, f"line {i + 1}", "poem")]
                  for i, row in enumerate(grid) for j, c in enumerate(row) if c is not None}
        given = [i for i, row in enumerate(grid) if any(c is not None for c in row)]
        fit = fit_given(self.decoder.prosody, f, choose_patterns(f, None, None), forced, req.rules, given)
        fit, rhyme = self._kept_rhyme(fit, forced, f.n_chars, "poem")
        cfg = dataclasses.replace(DecodeConfig.of(WriteRequest(form=req.form, rules=req.rules)), rhyme=rhyme)
        at = (req.line - 1, req.pos - 1)
        props = propose(self.decoder, f, fit.patterns, self._title(req.title, False), forced, cfg, at, req.n + 4)
        shown: dict[str, object] = {}  # two characters of the model's script may read as one in the user's (迴 回)
        for p in props:
            shown.setdefault(from_model(self.vocab.chars[p.token], req.script), p)
        slots = {t[at[1]] for pat in fit.patterns for t in line_templates(pat.lines[at[0]])}
        rhymes = at[1] == f.n_chars - 1 and any(at[0] in pat.rhyme_lines for pat in fit.patterns)
        current = split_lines(req.poem)[at[0]][at[1]]
        return {"line": req.line, "pos": req.pos, "char": current if is_han(current) else None,
                "tone": {"P": "平", "Z": "仄"}.get("".join(sorted(slots)), "either"),
                "rhymes": rhymes, "rhyme": group_name(rhyme, req.script) if rhymes and rhyme is not None else None,
                "pattern": fit.patterns[0].name,
                "suggestions": [{"char": c, "readings": readings(self.vocab.chars[p.token], req.script),
                                 "logp": round(p.logp, 4), "score": round(p.score, 4)}
                                for c, p in list(shown.items())[: req.n]]}

    def _kept_rhyme(self, fit, forced: dict[tuple[int, int], int], n: int, field: str):
        """The patterns and the 平 group that the kept lines' rhymes share (None: no kept rhyme).

        Kept lines that rhyme fix the group before the first line is written, so that the new lines
        rhyme with kept lines further on; kept rhymes that share no group are one InputError."""
        from tangshi.script import from_model

        vp = self.decoder.prosody
        shared: dict = {}
        for pat in fit.patterns:
            ends = [forced[(i, n - 1)] for i in pat.rhyme_lines if (i, n - 1) in forced]
            if not ends:
                return fit, None
            groups = vp.rhyme[:, ends].all(1)  # (G,): the groups every kept rhyme is in
            shared[pat] = {vp.group_names[g] for g in groups.nonzero().flatten().tolist()}
        counts = {g: sum(g in gs for gs in shared.values()) for gs in shared.values() for g in gs}
        if not counts:
            lines = sorted({i for pat in fit.patterns for i in pat.rhyme_lines if (i, n - 1) in forced})
            ends = "、".join(f"line {i + 1} 「{from_model(vp.chars[forced[(i, n - 1)]], 'simplified')}」" for i in lines)
            raise InputError(f"the rhymes of {ends} share no 平 group of 平水韵: keep lines that rhyme together",
                             field=field)
        group = max(sorted(counts), key=lambda g: counts[g])
        return dataclasses.replace(fit, patterns=[p for p in fit.patterns if group in shared[p]]), group

    def _title(self, title: str | None, warn: bool) -> str:
        """The title in the model's script, without the characters it cannot read (with a warning)."""
        from tangshi.script import to_model

        title = (title or "").strip()
        mapped, unknown = to_model(title, self.vocab)
        if not unknown:
            return mapped
        lost = {orig for orig, _ in unknown if not orig.isspace()}  # spaces are never read; not a loss
        if not lost:
            return mapped
        kept = "".join(c for c in mapped if c not in lost).strip()
        if warn and kept:
            warnings.warn(f"the model cannot read {''.join(sorted(lost))!r} in the title; it reads {kept!r}",
                          TitleIgnored, stacklevel=3)
        elif warn:
            warnings.warn(f"the model reads no character of the title {title!r}; writing without a title",
                          TitleIgnored, stacklevel=3)
        return kept

    def _forced(self, req: WriteRequest) -> dict[tuple[int, int], int]:
        """(line, pos) → token id of every character the user fixed."""
        from tangshi.script import require_known

        forced: dict[tuple[int, int], int] = {}
        for i, line in req.kept_lines().items():
            what, name = ("first line", "first_line") if req.poem is None else (f"line {i + 1}", "poem")
            for j, ch in enumerate(require_known(line, self.vocab, what, name)):
                forced[(i, j)] = self.vocab.index[ch]
        if req.heads is not None:
            for i, ch in enumerate(require_known(req.heads, self.vocab, "acrostic", "acrostic")):
                tok = self.vocab.index[ch]
                if forced.get((i, 0), tok) != tok:
                    raise InputError(f"line {i + 1} of the {'first line' if req.poem is None else 'poem'} starts with"
                                     f" {self.vocab.chars[forced[(i, 0)]]!r}, but the acrostic asks for"
                                     f" {req.heads[i]!r}", field="acrostic")
                forced[(i, 0)] = tok
        return forced

    def _poems(self, job: _Job, cands: list, enough: int = 0) -> list[tuple[Poem, bool]]:
        """The decoded candidates of one request, rendered in its script and checked as a reader would,
        each with whether it is *sound*: it passes in either script (the page switches scripts and
        checks again; shown in simplified script 乾 becomes 干, which the checker reads back as 幹, and
        a rhyming 沈 of 十二侵 stays 沈, which in a simplified text the checker takes as 瀋, 仄).

        Strict rules are checked in the checker's default (contextual) mode: the decoder read each
        多音字 from its left neighbour alone; the check reads both neighbours.

        ``enough`` > 0: the candidates are checked best-ranked first, and checking stops once
        ``enough`` sound poems stand that differ pairwise in two lines — the ones :meth:`_finish`
        would choose from all of them (it ranks the same way, and keeps the first such); the rest
        are left out. With the rules off or given lines that break them, every candidate is kept.
        """
        from tangshi.decoding import rank_score
        from tangshi.decoding.candidate import JUDGE_WEIGHT, rank_key
        from tangshi.metrics import lines_apart
        from tangshi.prosody import check
        from tangshi.request import SCRIPTS
        from tangshi.script import from_model
        from tangshi.setting.lexicon import clashes

        req = job.req
        mode = "lenient" if req.rules == "lenient" else "contextual"
        if req.rules == "off" or job.broken:
            enough = 0
        weight = JUDGE_WEIGHT if req.judge_weight is None else req.judge_weight
        if weight and len(cands) > 1:  # the judge reads every candidate (one batch)
            cands = [dataclasses.replace(c, judge=j) for c, j in zip(cands, self.judge.score([c.lines for c in cands]))]
        ranks = [rank_score(c, weight) for c in cands]
        clashing = [clashes(job.title, c.lines) for c in cands]
        order = sorted(range(len(cands)), key=lambda i: rank_key(ranks[i], clashing[i], req.setting_strength)) \
            if enough else range(len(cands))
        out, apart, spread = [], [], _spread(req)
        for i in order:
            c = cands[i]
            lines = [from_model(line, req.script) for line in c.lines]
            text = join_lines(lines)
            report = check(text, mode)
            sound = report.ok
            for script in SCRIPTS:
                if not sound or script == req.script:
                    continue
                other = join_lines([from_model(line, script) for line in c.lines])
                if other != text:  # even the same characters may read otherwise: simplified 沈 may be 瀋 (仄)
                    sound = check(other, mode).ok
            out.append((Poem(text, lines, req.form, from_model(job.title, req.script), c.score, c.pmi,
                             ranks[i], c.pattern.name, report.to_json(), clashing[i], _plan_report(c, req)), sound))
            if enough and sound and all(lines_apart(lines, q) >= spread for q in apart):
                apart.append(lines)
                if len(apart) >= enough:
                    break
        return out

    def _refill(self, job: _Job, poems: list[tuple[Poem, bool]], cfg) -> list[Poem]:
        """Drop the candidates that are not sound (see :meth:`_poems`), decoding more (at most
        REDECODES times) while fewer than ``n`` remain. Given lines that break the rules, or rules
        off: nothing is dropped."""
        if job.req.rules == "off" or job.broken:
            return [p for p, _ in poems]
        good = [p for p, sound in poems if sound]
        for attempt in range(1, REDECODES + 1):
            # alternatives for a line must differ in it: count only those that do
            found = _apart(good, job.req.n, 1, strict=True) if job.req.line is not None else good
            if len(found) >= job.req.n:
                break
            seed = None if cfg.seed is None else cfg.seed + attempt * 1_000_003
            again = dataclasses.replace(job.cfg, seed=seed)
            # a beam search would find the same beams again: it searches wider instead
            rows = job.rows * (attempt + 1) if job.req.beam else job.rows
            plans = job.plans * (attempt + 1) if job.req.beam else job.plans
            cands = self.decoder.decode(job.req.form_spec, rows, job.title, job.forced, again,
                                        job.rescue, _contrast([job]), self._tokens(plans))
            good += [p for p, sound in self._poems(job, cands) if sound]
        if not good:
            raise NoPoem(f"no candidate of {job.req.rows} passed the rules in {REDECODES + 1} decodes; try"
                         " another seed, more --candidates, or --rules lenient")
        return good

    def _finish(self, job: _Job, poems: list[Poem]) -> list[Poem]:
        """The best ``n`` of one request's checked poems, best first.

        Ranked by :func:`tangshi.decoding.rank_score` (a poem the checker rejects — only when given
        lines break the rules — comes last, and a poem whose setting clashes, :mod:`tangshi.setting`,
        after every one that does not); each poem returned differs from every better one in
        at least two lines, while there are candidates that do. Each returned poem carries its 对仗.
        """
        from tangshi.decoding.candidate import rank_key

        poems = sorted(poems, key=lambda p: (not p.check["ok"], *rank_key(p.rank, p.clashes, job.req.setting_strength)))
        poems = _apart(poems, job.req.n, _spread(job.req))
        # The checker may blame the line after a misfit (失对), so judge the given lines by the masks.
        broken = [e["message"] for e in poems[0].check["errors"]] if job.broken and poems else []
        if broken:
            warnings.warn(f"the given line(s) break the rules ({'；'.join(broken[:3])}); only the new lines"
                          " are held to them", UserWarning, stacklevel=3)
        return poems


def _plan_report(c, req: WriteRequest) -> list[dict]:
    """A candidate's plan as a poem reports it: each keyword (in the request's script), its lines
    (1-based), and whether it stands in them."""
    from tangshi.plan import slot_lines
    from tangshi.script import from_model

    spans = slot_lines(len(c.lines))
    return [{"keyword": from_model(w, req.script), "lines": [i + 1 for i in spans[k]],
             "met": any(w in c.lines[i] for i in spans[k])} for k, w in enumerate(c.plan) if w is not None]


def _apart(poems: list[Poem], n: int, spread: int = 2, strict: bool = False) -> list[Poem]:
    """The first ``n`` of ``poems`` (best first) that differ pairwise in ``spread`` lines or more; then
    (unless ``strict``) the best of the rest."""
    from tangshi.metrics import lines_apart

    chosen: list[Poem] = []
    for p in poems:
        if len(chosen) < n and all(lines_apart(p.lines, q.lines) >= spread for q in chosen):
            chosen.append(p)
    for p in poems:  # too few far enough apart: fill with the best of the others
        if len(chosen) < n and p not in chosen and not strict:
            chosen.append(p)
    return chosen


def _spread(req: WriteRequest) -> int:
    """In how many lines the poems returned differ pairwise: two, or one when one line is free (alternatives)."""
    return min(2, req.form_spec.n_lines - len(req.kept_lines()))


def _contrast(jobs: list) -> bool:
    """Whether a decode runs the empty-title rows: to guide, or to rank a request's candidates by PMI."""
    return any(p.cfg.guidance > 0 or len(p.rows) > 1 for p in jobs)


def _request(request, fields: dict, cls: type = WriteRequest):
    """A validated request of ``cls``: the one given (with ``fields`` replaced), or one built of ``fields``."""
    known = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(fields) - set(known))
    what = "write" if cls is WriteRequest else "suggest"
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}; a {what} request has: {', '.join(known)}")
    if request is None:
        return cls(**fields)
    if not isinstance(request, cls):
        raise InputError(f"{what}() takes a {cls.__name__} or keyword fields, not {type(request).__name__}")
    return dataclasses.replace(request, **fields) if fields else request



def _rows(pats: list, req: WriteRequest, forced: bool, seed: int | None) -> list:
    """One pattern per decoded row: spread evenly for beams and forced characters, else drawn."""
    if req.beam:  # each beam group gets every pattern it can
        groups = [req.beam // req.n + (k < req.beam % req.n) for k in range(req.n)]
        return [pats[k % len(pats)] for width in groups for k in range(width)]
    if forced:  # forced characters may fit some patterns only: try each, keep the best
        return [pats[k % len(pats)] for k in range(max(req.rows, len(pats)))]
    rng = random.Random(seed)
    return [rng.choice(pats) for _ in range(req.rows)]


def poems_json(req: WriteRequest, poems: list) -> dict:
    """The answer of ``tangshi write --json`` and ``POST /api/poems``: the poems and, for alternatives
    (``line``), that line of each, best first."""
    return {"poems": [p.to_json() for p in poems],
            "alternatives": None if req.line is None else [p.lines[req.line - 1] for p in poems]}
