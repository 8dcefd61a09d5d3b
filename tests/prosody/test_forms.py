"""Patterns generated from the four line types and 粘/对."""
from __future__ import annotations

import pytest

from tangshi.prosody.forms import FORMS, PING, ZE, free_positions, opposite, patterns, required_tones, rhyme_positions


def test_sixteen_distinct_patterns():
    all_patterns = patterns()
    assert len(all_patterns) == 16
    assert len({(p.form.name, p.name) for p in all_patterns}) == 16


def test_the_standard_tables():
    by = {(p.form.name, p.name): required_tones(p) for p in patterns()}
    assert by[("五言绝句", "仄起首句不入韵")] == ("*Z*PZ", "PPZZP", "*PPZZ", "*ZZPP")
    assert by[("五言绝句", "平起首句入韵")] == ("PPZZP", "*ZZPP", "*Z*PZ", "PPZZP")
    assert by[("七言绝句", "平起首句入韵")] == ("*P*ZZPP", "*ZPPZZP", "*Z*PPZZ", "*P*ZZPP")
    # 律诗 line 5 is the 仄收 partner of line 1 when line 1 rhymes
    assert by[("七言律诗", "仄起首句入韵")][4] == "*Z*PPZZ"


@pytest.mark.parametrize("pattern", patterns(), ids=lambda p: p.form.name + p.name)
def test_dui_nian_and_rhyme_hold(pattern):
    lines = required_tones(pattern)
    n = pattern.form.n_chars
    rhythm = [1, 3] if n == 5 else [1, 3, 5]
    for i in range(0, len(lines), 2):
        for j in rhythm:  # 对: opposite at 2, 4 (6)
            assert lines[i][j] == opposite(lines[i + 1][j])
        if i:  # 粘: position 2 equal to the line before
            assert lines[i][1] == lines[i - 1][1]
    assert lines[0][1] == pattern.start
    for k, line in enumerate(lines):
        rhymes = (k + 1, n) in rhyme_positions(pattern)
        assert line[-1] == (PING if rhymes else ZE)
    assert free_positions(pattern) and all(pos % 2 == 1 for _, pos in free_positions(pattern))


def test_forms():
    assert [(f.name, f.n_lines, f.n_chars) for f in FORMS] == [
        ("五言绝句", 4, 5), ("七言绝句", 4, 7), ("五言律诗", 8, 5), ("七言律诗", 8, 7)]
