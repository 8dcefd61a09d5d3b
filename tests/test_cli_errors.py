"""Bad input at the command line: exit code 2 and exactly one line on stderr, never a traceback.

One table, run as real processes (so argv and stdin can hold bytes that are not UTF-8).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"

# (argv, stdin bytes or None, a phrase the one line must hold)
CASES = {
    "-n far too many": (["write", "-n", "100000"], None, "n must be 1..16"),
    "beam far too wide": (["write", "--beam", "10000"], None, "beam must be 0..16"),
    "seed past 2^64": (["write", "--seed", "18446744073709551616"], None, "seed must be"),
    "negative seed": (["write", "--seed", "-1"], None, "seed must be"),
    "temperature zero": (["write", "--temperature", "0"], None, "temperature must be"),
    "temperature nan": (["write", "--temperature", "nan"], None, "temperature must be"),
    "unknown form": (["write", "--form", "九言"], None, "unknown form"),
    "guidance negative": (["write", "--guidance", "-1"], None, "guidance must be"),
    "guidance too strong": (["write", "--guidance", "9"], None, "guidance must be"),
    "no candidates": (["write", "--candidates", "0"], None, "candidates must be"),
    "too many candidates": (["write", "--candidates", "64"], None, "candidates must be"),
    "penalty negative": (["write", "--repeat-penalty", "-2"], None, "repeat_penalty must be"),
    "title not UTF-8": (["write", "--title", b"\xff\xfe"], None, "not valid UTF-8"),
    "acrostic not UTF-8": (["write", "--form", "五绝", "--acrostic", b"\xff\xfe\xfd\xfc"], None, "not valid UTF-8"),
    "title too long": (["write", "--title", "山" * 40], None, "at most 32"),
    "acrostic wrong length": (["write", "--form", "五绝", "--acrostic", "春夏"], None, "has 2 characters"),
    "bad yes/no": (["write", "--first-rhymes", "maybe"], None, "expected yes or no"),
    "unknown rhyme group": (["write", "--rhyme", "董"], None, "unknown rhyme group"),
    "unknown dynasty": (["write", "--dynasty", "元"], None, "unknown dynasty"),
    "dynasty the model lacks": (["write", "--dynasty", "宋"], None, "trained on 唐 poems only"),
    "unknown mood": (["write", "--mood", "乐"], None, "unknown mood '乐'; choose one of: 喜 (joy)"),
    "mood strength too strong": (["write", "--mood", "闲", "--mood-strength", "9"], None, "mood_strength must be"),
    "too many keywords": (["write", "--keywords", "春 夏 秋 冬 雪"], None, "5 keywords; a plan has 4"),
    "keyword too long": (["write", "--keywords", "明月光"], None, "one or two Chinese characters"),
    "keyword the model lacks": (["write", "--keywords", "𠀋"], None, "keyword '𠀋'"),
    "line search with a beam": (["write", "--beam", "4", "--line-samples", "2"], None, "line_samples=2"),
    "argparse: not an int": (["write", "-n", "abc"], None, "invalid int value"),
    "argparse: unknown flag": (["write", "--colour", "red"], None, "unrecognized arguments"),
    "argparse: unknown command": (["compose"], None, "invalid choice"),
    "argparse: no command": ([], None, "required"),
    "check: stdin not UTF-8": (["check", "-"], b"\xff", "not valid UTF-8"),
    "check: argv not UTF-8": (["check", b"\xff\xfe"], None, "not valid UTF-8"),
    "check: 10 MB on stdin": (["check", "-"], ("春" * 3_500_000).encode(), "more than 1000 characters"),
    "check: too long": (["check", "春" * 1001], None, "at most 1000"),
    "check: empty": (["check", ""], None, "no poem given"),
    "check: two modes": (["check", "--strict", "--lenient", "白日依山盡"], None, "not allowed with"),
    "check: only invisible characters": (["check", "\ufeff\u200b"], None, "no poem given"),
    "train: eval every 0": (["train", "--eval-every", "0", "--out", "{tmp}/r"], None, "--eval-every must be"),
    "train: batch size 0": (["train", "--batch-size", "0", "--out", "{tmp}/r"], None, "--batch-size must be"),
    "train: hidden -5": (["train", "--hidden", "-5", "--out", "{tmp}/r"], None, "hidden must be"),
    "train: lr 0": (["train", "--lr", "0", "--out", "{tmp}/r"], None, "--lr must be"),
    "train: bad inject-nan": (["train", "--inject-nan", "a,b", "--out", "{tmp}/r"], None, "--inject-nan"),
    "serve: bad port": (["serve", "--port", "70000"], None, "--port must be"),
    "serve: bad host name": (["serve", "--allow-host", "a b"], None, "--allow-host"),
    "serve: bad candidates": (["serve", "--candidates", "0"], None, "candidates must be"),
    "lab: not a png": (["lab", "gradients", "--out", "{tmp}/g.jpg"], None, ".png"),
    "eval: no model": (["eval", "--model", "{tmp}/none"], None, "no model"),
    "eval: poems 0": (["eval", "--poems", "0"], None, "--poems must be"),
}


def _arg(a: str | bytes, tmp: Path) -> bytes:
    return a if isinstance(a, bytes) else a.replace("{tmp}", str(tmp)).encode()


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    argv, stdin, needle = CASES[case]
    env = {**os.environ, "TANGSHI_HOME": str(tmp_path / "home"), "PYTHONUTF8": "1"}
    proc = subprocess.run([sys.executable.encode(), b"-m", b"tangshi.cli", *(_arg(a, tmp_path) for a in argv)],
                          input=stdin if stdin is not None else b"", capture_output=True, timeout=120, env=env)
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    assert proc.returncode == 2, (proc.returncode, err)
    assert len(err) == 1 and err[0].startswith("tangshi: error: "), err
    assert needle in err[0], err
    assert "Traceback" not in proc.stderr.decode("utf-8", "replace")


def test_a_bom_or_zero_width_space_before_a_poem_is_ignored() -> None:
    from tangshi.prosody import check

    for lead in ("\ufeff", "\u200b", "\u200d", "\u2060"):
        report = check(lead + GOOD)
        assert report.ok and report.form == "五言绝句", lead.encode("unicode_escape")


def test_simplified_output_keeps_what_fonts_cannot_draw() -> None:
    """濆 and 軿 simplify to 𣸣 and 𫐌 (extension blocks, missing from most fonts): kept as they are."""
    from tangshi.script import convert, from_model

    assert from_model("濆泉軿車風雨", "simplified") == "濆泉軿车风雨"
    assert convert("濆泉軿車風雨", "simplified") == "濆泉軿车风雨"
    assert from_model("頭髮", "simplified") == "头发"  # phrases still choose their form


# Output that cannot be written (tangshi.cli.main, for every subcommand): write needs the shipped poet
OUTPUT_CASES = {"check": ["check", GOOD], "check --json": ["check", "--json", GOOD],
                "write": ["write", "--form", "五绝", "--seed", "1"]}


def _cli(argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "tangshi.cli", *argv]


@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_a_reader_that_goes_away_ends_the_command_quietly(case: str) -> None:
    """`tangshi … | head -1`, the reader gone before a byte is written: exit 141 (as `cat` killed by
    SIGPIPE), nothing on stderr — no BrokenPipeError, no "Exception ignored" at exit."""
    env = {**os.environ, "PYTHONUTF8": "1"}
    proc = subprocess.Popen(_cli(OUTPUT_CASES[case]), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader goes away first: every write the command makes hits a closed pipe
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 141, stderr
    assert stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_output_that_cannot_be_written_is_one_line_and_exit_1(case: str) -> None:
    env = {**os.environ, "PYTHONUTF8": "1"}
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(_cli(OUTPUT_CASES[case]), stdout=full, stderr=subprocess.PIPE, env=env, timeout=120)
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    assert proc.returncode == 1, err
    assert err == ["tangshi: error: cannot write the output: No space left on device"]


def test_only_standard_output_failures_are_taken_for_output_errors(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture) -> None:
    """Another OSError inside a subcommand (a file it reads) is not an output error: it is raised as it was."""
    from tangshi import cli
    from tangshi.cli import check as check_cli

    def fails(args) -> int:
        print("partial output")
        raise PermissionError(13, "Permission denied", "some/file")

    monkeypatch.setattr(check_cli, "handler", fails)
    with pytest.raises(PermissionError):
        cli.main(["check", GOOD])
    assert capsys.readouterr().out == "partial output\n"
