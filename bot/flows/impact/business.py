"""Who the statement is from: the business, its named point of contact, and their authority to speak for it.

The report usually knows the business and the person who reported, so each is offered for a yes.
Staff who cannot speak for the business make their own Victim Personal Statement instead.
"""

from __future__ import annotations

from bot.flows.answers import is_unknown, normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.impact.common import NOT_AUTHORISED, own
from bot.flows.questions import Answer, Prompt, mark_answered
from bot.flows.report.reporter import read_person
from bot.flows.report.where import read_place
from bot.messages import Button
from bot.storage.models import ImpactStatement

NOT_AUTHORISED_TEXT = (
    "Thank you for wanting to help. An Impact Statement for Business has to come from someone who can speak "
    "for the business, such as the owner, a director or a manager, so please ask them to make it. If it has "
    "affected you, you can make your own Victim Personal Statement: the officer dealing with the report can "
    "take it. I haven't kept any of this statement.")


def _place(statement: ImpactStatement) -> str:
    report = statement.report
    return ", ".join(p for p in (report.business_name, report.business_address, report.business_postcode) if p) \
        if report is not None else ""


def report_names_business(turn: Turn, statement: ImpactStatement) -> bool:
    return statement.report is not None and bool(statement.report.business_name)


def ask_business_known(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt(f"Is the statement for {_place(statement)}?",
                  (Button("Yes", "yes"), Button("A different name", "different")))


def answer_business_known(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    answer = yes_no(text)
    if answer is True:
        report = statement.report
        statement.business_name, statement.business_address = report.business_name, report.business_address
        statement.business_postcode = report.business_postcode
        mark_answered(turn, "business")
        return None
    if answer is False or any(word in normalise(text) for word in ("different", "other", "another", "else")):
        return None
    raise Invalid("Please say yes, or 'a different name'.")


def ask_business(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Which business is the statement for? Its name and address, for example 'Kumar Retail Ltd, "
                  "12 High Street, Walsall WS1 1QL'.")


def answer_business(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    place = read_place(text)
    if not (place.name or place.address):
        raise Invalid("Could you tell me the name of the business?")
    statement.business_name = place.name or place.address
    statement.business_address = place.address if place.name else None
    statement.business_postcode = place.postcode
    return None


def report_names_reporter(turn: Turn, statement: ImpactStatement) -> bool:
    return statement.report is not None and bool(statement.report.reporter_name)


def ask_contact_known(turn: Turn, statement: ImpactStatement) -> Prompt:
    report = statement.report
    who = f"{report.reporter_name} ({report.reporter_role})" if report.reporter_role else report.reporter_name
    return Prompt(f"The statement is made through a named point of contact for the business. Is that you, {who}?",
                  (Button("Yes, me", "yes"), Button("Someone else", "someone else")))


def answer_contact_known(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    answer = yes_no(text)
    if answer is True:
        report = statement.report
        statement.contact_name, statement.contact_role = report.reporter_name, report.reporter_role
        mark_answered(turn, "contact", *(("contact_role",) if report.reporter_role else ()))
        return None
    if answer is False or any(word in normalise(text) for word in ("someone", "else", "other", "different")):
        return None
    raise Invalid("Please say yes, or 'someone else'.")


def ask_contact(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Who is the named point of contact for the business? Their name and role, for example "
                  "'Priya Kumar, owner'.")


def answer_contact(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    person = read_person(text)
    if not person.name:
        raise Invalid("Sorry, I couldn't find a name in that.")
    statement.contact_name, statement.contact_role = person.name, person.role
    if person.role:
        mark_answered(turn, "contact_role")
    return None


def role_missing(turn: Turn, statement: ImpactStatement) -> bool:
    return bool(statement.contact_name) and not statement.contact_role


def ask_contact_role(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt(f"And what is {statement.contact_name}'s role in the business? For example owner, director or "
                  "manager.")


def answer_contact_role(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    role = normalise(text)
    if len(role) < 2 or yes_no(text) is not None:
        raise Invalid("Please tell me their role, for example owner or manager.")
    statement.contact_role = truncate(text.strip(" ."), 200)
    return None


def ask_authorised(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt(f"Is {statement.contact_name} authorised to speak for the business, for example as its owner, "
                  "a director or a manager?",
                  (Button("Yes", "yes"), Button("No", "no"), Button("Not sure", "not sure")))


def answer_authorised(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    answer = yes_no(text)
    if answer is True:
        statement.authorised = True
        return None
    if answer is False or is_unknown(text):
        own(turn).outcome = NOT_AUTHORISED
        return None
    raise Invalid("Please say yes, no or not sure.")
