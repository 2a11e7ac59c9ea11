"""Report lifecycle: draft -> submitted (with a reference); drafts deleted after retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.reports.status import Status
from bot.storage.models import Contact, Report, ReportStatusChange
from nlu.reference import mistyped_reference, new_reference, normalise_reference, reference_mistake

CCTV_PENDING = "pending"
# Who made the changes the service makes itself (a report received), in the status history.
SERVICE_NAME = "bizwatch"


def cctv_status(report: Report) -> str:
    """none (no CCTV), provided (a link given), pending (to follow), declined (kept back)."""
    if report.cctv_available is not True:
        return "none"
    if any(a.kind == "cctv_link" for a in report.attachments):
        return "provided"
    return report.cctv_status if report.cctv_status in ("declined", CCTV_PENDING) else CCTV_PENDING


def submit(session: Session, report: Report, now: datetime) -> str:
    """Give the report its reference, mark it submitted and received; remember the business and reporter.

    References are random, so a collision is astronomically rare, but the unique constraint is
    the real guarantee: on a clash we try another inside a savepoint.
    """
    report.cctv_status = cctv_status(report)
    report.status = "submitted"
    report.submitted_at = now
    for _ in range(5):
        try:
            with session.begin_nested():
                report.reference = new_reference()
                session.flush()
            break
        except IntegrityError:
            report.reference = None
    else:  # pragma: no cover - five random 35-bit clashes in a row
        raise RuntimeError("could not allocate a unique report reference")
    # The first step of its history; the reporter is told in the reply that gives the reference.
    report.status_changes.append(ReportStatusChange(seq=1, status=Status.RECEIVED.value, at=now,
                                                    changed_by=SERVICE_NAME, urgent=False, told="in_chat"))
    if report.contact_id is not None:
        remember(session.get(Contact, report.contact_id), report)
    return report.reference or ""


def remember(contact: Contact | None, report: Report) -> None:
    """Keep the business and reporter details for next time (the user is asked to reuse them)."""
    if contact is None:
        return
    if (report.details or {}).get("making_off_kind") == "fuel" and not contact.sector:
        contact.sector = "forecourt"
    if report.business_name:
        contact.business_name = report.business_name
        contact.business_address = report.business_address
        contact.business_postcode = report.business_postcode
    if report.reporter_name:
        contact.name = report.reporter_name
        contact.role = report.reporter_role
        contact.phone = report.reporter_phone
        contact.email = report.reporter_email
        contact.preferred_contact = report.preferred_contact


# What showing or exporting a report reads, loaded with it in a few queries rather than one per report.
LOADED = (selectinload(Report.items), selectinload(Report.attachments), selectinload(Report.status_changes),
          selectinload(Report.cctv_changes))


class Refused(Exception):
    """A request about a report that was not carried out; ``message`` says why and what would work,
    ``code`` is for other tools (``not_found``, ``mistyped_reference``, ``unchanged`` ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def find(session: Session, reference: str, *, lock: bool = False) -> Report:
    """The submitted report with this reference (its row locked when ``lock``), or Refused saying what is wrong.

    A reference whose check character does not match is called mistyped, so the officer checks it.
    """
    canonical = normalise_reference(reference)
    if canonical is None:
        typed = mistyped_reference(reference)
        if typed is not None:
            raise Refused("mistyped_reference", f"No report with reference {typed}: it doesn't look right, "
                                                f"{reference_mistake(typed)}. The last character is a check "
                                                "character; references look like BW-7KQM-3XZ9 and never use 0, O, "
                                                "1 or I.")
        raise Refused("not_a_reference", f"No report with reference {reference!r}: references look like BW-7KQM-3XZ9.")
    query = select(Report).where(Report.reference == canonical).options(*LOADED)
    if lock:
        query = query.with_for_update(of=Report).execution_options(populate_existing=True)
    report = session.scalars(query).one_or_none()
    if report is None:
        raise Refused("not_found", f"No report with reference {canonical}.")
    return report


def with_status(session: Session, status: str = "submitted") -> list[Report]:
    """Reports in ``status`` (submitted, draft), or every report for "all", oldest first."""
    query = select(Report).options(*LOADED).order_by(Report.id)
    if status != "all":
        query = query.where(Report.status == status)
    return list(session.scalars(query))


def purge_drafts(session: Session, now: datetime, retention_days: int) -> int:
    """Delete drafts untouched for ``retention_days``: abandoned reports are not kept for ever."""
    cutoff = now - timedelta(days=retention_days)
    result = session.execute(delete(Report).where(Report.status == "draft", Report.updated_at < cutoff))
    return result.rowcount or 0
