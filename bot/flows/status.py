""""What's happening with my report?": the state of this person's own submitted reports.

Only reports made from the same channel address are described, so a reference alone (which
could be guessed or overheard) never reveals someone else's report.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.crime_types import label
from bot.flows.base import Turn
from bot.reports.summary import when
from bot.storage.models import Report
from nlu.reference import normalise_reference

STATUS_WORDS = {"submitted": "received by the business crime team"}
LIMIT = 3


def describe(report: Report, turn: Turn) -> str:
    state = STATUS_WORDS.get(report.status, report.status)
    return (f"{report.reference}: {label(report.crime_type)}, sent {when(report.submitted_at, turn.tz)}. "
            f"It has been {state}; they'll contact you if they need more.")


def report_status(turn: Turn) -> None:
    """Say where this person's reports stand (one by reference, or the latest few)."""
    query = select(Report).where(Report.contact_id == turn.contact.id, Report.status != "draft")
    reference = normalise_reference(turn.text)
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
