"""Whether someone may be sent to, and what happens when a provider says they are gone.

Nothing goes to an address whose contact opted out (STOP) or cannot be reached (the bot was
blocked): the worker checks just before sending, because a STOP can arrive while a message waits.
When a provider reports the person gone, the contact is marked (an opt-out also gets a ``consents``
row saying when and how), and everything else waiting for that address on that channel fails with
the same reason instead of being tried one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from bot.delivery.claim import QUEUED
from bot.delivery.errors import RecipientGone
from bot.delivery.outbox import EVENTS, OUTBOX, Purpose, Status
from bot.storage.models import Consent, Contact

OPTED_OUT = "opted_out"
REPLY = Purpose.REPLY.value
UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Refusal:
    reason: str  # OPTED_OUT or UNREACHABLE
    since: datetime


def refusals(session: Session, recipients: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Refusal]:
    """For each (channel, address) that opted out or cannot be reached: why, and since when."""
    wanted = list(set(recipients))
    if not wanted:
        return {}
    rows = session.execute(select(Contact.channel, Contact.address, Contact.opted_out_at, Contact.unreachable_at)
                           .where(tuple_(Contact.channel, Contact.address).in_(wanted),
                                  (Contact.opted_out_at.is_not(None)) | (Contact.unreachable_at.is_not(None))))
    return {(r.channel, r.address): Refusal(OPTED_OUT, r.opted_out_at) if r.opted_out_at is not None
            else Refusal(UNREACHABLE, r.unreachable_at) for r in rows}


def refused(refusal: Refusal | None, purpose: str, created_at: datetime | None) -> str | None:
    """Why this message may not go, if it may not.

    Nothing the service sends first (alerts, reminders, updates) goes to someone who opted out. A
    reply written after they opted out answers something they sent us since (on Telegram, after
    /stop; the SMS carrier drops a STOPped number's texts, so none arise there) and still goes.
    """
    if refusal is None:
        return None
    if refusal.reason == OPTED_OUT and purpose == REPLY and created_at is not None and created_at >= refusal.since:
        return None
    return refusal.reason


def mark_gone(session: Session, channel: str, address: str, error: RecipientGone, now: datetime) -> list[int]:
    """Mark the contact, record an opt-out's consent, and fail what else waits for them; the ids failed."""
    column = "opted_out_at" if error.opted_out else "unreachable_at"
    marked = session.execute(update(Contact).where(Contact.channel == channel, Contact.address == address)
                             .values({column: now, "updated_at": now}).execution_options(synchronize_session=False))
    if not marked.rowcount:
        session.execute(insert(Contact).values(channel=channel, address=address, created_at=now, updated_at=now,
                                               **{column: now}))
    if error.opted_out:
        session.execute(insert(Consent).values(channel=channel, address=address, action="opt_out", scope="all",
                                               source="provider", wording=f"provider error {error.code}"[:200],
                                               at=now))
    reason = OPTED_OUT if error.opted_out else UNREACHABLE
    others = session.execute(
        update(OUTBOX).where(OUTBOX.c.channel == channel, OUTBOX.c.address == address,
                             OUTBOX.c.status.in_([QUEUED, Status.HELD.value]))
        .values(status=Status.FAILED.value, error_code=error.code[:40], error=reason, updated_at=now)
        .returning(OUTBOX.c.id)).scalars().all()
    if others:
        session.execute(insert(EVENTS), [
            {"outbox_id": outbox_id, "at": now, "kind": "status", "status": Status.FAILED.value, "provider_id": None,
             "error_code": error.code[:40], "detail": f"{reason}: another message to them was refused"}
            for outbox_id in others])
    return list(others)
