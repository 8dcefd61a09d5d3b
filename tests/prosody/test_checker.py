"""The checker on real poems (known answers), both scripts, and on bad input (never a traceback)."""
from __future__ import annotations

import json

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tangshi.errors import InputError
from tangshi.prosody import check
from tangshi.prosody.checker import MODES
from prosody_poems import KNOWN

T2S = opencc.OpenCC("t2s")
IDS = [f"{k.author}-{k.title}" for k in KNOWN]


@pytest.mark.parametrize("known", KNOWN, ids=IDS)
def test_known_poems_lenient(known):
    report = check(known.text, "lenient")
    assert report.form == known.form
    assert report.pattern == known.pattern
    assert report.rhyme_group == known.rhyme_group
    assert tuple(report.kinds()) == known.lenient
    notes = {n.kind for n in report.notes}
    assert set(known.notes) <= notes


@pytest.mark.parametrize("known", [k for k in KNOWN if k.strict is not None], ids=lambda k: k.title)
def test_known_poems_strict(known):
    report = check(known.text, "strict")
    assert tuple(report.kinds()) == known.strict
    assert report.ok == (not known.strict)
    assert report.pattern == known.pattern


@pytest.mark.parametrize("known", KNOWN, ids=IDS)
def test_known_poems_contextual(known):
    """The default mode: in these poems every 多音字 the context settles is read as the rules need,
    so the verdict is the lenient one (a 多音字 no longer fails 《回鄉偶書》)."""
    report = check(known.text)
    assert report.mode == "contextual" and tuple(report.kinds()) == known.lenient
    assert (report.pattern, report.rhyme_group) == (known.pattern, known.rhyme_group)


@pytest.mark.parametrize("known", KNOWN, ids=IDS)
@pytest.mark.parametrize("mode", MODES)
def test_simplified_and_traditional_agree(known, mode):
    trad, simp = check(known.text, mode), check(T2S.convert(known.text), mode)
    assert simp.kinds() == trad.kinds()
    assert (simp.pattern, simp.rhyme_group, simp.ok) == (trad.pattern, trad.rhyme_group, trad.ok)


def test_shi_nian_is_reported_once_at_the_couplet_boundary():
    report = check(KNOWN[IDS.index("王維-渭城曲")].text, "lenient")
    (issue,) = report.errors
    assert (issue.kind, issue.line, issue.pos) == ("shi_nian", 3, 2)
    assert "君" in issue.message and "舍" in issue.message


def test_strict_rejects_a_polyphone_that_decides_a_fixed_position():
    # 輕 (平 清 / 去 勁) sits on pos 6 of 渭城朝雨浥輕塵, a fixed 平 slot.
    report = check("渭城朝雨浥輕塵，客舍青青楊柳春，勸君更盡一杯酒，西出陽關無故人", "strict")
    assert ("tone", 1, 6) in [(e.kind, e.line, e.pos) for e in report.errors]
    assert ("ambiguous", 1, 6) in [(n.kind, n.line, n.pos) for n in report.notes]
    assert report.lines[0].tones[5] == "PZ"


def test_big_ao_rescue_is_a_note_and_an_unrescued_one_an_error():
    ok = check("帶甲滿天地，胡爲君遠行，親朋盡一哭，鞍馬去孤城，草木歲月晚，關河霜雪清，別離已昨日，因見古人情", "lenient")
    assert ("da_ao_jiu", 5, 4) in [(n.kind, n.line, n.pos) for n in ok.notes]
    # the same line without the rescue: 關河 -> 關山 keeps the tones; 霜 (P) -> 雨 (Z) at pos 3
    bad = check("帶甲滿天地，胡爲君遠行，親朋盡一哭，鞍馬去孤城，草木歲月晚，關河雨雪清，別離已昨日，因見古人情", "lenient")
    assert ("tone", 5, 4) in [(e.kind, e.line, e.pos) for e in bad.errors]


def test_json_has_the_documented_shape():
    report = check(KNOWN[0].text).to_json()
    assert set(report) >= {"form", "ok", "pattern", "rhyme_group", "lines", "errors", "notes"}
    assert report["ok"] is True and len(report["lines"]) == 4
    for line in report["lines"]:
        assert set(line) >= {"text", "tones", "required", "verdicts", "rhyme"}
        assert len(line["tones"]) == len(line["required"]) == len(line["text"]) == 5
        assert set(line["tones"]) <= {"P", "Z", "PZ", "?"} and set(line["required"]) <= {"P", "Z", "*"}
    assert [ln["rhyme"] for ln in report["lines"]] == [False, True, False, True]
    bad = check("春眠不覺曉，處處聞啼鳥，夜來風雨聲，花落知多少").to_json()
    for item in bad["errors"] + bad["notes"]:
        assert set(item) == {"kind", "line", "pos", "message"}
    json.dumps(bad, ensure_ascii=False)


BAD_SHAPES = ["", "   \n\n", "白日依山盡", "白日依山盡，黃河入海流，欲窮千里目",
              "白日依山盡，黃河入海流，欲窮千里目，更上一層樓層", "白日依山盡，黃河入海流，欲窮千里，更上一層樓",
              "hello, world", "一二三四，五六七八，一二三四，五六七八"]


@pytest.mark.parametrize("text", BAD_SHAPES)
def test_bad_shapes_are_reported_not_raised(text):
    report = check(text)
    assert not report.ok and report.kinds()[0] == "bad_shape" and report.form is None


@pytest.mark.parametrize("text", ["白日依山盡，黃河入海流，欲窮千里x，更上一層樓", "白日依山盡，黃河入海流，欲窮千里😀，更上一層樓",
                                  "abcde fghij klmno pqrst"])
def test_unknown_characters_are_errors_at_their_position(text):
    report = check(text)
    unknown = [(e.line, e.pos) for e in report.errors if e.kind == "unknown_char"]
    assert unknown and not report.ok
    assert report.lines[unknown[0][0] - 1].verdicts[unknown[0][1] - 1] == "unknown"


@pytest.mark.parametrize("text", [
    "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。",  # simplified, full-width
    "白日依山盡,黃河入海流.欲窮千里目!更上一層樓?",  # ASCII punctuation
    "  白日依山盡\n\n黃河入海流\r\n欲窮千里目；更上一層樓、 ",  # newlines, whitespace
    "白日依山盡 黃河入海流 欲窮千里目 更上一層樓",  # spaces
    "白日依山盡黃河入海流欲窮千里目更上一層樓",  # one unpunctuated run of 20
    "「白日依山盡，黃河入海流。欲窮千里目，更上一層樓。」",  # quotation marks
])
def test_separators_scripts_and_whitespace(text):
    report = check(text)
    assert report.ok and report.form == "五言绝句" and len(report.lines) == 4


def test_a_non_string_is_an_input_error():
    with pytest.raises(InputError, match="str"):
        check(None)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80), st.sampled_from(MODES))
def test_any_string_gives_a_json_serialisable_report(text, mode):
    report = check(text, mode)
    out = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert out["ok"] == (not out["errors"])


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(HAN, min_size=5, max_size=5), min_size=4, max_size=4) | st.lists(
    st.text(HAN, min_size=7, max_size=7), min_size=8, max_size=8))
def test_random_han_poems_get_a_full_report(lines):
    report = check("，".join(lines))
    assert report.form is not None and len(report.lines) == len(lines)
    for line in report.lines:
        assert len(line.tones) == len(line.required) == len(line.verdicts) == len(line.text)
    kinds = {i.kind for i in (*report.errors, *report.notes)}
    assert "bad_shape" not in kinds
