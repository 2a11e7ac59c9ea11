"""What a worker writes as it sends: each part's provider id, a retry, a failure, and an event for each.

Every write is guarded by the lease (``lease_owner`` is this worker and the row is still ``sending``),
so a worker that lost its lease (it stalled past it and another took the row over) changes nothing:
a row that is sent or failed never moves back. Each write is one short transaction with its
``delivery_events`` row, so the history and the row never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, update
from sqlalchemy.orm import Session

from bot.delivery.claim import SENDING
from bot.delivery.outbox import EVENTS, OUTBOX, Status

ERROR_CHARS = 300


def event(session: Session, outbox_id: int, now: datetime, status: str, *, kind: str = "attempt",
          provider_id: str | None = None, error_code: str | None = None, detail: str | None = None) -> None:
    """Record one thing that happened to a message (an attempt, a status, an operator's action)."""
    session.execute(insert(EVENTS).values(
        outbox_id=outbox_id, at=now, kind=kind, status=status, provider_id=provider_id,
        error_code=error_code[:40] if error_code else None, detail=detail[:ERROR_CHARS] if detail else None))


def _held(outbox_id: int, owner: str) -> object:
    return and_(OUTBOX.c.id == outbox_id, OUTBOX.c.lease_owner == owner, OUTBOX.c.status == SENDING)


def renew(session: Session, outbox_id: int, owner: str, now: datetime, lease_seconds: float) -> bool:
    """Hold the row for another lease (a long wait for room before a send); False if it was lost."""
    return bool(session.execute(update(OUTBOX).where(_held(outbox_id, owner)).values(
        lease_until=now + timedelta(seconds=lease_seconds))).rowcount)


def part_sent(session: Session, outbox_id: int, owner: str, now: datetime, *, number: int, total: int,
              provider_ids: Sequence[str], lease_seconds: float) -> bool:
    """Part ``number`` (1-based) of ``total`` went; the last one makes the row sent. False if the lease was lost."""
    values: dict[str, object] = {"parts_sent": number, "provider_ids": list(provider_ids), "updated_at": now,
                                 "lease_until": now + timedelta(seconds=lease_seconds)}
    last = number == total
    if last:
        values.update(status=Status.SENT.value, sent_at=now, lease_owner=None, lease_until=None,
                      error_code=None, error=None)
    if not session.execute(update(OUTBOX).where(_held(outbox_id, owner)).values(**values)).rowcount:
        return False
    event(session, outbox_id, now, Status.SENT.value, provider_id=provider_ids[-1] if provider_ids else None,
          detail=f"part {number} of {total}")
    return True


def retry_at(session: Session, outbox_id: int, owner: str, now: datetime, when: datetime, *, code: str,
             detail: str, counted: bool) -> bool:
    """Back to the queue until ``when``; an uncounted attempt (a throttle) is given back."""
    values: dict[str, object] = {"status": Status.QUEUED.value, "next_attempt_at": when, "lease_owner": None,
                                 "lease_until": None, "error_code": code[:40], "error": detail[:ERROR_CHARS],
                                 "updated_at": now}
    if not counted:
        values["attempts"] = OUTBOX.c.attempts - 1
    if not session.execute(update(OUTBOX).where(_held(outbox_id, owner)).values(**values)).rowcount:
        return False
    event(session, outbox_id, now, Status.QUEUED.value, error_code=code,
          detail=f"{'throttled' if not counted else 'retry'} at {when.isoformat(timespec='seconds')}: {detail}")
    return True


def held(session: Session, outbox_id: int, owner: str, now: datetime, *, code: str, detail: str) -> bool:
    """Set aside until the person's next message releases it (``hold_reason`` says why)."""
    if not session.execute(update(OUTBOX).where(_held(outbox_id, owner)).values(
            status=Status.HELD.value, lease_owner=None, lease_until=None, error_code=code[:40],
            hold_reason=detail[:120], updated_at=now)).rowcount:
        return False
    event(session, outbox_id, now, Status.HELD.value, error_code=code, detail=detail)
    return True


def failed(session: Session, outbox_id: int, owner: str, now: datetime, *, code: str, detail: str) -> bool:
    """Given up for good, with the reason."""
    if not session.execute(update(OUTBOX).where(_held(outbox_id, owner)).values(
            status=Status.FAILED.value, lease_owner=None, lease_until=None, error_code=code[:40],
            error=detail[:ERROR_CHARS], updated_at=now)).rowcount:
        return False
    event(session, outbox_id, now, Status.FAILED.value, error_code=code, detail=detail)
    return True
