"""The FastAPI app: the JSON API (``/api/…``), the web page (``/``) and the OpenAPI docs.

:func:`create_app` takes a loaded poet (anything with ``write``, ``vocab``, ``header`` and
``name``, so tests can pass a fake) and serves it; it loads nothing itself. Status codes:
422 for a bad field or an unknown character, 413 for a body over the limit, 503 (with
``Retry-After``) when the generation pool is full, 504 when a poem takes too long. Every error body
carries a machine ``code`` and the ``field`` it is about (:mod:`tangshi.server.problems`), so the
page words it in its own language.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from typing import Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from tangshi import __version__
from tangshi import request as R
from tangshi.errors import InputError, NoPoem
from tangshi.rhymebook.book import QUERY_MAX
from tangshi.script import convert
from tangshi.server import menus
from tangshi.server import problems as P
from tangshi.server import schemas as S
from tangshi.server.limits import AllowedHosts, BodyLimit, SecurityHeaders
from tangshi.server.batcher import Batcher
from tangshi.server.pool import BoundedPool, Busy, TimedOut, default_workers

STATIC = Path(__file__).parent / "static"
MAX_BODY = 16 * 1024
RETRY_AFTER_S = 1
ERRORS = {422: {"model": S.ErrorOut, "description": "a field is invalid or names an unknown character"},
          413: {"model": S.ErrorOut, "description": "the request body is over the size limit"}}
BUSY = {503: {"model": S.ErrorOut, "description": "the generation pool is full; retry after Retry-After s"},
        504: {"model": S.ErrorOut, "description": "generation took longer than the timeout"}}
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}  # Starlette's own errors, coded as ours


def _validation_error(_: Request, err: RequestValidationError) -> JSONResponse:
    """422 with one line naming each bad field, and each error's code and field for the page."""
    return JSONResponse(P.body([P.from_pydantic(e) for e in err.errors()]), status_code=422)


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(P.body([P.Problem(code, message)]), status_code=status, headers=headers)


def _input_error(_: Request, err: InputError) -> JSONResponse:
    """422 for a value the request or the model rejects; named by its field when it has one."""
    return JSONResponse(P.body([P.from_input_error(err)]), status_code=422)


def _http_error(_: Request, err: HTTPException) -> JSONResponse:
    """Starlette's own errors (404, 405) in the same shape as the others."""
    return _error(err.status_code, HTTP_CODES.get(err.status_code, "http_error"), str(err.detail), err.headers)


def create_app(poet, workers: int | None = None, queue: int | None = None, timeout: float = 30.0,
               max_body: int = MAX_BODY, allow_hosts: tuple[str, ...] = (), candidates: int | None = None) -> FastAPI:
    """The app serving ``poet``; ``workers`` threads generate, ``queue`` more requests may wait.

    Requests are answered when their ``Host`` is a loopback name or one of ``allow_hosts``
    (``"*"``: any host; see :class:`~tangshi.server.limits.AllowedHosts`). ``candidates`` is the
    server's setting for requests that do not choose theirs (default: the request's default).
    """
    workers = workers or default_workers()
    pool = BoundedPool(workers, 4 * workers if queue is None else queue, timeout)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        pool.shutdown()

    app = FastAPI(title="tangshi", version=__version__, lifespan=lifespan,
                  description="Write Tang-style regulated poems (近体诗) and check poems against the rules.")
    app.state.poet, app.state.pool, app.state.max_body = poet, pool, max_body
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.add_middleware(AllowedHosts, extra=tuple(allow_hosts))  # added last: runs first
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Busy, lambda _, e: _error(503, "busy", f"server busy: {e}; retry shortly",
                                                        {"Retry-After": str(RETRY_AFTER_S)}))
    app.add_exception_handler(TimedOut, lambda _, e: _error(504, "timeout", str(e)))
    app.add_exception_handler(NoPoem, lambda _, e: _error(500, "no_poem", str(e)))
    if candidates is not None:
        R.WriteRequest(candidates=candidates)  # in range, or InputError
    _routes(app, poet, pool, candidates)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _routes(app: FastAPI, poet, pool: BoundedPool, candidates: int | None) -> None:
    step = poet.header.get("step")
    batcher = Batcher(poet, pool)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.post("/api/poems", response_model=S.PoemsOut, responses={**ERRORS, **BUSY}, tags=["poems"])
    async def write(body: S.WriteBody) -> dict:
        """Write poems: the same fields and JSON as ``tangshi write --json``."""
        fields = body.model_dump(exclude_unset=True)
        if candidates is not None:
            fields.setdefault("candidates", candidates)
        from tangshi.poet import poems_json

        req = R.WriteRequest(**fields)
        return poems_json(req, await batcher.write(req))

    @app.post("/api/suggest", response_model=S.SuggestOut, response_model_by_alias=True,
              responses={**ERRORS, **BUSY}, tags=["poems"])
    async def suggest(body: S.SuggestBody) -> dict:
        """The characters that fit one place of a poem, best first (``tangshi suggest --json``)."""
        req = S.to_request(body, R.SuggestRequest)
        return await pool.run(poet.suggest, req)

    @app.get("/api/rhyme", responses=ERRORS, tags=["check"])
    def rhyme(q: str = Query(..., max_length=QUERY_MAX, description="a 平水韵 group (东, 一东, 東韵, 董 …) or one character"),
              script: S.Script = "simplified", kind: Literal["auto", "group", "char"] = "auto",
              limit: int = Query(50, ge=1, le=500, description="characters a group lists at most")) -> dict:
        """The rhyme book (``tangshi rhyme --json``): a group's characters, most rhymed first, with the words
        poets rhymed them in; or a character's readings with lines of real poems that settle each."""
        from tangshi.rhymebook import lookup

        return lookup(q, script, kind, limit)

    @app.post("/api/check", response_model=S.ReportOut, responses=ERRORS, tags=["check"])
    def check_poem(body: S.CheckBody) -> dict:
        """Check a poem against the rules of regulated verse (``tangshi check --json``)."""
        from tangshi.prosody import check

        req = S.to_request(body, R.CheckRequest)
        return check(req.text, req.mode, duizhang=True).to_json()

    @app.post("/api/convert", response_model=S.ConvertOut, responses=ERRORS, tags=["check"])
    def convert_text(req: S.ConvertBody) -> dict:
        """The text in simplified or traditional characters."""
        return {"text": convert(req.text, req.script)}

    @app.get("/api/health", response_model=S.HealthOut, tags=["meta"])
    def health() -> dict:
        """The model's name and version and the vocabulary size."""
        version = __version__ + (f"+step{step}" if step is not None else "")
        return {"status": "ok", "name": poet.name, "version": version, "tangshi_version": __version__,
                "step": step, "vocab_size": len(poet.vocab), "workers": pool.workers, "queue": pool.queue}

    @app.get("/api/meta", tags=["meta"])
    def meta() -> dict:
        """What the page needs to build its forms: the poem forms, every request field's default and
        limits (from :mod:`tangshi.request`), each menu's entries with their labels and the 平水韵
        groups in both scripts (:mod:`tangshi.server.menus`), the conditions the loaded model knows
        (its dynasties and moods), the names of the checker's issues and the error codes."""
        from tangshi.hanzi import SHORT_NAMES
        from tangshi.prosody.forms import FORMS
        from tangshi.prosody.report import ERROR_KINDS, NOTE_KINDS

        short = {full: s for s, full in SHORT_NAMES.items()}
        return {"forms": [{"name": f.name, "short": short.get(f.name, f.name), "lines": f.n_lines,
                           "chars": f.n_chars} for f in FORMS],
                "kinds": {**ERROR_KINDS, **NOTE_KINDS}, "errors": list(ERROR_KINDS),
                "write": R.limits(R.WriteRequest), "check": R.limits(R.CheckRequest),
                "suggest": R.limits(R.SuggestRequest), "rhyme": {"q": {"max_length": QUERY_MAX},
                                                                 "limit": {"min": 1, "max": 500, "default": 50}},
                "menus": menus.menus(), "rhyme_groups": menus.rhyme_groups(), "error_codes": P.CODES,
                "conditions": poet.conditions, "body_bytes": app.state.max_body}
