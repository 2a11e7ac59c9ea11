"""FastAPI app: the chat page at `/`, `GET /healthz`, each channel's routes (the web chat's from
``bot.channels.web``), and (when turned on) `POST /model/parse` and the API docs. The edge rules (who
may speak, how much, how often) are in ``identity``, ``middleware`` and the README's "Deployment: the
public surface"."""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from importlib.resources import files
from typing import Any

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.types import Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.channels.web import MAX_BODY_CHARS, web_router
from bot.rate_limits import RateLimit, make_limiter
from bot.sender_limit import SenderLimit
from bot.service import Service
from bot.web.access_log import hide_tokens_in_access_log
from bot.web.health import Health
from bot.web.identity import Refused, identity_for
from bot.web.middleware import AddressLimit, BodyLimit, BodyTooLarge, ErrorShield, SecurityHeaders
from integrations.telegram.webhook import telegram_router
from bot.web.upload import upload_router
from integrations.twilio.webhooks import twilio_router

log = logging.getLogger(__name__)
WEB_DIR = files("bot.web")
LONG_TEXT_THREADS = 1
# While a long text is read in its thread, a short turn waits for the interpreter lock after each
# database call: CPython hands it over every 5 ms by default, every 1 ms here. Edge benchmark (quiet
# machine, 48 texts of 64 kB in flight): chat p50/p99 47/94 ms instead of 90/124, at some cost to how
# many long texts are read meanwhile.
SWITCH_INTERVAL_SECONDS = 0.001
# Counted per client address (as the proxy forwards it), unless the caller holds the REST token.
ADDRESS_LIMITED = ("/", "/chat/new", "/webhooks/rest/webhook", "/webhooks/rest/messages", "/model/parse")


class ParseRequest(BaseModel):
    text: str = Field(max_length=MAX_BODY_CHARS)


def create_app(service: Service) -> FastAPI:
    settings = service.settings
    docs = settings.api_docs
    app = FastAPI(title="bizwatch", description="Report business crime and get prevention advice.",
                  docs_url="/docs" if docs else None, redoc_url="/redoc" if docs else None,
                  openapi_url="/openapi.json" if docs else None)
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.state.service = service
    # For the whole process, as a server is: see SWITCH_INTERVAL_SECONDS.
    hide_tokens_in_access_log()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    identity = identity_for(settings, service.sessions)
    limiter = make_limiter(settings.redis_url, asynchronous=True)
    per_sender = SenderLimit(settings.rate_limit_per_sender, limiter)
    new_conversations = RateLimit("new-conversations", settings.new_conversations_per_address, limiter)
    health = Health(settings.database_url)
    health_threads = anyio.CapacityLimiter(2)

    def machine_client(scope: Scope) -> bool:
        authorization = dict(scope["headers"]).get(b"authorization")
        return authorization is not None and identity.token_ok(authorization.decode("latin-1"))

    # Added innermost first: the proxy's forwarded address is read before anything counts by address.
    app.add_middleware(AddressLimit, limit=RateLimit("address", settings.rate_limit_per_address, limiter),
                       exempt=machine_client, paths=ADDRESS_LIMITED)
    # A limit of its own: a load balancer polling every few seconds never spends a visitor's allowance.
    app.add_middleware(AddressLimit, limit=RateLimit("health", settings.health_checks_per_address, limiter),
                       exempt=machine_client, paths=["/healthz"])
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(ErrorShield)
    app.add_middleware(SecurityHeaders, always_https=settings.public_base_url.startswith("https://"))
    if settings.trusted_proxies.strip():
        app.add_middleware(ProxyHeadersMiddleware,
                           trusted_hosts=[h.strip() for h in settings.trusted_proxies.split(",") if h.strip()])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"][1:]), "problem": e["msg"]} for e in error.errors()]
        return JSONResponse(status_code=422, content={"error": "The request was not in the expected form.",
                                                      "code": "invalid", "problems": problems})

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused) -> JSONResponse:
        return JSONResponse(status_code=error.status, headers=error.headers,
                            content={"error": error.error, "code": error.code})

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, error: BodyTooLarge) -> JSONResponse:
        return JSONResponse(status_code=413, headers=error.headers, content={"error": error.detail,
                                                                            "code": "too_large"})

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        try:
            content = await anyio.to_thread.run_sync(health.report, limiter=health_threads)
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check failed: %s", type(error).__name__)
            content = None
        if content is None:
            return JSONResponse(status_code=503, content={"status": "unavailable", "database": "not writable"})
        return JSONResponse(content=content)

    @app.get("/", response_class=HTMLResponse)
    async def chat_page(request: Request) -> Response:
        response = templates.TemplateResponse(request, "chat.html", {
            "max_chars": settings.max_message_chars, "max_bytes": settings.max_body_bytes})
        identity.issue(response, request, identity.sender(request))  # a new id, or the same one for longer
        return response

    # Long texts (a chat message, a parse) queue for a thread of their own: a burst of them cannot take
    # every worker thread and leave short turns waiting for one, or for the interpreter lock. One, not
    # two: each more halves what a short turn gets of the lock (edge benchmark: chat p99 200 ms, not
    # 310, with 48 texts of 64 kB in flight); run more processes for more.
    long_texts = anyio.CapacityLimiter(LONG_TEXT_THREADS)
    app.include_router(web_router(service, identity, per_sender, new_conversations, long_texts))
    if (telegram := telegram_router(service)) is not None:
        app.include_router(telegram)
    app.include_router(upload_router(service))
    app.include_router(twilio_router(service))  # SMS and WhatsApp webhooks, when Twilio is configured

    if settings.model_parse_endpoint:
        async def parse_access(request: Request) -> None:
            """With a token configured, only its holders may parse (it costs CPU and says nothing to people)."""
            if identity.token is not None and identity.caller(request).by != "token":
                raise Refused(401, "no_token", "Send Authorization: Bearer <token>.",
                              {"WWW-Authenticate": 'Bearer realm="bizwatch"'})

        @app.post("/model/parse", dependencies=[Depends(parse_access)])
        async def model_parse(body: ParseRequest) -> dict[str, Any]:
            parsed = await anyio.to_thread.run_sync(
                lambda: service.interpreter.parse(body.text, now=datetime.now(timezone.utc)), limiter=long_texts)
            return dict(parsed)

    return app
