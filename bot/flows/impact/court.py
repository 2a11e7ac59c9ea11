"""Whether the business would like the statement read aloud in court, and by whom if they say."""

from __future__ import annotations

import re

from bot.flows.answers import normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, mark_answered
from bot.messages import Button
from bot.storage.models import ImpactStatement

READER = re.compile(r"\b(me|myself|i'?ll|i will|prosecutor|cps|lawyer|barrister|solicitor|officer|police|manager|"
                    r"owner|director|colleague|someone|somebody|partner)\b")
SELF = re.compile(r"^(?:by )?(?:me|myself|i'?ll (?:read it|do it)|i will(?: read it| do it)?|i'?d like to|i can|"
                  r"i'?ll|i)$")
YES_LEAD = re.compile(r"^(?:yes|yeah|yep|yup|y|ok|okay|sure|please)(?: please)?[\s,.:;-]*(?:by\s+|read by\s+)?")


def ask_read_aloud(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("If the case goes to court, would you like the statement read aloud there? You can say who you'd "
                  "like to read it, for example 'yes, me' or 'yes, the prosecutor'.",
                  (Button("Yes", "yes"), Button("No", "no"), Button("Not sure", "not sure")))


def reader(statement: ImpactStatement, words: str) -> str | None:
    """Who should read it, from "me", "the prosecutor", "our manager Sam"; None if not said."""
    words = words.strip(" ,.")
    if not words:
        return None
    if SELF.match(words):
        return f"{statement.contact_name} (the point of contact)" if statement.contact_name else "the point of contact"
    return truncate(words, 200)


def answer_read_aloud(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    words = normalise(text)
    answer = yes_no(text)
    if answer is False:
        statement.read_aloud, statement.read_aloud_by = False, None
        mark_answered(turn, "read_aloud_by")
        return "OK, not read aloud."
    if answer is None and not READER.search(words):
        raise Invalid("Please say yes, no or not sure.")
    statement.read_aloud = True
    statement.read_aloud_by = reader(statement, YES_LEAD.sub("", words))
    if statement.read_aloud_by:
        mark_answered(turn, "read_aloud_by")
    return None


def clear_read_aloud(statement: ImpactStatement) -> None:
    statement.read_aloud = statement.read_aloud_by = None


def reader_unknown(turn: Turn, statement: ImpactStatement) -> bool:
    return statement.read_aloud is True and not statement.read_aloud_by


def ask_reader(turn: Turn, statement: ImpactStatement) -> Prompt:
    return Prompt("Who would you like to read it? For example 'me', 'our manager Sam Patel' or 'the prosecutor'. "
                  "Or say 'skip'.", (Button("Me", "me"), Button("The prosecutor", "the prosecutor"),
                                     Button("Skip", "skip")))


def answer_reader(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
    who = reader(statement, normalise(text))
    if who is None or yes_no(text) is not None:
        raise Invalid("Please tell me who, for example 'me' or 'the prosecutor'.")
    statement.read_aloud_by = who if SELF.match(normalise(text)) else truncate(text.strip(" ."), 200)
    return None
