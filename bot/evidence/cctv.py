"""A report's CCTV status and its history: none, pending, provided, declined, overwritten, not needed.

Every change goes through ``change_status``, which keeps ``reports.cctv_status`` (the current one)
and a ``cctv_status_changes`` row (when, and why) together, and stops the reminders once nothing is
left to chase, all in the caller's transaction: the reminders stop the moment the footage arrives,
is refused or is lost, or never go at all if that transaction fails. Closing a report settles
footage still to follow as not needed, so no report shows "pending" for ever.

"Declined" covers two different facts an officer must tell apart: there is no footage at all, or
the business would rather not share what it has. The reason kept with the change says which, and
``status_words`` puts it in words.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.delivery.outbox import Purpose, Status
from bot.storage.models import CctvStatusChange, Contact, OutboxMessage, Report


class CctvStatus(str, Enum):
    NONE = "none"  # no CCTV
    PENDING = "pending"  # to follow: chased with reminders
    PROVIDED = "provided"  # a link or a file arrived
    DECLINED = "declined"  # they have none after all, or would rather not (the reason says which)
    OVERWRITTEN = "overwritten"  # recorded over before it was sent
    NOT_NEEDED = "not_needed"  # still to follow when the report was closed


# The reminders a report can have, numbered (``reminder_key``): a few hours after, the next morning,
# and the last one before the footage is recorded over.
REMINDER_SLOTS = (1, 2, 3)
# Reasons recorded with a change (shown to the officer as they are).
NO_FOOTAGE = "no footage"
RATHER_NOT = "rather not share it"
RECORDED_OVER = "recorded over before it was sent"
SAID_RECORDED_OVER = "recorded over (the reporter said)"
REPORT_CLOSED = "report closed"
WHEN_SENT = "when the report was sent"
# The current status in words, for the officer and the reporter's review ("declined" by its reason).
STATUS_WORDS = {CctvStatus.NONE: "no CCTV", CctvStatus.PENDING: "footage to follow",
                CctvStatus.PROVIDED: "footage provided", CctvStatus.DECLINED: "not shared, by choice",
                CctvStatus.OVERWRITTEN: "recorded over before it was sent",
                CctvStatus.NOT_NEEDED: "not needed: report closed"}
NO_FOOTAGE_WORDS = "no footage of it (there is none)"


def reminder_key(report_id: int, slot: int) -> str:
    """The outbox idempotency key of one CCTV reminder: ``report:<id>:cctv-reminder:<slot>``."""
    return f"report:{report_id}:cctv-reminder:{slot}"


def report_id_of(key: str) -> int | None:
    """The report a reminder key is about (None for any other key)."""
    parts = key.split(":")
    if len(parts) == 4 and parts[0] == "report" and parts[2] == "cctv-reminder" and parts[1].isdigit():
        return int(parts[1])
    return None


def overwrite_at(report: Report) -> datetime | None:
    """When the footage will be recorded over: the incident (its earliest moment) plus the days the
    recorder keeps, or None if they did not say."""
    if report.cctv_overwrite_days is None:
        return None
    recorded = report.occurred_at or report.submitted_at or report.created_at
    if recorded is None:
        return None
    # In UTC: a recorder keeps so many times 24 hours, whatever the clocks do meanwhile.
    return recorded.astimezone(timezone.utc) + timedelta(days=report.cctv_overwrite_days)


def record(report: Report, status: CctvStatus, now: datetime, reason: str | None = None) -> None:
    """Set the status and keep its history row (no reminders touched: see ``change_status``)."""
    report.cctv_status = status.value
    report.cctv_changes.append(CctvStatusChange(status=status.value, reason=reason, at=now))


def status_reason(report: Report) -> str | None:
    """Why the CCTV is in its current status (the reason kept with the change that put it there)."""
    last = report.cctv_changes[-1] if report.cctv_changes else None
    return last.reason if last is not None and last.status == report.cctv_status else None


def status_words(report: Report) -> str:
    """The current status as people read it: "no footage of it" and "not shared, by choice" apart."""
    status = CctvStatus(report.cctv_status)
    if status is CctvStatus.NONE and report.cctv_available:
        status = CctvStatus.PENDING  # a draft whose footage was not offered yet: it is to follow when sent
    if status is CctvStatus.DECLINED and status_reason(report) == NO_FOOTAGE:
        return NO_FOOTAGE_WORDS
    return STATUS_WORDS[status]


def change_status(session: Session, report: Report, status: CctvStatus, now: datetime,
                  reason: str | None = None) -> bool:
    """Move the report's CCTV to ``status`` (False, and nothing written, if it is there already).

    Anything but pending stops the reminders still waiting.
    """
    if report.cctv_status == status.value:
        return False
    record(report, status, now, reason)
    if status is not CctvStatus.PENDING:
        stop_reminders(session, report, now)
    return True


def stop_reminders(session: Session, report: Report, now: datetime) -> int:
    """Cancel this report's CCTV reminders not yet sent; how many."""
    contact = session.get(Contact, report.contact_id) if report.contact_id is not None else None
    if contact is None:
        return 0
    waiting = [Status.QUEUED.value, Status.HELD.value]
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.channel == contact.channel, OutboxMessage.address == contact.address,
        OutboxMessage.idempotency_key.in_([reminder_key(report.id, slot) for slot in REMINDER_SLOTS]),
        OutboxMessage.status.in_(waiting),
    ).values(status=Status.CANCELLED.value, updated_at=now).execution_options(synchronize_session=False))
    return result.rowcount or 0


def report_closed(session: Session, report: Report, now: datetime) -> None:
    """A closed report waits for nothing: footage still to follow is no longer needed (and its
    reminders stop); footage given, refused or lost keeps its status."""
    if report.cctv_status == CctvStatus.PENDING.value:
        change_status(session, report, CctvStatus.NOT_NEEDED, now, REPORT_CLOSED)


def reminders(session: Session, report: Report) -> list[OutboxMessage]:
    """The report's CCTV reminders (sent, due or cancelled), in slot order."""
    keys = [reminder_key(report.id, slot) for slot in REMINDER_SLOTS]
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.in_(keys), OutboxMessage.purpose == Purpose.REMINDER.value,
        OutboxMessage.channel == report.channel).order_by(OutboxMessage.idempotency_key)))
