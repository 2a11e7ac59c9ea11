""""What's happening with my report?" and "show my report": this person's own submitted reports.

Only reports made from the same channel address are described, so a reference alone (which
could be guessed or overheard) never reveals someone else's report. A reference with a wrong
check character is said to be mistyped rather than "not found", so the user checks it.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from bot.crime_types import label
from bot.flows.answers import normalise
from bot.flows.base import Turn
from bot.reports.summary import summary_text, when
from bot.storage.models import Report
from nlu.reference import mistyped_reference, normalise_reference

STATUS_WORDS = {"submitted": "received by the business crime team"}
LIMIT = 3
SHOW = re.compile(r"^(?:please\s+)?(?:show|see|view|send|copy|give)\s+(?:me\s+)?(?:my|the|a)?\s*(?:report|summary|"
                  r"details)\b|^(?:my\s+)?(?:report\s+)?summary$")


def describe(report: Report, turn: Turn) -> str:
    state = STATUS_WORDS.get(report.status, report.status)
    return (f"{report.reference}: {label(report.crime_type)}, sent {when(report.submitted_at, turn.tz)}. "
            f"It has been {state}; they'll contact you if they need more.")


def asks_to_see_report(text: str) -> bool:
    return bool(SHOW.search(normalise(text)))


def _own_reports(turn: Turn) -> Select[tuple[Report]]:
    return select(Report).where(Report.contact_id == turn.contact.id, Report.status != "draft")


def _mistyped(turn: Turn) -> bool:
    """Say so when the message holds a reference whose check character does not match."""
    typed = mistyped_reference(turn.text)
    if typed is None:
        return False
    turn.say(f"{typed} doesn't look right: one of its characters may be mistyped. References look like "
             "BW-7KQM-3XZ9 and never use 0, O, 1 or I. Please check it against the message you got when you "
             "reported, or say 'my reports' to see them.")
    return True


def report_status(turn: Turn) -> None:
    """Say where this person's reports stand (one by reference, or the latest few)."""
    reference = normalise_reference(turn.text)
    if reference is None and _mistyped(turn):
        return
    query = _own_reports(turn)
    if reference:
        report = turn.session.scalars(query.where(Report.reference == reference)).one_or_none()
        if report is None:
            turn.say(f"I can't find a report {reference} made from this chat. If it was made another way, "
                     "please call 101 and quote the reference.")
            return
        turn.say(describe(report, turn))
        return
    reports = turn.session.scalars(query.order_by(Report.submitted_at.desc()).limit(LIMIT)).all()
    if not reports:
        turn.say("I can't find any reports sent from this chat yet. If you reported another way, call 101 and "
                 "quote your reference.")
        return
    turn.say("\n\n".join(describe(report, turn) for report in reports))


def show_report(turn: Turn) -> None:
    """The whole of one of this person's reports (by reference, or their latest), to copy elsewhere."""
    reference = normalise_reference(turn.text)
    if reference is None and _mistyped(turn):
        return
    query = _own_reports(turn).options(selectinload(Report.items), selectinload(Report.attachments))
    query = query.where(Report.reference == reference) if reference else \
        query.order_by(Report.submitted_at.desc()).limit(1)
    report = turn.session.scalars(query).first()
    if report is None:
        turn.say("I can't find that report among the ones sent from this chat." if reference else
                 "I can't find any reports sent from this chat yet.")
        return
    turn.say(f"Report {report.reference}, sent {when(report.submitted_at, turn.tz)}:\n\n"
             f"{summary_text(report, turn.tz)}")
