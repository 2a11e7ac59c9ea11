"""FastAPI app: `GET /healthz`, the chat page at `/`, `POST /webhooks/rest/webhook`, `POST /model/parse`."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from bot.engine import DatabaseUnavailable
from bot.messages import Inbound
from bot.service import Service
from bot.storage.db import ping

log = logging.getLogger(__name__)
WEB_DIR = files("bot.web")
MAX_BODY_CHARS = 64_000
RETRY_TEXT = ("Sorry, I couldn't save that just now. Please send it again in a moment: nothing you've already "
              "told me is lost.")


class RestMessage(BaseModel):
    """The Rasa REST channel's request, plus an optional client message id for safe retries."""

    sender: str = Field(min_length=1, max_length=128)
    message: str = Field(default="", max_length=MAX_BODY_CHARS)
    message_id: str | None = Field(default=None, min_length=1, max_length=128)


class ParseRequest(BaseModel):
    text: str = Field(max_length=MAX_BODY_CHARS)


def create_app(service: Service) -> FastAPI:
    app = FastAPI(title="bizwatch", description="Report business crime and get prevention advice.")
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.state.service = service

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"][1:]), "problem": e["msg"]} for e in error.errors()]
        return JSONResponse(status_code=422, content={"error": "The request was not in the expected form.",
                                                      "problems": problems})

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            ping(service.database)
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check failed: %s", type(error).__name__)
            return JSONResponse(status_code=503, content={"status": "unavailable", "database": "not answering"})
        return JSONResponse(content={"status": "ok", "database": "ok"})

    @app.get("/", response_class=HTMLResponse)
    def chat_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "chat.html", {})

    @app.post("/webhooks/rest/webhook")
    def rest_webhook(body: RestMessage) -> JSONResponse:
        inbound = Inbound(channel="web", address=body.sender, message_id=body.message_id or uuid.uuid4().hex,
                          text=body.message, received_at=datetime.now(timezone.utc))
        try:
            replies = service.engine.handle(inbound)
        except DatabaseUnavailable:
            return JSONResponse(status_code=503, headers={"Retry-After": "2"},
                                content=[{"recipient_id": body.sender, "text": RETRY_TEXT, "buttons": []}])
        return JSONResponse(content=[_rest_reply(body.sender, reply.text, reply.buttons) for reply in replies])

    @app.post("/model/parse")
    def model_parse(body: ParseRequest) -> dict[str, Any]:
        return dict(service.interpreter.parse(body.text, now=datetime.now(timezone.utc)))

    return app


def _rest_reply(recipient: str, text: str, buttons: Any) -> dict[str, Any]:
    return {"recipient_id": recipient, "text": text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in buttons]}
