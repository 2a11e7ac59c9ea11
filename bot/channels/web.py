"""The web chat channel: the Rasa REST webhook, a fresh chat, and the messages sent to the page later.

A turn's replies go back in the HTTP response. What the service sends first (a status update, a
reminder) waits in the outbox until the page collects it from ``GET /webhooks/rest/messages``,
which the page asks while it is open and whenever the visitor comes back: the same outbox, so
nothing is shown twice and nothing is lost while the page is closed.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.channels import WEB
from bot.channels.base import Part, split_for
from bot.delivery.outbox import Status, from_body
from bot.engine import PARSE_FIRST_CHARS, UNSTORABLE_KEY, DatabaseUnavailable
from bot.messages import ChannelCapabilities, Inbound, Outbound
from bot.rate_limits import RateLimit
from bot.sender_limit import SenderLimit
from bot.service import Service
from bot.storage.models import Conversation, OutboxMessage
from bot.storage.types import utcnow
from bot.web.identity import Caller, Identity, Refused
from bot.web.middleware import client_address, how_long, too_many

log = logging.getLogger(__name__)
MAX_BODY_CHARS = 64_000
COLLECT_LIMIT = 20
RETRY_TEXT = ("Sorry, I couldn't save that just now. Please send it again in a moment: nothing you've already "
              "told me is lost.")


def _storable(value: str) -> str:
    if UNSTORABLE_KEY.search(value):
        raise ValueError("must not contain control characters")
    return value


# A sender or message id, in a body or a query: it becomes a database key, so printable text only
# (PostgreSQL refuses NUL outright); the engine's own rule, checked here so the caller hears 422.
Key = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(_storable)]


class WebChannel:
    """The chat page: real buttons, no media, replies shown at once."""

    name = "web"
    capabilities: ChannelCapabilities = WEB

    def render(self, message: Outbound) -> list[Part]:
        return split_for(self.capabilities, message, message.text)


class RestMessage(BaseModel):
    """The Rasa REST channel's request, plus an optional client message id for safe retries.

    ``sender`` is required from machine clients (bearer token) and ignored from the chat page,
    whose sender is the one in its signed cookie.
    """

    sender: Key | None = None
    message: str = Field(default="", max_length=MAX_BODY_CHARS)
    message_id: Key | None = None


def rest_reply(recipient: str, part: Part, message_id: int | None = None) -> dict[str, Any]:
    reply: dict[str, Any] = {"recipient_id": recipient, "text": part.text,
                             "buttons": [{"title": b.title, "payload": b.payload} for b in part.buttons]}
    if message_id is not None:
        reply["id"] = message_id
    return reply


def web_router(service: Service, identity: Identity, per_sender: SenderLimit, new_conversations: RateLimit,
               long_turns: anyio.CapacityLimiter) -> APIRouter:
    """The routes of the web chat channel, for the app to mount (``long_turns``: the threads for long
    messages)."""
    router = APIRouter()
    channel = WebChannel()

    async def caller(request: Request) -> Caller:
        return identity.caller(request)

    def sender_of(who: Caller, named: str | None) -> str:
        if who.by == "cookie":
            return who.sender or ""
        if not named:
            raise RequestValidationError([{"loc": ("body", "sender"), "msg": "Field required", "type": "missing"}])
        return named

    @router.post("/chat/new", status_code=204)
    async def new_chat(request: Request, who: Caller = Depends(caller)) -> Response:
        """A fresh conversation (another person at the same browser): only the holder of a chat cookie
        may swap it, and SameSite keeps other sites from doing it for them."""
        if who.by != "cookie":
            raise Refused(403, "not_a_chat", "Only the chat page can start a new chat.")
        response = Response(status_code=204)
        identity.issue(response, request)
        return response

    @router.post("/webhooks/rest/webhook")
    async def rest_webhook(body: RestMessage, request: Request, who: Caller = Depends(caller)) -> JSONResponse:
        sender = sender_of(who, body.sender)
        verdict = await per_sender.ahit("web", sender)
        if not verdict.allowed and not per_sender.exempt(body.message):
            raise Refused(429, "rate_limited", too_many(verdict.retry_after)["error"],
                          {"Retry-After": str(verdict.retry_after)})
        try:
            if who.by == "cookie" and await run_in_threadpool(is_new_conversation, service, sender):
                verdict = await new_conversations.ahit(client_address(request.scope))
                if not verdict.allowed:
                    raise Refused(429, "too_many_conversations",
                                  "A lot of new chats have been started from your connection. Please try again "
                                  f"in {how_long(verdict.retry_after)}.",
                                  {"Retry-After": str(verdict.retry_after)})
            inbound = Inbound(channel="web", address=sender, message_id=body.message_id or uuid.uuid4().hex,
                              text=body.message, received_at=datetime.now(timezone.utc))
            # A message the engine reads before the transaction costs CPU in proportion to its length
            # (64 kB: tens of milliseconds). Such turns take their own thread (``long_turns``): a flood
            # of them cannot fill every worker thread and share the interpreter lock, and with it
            # SQLite's one writer, forty ways while short answers wait behind them.
            lane = long_turns if len(body.message) > PARSE_FIRST_CHARS else None  # None: the shared threads
            replies = await anyio.to_thread.run_sync(service.engine.handle, inbound, limiter=lane)
        except (DatabaseUnavailable, SQLAlchemyError) as error:
            log.warning("turn not saved: %s", type(error).__name__)
            return JSONResponse(status_code=503, headers={"Retry-After": "2"},
                                content=[rest_reply(sender, Part(RETRY_TEXT))])
        return JSONResponse(content=[rest_reply(sender, part) for reply in replies for part in channel.render(reply)])

    @router.get("/webhooks/rest/messages")
    async def collect(sender: Annotated[Key | None, Query()] = None, who: Caller = Depends(caller)) -> JSONResponse:
        """Messages the service sent this chat since it last looked (oldest first), now delivered."""
        address = sender_of(who, sender)
        try:
            collected = await run_in_threadpool(collect_messages, service, address)
        except SQLAlchemyError as error:
            log.warning("messages not collected: %s", type(error).__name__)
            return JSONResponse(status_code=503, headers={"Retry-After": "5"}, content=[])
        return JSONResponse(content=[rest_reply(address, part, row_id) for row_id, messages in collected
                                     for message in messages for part in channel.render(message)])

    return router


def is_new_conversation(service: Service, sender: str) -> bool:
    """Whether this web sender has no conversation yet (starting one counts against the address)."""
    with service.sessions() as session:
        return session.scalar(select(Conversation.id).where(
            Conversation.channel == "web", Conversation.address == sender)) is None


def collect_messages(service: Service, address: str) -> list[tuple[int, list[Outbound]]]:
    """The web chat's messages that are due and not yet shown, marked delivered as they are handed over."""
    now = utcnow()
    with service.sessions.begin() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.body)
            .where(OutboxMessage.channel == "web", OutboxMessage.address == address,
                   OutboxMessage.status == Status.QUEUED.value, OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(COLLECT_LIMIT).with_for_update()
        ).all()
        if rows:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in rows])).values(
                status=Status.DELIVERED.value, sent_at=now, delivered_at=now, updated_at=now))
        return [(row.id, from_body(row.body)) for row in rows]
