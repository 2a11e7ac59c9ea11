"""The outbox: every message the service sends, a reply or a proactive one, is a row here.

A row is written in the same transaction as the change that causes it, so a message is queued if
and only if the change happened. ``(channel, address, idempotency_key)`` is unique: the same
logical message is never queued twice for one person. Web and terminal replies travel in the HTTP
response or on the screen, so their rows are born delivered; every other channel's rows wait for
a sender worker.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import JSON, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.messages import Button, Outbound
from bot.storage.models import DeliveryEvent, OutboxMessage
from bot.storage.types import UTCDateTime

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


def proactive_row(*, channel: str, address: str, key: str, purpose: Purpose, messages: Sequence[Outbound],
                  now: datetime, due_at: datetime, urgent: bool) -> dict[str, Any]:
    """A proactive message (not a reply) as one outbox row's values, queued and due at ``due_at``."""
    return {
        "channel": channel, "address": address, "idempotency_key": key, "purpose": purpose.value,
        "body": to_body(messages), "status": Status.QUEUED.value, "urgent": urgent, "due_at": due_at,
        "next_attempt_at": due_at, "attempts": 0, "parts_sent": 0, "provider_ids": [],
        "created_at": now, "updated_at": now,
    }


def queue(session: Session, *, channel: str, address: str, key: str, purpose: Purpose,
          messages: Sequence[Outbound], now: datetime, due_at: datetime | None = None,
          urgent: bool = False) -> bool:
    """Queue a proactive message; False (and nothing written) if that key was queued for them before."""
    values = proactive_row(channel=channel, address=address, key=key, purpose=purpose, messages=messages, now=now,
                           due_at=due_at or now, urgent=urgent)
    build = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING tells what happened on both databases (PostgreSQL's rowcount is -1 with an implicit one).
    inserted = session.execute(build(OUTBOX).values(values).on_conflict_do_nothing(
        index_elements=["channel", "address", "idempotency_key"]).returning(OUTBOX.c.id)).first()
    return inserted is not None


def queue_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Queue many proactive messages (``proactive_row``s) at once, skipping any already queued.

    A send to 100,000 subscribers cannot afford a statement per row, so the same unique key that
    makes ``queue`` safe to repeat makes a batch safe to repeat (a send resumed after a crash skips
    everyone already queued). PostgreSQL gets one INSERT ... SELECT FROM unnest(arrays) per batch:
    the values that differ from row to row (address, text, due time) as arrays and the rest once.
    An executemany runs one statement per row (three times slower) and a multi-row VALUES makes the
    driver parse a query of thousands of placeholders. SQLite gets sqlite3's executemany, a C loop.
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(sqlite_insert(OUTBOX).on_conflict_do_nothing(
            index_elements=["channel", "address", "idempotency_key"]), rows)
        return
    first = rows[0]
    varying = tuple(name for name in first if name == "address" or any(row[name] != first[name] for row in rows))
    fixed = tuple(name for name in first if name not in varying)
    values = {name: [_bindable(name, row[name]) for row in rows] for name in varying}
    values.update({name: _bindable(name, first[name]) for name in fixed})
    with session.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute(_unnest_insert(varying, fixed), values)


def _bindable(name: str, value: Any) -> Any:
    return json.dumps(value) if isinstance(OUTBOX.c[name].type, JSON) else value


@lru_cache(maxsize=16)
def _unnest_insert(varying: tuple[str, ...], fixed: tuple[str, ...]) -> str:
    arrays = ", ".join(f"CAST(%({name})b AS {_pg_type(name)}[])" for name in varying)
    selected = ", ".join([f"u.{name}" for name in varying] + [f"CAST(%({name})s AS {_pg_type(name)})" for name in fixed])
    return (f"INSERT INTO outbox ({', '.join(varying + fixed)}) SELECT {selected} "
            f"FROM unnest({arrays}) AS u({', '.join(varying)}) "
            "ON CONFLICT (channel, address, idempotency_key) DO NOTHING")


def _pg_type(name: str) -> str:
    column_type = OUTBOX.c[name].type
    if isinstance(column_type, JSON):
        return "JSON"
    if isinstance(column_type, UTCDateTime):
        return "TIMESTAMP WITH TIME ZONE"
    return str(column_type.compile(dialect=postgresql.dialect()))


def unsent(connection: Connection | Session, now: datetime) -> tuple[int, float]:
    """How many messages are due and not yet sent by a worker, and the oldest one's wait in seconds.

    Rows waiting for a retry count (they are due and unsent); rows due later, held rows, and the web
    page's rows (collected by the page, not sent by a worker) do not.
    """
    count, oldest = connection.execute(select(func.count(), func.min(OUTBOX.c.due_at)).where(
        OUTBOX.c.status.in_([Status.QUEUED.value, Status.SENDING.value]), OUTBOX.c.due_at <= now,
        OUTBOX.c.channel.not_in(sorted(SYNCHRONOUS_CHANNELS)))).one()
    return int(count), max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
