""""What's happening with my report?" and "show my report": this person's own submitted reports.

Only reports made from the same channel address are described, so a reference alone (which
could be guessed or overheard) never reveals someone else's report. A reference with a wrong
check character is said to be mistyped rather than "not found", so the user checks it.
The latest few reports are listed with their police status and last update; one asked for by
reference shows its history, in the same words as the messages that told them of each change.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from bot.crime_types import label
from bot.flows.answers import normalise
from bot.flows.base import Turn
from bot.reports.service import LOADED
from bot.reports.status import Status, current, update_words
from bot.reports.summary import short_day, summary_text, when
from bot.storage.models import Report, ReportStatusChange
from nlu.reference import mistyped_reference, normalise_reference, reference_mistake

LIMIT = 3
HISTORY_SHOWN = 5
NO_UPDATE = "It has been received by the business crime team; no update yet. They'll contact you if they need more."
SHOW = re.compile(r"^(?:please\s+)?(?:show|see|view|send|copy|give)\s+(?:me\s+)?(?:my|the|a)?\s*(?:report|summary|"
                  r"details)\b|^(?:my\s+)?(?:report\s+)?summary$")


def _headline(report: Report, turn: Turn) -> str:
    return f"{report.reference}: {label(report.crime_type)}, sent {short_day(report.submitted_at, turn.now, turn.tz)}."


def _update(change: ReportStatusChange, turn: Turn) -> str:
    """"2 Dec: a crime reference was issued, 43/12345/26." (with the officer's note when there is one)."""
    day = short_day(change.at, turn.now, turn.tz)
    note = f" Note: {change.note}" if change.note else ""
    return f"{day[0].upper()}{day[1:]}: {update_words(change)}.{note}"


def latest(report: Report, turn: Turn) -> str:
    """The latest news on a report (with its crime number kept in view), or that there is none yet."""
    now = current(report)
    if now.last is None or now.status is Status.RECEIVED:
        return NO_UPDATE
    text = f"Update {short_day(now.last.at, turn.now, turn.tz)}: {update_words(now.last)}."
    if now.crime_number and now.last.crime_number != now.crime_number:
        text += f" Crime reference {now.crime_number}."
    return text


def describe(report: Report, turn: Turn) -> str:
    """One report in a line or two: what, when it was sent, and the latest news."""
    return f"{_headline(report, turn)} {latest(report, turn)}"


def history(report: Report, turn: Turn) -> str:
    """One of their reports with its changes, the latest few, oldest first."""
    changes = report.status_changes
    lines = [_headline(report, turn)]
    if len(changes) > HISTORY_SHOWN:
        earlier = len(changes) - HISTORY_SHOWN
        lines.append(f"({earlier} earlier update{'s' if earlier > 1 else ''})")
    lines += [_update(change, turn) for change in changes[-HISTORY_SHOWN:]]
    if current(report).status is Status.RECEIVED:
        lines.append("No update yet. They'll contact you if they need more.")
    return "\n".join(lines)


def asks_to_see_report(text: str) -> bool:
    return bool(SHOW.search(normalise(text)))


def _own_reports(turn: Turn) -> Select[tuple[Report]]:
    return select(Report).where(Report.contact_id == turn.contact.id, Report.status != "draft").options(
        selectinload(Report.status_changes))


def _mistyped(turn: Turn) -> bool:
    """Say so when the message holds a reference with a wrong character or length, and why."""
    typed = mistyped_reference(turn.text)
    if typed is None:
        return False
    turn.say(f"{typed} doesn't look right: {reference_mistake(typed)}. References look like "
             "BW-7KQM-3XZ9 and never use 0, O, 1 or I. Please check it against the message you got when you "
             "reported, or say 'my reports' to see them.")
    return True


def report_status(turn: Turn) -> None:
    """Say where this person's reports stand (one by reference with its history, or the latest few)."""
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
        turn.say(history(report, turn))
        return
    reports = turn.session.scalars(query.order_by(Report.submitted_at.desc(), Report.id.desc())).all()
    if not reports:
        turn.say("I can't find any reports sent from this chat yet. If you reported another way, call 101 and "
                 "quote your reference.")
        return
    text = "\n\n".join(describe(report, turn) for report in reports[:LIMIT])
    if len(reports) > LIMIT:
        text += f"\n\nThose are your latest {LIMIT} of {len(reports)}. Send a reference to see any report's updates."
    elif len(reports) > 1 or current(reports[0]).status is not Status.RECEIVED:
        text += "\n\nSend a reference to see all the updates on a report."
    turn.say(text)


def show_report(turn: Turn) -> None:
    """The whole of one of this person's reports (by reference, or their latest), to copy elsewhere."""
    reference = normalise_reference(turn.text)
    if reference is None and _mistyped(turn):
        return
    query = _own_reports(turn).options(*LOADED)
    query = query.where(Report.reference == reference) if reference else \
        query.order_by(Report.submitted_at.desc()).limit(1)
    report = turn.session.scalars(query).first()
    if report is None:
        turn.say("I can't find that report among the ones sent from this chat." if reference else
                 "I can't find any reports sent from this chat yet.")
        return
    turn.say(f"Report {report.reference}, sent {when(report.submitted_at, turn.tz)}:\n\n"
             f"{summary_text(report, turn.tz)}\n\n{latest(report, turn)}")
