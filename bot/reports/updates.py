"""Changing a report's police status, and telling the reporter in one short message.

``set_status`` checks the change, records it as a ``ReportStatusChange`` and queues the message
to the reporter in the outbox, all in the caller's transaction: the reporter is told if and only
if the change was recorded. The message is one GSM-7 text of at most two SMS segments, due at once
when urgent and otherwise at the next time outside quiet hours.

Idempotency keys: everything the service sends about a report has a key starting
``report:<report id>:`` (``report:<id>:status:<n>`` for the n-th status change), so the outbox
rows about one report are found by that prefix and one change can never be told twice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.advice.gsm7 import MULTI_GSM7, gsm7_length, is_gsm7, segments
from bot.config import Settings
from bot.crime_types import label
from bot.delivery.outbox import Purpose, from_body, queue
from bot.delivery.quiet_hours import arrival_time
from bot.evidence.cctv import report_closed
from bot.messages import Outbound
from bot.reports.service import Refused, find
from bot.reports.status import NEXT_STEP, Outcome, Status, current, update_words
from bot.storage.models import Contact, OutboxMessage, Report, ReportStatusChange

MAX_SEGMENTS = 2
# Police crime numbers differ by force (43/12345/26, 20BE/123456A/26, CRI-00123-26): letters, digits, / - . and spaces.
CRIME_NUMBER = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/ .-]{0,38}[A-Za-z0-9]$")
MAX_NAME = 100
# Typographic characters a word processor puts in, and their GSM-7 equivalents.
TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                            "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2013": "-",
                            "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2026": "...",
                            "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def key_prefix(report_id: int) -> str:
    """The start of every idempotency key of a message about this report."""
    return f"report:{report_id}:"


def status_key(report_id: int, seq: int) -> str:
    return f"{key_prefix(report_id)}status:{seq}"


@dataclass(frozen=True)
class Change:
    """What the officer asked for (texts as typed; ``set_status`` checks and tidies them)."""

    status: Status
    by: str
    note: str | None = None
    crime_number: str | None = None
    officer: str | None = None
    outcome: Outcome | None = None
    urgent: bool = False


@dataclass(frozen=True)
class Recorded:
    report: Report
    change: ReportStatusChange
    text: str  # the message for the reporter (queued unless change.told says otherwise)


def plain_text(text: str | None, what: str) -> str | None:
    """``text`` on one line in GSM-7: curly quotes and dashes straightened, accents dropped where GSM-7
    has no such letter; None when empty. Refused if something no text message can carry remains (emoji)."""
    if text is None:
        return None
    text = " ".join(text.translate(TYPOGRAPHY).split())
    kept: list[str] = []
    refused: list[str] = []
    for char in text:
        if is_gsm7(char):
            kept.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base and is_gsm7(base):
            kept.append(base)
        elif char not in refused:
            refused.append(char)
    if refused:
        raise Refused("not_gsm7", f"The {what} has characters a text message cannot carry: {' '.join(refused)} "
                                  "Please leave them out.")
    return "".join(kept) or None


def notice_text(report: Report, change: ReportStatusChange, tz: ZoneInfo) -> str:
    """The message telling the reporter: which report, what changed, what happens next, the officer's note."""
    sent = report.submitted_at.astimezone(tz) if report.submitted_at else None
    when = f", sent {sent.day} {sent:%b}" if sent else ""
    text = (f"Update on your report {report.reference} ({label(report.crime_type)}{when}): "
            f"{update_words(change)}. {NEXT_STEP[Status(change.status)]}")
    return f"{text} Note: {change.note}" if change.note else text


def _checked(change: Change) -> Change:
    """The change with its texts tidied, or Refused naming what is missing or wrong."""
    crime_number = " ".join((change.crime_number or "").split()) or None
    if crime_number is not None and not CRIME_NUMBER.match(crime_number):
        raise Refused("invalid", f"{crime_number!r} doesn't look like a crime number: it should be letters, digits "
                                 "and / or -, like 43/12345/26, at most 40 characters.")
    if change.status is Status.CRIME_REFERENCE_ISSUED and crime_number is None:
        raise Refused("invalid", "A crime reference needs the crime number: add --crime-number, e.g. 43/12345/26.")
    if change.status is Status.CLOSED and change.outcome is None:
        raise Refused("invalid", "Closing a report needs an outcome: add --outcome (" +
                      ", ".join(o.value for o in Outcome) + ").")
    if change.outcome is not None and change.status is not Status.CLOSED:
        raise Refused("invalid", "An outcome only goes with the status closed.")
    note = plain_text(change.note, "note")
    if change.outcome is Outcome.OTHER and note is None:
        raise Refused("invalid", "With the outcome 'other', say what it was in --note (the reporter reads it).")
    officer = plain_text(change.officer, "officer's name")
    by = " ".join(change.by.split())
    for name, value in (("officer's name", officer), ("--by name", by)):
        if value is not None and len(value) > MAX_NAME:
            raise Refused("invalid", f"The {name} is longer than {MAX_NAME} characters.")
    return Change(status=change.status, by=by or "unknown", note=note, crime_number=crime_number, officer=officer,
                  outcome=change.outcome, urgent=change.urgent)


def _refuse_if_unchanged(report: Report, change: Change, tz: ZoneInfo) -> None:
    """The same status again with nothing new is not a second update (a re-run command, a double click)."""
    now = current(report)
    if now.status is not change.status:
        return
    last = now.last
    news = [change.note is not None and (last is None or change.note != last.note),
            change.crime_number is not None and change.crime_number != now.crime_number,
            change.officer is not None and change.officer != now.officer,
            change.outcome is not None and change.outcome is not now.outcome]
    if any(news):
        return
    local = now.since.astimezone(tz) if now.since else None
    since = f" since {local.day} {local:%b %H:%M}" if local else ""
    raise Refused("unchanged", f"{report.reference} is already {change.status.label}{since}. Nothing was changed and "
                               "the reporter was not told again. To send news with the same status, add a --note.")


def _reason_not_told(contact: Contact | None) -> str | None:
    if contact is None:
        return "no_contact"
    if contact.opted_out_at is not None:
        return "opted_out"
    if contact.unreachable_at is not None:
        return "unreachable"
    return None


def set_status(session: Session, reference: str, change: Change, now: datetime, settings: Settings) -> Recorded:
    """Record ``change`` on the report and queue the message telling the reporter (same transaction).

    The report row is locked first, so two officers changing one report take turns and the second
    sees the first's change; ``(report_id, seq)`` is unique as the last guard.
    """
    tz = ZoneInfo(settings.timezone)
    change = _checked(change)
    report = find(session, reference, lock=True)
    _refuse_if_unchanged(report, change, tz)
    seq = report.status_changes[-1].seq + 1 if report.status_changes else 1
    row = ReportStatusChange(seq=seq, status=change.status.value, at=now, note=change.note,
                             crime_number=change.crime_number, officer=change.officer,
                             outcome=change.outcome.value if change.outcome else None, changed_by=change.by,
                             urgent=change.urgent, told="message")
    text = notice_text(report, row, tz)
    if segments(text) > MAX_SEGMENTS:
        over = gsm7_length(text) - MAX_SEGMENTS * MULTI_GSM7
        raise Refused("too_long", f"The message to the reporter would be {gsm7_length(text)} characters, more than "
                                  f"two text messages. Please shorten the note by about {over} characters.")
    contact = session.get(Contact, report.contact_id) if report.contact_id is not None else None
    reason = _reason_not_told(contact)
    if contact is None or reason is not None:
        row.told, row.not_told_reason = "not_told", reason
    else:
        row.notice_key = status_key(report.id, seq)
        row.notice_due_at = arrival_time(now, urgent=change.urgent, purpose=Purpose.STATUS.value,
                                         settings=settings).astimezone(timezone.utc)
        queue(session, channel=contact.channel, address=contact.address, key=row.notice_key, purpose=Purpose.STATUS,
              messages=[Outbound(text)], now=now, due_at=row.notice_due_at, urgent=change.urgent)
    report.status_changes.append(row)
    if change.status is Status.CLOSED:
        report_closed(session, report, now)  # no longer waiting for its CCTV
    session.flush()
    return Recorded(report=report, change=row, text=text)


def messages_about(session: Session, report: Report) -> list[OutboxMessage]:
    """Every message sent or due about this report (status updates, reminders), oldest first."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.startswith(key_prefix(report.id), autoescape=True),
    ).order_by(OutboxMessage.created_at, OutboxMessage.id)))


def message_entry(message: OutboxMessage, tz: ZoneInfo) -> dict[str, Any]:
    """One outbox row as JSON for officers: what it said, when it is due, and how far it got."""

    def iso(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value is not None else None

    return {"key": message.idempotency_key, "purpose": message.purpose, "channel": message.channel,
            "status": message.status, "urgent": message.urgent, "due_at": iso(message.due_at),
            "sent_at": iso(message.sent_at), "delivered_at": iso(message.delivered_at),
            "attempts": message.attempts, "error_code": message.error_code, "hold_reason": message.hold_reason,
            "text": "\n\n".join(m.text for m in from_body(message.body))}
