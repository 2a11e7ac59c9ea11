"""Damage and violence: what was damaged and the repair cost, injuries, the staff involved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.flows.answers import NoAnswer, no_answer, normalise, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, Question
from bot.flows.report.common import asked_for, details, set_detail, something_said, text_answer
from bot.flows.report.goods import read_amount
from bot.messages import Button
from bot.reports.summary import money
from bot.storage.models import Report

NO_ONE = {"no one was hurt", "no one hurt", "nobody hurt", "not hurt", "no injuries",
          "nobody was hurt", "no one injured"}
NOTHING_LOST = {"nothing", "nothing yet", "none", "no loss", "zero", "nil", "£0", "0", "nothing lost"}


def detail_question(name: str, prompt: str, key: str, example: str, **options: Any) -> Question[Report]:
    """A question answered in the user's words, kept under ``key`` in the report's details."""

    def ask(turn: Turn, report: Report) -> Prompt:
        return Prompt(f"{prompt} For example {example}.")

    def answer(turn: Turn, report: Report, text: str) -> Answer:
        set_detail(report, key, text_answer(text))
        return None

    def extend(report: Report, more: str) -> None:
        set_detail(report, key, f"{details(report).get(key, '')}\n{more}".strip())

    return Question(name=name, ask=ask, answer=answer, example=example, applies=asked_for(name),
                    clear=lambda report: set_detail(report, key, None), extend=extend, **options)


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
