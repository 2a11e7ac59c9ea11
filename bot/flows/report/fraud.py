"""Fraud and cyber crime: the loss, how it happened, and whether it happened face to face.

A scam phone call or a fake invoice leaves nothing on the shop's cameras and no one to describe,
so CCTV and offender questions are asked about fraud only when it happened in person (a fake note
at the till, a card fraud at the counter), or when the story does not say. A phone call or an
email outweighs words that only sound like the shop ("a caller said he was a customer", "rang
pretending to be our card machine company"); only something done there in person beats it.
"""

from __future__ import annotations

import re

from bot.crime_types import Cctv, crime_type
from bot.flows.base import Turn
from bot.storage.models import Report

REMOTE = re.compile(
    r"\b(phon(?:e|ed|ing)|call(?:ed|er|ers|ing|s)?|rang|rung|ring(?:ing|s)?|email(?:ed|s)?|e-mail|text(?:ed|s)?|sms|"
    r"online|website|web site|"
    r"internet|invoice|bank details|whatsapp|facebook|instagram|social media|hack(?:ed|er)?|link|app|"
    r"impersonat\w*|pretending|pretended)\b", re.IGNORECASE)
# Something done there, in person: beats any phone or email words.
IN_PERSON_ACT = re.compile(
    r"\b(in (?:the )?(?:shop|store|person)|came in(?:to)?|walked in|face to face|at the (?:till|counter|door)"
    r"|over the counter|on the forecourt|handed (?:over|me|us)|chip and pin|contactless"
    r"|(?:fake|forged|counterfeit|dodgy|false)\s+(?:£?\d+\s+)?(?:notes?|tenners?|twent(?:y|ies)|fivers?|fift(?:y|ies)"
    r"|money|cash))\b", re.IGNORECASE)
# Words that only sound like the shop: in person unless the story says it was by phone, email or online.
IN_PERSON = re.compile(r"\b(till|counter|customer|notes?|tenner|twenty|fiver|fifty|cash|card machine)\b", re.IGNORECASE)


# How a fraud reached the business, in the words the summary uses, for "how did it happen?".
METHODS = (("a fake invoice", re.compile(r"\binvoices?\b", re.IGNORECASE)),
           ("by email", re.compile(r"\be-?mail(?:ed|s)?\b", re.IGNORECASE)),
           ("by phone", re.compile(r"\b(?:phon(?:e|ed|ing)|call(?:ed|er|ing)?|rang|rung)\b", re.IGNORECASE)),
           ("by text message", re.compile(r"\b(?:text(?:ed)?|sms|whatsapp)\b", re.IGNORECASE)),
           ("online", re.compile(r"\b(?:online|website|internet|hack(?:ed|er)?)\b", re.IGNORECASE)),
           ("in person", IN_PERSON_ACT))


def how_told(report: Report) -> str | None:
    """How the story says it was done ("a fake invoice, by email"), or None when it does not say."""
    found = [method for method, pattern in METHODS if pattern.search(report.description or "")]
    return ", ".join(found[:2]) or None


def in_person(report: Report) -> bool | None:
    """True for a fraud done face to face, False for one by phone, email or online, None if unsaid."""
    told = " ".join(t for t in (report.description, (report.details or {}).get("how_it_happened")) if t)
    if IN_PERSON_ACT.search(told):
        return True
    if REMOTE.search(told):
        return False
    if IN_PERSON.search(told):
        return True
    return None


def cctv_relevant(turn: Turn, report: Report) -> bool:
    found = crime_type(report.crime_type)
    if found is None or found.cctv is Cctv.RELEVANT:
        return True
    if found.cctv is Cctv.IF_IN_PERSON:
        return in_person(report) is not False
    return False


def offenders_seen(turn: Turn, report: Report) -> bool:
    found = crime_type(report.crime_type)
    if found is None or found.offenders_seen:
        return True
    return found.cctv is Cctv.IF_IN_PERSON and in_person(report) is True


def scene_witnessed(turn: Turn, report: Report) -> bool:
    """Could anyone else have seen it? Not a scam by phone or email, nor a hacked computer."""
    return offenders_seen(turn, report) or cctv_relevant(turn, report) and in_person(report) is not False
