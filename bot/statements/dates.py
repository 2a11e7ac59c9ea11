"""Dates and times as the statements show them, in local time.

The wording is the report summary's (``bot.reports.summary.when`` says "Saturday 21 November 2026,
3:00pm"); a test ties the two together, since a statement here tells a time the way the report did.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def day(moment: datetime, tz: ZoneInfo) -> str:
    """"Sunday 22 November 2026" in local time (a statement's date, a report's day)."""
    local = moment.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B %Y}"


def short_day(moment: datetime, tz: ZoneInfo) -> str:
    """"22 Nov 2026": short enough for a button."""
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b %Y}"


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """"3:00pm" in local time."""
    local = moment.astimezone(tz)
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
