"""Quiet hours: nothing that can wait arrives between 21:00 and 08:00 London time, and 08:00 means 08:00
on the clock on the nights the clocks change (October: back an hour; March: forward an hour)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.config import Settings
from bot.delivery.quiet_hours import next_allowed
from evidence_support import LONDON, london

SETTINGS = Settings(_env_file=None)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two moments (Python subtracts wall clocks when both share a zone)."""
    return end.astimezone(timezone.utc) - start.astimezone(timezone.utc)


@pytest.mark.parametrize(("moment", "expected"), [
    (london(2026, 11, 23, 20, 30), london(2026, 11, 23, 20, 30)),  # still allowed
    (london(2026, 11, 23, 20, 59), london(2026, 11, 23, 20, 59)),
    (london(2026, 11, 23, 21, 0), london(2026, 11, 24, 8, 0)),  # quiet from 21:00 on the dot
    (london(2026, 11, 23, 23, 30), london(2026, 11, 24, 8, 0)),
    (london(2026, 11, 24, 0, 0), london(2026, 11, 24, 8, 0)),  # after midnight: the same morning
    (london(2026, 11, 24, 3, 15), london(2026, 11, 24, 8, 0)),
    (london(2026, 11, 24, 7, 59), london(2026, 11, 24, 8, 0)),
    (london(2026, 11, 24, 8, 0), london(2026, 11, 24, 8, 0)),  # allowed again from 08:00
    (london(2026, 7, 4, 22, 0), london(2026, 7, 5, 8, 0)),  # summer time
])
def test_quiet_moments_move_to_eight_next_morning_and_others_stay(moment, expected):
    assert next_allowed(moment, SETTINGS) == expected


def test_the_saturday_night_the_clocks_go_back_ends_at_eight_gmt():
    # Sunday 25 October 2026: 02:00 BST becomes 01:00 GMT. A 22:00 BST Saturday reminder goes at 08:00 GMT.
    moment = london(2026, 10, 24, 22, 0)
    allowed = next_allowed(moment, SETTINGS)
    assert allowed.astimezone(LONDON).strftime("%a %d %b %H:%M %Z") == "Sun 25 Oct 08:00 GMT"
    assert allowed.astimezone(timezone.utc).hour == 8
    assert elapsed(moment, allowed) == timedelta(hours=11)  # the night is an hour longer


def test_the_saturday_night_the_clocks_go_forward_ends_at_eight_bst():
    # Sunday 28 March 2027: 01:00 GMT becomes 02:00 BST. A 22:00 GMT Saturday reminder goes at 08:00 BST.
    moment = london(2027, 3, 27, 22, 0)
    allowed = next_allowed(moment, SETTINGS)
    assert allowed.astimezone(LONDON).strftime("%a %d %b %H:%M %Z") == "Sun 28 Mar 08:00 BST"
    assert allowed.astimezone(timezone.utc).hour == 7
    assert elapsed(moment, allowed) == timedelta(hours=9)  # the night is an hour shorter


def test_moments_inside_the_repeated_and_the_skipped_hour_are_quiet():
    repeated = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # 01:30 BST, the first time round
    again = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 01:30 GMT, the second time round
    for moment in (repeated, again):
        assert next_allowed(moment, SETTINGS).astimezone(LONDON).strftime("%d %H:%M %Z") == "25 08:00 GMT"
    skipped = datetime(2027, 3, 28, 1, 30, tzinfo=timezone.utc)  # 02:30 BST, just after the jump
    assert next_allowed(skipped, SETTINGS).astimezone(LONDON).strftime("%d %H:%M %Z") == "28 08:00 BST"


def test_the_answer_keeps_the_timezone_it_was_given_and_naive_times_are_refused():
    moment = datetime(2026, 11, 23, 22, 0, tzinfo=timezone.utc)
    assert next_allowed(moment, SETTINGS).tzinfo is timezone.utc
    with pytest.raises(ValueError):
        next_allowed(datetime(2026, 11, 23, 22, 0), SETTINGS)


def test_quiet_hours_are_settings():
    late = SETTINGS.model_copy(update={"quiet_hours_start": "22:30", "quiet_hours_end": "07:00"})
    assert next_allowed(london(2026, 11, 23, 22, 0), late) == london(2026, 11, 23, 22, 0)
    assert next_allowed(london(2026, 11, 23, 22, 30), late) == london(2026, 11, 24, 7, 0)
    lunch = SETTINGS.model_copy(update={"quiet_hours_start": "12:00", "quiet_hours_end": "13:30"})
    assert next_allowed(london(2026, 11, 23, 12, 10), lunch) == london(2026, 11, 23, 13, 30)
    assert next_allowed(london(2026, 11, 23, 23, 0), lunch) == london(2026, 11, 23, 23, 0)
    never = SETTINGS.model_copy(update={"quiet_hours_start": "21:00", "quiet_hours_end": "21:00"})
    assert next_allowed(london(2026, 11, 23, 23, 0), never) == london(2026, 11, 23, 23, 0)


@pytest.mark.parametrize("value", ["9pm", "25:00", "21", "21:0"])
def test_a_mistyped_quiet_hour_is_refused_at_start_up(value):
    with pytest.raises(ValueError):
        Settings(_env_file=None, quiet_hours_start=value)
