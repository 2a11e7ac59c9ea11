"""Schedules: what a lead types, in London wall time across the clock changes, finite, never 01:00-02:00;
and the stand-in quiet hours the sends use until the shared one is merged."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.campaigns.schedule import ScheduleError, every, once, parse_clock, parse_days, parse_moment, season_dates
from bot.delivery.quiet_hours import next_allowed
from campaign_support import LONDON, local, rules_for


@pytest.mark.parametrize("typed, expected", [
    ("friday", "FR"), ("Fridays", "FR"), ("fri", "FR"), ("mon,thu", "MO,TH"), ("monday and thursday", "MO,TH"),
    ("weekdays", "MO,TU,WE,TH,FR"),
])
def test_days_as_a_lead_types_them(typed, expected):
    assert ",".join(str(day) for day in parse_days(typed)) == expected


def test_every_day_and_nonsense():
    assert parse_days("Daily") is None and parse_days("day") is None
    with pytest.raises(ScheduleError, match="'fryday' is not a day of the week"):
        parse_days("fryday")
    with pytest.raises(ScheduleError, match="not a time like 10:00"):
        parse_clock("ten")
    with pytest.raises(ScheduleError, match="like 2026-12-04 10:00"):
        parse_moment("next friday")


def test_every_friday_at_ten_from_the_first_to_the_twenty_fourth_of_december():
    schedule = every(parse_days("friday"), time(10), date(2026, 12, 1), date(2026, 12, 24))
    assert schedule.times(LONDON) == [local(2026, 12, 4, 10), local(2026, 12, 11, 10), local(2026, 12, 18, 10)]
    assert schedule.describe(LONDON) == "3 send(s): Fri 4 Dec 2026 10:00, Fri 11 Dec 2026 10:00, Fri 18 Dec 2026 10:00"
    assert "RRULE:FREQ=WEEKLY" in schedule.rule and "BYDAY=FR" in schedule.rule and schedule.problems() == []


def test_ten_oclock_stays_ten_oclock_in_london_when_the_clocks_go_back():
    schedule = every(parse_days("sunday"), time(10), date(2026, 10, 18), date(2026, 11, 1))
    assert [t.hour for t in schedule.times(LONDON)] == [9, 10, 10]  # BST, then GMT from 25 October
    assert [t.astimezone(LONDON).hour for t in schedule.times(LONDON)] == [10, 10, 10]


def test_no_send_between_one_and_two_and_no_endless_or_backwards_schedules():
    assert "between 01:00 and 02:00" in " ".join(once(datetime(2026, 10, 25, 1, 30)).problems())
    with pytest.raises(ScheduleError, match="before the start"):
        every(None, time(10), date(2026, 12, 24), date(2026, 12, 1))
    assert "more than 60 sends" in " ".join(every(None, time(10), date(2026, 1, 1), date(2026, 12, 31)).problems())
    assert "spread over 0 to 720 minutes" in " ".join(once(datetime(2026, 12, 4, 10), spread_minutes=1000).problems())


def test_a_preset_season_is_the_next_one_not_yet_over():
    assert season_dates("12-01", "12-24", date(2026, 11, 30)) == (date(2026, 12, 1), date(2026, 12, 24))
    assert season_dates("12-01", "12-24", date(2026, 12, 10)) == (date(2026, 12, 1), date(2026, 12, 24))
    assert season_dates("12-01", "12-24", date(2026, 12, 27)) == (date(2027, 12, 1), date(2027, 12, 24))
    assert season_dates("12-15", "01-05", date(2027, 1, 2)) == (date(2026, 12, 15), date(2027, 1, 5))


@pytest.mark.parametrize("moment, allowed", [
    (local(2026, 12, 8, 20, 59), local(2026, 12, 8, 20, 59)),
    (local(2026, 12, 8, 21, 0), local(2026, 12, 9, 8, 0)),
    (local(2026, 12, 9, 3, 0), local(2026, 12, 9, 8, 0)),
    (local(2026, 12, 9, 8, 0), local(2026, 12, 9, 8, 0)),
    (local(2026, 10, 24, 22, 0), local(2026, 10, 25, 8, 0)),  # BST evening, GMT morning: still 08:00 local
    (local(2026, 3, 28, 23, 0), local(2026, 3, 29, 8, 0)),  # the night the clocks go forward
])
def test_campaign_rules_keep_the_service_quiet_hours(moment, allowed, settings):
    """Campaigns read the one quiet-hours rule through their own rules (21:00 to 08:00 by default)."""
    assert next_allowed(moment, rules_for(settings)) == allowed
