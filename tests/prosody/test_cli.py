"""``tangshi check``: exit codes, JSON, stdin, colour, error paths (in-process, plus one subprocess)."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from tangshi.cli import main

GOOD = "白日依山盡，黃河入海流，欲窮千里目，更上一層樓"
BAD = "春眠不覺曉，處處聞啼鳥，夜來風雨聲，花落知多少"


class FakeStdin(io.StringIO):
    def isatty(self) -> bool:
        return False


def run(argv, capsys, monkeypatch, stdin=None, env=None):
    for key in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", FakeStdin(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_ok_poem_exits_0_with_marks(capsys, monkeypatch):
    code, out, _ = run(["check", GOOD], capsys, monkeypatch)
    assert code == 0
    assert "合律" in out and "○" in out and "●" in out and "韵" in out
    assert "\033[" not in out  # not a tty, no FORCE_COLOR


def test_broken_poem_exits_1_and_lists_the_errors(capsys, monkeypatch):
    code, out, _ = run(["check", BAD], capsys, monkeypatch)
    assert code == 1
    assert "ze_rhyme" in out and "押仄声韵" in out


def test_json_schema(capsys, monkeypatch):
    code, out, _ = run(["check", "--json", BAD], capsys, monkeypatch)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert {"form", "ok", "pattern", "rhyme_group", "lines", "errors", "notes"} <= set(report)
    assert {"text", "tones", "required"} <= set(report["lines"][0])
    assert report["errors"][0].keys() == {"kind", "line", "pos", "message"}


@pytest.mark.parametrize("argv", [["check"], ["check", "-"]])
def test_stdin(argv, capsys, monkeypatch):
    code, out, _ = run(argv + ["--json"], capsys, monkeypatch, stdin=GOOD + "\n")
    assert code == 0 and json.loads(out)["form"] == "五言绝句"


def test_mode_flags(capsys, monkeypatch):
    poem = "渭城朝雨浥輕塵，客舍青青楊柳春，勸君更盡一杯酒，西出陽關無故人"
    default = json.loads(run(["check", "--json", poem], capsys, monkeypatch)[1])
    strict = json.loads(run(["check", "--json", "--strict", poem], capsys, monkeypatch)[1])
    lenient = json.loads(run(["check", "--json", "--lenient", poem], capsys, monkeypatch)[1])
    assert "tone" in [e["kind"] for e in strict["errors"]] and strict["mode"] == "strict"
    assert [e["kind"] for e in lenient["errors"]] == ["shi_nian"] and lenient["mode"] == "lenient"
    # 輕 on a fixed 平 slot: its context (浥輕, 輕塵) reads it 平
    assert [e["kind"] for e in default["errors"]] == ["shi_nian"] and default["mode"] == "contextual"
    assert default["lines"][0]["chosen"][5] == "P" and default["lines"][0]["confidence"][5] >= 0.9



def test_colour_rules(capsys, monkeypatch):
    assert "\033[31m" in run(["check", BAD], capsys, monkeypatch, env={"FORCE_COLOR": "1"})[1]
    assert "\033[" not in run(["check", BAD], capsys, monkeypatch, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})[1]


@pytest.mark.parametrize("stdin", ["", "  \n"])
def test_empty_input_is_a_usage_error(stdin, capsys, monkeypatch):
    code, out, err = run(["check"], capsys, monkeypatch, stdin=stdin)
    assert code == 2 and out == "" and err.startswith("tangshi: error:") and "Traceback" not in err


def test_bad_shape_is_a_report_not_an_error(capsys, monkeypatch):
    code, out, _ = run(["check", "--json", "白日依山盡"], capsys, monkeypatch)
    assert code == 1 and json.loads(out)["errors"][0]["kind"] == "bad_shape"


def test_help_documents_flags_and_exit_codes(capsys, monkeypatch):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "--json" in out and "--lenient" in out and "exit status" in out and "1 when" in out


def test_subprocess_without_torch():
    code = ("import sys; from tangshi.cli import main; rc = main(['check', '--json', '-']); "
            "assert 'torch' not in sys.modules, 'check imported torch'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], input=GOOD, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
