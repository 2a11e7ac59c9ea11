"""Claiming outbox rows for a sender worker, and giving them back.

A batch of one channel's rows is claimed with ``UPDATE outbox SET status='sending', lease_owner,
lease_until, attempts=attempts+1 WHERE id IN (SELECT id ... ORDER BY next_attempt_at, id LIMIT n
FOR UPDATE SKIP LOCKED) RETURNING ...``, once for each of three searches, in this order, until the
batch is full: rows a dead worker left (its lease ran out), then urgent rows (replies), then the
rest. Each search walks the index ``ix_outbox_claim`` (channel, status, urgent, next_attempt_at, id)
in order and stops after ``n`` rows; one search over all three, ordered by urgency, sorted every due
row first, which for a campaign of 100,000 queued messages took most of a second per claim. On
PostgreSQL, SKIP LOCKED lets several workers claim at once without waiting for or taking each
other's rows; SQLite has no SKIP LOCKED and needs none (its writers take turns). A claimed row is
leased: if its worker dies, the lease runs out and the row is claimed again, carrying on from the
parts already sent.

Messages to one person go in order: a row is not claimed while an earlier one to the same address on
the same channel is being sent or is ready to go (an earlier one waiting for a retry does not hold
the rest up). So a batch holds at most one row per address, and only one worker sends to an address
at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Update, and_, bindparam, exists, false, insert, or_, select, true, update
from sqlalchemy.orm import Session

from bot.delivery.outbox import EVENTS, OUTBOX, Status

QUEUED, SENDING = Status.QUEUED.value, Status.SENDING.value


@dataclass(frozen=True)
class Claimed:
    """A row a worker holds: what to send, to whom, and how far it got before."""

    id: int
    channel: str
    address: str
    body: list[dict[str, Any]]
    attempts: int  # this attempt's number (1 for the first)
    parts_sent: int
    provider_ids: list[str]
    urgent: bool
    purpose: str = "reply"
    created_at: datetime | None = None
    # Whether the recipient may be sent to, as read in the claim's transaction, and when (monotonic).
    refusal: str | None = None
    checked_at: float = 0.0


def _ready(table: Any, now: Any) -> Any:
    """Rows of ``table`` waiting and due at ``now`` (a time, or the statement's parameter for it)."""
    return and_(table.c.status == QUEUED, table.c.next_attempt_at <= now, table.c.due_at <= now)


@lru_cache(maxsize=32)
def _claims(channel: str, locking: bool) -> tuple[Update, ...]:
    """The three claiming statements for ``channel``, built once (building them costs more than running
    them): rows a dead worker left, urgent rows, the rest. Parameters: now, lease_until, owner, limit."""
    row, earlier = OUTBOX, OUTBOX.alias("earlier")
    now = bindparam("now", type_=row.c.next_attempt_at.type)
    ahead = exists().where(earlier.c.channel == row.c.channel, earlier.c.address == row.c.address,
                           earlier.c.id < row.c.id, or_(earlier.c.status == SENDING, _ready(earlier, now)))
    searches = (and_(row.c.status == SENDING, row.c.lease_until < now),
                and_(_ready(row, now), row.c.urgent == true()),
                and_(_ready(row, now), row.c.urgent == false()))
    statements = []
    for search in searches:
        candidates = (select(row.c.id).where(row.c.channel == channel, search, ~ahead)
                      .order_by(row.c.next_attempt_at, row.c.id).limit(bindparam("limit")))
        if locking:
            candidates = candidates.with_for_update(skip_locked=True)
        statements.append(
            update(row).where(row.c.id.in_(candidates.scalar_subquery()))
            .values(status=SENDING, lease_owner=bindparam("owner"), lease_until=bindparam("lease_until"),
                    attempts=row.c.attempts + 1, updated_at=now)
            .returning(row.c.id, row.c.channel, row.c.address, row.c.body, row.c.attempts, row.c.parts_sent,
                       row.c.provider_ids, row.c.urgent, row.c.purpose, row.c.created_at))
    return tuple(statements)


def claim(session: Session, channel: str, owner: str, now: datetime, lease_seconds: float,
          limit: int) -> list[Claimed]:
    """Lease up to ``limit`` rows due on ``channel`` to ``owner`` (left by a dead worker first, then urgent
    ones: replies), and record the attempt. One channel at a time: the index orders rows within a channel."""
    if limit < 1:
        return []
    claimed: list[Any] = []
    values = {"now": now, "owner": owner, "lease_until": now + timedelta(seconds=lease_seconds)}
    for statement in _claims(channel, session.get_bind().dialect.name == "postgresql"):
        if len(claimed) == limit:
            break
        claimed += session.execute(statement, {**values, "limit": limit - len(claimed)}).all()
    rows = sorted((Claimed(r.id, r.channel, r.address, r.body, r.attempts, r.parts_sent, list(r.provider_ids or []),
                           bool(r.urgent), r.purpose, r.created_at) for r in claimed),
                  key=lambda c: (not c.urgent, c.id))
    if rows:
        session.execute(insert(EVENTS), [
            {"outbox_id": r.id, "at": now, "kind": "attempt", "status": SENDING, "provider_id": None,
             "error_code": None, "detail": f"attempt {r.attempts} by {owner}"[:300]} for r in rows])
    return rows


def release(session: Session, owner: str, now: datetime, ids: Sequence[int] | None = None) -> list[int]:
    """Give back rows ``owner`` holds (all, or ``ids``) to be claimed again at once; their ids.

    A stopping worker does this after finishing the part in hand, so the rest of each message goes
    from another worker straight away instead of after the lease runs out.
    """
    condition = and_(OUTBOX.c.lease_owner == owner, OUTBOX.c.status == SENDING)
    if ids is not None:
        condition = and_(condition, OUTBOX.c.id.in_(list(ids)))
    released = session.execute(
        update(OUTBOX).where(condition)
        .values(status=QUEUED, next_attempt_at=now, lease_owner=None, lease_until=None, updated_at=now)
        .returning(OUTBOX.c.id)).scalars().all()
    if released:
        session.execute(insert(EVENTS), [
            {"outbox_id": outbox_id, "at": now, "kind": "attempt", "status": QUEUED, "provider_id": None,
             "error_code": None, "detail": "released: the worker stopped"} for outbox_id in released])
    return list(released)
