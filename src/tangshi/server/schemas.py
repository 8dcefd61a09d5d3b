"""Request and response bodies of the HTTP API, with their limits.

Requests carry every limit the server enforces (FastAPI answers 422 naming the field);
defaults come from :class:`tangshi.decode.DecodeConfig`, so they live in one place.
Responses mirror ``Poem.to_json()`` and ``Report.to_json()`` field for field.
"""
from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from tangshi.decode import DecodeConfig, resolve_form
from tangshi.errors import InputError
from tangshi.model import TITLE_MAX

D = DecodeConfig()
N_MAX = 16         # poems per request (one decoded batch)
BEAM_MAX = 16      # beam width
REPEAT_MAX = 8     # max_repeat
LINE_TEXT_MAX = 64  # first_line: at most 7 lines of 7 characters and their punctuation
CHECK_TEXT_MAX = 1000  # /api/check: a regulated poem has at most 56 characters
SEED_MAX = 2**63 - 1

Rules = Literal["strict", "lenient", "off"]
Script = Literal["simplified", "traditional"]


class WriteRequest(BaseModel):
    """The fields of ``tangshi write`` (``POST /api/poems``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"form": "七言绝句", "title": "秋夜", "temperature": 0.8, "seed": 7}]})

    form: str = Field("七言律诗", description="五言绝句, 七言绝句, 五言律诗, 七言律诗 or 五绝, 七绝, 五律, 七律")
    title: Optional[str] = Field(None, max_length=TITLE_MAX, description="the title or theme, either script")
    acrostic: Optional[str] = Field(None, max_length=16, description="藏头诗: one character per line of the form")
    first_line: Optional[str] = Field(None, max_length=LINE_TEXT_MAX, description="续写: the opening line(s) to keep")
    rules: Rules = Field(D.rules, description="strict, lenient (polyphones are wildcards) or off")
    start: Optional[Literal["平起", "仄起", "ping", "ze"]] = Field(None, description="平起 or 仄起; null: any")
    first_rhymes: Optional[bool] = Field(None, description="whether line 1 rhymes (首句入韵); null: any")
    temperature: float = Field(D.temperature, gt=0, le=2, description="lower is safer, higher is bolder")
    top_k: int = Field(D.top_k, ge=0, le=100_000, description="sample among the k likeliest characters; 0 = all")
    top_p: float = Field(D.top_p, gt=0, le=1, description="nucleus sampling mass")
    beam: int = Field(D.beam, ge=0, le=BEAM_MAX, description="beam search of this width; 0 = sample")
    n: int = Field(D.n, ge=1, le=N_MAX, description="how many poems, best first")
    seed: Optional[int] = Field(None, ge=0, le=SEED_MAX, description="the same seed gives the same poem")
    max_repeat: int = Field(D.max_repeat, ge=1, le=REPEAT_MAX, description="no character more often than this")
    script: Script = Field("simplified", description="script of the output")

    @field_validator("form")
    @classmethod
    def _known_form(cls, value: str) -> str:
        try:
            return resolve_form(value).name
        except InputError as err:
            raise ValueError(str(err)) from None

    @field_validator("acrostic")
    @classmethod
    def _acrostic_fits(cls, value: str | None, info: ValidationInfo) -> str | None:
        form = info.data.get("form")  # validated before (declared first); absent when it was bad
        if value is not None and form is not None:
            heads, lines = re.sub(r"\s+", "", value), resolve_form(form).n_lines
            if len(heads) != lines:
                raise ValueError(f"acrostic {heads!r} has {len(heads)} characters; a {form} has {lines} lines")
        return value

    @field_validator("n")
    @classmethod
    def _n_within_beam(cls, value: int, info: ValidationInfo) -> int:
        beam = info.data.get("beam")
        if beam and value > beam:
            raise ValueError(f"n={value} asks for more poems than beam={beam} keeps")
        return value

    def write_kwargs(self) -> dict:
        """Keyword arguments of :meth:`tangshi.poet.Poet.write`."""
        return self.model_dump()


class CheckRequest(BaseModel):
    """``POST /api/check``: a poem to judge."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "渭城朝雨浥轻尘，客舍青青柳色新。劝君更尽一杯酒，西出阳关无故人。", "lenient": False}]})

    text: str = Field(..., min_length=1, max_length=CHECK_TEXT_MAX, description="the poem, lines split by punctuation")
    lenient: bool = Field(False, description="polyphones (多音字) count as either tone")


class ConvertRequest(BaseModel):
    """``POST /api/convert``: text to show in the other script."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=CHECK_TEXT_MAX)
    script: Script


class ConvertResponse(BaseModel):
    text: str


class IssueOut(BaseModel):
    kind: str = Field(..., description="PROSODY.md kind, e.g. shi_nian")
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


class ReportOut(BaseModel):
    """The checker's verdict (``tangshi check --json``)."""

    form: Optional[str]
    ok: bool
    pattern: Optional[str]
    rhyme_group: Optional[str]
    mode: Literal["strict", "lenient"]
    lines: list[LineOut]
    errors: list[IssueOut]
    notes: list[IssueOut]


class PoemOut(BaseModel):
    text: str
    lines: list[str]
    form: str
    title: str
    score: float = Field(..., description="mean log-probability per character")
    pattern: str
    check: ReportOut


class PoemsOut(BaseModel):
    """What ``tangshi write --json`` prints."""

    poems: list[PoemOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    name: str = Field(..., description="the model's name")
    version: str = Field(..., description="tangshi version and checkpoint step, e.g. 0.1.0+step60")
    tangshi_version: str
    step: Optional[int] = Field(..., description="training step of the checkpoint")
    vocab_size: int
    workers: int
    queue: int


class ErrorOut(BaseModel):
    detail: str
