"""``tangshi serve``: load the model once and serve the app under uvicorn (127.0.0.1 by default)."""
from __future__ import annotations

import argparse
import sys

from tangshi.errors import InputError
from tangshi.server.limits import is_loopback_name


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    return is_loopback_name(host)


def allowed_hosts(bind: str, allow: list[str] | None) -> tuple[str, ...]:
    """The Host names to answer besides loopback ones: ``--allow-host``'s, or any when bound
    to a non-loopback address without ``--allow-host`` (the exposure is then deliberate)."""
    if allow:
        return tuple(allow)
    return () if is_loopback(bind) else ("*",)


def run(args: argparse.Namespace) -> int:
    """Handler of ``tangshi serve``."""
    import torch
    import uvicorn

    from tangshi.poet import Poet
    from tangshi.server.app import create_app
    from tangshi.server.pool import default_workers

    if not 1 <= args.port <= 65535:
        raise InputError(f"--port must be in 1..65535, got {args.port}")
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise InputError(f"--workers must be in 1..64, got {args.workers}")
    if args.queue is not None and not 0 <= args.queue <= 1024:
        raise InputError(f"--queue must be in 0..1024, got {args.queue}")
    if not 0 < args.timeout <= 3600:
        raise InputError(f"--timeout must be in (0, 3600] seconds, got {args.timeout}")
    for name in args.allow_host or ():
        if not name or any(c in name for c in "/ \t"):
            raise InputError(f"--allow-host takes a host name (e.g. poems.example.org) or '*', got {name!r}")
    if args.candidates is not None:
        from tangshi.request import WriteRequest

        WriteRequest(candidates=args.candidates)  # in range, before the model loads
    poet = Poet.load(args.model, precision=args.precision)
    workers = args.workers or default_workers()
    # Each worker decodes one small batch: threads inside one op would only fight the other workers.
    torch.set_num_threads(max(1, default_workers() // workers))
    if not is_loopback(args.host):
        print(f"tangshi: warning: serving on {args.host}, reachable from other machines", file=sys.stderr)
    app = create_app(poet, workers=workers, queue=args.queue, timeout=args.timeout,
                     allow_hosts=allowed_hosts(args.host, args.allow_host), candidates=args.candidates)
    print(f"tangshi: serving {poet.name} (step {poet.header.get('step')}, {poet.precision}) on http://{args.host}:{args.port}/",
          file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``serve``."""
    p = sub.add_parser("serve", help="serve the poet and the checker over HTTP",
                       description="Serve the web page and the JSON API (OpenAPI docs at /docs).")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, this machine only; 0.0.0.0 exposes it)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--model", help="a checkpoint directory (default: the model shipped with tangshi)")
    p.add_argument("--precision", default="auto",
                   help="weights of the generation step: auto (int8 on an x86 CPU), int8 or fp32 (exact)")
    p.add_argument("--workers", type=int, help="generation threads (default: one per core, at most 4)")
    p.add_argument("--queue", type=int,
                   help="requests that may wait for a worker before the server answers 503 (default: 4 per worker)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a poem may take, waiting included, before the server answers 504 (default: 30)")
    p.add_argument("--candidates", type=int, metavar="K",
                   help="candidates sampled per poem for requests that do not choose (default: the"
                        " request's default; 1 is fastest)")
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="also answer requests for this Host name (repeatable; '*': any). By default only"
                        " loopback names are answered; bound to a non-loopback address without this"
                        " option, any")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
                   help="uvicorn's log level (default: info)")
    p.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True,
                   help="log each request (default: on)")
    p.set_defaults(func=run)
