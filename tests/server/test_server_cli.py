"""``tangshi serve``: flags, loopback by default, one-line errors."""
from __future__ import annotations

import pytest

from tangshi.cli import main
from tangshi.cli.serve import is_loopback


def test_help_lists_flags(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--host", "--port", "--model", "--workers", "--queue", "--timeout"):
        assert flag in out
    assert "127.0.0.1" in out


@pytest.mark.parametrize("host, loop", [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True),
                                        ("localhost", True), ("0.0.0.0", False), ("10.0.0.1", False),
                                        ("example.com", False)])
def test_is_loopback(host, loop):
    assert is_loopback(host) is loop


@pytest.mark.parametrize("args, needle", [
    (["--port", "70000"], "--port"), (["--workers", "0"], "--workers"), (["--queue", "-1"], "--queue"),
    (["--timeout", "0"], "--timeout"), (["--model", "/nonexistent/model"], "no model at /nonexistent/model"),
])
def test_bad_flags_are_one_line(capsys, args, needle):
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tangshi: error: ") and needle in err and err.count("\n") == 1
