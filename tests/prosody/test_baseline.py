"""The human baseline: pass rates per form and mode on real poems."""
from __future__ import annotations

import pytest

from tangshi.errors import InputError
from tangshi.prosody.baseline import pass_rates
from prosody_poems import KNOWN


def test_pass_rates_on_known_poems():
    poems = [(k.form, tuple(k.text.split("，"))) for k in KNOWN]
    rates = pass_rates(poems)
    assert rates["all"]["poems"] == len(KNOWN)
    lenient_pass = sum(not k.lenient for k in KNOWN)
    assert rates["all"]["lenient_pass"] == lenient_pass
    assert rates["all"]["lenient"] == pytest.approx(lenient_pass / len(KNOWN))
    assert rates["all"]["strict_pass"] <= rates["all"]["lenient_pass"]
    assert rates["五言绝句"]["poems"] == sum(k.form == "五言绝句" for k in KNOWN)
    # 春曉 rhymes 仄: not in the 平-rhymed population
    assert rates["all"]["ping_rhymed"]["poems"] == len(KNOWN) - 1


def test_empty_input_and_bad_labels():
    empty = pass_rates([])["all"]
    assert (empty["count"], empty["strict_pass"], empty["strict"], empty["lenient"]) == (0, 0, 0.0, 0.0)
    with pytest.raises(InputError, match="form"):
        pass_rates([("古体", ("白日依山盡",))])
