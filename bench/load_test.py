"""Load test of ``tangshi serve``: K concurrent clients for T seconds against 127.0.0.1.

    python bench/load_test.py [--model DIR] [--clients 8] [--seconds 30] [--form 七律 ...]
    python bench/load_test.py --url http://127.0.0.1:8000 [--pid PID]   # a server already running

Starts the server itself (``tangshi serve`` on a free loopback port) unless ``--url`` names one;
only loopback URLs are accepted. Each client posts ``/api/poems`` in a loop (forms round robin,
random titles and seeds) over one keep-alive connection until the time is up or it has sent
``--max-requests``; after a 503 it waits as Retry-After says. Like the web page, clients send
no seed unless ``--seeded`` is given (a seeded request is decoded alone, so that its seed
repeats; unseeded requests of one form are batched by the server). Prints JSON: poems/s, p50/p99 latency of successful requests, counts by
status, the server's peak RSS (VmRSS of its process, sampled every 50 ms) and, as a reference,
the same model's poems/s called in-process by one thread with no HTTP (``--reference-seconds``).
Targets (shipped model, 8 clients, 30 s): 0 errors (503s are deliberate), >= 20 poems/s,
p99 <= 1 s, peak RSS < 600 MB.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from tangshi.corpus.clean import REGULATED
from tangshi.cli.serve import is_loopback
from tangshi.server.local import serve, wait_ready

TITLES = ["秋夜", "春望", "送别", "山居", "江上", "月下", "登高", "边塞", "夜雨", "故人"]


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by the nearest-rank method; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def client(host: str, port: int, forms: list[str], deadline: float, max_requests: int, seed: int,
           out: list[tuple[int, float]], seeded: bool = False) -> None:
    """One client: post poems until ``deadline`` or ``max_requests``; append (status, seconds)."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=60)
    for k in range(max_requests):
        if time.monotonic() >= deadline:
            break
        request = {"form": forms[k % len(forms)], "title": rng.choice(TITLES)}
        if seeded:
            request["seed"] = rng.randrange(2**31)
        body = json.dumps(request)
        start = time.monotonic()
        retry_after = 0.0
        try:
            conn.request("POST", "/api/poems", body.encode(), {"Content-Type": "application/json"})
            res = conn.getresponse()
            res.read()
            status = res.status
            if status == 503:
                retry_after = float(res.getheader("Retry-After") or 1)
        except (OSError, http.client.HTTPException):
            status = 0  # connection error
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
        out.append((status, time.monotonic() - start))
        if retry_after:  # a polite client waits as told, but not past the end
            time.sleep(max(0.0, min(retry_after, deadline - time.monotonic())))
    conn.close()


def rss_sampler(pid: int | None, stop: threading.Event, peak: list[int]) -> None:
    """Keep the largest VmRSS (kB) of ``pid`` in ``peak[0]`` until ``stop``."""
    if pid is None:
        return
    status = Path(f"/proc/{pid}/status")
    while not stop.wait(0.05):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            return


def run_load(url: str, pid: int | None, clients: int, seconds: float, forms: list[str], max_requests: int,
             seeded: bool = False) -> dict:
    parts = urlsplit(url)
    results: list[list[tuple[int, float]]] = [[] for _ in range(clients)]
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=rss_sampler, args=(pid, stop, peak), daemon=True)
    sampler.start()
    start = time.monotonic()
    deadline = start + seconds
    threads = [threading.Thread(target=client, args=(parts.hostname, parts.port or 80, forms, deadline,
                                                     max_requests, k, results[k], seeded)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    elapsed = time.monotonic() - start
    stop.set()
    sampler.join(1)
    flat = [r for rs in results for r in rs]
    ok = [s for status, s in flat if status == 200]
    by_status = Counter(str(status) for status, _ in flat)
    return {
        "clients": clients, "seconds": round(elapsed, 2), "forms": forms, "requests": len(flat),
        "poems": len(ok), "poems_per_s": round(len(ok) / elapsed, 2),
        "requests_per_s": round(len(flat) / elapsed, 2),
        "latency_s": {"p50": percentile(ok, 0.5), "p99": percentile(ok, 0.99), "max": max(ok, default=None),
                      "mean": statistics.fmean(ok) if ok else None},
        "status": dict(sorted(by_status.items())),
        "errors": sum(n for s, n in by_status.items() if s != "200"),
        "errors_not_503": sum(n for s, n in by_status.items() if s not in ("200", "503")),
        "server_peak_rss_mb": round(peak[0] / 1024, 1) if peak[0] else None,
    }


def reference(model: str | None, forms: list[str], seconds: float) -> dict | None:
    """Poems/s of the same model called in-process by one thread, no HTTP (at most 1000 poems)."""
    if seconds <= 0:
        return None
    import torch

    from tangshi.poet import Poet

    poet = Poet.load(model)
    torch.set_num_threads(1)  # as each of the server's workers
    poet.write(form=forms[0], seed=0)  # warm-up, not timed
    rng, n, start = random.Random(0), 0, time.monotonic()
    while time.monotonic() - start < seconds and n < 1000:
        poet.write(form=forms[n % len(forms)], title=rng.choice(TITLES), seed=n)
        n += 1
    elapsed = time.monotonic() - start
    return {"poems": n, "seconds": round(elapsed, 2), "poems_per_s": round(n / elapsed, 2), "threads": 1}


def main() -> int:
    from tangshi.request import resolve_form

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", help="checkpoint directory for the server it starts (default: the shipped model)")
    p.add_argument("--url", help="a running server on a loopback address, e.g. http://127.0.0.1:8000")
    p.add_argument("--pid", type=int, help="with --url: the server's process id, to sample its memory")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    p.add_argument("--seconds", type=float, default=30.0, help="how long to load (default: 30)")
    p.add_argument("--max-requests", type=int, default=100_000, help="per client, at most (default: 100000)")
    p.add_argument("--form", action="append", help="form(s) to request, round robin (default: all four)")
    p.add_argument("--workers", type=int, help="the started server's --workers (default: its own)")
    p.add_argument("--queue", type=int, help="the started server's --queue (default: its own)")
    p.add_argument("--seeded", action="store_true", help="clients send a random seed with each request")
    p.add_argument("--candidates", type=int, help="the started server's --candidates (default: the request's)")
    p.add_argument("--reference-seconds", type=float, default=5.0,
                   help="in-process reference run, 0 = skip (default: 5)")
    args = p.parse_args()
    if not (1 <= args.clients <= 256 and 0 < args.seconds <= 3600 and args.max_requests >= 1):
        p.error("--clients must be in 1..256, --seconds in (0, 3600], --max-requests >= 1")
    forms = [resolve_form(f).name for f in args.form or REGULATED]
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if urlsplit(args.url).scheme != "http" or not is_loopback(host):
            p.error(f"--url must be http:// on a loopback address (127.0.0.1, ::1, localhost), got {args.url!r}")
        server = nullcontext((args.url.rstrip("/"), None))
    else:
        extra = [*(["--workers", str(args.workers)] if args.workers else []),
                 *(["--queue", str(args.queue)] if args.queue is not None else []),
                 *(["--candidates", str(args.candidates)] if args.candidates is not None else [])]
        server = serve(args.model, *extra)
    with server as (url, proc):
        health = wait_ready(url, proc, timeout=60)
        report = run_load(url, proc.pid if proc else args.pid, args.clients, args.seconds, forms, args.max_requests,
                              args.seeded)
    report = {"server": {"url": url, "model": health["name"], "version": health["version"],
                         "workers": health["workers"], "queue": health["queue"], "candidates": args.candidates},
              "seeded": args.seeded, **report,
              "reference_in_process": reference(args.model, forms, args.reference_seconds) if not args.url else None}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
