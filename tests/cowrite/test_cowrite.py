"""Writing with the poet, on the shipped model and real poems: keep lines and rewrite the rest,
alternatives for one line, characters for one slot — each checked by the checker, as a reader would."""
from __future__ import annotations

import pytest

from tangshi.errors import InputError
from tangshi.hanzi import join_lines, split_lines
from tangshi.prosody import check

DENGGAO = ("登高", "风急天高猿啸哀，渚清沙白鸟飞回。无边落木萧萧下，不尽长江滚滚来。"
                   "万里悲秋常作客，百年多病独登台。艰难苦恨繁霜鬓，潦倒新停浊酒杯。")
GUANQUE = ("登鹳雀楼", "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。")
CHUNWANG = ("春望", "国破山河在，城春草木深。感时花溅泪，恨别鸟惊心。烽火连三月，家书抵万金。白头搔更短，浑欲不胜簪。")


@pytest.fixture(scope="module")
def shipped():
    from tangshi.poet import Poet

    return Poet.load()


@pytest.mark.parametrize("form,poem,keep", [("七律", DENGGAO, "1,4"), ("七律", DENGGAO, "2,5,8"),
                                            ("五律", CHUNWANG, "3,4"), ("五绝", GUANQUE, "4"),
                                            ("五绝", GUANQUE, "2,3")])
def test_kept_lines_stay_verbatim_and_the_poem_passes(shipped, form, poem, keep):
    title, text = poem
    lines = split_lines(text)
    kept = [int(k) - 1 for k in keep.split(",")]
    for seed in (1, 2):
        (p,) = shipped.write(form=form, title=title, poem=text, keep=keep, seed=seed)
        assert [p.lines[i] for i in kept] == [lines[i] for i in kept]
        assert any(p.lines[i] != lines[i] for i in range(len(lines)) if i not in kept)  # the rest is new
        assert check(p.text).ok, p.check["errors"]


def test_a_kept_rhyme_further_on_sets_the_rhyme_of_the_new_lines(shipped):
    """Keep only line 8 of 登高 (杯, 十灰): lines 2, 4 and 6 — written before it — rhyme in 十灰, never 杯 again."""
    title, text = DENGGAO
    for seed in range(3):
        (p,) = shipped.write(form="七律", title=title, poem=text, keep="8", seed=seed)
        report = check(p.text)
        assert report.ok and report.rhyme_group == "十灰", report.rhyme_group
        assert all(p.lines[i][-1] != "杯" for i in (1, 3, 5))


@pytest.mark.parametrize("form,poem,line", [("七律", DENGGAO, 1), ("七律", DENGGAO, 4), ("七律", DENGGAO, 8),
                                            ("五绝", GUANQUE, 3)])
def test_alternatives_for_a_line_are_distinct_and_each_passes_in_place(shipped, form, poem, line):
    title, text = poem
    lines = split_lines(text)
    poems = shipped.write(form=form, title=title, poem=text, line=line, n=5, seed=7)
    alts = [p.lines[line - 1] for p in poems]
    assert len(alts) == 5 and len(set(alts)) == 5
    for p in poems:
        assert [q for i, q in enumerate(p.lines) if i != line - 1] == [q for i, q in enumerate(lines) if i != line - 1]
        placed = lines[: line - 1] + [p.lines[line - 1]] + lines[line:]
        assert check(join_lines(placed)).ok


def test_alternatives_come_best_first(shipped):
    title, text = DENGGAO
    poems = shipped.write(form="七律", title=title, poem=text, line=3, n=4, seed=3)
    ranks = [p.rank for p in poems]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize("line,pos", [(1, 1), (2, 7), (3, 4), (5, 6), (8, 2), (8, 7)])
def test_every_suggestion_fits_its_slot(shipped, line, pos):
    """Each suggested character, put in the slot, leaves 登高 passing the check."""
    title, text = DENGGAO
    out = shipped.suggest(form="七律", title=title, poem=text, line=line, pos=pos, n=10)
    assert len(out["suggestions"]) == 10 and out["char"] == split_lines(text)[line - 1][pos - 1]
    chars = [s["char"] for s in out["suggestions"]]
    assert len(set(chars)) == len(chars)
    assert [s["score"] for s in out["suggestions"]] == sorted((s["score"] for s in out["suggestions"]), reverse=True)
    lines = split_lines(text)
    for c in chars:
        row = lines[line - 1]
        placed = lines[: line - 1] + [row[: pos - 1] + c + row[pos:]] + lines[line:]
        assert check(join_lines(placed)).ok, (line, pos, c)
    if pos == 7 and line % 2 == 0:
        assert out["rhymes"] and out["rhyme"] == "十灰" and out["tone"] == "平"


def test_a_wrong_tone_the_checker_marks_is_fixed_by_the_suggestions(shipped):
    """Put 仄 月 where 登鹳雀楼 needs 平 (line 2, character 2: 河): the checker marks it; every suggestion
    for that slot makes the poem pass again."""
    title, text = GUANQUE
    lines = split_lines(text)
    wrong = lines[:1] + ["黄月入海流"] + lines[2:]
    report = check(join_lines(wrong))
    assert not report.ok and any(e["line"] == 2 for e in report.to_json()["errors"])
    out = shipped.suggest(form="五绝", title=title, poem=join_lines(wrong), line=2, pos=2, n=8)
    assert out["tone"] == "平" and out["suggestions"]
    for s in out["suggestions"]:
        assert check(join_lines(lines[:1] + ["黄" + s["char"] + "入海流"] + lines[2:])).ok


def test_a_slot_in_a_poem_still_being_written(shipped):
    """Only what comes before the slot need be written; the rest may be □."""
    out = shipped.suggest(form="五绝", poem="白日依山尽，黄河入海□。□□□□□，□□□□□。", line=2, pos=5, n=5)
    assert out["char"] is None and out["rhymes"] and len(out["suggestions"]) == 5
    assert all(any(r["class"] == "平" for r in s["readings"]) for s in out["suggestions"])


@pytest.mark.parametrize("fields,field,needle", [
    (dict(form="五绝", poem="床前明月光，疑是地上霜。举头望明月，低头思故乡。", keep="1,3"), "keep", "kept line 3, character 2"),
    (dict(form="五绝", poem=GUANQUE[1], keep="1,5"), "keep", "lines 1 to 4"),
    (dict(form="五绝", poem=GUANQUE[1], keep="1,2,3,4"), "keep", "nothing is left"),
    (dict(form="五绝", poem=GUANQUE[1]), "poem", "keep"),
    (dict(form="五绝", keep="1"), "keep", "needs the poem"),
    (dict(form="五绝", poem=GUANQUE[1], line=5), "line", "outside the poem"),
    (dict(form="五绝", poem="白日依山尽，黄河入海流。", keep="1"), "poem", "has 2 lines"),
    (dict(form="五绝", poem="白日依山尽，黄河入海流。欲穷千里目，更上一层。", keep="1"), "poem", "line 4"),
    (dict(form="五律", poem="国破山河在，城春草木深。□□□□□，□□□□□。烽火连三月，家书抵万金。□□□□□，□□□□□。",
          keep="2,6", rules="strict", rhyme="东"), "rhyme", "does not rhyme"),
])
def test_bad_revisions_are_one_line_naming_the_field(shipped, fields, field, needle):
    with pytest.raises(InputError) as err:
        shipped.write(**fields)
    assert err.value.field == field and needle in str(err.value) and "\n" not in str(err.value)


def test_kept_rhymes_that_share_no_group(shipped):
    poem = "白日依山尽，黄河入海流。□□□□□，更上一层楼。"  # 流 and 楼 rhyme (十一尤): fine
    assert shipped.write(form="五绝", poem=poem, keep="2,4", seed=1)
    with pytest.raises(InputError) as err:  # 流 (十一尤) and 山 (十五删) share no group
        shipped.write(form="五绝", poem="白日依山尽，黄河入海流。□□□□□，更上一重山。", keep="2,4", seed=1)
    assert err.value.field == "keep" and "share no 平 group" in str(err.value)


@pytest.mark.parametrize("fields,field,needle", [
    (dict(line=5, pos=1), "line", "outside the poem"),
    (dict(line=1, pos=6), "pos", "outside line 1"),
    (dict(line=3, pos=2, poem="白日依山尽，黄河入□流。□□□□□，□□□□□。"), "poem", "line 2, character 4"),
    (dict(line=1, pos=1, poem="白日依山尽"), "poem", "has 1 lines"),
])
def test_bad_slots_are_one_line_naming_the_field(shipped, fields, field, needle):
    with pytest.raises(InputError) as err:
        shipped.suggest(**{"form": "五绝", "poem": GUANQUE[1], **fields})
    assert err.value.field == field and needle in str(err.value)


def test_the_cli_writes_alternatives_and_suggestions(tmp_path, capsys):
    from tangshi.cli.main import main

    poem = tmp_path / "poem.txt"
    poem.write_text(GUANQUE[1], "utf-8")
    assert main(["write", "--form", "五绝", "--poem", str(poem), "--line", "3", "-n", "3", "--seed", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "line 3, 3 alternatives, best first:" and len(out) == 4
    assert main(["suggest", "--form", "五绝", "--poem", GUANQUE[1], "--line", "3", "--pos", "2", "-n", "4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("line 3, character 2: 平") and len(out) == 5
    assert main(["suggest", "--form", "五绝", "--poem", GUANQUE[1], "--line", "3", "--pos", "6"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside line 3" in err


def test_a_poem_flag_that_names_no_readable_file_is_one_line(tmp_path, capsys):
    from tangshi.cli.main import main

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe")
    for value, needle in ((str(tmp_path / "missing.txt"), "No such file"), (str(bad), "not UTF-8")):
        assert main(["write", "--form", "五绝", "--poem", value, "--keep", "1"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err


def test_a_fault_before_the_slot_does_not_open_it(shipped):
    """渭城曲 has a 失粘 (君 平 where 仄 is due): a slot after it still gets only what its pattern
    takes — 仄 at line 3's 2nd place, a 十一真 rhyme at line 2's end — not anything at all."""
    wei = "渭城朝雨浥轻尘，客舍青青柳色新。劝君更尽一杯酒，西出阳关无故人。"
    out = shipped.suggest(form="七绝", poem=wei, line=3, pos=2, n=6)
    assert out["tone"] == "仄" and len(out["suggestions"]) == 6
    assert all(any(r["class"] == "仄" for r in s["readings"]) for s in out["suggestions"])
    out = shipped.suggest(form="七绝", poem=wei, line=2, pos=7, n=6)
    assert out["rhyme"] == "十一真"
    assert all(any(r["group"] == "十一真" for r in s["readings"]) for s in out["suggestions"])
