"""The person reporting: name, role and contact in one answer, how to reach them, statement and court."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.answers import is_unknown, no_answer, normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, mark_answered
from bot.messages import Button
from bot.storage.models import Report
from nlu.extractors import find_emails, find_phone_numbers

ROLES = re.compile(
    r"\b(owner|co-?owner|proprietor|manager|store manager|shop manager|assistant manager|duty manager|area manager|"
    r"supervisor|team leader|director|partner|licensee|landlord|landlady|franchisee|cashier|shop assistant|"
    r"sales assistant|assistant|staff|employee|worker|security|security guard|keyholder|key holder|"
    r"member of staff|book ?keeper|accountant|office manager|receptionist|bar staff|barman|barmaid|chef|waiter|"
    r"waitress|attendant|forecourt attendant|driver|farmer)\b", re.IGNORECASE)
NAME_LEAD = re.compile(r"^(?:hi|hello)?[\s,]*(?:i'?m|i am|it'?s|this is|my name is|name'?s|name is|me)\s+", re.IGNORECASE)
ROLE_LEAD = re.compile(r"^(?:and\s+)?(?:i'?m|i am|i work as|working as|as)?\s*(?:the|a|an)?\s*", re.IGNORECASE)
PARTS = re.compile(r"\s*(?:,|;|\n|\s-\s|\band\b|\bof\b)\s*", re.IGNORECASE)
PREFERENCES = (("email", re.compile(r"\b(e-?mail(?: me)?|by e-?mail)\b", re.IGNORECASE)),
               ("text", re.compile(r"\b(text(?: me)?|by text|sms|message me|txt)\b", re.IGNORECASE)),
               ("call", re.compile(r"\b(call(?: me)?|ring(?: me)?|phone me|by phone)\b", re.IGNORECASE)))
CONTACT_WORDS = {"call": "a phone call", "text": "a text message", "email": "email"}
# Words that are about the details, never part of a name ("my number is now ...", "text").
NOT_NAME = re.compile(r"\b(my|our|is|are|was|now|new|number|phone|mobile|tel|email|e-?mail|address|contact|details|"
                      r"changed?|call|text|txt|ring|same)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Person:
    name: str | None
    role: str | None
    phone: str | None
    email: str | None
    preferred: str | None


def preference(text: str) -> str | None:
    words = normalise(text)
    for method, pattern in PREFERENCES:
        if pattern.search(words):
            return method
    return None


def read_person(text: str) -> Person:
    """"Priya Kumar, owner, 07700 900123, text me" -> name, role, phone, email and preference."""
    phones, emails = find_phone_numbers(text), find_emails(text)
    rest = text
    for span in sorted([*phones, *emails], key=lambda s: s.start, reverse=True):
        rest = rest[: span.start] + "," + rest[span.end:]
    preferred = preference(rest)
    for _, pattern in PREFERENCES:
        rest = pattern.sub(",", rest)
    rest = re.sub(r"[()\[\]]", ",", rest)
    name = role = None
    for part in (p.strip(" .") for p in PARTS.split(rest)):
        if not part:
            continue
        found_role = ROLES.search(part)
        if found_role and role is None:
            role = found_role.group(0).lower()
            before = part[: found_role.start()].strip()
            if before and name is None and not ROLE_LEAD.sub("", before).strip() == "":
                name = plausible_name(NAME_LEAD.sub("", before).strip(" ,"))
            continue
        if name is None:
            name = plausible_name(NAME_LEAD.sub("", part).strip(" ,"))
    return Person(truncate(name, 200) if name else None, truncate(role, 200) if role else None,
                  phones[0].value if phones else None, emails[0].value if emails else None, preferred)


def plausible_name(words: str) -> str | None:
    """``words`` if they could be someone's name; None for a stray "text", "no" or "my number is now"."""
    if not re.search(r"[^\W\d_]", words) or len(words.split()) > 6 or NOT_NAME.search(words):
        return None
    if yes_no(words) is not None or no_answer(words) is not None or preference(words) is not None:
        return None
    return words


def remembered_reporter(turn: Turn, report: Report) -> bool:
    return bool(turn.contact.name)


def ask_reporter_known(turn: Turn, report: Report) -> Prompt:
    c = turn.contact
    who = ", ".join(p for p in (c.name, c.role, c.phone, c.email) if p)
    return Prompt(f"Shall I use your details from last time: {who}?",
                  (Button("Yes", "yes"), Button("Change them", "change them")))


def answer_reporter_known(turn: Turn, report: Report, text: str) -> Answer:
    answer = yes_no(text)
    if answer is True:
        c = turn.contact
        report.reporter_name, report.reporter_role = c.name, c.role
        report.reporter_phone, report.reporter_email, report.preferred_contact = c.phone, c.email, c.preferred_contact
        mark_answered(turn, "reporter", "reporter_name", "reporter_contact", "preferred_contact")
        return None
    if answer is False or "change" in normalise(text):
        return None
    raise Invalid("Please say yes, or 'change them'.")


def ask_reporter(turn: Turn, report: Report) -> Prompt:
    return Prompt("Nearly done. What's your name and role, and a phone number or email the police can use? "
                  "For example 'Priya Kumar, owner, 07700 900123'.")


def answer_reporter(turn: Turn, report: Report, text: str) -> Answer:
    """Name, role and contact; a change that gives only some of them ("my number is now ...") keeps the rest."""
    person = read_person(text)
    if not any((person.name, person.role, person.phone, person.email)):
        raise Invalid("Sorry, I couldn't find a name or contact details in that.")
    if person.name and normalise(person.name) != normalise(report.reporter_name or ""):
        clear_reporter(report)  # someone else's details: nothing of the last person's is kept
    report.reporter_name = person.name or report.reporter_name
    report.reporter_role = person.role or report.reporter_role
    keep_contact(report, person)
    if person.preferred and (person.preferred != "email" or report.reporter_email):
        report.preferred_contact = person.preferred
    if report.preferred_contact is None and report.reporter_email and not report.reporter_phone:
        report.preferred_contact = "email"
    if report.reporter_name:
        mark_answered(turn, "reporter_name")
    if report.reporter_phone or report.reporter_email:
        mark_answered(turn, "reporter_contact")
    if report.preferred_contact:
        mark_answered(turn, "preferred_contact")
    return None


def keep_contact(report: Report, person: Person) -> None:
    """The phone and email ``person`` gives, each replacing only its own kind."""
    report.reporter_phone = person.phone or report.reporter_phone
    report.reporter_email = person.email or report.reporter_email


def clear_reporter(report: Report) -> None:
    report.reporter_name = report.reporter_role = report.reporter_phone = None
    report.reporter_email = report.preferred_contact = None


def ask_name(turn: Turn, report: Report) -> Prompt:
    return Prompt("And your name, please?")


def answer_name(turn: Turn, report: Report, text: str) -> Answer:
    name = plausible_name(NAME_LEAD.sub("", text.strip()).strip(" .,"))
    if name is None or len(name) < 2:
        raise Invalid("Please tell me your name, for example 'Priya'.")
    report.reporter_name = truncate(name, 200)
    return None


def ask_contact(turn: Turn, report: Report) -> Prompt:
    return Prompt("What phone number or email can the police use to reach you?")


def answer_contact(turn: Turn, report: Report, text: str) -> Answer:
    person = read_person(text)
    if not person.phone and not person.email:
        raise Invalid("I couldn't find a UK phone number or an email address in that. "
                      "For example 07700 900123 or name@yourshop.co.uk.")
    keep_contact(report, person)
    if person.preferred or not report.reporter_phone:
        report.preferred_contact = person.preferred or "email"
        mark_answered(turn, "preferred_contact")
    return None


def ask_preferred(turn: Turn, report: Report) -> Prompt:
    buttons = [Button("Phone call", "call"), Button("Text message", "text")]
    if report.reporter_email:
        buttons.append(Button("Email", "email"))
    named = ", ".join(b.title.lower() for b in buttons)
    return Prompt(f"How would you prefer to be contacted: {named}?", (*buttons, Button("Any is fine", "any")))


def answer_preferred(turn: Turn, report: Report, text: str) -> Answer:
    method = preference(text) or {"phone call": "call", "phone": "call", "text message": "text"}.get(normalise(text))
    if method is None:
        if re.search(r"\b(any|either|don'?t mind|whichever|all|both)\b", normalise(text)) or is_unknown(text):
            report.preferred_contact = None
            return "OK, any way is fine."
        options = "call, text or email" if report.reporter_email else "call or text"
        raise Invalid(f"Please pick {options}, or say 'any'.")
    if method == "email" and not report.reporter_email:
        raise Invalid("I don't have an email address for you. Say 'change your details' to add one.")
    report.preferred_contact = method
    return None


def ask_statement(turn: Turn, report: Report) -> Prompt:
    return Prompt("Would you be willing to give a witness statement, and to go to court if it came to that?",
                  (Button("Yes, both", "yes"), Button("Statement only", "statement only"), Button("No", "no"),
                   Button("Not sure", "not sure")))


def answer_statement(turn: Turn, report: Report, text: str) -> Answer:
    words = normalise(text)
    if re.search(r"\bstatement\b.*\b(only|not (?:to )?court|no court|but not)\b|\b(only|just) (?:a |the )?statement\b|"
                 r"\bnot (?:to )?court\b|\bno court\b", words):
        report.willing_to_give_statement, report.willing_to_attend_court = True, False
        return None
    answer = yes_no(text)
    if answer is None and re.search(r"\b(both|happy to|willing)\b", words):
        answer = True
    if answer is None:
        raise Invalid("Please say yes, no, 'statement only' or not sure.")
    report.willing_to_give_statement = report.willing_to_attend_court = answer
    return None


def clear_statement(report: Report) -> None:
    report.willing_to_give_statement = report.willing_to_attend_court = None
