"""One update from Telegram, handled: fetched evidence, a turn of the engine, the tapped keyboard tidied.

The same for long polling and the webhook. The turn's replies are not sent from here: the engine
writes them to the outbox in the turn's transaction and the sender workers send them, so a reply
is sent once even if this process dies straight after the turn. ``update_id`` is the turn's
message id, so an update delivered twice is one turn (the engine returns the stored reply).

A tap is answered at once (answerCallbackQuery ends the spinner on the button), then its keyboard
is removed once the turn is saved, so old options cannot be tapped again by mistake. A tap on a
keyboard older than the latest options sent is not a turn: it is answered "that was an earlier
question" and its keyboard removed. One person's
updates are handled one after another, in the order they came; different people's side by side.
Someone sending faster than ``BIZWATCH_RATE_LIMIT_PER_SENDER`` is not read (``bot.sender_limit``);
/stop always is.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, Chat, ChatMember, ChatMemberUpdated, Update
from telegram.error import TelegramError

from bot.delivery.consent import opt_out
from bot.delivery.outbox import record_reply, stored_reply
from bot.engine import Engine
from bot.messages import Inbound, Outbound
from bot.sender_limit import SenderLimit
from bot.service import Service
from integrations.telegram import CHANNEL
from integrations.telegram.client import BotClient
from integrations.telegram.evidence import EvidenceFetcher
from integrations.telegram.inbound import Incoming, incoming
from integrations.telegram.keyboard import is_token, sent_messages, title_of
from integrations.telegram.reachability import set_reachable

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
PASSED = "That was an earlier question. Please answer the latest one."
STOPPED = ("Done: you won't get any more alerts, reminders or updates from us here. If you write to me, I'll "
           "still answer. To get crime alerts again, say 'sign me up for alerts'.")


class ChatLocks:
    """An asyncio lock per chat, kept only while that chat has updates in hand."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, chat: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat]
            if users == 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)


class UpdateHandler:
    """Handles updates on the client's event loop (``process``)."""

    def __init__(self, client: BotClient, engine: Engine, sessions: sessionmaker[Session],
                 evidence: EvidenceFetcher, per_sender: SenderLimit) -> None:
        self.client = client
        self.engine = engine
        self.sessions = sessions
        self.evidence = evidence
        self.per_sender = per_sender
        self._chats = ChatLocks()

    @classmethod
    def for_service(cls, service: Service, client: BotClient) -> UpdateHandler:
        evidence = EvidenceFetcher(service.evidence, service.settings.evidence_max_bytes)
        return cls(client, service.engine, service.sessions, evidence, SenderLimit.for_providers(service.settings))

    async def process(self, update: Update) -> None:
        """Handle ``update``; raises bot.engine.DatabaseUnavailable if its turn could not be saved."""
        if update.my_chat_member is not None:
            await self._membership(update.my_chat_member)
            return
        said = incoming(update)
        if said is None:
            log.debug("update %d ignored (nothing a conversation takes)", update.update_id)
            return
        async with self._chats.hold(said.address):
            await self._turn(update.update_id, said)

    async def _turn(self, update_id: int, said: Incoming) -> None:
        bot = await self.client.ready()
        text = said.text
        if said.tap is not None:
            sent = await asyncio.to_thread(sent_messages, self.sessions, said.address)
            tapped = said.tap.message
            if tapped is not None and sent.superseded(tapped.message_id):
                # Not a turn: an old "Yes" must not answer the question being asked now.
                await quietly(bot.answer_callback_query(said.tap.id, text=PASSED), "answering an old tap")
                await self._tidy_keyboard(bot, said)
                return
            await quietly(bot.answer_callback_query(said.tap.id), "answering a tap")
            if is_token(text):
                text = sent.payload_of(text) or title_of(getattr(tapped, "reply_markup", None), text) or text
        inbound = Inbound(channel=CHANNEL, address=said.address, message_id=str(update_id), text=text,
                          received_at=said.received_at)
        if said.stop:
            await asyncio.to_thread(self._stop, inbound)
            return
        if not await asyncio.to_thread(self.per_sender.admit, self.sessions, inbound, self.engine.on_queued):
            return  # not read: no media fetched, and the keyboard stays for when they answer again
        if said.message is not None:
            inbound = dataclasses.replace(inbound, attachments=await self.evidence.attachments(bot, said.message))
        await asyncio.to_thread(self._handle, inbound)
        if said.tap is not None:
            await self._tidy_keyboard(bot, said)

    def _handle(self, inbound: Inbound) -> None:
        # Someone writing to the bot has not blocked it (Telegram asks them to unblock first).
        set_reachable(self.sessions, inbound.address, True, inbound.received_at)
        self.engine.handle(inbound)  # the replies are in the outbox; the sender workers send them

    def _stop(self, inbound: Inbound) -> None:
        """/stop: nothing more that we send first (alerts, reminders, updates); the reply says so.

        Recorded as the turn for this update (the reply row's key), so a redelivered /stop is one opt-out.
        """
        with self.sessions.begin() as session:
            if stored_reply(session, inbound.channel, inbound.address, inbound.message_id) is not None:
                return
            opt_out(session, inbound.channel, inbound.address, source="telegram_command", wording="/stop",
                    now=inbound.received_at)
            record_reply(session, inbound.channel, inbound.address, inbound.message_id, [Outbound(STOPPED)],
                         inbound.received_at)
        if self.engine.on_queued is not None:
            self.engine.on_queued(inbound.channel)

    @staticmethod
    async def _tidy_keyboard(bot: Bot, said: Incoming) -> None:
        message = said.tap.message if said.tap is not None else None
        if message is None or getattr(message, "reply_markup", None) is None:
            return  # too old to be shown, or its keyboard is already gone
        await quietly(bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=message.message_id,
                                                    reply_markup=None), "removing a keyboard")

    async def _membership(self, change: ChatMemberUpdated) -> None:
        """The person blocked the bot ("kicked") or unblocked it, in their private chat."""
        if change.chat.type != Chat.PRIVATE:
            return
        blocked = change.new_chat_member.status == ChatMember.BANNED
        at = change.date or datetime.now(timezone.utc)
        await asyncio.to_thread(set_reachable, self.sessions, str(change.chat.id), not blocked, at)
        log.info("a Telegram chat %s the bot", "blocked" if blocked else "unblocked")


async def quietly(call: Awaitable[object], what: str) -> None:
    """A courtesy call (answering a tap, removing a keyboard): its failure changes nothing for the turn.

    A repeated update gets "query is too old" or "message is not modified" here, which is expected.
    """
    try:
        await call
    except TelegramError as error:
        log.debug("%s failed: %s", what, type(error).__name__)
