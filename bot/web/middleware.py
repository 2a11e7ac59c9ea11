"""The edge's ASGI middleware: refuse oversized bodies unread, limit each client address, add security
headers, and turn any unexpected error into a plain JSON 500 whose log line quotes no data.

Pure ASGI (not Starlette's BaseHTTPMiddleware) so a body is counted as it streams in and never
buffered whole, and so a refusal costs no more than reading the request's headers.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.rate_limits import RateLimit
from bot.web.access_log import without_tokens

log = logging.getLogger(__name__)

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The interactive API docs (off unless BIZWATCH_API_DOCS) load their own inline script.
DOCS_POLICY = "frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/redoc")
# Paths whose bodies are streamed to disk by the route itself, with its own cap, so the 64 kB limit
# (meant for chat messages held in memory) does not apply: the upload page (bot/web/upload.py).
STREAMED_PATHS = ("/upload/",)


async def send_json(send: Send, status: int, content: object, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(content).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """Raised from inside ``receive`` when a streamed body passes the limit (FastAPI re-raises HTTPException)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_text(limit), headers={"Connection": "close"})


def too_large_text(limit: int) -> str:
    return (f"That was too much to send at once (the limit is {limit // 1024} kB). "
            "Please send it in smaller parts.")


class BodyLimit:
    """413 for a body over ``max_bytes``: at once from Content-Length, or as soon as the stream passes it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STREAMED_PATHS):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            # Raised where nothing turned it into a response (a route that reads the body itself).
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        # Connection: close makes the server drop the rest of the body instead of reading it.
        await send_json(send, 413, {"error": too_large_text(self.max_bytes), "code": "too_large"},
                        {"Connection": "close"})


class AddressLimit:
    """429 with Retry-After once a client address passes its rate, before the request is read."""

    def __init__(self, app: ASGIApp, limit: RateLimit, exempt: Callable[[Scope], bool],
                 paths: Iterable[str]) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.paths = tuple(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths and not self.exempt(scope):
            verdict = await self.limit.ahit(client_address(scope))
            if not verdict.allowed:
                await send_json(send, 429, too_many(verdict.retry_after), {"Retry-After": str(verdict.retry_after)})
                return
        await self.app(scope, receive, send)


def too_many(retry_after: int, code: str = "rate_limited") -> dict[str, str]:
    return {"error": f"That's a lot of messages in a short time. Please wait {how_long(retry_after)} and try "
                     "again.", "code": code}


def how_long(seconds: int) -> str:
    """A wait as people say it: "1 second", "40 seconds", "2 minutes" (whole minutes, rounded up, from 2)."""
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{-(-seconds // 60)} minutes"


def client_address(scope: Scope) -> str:
    """The client's address (already the forwarded one when the proxy is trusted; see create_app)."""
    client = scope.get("client")
    return client[0] if client else "unknown"


class SecurityHeaders:
    """Headers every response carries: no framing, no sniffing, no referrer, no caching of replies."""

    def __init__(self, app: ASGIApp, always_https: bool) -> None:
        self.app = app
        self.always_https = always_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                 (b"x-frame-options", b"DENY"),
                 (b"content-security-policy", (DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY).encode())]
        if not path.startswith("/static/"):
            # Replies and the page (which sets the chat cookie) hold personal data: never cache them.
            extra.append((b"cache-control", b"no-store"))
        if self.always_https or scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", b"max-age=31536000"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, with_headers)


class ErrorShield:
    """A plain JSON 500 for anything unexpected; the log names the error and where, never its message.

    Database errors quote the rows they failed on (a unique key's value, a phone number); the
    traceback's frames are enough to find the fault.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:  # noqa: BLE001 - the last line of defence
            frames = "".join(traceback.format_tb(error.__traceback__))
            log.error("unexpected %s on %s %s\n%s", type(error).__name__, scope["method"], without_tokens(scope["path"]),
                      frames)
            if not started:
                await send_json(send, 500, {"error": "Sorry, something went wrong on our side. Please try again "
                                                     "in a moment.", "code": "server_error"})
