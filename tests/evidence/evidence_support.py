"""Helpers for the evidence tests: a submitted report with CCTV to follow, made the way the report flow
makes it (``on_submitted`` queues its reminders), and a look at its reminders and CCTV history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.evidence.cctv import reminders
from bot.evidence.chase import on_submitted
from bot.evidence.upload_links import MintedLink
from bot.storage.models import Contact, Report
from nlu.reference import new_reference

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class Made:
    report_id: int
    reference: str
    link: MintedLink | None


def sent_report(sessions: sessionmaker[Session], settings: Settings, *, sent_at: datetime,
                occurred_at: datetime | None = None, overwrite_days: int | None = 7, channel: str = "sms",
                address: str = "+447700900123", cctv_status: str = "pending",
                crime_type: str = "shop_theft") -> Made:
    """A report sent at ``sent_at`` (its CCTV to follow unless told otherwise), as `finished()` leaves it."""
    with sessions.begin() as session:
        contact = session.scalars(select(Contact).where(Contact.channel == channel, Contact.address == address)) \
            .one_or_none()
        if contact is None:
            contact = Contact(channel=channel, address=address, created_at=sent_at, updated_at=sent_at)
            session.add(contact)
            session.flush()
        report = Report(channel=channel, contact_id=contact.id, status="submitted", reference=new_reference(),
                        crime_type=crime_type, occurred_at=occurred_at or sent_at - timedelta(hours=1),
                        occurred_time_known=True, cctv_available=cctv_status != "none",
                        cctv_overwrite_days=overwrite_days, cctv_status=cctv_status, details={}, offenders=[],
                        vehicle_registrations=[], created_at=sent_at, updated_at=sent_at, submitted_at=sent_at)
        session.add(report)
        session.flush()
        chase = on_submitted(session, settings, report, sent_at)
        return Made(report.id, report.reference or "", chase.link if chase is not None else None)


def reminder_rows(sessions: sessionmaker[Session], report_id: int) -> list[tuple[str, str, datetime]]:
    """(key, status, due time in London) of each of the report's reminders."""
    with sessions() as session:
        report = session.get(Report, report_id)
        return [(row.idempotency_key, row.status, row.due_at.astimezone(LONDON))
                for row in reminders(session, report)]


def due_times(sessions: sessionmaker[Session], report_id: int) -> list[str]:
    """The reminders' due times as London wall-clock strings, e.g. "Sat 24 Oct 17:00 BST"."""
    return [f"{due:%a %d %b %H:%M %Z}" for _, _, due in reminder_rows(sessions, report_id)]


def cctv_history(sessions: sessionmaker[Session], report_id: int) -> list[tuple[str, str | None]]:
    with sessions() as session:
        return [(change.status, change.reason) for change in session.get(Report, report_id).cctv_changes]


def cctv_status(sessions: sessionmaker[Session], report_id: int) -> str:
    with sessions() as session:
        return session.get(Report, report_id).cctv_status
