"""A message arriving from Twilio: carrier words first, then media into the evidence store, then the engine.

In this order, for an SMS or WhatsApp message whose signature has been checked:

1. A ``MessageSid`` handled before changes nothing (Twilio and proxies may post twice).
2. Carrier words (``keywords``), before the dialogue ever sees them: an opt-out word stops everything
   to that address (``consent.opt_out``) and nothing is sent back (on SMS Twilio confirms; a STOPped
   address gets nothing from us); an opt-in word from an address that had opted out lets messages flow
   again (on WhatsApp, where no carrier confirms, we say so); HELP or INFO by SMS gets our help text.
3. An address that has opted out is not in a conversation: what it sends is recorded and left alone
   (no reply could reach it).
4. A WhatsApp message opens the 24-hour window: messages held for it are released.
5. A sender over the per-sender rate limit is not read (``bot.sender_limit``: taken, not retried,
   told once a minute to wait).
6. Media are fetched into the evidence store, then the engine takes the turn; its reply goes into
   the outbox for the sender worker (woken through the engine's ``on_queued``), never into TwiML.

Every message is recorded as handled by its reply row (key ``turn:<MessageSid>``), even when nothing
is sent back, so a redelivered STOP writes no second consent record.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery.outbox import Status, record_reply, stored_reply, turn_key
from bot.messages import Inbound, Outbound
from bot.sender_limit import SenderLimit
from bot.service import Service
from bot.storage.models import OutboxMessage
from bot.delivery.consent import is_opted_out, opt_in, opt_out
from integrations.twilio.keywords import HELP_TEXT, Keyword, carrier_word, keyword_of
from integrations.twilio.media import Media, MediaFetcher, media_of
from integrations.twilio.window import HOLD_PREFIX

log = logging.getLogger(__name__)
WHATSAPP_PREFIX = "whatsapp:"
# WhatsApp has no carrier to confirm an opt-in, so we do (an opt-out gets nothing: nothing goes to
# an address that opted out).
WHATSAPP_OPTED_IN_TEXT = ("You'll get WhatsApp messages from bizwatch again. Reply to carry on, or send STOP to "
                          "stop them.")


@dataclass(frozen=True)
class Message:
    """One inbound message as Twilio posts it: which channel, who from, its SID, text and media."""

    channel: str
    address: str
    sid: str
    body: str
    media: list[Media]


def message_from(form: Mapping[str, str]) -> Message | None:
    """The message in a webhook form, or None if it lacks a sender or a SID."""
    sid, sender = form.get("MessageSid", ""), form.get("From", "")
    if not sid or not sender:
        return None
    channel = "whatsapp" if sender.startswith(WHATSAPP_PREFIX) else "sms"
    return Message(channel, sender.removeprefix(WHATSAPP_PREFIX), sid, form.get("Body", ""), media_of(form))


class InboundHandler:
    """Takes signed inbound messages for one service (called in a worker thread: it blocks)."""

    def __init__(self, service: Service, fetcher: MediaFetcher) -> None:
        self.service = service
        self.fetcher = fetcher
        self.per_sender = SenderLimit.for_providers(service.settings)

    def receive(self, message: Message) -> None:
        engine = self.service.engine
        now = engine.clock()
        try:
            with self.service.sessions.begin() as session:
                if stored_reply(session, message.channel, message.address, message.sid) is not None:
                    return  # seen before: its effects and its reply stand
                taken, queued = self._before_dialogue(session, message, now)
        except IntegrityError:
            return  # the same message, handled at this moment by another request
        if queued and engine.on_queued is not None:
            engine.on_queued(message.channel)
        if taken:
            return
        inbound = Inbound(channel=message.channel, address=message.address, message_id=message.sid,
                          text=message.body, received_at=now)
        if not self.per_sender.admit(self.service.sessions, inbound, engine.on_queued):
            return
        engine.handle(dataclasses.replace(inbound, attachments=self.fetcher.fetch(message.media)))

    def _before_dialogue(self, session: Session, message: Message, now: datetime) -> tuple[bool, bool]:
        """Steps 2-4: (whether the message was dealt with here, whether something was queued to send)."""
        channel, address = message.channel, message.address
        word = carrier_word(message.body)
        keyword = keyword_of(word) if word else None
        opted_out = is_opted_out(session, channel, address)
        source = f"{channel}_keyword"
        if keyword is Keyword.OPT_OUT and word:
            opt_out(session, channel, address, source=source, wording=word, now=now)
            record_nothing(session, message, now, f"carrier word {word}")
            return True, False
        if keyword is Keyword.OPT_IN and word and opted_out:
            opt_in(session, channel, address, source=source, wording=word, now=now)
            if channel == "whatsapp":
                record_reply(session, channel, address, message.sid, [Outbound(WHATSAPP_OPTED_IN_TEXT)], now)
                return True, True
            record_nothing(session, message, now, f"carrier word {word}")
            return True, False
        if opted_out:
            log.info("%s message from an address that opted out: not read", channel)
            record_nothing(session, message, now, "opted out: not read")
            return True, False
        if keyword is Keyword.HELP and channel == "sms":
            record_reply(session, channel, address, message.sid, [Outbound(HELP_TEXT)], now)
            return True, True
        if channel == "whatsapp":
            return False, release_held(session, address, now) > 0
        return False, False


def record_nothing(session: Session, message: Message, now: datetime, reason: str) -> None:
    """Record the message as handled with nothing to send (a reply row with no messages, cancelled)."""
    record_reply(session, message.channel, message.address, message.sid, [], now)
    session.execute(update(OutboxMessage).where(
        OutboxMessage.channel == message.channel, OutboxMessage.address == message.address,
        OutboxMessage.idempotency_key == turn_key(message.sid),
    ).values(status=Status.CANCELLED.value, error=f"nothing to send: {reason}"))


def release_held(session: Session, address: str, now: datetime) -> int:
    """They wrote on WhatsApp, so the window is open: messages held for it may go now."""
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.channel == "whatsapp", OutboxMessage.address == address,
        OutboxMessage.status == Status.HELD.value, OutboxMessage.hold_reason.like(HOLD_PREFIX + "%"),
    ).values(status=Status.QUEUED.value, hold_reason=None, next_attempt_at=now, updated_at=now))
    return int(result.rowcount or 0)
