"""Quiet hours: no update reaches a reporter between 21:00 and 08:00 London time, across the clock changes.

The one quiet-hours rule (``bot.delivery.quiet_hours.next_allowed``), as status updates use it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.delivery.quiet_hours import next_allowed

LONDON = ZoneInfo("Europe/London")
DEFAULTS = Settings(_env_file=None)


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


@pytest.mark.parametrize(("moment", "allowed"), [
    (london(2026, 11, 23, 21, 30), london(2026, 11, 24, 8, 0)),   # evening -> next morning
    (london(2026, 11, 24, 7, 59), london(2026, 11, 24, 8, 0)),    # a minute early -> 08:00 the same day
    (london(2026, 11, 24, 0, 15), london(2026, 11, 24, 8, 0)),    # after midnight -> the same morning
    (london(2026, 11, 23, 21, 0), london(2026, 11, 24, 8, 0)),    # 21:00 itself is quiet
    (london(2026, 11, 24, 8, 0), london(2026, 11, 24, 8, 0)),     # 08:00 itself is allowed
    (london(2026, 11, 24, 20, 59), london(2026, 11, 24, 20, 59)),  # still the evening
    (london(2026, 11, 24, 12, 0), london(2026, 11, 24, 12, 0)),
], ids=["21:30", "07:59", "00:15", "21:00", "08:00", "20:59", "noon"])
def test_quiet_hours_move_a_message_to_eight_in_the_morning(moment, allowed):
    assert next_allowed(moment, DEFAULTS) == allowed


def test_the_october_change_still_gives_eight_oclock_local():
    # Clocks go back at 02:00 BST on Sunday 25 October 2026: 21:30 BST is 20:30 UTC, 08:00 GMT is 08:00 UTC,
    # eleven and a half hours later (ten and a half plus the hour gained).
    evening = london(2026, 10, 24, 21, 30)
    assert evening.utcoffset().total_seconds() == 3600
    allowed = next_allowed(evening, DEFAULTS)
    assert allowed == datetime(2026, 10, 25, 8, 0, tzinfo=timezone.utc)
    assert allowed.astimezone(LONDON).hour == 8 and (allowed.astimezone(timezone.utc) - evening.astimezone(timezone.utc)).total_seconds() == 11.5 * 3600
    # In the repeated hour itself (01:30 happens twice), still 08:00 GMT.
    for fold in (0, 1):
        assert next_allowed(london(2026, 10, 25, 1, 30).replace(fold=fold), DEFAULTS) == \
            datetime(2026, 10, 25, 8, 0, tzinfo=timezone.utc)


def test_the_march_change_still_gives_eight_oclock_local():
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026: 08:00 BST is 07:00 UTC, nine and a half hours on.
    evening = london(2026, 3, 28, 21, 30)
    allowed = next_allowed(evening, DEFAULTS)
    assert allowed == datetime(2026, 3, 29, 7, 0, tzinfo=timezone.utc)
    assert allowed.astimezone(LONDON).hour == 8 and (allowed.astimezone(timezone.utc) - evening.astimezone(timezone.utc)).total_seconds() == 9.5 * 3600
    assert next_allowed(datetime(2026, 3, 29, 6, 59, tzinfo=timezone.utc), DEFAULTS) == \
        datetime(2026, 3, 29, 7, 0, tzinfo=timezone.utc)


def test_the_hours_come_from_settings_and_equal_hours_mean_none():
    later = SimpleNamespace(timezone="Europe/London", quiet_hours_start="22:30", quiet_hours_end="07:00")
    assert next_allowed(london(2026, 11, 23, 22, 0), later) == london(2026, 11, 23, 22, 0)
    assert next_allowed(london(2026, 11, 23, 22, 45), later) == london(2026, 11, 24, 7, 0)
    lunch = SimpleNamespace(timezone="Europe/London", quiet_hours_start="12:00", quiet_hours_end="14:00")
    assert next_allowed(london(2026, 11, 23, 13, 0), lunch) == london(2026, 11, 23, 14, 0)
    assert next_allowed(london(2026, 11, 23, 23, 0), lunch) == london(2026, 11, 23, 23, 0)
    never = SimpleNamespace(timezone="Europe/London", quiet_hours_start="08:00", quiet_hours_end="08:00")
    assert next_allowed(london(2026, 11, 23, 3, 0), never) == london(2026, 11, 23, 3, 0)
