"""Start ``tangshi serve`` on a free 127.0.0.1 port in a child process, for benchmarks and screenshots.

Only loopback: the helpers here never bind or talk to another address.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen | None = None, timeout: float = 60.0) -> dict:
    """Poll ``url/api/health`` until it answers; the health JSON. Fails if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as res:
                return json.load(res)
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the server at {url} was not ready after {timeout:g} s")


@contextmanager
def serve(model: str | Path | None, *args: str, log: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """``tangshi serve`` on a free port in a child process: yields (base URL, process); stops it after."""
    port = free_port()
    cmd = [sys.executable, "-m", "tangshi.cli", "serve", "--host", HOST, "--port", str(port),
           "--log-level", "warning", "--no-access-log", *args]
    if model is not None:
        cmd += ["--model", str(model)]
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        wait_ready(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
