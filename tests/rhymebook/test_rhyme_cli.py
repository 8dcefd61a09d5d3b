"""``tangshi rhyme``: readable text for a group and a character, --json that parses, and every bad
query one line on stderr with exit 2 (in-process, plus one subprocess that never imports torch)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tangshi.cli import main


def run(argv, capsys):
    """(exit code, stdout, stderr) of ``tangshi rhyme ...``; argparse's own exits count too."""
    try:
        code = main(["rhyme", *argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_a_group_is_one_line_per_character(capsys):
    code, out, err = run(["东", "--limit", "3"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("一东 (上平声, 平)") and "3 shown" in lines[0]
    assert [line.split()[:2] for line in lines[1:4]] == [["风", "1383"], ["中", "1355"], ["空", "882"]]
    assert "春风 131" in lines[1] and "(also 一送)" in lines[2]
    assert lines[4] == "东 is also a character: tangshi rhyme 东 --char"


def test_a_character_shows_each_reading_and_its_examples(capsys):
    code, out, _ = run(["看"], capsys)
    assert code == 0
    assert "多音字" in out
    ping = out.index("平  十四寒 (上平声): rhymed 521 times")
    ze = out.index("仄  十五翰 (去声): rhymed 6 times")
    assert ping < ze
    examples = [line for line in out.splitlines() if line.startswith("    ")]
    assert len(examples) >= 2 and all("看" in line and "——" in line for line in examples)
    assert "[韵脚]" in out


def test_traditional_and_forced_kinds(capsys):
    code, out, _ = run(["東", "--char", "--script", "traditional"], capsys)
    assert code == 0 and out.startswith("東  (one reading; rhymed 417 times")
    assert "東 also names the group 一東: tangshi rhyme 東 --group" in out
    code, out, _ = run(["一東", "--group", "--script", "traditional", "--limit", "1"], capsys)
    assert code == 0 and out.splitlines()[1].startswith("風")


@pytest.mark.parametrize("argv, kind", [(["东", "--limit", "2"], "group"), (["看"], "char"), (["董", "--char"], "char")])
def test_json_parses(argv, kind, capsys):
    code, out, _ = run([*argv, "--json"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["kind"] == kind and result["script"] == "simplified"


BAD = {
    "empty": ([""], "the query is empty"),
    "not Chinese": (["abc"], "not Chinese"),
    "too long": (["山" * 9], "at most 8"),
    "two characters, no group": (["明月"], "neither a 平水韵 group"),
    "unknown character": (["𠀋"], "no reading"),
    "not a group": (["看", "--group"], "not the name of a 平水韵 group"),
    "limit 0": (["东", "--limit", "0"], "limit must be an integer in 1..500"),
    "limit too big": (["东", "--limit", "501"], "limit must be an integer in 1..500"),
    "argparse: limit not a number": (["东", "--limit", "x"], "invalid int value"),
    "argparse: script": (["东", "--script", "latin"], "invalid choice"),
    "argparse: both kinds": (["东", "--group", "--char"], "not allowed with"),
    "argparse: no query": ([], "required"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_query_is_one_line_and_exit_2(name, capsys):
    argv, phrase = BAD[name]
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tangshi: error:") and phrase in err, err


def test_subprocess_without_torch():
    code = ("import sys; from tangshi.cli import main; rc = main(['rhyme', '看', '--json']); "
            "assert 'torch' not in sys.modules, 'rhyme imported torch'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["char"] == "看"
