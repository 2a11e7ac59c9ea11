"""The last step: the whole report shown back, to submit or change any part."""

from __future__ import annotations

import re

from bot.flows.answers import normalise
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt
from bot.messages import Button
from bot.reports.summary import summary_text
from bot.storage.models import Report

SUBMIT = re.compile(r"(submit|send|send it|yes|ok|okay|confirm|correct|all correct|looks good|that'?s right|done|y|"
                    r"submit it|send report|go ahead|yes send it|yep|yeah)")


def ask_review(turn: Turn, report: Report) -> Prompt:
    return Prompt("Here's your report:\n\n" + summary_text(report, turn.tz) +
                  "\n\nSay 'submit' to send it, or 'change' and the part to change (for example 'change the time').",
                  (Button("Submit", "submit"), Button("Change something", "change something")))


def answer_review(turn: Turn, report: Report, text: str) -> Answer:
    if SUBMIT.fullmatch(normalise(text)):
        return None
    raise Invalid("Say 'submit' to send the report, or 'change' and the part to change.")
