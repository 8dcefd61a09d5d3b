"""The API's error bodies: each error with a stable machine ``code``, its ``field`` and ``params``.

Every error the server answers has the same shape::

    {"detail": "acrostic: acrostic '春山' has 2 characters; a 五言绝句 has 4 lines",   # one English line
     "code": "wrong_count", "field": "acrostic",                                      # the first error's
     "errors": [{"field": "acrostic", "code": "wrong_count", "message": "…",
                 "params": {"got": 2, "want": 4, "form": "五言绝句"}}]}

``detail`` and ``message`` are for people reading logs and may be reworded; ``code``, ``field`` and
``params`` are the contract, so a client (the web page) can word the error in its own language.
:data:`CODES` lists every code. Pydantic's own errors are coded by their type; the request's and the
poet's :class:`~tangshi.errors.InputError` by the message they carry (:data:`INPUT_RULES`, each pattern
tested against the message it reads), falling back to ``invalid``, which still names the field.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from tangshi.errors import InputError

CODES = {
    "bad_json": "the body is not valid JSON", "bad_body": "the body is not a JSON object",
    "required": "a required field is missing", "unknown_field": "the body has a field the API does not take",
    "wrong_type": "the value has the wrong type (params.kind)", "out_of_range": "a number outside its range",
    "too_long": "text over its length (params.max_length)", "not_a_choice": "not one of the field's choices",
    "bad_text": "text that is not valid UTF-8", "empty": "empty text",
    "not_han": "text that must be Chinese characters only", "unknown_char": "characters the model does not know",
    "wrong_count": "an acrostic with one character too many or too few per line",
    "wrong_length": "a given line of the wrong length", "too_many_lines": "a 续写 that leaves no line to write",
    "n_over_beam": "more poems than the beam keeps", "acrostic_conflict": "the acrostic against the given line",
    "not_trained": "a dynasty or mood this model was not trained with",
    "rhyme_needs_rules": "a rhyme group with the rules off",
    "rhyme_too_small": "a rhyme group with too few rhyme characters for the form",
    "rhyme_mismatch": "a given line that does not rhyme in the chosen group",
    "breaks_form": "a kept character whose tone no pattern takes there (params.line, pos, char)",
    "rhymes_apart": "kept rhymes that share no rhyme group", "nothing_left": "every line kept: nothing to write",
    "outside": "a line or character outside the poem (params.line or pos)",
    "wrong_lines": "a poem with the wrong number of lines (params.got, want)",
    "bad_line": "a line of the poem that is not the form's length in Chinese characters (params.line)",
    "not_written": "a character before the slot not written yet (params.line, pos)",
    "bad_keep": "keep names a line that is not there or not written (params.value)",
    "keep_or_line": "a poem to revise with neither or both of keep and line, or with a first line",
    "needs_poem": "keep or line without a poem",
    "unknown_rhyme": "a rhyme-book query that names no 平水韵 group and no character the lexicon reads",
    "invalid": "any other bad value of a field", "too_large": "a body over the size limit",
    "bad_length": "a bad Content-Length header", "bad_host": "a Host the server does not answer",
    "not_found": "no such path", "method_not_allowed": "the path does not take this method",
    "busy": "the generation pool is full (Retry-After)", "timeout": "a poem took longer than the timeout",
    "no_poem": "no candidate passed the rules", "http_error": "any other HTTP error",
}

# pydantic's error types -> our codes
PYDANTIC = {"json_invalid": "bad_json", "model_attributes_type": "bad_body", "dict_type": "bad_body",
            "model_type": "bad_body", "missing": "required", "extra_forbidden": "unknown_field",
            "literal_error": "not_a_choice", "string_too_long": "too_long", "greater_than": "out_of_range",
            "greater_than_equal": "out_of_range", "less_than": "out_of_range", "less_than_equal": "out_of_range",
            "finite_number": "out_of_range"}
WRONG_TYPE = ("_type", "_parsing", "int_from_float")

# (code, pattern) for the messages of tangshi.request, tangshi.poet, tangshi.script and tangshi.mood; first match wins
INPUT_RULES = (
    ("breaks_form", r"kept line (?P<line>\d+), character (?P<pos>\d+) 「(?P<char>.)」 breaks the form|break the rules"),
    ("rhymes_apart", r"share no 平 group"),
    ("nothing_left", r"names every line .*nothing is left to write"),
    ("outside", r"(?:line (?P<line>\d+) is outside the poem|character (?P<pos>\d+) is outside line (?P<in_line>\d+))"),
    ("wrong_lines", r"the poem has (?P<got>\d+) lines; a (?P<form>\S+) has (?P<want>\d+)"),
    ("bad_line", r"line (?P<line>\d+) of the poem, .* must be (?P<want>\d+) Chinese characters"),
    ("not_written", r"line (?P<line>\d+), character (?P<pos>\d+) is not written yet"),
    ("bad_keep", r"keep names (?:line )?'?(?P<value>[^';,]+?)'?[;,] "),
    ("keep_or_line", r"needs either keep|first_line and poem both"),
    ("needs_poem", r"needs the poem to revise"),
    ("unknown_rhyme", r"is not the name of a 平水韵 group|neither a 平水韵 group's name|lexicon has no reading of"),
    ("not_han", r"is not Chinese characters"),
    ("too_long", r"has (?P<got>\d+) characters, at most (?P<max_length>\d+)"),
    ("unknown_char", r"does not know the character\(s\) (?P<chars>.+) in the "),
    ("not_han", r"must be Chinese characters only"),
    ("wrong_count", r"has (?P<got>\d+) characters; a (?P<form>\S+) has (?P<want>\d+) lines"),
    ("wrong_length", r"has (?P<got>\d+) characters; a (?P<form>\S+) needs (?P<want>\d+)"),
    ("too_many_lines", r"gives (?P<got>\d+) lines; a (?P<form>\S+) has (?P<want>\d+)"),
    ("too_long", r"has (?P<got>\d+) characters; at most (?P<max_length>\d+) are allowed"),
    ("empty", r"is empty|no poem given"),
    ("n_over_beam", r"n=(?P<n>\d+) asks for more poems than beam=(?P<beam>\d+)"),
    ("acrostic_conflict", r"but the acrostic asks for"),
    ("not_trained", r"this model was trained .*?: \w+ '(?P<value>[^']*)'"),
    ("rhyme_needs_rules", r"needs the rules"),
    ("rhyme_too_small", r"offers (?P<got>\d+) rhyme characters .*? needs (?P<want>\d+)"),
    ("rhyme_mismatch", r"does not rhyme in"),
    ("not_a_choice", r"^unknown [\w ]+? '(?P<value>[^']*)'"),
    ("bad_text", r"not valid UTF-8"),
    ("required", r" is required$"),
    ("out_of_range", r" must be [^,]*?, got "),
    ("wrong_type", r" must be (an integer|a number|true or false|text|a [\w ]+'s name|a form name)"),
)
INTS = ("got", "want", "max_length", "n", "beam", "line", "pos", "in_line")


@dataclass(frozen=True)
class Problem:
    """One error: a machine code (:data:`CODES`), the request field (``None``: the request as a whole),
    an English message and the values a client needs to word it."""

    code: str
    message: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        assert self.code in CODES, self.code

    def to_json(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message, "params": self.params}


def body(problems: list[Problem]) -> dict:
    """The JSON body of an error answer: one line of ``detail``, the first error's code and field, all errors."""
    detail = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)
    return {"detail": detail, "code": problems[0].code, "field": problems[0].field,
            "errors": [p.to_json() for p in problems]}


def from_pydantic(error: dict) -> Problem:
    """A problem of one pydantic validation error (``RequestValidationError.errors()``' items)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    parts = [str(p) for p in error["loc"] if p not in ("body", "query")]
    name = ".".join(parts) or None
    code = PYDANTIC.get(kind) or ("wrong_type" if kind.endswith(WRONG_TYPE) else "invalid")
    params: dict[str, Any] = {}
    if code == "out_of_range":
        params = {key: ctx[k] for k, key in (("ge", "min"), ("gt", "min"), ("le", "max"), ("lt", "max")) if k in ctx}
        params |= {"min_open": True} if "gt" in ctx else {}
    elif code == "too_long":
        params = {"max_length": ctx.get("max_length")}
    elif code == "wrong_type":
        params = {"kind": kind.split("_")[0]}  # int, float, bool, string
    if code in ("not_a_choice", "wrong_type", "out_of_range") and _plain(error.get("input")):
        params["value"] = error["input"]
    if code == "unknown_field":
        params["value"] = name
    if code == "bad_json":  # its loc is the position of the fault, not a field
        name, params = None, {"position": error["loc"][-1]}
    return Problem(code, error["msg"].removeprefix("Value error, "), name, params)


def from_input_error(err: InputError) -> Problem:
    """A problem of an :class:`InputError`, coded by the first of :data:`INPUT_RULES` its message matches."""
    message = str(err)
    for code, pattern in INPUT_RULES:
        match = re.search(pattern, message)
        if match:
            params = {k: int(v) if k in INTS else v for k, v in match.groupdict().items() if v is not None}
            if code == "unknown_char":  # 'X' (traditional 'Y'), 'Z' -> XZ: the characters as the user wrote them
                written = re.sub(r" \(traditional '[^']*'\)", "", params["chars"])
                params["chars"] = "".join(re.findall(r"'([^']+)'", written))
            return Problem(code, message, err.field, params)
    return Problem("invalid", message, err.field)


def _plain(value: Any) -> bool:
    """A value small and simple enough to echo back in ``params``."""
    return isinstance(value, (int, float, bool)) or (isinstance(value, str) and len(value) <= 64)
