"""When it happened: an exact time, a day, or a window ("this morning") that stays a window.

A report's time is evidence: "this morning" recorded as an exact 09:00 would be a made-up fact, so
a part of the day is kept as the window it means (the extractor clips it to now, so it is never
in the future) and shown as one in the summary and the export.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.flows.answers import normalise
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, mark_answered
from bot.flows.report.common import something_said
from bot.messages import Button
from bot.reports.summary import when
from bot.storage.models import Report
from nlu.extractors import parse_when

FUTURE_TOLERANCE = timedelta(minutes=5)
PART_OF_DAY = re.compile(r"\b(morning|lunch ?time|afternoon|tea ?time|evening)\b")


def record_time(turn: Turn, report: Report, value: datetime, has_time: bool, until: datetime | None) -> str:
    """Store a time the user gave (exact, a day, or a window) and say it back; refuse the future."""
    if value > turn.now + FUTURE_TOLERANCE:
        raise Invalid(f"That would be {when(value, turn.tz, has_time)}, which is in the future.")
    report.occurred_at, report.occurred_time_known, report.occurred_until = value, has_time, until
    if has_time or until is not None:
        mark_answered(turn, "occurred_time")  # a window is as exact as the user can be: don't press
    return when(value, turn.tz, has_time, until)


def ask_occurred_at(turn: Turn, report: Report) -> Prompt:
    return Prompt("When did it happen? For example 'yesterday about 3pm', 'last night' or 'Saturday 14:30'.")


def answer_occurred_at(turn: Turn, report: Report, text: str) -> Answer:
    found = parse_when(text, turn.now, turn.settings.timezone)
    if found is None:
        raise Invalid("Sorry, I couldn't work out a date or time from that. Dates are day first, like 21/11.")
    return f"Got it: {record_time(turn, report, found.value, found.has_time, found.until)}."


def clear_occurred(report: Report) -> None:
    report.occurred_at = report.occurred_until = report.occurred_time_known = None


def ask_occurred_time(turn: Turn, report: Report) -> Prompt:
    return Prompt("Roughly what time was it? For example '3pm' or 'about 14:30'.",
                  (Button("Don't know", "don't know"),))


def answer_occurred_time(turn: Turn, report: Report, text: str) -> Answer:
    if report.occurred_at is None:
        raise Invalid("I need the day first.")
    local_day = report.occurred_at.astimezone(turn.tz)
    end_of_day = local_day.replace(hour=23, minute=59)
    anchor = min(end_of_day, turn.local_now)
    found = parse_when(text, anchor, turn.settings.timezone)
    part = PART_OF_DAY.search(normalise(text))
    if found is None and part:
        # "in the afternoon" answers "what time?" about the day already given: that day's afternoon.
        found = parse_when(f"this {part.group(1).replace(' ', '')}", anchor, turn.settings.timezone)
    if found is None:
        something_said(text)  # "no", "that's all": time not known, so on to the next question
        raise Invalid("Sorry, I couldn't read a time in that. Try '3pm', '14:30' or 'in the afternoon'.")
    if found.until is not None:
        start = found.value.astimezone(turn.tz)
        until = found.until.astimezone(turn.tz)
        value = local_day.replace(hour=start.hour, minute=start.minute)
        end = value + (until - start)
        return f"Got it: {record_time(turn, report, value, False, min(end, turn.now))}."
    if not found.has_time:
        raise Invalid("Sorry, I couldn't read a time in that. Try '3pm' or '14:30'.")
    moment = local_day.replace(hour=found.value.hour, minute=found.value.minute)
    if moment > turn.now + FUTURE_TOLERANCE:
        raise Invalid("That time hasn't come yet today.")
    return f"Got it: {record_time(turn, report, moment, True, None)}."


def day_without_time(turn: Turn, report: Report) -> bool:
    return report.occurred_at is not None and not report.occurred_time_known and report.occurred_until is None
