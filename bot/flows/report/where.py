"""Where it happened: the business name and address in one answer, remembered for next time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.answers import is_filler, normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, mark_answered
from bot.messages import Button
from bot.storage.models import Report
from nlu.extractors import find_postcodes, normalise_postcode

STREET_WORDS = re.compile(
    r"\b(street|st|road|rd|lane|ln|avenue|ave|way|drive|dr|close|parade|precinct|place|square|sq|hill|green|row|"
    r"terrace|crescent|court|ct|park|estate|centre|center|market|walk|gardens|grove|mews|broadway|retail park|"
    r"industrial estate|unit)\b", re.IGNORECASE)
SPLIT = re.compile(r"\s*[,\n]\s*")
NAME_THEN_PLACE = re.compile(r"^(?P<name>.+?)\s+(?:on|at|in)\s+(?P<place>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    name: str | None
    address: str | None
    postcode: str | None


def looks_like_address(part: str) -> bool:
    return bool(re.match(r"^\s*(?:unit\s+)?\d", part, re.IGNORECASE)) or bool(STREET_WORDS.search(part)) and \
        bool(re.search(r"\d", part))


def read_place(text: str) -> Place:
    """"Kumar's, 12 High Street, Walsall WS1 1QL" -> name, address and postcode.

    The name comes first when there is one; an address starts with a number or holds a street
    word with a number. One part with no number is taken as the name ("Shell Walsall Road"), so
    the address is asked for separately rather than guessed.
    """
    text = text.strip()
    postcode = None
    postcodes = find_postcodes(text)
    if postcodes:
        postcode = postcodes[-1].value
        text = (text[: postcodes[-1].start] + text[postcodes[-1].end:]).strip(" ,.")
    parts = [p for p in SPLIT.split(text) if p.strip(" .")]
    if len(parts) == 1:
        split = NAME_THEN_PLACE.match(parts[0])
        if split and (looks_like_address(split.group("place")) or STREET_WORDS.search(split.group("place"))):
            parts = [split.group("name"), split.group("place")]
    if not parts:
        return Place(None, None, postcode)
    if looks_like_address(parts[0]):
        return Place(None, ", ".join(parts), postcode)
    address = ", ".join(parts[1:]) or None
    return Place(truncate(parts[0], 200), truncate(address, 500) if address else None, postcode)


def remembered_business(turn: Turn, report: Report) -> bool:
    return bool(turn.contact.business_name)


def ask_business_known(turn: Turn, report: Report) -> Prompt:
    c = turn.contact
    place = ", ".join(p for p in (c.business_name, c.business_address, c.business_postcode) if p)
    return Prompt(f"Was this at {place}?", (Button("Yes", "yes"), Button("Somewhere else", "somewhere else")))


def answer_business_known(turn: Turn, report: Report, text: str) -> Answer:
    answer = yes_no(text)
    if answer is True:
        c = turn.contact
        report.business_name, report.business_address = c.business_name, c.business_address
        report.business_postcode = c.business_postcode
        mark_answered(turn, "business", "business_name", "business_address", "business_postcode")
        return None
    if answer is False or "else" in normalise(text) or "different" in normalise(text):
        return None
    raise Invalid("Please say yes, or 'somewhere else'.")


def ask_business(turn: Turn, report: Report) -> Prompt:
    return Prompt("Where did it happen? The business name and address, with the postcode if you can. "
                  "For example 'Kumar's Stores, 12 High Street, Walsall WS1 1QL'.")


def answer_business(turn: Turn, report: Report, text: str) -> Answer:
    if len(text.strip()) < 2 or is_filler(text):
        raise Invalid("Could you tell me the name of the business or its address?")
    place = read_place(text)
    report.business_name, report.business_address = place.name, place.address
    if place.postcode:
        report.business_postcode = place.postcode
        mark_answered(turn, "business_postcode")
    if place.name:
        mark_answered(turn, "business_name")
    if place.address:
        mark_answered(turn, "business_address")
    return None


def clear_business(report: Report) -> None:
    report.business_name = report.business_address = report.business_postcode = None


def ask_business_name(turn: Turn, report: Report) -> Prompt:
    return Prompt("And what's the business called?")


def answer_business_name(turn: Turn, report: Report, text: str) -> Answer:
    if is_filler(text):
        raise Invalid("What's the business called? For example 'Kumar's Stores'.")
    report.business_name = truncate(text.strip(), 200)
    return None


def ask_business_address(turn: Turn, report: Report) -> Prompt:
    return Prompt(f"What's the address of {report.business_name or 'the business'}? Include the postcode if you can.")


def answer_business_address(turn: Turn, report: Report, text: str) -> Answer:
    if len(text.strip()) < 3:
        raise Invalid("Could you give me the street and town?")
    place = read_place(text)
    if place.postcode:
        report.business_postcode = place.postcode
        mark_answered(turn, "business_postcode")
    address = ", ".join(p for p in (place.name, place.address) if p)
    report.business_address = truncate(address or text.strip(), 500)
    return None


def ask_business_postcode(turn: Turn, report: Report) -> Prompt:
    return Prompt("And the postcode? For example WS1 1QL.", (Button("Don't know", "don't know"),))


def answer_business_postcode(turn: Turn, report: Report, text: str) -> Answer:
    postcode = normalise_postcode(text)
    if postcode is None:
        found = find_postcodes(text)
        postcode = found[0].value if found else None
    if postcode is None:
        raise Invalid("That doesn't look like a UK postcode. It should look like WS1 1QL.")
    report.business_postcode = postcode
    return None
