"""Queuing many outbox rows in one statement (``bot.delivery.outbox.queue`` writes one at a time).

A send to 100,000 subscribers cannot afford a round trip per row, so rows go in batches through
one multi-row INSERT ... ON CONFLICT DO NOTHING: the same unique key (channel, address,
idempotency key) that makes ``queue`` safe to repeat makes a batch safe to repeat, so a send
resumed after a crash skips everyone already queued. The row is the same as ``queue`` writes
(a test compares them column by column).

TODO(lead): move ``outbox_row`` and ``queue_many`` next to ``queue`` in bot/delivery/outbox.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.delivery.outbox import OUTBOX, Purpose, Status, to_body
from bot.messages import Outbound


def outbox_row(*, channel: str, address: str, key: str, purpose: Purpose, messages: Sequence[Outbound],
               now: datetime, due_at: datetime, urgent: bool) -> dict[str, Any]:
    """One proactive message as ``queue`` would write it."""
    return {
        "channel": channel, "address": address, "idempotency_key": key, "purpose": purpose.value,
        "body": to_body(messages), "status": Status.QUEUED.value, "urgent": urgent, "due_at": due_at,
        "next_attempt_at": due_at, "attempts": 0, "parts_sent": 0, "provider_ids": [],
        "created_at": now, "updated_at": now,
    }


def queue_many(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` (from ``outbox_row``), skipping any already queued; how many were new."""
    if not rows:
        return 0
    build = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = build(OUTBOX).on_conflict_do_nothing(index_elements=["channel", "address", "idempotency_key"])
    return len(session.execute(statement.returning(OUTBOX.c.id), rows).all())
