"""Where the police are with a report: the statuses, the closing outcomes, their plain words, and quiet hours.

A report that has been sent is "received"; an officer then moves it on with
``bizwatch reports set-status`` (see ``bot.reports.updates``). Every change is a
``ReportStatusChange`` row, and the current status is simply the latest one. The words here are
used both in the message that tells the reporter and when they ask "what's happening with my
report?", so the two always say the same thing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, select

from bot.storage.models import Report, ReportStatusChange


class Status(str, Enum):
    """The police statuses of a report, in the order they usually come (any order is allowed)."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    CRIME_REFERENCE_ISSUED = "crime_reference_issued"
    OFFICER_ASSIGNED = "officer_assigned"
    EVIDENCE_RECEIVED = "evidence_received"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """"crime reference issued": the code in words, for lists and officers."""
        return self.value.replace("_", " ")


class Outcome(str, Enum):
    """Why a report was closed: a small fixed list (the officer's note adds the detail)."""

    CHARGED = "charged"
    CAUTIONED = "cautioned"
    COMMUNITY_RESOLUTION = "community_resolution"
    NO_SUSPECT = "no_suspect"
    NOT_ENOUGH_EVIDENCE = "not_enough_evidence"
    REFERRED = "referred"
    AT_YOUR_REQUEST = "at_your_request"
    OTHER = "other"


# Why it was closed, as the reporter reads it after "it was closed. Outcome: " (GSM-7, no full stop).
OUTCOME_WORDS = {
    Outcome.CHARGED: "someone has been charged",
    Outcome.CAUTIONED: "the offender has been cautioned",
    Outcome.COMMUNITY_RESOLUTION: "it was settled by a community resolution",
    Outcome.NO_SUSPECT: "no suspect could be identified",
    Outcome.NOT_ENOUGH_EVIDENCE: "there was not enough evidence to take it further",
    Outcome.REFERRED: "it was passed to another organisation",
    Outcome.AT_YOUR_REQUEST: "closed at your request, with no further action",
    Outcome.OTHER: "see the note",
}
# What happens next, one sentence after the update: every message leads somewhere.
NEXT_STEP = {
    Status.RECEIVED: "They will contact you if they need more.",
    Status.UNDER_REVIEW: "They will contact you if they need more.",
    Status.CRIME_REFERENCE_ISSUED: "Quote it to your insurer and if you call 101.",
    Status.OFFICER_ASSIGNED: "They will contact you if they need more.",
    Status.EVIDENCE_RECEIVED: "Thank you for sending it.",
    Status.CLOSED: "Thank you for reporting it. If anything else happens, just message us.",
}
NOT_TOLD_WORDS = {
    "no_contact": "their chat details are no longer kept",
    "opted_out": "they have opted out of messages",
    "unreachable": "their channel can no longer reach them",
}


def _code(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", text.strip().lower())


class UnknownChoice(ValueError):
    """A status or outcome that is not on the list; the message names the list (and the likely one)."""


def _choose(text: str, choices: type[Enum], what: str) -> Any:
    typed = _code(text)
    codes = [c.value for c in choices]
    # The code itself, else the one code it begins ("crime"), else the one with these words in it ("review").
    for matches in ([c for c in codes if c == typed], [c for c in codes if typed and c.startswith(typed)],
                    [c for c in codes if typed and f"_{typed}" in f"_{c}"]):
        if len(matches) == 1:
            return choices(matches[0])
    near = difflib.get_close_matches(typed, codes, n=1, cutoff=0.6)
    hint = f" Did you mean {near[0]}?" if near else ""
    raise UnknownChoice(f"Unknown {what} {text!r}.{hint} Choose one of: {', '.join(codes)}.")


def parse_status(text: str) -> Status:
    """``under review``, ``Under-Review``, ``crime``, ``review`` (unambiguous words) -> the status; else UnknownChoice."""
    return _choose(text, Status, "status")


def parse_outcome(text: str) -> Outcome:
    return _choose(text, Outcome, "outcome")


@dataclass(frozen=True)
class Current:
    """Where a report stands now, with the facts gathered along the way (the latest crime number)."""

    status: Status | None
    since: datetime | None
    crime_number: str | None
    officer: str | None
    outcome: Outcome | None
    last: ReportStatusChange | None


def current(report: Report) -> Current:
    """The latest change, and the latest crime number and officer given in any change.

    A submitted report with no rows (made before the history existed, or inserted by hand) is received.
    """
    changes = report.status_changes
    if not changes:
        received = report.status == "submitted"
        return Current(Status.RECEIVED if received else None, report.submitted_at if received else None,
                       None, None, None, None)
    last = changes[-1]
    status = Status(last.status)
    return Current(
        status=status, since=last.at,
        crime_number=next((c.crime_number for c in reversed(changes) if c.crime_number), None),
        officer=next((c.officer for c in reversed(changes) if c.officer), None),
        outcome=Outcome(last.outcome) if status is Status.CLOSED and last.outcome else None,
        last=last,
    )


def update_words(change: ReportStatusChange) -> str:
    """"a crime reference was issued, 43/12345/26": one change in the reporter's words (no full stop)."""
    status = Status(change.status)
    if status is Status.RECEIVED:
        return "received by the business crime team"
    if status is Status.UNDER_REVIEW:
        return "the police are reviewing it"
    if status is Status.CRIME_REFERENCE_ISSUED:
        return f"a crime reference was issued, {change.crime_number}"
    if status is Status.OFFICER_ASSIGNED:
        return f"an officer was assigned, {change.officer}" if change.officer else "an officer was assigned"
    if status is Status.EVIDENCE_RECEIVED:
        return "the police received your evidence"
    outcome = Outcome(change.outcome) if change.outcome else Outcome.OTHER
    return "it was closed" if outcome is Outcome.OTHER else f"it was closed. Outcome: {OUTCOME_WORDS[outcome]}"


def history_entry(change: ReportStatusChange, tz: ZoneInfo) -> dict[str, Any]:
    """One change as JSON (export, ``reports show``, ``set-status --format json``)."""
    told: dict[str, Any] = {"how": change.told}
    if change.told == "message":
        told.update(key=change.notice_key, due_at=_iso(change.notice_due_at, tz))
    elif change.told == "not_told":
        told.update(reason=change.not_told_reason)
    return {
        "n": change.seq, "status": change.status, "at": _iso(change.at, tz), "note": change.note,
        "crime_number": change.crime_number, "officer": change.officer, "outcome": change.outcome,
        "by": change.changed_by, "urgent": change.urgent, "reporter_told": told,
    }


def police_dict(report: Report, tz: ZoneInfo) -> dict[str, Any]:
    """The current police status as JSON (export key ``police``; null fields for a draft)."""
    now = current(report)
    return {"status": now.status.value if now.status else None, "since": _iso(now.since, tz),
            "crime_number": now.crime_number, "officer": now.officer,
            "outcome": now.outcome.value if now.outcome else None}


def _iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value is not None else None


def still_open() -> ColumnElement[bool]:
    """A query condition: the report's latest police status is not "closed" (for choosing open reports)."""
    latest = select(func.max(ReportStatusChange.seq)).where(ReportStatusChange.report_id == Report.id) \
        .correlate(Report).scalar_subquery()
    return ~exists().where(ReportStatusChange.report_id == Report.id, ReportStatusChange.seq == latest,
                           ReportStatusChange.status == Status.CLOSED.value)
