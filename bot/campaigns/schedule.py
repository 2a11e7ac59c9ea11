"""When a campaign sends: once at a time, or on given weekdays (or every day) at a time between two dates.

The rule is stored as RFC 5545 text (``DTSTART`` and ``RRULE``, read by python-dateutil) in local
wall time, so "every Friday at 10:00" stays 10:00 in London across the clock change. Every rule is
finite (a one-off is ``COUNT=1``, a recurring rule has ``UNTIL``), its times are worked out when the
campaign is scheduled and kept as occurrence rows. No time may fall between 01:00 and 02:00 local
(the hour that happens twice or not at all when the clocks change). ``spread_minutes`` spreads
each send's messages evenly over that long (a window), instead of queuing them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule, rrulestr, weekday

MAX_OCCURRENCES = 60
MAX_SPREAD_MINUTES = 12 * 60
DAYS: dict[str, weekday] = {"monday": MO, "tuesday": TU, "wednesday": WE, "thursday": TH, "friday": FR,
                            "saturday": SA, "sunday": SU}
SHORT_DAYS = {"mon": MO, "tue": TU, "tues": TU, "wed": WE, "thu": TH, "thur": TH, "thurs": TH, "fri": FR,
              "sat": SA, "sun": SU}
EVERY_DAY = frozenset({"day", "daily", "everyday", "every day"})
WEEKDAYS = frozenset({"weekday", "weekdays"})


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says why in the lead's terms."""


@dataclass(frozen=True)
class Schedule:
    """A stored rule (local wall time) and the window each send is spread over."""

    rule: str
    spread_minutes: int = 0

    def local_times(self) -> list[datetime]:
        """The wall-clock times of every send, naive, in order (at most one more than the limit)."""
        found = []
        for moment in rrulestr(self.rule):
            found.append(moment)
            if len(found) > MAX_OCCURRENCES:
                break
        return found

    def times(self, zone: ZoneInfo) -> list[datetime]:
        """The instants of every send, in UTC."""
        return [moment.replace(tzinfo=zone).astimezone(timezone.utc) for moment in self.local_times()]

    def describe(self, zone: ZoneInfo) -> str:
        """"3 sends: Fri 4 Dec 2026 10:00, ..." (and the window, if any)."""
        times = [t.astimezone(zone) for t in self.times(zone)]
        listed = ", ".join(f"{t:%a} {t.day} {t:%b %Y %H:%M}" for t in times)
        spread = f"; each spread over {self.spread_minutes} minutes" if self.spread_minutes else ""
        return f"{len(times)} send(s): {listed}{spread}"

    def problems(self) -> list[str]:
        """What is wrong with this schedule, in words a lead can act on."""
        times = self.local_times()
        out = []
        if not times:
            out.append("the schedule has no send times (is the end before the start?)")
        if len(times) > MAX_OCCURRENCES:
            out.append(f"the schedule has more than {MAX_OCCURRENCES} sends; shorten it")
        if any(t.hour == 1 for t in times):
            out.append("no send may be between 01:00 and 02:00 (the clocks change then): pick another time")
        if not 0 <= self.spread_minutes <= MAX_SPREAD_MINUTES:
            out.append(f"a send can be spread over 0 to {MAX_SPREAD_MINUTES} minutes")
        return out


def once(at: datetime, spread_minutes: int = 0) -> Schedule:
    """One send at ``at`` (naive, local wall time)."""
    return Schedule(str(rrule(DAILY, dtstart=_minute(at), count=1)), spread_minutes)


def every(days: list[weekday] | None, at: time, start: date, until: date, spread_minutes: int = 0) -> Schedule:
    """A send on each of ``days`` (None: every day) at ``at``, from ``start`` to ``until`` inclusive."""
    if until < start:
        raise ScheduleError(f"the end date {until:%d %B %Y} is before the start {start:%d %B %Y}")
    first = datetime.combine(start, at.replace(second=0, microsecond=0))
    last = datetime.combine(until, time(23, 59, 59))
    rule = rrule(DAILY, dtstart=first, until=last) if days is None else \
        rrule(WEEKLY, dtstart=first, until=last, byweekday=days)
    return Schedule(str(rule), spread_minutes)


def parse_days(text: str) -> list[weekday] | None:
    """"friday", "fri", "Fridays", "mon,thu", "weekdays" -> weekdays; "day" or "daily" -> None (every day)."""
    words = text.strip().lower()
    if words in EVERY_DAY:
        return None
    if words in WEEKDAYS:
        return [MO, TU, WE, TH, FR]
    found: list[weekday] = []
    for word in words.replace(" and ", ",").replace(" ", ",").split(","):
        word = word.strip()
        if not word:
            continue
        day = DAYS.get(word) or DAYS.get(word.removesuffix("s")) or SHORT_DAYS.get(word)
        if day is None:
            raise ScheduleError(f"{word!r} is not a day of the week (say friday, or mon,thu, or day for every day)")
        if day not in found:
            found.append(day)
    if not found:
        raise ScheduleError("say which day: friday, or mon,thu, or day for every day")
    return found


def parse_clock(text: str) -> time:
    """"10:00" -> 10:00."""
    try:
        return time.fromisoformat(text.strip().replace(".", ":")).replace(second=0, microsecond=0)
    except ValueError:
        raise ScheduleError(f"{text!r} is not a time like 10:00") from None


def parse_moment(text: str) -> datetime:
    """"2026-12-04 10:00" -> that wall-clock time (naive)."""
    try:
        return _minute(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise ScheduleError(f"{text!r} is not a date and time like 2026-12-04 10:00") from None


def parse_date(text: str) -> date:
    """"2026-12-01" -> that date."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(f"{text!r} is not a date like 2026-12-01") from None


def season_dates(month_day_from: str, month_day_until: str, today: date) -> tuple[date, date]:
    """A preset's "12-01" to "12-24" as the next such dates not yet over (this year's, or next year's)."""
    for year in (today.year - 1, today.year, today.year + 1):
        start = date.fromisoformat(f"{year}-{month_day_from}")
        until = date.fromisoformat(f"{year}-{month_day_until}")
        if until < start:  # a season across the new year
            until = date.fromisoformat(f"{year + 1}-{month_day_until}")
        if until >= today:
            return start, until
    raise ScheduleError(f"no dates from {month_day_from} to {month_day_until}")  # unreachable for real dates


def _minute(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        raise ScheduleError("give the time as local time, without a timezone")
    return moment.replace(second=0, microsecond=0)

