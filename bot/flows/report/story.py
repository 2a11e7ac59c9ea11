"""What happened, in the user's own words, with the goods it names noted so they are not asked again."""

from __future__ import annotations

from bot.crime_types import crime_type
from bot.flows.answers import no_answer, truncate
from bot.flows.base import Turn
from bot.flows.questions import Answer, Prompt
from bot.flows.report.common import STORY_LIMIT, joined, opening, text_answer
from bot.flows.report.goods import note_goods
from bot.flows.report.harm import note_harm
from bot.messages import Button
from bot.storage.models import Report

THATS_ALL = (Button("That's all", "that's all"),)


def _invites(report: Report) -> str:
    found = crime_type(report.crime_type)
    return "what was taken and how" if found is not None and found.goods_taken else "how it happened"


def ask_description(turn: Turn, report: Report) -> Prompt:
    told = report.description or opening(turn)
    if told:
        lead = "So far" if report.description else "You said"
        return Prompt(f"{lead}: \"{truncate(told, 300)}\"\nAnything to add? For example {_invites(report)}. "
                      "Or say 'that's all'.", THATS_ALL)
    return Prompt(f"In your own words, what happened? For example {_invites(report)}.")


def answer_description(turn: Turn, report: Report, text: str) -> Answer:
    told = report.description or opening(turn)
    if told and no_answer(text) is not None:  # "that's all", "no", "skip", "nothing to add"
        report.description = truncate(told, STORY_LIMIT)
        return None
    report.description = joined(told, text_answer(text))
    noted = note_story(turn, report, text)
    return f"Noted: {'; '.join(noted)}." if noted else None


def note_story(turn: Turn, report: Report, text: str) -> list[str]:
    """What a story says that answers a later question (goods taken, damage, injuries), so it is
    confirmed rather than asked; returns what was noted."""
    taken = note_goods(turn, report, text)
    return [*([f"taken: {taken}"] if taken else []), *note_harm(turn, report, text)]


def add_to_description(report: Report, more: str) -> None:
    report.description = joined(report.description, more)
