"""How long to pause alerts for, in people's words: "2 weeks", "a month", "till January", "until 5 Jan".

Unlike a report's date (which is in the past), a pause ends in the future: a month or a day
without a year is the next one to come. The pause ends at the start of that day, local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.flows.answers import duration_days, normalise
from nlu.extractors.numbers import words_to_number

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH = (r"(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep"
          r"|october|oct|november|nov|december|dec)")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_MONTH_ONLY = re.compile(rf"\b{_MONTH}\b")
_UNTIL_MAY = re.compile(r"\b(?:till|until|til|to|in|end of)\s+may\b")  # "may" alone is usually the verb
_OPEN = re.compile(r"\b(?:until i say|till i say|til i say|until further notice|indefinitely|for now|until i "
                   r"(?:turn|switch|put) them (?:back )?on|until i ask|for the time being|no end)\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class PauseEnd:
    """When a pause ends: a local day, or ``None`` for "until I say"."""

    day: date | None


def _month_number(word: str) -> int:
    return next(number for number, name in enumerate(MONTHS, start=1) if name.startswith(word[:3]))


def _next_date(month: int, day_of_month: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day_of_month)
        except ValueError:
            return None
        if candidate > today:
            return candidate
    return None


def pause_end(text: str, today: date) -> PauseEnd | None:
    """When the pause ``text`` asks for ends, or None if it does not say."""
    words = normalise(text).replace("fortnight", "2 weeks")
    if _OPEN.search(words):
        return PauseEnd(None)
    if "new year" in words:
        return PauseEnd(date(today.year + 1, 1, 1))
    if "christmas" in words or "xmas" in words:
        return PauseEnd(_next_date(12, 27 if "after" in words else 25, today))
    if re.search(r"\bnext week\b", words):
        return PauseEnd(today + timedelta(days=7))
    if re.search(r"\bnext month\b", words):
        return PauseEnd(date(today.year + today.month // 12, today.month % 12 + 1, 1))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        found = pattern.search(words)
        if found:
            end = _next_date(_month_number(found.group(month_group)), int(found.group(day_group)), today)
            return PauseEnd(end) if end else None
    weekday = next((i for i, name in enumerate(_WEEKDAYS) if re.search(rf"\b{name}\b", words)), None)
    if weekday is not None:
        return PauseEnd(today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1))
    years = re.search(r"\b(\d{1,2}|a|an|one|two|three)\s+years?\b", words)
    if years:
        count = int(years.group(1)) if years.group(1).isdigit() else words_to_number(years.group(1)) or 1
        return PauseEnd(today + timedelta(days=365 * count))
    if re.search(r"\d|\b(?:a|an|one|two|three|four|five|six|couple|few)\b", words) and \
            re.search(r"\b(?:days?|weeks?|wks?|months?|mths?)\b", words):
        days = duration_days(words)
        if days:
            return PauseEnd(today + timedelta(days=days))
    month = _MONTH_ONLY.search(words)
    if month and (month.group(1) != "may" or _UNTIL_MAY.search(words)):
        return PauseEnd(_next_date(_month_number(month.group(1)), 1, today))
    return None


def local_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight at the start of ``day`` in ``tz`` (the moment a pause ending that day ends)."""
    return datetime.combine(day, time(0, 0), tzinfo=tz)
