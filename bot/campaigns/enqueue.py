"""Queuing many outbox rows in one statement (``bot.delivery.outbox.queue`` writes one at a time).

A send to 100,000 subscribers cannot afford a statement per row, so rows go in batches through
one INSERT ... ON CONFLICT DO NOTHING each: the same unique key (channel, address,
idempotency key) that makes ``queue`` safe to repeat makes a batch safe to repeat, so a send
resumed after a crash skips everyone already queued. The row is the same as ``queue`` writes
(a test compares them column by column).

TODO(lead): move ``outbox_row`` and ``queue_many`` next to ``queue`` in bot/delivery/outbox.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.delivery.outbox import OUTBOX, Purpose, Status, to_body
from bot.messages import Outbound
from bot.storage.types import UTCDateTime


def outbox_row(*, channel: str, address: str, key: str, purpose: Purpose, messages: Sequence[Outbound],
               now: datetime, due_at: datetime, urgent: bool) -> dict[str, Any]:
    """One proactive message as ``queue`` would write it."""
    return {
        "channel": channel, "address": address, "idempotency_key": key, "purpose": purpose.value,
        "body": to_body(messages), "status": Status.QUEUED.value, "urgent": urgent, "due_at": due_at,
        "next_attempt_at": due_at, "attempts": 0, "parts_sent": 0, "provider_ids": [],
        "created_at": now, "updated_at": now,
    }


def queue_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (from ``outbox_row``), skipping any already queued.

    PostgreSQL gets one INSERT ... SELECT FROM unnest(arrays) per batch: one statement, the values
    that differ from row to row (address, text, due time) as arrays and the rest once. An
    executemany runs one statement per row (three times slower) and a multi-row VALUES makes the
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
