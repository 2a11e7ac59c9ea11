"""``POST /webhooks/telegram``: updates Telegram pushes to us, in the web app, when the bot uses a webhook.

Who is speaking is proven by the secret token Telegram sends in ``X-Telegram-Bot-Api-Secret-Token``
(set with setWebhook): anything else gets 403 and nothing is stored. The update's turn is saved
before the answer, and its replies go out through the outbox, so the answer comes as soon as the
turn is saved (no sending on the way). If the turn cannot be saved the answer is 503 and Telegram
delivers the update again later; ``update_id`` makes the repeat one turn.
"""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from bot.engine import DatabaseUnavailable
from bot.service import Service
from integrations.telegram import CHANNEL
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.loop import LoopClosed
from integrations.telegram.mode import SECRET_HEADER, WEBHOOK_PATH, mode_of
from integrations.telegram.updates import UpdateHandler

log = logging.getLogger(__name__)


def refusal(status: int, code: str, error: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error, "code": code})


def telegram_router(service: Service) -> APIRouter | None:
    """The webhook route, when the Telegram channel is configured to receive by webhook (else None)."""
    channel = service.channels.get(CHANNEL)
    if not isinstance(channel, TelegramChannel) or mode_of(service.settings) != "webhook":
        return None
    secret = (service.settings.telegram_webhook_secret or "").encode()
    handler = UpdateHandler.for_service(service, channel.client)
    router = APIRouter()

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            return refusal(403, "forbidden", "This address takes updates from Telegram only.")
        try:
            update = Update.de_json(json.loads(await request.body()), channel.client.bot)
        except Exception:  # noqa: BLE001 - not JSON, or not an Update: PTB raises several kinds
            update = None
        if update is None or not isinstance(update.update_id, int):  # PTB does not check types
            return refusal(400, "invalid", "The body is not a Telegram update.")
        try:
            await channel.client.loop.run_from_loop(lambda: handler.process(update))
        except (DatabaseUnavailable, SQLAlchemyError, LoopClosed) as error:
            log.warning("Telegram update %d not saved: %s", update.update_id, type(error).__name__)
            return JSONResponse(status_code=503, headers={"Retry-After": "5"},
                                content={"error": "Not saved; send it again.", "code": "unavailable"})
        return Response(status_code=200)

    return router
