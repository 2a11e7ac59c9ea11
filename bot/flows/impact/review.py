"""The last steps: the whole statement shown back to check or change, then the declaration.

The declaration is made by typing the point of contact's name; the words they agree to are the
words the document prints (``bot.statements.wording``).
"""

from __future__ import annotations

import re

from bot.flows.answers import normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt
from bot.messages import Button
from bot.reports.summary import money
from bot.statements import service
from bot.statements.dates import day
from bot.statements.sections import amount_text, described, has_content, sections_of, total
from bot.statements.wording import COVERS, ISB_DECLARATION, ISB_DECLARATION_PLAIN, SITES
from bot.storage.models import ImpactStatement

CONFIRM = re.compile(r"(confirm|confirmed|yes|y|yep|yeah|ok|okay|correct|all correct|looks good|that'?s right|"
                     r"go ahead|done|next|sign|sign it|declare|make it|that'?s fine|fine|all good)")


def summary_text(turn: Turn, statement: ImpactStatement) -> str:
    """The statement in a few lines, for the review (the document says the same at length)."""
    lines = [f"Reports: {', '.join(service.references(statement))}"]
    if statement.supplements_id is not None:
        original = statement.original
        made = day(original.declared_at, turn.tz) if original is not None and original.declared_at else "before"
        lines.append(f"Adds to: your statement made {made}")
    else:
        business = ", ".join(p for p in (statement.business_name, statement.business_address,
                                         statement.business_postcode) if p)
        lines.append(f"Business: {business or 'not given'}")
        who = ", ".join(p for p in (statement.contact_name, statement.contact_role) if p)
        lines.append(f"Point of contact: {who}, authorised to speak for the business")
        covers = COVERS.get(statement.covers or "", "not given")
        sites = SITES.get(statement.sites or "", "")
        if statement.sites_detail:
            sites += f" ({statement.sites_detail})"
        lines.append(f"Covers: {'; '.join(p for p in (covers, sites) if p)}")
        if statement.repeat_offending:
            lines.append(f"Repeat offending: {statement.repeat_offending}")
    for section in sections_of(statement):
        amount = amount_text(statement, section)
        name = f"{section.number}. {section.title}" if section.number else "What you add"
        lines.append(f"{name}: {described(statement, section)}{f' ({amount})' if amount else ''}")
    lines.append(f"Total stated: {money(total(statement))}")
    if statement.supplements_id is None:
        aloud = {True: "yes", False: "no", None: "not decided"}[statement.read_aloud]
        if statement.read_aloud and statement.read_aloud_by:
            aloud += f", by {statement.read_aloud_by}"
        lines.append(f"Read aloud in court: {aloud}")
    return "\n".join(lines)


def ask_review(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Here's your statement:\n\n" + summary_text(turn, statement) +
                  "\n\nSay 'confirm' to go on to the declaration, or 'change' and the part (for example 'change "
                  "indirect costs').", (Button("Confirm", "confirm"), Button("Change something", "change something")))


def answer_review(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    if not CONFIRM.fullmatch(normalise(text)):
        raise Invalid("Say 'confirm' to go on, or 'change' and the part to change.")
    if not has_content(statement):
        raise Invalid("There's nothing in the statement yet. Say 'change' and the part to add, for example "
                      "'change indirect costs'.")
    return None


def ask_declaration(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt(f"Declaration: \"{ISB_DECLARATION}\"\n{ISB_DECLARATION_PLAIN}\n\nOnce made, the statement can't be "
                  "changed, but you can add to it later. To make it, type your full name"
                  f"{f' ({statement.contact_name})' if statement.contact_name else ''}.")


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s'-]", " ", name.casefold()).split())


def answer_declaration(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    typed = text.strip(" .")
    if len(_name_key(typed)) < 2 or yes_no(typed) is not None or CONFIRM.fullmatch(normalise(typed)):
        raise Invalid("To make the declaration, please type your full name.")
    if statement.contact_name and _name_key(typed) != _name_key(statement.contact_name):
        change = " or say 'change point of contact'" if statement.supplements_id is None else ""
        raise Invalid(f"That isn't the name of the point of contact, {statement.contact_name}, who makes the "
                      f"statement. Please type their full name{change}.")
    statement.declared_name = truncate(typed, 200)
    return None
