"""Starting a statement: which report it is for (only the person's own), and whether one exists already.

It can start from the button at the end of a report (their latest report), from a reference
("impact statement for BW-7KQM-3XZ9") or on its own, when it asks which of their reports it is for.
A reference that is not one of theirs gets the same answer as one that does not exist.
"""

from __future__ import annotations

import re

from bot.crime_types import label
from bot.flows.answers import normalise, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.impact.common import NO_SUPPLEMENT, own
from bot.flows.questions import Answer, Prompt, mark_answered
from bot.messages import Button
from bot.statements import service
from bot.statements.dates import day, short_day
from bot.storage.models import ImpactStatement, Report
from nlu.reference import mistyped_reference, normalise_reference, reference_mistake

# The payload of the "Make an impact statement" button offered after a report: the report just sent.
OFFER = "impact statement for my last report"
LATEST = re.compile(r"\b(?:last|latest|most recent|newest|this|that)\s+(?:report|one)\b")
ASKS = re.compile(r"\b(?:(?:business |victim |supplementary )?impact statement|isb|statement of impact|"
                  r"impact on (?:the |my |our )?business statement|supplementary statement)\b")
CHOICES = 5


def asks_for_impact_statement(text: str) -> bool:
    """The words ask for an impact statement ("ISB", "impact statement for BW-...")."""
    return bool(ASKS.search(normalise(text)))


def introduction(turn: Turn) -> str:
    return ("An Impact Statement for Business tells the court how the crime has affected the business. It takes "
            "about 5 minutes. It can't say what sentence they should get: the court decides that. Say 'help', "
            f"'back' or '{turn.capabilities.cancel_word}' at any time.")


def not_found(reference: str) -> str:
    return (f"I can't find a report {reference} sent from this chat. An impact statement can only be made here "
            "for your own reports. If it was reported another way, the officer dealing with it can help.")


NO_REPORTS = ("An impact statement goes with a report, and I can't find any reports sent from this chat. You can "
              "report a crime here first, or ask the officer dealing with your case about a statement.")


def mistyped(reference: str) -> str:
    return (f"{reference} doesn't look right: {reference_mistake(reference)}. References look like "
            "BW-7KQM-3XZ9 and never use 0, O, 1 or I.")


def describe(turn: Turn, report: Report) -> str:
    """"BW-7KQM-3XZ9, shop theft, 21 Nov 2026": short enough for a button."""
    moment = report.occurred_at or report.submitted_at
    parts = (report.reference, label(report.crime_type), moment and short_day(moment, turn.tz))
    return ", ".join(p for p in parts if p)


def choose(turn: Turn, statement: ImpactStatement, report: Report) -> str:
    """Make the statement about ``report``; note a declared statement already made for it."""
    statement.report_id = report.id
    statement.report = report
    mark_answered(turn, "report")
    original = service.declared_original(turn.session, report)
    own(turn).original_id = original.id if original is not None else None
    return f"This is for your report {describe(turn, report)}."


def report_from_words(turn: Turn, text: str) -> Report | None:
    """The report the words name: a reference of theirs, or "my last report". Raises ``Invalid`` if not theirs."""
    reference = normalise_reference(text)
    if reference is not None:
        report = service.own_report(turn.session, turn.contact.id, reference)
        if report is None:
            raise Invalid(not_found(reference))
        return report
    typed = mistyped_reference(text)
    if typed is not None:
        raise Invalid(mistyped(typed))
    if LATEST.search(normalise(text)):
        latest = service.own_reports(turn.session, turn.contact.id, limit=1)
        return latest[0] if latest else None
    return None


def ask_report(turn: Turn, statement: ImpactStatement) -> Prompt:
    reports = service.own_reports(turn.session, turn.contact.id, limit=CHOICES)
    return Prompt("Which of your reports is the statement about? Pick one, or send its reference.",
                  tuple(Button(describe(turn, r), r.reference or "") for r in reports))


def answer_report(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    report = report_from_words(turn, text)
    if report is None:
        raise Invalid("I couldn't tell which report you mean.")
    return choose(turn, statement, report)


def offers_supplement(turn: Turn, statement: ImpactStatement) -> bool:
    progress = own(turn)
    return progress.original_id is not None and statement.supplements_id is None and progress.outcome is None


def ask_supplement(turn: Turn, statement: ImpactStatement) -> Prompt:
    original = turn.session.get(ImpactStatement, own(turn).original_id)
    made = day(original.declared_at, turn.tz) if original is not None and original.declared_at else "an earlier day"
    return Prompt(f"You made an Impact Statement for Business for this report on {made}. It can't be changed, "
                  "but you can add a supplementary statement, for example new costs or how things are now. "
                  "Would you like to add one?",
                  (Button("Add a supplementary statement", "yes"), Button("No thanks", "no")))


def answer_supplement(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    answer = yes_no(text)
    if answer is None and re.search(r"\b(add|supplementary)\b", normalise(text)):
        answer = True
    if answer is None:
        raise Invalid("Please say yes to add a supplementary statement, or no.")
    if answer is False:
        own(turn).outcome = NO_SUPPLEMENT
        return None
    original = turn.session.get(ImpactStatement, own(turn).original_id)
    if original is None:  # pragma: no cover - a declared statement is never deleted
        raise Invalid("I couldn't find that statement any more.")
    service.supplement(statement, original)
    return None
