"""Quiet hours: the one rule for when a message that is not urgent may reach someone.

Nothing that can wait (a reminder, a status update) arrives between ``quiet_hours_start`` and
``quiet_hours_end`` local time (21:00 to 08:00 by default). Local time is the service's timezone
(Europe/London), so the rule follows the clocks: after the October change 08:00 is 08:00 GMT, after
the March change 08:00 BST, never an hour early or late. Callers decide what is urgent.

A message that can wait is one that is neither urgent nor a reply to what the person just sent
(``can_wait``). Trying such a message again (a backoff, Twilio's "unreachable, try later", an
operator's retry) is still that message: ``arrival_time`` is what every place that sets a row's
next attempt asks, so a reminder that failed at 20:25 is tried again at 08:00, not at 21:00 and 23:00.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.delivery.outbox import Purpose


class QuietHoursSettings(Protocol):
    """What the rule reads (``bot.config.Settings`` has these fields)."""

    timezone: str
    quiet_hours_start: str
    quiet_hours_end: str


def clock_time(value: str) -> time:
    """"21:00" -> 21:00; a ValueError that says what was wrong otherwise."""
    hours, _, minutes = value.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{value!r} is not a time like 21:00")
    return time(int(hours), int(minutes))


def is_quiet(local: time, start: time, end: time) -> bool:
    """Whether a local clock time falls in the quiet hours (which may run over midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _at(day: datetime, clock: time, zone: ZoneInfo) -> datetime:
    """``clock`` on ``day``'s local date, as a real instant (a time the clocks skip moves forward)."""
    wall = datetime.combine(day.date(), clock, tzinfo=zone)
    # Round trip through UTC: a wall time that does not exist (01:30 on the March change) becomes
    # the instant it would have been had the clocks not jumped.
    return wall.astimezone(timezone.utc).astimezone(zone)


def next_allowed(moment: datetime, settings: QuietHoursSettings) -> datetime:
    """``moment`` itself if it is outside quiet hours, otherwise the end of those quiet hours.

    ``moment`` must be aware; the answer is in the same timezone as ``moment``.
    """
    if moment.tzinfo is None:
        raise ValueError("next_allowed needs an aware datetime")
    zone = ZoneInfo(settings.timezone)
    start, end = clock_time(settings.quiet_hours_start), clock_time(settings.quiet_hours_end)
    local = moment.astimezone(zone)
    if not is_quiet(local.time(), start, end):
        return moment
    # Quiet: the next time the clock reads ``end``, today or tomorrow (by local date, so a day of 23 or
    # 25 hours changes nothing).
    candidate = _at(local, end, zone)
    if candidate.astimezone(timezone.utc) <= moment.astimezone(timezone.utc):  # compared as instants
        candidate = _at(local + timedelta(days=1), end, zone)
    return candidate.astimezone(moment.tzinfo)


def can_wait(*, urgent: bool, purpose: str) -> bool:
    """Whether a message may be kept until the morning: anything but an urgent one or a reply (the
    person has just written, so they are awake and waiting for it)."""
    return not urgent and purpose != Purpose.REPLY.value


def arrival_time(moment: datetime, *, urgent: bool, purpose: str, settings: QuietHoursSettings) -> datetime:
    """When a message meant to go at ``moment`` may go: then, unless it can wait and that is in quiet hours."""
    return next_allowed(moment, settings) if can_wait(urgent=urgent, purpose=purpose) else moment
