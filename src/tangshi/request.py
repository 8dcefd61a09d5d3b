"""One home for a request: every field of ``write`` and ``check``, its default, its range, its check.

:class:`WriteRequest` is what ``tangshi write``, ``Poet.write``, ``POST /api/poems`` and the web page
ask for. Each field's default and limits are declared once, here (:func:`spec`); the CLI builds its
flags from them (:mod:`tangshi.cli.write`), the server its schema (:mod:`tangshi.server.schemas`),
and the page reads them from ``GET /api/meta`` (:func:`limits`). Building a request validates it:
a bad value raises :class:`~tangshi.errors.InputError` naming the field, the value and what is
allowed. :class:`CheckRequest` does the same for ``tangshi check`` and ``POST /api/check``.

Torch-free, and free of any model: what a request *means* to a model (its vocabulary, its
patterns) is :mod:`tangshi.poet`'s business.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from tangshi.corpus.clean import DYNASTIES, HEADLINE, TITLE_MAX
from tangshi.errors import InputError
from tangshi.hanzi import SHORT_NAMES, converter, is_han, split_lines, strip_invisible
from tangshi.mood import ENGLISH, MOODS, resolve_mood
from tangshi.prosody.forms import FORM_BY_NAME, Form

RULES = ("strict", "lenient", "off")
CHECK_MODES = ("contextual", "strict", "lenient")  # tangshi.prosody.checker.MODES
SCRIPTS = ("simplified", "traditional")
STARTS = {"平起": "P", "仄起": "Z", "ping": "P", "ze": "Z"}
SEED_MAX = 2**63 - 1
CHECK_TEXT_MAX = 1000  # characters: a regulated poem has at most 56 and their punctuation
POEM_MAX = 200  # characters of a poem to revise: 56, their punctuation and spaces
RESOLVED = ("form", "mood")  # fields whose other spellings are resolved after the checks (resolve_*)


@dataclass(frozen=True)
class Spec:
    """The limits of one request field: a closed range ``lo..hi`` (``lo_open``: ``lo`` excluded),
    a set of ``choices``, or a ``max_len`` for text. ``help`` is the field's one-line help.
    ``decodes``: the decoder reads it (:data:`DECODE_FIELDS`, :class:`tangshi.decoding.DecodeConfig`)."""

    help: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple | None = None
    max_len: int | None = None
    decodes: bool = False

    def describe(self) -> str:
        """The limits in words, for help texts: ``0 < x ≤ 2``, ``1..16``, ``one of a, b``."""
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        if self.lo is not None and self.lo_open:
            return f"{self.lo:g} < x ≤ {self.hi:g}"
        if self.lo is not None:
            return f"{self.lo:g}..{self.hi:g}" if self.hi < 1e15 else f"{self.lo:g}..2^63-1"
        if self.max_len is not None:
            return f"at most {self.max_len} characters"
        return ""


def _field(default: Any, help: str, **limits: Any) -> Any:
    return field(default=default, metadata={"spec": Spec(help, **limits)})


def form_choices() -> tuple[str, ...]:
    """The form names a request may use: 五言绝句 … and 五绝 … (traditional spellings are accepted too)."""
    return (*FORM_BY_NAME, *SHORT_NAMES)


def resolve_form(name: str) -> Form:
    """A form by full or short name (五言绝句 / 五绝 …), in either script."""
    if not isinstance(name, str):
        raise InputError(f"form must be a form name, not {name!r}", field="form")
    simple = converter("t2s").convert(name.strip())
    full = SHORT_NAMES.get(simple, simple)
    if full not in FORM_BY_NAME:
        raise InputError(f"unknown form {name!r}; choose one of: {', '.join(form_choices())}", field="form")
    return FORM_BY_NAME[full]


def rhyme_choices() -> tuple[str, ...]:
    """The 30 平 groups of 平水韵, as the lexicon names them (一東 二冬 … 十五咸)."""
    from tangshi.prosody.lexicon import load

    return tuple(g.name for g in load().groups if g.ping)


def resolve_rhyme(name: str) -> str:
    """A 平 group as users write it — 东, 一东, 東, 一東, 东韵 — by its lexicon name (一東)."""
    if not isinstance(name, str):
        raise InputError(f"rhyme must be a rhyme group's name, not {name!r}", field="rhyme")
    from tangshi.prosody.lexicon import group_name, load

    variants, s2t = load().variants, converter("s2t")

    def key(text: str) -> str:  # the group's own character, traditional, in the lexicon's form (青 -> 靑)
        trad = "".join(variants.get(c, (c,))[0] for c in s2t.convert(text.strip()))
        return re.sub(r"^[一二三四五六七八九十]+|[韵韻部]$", "", trad)

    wanted = key(name)
    for group in rhyme_choices():
        if wanted and (wanted == key(group) or key(name) == group):
            return group
    raise InputError(f"unknown rhyme group {name!r}; choose a 平 group of 平水韵: "
                     f"{' '.join(group_name(g, 'simplified') for g in rhyme_choices())}", field="rhyme")


@dataclass(frozen=True)
class WriteRequest:
    """Everything a ``write`` asks for. Built → validated; see the module docstring."""

    form: str = _field("七言律诗", "五言绝句, 七言绝句, 五言律诗, 七言律诗 or 五绝, 七绝, 五律, 七律",
                       choices=tuple(FORM_BY_NAME))
    title: str | None = _field(None, "the title or theme, either script", max_len=TITLE_MAX)
    acrostic: str | None = _field(None, "藏头诗: line k starts with the k-th character (one per line)", max_len=16)
    first_line: str | None = _field(None, "续写: keep this opening line (or lines) and write the rest", max_len=64)
    n: int = _field(1, "how many poems, best first (each differs from the others in two lines or more)",
                    lo=1, hi=16, decodes=True)
    seed: int | None = _field(None, "random seed: the same seed gives the same poem", lo=0, hi=SEED_MAX, decodes=True)
    rules: str = _field("strict", "strict (every poem passes the default check: each 多音字 as its context"
                        " reads it), lenient (a 多音字 counts as either tone) or off", choices=RULES, decodes=True)
    start: str | None = _field(None, "平起 or 仄起 (also ping / ze); default: the model chooses",
                               choices=tuple(STARTS))
    first_rhymes: bool | None = _field(None, "whether line 1 rhymes (首句入韵); default: the model chooses")
    rhyme: str | None = _field(None, "the rhyme group (韵部), any 平 group of 平水韵 as you write it: 东, 一东,"
                                     " 東, 一東 …; default: the model chooses", max_len=8, decodes=True)
    temperature: float = _field(0.6, "sampling temperature: lower is safer, higher is bolder",
                                lo=0.0, hi=2.0, lo_open=True, decodes=True)
    top_k: int = _field(0, "sample among the k likeliest characters; 0 = all", lo=0, hi=100_000, decodes=True)
    top_p: float = _field(0.9, "nucleus sampling: keep the likeliest characters holding this share of the"
                                " probability", lo=0.0, hi=1.0, lo_open=True, decodes=True)
    beam: int = _field(0, "beam search of this width instead of sampling, in n diverse groups; 0 = sample",
                       lo=0, hi=16, decodes=True)
    candidates: int = _field(8, "candidates sampled in one batch, of which the best n are returned", lo=1, hi=32, decodes=True)
    judge_weight: float | None = _field(None, "how much the judge's fluency (its loss per character, read"
                                              " backwards) counts against a candidate in the ranking; 0 = not"
                                              " at all; default: measured", lo=0.0, hi=5.0)
    line_samples: int = _field(1, "a search over lines: each line of each candidate is sampled this many times"
                                  " and the best kept (ranked as poems are, on the lines so far); 1 = none",
                               lo=1, hi=8, decodes=True)
    guidance: float = _field(1.0, "title guidance: how much more the title steers than the model alone; 0 = none",
                             lo=0.0, hi=5.0, decodes=True)
    repeat_penalty: float | None = _field(None, "penalty (nats) on a character for each earlier use in the"
                                               " poem; 0 = none (never three times, whatever it is); default:"
                                               " measured per form", lo=0.0, hi=10.0, decodes=True)
    parallelism: float | None = _field(None, "对仗: how strongly (nats) the middle couplets of a 律诗 are steered to"
                                             " pair the class of each 出句 character; 0 = none; default:"
                                             " measured per form", lo=0.0, hi=5.0, decodes=True)
    poem: str | None = _field(None, "a poem to revise, with keep or line: its lines split by punctuation, spaces or"
                                    " newlines; a line not written yet is a run of marks such as □□□□□",
                              max_len=POEM_MAX)
    keep: str | None = _field(None, "the lines of the poem to keep verbatim, 1-based (1,2,5); the others are"
                                    " written anew around them, in one pattern, one rhyme", max_len=32)
    line: int | None = _field(None, "alternatives for one line of the poem (1-based): every other written line"
                                    " is kept and n distinct versions of this one come back, best first",
                              lo=1, hi=8)
    keywords: str | None = _field(None, "the plan's keywords, in order: up to 4 words of 1 or 2 characters,"
                                        " separated by spaces (梅 雪 故人), one per line of a 绝句 or couplet of a"
                                        " 律诗; the rest are planned from the title", max_len=20)
    plan: bool = _field(False, "plan a keyword for each line of a 绝句 or couplet of a 律诗 from the title"
                               " before writing (always, around the keywords given)")
    script: str = _field("simplified", "script of the output: simplified or traditional", choices=SCRIPTS)
    dynasty: str = _field(HEADLINE, "whose verse to write like: 唐 or 宋 (a model trained on both)",
                          choices=tuple(DYNASTIES), decodes=True)
    mood: str | None = _field(None, "the mood (情感): " + ", ".join(f"{m} {ENGLISH[m]}" for m in MOODS)
                              + " (either script); default: none", choices=MOODS, decodes=True)
    mood_strength: float | None = _field(None, "with a mood: how strongly (nats) the lines are steered to the"
                                               " mood's words; 0 = by the model's mood condition alone;"
                                               " default: measured", lo=0.0, hi=5.0, decodes=True)
    stock: float | None = _field(None, "stock pairs: how strongly the character pairs this poet over-uses (against"
                                       " real poets) are damped, w·log(over-use) nats before the temperature; 0 ="
                                       " none; default: measured (a model with no table: none)",
                                 lo=0.0, hi=3.0, decodes=True)
    setting_strength: float | None = _field(None, "one season, hour and place: how strongly (nats) the words of a"
                                                  " setting that neither the title nor the poem is in are kept"
                                                  " out, and a candidate whose setting clashes ranked last;"
                                                  " 0 = neither; default: measured", lo=0.0, hi=10.0, decodes=True)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = _checked(f, getattr(self, f.name))
            object.__setattr__(self, f.name, value)
        object.__setattr__(self, "form", resolve_form(self.form).name)
        if self.rhyme is not None:
            object.__setattr__(self, "rhyme", resolve_rhyme(self.rhyme))
        if self.mood is not None:
            object.__setattr__(self, "mood", resolve_mood(self.mood))
        if self.beam and self.line_samples > 1:
            raise InputError(f"line_samples={self.line_samples} searches over sampled lines; beam search"
                             " (beam > 0) does not sample: choose one", field="line_samples")
        if self.beam and self.n > self.beam:
            raise InputError(f"n={self.n} asks for more poems than beam={self.beam} keeps", field="n")
        heads = self.heads
        if heads is not None:
            if not is_han(heads):
                raise InputError(f"the acrostic {self.acrostic!r} must be Chinese characters only", field="acrostic")
            if len(heads) != self.form_spec.n_lines:
                raise InputError(f"acrostic {heads!r} has {len(heads)} characters; a {self.form} has"
                                 f" {self.form_spec.n_lines} lines", field="acrostic")
        if self.first_line is not None:
            self.given_lines()  # validates
        self.kept_lines()  # validates the poem to revise
        self.keyword_list()  # validates
    @property
    def form_spec(self) -> Form:
        return FORM_BY_NAME[self.form]

    @property
    def heads(self) -> str | None:
        """The acrostic's characters, whitespace removed (``None``: no acrostic)."""
        return None if self.acrostic is None else re.sub(r"\s+", "", self.acrostic)

    def keyword_list(self) -> list[str]:
        """The plan's keywords as given (whitespace, commas or 、 between them), each checked ([] when none)."""
        from tangshi.plan import SLOTS

        if self.keywords is None:
            return []
        words = [w for w in re.split(r"[\s,，、;；]+", self.keywords) if w]
        if len(words) > SLOTS:
            raise InputError(f"{len(words)} keywords; a plan has {SLOTS} (one per line of a 绝句, per couplet of a"
                             " 律诗)", field="keywords")
        for w in words:
            if not is_han(w) or len(w) > 2:
                raise InputError(f"the keyword {w!r} must be one or two Chinese characters", field="keywords")
        return words

    def given_lines(self) -> list[str]:
        """The opening lines of a 续写, each checked for script and length ([] when none)."""
        if self.first_line is None:
            return []
        f = self.form_spec
        lines = split_lines(self.first_line)
        if not lines:
            raise InputError("the first line is empty", field="first_line")
        for line in lines:
            if not is_han(line):
                raise InputError(f"the first line {line!r} must be Chinese characters only", field="first_line")
            if len(line) != f.n_chars:
                raise InputError(f"the first line {line!r} has {len(line)} characters; a {self.form} needs"
                                 f" {f.n_chars}", field="first_line")
        if len(lines) >= f.n_lines:
            raise InputError(f"the first line gives {len(lines)} lines; a {self.form} has {f.n_lines}, so nothing"
                             " is left to write", field="first_line")
        return lines

    def poem_lines(self) -> list[str | None]:
        """The lines of the poem to revise, each a written line or ``None`` (not written yet: marks only).

        A written line must be Chinese characters only, as many as the form's lines have; the poem must
        have the form's number of lines. [] without a poem."""
        if self.poem is None:
            return []
        f = self.form_spec
        lines = split_lines(self.poem)
        if len(lines) != f.n_lines:
            raise InputError(f"the poem has {len(lines)} lines; a {self.form} has {f.n_lines} (write a line not"
                             " written yet as □□□□□)", field="poem")
        out: list[str | None] = []
        for i, line in enumerate(lines):
            if not any(is_han(c) for c in line):
                out.append(None)
            elif not is_han(line) or len(line) != f.n_chars:
                raise InputError(f"line {i + 1} of the poem, {line!r}, must be {f.n_chars} Chinese characters (or"
                                 " □ marks only, for a line not written yet)", field="poem")
            else:
                out.append(line)
        return out

    def kept_lines(self) -> dict[int, str]:
        """Line index (0-based) → text of every line the poem keeps: a 续写's opening lines, the poem's
        lines named by ``keep``, or with ``line`` every written line but that one. {} when none."""
        if self.first_line is not None:
            if self.poem is not None:
                raise InputError("first_line and poem both give lines: give the poem, with keep", field="first_line")
            return dict(enumerate(self.given_lines()))
        if self.poem is None:
            for name in ("keep", "line"):
                if getattr(self, name) is not None:
                    raise InputError(f"{name} needs the poem to revise (poem)", field=name)
            return {}
        if (self.keep is None) == (self.line is None):
            raise InputError("a poem to revise needs either keep (the lines to keep) or line (the line to rewrite),"
                             " not " + ("both" if self.keep is not None else "neither"),
                             field="keep" if self.keep is not None else "poem")
        lines, n = self.poem_lines(), self.form_spec.n_lines
        if self.line is not None:
            if self.line > n:
                raise InputError(f"line {self.line} is outside the poem: a {self.form} has {n} lines", field="line")
            return {i: t for i, t in enumerate(lines) if t is not None and i != self.line - 1}
        kept: dict[int, str] = {}
        for part in (p for p in re.split(r"[\s,，、;；]+", self.keep) if p):
            if not part.isdigit() or not 1 <= int(part) <= n:
                raise InputError(f"keep names line {part!r}; a {self.form} has lines 1 to {n}", field="keep")
            i = int(part) - 1
            if lines[i] is None:
                raise InputError(f"keep names line {i + 1}, which is not written yet", field="keep")
            kept[i] = lines[i]
        if len(kept) == n:
            raise InputError(f"keep names every line of the {self.form}: nothing is left to write", field="keep")
        return dict(sorted(kept.items()))

    def batch_key(self) -> tuple | None:
        """Requests with one key may share a decode; ``None``: decode alone.

        Shared: unseeded sampling with no fixed characters (no acrostic, first line or beam), of
        one form and one decoding setting (every :data:`DECODE_FIELDS` value but ``n`` and
        ``seed``). A seeded request is decoded alone, so that its seed gives the same poems as
        ``tangshi write`` (int8 products quantise each batch as a whole).
        """
        if self.seed is not None or self.beam or self.acrostic is not None or self.first_line is not None \
                or self.poem is not None:
            return None
        return (self.form, *(getattr(self, name) for name in DECODE_FIELDS if name not in ("n", "seed")))

    @property
    def rows(self) -> int:
        """Decoded rows this request costs at least: its candidates, or its beam's width."""
        return self.beam or max(self.n, self.candidates)

    def replace(self, **changes: Any) -> "WriteRequest":
        return dataclasses.replace(self, **changes)


DECODE_FIELDS = tuple(f.name for f in dataclasses.fields(WriteRequest) if f.metadata["spec"].decodes)


@dataclass(frozen=True)
class CheckRequest:
    """A poem to check (``tangshi check``, ``POST /api/check``)."""

    text: str = _field(dataclasses.MISSING, "the poem; lines split by punctuation, spaces or newlines",
                       max_len=CHECK_TEXT_MAX)
    mode: str = _field("contextual", "how a 多音字 is read: contextual (the reading its context shows; unsure ones"
                       " either way), strict (every reading must fit) or lenient (either reading)",
                       choices=CHECK_MODES)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _checked(f, getattr(self, f.name)))
        if not self.text.strip():
            raise InputError("no poem given: the text is empty", field="text")


MARKS = "□○＿_*＊"  # what a writer types for a character not written yet


@dataclass(frozen=True)
class SuggestRequest:
    """A slot of a poem to fill (``tangshi suggest``, ``Poet.suggest``, ``POST /api/suggest``): the
    characters that fit there, ranked by the poet given the poem."""

    poem: str = _field(dataclasses.MISSING, "the poem: its lines split by punctuation, spaces or newlines; a"
                       " character not written yet is □ (the slot may be one too); lines after the slot's may be"
                       " □ only", max_len=POEM_MAX)
    line: int = _field(dataclasses.MISSING, "the slot's line, 1-based", lo=1, hi=8)
    pos: int = _field(dataclasses.MISSING, "the slot's character in its line, 1-based", lo=1, hi=7)
    form: str = _field("七言律诗", "the form, as for write", choices=tuple(FORM_BY_NAME))
    title: str | None = _field(None, "the title, either script", max_len=TITLE_MAX)
    n: int = _field(10, "how many characters, best first", lo=1, hi=50)
    rules: str = _field("strict", "strict (a 多音字 only where its context reads it right) or lenient",
                        choices=RULES[:2])
    script: str = _field("simplified", "script of the output: simplified or traditional", choices=SCRIPTS)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _checked(f, getattr(self, f.name)))
        object.__setattr__(self, "form", resolve_form(self.form).name)
        self.grid()  # validates

    @property
    def form_spec(self) -> Form:
        return FORM_BY_NAME[self.form]

    def grid(self) -> list[list[str | None]]:
        """The poem as lines of characters, ``None`` where not written yet (the slot's own always None).

        Every line before the slot's, and the slot's line up to the slot, must be written: the poet
        reads them. A position outside the form is an InputError naming it."""
        f = self.form_spec
        if self.line > f.n_lines:
            raise InputError(f"line {self.line} is outside the poem: a {self.form} has {f.n_lines} lines", field="line")
        if self.pos > f.n_chars:
            raise InputError(f"character {self.pos} is outside line {self.line}: a {self.form} has {f.n_chars} a line",
                             field="pos")
        lines = split_lines(self.poem)
        if len(lines) != f.n_lines:
            raise InputError(f"the poem has {len(lines)} lines; a {self.form} has {f.n_lines} (write a line not"
                             " written yet as □□□□□)", field="poem")
        grid: list[list[str | None]] = []
        for i, line in enumerate(lines):
            if len(line) != f.n_chars or not all(is_han(c) or c in MARKS for c in line):
                raise InputError(f"line {i + 1} of the poem, {line!r}, must be {f.n_chars} Chinese characters or □"
                                 " marks", field="poem")
            grid.append([c if is_han(c) else None for c in line])
        grid[self.line - 1][self.pos - 1] = None
        for i in range(self.line):
            for j in range(f.n_chars if i < self.line - 1 else self.pos - 1):
                if grid[i][j] is None:
                    raise InputError(f"line {i + 1}, character {j + 1} is not written yet: the poet reads everything"
                                     f" before the slot (line {self.line}, character {self.pos})", field="poem")
        return grid


def spec(cls: type, name: str) -> Spec:
    """The :class:`Spec` of one field of a request class."""
    return next(f for f in dataclasses.fields(cls) if f.name == name).metadata["spec"]


def limits(cls: type = WriteRequest) -> dict[str, dict]:
    """Every field's default, kind and limits as JSON (``GET /api/meta``, for the page)."""
    out = {}
    for f in dataclasses.fields(cls):
        s: Spec = f.metadata["spec"]
        entry = {"default": None if f.default is dataclasses.MISSING else f.default, "kind": _kind(f),
                 "help": s.help, "required": f.default is dataclasses.MISSING}
        entry |= {k: v for k, v in (("min", s.lo), ("max", s.hi), ("min_open", s.lo_open or None),
                                    ("choices", list(s.choices) if s.choices else None),
                                    ("max_length", s.max_len)) if v is not None}
        out[f.name] = entry
    return out


def _kind(f: dataclasses.Field) -> str:
    """``int``, ``float``, ``str`` or ``bool``: the field's type without its ``| None``."""
    return str(f.type).split(" ")[0]


def _checked(f: dataclasses.Field, value: Any) -> Any:
    """One field's value, checked against its type and :class:`Spec` (text: invisible characters dropped)."""
    s: Spec = f.metadata["spec"]
    name, kind = f.name, _kind(f)
    if value is None:
        if "None" in str(f.type):
            return None
        raise InputError(f"{name} is required", field=name)
    if kind == "bool":
        if not isinstance(value, bool):
            raise InputError(f"{name} must be true or false, not {value!r}", field=name)
        return value
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind == "int" and not isinstance(value, int)):
            raise InputError(f"{name} must be {'an integer' if kind == 'int' else 'a number'}, not {value!r}", field=name)
        low_ok = value > s.lo if s.lo_open else value >= s.lo
        if not (low_ok and value <= s.hi):  # also false for NaN
            raise InputError(f"{name} must be {s.describe().replace('x', name)}, got {value!r}", field=name)
        return float(value) if kind == "float" else value
    if not isinstance(value, str):
        raise InputError(f"{name} must be text, not {value!r}", field=name)
    if any("\ud800" <= c <= "\udfff" for c in value):  # argv bytes that were not UTF-8 arrive as surrogates
        raise InputError(f"{name} is not valid UTF-8 text", field=name)
    value = strip_invisible(value)
    if s.max_len is not None and len(value) > s.max_len:
        raise InputError(f"{name} has {len(value)} characters; at most {s.max_len} are allowed", field=name)
    if s.choices and name not in RESOLVED and value not in s.choices:
        raise InputError(f"unknown {name} {value!r}; choose one of: {', '.join(s.choices)}", field=name)
    return value
