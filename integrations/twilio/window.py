"""WhatsApp's 24-hour window: how a message may reach someone on WhatsApp now, or why it must wait.

WhatsApp carries free-form messages only within 24 hours of the person's last message to us; after
that only an approved template (a Twilio content template, ``ContentSid``) may open the conversation.
When WhatsApp may not carry a message free-form, in this order:

1. a content template is configured: send it, with the message text as its variable;
2. the person also texts us by SMS from that number and has not texted STOP (a phone identity and
   their consent): send it by SMS instead;
3. otherwise it waits (the outbox row is held, ``hold_reason`` saying why) until they next write,
   which opens the window again and releases it.

We know the window from our own rows: every message someone sends us is recorded as handled (its
reply row, key ``turn:<MessageSid>``), so the last of those is when they last wrote. Twilio's own
verdict beats ours: a 63016 ("outside the window") reported after their last message closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.outbox import turn_key
from bot.storage.models import Contact, DeliveryEvent, OutboxMessage

WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = 63016
# hold_reason of a row waiting for the window; an inbound WhatsApp message releases exactly these.
HOLD_PREFIX = "whatsapp window"
HOLD_REASON_CHARS = 120  # outbox.hold_reason


class Way(str, Enum):
    FREE_FORM = "free_form"
    TEMPLATE = "template"
    SMS = "sms"
    HOLD = "hold"


@dataclass(frozen=True)
class Route:
    way: Way
    reason: str = ""


@dataclass(frozen=True)
class Facts:
    """What we know about one WhatsApp address when a message is due."""

    last_inbound_at: datetime | None
    closed_at: datetime | None = None  # when Twilio last said 63016 (outside the window)
    sms_allowed: bool = False


def whatsapp_route(now: datetime, facts: Facts, template_sid: str | None) -> Route:
    """How a WhatsApp message may go now (see the module docstring for the order)."""
    heard = facts.last_inbound_at
    closed = facts.closed_at is not None and (heard is None or facts.closed_at >= heard)
    if heard is not None and now - heard < WINDOW and not closed:
        return Route(Way.FREE_FORM)
    if template_sid:
        return Route(Way.TEMPLATE)
    if facts.sms_allowed:
        return Route(Way.SMS)
    since = "never written to us" if heard is None else f"last wrote {heard:%Y-%m-%d %H:%M} UTC"
    reason = f"{HOLD_PREFIX}: {since}; no template set, no SMS consent; goes when they write"
    return Route(Way.HOLD, reason[:HOLD_REASON_CHARS])


def facts_for(session: Session, address: str, sms_possible: bool) -> Facts:
    """The window facts of WhatsApp ``address`` (an E.164 number) from our rows."""
    last = session.scalar(select(func.max(OutboxMessage.created_at)).where(
        OutboxMessage.channel == "whatsapp", OutboxMessage.address == address,
        OutboxMessage.idempotency_key.like(turn_key("%"))))
    closed = session.scalar(select(func.max(DeliveryEvent.at)).join(
        OutboxMessage, OutboxMessage.id == DeliveryEvent.outbox_id).where(
        OutboxMessage.channel == "whatsapp", OutboxMessage.address == address,
        DeliveryEvent.error_code == str(OUTSIDE_WINDOW)))
    sms_allowed = False
    if sms_possible:
        contact = session.scalars(select(Contact).where(Contact.channel == "sms", Contact.address == address)).first()
        sms_allowed = contact is not None and contact.opted_out_at is None and contact.unreachable_at is None
    return Facts(last, closed, sms_allowed)


class WindowLookup:
    """Looks the facts up in the service's database (its own small pool, made on first use: a channel
    is built from settings alone, and a sender worker may have no web app around it). It only reads,
    so on SQLite it never waits for the write lock the workers take in turns."""

    def __init__(self, database_url: str | None = None, sessions: sessionmaker[Session] | None = None) -> None:
        self._database_url = database_url
        self._sessions = sessions

    def _factory(self) -> sessionmaker[Session]:
        if self._sessions is None:
            from bot.storage.db import make_engine, make_session_factory

            assert self._database_url is not None
            self._sessions = make_session_factory(make_engine(self._database_url, wait_seconds=2.0, reads_only=True))
        return self._sessions

    def __call__(self, address: str, sms_possible: bool) -> Facts:
        with self._factory()() as session:
            return facts_for(session, address, sms_possible)

    def close(self) -> None:
        """Let go of the pool it made (sessions it was given are their owner's to close)."""
        if self._database_url is not None and self._sessions is not None:
            self._sessions.kw["bind"].dispose()
            self._sessions = None


FactsLookup = Callable[[str, bool], Facts]
