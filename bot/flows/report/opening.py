"""The first questions: is anyone in danger now, and what kind of crime was it."""

from __future__ import annotations

import re

from bot.crime_types import ACTION_FRAUD, BY_CODE, CRIME_TYPES, crime_type, label
from bot.emergency import is_over
from bot.flows.answers import normalise, yes_no
from bot.flows.base import DangerNow, Invalid, Turn
from bot.flows.questions import Answer, Prompt
from bot.messages import Button
from bot.storage.models import Report

OVER = re.compile(r"\b(over|gone|left|safe|fine|ok|okay|ran off|went|long gone|they've gone|no one hurt)\b")


def ask_danger(turn: Turn, report: Report) -> Prompt:
    return Prompt("First: is the person still there, or is anyone hurt or in danger right now?",
                  (Button("No, it's over", "no, it's over"), Button("Yes, danger now", "yes, danger now")))


# Unsure whether anyone is in danger now ("not sure", "i think so", "dunno"): when in doubt, 999.
UNSURE = re.compile(r"(?:i'?m |i )?(?:not sure|unsure|not certain|don'?t know|do not know|dunno|idk|no idea|think so|"
                    r"maybe|possibly|perhaps|probably|might be|could be)(?: (?:yes|yeah|so))?")


def means_danger(text: str) -> bool:
    """A yes to the danger question, or an answer unsure of it: either way the safe answer is 999 (DOMAIN.md)."""
    return yes_no(text) is True or bool(UNSURE.fullmatch(normalise(text)))


def answer_danger(turn: Turn, report: Report, text: str) -> Answer:
    if is_over(text) or yes_no(text) is False or OVER.search(normalise(text)):
        return "Thank you. Say 'skip' for anything you can't answer."
    if means_danger(text):
        raise DangerNow()
    raise Invalid("Please answer yes or no.")



def ask_crime_type(turn: Turn, report: Report) -> Prompt:
    return Prompt("What happened? Pick one, or tell me in a few words.",
                  tuple(Button(c.button, c.code) for c in CRIME_TYPES))


def read_crime_type(turn: Turn, text: str) -> str | None:
    """A crime type code from a button, its label, or words ("fare dodger ran off")."""
    words = normalise(text)
    code = words.replace(" ", "_")
    if code in BY_CODE:
        return code
    for crime in CRIME_TYPES:
        if words in (crime.label, normalise(crime.button)):
            return crime.code
    # The interpreter's reading (phrases, then its crime-type classifier for words said otherwise).
    found = [e["value"] for e in turn.entities("crime_type") if e["value"] in BY_CODE]
    return found[0] if found else None


def answer_crime_type(turn: Turn, report: Report, text: str) -> Answer:
    code = read_crime_type(turn, text)
    if code is None:
        raise Invalid("Sorry, I couldn't tell which kind of crime that was. Please pick one of these.")
    report.crime_type = code
    acknowledgement = f"Noted: {label(code)}."
    found = crime_type(code)
    if found is not None and found.action_fraud:
        acknowledgement += "\n\n" + ACTION_FRAUD
    return acknowledgement
