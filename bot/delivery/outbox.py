"""The outbox: every message the service sends, a reply or a proactive one, is a row here.

A row is written in the same transaction as the change that causes it, so a message is queued if
and only if the change happened. ``(channel, address, idempotency_key)`` is unique: the same
logical message is never queued twice for one person. Web and terminal replies travel in the HTTP
response or on the screen, so their rows are born delivered; every other channel's rows wait for
a sender worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.messages import Button, Outbound
from bot.storage.models import DeliveryEvent, OutboxMessage

# Replies on these channels are shown at once (HTTP response, terminal), not sent later.
SYNCHRONOUS_CHANNELS = frozenset({"web", "terminal"})
OUTBOX = cast(Table, OutboxMessage.__table__)
EVENTS = cast(Table, DeliveryEvent.__table__)
RECORD_REPLY = insert(OUTBOX)  # built once: a turn's reply row without the unit of work


class Status(str, Enum):
    """Where a message is. A message only moves forward (see ``RANK``); held and cancelled wait aside."""

    QUEUED = "queued"
    HELD = "held"  # waiting for a reason (quiet hours, the WhatsApp window); hold_reason says which
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


RANK = {Status.QUEUED: 0, Status.HELD: 0, Status.SENDING: 1, Status.SENT: 2, Status.DELIVERED: 3,
        Status.UNDELIVERED: 3, Status.FAILED: 3, Status.CANCELLED: 3}
FINAL = frozenset({Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.CANCELLED})


def moves_forward(current: str, new: str) -> bool:
    """Whether a status report may change ``current`` to ``new`` (late or repeated ones may not)."""
    return RANK[Status(new)] > RANK[Status(current)]


class Purpose(str, Enum):
    REPLY = "reply"
    REMINDER = "reminder"
    STATUS = "status"
    ALERT = "alert"
    CAMPAIGN = "campaign"
    SYSTEM = "system"


def to_body(messages: Sequence[Outbound]) -> list[dict[str, Any]]:
    return [{"text": m.text, "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons]}
            for m in messages]


def from_body(body: list[dict[str, Any]]) -> list[Outbound]:
    return [Outbound(text=m["text"], buttons=tuple(Button(b["title"], b["payload"]) for b in m.get("buttons", [])))
            for m in body]


def turn_key(message_id: str) -> str:
    """The idempotency key of the reply to an inbound message (also the record that it was handled)."""
    return f"turn:{message_id}"


def stored_reply(session: Session, channel: str, address: str, message_id: str) -> list[Outbound] | None:
    """The reply already given to this sender's message, if it was handled before (one column read)."""
    body = session.execute(select(OutboxMessage.body).where(
        OutboxMessage.channel == channel, OutboxMessage.address == address,
        OutboxMessage.idempotency_key == turn_key(message_id),
    )).scalar_one_or_none()
    return from_body(body) if body is not None else None


def record_reply(session: Session, channel: str, address: str, message_id: str, messages: Sequence[Outbound],
                 now: datetime) -> None:
    """Queue a turn's replies as one row; a second row for the same message breaks the unique key."""
    shown = channel in SYNCHRONOUS_CHANNELS
    status = Status.DELIVERED if shown else Status.QUEUED
    session.execute(RECORD_REPLY, {
        "channel": channel, "address": address, "idempotency_key": turn_key(message_id),
        "purpose": Purpose.REPLY.value, "body": to_body(messages), "status": status.value, "urgent": True,
        "due_at": now, "next_attempt_at": now, "attempts": 0, "parts_sent": len(messages) if shown else 0,
        "provider_ids": [], "created_at": now, "updated_at": now,
        "sent_at": now if shown else None, "delivered_at": now if shown else None,
    })


def forget_replies(session: Session, channel: str, address: str) -> None:
    """Empty the replies that echoed what someone told us (their draft was cancelled)."""
    session.execute(update(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.address == address,
        OutboxMessage.purpose == Purpose.REPLY.value, OutboxMessage.status.in_([s.value for s in FINAL]),
    ).values(body=[]))


def queue(session: Session, *, channel: str, address: str, key: str, purpose: Purpose,
          messages: Sequence[Outbound], now: datetime, due_at: datetime | None = None,
          urgent: bool = False) -> bool:
    """Queue a proactive message; False (and nothing written) if that key was queued for them before."""
    values = {
        "channel": channel, "address": address, "idempotency_key": key, "purpose": purpose.value,
        "body": to_body(messages), "status": Status.QUEUED.value, "urgent": urgent, "due_at": due_at or now,
        "next_attempt_at": due_at or now, "attempts": 0, "parts_sent": 0, "provider_ids": [],
        "created_at": now, "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    build = postgresql_insert if dialect == "postgresql" else sqlite_insert
    result = session.execute(build(OUTBOX).values(values).on_conflict_do_nothing(
        index_elements=["channel", "address", "idempotency_key"]))
    return bool(result.rowcount)


def unsent(connection: Connection | Session, now: datetime) -> tuple[int, float]:
    """How many messages are due and not yet sent by a worker, and the oldest one's wait in seconds.

    Rows waiting for a retry count (they are due and unsent); rows due later, held rows, and the web
    page's rows (collected by the page, not sent by a worker) do not.
    """
    count, oldest = connection.execute(select(func.count(), func.min(OUTBOX.c.due_at)).where(
        OUTBOX.c.status.in_([Status.QUEUED.value, Status.SENDING.value]), OUTBOX.c.due_at <= now,
        OUTBOX.c.channel.not_in(sorted(SYNCHRONOUS_CHANNELS)))).one()
    return int(count), max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
