"""The dashboard's FastAPI app: routes, limits, headers and error handling.

What every response gets
    A strict Content-Security-Policy (scripts, styles, images and connections from the
    app itself only; no inline script or style, no ``eval``: the charts run Vega's
    expression interpreter), ``X-Content-Type-Options: nosniff``, no framing and no
    referrer. Request bodies over :data:`MAX_BODY` bytes are refused (413) before they
    are read.

What every error gets
    One line and a status (:mod:`amity.web._errors`): JSON ``{"error": ..., "status":
    ...}`` under ``/api/``, a short page elsewhere. A request that fails validation is a
    422 naming the parameter; an unexpected failure is a 500 with one line, logged, never
    a traceback in the response.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from amity._exceptions import AmityError, InputError
from amity._version import __version__
from amity.web import _api, _pages
from amity.web._errors import one_line, status_of
from amity.web._reader import Reader
from amity.web._render import render

__all__ = ["CSP", "MAX_BODY", "create_app", "serve"]

#: The largest request body accepted (bytes): the claim checker's text or upload.
MAX_BODY = 1_000_000
#: The Content-Security-Policy of every response.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
_HEADERS = [(b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin")]
log = logging.getLogger("amity.web")


class _Limits:
    """ASGI middleware: security headers on every response, request bodies capped."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in {k for k, _ in _HEADERS}]
                message["headers"] = headers + _HEADERS
            await send(message)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await _plain_error(scope, send_with_headers, 400, "content-length: not a "
                                   "number")
                return
            if int(length) > self.max_body:
                await _plain_error(scope, send_with_headers, 413, _too_large(self.max_body))
                return
        if length is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            # no length given (chunked): read the body here, up to the limit, and replay it
            messages: list[Message] = []
            seen = 0
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    await _plain_error(scope, send_with_headers, 413,
                                       _too_large(self.max_body))
                    return
                if not message.get("more_body", False):
                    break
            replay = iter(messages)

            async def replayed() -> Message:
                try:
                    return next(replay)
                except StopIteration:
                    return await receive()

            await self.app(scope, replayed, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _too_large(limit: int) -> str:
    return (f"request body: over {limit:,} bytes. Fix: send a shorter text (the claim "
            "checker takes an article, not a book)")


async def _plain_error(scope: Scope, send: Send, status: int, message: str) -> None:
    response = _error_response(scope.get("path", ""), status, message)
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _error_response(path: str, status: int, message: str) -> Response:
    message = one_line(message)
    if path.startswith("/api/") or path == "/openapi.json":
        return JSONResponse({"error": message, "status": status}, status_code=status)
    return HTMLResponse(render("error.j2", status=status, message=message),
                        status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    """``year: Input should be a valid integer, unable to parse string as an integer``."""
    parts = []
    for e in exc.errors()[:3]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path",
                                                                      "body"))
        parts.append(f"{where or 'request'}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) + ". Fix: see /openapi.json for the parameters"


def create_app(store_path: str | os.PathLike[str] | None = None, *,
               wait: float = 2.0) -> FastAPI:
    """The dashboard for one store file (default ``$AMITY_HOME/amity.duckdb``).

    Parameters
    ----------
    store_path
        The DuckDB store. It is opened read-only for each computation and never kept
        open (:class:`~amity.web._reader.Reader`), so ``amity setup`` can write it while
        the dashboard runs.
    wait
        Seconds a request waits while another process writes the store.
    """
    if store_path is None:
        from amity.fetch import amity_home

        store_path = amity_home() / "amity.duckdb"
    path = Path(store_path)
    app = FastAPI(title="amity dashboard", version=__version__, docs_url=None,
                  redoc_url=None,
                  description="Evidence about the relationship between two countries, "
                              "from the local amity store. JSON as `amity ... --format json`.")
    app.state.reader = Reader(path, wait=wait)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="static")
    app.include_router(_api.router)
    app.include_router(_pages.router)

    @app.exception_handler(AmityError)
    async def _amity(request: Request, exc: AmityError) -> Response:
        return _error_response(request.url.path, status_of(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error_response(request.url.path, 422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        text = "not found. Fix: start at / (pages) or /openapi.json (API)" if (
            exc.status_code == 404) else str(exc.detail)
        return _error_response(request.url.path, exc.status_code, text)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("amity serve: %s %s failed", request.method, request.url.path)
        return _error_response(request.url.path, 500, f"internal error ({type(exc).__name__})"
                               "; the server log has the details")

    app.add_middleware(_Limits, max_body=MAX_BODY)
    return app


def serve(store_path: str | os.PathLike[str] | None = None, *, host: str = "127.0.0.1",
          port: int = 8000, say: Callable[[str], Any] = print) -> None:
    """Run the dashboard with uvicorn until interrupted, printing its address.

    Raises
    ------
    MissingDataError
        There is no store file (run ``amity setup``).
    """
    import uvicorn

    app = create_app(store_path)
    reader: Reader = app.state.reader
    if not reader.path.exists():
        from amity._exceptions import MissingDataError

        raise MissingDataError(f"no amity store at {reader.path}. Fix: run `amity setup` "
                               "(or give --store PATH)")
    if not 0 < port < 65536:
        raise InputError(f"--port {port}: not a port. Fix: use 1-65535, e.g. 8000")
    shown = f"[{host}]" if ":" in host else host
    say(f"amity dashboard on http://{shown}:{port}/ (store {reader.path}, read-only); "
        "Ctrl+C stops it")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
