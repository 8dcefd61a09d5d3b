"""The Python API: ``Poet.load().write(form="七律", title="秋夜")``.

Validates a request, maps it into the model's script and vocabulary, decodes a batch of
candidates (:mod:`tangshi.decode`), checks each one (:mod:`tangshi.prosody`) and returns
the best, rendered in the requested script. Every user mistake raises
:class:`tangshi.errors.InputError` with a message naming the bad value.
"""
from __future__ import annotations

import inspect
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from tangshi.corpus.clean import HAN, LINE_BREAK, join_lines
from tangshi.errors import CheckpointError, InputError

DEFAULT_MODEL = Path(__file__).parent / "models" / "default"


@dataclass
class Poem:
    """A written poem with its checker report (the JSON fields of ``tangshi write --json``)."""

    text: str
    lines: list[str]
    form: str
    title: str
    score: float
    pattern: str
    check: dict = field(repr=False)

    def to_json(self) -> dict:
        return {"text": self.text, "lines": self.lines, "form": self.form, "title": self.title,
                "score": round(self.score, 4), "pattern": self.pattern, "check": self.check}

    def __str__(self) -> str:
        return (f"《{self.title}》\n" if self.title else "") + "\n".join(re.findall(r"[^，。]+[，。]", self.text))


class TitleTruncated(UserWarning):
    """The title was longer than the encoder reads; the rest was dropped."""


def split_given(text: str, n_chars: int, n_lines: int) -> list[str]:
    """Given opening lines (续写) → list of lines, each checked for length and script."""
    lines = [seg for seg in LINE_BREAK.split(text.strip()) if seg]
    if not lines:
        raise InputError("--first-line is empty")
    for line in lines:
        if not HAN.fullmatch(line):
            raise InputError(f"the first line {line!r} must be Chinese characters only")
        if len(line) != n_chars:
            raise InputError(f"the first line {line!r} has {len(line)} characters; this form needs {n_chars}")
    if len(lines) >= n_lines:
        raise InputError(f"--first-line gives {len(lines)} lines; the form has {n_lines}, so nothing is left to write")
    return lines


def batch_key(request: dict) -> tuple | None:
    """Requests (``write`` keyword dicts) with one key may share a decode; None: decode alone.

    Shared: unseeded sampling with no fixed characters (no acrostic, first line or beam), of
    one form and one decoding setting. A seeded request is decoded alone, so that its seed
    gives the same poems as ``tangshi write`` (int8 products quantise each batch as a whole).
    """
    from tangshi.decode import resolve_form

    req = {**_WRITE_DEFAULTS, **request}
    if req["seed"] is not None or req["beam"] or req["acrostic"] is not None or req["first_line"] is not None:
        return None
    try:
        form = resolve_form(req["form"]).name
    except InputError:
        return None  # it will fail alone, with its own message
    return (form, req["rules"], req["temperature"], req["top_k"], req["top_p"], req["max_repeat"])


@dataclass
class _Plan:
    """A validated request: its form, decoding setting, one pattern per decoded row, and the rest."""

    form: object
    cfg: object
    rows: list
    title: str
    forced: dict
    misfit: bool
    script: str
    rescue: dict = field(default_factory=dict)  # (line, pos) -> patterns whose row must put 平 there


class Poet:
    """A loaded model, ready to write; see :meth:`write`."""

    def __init__(self, model, vocab, header: dict, precision: str = "auto") -> None:
        from tangshi.decode import Decoder

        self.decoder = Decoder(model, vocab, precision)
        self.vocab, self.header = vocab, header

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "cpu", threads: int | None = 1,
             precision: str = "auto") -> "Poet":
        """Load a checkpoint directory (default: the model shipped inside the package).

        ``precision`` is the generation step's: ``auto`` (int8 weights on an x86 CPU, else
        float32), ``int8`` or ``fp32`` (see :mod:`tangshi.stepper`).

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
        return cls(model, vocab, header, precision)

    @property
    def precision(self) -> str:
        """The generation step's weights: ``int8`` or ``fp32``."""
        return self.decoder.step.precision

    @property
    def name(self) -> str:
        return self.header.get("name", "tangshi")

    def write(self, form: str = "七言律诗", title: str | None = None, acrostic: str | None = None,
              first_line: str | None = None, n: int = 1, seed: int | None = None, rules: str = "strict",
              temperature: float = 0.8, top_k: int = 0, top_p: float = 0.95, beam: int = 0,
              script: str = "simplified", start: str | None = None, first_rhymes: bool | None = None,
              max_repeat: int = 2) -> list[Poem]:
        """Write ``n`` poems, best first. See ``tangshi write --help`` for each argument."""
        plan = self._plan(form, title, acrostic, first_line, n, seed, rules, temperature, top_k, top_p, beam,
                          script, start, first_rhymes, max_repeat)
        return self._finish_plan(plan, self.decoder.decode(plan.form, plan.rows, plan.title, plan.forced, plan.cfg,
                                                             plan.rescue))

    def write_batch(self, requests: list[dict]) -> list[list[Poem] | Exception]:
        """Answer several :meth:`write` requests (keyword dicts), merging what can share a decode.

        Unseeded sampling requests of one form and one decoding setting (no acrostic, no first
        line, no beam) are decoded as one batch, one title per row: at batch 1 a step is bound
        by memory and dispatch, so k poems together cost far less than k alone. A seeded
        request is decoded alone, so that its seed gives the same poem as ``tangshi write``.
        Each entry of the result is that request's poems, or the error it raised.
        """
        from tangshi.decode import DecodeConfig

        out: list[list[Poem] | Exception | None] = [None] * len(requests)
        plans, groups = {}, {}
        for k, req in enumerate(requests):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", TitleTruncated)
                    plans[k] = self._plan(**req)
            except InputError as err:
                out[k] = err
                continue
            groups.setdefault(batch_key(req) or ("alone", k), []).append(k)
        for members in groups.values():
            first = plans[members[0]]
            rows = [pat for k in members for pat in plans[k].rows]
            titles = [plans[k].title for k in members for _ in plans[k].rows]
            cfg = DecodeConfig(**{**first.cfg.__dict__, "n": len(rows)})
            cands = self.decoder.decode(first.form, rows, titles if len(members) > 1 else first.title,
                                        first.forced, cfg, first.rescue)
            at = 0
            for k in members:
                out[k] = self._finish_plan(plans[k], cands[at:at + len(plans[k].rows)])
                at += len(plans[k].rows)
        return out  # type: ignore[return-value]

    def _plan(self, form: str = "七言律诗", title: str | None = None, acrostic: str | None = None,
              first_line: str | None = None, n: int = 1, seed: int | None = None, rules: str = "strict",
              temperature: float = 0.8, top_k: int = 0, top_p: float = 0.95, beam: int = 0,
              script: str = "simplified", start: str | None = None, first_rhymes: bool | None = None,
              max_repeat: int = 2) -> "_Plan":
        """Validate a request and decide its rows: everything but the decoding itself."""
        from tangshi.decode import DecodeConfig, choose_patterns, resolve_form
        from tangshi.model import TITLE_MAX
        from tangshi.script import SCRIPTS, to_model
        from tangshi.errors import choice_error

        if script not in SCRIPTS:
            raise choice_error("script", script, SCRIPTS)
        cfg = DecodeConfig(rules, temperature, top_k, top_p, beam, n, seed, max_repeat)
        f = resolve_form(form)
        title = (title or "").strip()
        if len(title) > TITLE_MAX:
            warnings.warn(f"the title has {len(title)} characters; only the first {TITLE_MAX} are read", TitleTruncated)
            title = title[:TITLE_MAX]
        forced, n_given = self._forced(f, acrostic, first_line)
        pats = choose_patterns(f, start, first_rhymes)
        given = list(range(n_given))
        misfit, rescue = False, {}
        if given:
            pats, misfit, rescue = self._fitting(f, pats, forced, cfg, given)
        rows = self._batch_patterns(pats, n, beam, bool(forced), seed)
        return _Plan(f, cfg, rows, to_model(title, self.vocab)[0], forced, misfit, script, rescue)

    def _finish_plan(self, plan: "_Plan", cands: list) -> list[Poem]:
        """Render and check the decoded candidates of one request; the best ``n``, best first."""
        from tangshi.script import render

        poems = [self._finish(c, plan.form, plan.title, plan.script, plan.cfg.rules, render) for c in cands]
        poems.sort(key=lambda p: (not p.check["ok"], -p.score))
        # The checker may blame the line after a misfit (失对), so judge the given lines by the masks.
        broken = [e["message"] for e in poems[0].check["errors"]] if plan.misfit else []
        if broken:
            warnings.warn(f"the given line(s) break the rules ({'；'.join(broken[:3])}); only the new lines"
                          " are held to them", UserWarning)
        return poems[:plan.cfg.n]

    @staticmethod
    def _batch_patterns(pats: list, n: int, beam: int, forced: bool, seed: int | None) -> list:
        """One pattern per decoded row: spread evenly for beams and forced characters, else drawn."""
        import random

        if beam or forced:  # forced characters may fit some patterns only: try each, keep the best
            width = beam or max(n, 2 * len(pats))
            return [pats[k % len(pats)] for k in range(width)]
        rng = random.Random(seed)
        return [rng.choice(pats) for _ in range(n)]

    def _forced(self, f, acrostic: str | None, first_line: str | None) -> tuple[dict[tuple[int, int], int], int]:
        """(line, pos) → token id of every character the user fixed, and the number of given lines."""
        from tangshi.script import require_known

        forced: dict[tuple[int, int], int] = {}
        given = split_given(first_line, f.n_chars, f.n_lines) if first_line is not None else []
        if given:
            for i, line in enumerate(given):
                for j, ch in enumerate(require_known(line, self.vocab, "first line")):
                    forced[(i, j)] = self.vocab.index[ch]
        if acrostic is not None:
            heads = re.sub(r"\s+", "", acrostic)
            if not HAN.fullmatch(heads):
                raise InputError(f"the acrostic {acrostic!r} must be Chinese characters only")
            if len(heads) != f.n_lines:
                raise InputError(f"the acrostic {heads!r} has {len(heads)} characters; a {f.name} has {f.n_lines} lines")
            for i, ch in enumerate(require_known(heads, self.vocab, "acrostic")):
                tok = self.vocab.index[ch]
                if forced.get((i, 0), tok) != tok:
                    raise InputError(f"line {i + 1} of the first line starts with {self.vocab.chars[forced[(i, 0)]]!r},"
                                     f" but the acrostic asks for {heads[i]!r}")
                forced[(i, 0)] = tok
        return forced, len(given)

    def _fitting(self, f, pats: list, forced: dict, cfg, given: list[int]) -> tuple[list, bool, dict]:
        """The patterns the given lines fit best, whether even those are broken by them, and rescues.

        A given first line of a couplet may carry a big 拗 (仄 on core position 4 of a 仄仄平平仄
        line), which the rules accept when the next line answers with 平 on its core position 3
        (对句相救). The decoder never makes a 拗 itself, but a user's line can: the third value maps
        (line, pos) of each such rescue to the patterns that need it.
        """
        if cfg.rules == "off":
            return pats, False, {}
        from tangshi.decode import _advance
        from tangshi.prosody.constraints import ConstraintState
        from tangshi.prosody.rules import rescue_pos

        cons = ConstraintState.start(self.decoder.prosody, pats, strict=cfg.rules == "strict")
        misses = [0] * len(pats)
        big_ao: dict[tuple[int, int], set] = {}
        core4 = f.n_chars - 2  # 0-based: core position 4
        for line in given:
            for pos in range(f.n_chars):
                tok = forced[(line, pos)]
                allowed = cons.mask()[:, tok].tolist()
                misses = [m + (not a) for m, a in zip(misses, allowed)]
                if pos == core4 and line % 2 == 0 and line + 1 not in given:
                    for pat, ok in zip(pats, allowed):
                        if not ok and pat.lines[line].core == "a":
                            big_ao.setdefault((line + 1, rescue_pos(pat.lines[line + 1])), set()).add(pat)
                _advance(cons, torch_full(len(pats), tok), forced=True)
        best = min(misses)
        fit = [p for p, m in zip(pats, misses) if m == best]
        return fit, best > 0, {at: need & set(fit) for at, need in big_ao.items() if need & set(fit)}

    def _finish(self, cand, f, title: str, script: str, rules: str, render) -> Poem:
        """Render a candidate in the requested script and attach its check report."""
        from tangshi.prosody import check

        lines = [render(line, script) for line in cand.lines]
        text = join_lines(lines)
        report = check(text, lenient=rules == "lenient")
        return Poem(text, lines, f.name, render(title, script), cand.score, cand.pattern.name, report.to_json())


def torch_full(n: int, value: int):
    import torch

    return torch.full((n,), value, dtype=torch.long)


_WRITE_DEFAULTS = {name: p.default for name, p in inspect.signature(Poet.write).parameters.items() if name != "self"}
