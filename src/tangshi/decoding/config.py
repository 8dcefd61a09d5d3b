"""How to decode: :class:`DecodeConfig`, the decoding fields of a write request, and its helpers.

The fields, their defaults and ranges are the request's (:mod:`tangshi.request`): a field whose spec
says ``decodes`` is one of :data:`~tangshi.request.DECODE_FIELDS`, and :class:`DecodeConfig` is built
from that list — adding a decoding setting is one request field, not an edit here.
"""
from __future__ import annotations

import dataclasses
import secrets

import torch

from tangshi.prosody.forms import Form, Pattern, patterns
from tangshi.request import DECODE_FIELDS, STARTS, WriteRequest

_FIELDS = {f.name: f for f in dataclasses.fields(WriteRequest)}


def _of(cls, req: WriteRequest) -> "DecodeConfig":
    """The decoding fields of a validated request."""
    return cls(**{name: getattr(req, name) for name in DECODE_FIELDS})


# One frozen dataclass with a field per DECODE_FIELDS entry (rules, temperature, top_k, top_p, beam, n,
# seed, repeat_penalty, parallelism, guidance, candidates, rhyme, dynasty, mood, mood_strength …), typed
# and defaulted as the request's; ``DecodeConfig.of(req)`` takes them from a request.
DecodeConfig = dataclasses.make_dataclass(
    "DecodeConfig", [(name, _FIELDS[name].type, dataclasses.field(default=_FIELDS[name].default))
                     for name in DECODE_FIELDS],
    frozen=True, namespace={"of": classmethod(_of), "__module__": __name__,
                            "__doc__": "How to decode: the decoding fields of a validated WriteRequest."})


def choose_patterns(form: Form, start: str | None, first_rhymes: bool | None) -> list[Pattern]:
    """The patterns allowed by the user's choice of 平起/仄起 and 首句入韵 (None: any)."""
    out = [p for p in patterns(form)
           if (start is None or p.start == STARTS[start]) and (first_rhymes is None or p.first_rhymes == first_rhymes)]
    assert out, "every (start, first_rhymes) choice has a pattern"
    return out


def generator(seed: int | None) -> torch.Generator:
    """A private generator: seeded, or from the OS's entropy (torch's global one is left alone)."""
    return torch.Generator().manual_seed(seed if seed is not None else secrets.randbits(63))
