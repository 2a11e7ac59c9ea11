"""Chasing CCTV that was promised "later" (seed 002: reports filed "pending CCTV" that never arrives).

When a report is sent with its CCTV to follow, up to three reminders are queued in the outbox at
once, in the same transaction: a few hours after the report, the next morning, and a last one a
couple of days before the footage is recorded over (from how long the recorder keeps it). None
falls in quiet hours, none after the footage is gone, and two that would come within a few hours
of each other are one. Each names the report and carries its own upload link, so sending the
footage is one step. They are rows with due times, so a restart loses none and sends none twice;
they are cancelled the moment the footage arrives or is refused (``bot.evidence.cctv``), and a
scheduled sweep marks footage recorded over unsent and stops reminders for closed reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.crime_types import label
from bot.delivery.outbox import Purpose, Status, queue
from bot.delivery.quiet_hours import clock_time, next_allowed
from bot.evidence.cctv import (RATHER_NOT, RECORDED_OVER, WHEN_SENT, CctvStatus, change_status, overwrite_at,
                               record, reminder_key, report_id_of)
from bot.evidence.upload_links import MintedLink, mint
from bot.messages import Outbound
from bot.reports.status import Status as PoliceStatus
from bot.reports.status import current
from bot.reports.summary import when
from bot.storage.models import Contact, OutboxMessage, Report

# Two reminders closer than this are one (a report at 20:30: "in a few hours" and "next morning" are
# both 08:00-09:00 the next day).
MIN_GAP = timedelta(hours=3)
# Report statuses after which nothing is chased (the report-status work names them).


@dataclass(frozen=True)
class Reminder:
    slot: int
    due_at: datetime
    last: bool


def _next_morning(after: datetime, settings: Settings) -> datetime:
    """The first time the local clock reads the morning time after ``after``."""
    zone = ZoneInfo(settings.timezone)
    local = after.astimezone(zone)
    morning = clock_time(settings.cctv_reminder_morning)
    candidate = datetime.combine(local.date(), morning, tzinfo=zone).astimezone(timezone.utc)
    if candidate <= after:
        candidate = datetime.combine(local.date() + timedelta(days=1), morning, tzinfo=zone).astimezone(timezone.utc)
    return candidate


def plan(sent_at: datetime, overwritten_at: datetime | None, settings: Settings) -> list[Reminder]:
    """When the reminders for a report sent at ``sent_at`` go (in order), by the rules above."""
    sent_at = sent_at.astimezone(timezone.utc)
    first = sent_at + timedelta(hours=settings.cctv_reminder_hours)
    candidates = [(1, first), (2, _next_morning(first, settings))]
    if overwritten_at is not None:
        candidates.append((3, overwritten_at - timedelta(days=settings.cctv_reminder_days_before_overwrite)))
    kept: list[tuple[int, datetime]] = []
    # All in UTC: Python subtracts wall clocks when two datetimes share a zone (wrong across a clock change).
    allowed = ((slot, next_allowed(at, settings).astimezone(timezone.utc)) for slot, at in candidates)
    for slot, at in sorted(allowed, key=lambda c: c[1]):
        if at <= sent_at or (overwritten_at is not None and at >= overwritten_at):
            continue
        if kept and at - kept[-1][1] < MIN_GAP:
            continue
        kept.append((slot, at))
    return [Reminder(slot, at, last=overwritten_at is not None and n == len(kept) - 1)
            for n, (slot, at) in enumerate(kept)]


def _day(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B}"


def reminder_text(report: Report, link: MintedLink, overwritten_at: datetime | None, last: bool,
                  zone: ZoneInfo) -> str:
    """The reminder: which report (reference, what, when), and how to send the footage in one step."""
    happened = when(report.occurred_at, zone, report.occurred_time_known, report.occurred_until)
    lead = "Last reminder" if last else "Reminder"
    deadline = f" before it's recorded over on {_day(overwritten_at, zone)}" if overwritten_at else \
        " before it's recorded over"
    return (f"{lead}: report {report.reference} ({label(report.crime_type)}, {happened}). Please send the CCTV"
            f"{deadline}. Upload it here (the link works once): {link.url}\nOr reply with a sharing link, or "
            "'no footage' if there is none.")


def queue_reminders(session: Session, settings: Settings, report: Report, now: datetime) -> list[Reminder]:
    """Queue the report's reminders to the reporter's channel (none again if queued before)."""
    contact = session.get(Contact, report.contact_id) if report.contact_id is not None else None
    if contact is None or report.submitted_at is None:
        return []
    zone = ZoneInfo(settings.timezone)
    overwritten_at = overwrite_at(report)
    planned = plan(report.submitted_at, overwritten_at, settings)
    keys = {reminder.slot: reminder_key(report.id, reminder.slot) for reminder in planned}
    there = set(session.scalars(select(OutboxMessage.idempotency_key).where(
        OutboxMessage.channel == contact.channel, OutboxMessage.address == contact.address,
        OutboxMessage.idempotency_key.in_(keys.values()))))
    queued = []
    for reminder in planned:
        if keys[reminder.slot] in there:
            continue
        link = mint(session, settings, report, now, valid_from=reminder.due_at)
        text = reminder_text(report, link, overwritten_at, reminder.last, zone)
        if queue(session, channel=contact.channel, address=contact.address, key=keys[reminder.slot],
                 purpose=Purpose.REMINDER, messages=[Outbound(text)], now=now, due_at=reminder.due_at):
            queued.append(reminder)
    return queued


@dataclass(frozen=True)
class Chase:
    """What the reply to a report with CCTV to follow can say: the link to upload it now, and whether
    reminders will follow (none when the footage goes before the first could be sent)."""

    link: MintedLink
    reminders: int


def on_submitted(session: Session, settings: Settings, report: Report, now: datetime) -> Chase | None:
    """A report was just sent: its first CCTV status goes in the history, and footage to follow is chased."""
    if report.cctv_status != CctvStatus.NONE.value:
        status = CctvStatus(report.cctv_status)
        # In the report, declining is the answer to "send a link if you can share it": rather not.
        record(report, status, now, RATHER_NOT if status is CctvStatus.DECLINED else WHEN_SENT)
    if report.cctv_status != CctvStatus.PENDING.value:
        return None
    reminders = queue_reminders(session, settings, report, now)
    return Chase(link=mint(session, settings, report, now), reminders=len(reminders))


@dataclass(frozen=True)
class Swept:
    overwritten: int
    cancelled: int

    def __str__(self) -> str:
        return f"Marked {self.overwritten} report(s) CCTV overwritten; cancelled {self.cancelled} reminder(s)."


def sweep(session: Session, now: datetime, lookahead: timedelta) -> Swept:
    """Mark footage recorded over unsent; cancel reminders due within ``lookahead`` that nobody needs now
    (the report was closed, or its CCTV is no longer awaited): the last check before they go."""
    overwritten = 0
    awaited = session.scalars(select(Report).where(Report.cctv_status == CctvStatus.PENDING.value,
                                                   Report.cctv_overwrite_days.is_not(None)))
    for report in awaited:
        gone = overwrite_at(report)
        if gone is not None and gone <= now:
            overwritten += change_status(session, report, CctvStatus.OVERWRITTEN, now, RECORDED_OVER)
    waiting = [Status.QUEUED.value, Status.HELD.value]
    due = session.execute(select(OutboxMessage.id, OutboxMessage.idempotency_key).where(
        OutboxMessage.purpose == Purpose.REMINDER.value, OutboxMessage.status.in_(waiting),
        OutboxMessage.idempotency_key.like("report:%:cctv-reminder:%"),
        OutboxMessage.due_at <= now + lookahead)).all()
    unwanted = []
    for row in due:
        report_id = report_id_of(row.idempotency_key)
        report = session.get(Report, report_id) if report_id is not None else None
        if report is None or current(report).status is PoliceStatus.CLOSED \
                or report.cctv_status != CctvStatus.PENDING.value:
            unwanted.append(row.id)
    cancelled = 0
    if unwanted:
        cancelled = session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(unwanted), OutboxMessage.status.in_(waiting))
            .values(status=Status.CANCELLED.value, updated_at=now).execution_options(synchronize_session=False)
        ).rowcount or 0
    return Swept(overwritten=overwritten, cancelled=cancelled)
