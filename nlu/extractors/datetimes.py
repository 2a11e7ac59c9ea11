"""When did it happen? Dates and times in UK chat text, resolved against the message time.

Rules (documented because a report's time is evidence):

* Day-first dates: "3/4" is 3 April; "21/11/24" is 21 November 2024.
* The past is preferred: "Saturday" is the most recent Saturday (today if today is Saturday
  and the time is not later than now); a date without a year is this year unless that is still
  to come, then last year; "3pm" alone is today 3pm if that has passed, else yesterday 3pm.
* A part of the day is a window, not a time: morning 06:00-12:00, lunchtime 12:00-14:00,
  afternoon 12:00-18:00, teatime 16:00-18:00, evening 18:00-22:00, tonight / night 22:00-06:00
  (the next morning), "the early hours" 00:00-06:00. "Last night" and "overnight" are yesterday
  22:00 to today 06:00. Said alone ("at lunchtime", "in the afternoon") it is today's, or
  yesterday's if today's has not begun.
* Longer vague times are windows of whole days: "last week" is Monday to Sunday of the week
  before this one, "last month" and "3 months ago" that calendar month, "over the weekend" the
  latest Saturday and Sunday ("this weekend" on a weekday is the one to come).
* A window's value is its start, ``until`` its end, and ``has_time`` is False: the person did not
  say when in the window. A window that has begun ends at ``now`` at the latest ("this morning"
  at 08:10 is 06:00-08:10), and "this morning" before 06:00 is the early hours so far, so a vague
  time said about the past is never in the future.
* A time with a part of the day is exact ("this morning at 7", "last night about 11").
* A bare hour ("at 3", "about 8ish", "half 3") uses business hours: 1-6 means pm, 7-11 am,
  unless a part of the day says otherwise ("this morning at 3" is 03:00, "last night at 2" is
  02:00 the next morning).
* Only a day ("yesterday", "12/11", "3 days ago") gives ``has_time=False`` and 00:00 local time,
  so the caller can ask "roughly what time?".
* Future values are returned as found ("tomorrow morning" is tomorrow 06:00-12:00); rejecting them
  is the caller's decision.

Own regular expressions do the finding and our own arithmetic the resolving (month-name dates
such as "21st of November", and weeks ago: "2 weeks ago" is the day 14 days back), so every step
is linear in the text and no date library is called per match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

from .numbers import words_to_number
from .span import Span, When, longest_first
from .text import clean

EXTRACTOR = "BizwatchDateTimeExtractor"

# Parts of the day as windows: (first hour, hour after the last), hours past the day's midnight.
PERIOD_WINDOWS = {
    "morning": (6, 12), "lunch": (12, 14), "lunchtime": (12, 14), "afternoon": (12, 18), "teatime": (16, 18),
    "evening": (18, 22), "tonight": (22, 30), "night": (22, 30), "earlyhours": (0, 6),
}
_PM_PERIODS = {"afternoon", "teatime", "evening", "tonight", "night"}
_AM_PERIODS = {"morning", "earlyhours"}
_POD = (r"(?P<pod>morning|mornin'?|morn|afternoon|arvo|avo|evening|evenin'?|night|nite|lunch\s?time|lunch|tea\s?time"
        r"|early\s+hours)")
# How people shorten or misspell a part of the day ("this mornin", "this arvo").
_POD_WORDS = {"mornin": "morning", "mornin'": "morning", "morn": "morning", "arvo": "afternoon", "avo": "afternoon",
              "evenin": "evening", "evenin'": "evening", "nite": "night"}

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "tuesady": 1, "wednesday": 2, "wensday": 2,
    "wednsday": 2, "weds": 2, "wed": 2, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "thrusday": 3,
    "friday": 4, "fri": 4, "saturday": 5, "saturdy": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_FULL_WEEKDAYS = {k for k in _WEEKDAYS if len(k) > 4}
_WEEKDAY_ALT = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
_MONTHS_ALT = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
               r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")

_I = re.IGNORECASE
# --- day parts ---------------------------------------------------------------------------
_DAY_BEFORE_YESTERDAY = re.compile(r"\b(?:the\s+)?day\s+before\s+(?:yesterday|yday)\b", _I)
_YESTERDAY = re.compile(rf"\b(?:yesterday|yesturday|yesterdy|yday|ystday|yest)(?:\s+{_POD})?\b", _I)
_TOMORROW = re.compile(rf"\b(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2moro|2morrow|tomoz)(?:\s+{_POD})?\b", _I)
_LAST_NIGHT = re.compile(r"\b(?:last|lastnight)\s*night\b|\blastnight\b|\bover\s*night\b", _I)
_THIS_POD = re.compile(rf"\b(?:earlier\s+)?(?:this|dis|thi)\s+{_POD}\b", _I)
_TONIGHT = re.compile(r"\b(?:earlier\s+)?(?:tonight|tonite|2nite)\b", _I)
_EARLY_HOURS = re.compile(r"\b(?:in\s+)?(?:the\s+)?early\s+hours(?:\s+of(?:\s+the)?)?\b", _I)
_TODAY = re.compile(rf"\b(?:earlier\s+(?:on\s+)?)?(?:today|2day|todays)(?:\s+{_POD})?\b", _I)
# A part of the day said on its own ("at lunchtime", "in the afternoon"): today's, or yesterday's if it is
# still to come. "Morning" needs "in the", so a greeting ("morning, someone nicked ...") is no time.
_BARE_POD = re.compile(r"\b(?:(?:at|around|about|over)\s+)?lunch\s?time\b|\bat\s+lunch\b"
                       r"|\b(?:in|during)\s+the\s+(?P<pod>morning|afternoon|evening)\b", _I)
_WEEKEND = re.compile(r"\b(?:(?P<mod>last|this|past)\s+)?(?:weekend|wkend|wknd)(?!\w)", _I)
_WEEKDAY = re.compile(rf"\b(?:(?P<mod>last|on|this|past)\s+)?(?P<wd>{_WEEKDAY_ALT})(?:'?s)?(?:\s+{_POD})?\b", _I)
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.:£-])(?:(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?"
    r"|(?P<d2>\d{1,2})[.-](?P<m2>\d{1,2})[.-](?P<y2>\d{4}|\d{2}))(?![\d/]|[.:-]\d)"
)
_ISO_DATE = re.compile(r"\b(?P<y>20\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T\s](?P<H>\d{2}):(?P<M>\d{2}))?\b")
_MONTH_DATE = re.compile(
    rf"\b(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTHS_ALT})"
    rf"|(?P<mon2>{_MONTHS_ALT})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?",
    _I,
)
_ORDINAL_DAY = re.compile(r"\b(?:on\s+)?the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b", _I)
# --- time parts --------------------------------------------------------------------------
_CUE = (r"(?:at|about|around|round|approx\.?|approximately|roughly|abt|arnd|circa|~|@|gone|just\s+after"
        r"|just\s+before|after|before|by|from|til+|until)")
_AMPM = re.compile(r"(?<![\d.:£])(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>a\.?m\b\.?|p\.?m\b\.?)", _I)
_CLOCK = re.compile(rf"(?:(?P<cue>\b{_CUE})\s*)?(?<![\d.:£])(?P<h>[01]?\d|2[0-3])(?P<sep>[:.])(?P<m>[0-5]\d)(?![\d.:])(?:\s?(?:hrs|h)\b)?", _I)
_HOURS_SUFFIX = re.compile(r"(?<![\d.:£])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s?(?:hrs|hours|h)\b", _I)
_OCLOCK = re.compile(r"(?<![\d.:£])(?P<h>\d{1,2})\s*o\s?'?\s?clock\b", _I)
_HALF = re.compile(rf"\b(?:(?P<q>half|quarter)\s+(?P<rel>past|to)\s+|half\s+)(?P<h>\d{{1,2}}|{'|'.join(['one','two','three','four','five','six','seven','eight','nine','ten','eleven','twelve'])})\b(?!\s*(?:am|pm)\b)", _I)
_BARE_HOUR = re.compile(
    rf"\b{_CUE}\s+(?P<h>\d{{1,2}})(?P<ish>\s?ish)?(?![\d:./,%£-])"
    r"(?!\s*(?:ish\w|x\b|%|-|or\b|to\s+\d|and\s+\d|of\b|[a-z]*\s*(?:lads?|men|women|people|guys|blokes|kids|youths?|males?|females?"
    r"|items?|bottles?|packs?|times?|quid|pounds?|p\b|pence|hours?|hrs?|mins?|minutes?|days?|weeks?|months?|years?"
    r"|litres?|grand|k\b|cans|boxes|of\b|or\b|people|persons?|offenders?|suspects?|cars?|vans?|pumps?|tills?)))",
    _I,
)
_ISH = re.compile(r"(?<![\d.:£/])(?P<h>\d{1,2})\s?ish\b", _I)
_NOON = re.compile(r"\b(?P<w>noon|midday|mid-day|midnight)\b", _I)
# --- relative instants -------------------------------------------------------------------
_JUST_NOW = re.compile(
    r"\b(?:just\s+now|a\s+(?:moment|minute|min|sec|second)\s+ago|moments?\s+ago|(?:a\s+)?few\s+(?:minutes|mins)\s+ago"
    r"|minutes\s+ago|just\s+happened|(?:it'?s\s+)?happening\s+now)\b",
    _I,
)
_IN_FUTURE = re.compile(
    r"\bin\s+(?P<n>\d{1,3}|an?|one|two|three|four|five|six|ten|twenty|thirty|half\s+an?)\s+(?P<unit>hours?|hrs?|minutes?|mins?)\b",
    _I,
)
_AGO = re.compile(
    r"\b(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|forty[\s-]five|fifty|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|half\s+an?)\s+"
    r"(?P<unit>hours?|hrs?|minutes?|mins?|days?|nights?)\s+ago\b",
    _I,
)
_WEEKS_OR_MONTHS_AGO = re.compile(
    r"\b(?:(?P<n>\d{1,2}|an?|one|two|three|four|five|six)\s+(?P<unit>weeks?|wks?|fortnights?|months?)\s+ago"
    r"|(?P<last>last)\s+(?P<lunit>week|wk|month|fortnight))\b",
    _I,
)
_CONNECTOR = re.compile(
    r"^(?:[\s,.;:()-]|\b(?:at|about|around|round|on|approx|approximately|roughly|abt|arnd|circa|in|the|of"
    r"|sometime|some\s+time|just|after|gone|by|between|and|from|@|~|time)\b)*$",
    _I,
)


@dataclass
class _Part:
    kind: str  # "day", "time", "period" (a part of the day on its own: "the early hours") or "instant"
    start: int
    end: int
    day: date | None = None
    period: str | None = None
    weekday_guess: bool = False  # a bare weekday: step back a week if the result is in the future
    weak: bool = False  # an abbreviation ("sat", "sun") that only counts next to a time
    hour: int = 0
    minute: int = 0
    ambiguous_hour: bool = False
    value: datetime | None = None
    has_time: bool = True
    until: datetime | None = None  # an instant that is a window ("last week", "over the weekend")


def _local_now(now: datetime, tz: str) -> datetime:
    zone = ZoneInfo(tz)
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _past_year(day: int, month: int, today: date) -> date | None:
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def _year(text: str | None, fallback: int) -> int:
    if not text:
        return fallback
    year = int(text)
    return year + 2000 if year < 100 else year


def _months_back(today: date, months: int) -> date:
    """The 1st of the month ``months`` before ``today``'s."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _day_parts(text: str, now: datetime) -> Iterator[_Part]:
    today = now.date()
    for m in _DAY_BEFORE_YESTERDAY.finditer(text):
        yield _Part("day", m.start(), m.end(), day=today - timedelta(days=2))
    for m in _YESTERDAY.finditer(text):
        yield _Part("day", m.start(), m.end(), day=today - timedelta(days=1), period=_pod(m.group("pod")))
    for m in _TOMORROW.finditer(text):  # the future: found so the caller can reject it, not mistaken for today
        yield _Part("day", m.start(), m.end(), day=today + timedelta(days=1), period=_pod(m.group("pod")))
    for m in _LAST_NIGHT.finditer(text):
        yield _Part("day", m.start(), m.end(), day=today - timedelta(days=1), period="night")
    for m in _THIS_POD.finditer(text):
        period = _pod(m.group("pod"))
        day = today - timedelta(days=1) if period in ("evening", "night") and now.hour < 5 else today
        if period == "morning" and now.hour < PERIOD_WINDOWS["morning"][0]:
            period = "earlyhours"  # "this morning" said at 5am: the small hours so far
        yield _Part("day", m.start(), m.end(), day=day, period=period)
    for m in _TONIGHT.finditer(text):
        day = today - timedelta(days=1) if now.hour < 5 else today
        yield _Part("day", m.start(), m.end(), day=day, period="tonight")
    for m in _TODAY.finditer(text):
        yield _Part("day", m.start(), m.end(), day=today, period=_pod(m.group("pod")))
    for m in _WEEKDAY.finditer(text):
        word = m.group("wd").lower()
        mod = (m.group("mod") or "").lower()
        target = _WEEKDAYS[word]
        back = (today.weekday() - target) % 7
        if mod in ("last", "past") and back == 0:
            back = 7
        weak = word not in _FULL_WEEKDAYS and not mod and not m.group("pod")
        start = m.start("wd") if mod == "on" else m.start()
        yield _Part("day", start, m.end(), day=today - timedelta(days=back), period=_pod(m.group("pod")),
                    weekday_guess=not mod or mod in ("on", "this"), weak=weak)
    for m in _NUMERIC_DATE.finditer(text):
        d, mo, y = (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"), m.group("y2"))
        day = _numeric_date(int(d), int(mo), y, today)
        if day:
            yield _Part("day", m.start(), m.end(), day=day)
    for m in _ISO_DATE.finditer(text):
        try:
            day = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            continue
        yield _Part("day", m.start(), m.end("d"), day=day)
    for m in _MONTH_DATE.finditer(text):
        if m.group("mon2") and m.group("mon2").lower() == "may" and not re.search(r"\d(?:st|nd|rd|th)", m.group(0), _I):
            continue  # "may 5" is more likely the verb than the month
        month = _MONTHS[(m.group("mon") or m.group("mon2"))[:3].lower()]
        day = _numeric_date(int(m.group("d") or m.group("d2")), month, m.group("y"), today)
        if day:
            yield _Part("day", m.start(), m.end(), day=day)
    for m in _ORDINAL_DAY.finditer(text):
        day = _ordinal_day(int(m.group("d")), today)
        if day:
            yield _Part("day", m.start(), m.end(), day=day)


def _numeric_date(d: int, mo: int, y: str | None, today: date) -> date | None:
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if y:
        try:
            return date(_year(y, today.year), mo, d)
        except ValueError:
            return None
    return _past_year(d, mo, today)


def _ordinal_day(d: int, today: date) -> date | None:
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, d)
            if candidate <= today:
                return candidate
        except ValueError:
            pass
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return None


def _pod(word: str | None) -> str | None:
    if not word:
        return None
    word = re.sub(r"\s", "", word.lower())
    return _POD_WORDS.get(word, word)


def _time_parts(text: str) -> Iterator[_Part]:
    for m in _AMPM.finditer(text):
        hour, minute = int(m.group("h")), int(m.group("m") or 0)
        if not 1 <= hour <= 12:
            continue
        pm = m.group("ap").lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
        yield _Part("time", m.start(), m.end(), hour=hour, minute=minute)
    for m in _CLOCK.finditer(text):
        if m.group("sep") == "." and not m.group("cue"):
            continue  # "12.50" is usually money or a quantity unless "at 12.50"
        hour = int(m.group("h"))
        start = m.start("h")
        yield _Part("time", start, m.end(), hour=hour, minute=int(m.group("m")),
                    ambiguous_hour=1 <= hour <= 12 and not m.group("h").startswith("0"))
    for m in _HOURS_SUFFIX.finditer(text):
        yield _Part("time", m.start(), m.end(), hour=int(m.group("h")), minute=int(m.group("m")))
    for m in _OCLOCK.finditer(text):
        hour = int(m.group("h"))
        if 1 <= hour <= 12:
            yield _Part("time", m.start(), m.end(), hour=hour, ambiguous_hour=True)
    for m in _HALF.finditer(text):
        raw = m.group("h")
        hour = int(raw) if raw.isdigit() else (words_to_number(raw) or 0)
        if not 1 <= hour <= 12:
            continue
        q, rel = (m.group("q") or "half").lower(), (m.group("rel") or "past").lower()
        minutes = 30 if q == "half" else 15
        if rel == "to":
            hour, minutes = (hour - 1) or 12, 60 - minutes
        yield _Part("time", m.start(), m.end(), hour=hour, minute=minutes, ambiguous_hour=True)
    for m in _BARE_HOUR.finditer(text):
        hour = int(m.group("h"))
        if 1 <= hour <= 12:
            yield _Part("time", m.start("h"), m.end(), hour=hour, ambiguous_hour=True)
        elif 13 <= hour <= 23:
            yield _Part("time", m.start("h"), m.end(), hour=hour)
    for m in _ISH.finditer(text):
        hour = int(m.group("h"))
        if 1 <= hour <= 23:
            yield _Part("time", m.start(), m.end(), hour=hour, ambiguous_hour=hour <= 12)
    for m in _NOON.finditer(text):
        hour = 0 if m.group("w").lower() == "midnight" else 12
        yield _Part("time", m.start(), m.end(), hour=hour)
    for m in _EARLY_HOURS.finditer(text):
        yield _Part("period", m.start(), m.end(), period="earlyhours")
    for m in _BARE_POD.finditer(text):
        yield _Part("period", m.start(), m.end(), period=_pod(m.group("pod")) or "lunchtime")


def _instant_parts(text: str, now: datetime) -> Iterator[_Part]:
    utc_now = now.astimezone(timezone.utc)
    for m in _JUST_NOW.finditer(text):
        yield _Part("instant", m.start(), m.end(), value=now)
    for m in _AGO.finditer(text):
        raw = re.sub(r"\s+", " ", m.group("n").lower())
        if raw.startswith("half"):
            amount = 0.5
        elif raw.isdigit():
            amount = int(raw)
        elif "couple" in raw:
            amount = 2
        elif "few" in raw:
            amount = 3
        else:
            amount = words_to_number(raw) or 1
        unit = m.group("unit").lower()
        if unit.startswith(("h",)):
            yield _Part("instant", m.start(), m.end(), value=(utc_now - timedelta(hours=amount)).astimezone(now.tzinfo))
        elif unit.startswith("m"):
            yield _Part("instant", m.start(), m.end(), value=(utc_now - timedelta(minutes=amount)).astimezone(now.tzinfo))
        else:
            day = now.date() - timedelta(days=int(amount))
            yield _Part("instant", m.start(), m.end(), value=_at(day, time(0, 0), now.tzinfo), has_time=False)
    for m in _IN_FUTURE.finditer(text):
        raw = re.sub(r"\s+", " ", m.group("n").lower())
        amount = 0.5 if raw.startswith("half") else int(raw) if raw.isdigit() else (words_to_number(raw) or 1)
        delta = timedelta(hours=amount) if m.group("unit").lower().startswith("h") else timedelta(minutes=amount)
        yield _Part("instant", m.start(), m.end(), value=(utc_now + delta).astimezone(now.tzinfo))
    for m in _WEEKS_OR_MONTHS_AGO.finditer(text):
        raw = (m.group("n") or "1").lower()
        count = int(raw) if raw.isdigit() else (words_to_number(raw) or 1)
        unit = (m.group("unit") or m.group("lunit")).lower()
        weeks = 2 if unit.startswith("fortnight") else 1
        if unit.startswith("month"):  # that whole month
            first, after = _months_back(now.date(), count), _months_back(now.date(), count - 1)
            yield _days_window(m.start(), m.end(), first, after, now)
        elif m.group("last"):  # "last week": Monday to Sunday of the week before this one
            monday = now.date() - timedelta(days=now.weekday())
            yield _days_window(m.start(), m.end(), monday - timedelta(days=7 * weeks), monday, now)
        else:
            day = now.date() - timedelta(days=count * 7 * weeks)
            yield _Part("instant", m.start(), m.end(), value=_at(day, time(0, 0), now.tzinfo), has_time=False)
    for m in _WEEKEND.finditer(text):
        back = (now.weekday() - 5) % 7  # days since the latest Saturday
        mod = (m.group("mod") or "").lower()
        if mod == "this" and back >= 2:
            back -= 7  # "this weekend" on a weekday is the one to come (the caller rejects the future)
        elif mod in ("last", "past") and back < 2:
            back += 7  # said during a weekend: the one before
        saturday = now.date() - timedelta(days=back)
        yield _days_window(m.start(), m.end(), saturday, saturday + timedelta(days=2), now)


def _days_window(start: int, end: int, first: date, after: date, now: datetime) -> _Part:
    """Whole days from ``first`` to the midnight starting ``after``, ending ``now`` if that is sooner."""
    opens, closes = _at(first, time(0, 0), now.tzinfo), _at(after, time(0, 0), now.tzinfo)
    until = min(closes, now) if opens <= now else closes
    return _Part("instant", start, end, value=opens, has_time=False, until=until)


def _at(day: date, clock: time, tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tzinfo)


@dataclass
class _Mention:
    start: int
    end: int
    value: datetime
    has_time: bool
    score: int
    until: datetime | None = None


def _group(text: str, parts: list[_Part]) -> list[list[_Part]]:
    groups: list[list[_Part]] = []
    for part in parts:
        if groups:
            last = groups[-1]
            kinds = {p.kind for p in last}
            gap = text[last[-1].end:part.start]
            if (part.kind != "instant" and "instant" not in kinds and part.kind not in kinds
                    and len(gap) <= 20 and _CONNECTOR.match(gap)):
                last.append(part)
                continue
        groups.append([part])
    return groups


def _resolve(group: list[_Part], now: datetime) -> _Mention | None:
    start, end = group[0].start, group[-1].end
    day = next((p for p in group if p.kind == "day"), None)
    clock = next((p for p in group if p.kind == "time"), None)
    instant = next((p for p in group if p.kind == "instant"), None)
    part_of_day = next((p for p in group if p.kind == "period"), day)
    period = part_of_day.period if part_of_day else None
    when_day = day.day if day else now.date()
    tzinfo = now.tzinfo
    if instant is not None:
        score = 3 if instant.has_time else 2 if instant.until else 1
        return _Mention(start, end, instant.value, instant.has_time, score, until=instant.until)
    if day is not None and day.weak and clock is None:
        return None
    if clock is None and period:
        if (day is None or day.weekday_guess) and _window(0, 0, when_day, period, now).value > now:
            # "friday night" said on a Friday afternoon: last week's; "at lunchtime" said at 10am: yesterday's
            when_day -= timedelta(days=1 if day is None else 7)
        return _window(start, end, when_day, period, now)
    if clock is None:
        return _Mention(start, end, _at(when_day, time(0, 0), tzinfo), False, 1)
    hour, minute = clock.hour, clock.minute
    if clock.ambiguous_hour:
        if period in _PM_PERIODS:
            if period in ("night", "tonight") and hour < 6:
                when_day += timedelta(days=1)  # "last night at 2" is 02:00 the next morning
            elif hour < 12:
                hour += 12
        elif period in _AM_PERIODS:
            hour %= 12
        elif 1 <= hour <= 6:
            hour += 12
    elif period in ("night", "tonight") and hour < 6:
        when_day += timedelta(days=1)
    value = _at(when_day, time(hour % 24, minute), tzinfo)
    if day is None and value > now:
        value = _at(when_day - timedelta(days=1), time(hour % 24, minute), tzinfo)
    elif day is not None and day.weekday_guess and value > now:
        value = _at(when_day - timedelta(days=7), time(hour % 24, minute), tzinfo)
    return _Mention(start, end, value, True, 3 if day else 2)


def _window(start: int, end: int, day: date, period: str, now: datetime) -> _Mention:
    """A part of ``day`` as a window from its start to its end, or to ``now`` if that is sooner."""
    first, after = PERIOD_WINDOWS[period]
    opens = _at(day, time(first), now.tzinfo)
    closes = _at(day + timedelta(days=after // 24), time(after % 24), now.tzinfo)
    if opens <= now < closes:
        closes = now
    return _Mention(start, end, opens, False, 2, until=closes)


def _mentions(text: str, now: datetime, tz: str) -> list[_Mention]:
    local_now = _local_now(now, tz)
    cleaned = clean(text)
    parts = [*_instant_parts(cleaned, local_now), *_day_parts(cleaned, local_now), *_time_parts(cleaned)]
    mentions = []
    for group in _group(cleaned, longest_first(parts, len(cleaned))):
        mention = _resolve(group, local_now)
        if mention is not None:
            mentions.append(mention)
    return mentions


def parse_when(text: str, now: datetime, tz: str = "Europe/London") -> When | None:
    """The best date/time mention in ``text`` (day and time together beat either alone; ties go
    to the earliest), resolved against ``now`` in ``tz``; None if there is none."""
    mentions = _mentions(text, now, tz)
    if not mentions:
        return None
    best = max(mentions, key=lambda m: (m.score, -m.start))
    return When(best.value, best.has_time, best.start, best.end, best.until)


def find_datetimes(text: str, now: datetime, tz: str = "Europe/London") -> list[Span]:
    """Every date/time mention as a ``datetime`` span: ISO 8601 value with offset,
    ``extra={"has_time": bool}`` plus ``"until"`` (ISO 8601) when it is a window."""
    return [
        Span("datetime", m.value.isoformat(), m.start, m.end, text[m.start:m.end], EXTRACTOR,
             extra={"has_time": m.has_time, **({"until": m.until.isoformat()} if m.until else {})})
        for m in _mentions(text, now, tz)
    ]
