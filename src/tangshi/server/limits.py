"""ASGI middleware at the HTTP boundary: allowed Host names, a body size limit, security headers.

:class:`AllowedHosts` answers 400 to a request whose ``Host`` header is not one of the allowed
names: a server bound to loopback answers only to loopback names, so a web page elsewhere cannot
reach it through a DNS name that resolves to 127.0.0.1 (DNS rebinding). :class:`BodyLimit`
answers 413 before the app sees a body over ``max_bytes``, whether the client declares its
length or streams it in chunks. :class:`SecurityHeaders` adds a strict Content-Security-Policy
to the page (it loads nothing from elsewhere), but not to ``/docs``, whose Swagger UI comes from
a CDN.
"""
from __future__ import annotations

import ipaddress
import json

from tangshi.server import problems

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
DOCS = ("/docs", "/redoc")


async def _reply(send, status: int, code: str, message: str) -> None:
    body = json.dumps(problems.body([problems.Problem(code, message)])).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def host_name(header: bytes) -> str:
    """The name in a ``Host`` header, without its port: ``[::1]:8000`` -> ``::1``, lower case."""
    host = header.decode("latin-1").strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback_name(name: str) -> bool:
    """``localhost``, a ``*.localhost`` name, or an address in 127.0.0.0/8 or ::1."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class AllowedHosts:
    """Answer 400 unless the request's ``Host`` is a loopback name or one of ``extra`` (``*``: any)."""

    def __init__(self, app, extra: tuple[str, ...] = ()) -> None:
        self.app = app
        self.extra = {h.lower() for h in extra}

    def allowed(self, name: str) -> bool:
        return "*" in self.extra or name in self.extra or is_loopback_name(name)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        name = host_name(dict(scope["headers"]).get(b"host", b""))
        if not self.allowed(name):
            return await _reply(send, 400, "bad_host", f"Host {name!r} is not served here; start the server with"
                                           f" --allow-host {name or 'NAME'} to answer it")
        return await self.app(scope, receive, send)


class BodyLimit:
    """Reject request bodies over ``max_bytes`` with 413 (and a bad Content-Length with 400)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = f"request body larger than {self.max_bytes} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return await _reply(send, 400, "bad_length", f"bad Content-Length {declared.decode(errors='replace')!r}")
            if int(declared) > self.max_bytes:
                return await _reply(send, 413, "too_large", too_large)
        body, more = bytearray(), True
        while more:  # read it all (it is small), then replay it to the app
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await _reply(send, 413, "too_large", too_large)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        return await self.app(scope, replay, send)


class SecurityHeaders:
    """``nosniff``, no referrer and, except on the docs pages, a same-origin-only CSP."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        if not scope["path"].startswith(DOCS):
            extra.append((b"content-security-policy", CSP.encode()))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)
