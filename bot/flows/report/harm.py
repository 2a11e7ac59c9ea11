"""Damage and violence: what was damaged and the repair cost, injuries, the staff involved.

What a story already says ("someone smashed our front window", "she has a black eye") is noted
from it, and its question is then not asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.crime_types import asks
from bot.flows.answers import NoAnswer, no_answer, normalise, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, Question, is_answered, mark_answered
from bot.flows.report.common import asked_for, details, set_detail, something_said, text_answer
from bot.flows.report.goods import read_amount
from bot.messages import Button
from bot.reports.items import clause_end
from bot.reports.summary import money
from bot.storage.models import Report

NO_ONE = {"no one was hurt", "no one hurt", "nobody hurt", "not hurt", "no injuries",
          "nobody was hurt", "no one injured"}
# "smashed our front window", "kicked the door in", "sprayed graffiti on the shutter".
DAMAGE = re.compile(
    r"\b(?:smashed(?:\s+up)?|smashing(?:\s+up)?|broke|broken|cracked|kicked(?:\s+in)?|damaged|vandali[sz]ed|keyed"
    r"|slashed|dented|forced|set\s+fire\s+to|burnt|burned|ripped\s+off|pulled\s+off|(?:sprayed|painted)\s+(?:graffiti"
    r"|paint|tags?)\s+(?:on|over|across)|graffiti\s+(?:on|over|across))"
    r"\s+(?P<thing>(?:the|our|my|a|an|their|his|her)\s+[^.,;!?\n]{2,60})", re.IGNORECASE)
# "she has a black eye", "he was left with a cut to his hand"; and "no one was hurt".
INJURY = re.compile(
    r"\b(?:has|had|got|with|left\s+with|suffered|needed)\s+(?:a\s+|an\s+|some\s+)?(?P<injury>(?:black|swollen)\s+eye"
    r"|(?:bad\s+|deep\s+)?cuts?\b[^.,;!?\n]{0,30}|bruis\w*[^.,;!?\n]{0,30}|broken\s+\w+|bloody\s+nose|nose\s*bleed"
    r"|concussion|stitches|stab\s+wounds?|head\s+injur\w+)", re.IGNORECASE)
NO_ONE_HURT = re.compile(r"\b(?:no\s?one|nobody|no-one)\s+(?:was\s+|got\s+)?(?:hurt|injured)\b|\bno\s+injuries\b",
                         re.IGNORECASE)
NOTHING_LOST = {"nothing", "nothing yet", "none", "no loss", "zero", "nil", "£0", "0", "nothing lost"}


def detail_question(name: str, prompt: str, key: str, example: str,
                    known: Callable[[Report], str | None] | None = None, **options: Any) -> Question[Report]:
    """A question answered in the user's words, kept under ``key`` in the report's details.

    ``known`` is what the story already says (a fraud "by email"): the question then says it back,
    and "that's all" or "don't know" keeps it (the question takes "skip" itself for that).
    """

    def ask(turn: Turn, report: Report) -> Prompt:
        told = known(report) if known is not None else None
        if told:
            return Prompt(f"{prompt} You said it was {told}: tell me more, or say 'that's all'.",
                          (Button("That's all", "that's all"),))
        return Prompt(f"{prompt} For example {example}.")

    def answer(turn: Turn, report: Report, text: str) -> Answer:
        told = known(report) if known is not None else None
        if told and no_answer(text) is not None:
            set_detail(report, key, told)
            return f"Noted: {told}."
        set_detail(report, key, text_answer(text))
        return None

    def extend(report: Report, more: str) -> None:
        set_detail(report, key, f"{details(report).get(key, '')}\n{more}".strip())

    return Question(name=name, ask=ask, answer=answer, example=example, applies=asked_for(name),
                    clear=lambda report: set_detail(report, key, None), extend=extend, **options)


def note_harm(turn: Turn, report: Report, text: str) -> list[str]:
    """Damage and injuries a story states, for the questions not yet answered; what was noted."""
    noted = []
    damage = DAMAGE.search(text)
    if damage and asks(report.crime_type, "damage") and not is_answered(turn, "damage"):
        said = f"{damage.group(0)[: damage.start('thing') - damage.start()]}{clause_end(damage.group('thing'))}"
        set_detail(report, "damage", said)
        mark_answered(turn, "damage")
        noted.append(f"damage: {said}")
    if asks(report.crime_type, "injuries") and not is_answered(turn, "injuries"):
        injury = INJURY.search(text)
        if injury or NO_ONE_HURT.search(text):
            report.injuries = injury.group("injury").strip() if injury else "none"
            mark_answered(turn, "injuries")
            noted.append(f"injuries: {report.injuries}" if injury else "no one hurt")
    return noted


def ask_repair(turn: Turn, report: Report) -> Prompt:
    return Prompt("Roughly how much will the repair cost?", (Button("Don't know yet", "don't know"),))


def answer_amount(turn: Turn, report: Report, text: str) -> Answer:
    """A loss or a cost in pounds; "nothing (yet)" is £0."""
    if normalise(text) in NOTHING_LOST:
        report.value_gbp = Decimal(0)
        return "Noted: nothing lost so far."
    report.value_gbp = read_amount(something_said(text))
    return f"Noted: {money(report.value_gbp)}."


def ask_amount_lost(turn: Turn, report: Report) -> Prompt:
    return Prompt("How much has the business lost? For example '£1,200', or 'nothing yet'.",
                  (Button("Nothing yet", "nothing yet"), Button("Don't know", "don't know")))


def ask_injuries(turn: Turn, report: Report) -> Prompt:
    return Prompt("Was anyone hurt? Tell me the injuries, or say 'no'.", (Button("No one was hurt", "no"),))


def answer_injuries(turn: Turn, report: Report, text: str) -> Answer:
    words = normalise(text)
    if yes_no(text) is False or no_answer(text) is NoAnswer.NONE or words in NO_ONE:
        report.injuries = "none"
        return "OK, no one hurt."
    if yes_no(text) is True and len(words.split()) <= 2:
        raise Invalid("I'm sorry to hear that. Who was hurt, and how?")
    report.injuries = text_answer(text)
    return None


def clear_injuries(report: Report) -> None:
    report.injuries = None
