"""What the statement covers: this report, several of the person's reports, or the same offender again
and again; one site, several, or the whole business.

Other reports are linked only when they are the person's own: a reference of anyone else's is
refused exactly as one that does not exist.
"""

from __future__ import annotations

import re

from bot.flows.answers import normalise
from bot.flows.base import Invalid, Turn
from bot.flows.impact.opening import describe, mistyped, not_found
from bot.flows.questions import Answer, Prompt
from bot.flows.report.common import text_answer
from bot.messages import Button
from bot.statements import service
from bot.storage.models import ImpactStatement, Report
from nlu.reference import REFERENCE_PATTERN, mistyped_reference, normalise_reference

# Checked in order: "only the same man, again and again" is repeat offending, not "only this report".
COVERS = (("repeat_offender", re.compile(r"\b(same (?:person|offender|man|woman|lad|lads|people|gang|group|one|ones)"
                                         r"|repeat(?:ed|edly)?|again|keeps? coming|regular(?:ly)?"
                                         r"|every (?:day|week))\b")),
          ("several_reports", re.compile(r"\b(several|multiple|more than one|other reports?|others|all (?:my|of|the)|"
                                         r"few|some of|both)\b")),
          ("this_report", re.compile(r"\b(this|just|only|one)\b")))
SITES = (("whole", re.compile(r"\b(whole|all|entire|every)\b")),
         ("several", re.compile(r"\b(several|multiple|more than one|two|three|both|some|few|branches|shops|stores|"
                                r"sites)\b")),
         ("one", re.compile(r"\b(one|single|just|only|this|the shop|the store|1)\b")))
ALL = re.compile(r"^(?:all|all of them|all my reports|all my other reports|every one|everything|them all)$")


def _other_reports(turn: Turn, statement: ImpactStatement) -> list[Report]:
    return [r for r in service.own_reports(turn.session, turn.contact.id) if r.id != statement.report_id]


def ask_covers(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("What does the statement cover?",
                  (Button("Just this report", "just this report"), Button("Several of my reports", "several reports"),
                   Button("The same offender, again and again", "the same offender repeatedly")))


def answer_covers(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    words = normalise(text)
    covers = next((code for code, pattern in COVERS if pattern.search(words)), None)
    if covers is None:
        raise Invalid("Please pick one of these.")
    # A new answer starts the scope afresh: the other reports and the repeat offending are asked again.
    statement.covers, statement.covered, statement.repeat_offending = covers, [], None
    if covers == "several_reports" and not _other_reports(turn, statement):
        statement.covers = "this_report"
        return "You have only this one report here, so the statement covers this report."
    return None


def covers_several(turn: Turn, statement: ImpactStatement) -> bool:
    return statement.covers == "several_reports"


def ask_covered(turn: Turn, statement: ImpactStatement) -> Prompt:
    others = _other_reports(turn, statement)[:8]
    listed = "\n".join(describe(turn, r) for r in others)
    return Prompt(f"Which other reports should it cover? Send their references, or say 'all'.\n{listed}",
                  (Button("All of them", "all"),))


def answer_covered(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    if ALL.match(normalise(text)):
        statement.covered = _other_reports(turn, statement)
        return f"Noted: {len(statement.covered)} other report{'s' if len(statement.covered) != 1 else ''}."
    found = linked_reports(turn, statement, text, strict=True)
    if not found:
        raise Invalid("I couldn't find a reference in that. They look like BW-7KQM-3XZ9.")
    statement.covered = found
    return f"Noted: {', '.join(r.reference or '' for r in found)}."


def linked_reports(turn: Turn, statement: ImpactStatement, text: str, strict: bool) -> list[Report]:
    """The person's own reports named in ``text``; ``strict`` refuses the lot if any is not theirs."""
    found: list[Report] = []
    for match in REFERENCE_PATTERN.finditer(text):
        reference = normalise_reference(match.group(0))
        if reference is None:
            if strict:
                raise Invalid(mistyped(mistyped_reference(match.group(0)) or match.group(0)))
            continue
        report = service.own_report(turn.session, turn.contact.id, reference)
        if report is None:
            if strict:
                raise Invalid(f"{not_found(reference)} Send the references again, or say 'all'.")
            continue
        if report.id != statement.report_id and report not in found:
            found.append(report)
    return found


def covers_repeat(turn: Turn, statement: ImpactStatement) -> bool:
    return statement.covers == "repeat_offender"


def ask_repeat(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Tell me about the repeat offending: roughly how many times, over what period, and any other "
                  "report references. For example 'the same man, about 12 times since June'.")


def answer_repeat(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    statement.repeat_offending = text_answer(text, minimum=3)
    linked = linked_reports(turn, statement, text, strict=False)
    if linked:
        statement.covered = linked
        return f"Noted, with your reports {', '.join(r.reference or '' for r in linked)}."
    return None


def ask_sites(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Does it cover one site, several sites, or the whole business?",
                  (Button("One site", "one site"), Button("Several sites", "several sites"),
                   Button("The whole business", "the whole business")))


def answer_sites(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    words = normalise(text)
    sites = next((code for code, pattern in SITES if pattern.search(words)), None)
    if sites is None:
        raise Invalid("Please say one site, several sites, or the whole business.")
    statement.sites = sites
    return None


def several_sites(turn: Turn, statement: ImpactStatement) -> bool:
    return statement.sites == "several"


def ask_sites_detail(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Which sites? For example 'High Street and Park Road shops'.")


def answer_sites_detail(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    statement.sites_detail = text_answer(text)
    return None


def clear_sites_detail(statement: ImpactStatement) -> None:
    statement.sites_detail = None
