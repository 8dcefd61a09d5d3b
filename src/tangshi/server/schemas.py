"""Request and response bodies of the HTTP API, with their limits.

The request bodies are generated from :mod:`tangshi.request` — each field's type, default,
range and help — so the API takes exactly what ``tangshi write`` and ``Poet.write`` take, and the
OpenAPI schema shows the same limits. FastAPI answers 422 naming a field that is out of range;
what needs more than one field (an acrostic against the form, ``n`` against ``beam``) is checked
by building the :class:`tangshi.request.WriteRequest` itself (``to_request``), which names the
field too. Responses mirror ``Poem.to_json()`` and ``Report.to_json()`` field for field.

Bodies are named ``…Body`` and answers ``…Out``: :class:`WriteBody` is the JSON form of the
request dataclass :class:`tangshi.request.WriteRequest`, not a second class of the same name.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from tangshi import request as R
from tangshi.setting import AXES


def _pydantic_field(cls: type, f: dataclasses.Field) -> tuple[Any, Any]:
    """(annotation, Field) of one request field, with the limits of its :class:`~tangshi.request.Spec`."""
    s = R.spec(cls, f.name)
    kind = {"int": int, "float": float, "bool": bool, "str": str}[str(f.type).split(" ")[0]]
    if s.choices and f.name not in R.RESOLVED:  # the form and the mood also take other spellings
        kind = Literal[s.choices]  # type: ignore[valid-type]
    limits: dict[str, Any] = {}
    if f.name in R.RESOLVED:
        limits["max_length"] = 16  # a name, checked by tangshi.request when the request is built
    if s.lo is not None:
        limits["gt" if s.lo_open else "ge"] = s.lo
        limits["le"] = s.hi
    if s.max_len is not None:
        limits["max_length"] = s.max_len
    optional = "None" in str(f.type)
    default = ... if f.default is dataclasses.MISSING else f.default
    return (Optional[kind] if optional else kind), Field(default, description=s.help, **limits)


def _schema(cls: type, name: str, example: dict) -> type[BaseModel]:
    """The pydantic body ``name`` of a request dataclass: its fields, defaults and limits."""
    fields = {f.name: _pydantic_field(cls, f) for f in dataclasses.fields(cls)}
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": [example]})
    model = create_model(name, __config__=config, **fields)
    model.__doc__ = f"The JSON body of a :class:`tangshi.request.{cls.__name__}`: {cls.__doc__}"
    return model


WriteBody = _schema(R.WriteRequest, "WriteBody", {"form": "七言绝句", "title": "秋夜", "temperature": 0.8, "seed": 7})
CheckBody = _schema(R.CheckRequest, "CheckBody", {"text": "渭城朝雨浥轻尘，客舍青青柳色新。劝君更尽一杯酒，西出阳关无故人。",
                                                  "mode": "contextual"})


def to_request(body: BaseModel, cls: type):
    """The validated :mod:`tangshi.request` object of a parsed body (InputError names the field)."""
    return cls(**body.model_dump())


Script = Literal[R.SCRIPTS]  # type: ignore[valid-type]


class ConvertBody(BaseModel):
    """``POST /api/convert``: text to show in the other script."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=R.CHECK_TEXT_MAX)
    script: Script


class ConvertOut(BaseModel):
    text: str


class IssueOut(BaseModel):
    kind: str = Field(..., description="the issue's identifier (docs/rules.md), e.g. shi_nian")
    line: Optional[int] = Field(..., description="1-based line; null: the whole poem")
    pos: Optional[int] = Field(..., description="1-based character; null: the whole line")
    message: str


class LineOut(BaseModel):
    text: str
    tones: list[str] = Field(..., description="per character: P (平), Z (仄), PZ (both) or ? (unknown)")
    required: list[str] = Field(..., description="per character: P, Z or * (free)")
    verdicts: list[str] = Field(..., description="per character: ok, free, note, ambiguous, error or unknown")
    readings: list[list[str]] = Field(..., description="平水韵 groups per character")
    rhyme: bool = Field(..., description="the line ends on a rhyme position")
    chosen: list[str] = Field(..., description="per character: the tone taken where it matters, P or Z; * where not")
    confidence: list[float] = Field(..., description="per character: how sure that reading is (0..1)")


class PairOut(BaseModel):
    a: str = Field(..., description="the word of the 出句")
    b: str = Field(..., description="the aligned word of the 对句")
    class_a: str = Field(..., description="the 对仗 class of a (tangshi.duizhang.classes)")
    class_b: str
    credit: float = Field(..., description="1 same tag, 0.75 same class, 0.5 same part of speech, 0 none")
    strong: bool = Field(..., description="a strong (工) pair: 数目, 颜色, 方位 or 叠字 on both sides")


class CoupletOut(BaseModel):
    lines: list[int] = Field(..., description="the couplet's two lines, 1-based")
    name: str = Field(..., description="首联, 颔联, 颈联 or 尾联 (a 排律: 首联, 第2联 …, 尾联)")
    middle: bool
    scored: bool = Field(..., description="false when the tagger could not score it (see reason)")
    reason: Optional[str] = None
    score: Optional[float] = Field(None, description="the couplet's 对仗 score, 0..1")
    parallel: Optional[bool] = Field(None, description="score at or above the measured threshold")
    pos: Optional[float] = Field(None, description="share of positions with the same part of speech")
    nouns: Optional[float] = Field(None, description="of noun-noun positions, the share of one semantic class")
    pairs: list[PairOut] = []


class ReportOut(BaseModel):
    """The checker's verdict (``tangshi check --json``)."""

    form: Optional[str]
    ok: bool
    pattern: Optional[str]
    rhyme_group: Optional[str]
    mode: Literal[R.CHECK_MODES]  # type: ignore[valid-type]
    lines: list[LineOut]
    errors: list[IssueOut]
    notes: list[IssueOut]
    duizhang: list[CoupletOut] = Field([], description="对仗 per couplet of a 律诗, in /api/check and in each written"
                                                       " poem's check; empty for a 绝句 (a note, never an error)")


class ClashOut(BaseModel):
    axis: Literal[tuple(AXES)]  # type: ignore[valid-type]
    title: list[str] = Field(..., description="the classes the title names on the axis")
    lines: list[str] = Field(..., description="the classes the lines name")


class PlanOut(BaseModel):
    keyword: str
    lines: list[int] = Field(..., description="the 1-based lines it was planned for")
    met: bool = Field(..., description="whether it stands in those lines")


class PoemOut(BaseModel):
    text: str
    lines: list[str]
    form: str
    title: str
    score: float = Field(..., description="mean log-probability per character, given the title")
    pmi: Optional[float] = Field(..., description="how much more likely the title makes the poem, per character")
    rank: float = Field(..., description="the score the candidates were ranked by")
    pattern: str
    check: ReportOut
    clashes: list[ClashOut] = Field(..., description="where its season, hour or place contradicts itself or the title")
    plan: list[PlanOut] = Field(..., description="its plan: a keyword per line (绝句) or couplet (律诗), and whether it stands")


class PoemsOut(BaseModel):
    """What ``tangshi write --json`` prints."""

    poems: list[PoemOut]
    alternatives: Optional[list[str]] = Field(None, description="with line: that line of each poem, best first")


SuggestBody = _schema(R.SuggestRequest, "SuggestBody", {"form": "五言绝句", "title": "登鹳雀楼", "line": 3, "pos": 2,
                                                        "poem": "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"})


class ReadingOut(BaseModel):
    group: str = Field(..., description="the 平水韵 group, in the requested script")
    tone: str = Field(..., description="平, 上, 去 or 入")
    class_: str = Field(..., alias="class", description="平 or 仄")
    section: str = Field(..., description="上平, 下平, 上, 去 or 入")


class SuggestionOut(BaseModel):
    char: str
    readings: list[ReadingOut]
    logp: float = Field(..., description="log-probability of the character at the slot, given what comes before")
    score: float = Field(..., description="logp plus the log-probabilities of the written characters after it in its line")


class SuggestOut(BaseModel):
    """What ``tangshi suggest --json`` prints."""

    line: int
    pos: int
    char: Optional[str] = Field(..., description="the character the poem has there now (null: not written)")
    tone: Literal["平", "仄", "either"] = Field(..., description="what the pattern needs there")
    rhymes: bool = Field(..., description="whether the slot is a rhyme position")
    rhyme: Optional[str] = Field(..., description="the rhyme group the other rhymes fix (null: none yet)")
    pattern: str
    suggestions: list[SuggestionOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    name: str = Field(..., description="the model's name")
    version: str = Field(..., description="tangshi version and checkpoint step, e.g. 0.1.0+step60")
    tangshi_version: str
    step: Optional[int] = Field(..., description="training step of the checkpoint")
    vocab_size: int
    workers: int
    queue: int


class ProblemOut(BaseModel):
    """One error (tangshi.server.problems): word it from ``code``, ``field`` and ``params``."""

    field: Optional[str] = Field(..., description="the request field it is about; null: the request as a whole")
    code: str = Field(..., description="a stable machine code (GET /api/meta lists them: error_codes)")
    message: str = Field(..., description="the error in English, for people (may be reworded)")
    params: dict[str, Any] = Field({}, description="values to word it with, e.g. {\"got\": 2, \"want\": 4}")


class ErrorOut(BaseModel):
    """Every error answer: ``detail`` for people, ``code`` and ``field`` (the first error's) for programs."""

    detail: str = Field(..., description="the errors in one English line, each after its field")
    code: str = Field(..., description="the first error's machine code")
    field: Optional[str] = Field(..., description="the first error's field; null: the request as a whole")
    errors: list[ProblemOut]
