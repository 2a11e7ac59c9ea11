"""Stand-in for ``bot.delivery.quiet_hours.next_allowed`` (the cctv helper is writing the real one).

TODO(lead): replace with bot.delivery.quiet_hours.next_allowed (it reads the quiet-hours settings, so
``CampaignRules`` will need ``quiet_hours_start`` and ``quiet_hours_end``), and delete this module.
Nothing that can wait arrives between 21:00 and 08:00 local time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


class HasTimezone(Protocol):
    @property
    def timezone(self) -> str: ...


def next_allowed(moment: datetime, settings: HasTimezone) -> datetime:
    """``moment`` if it is outside the quiet hours, else 08:00 local time when they end (same zone as given)."""
    zone = ZoneInfo(settings.timezone)
    local = moment.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    end = datetime.combine(day, QUIET_UNTIL, tzinfo=zone).astimezone(timezone.utc)
    return end.astimezone(moment.tzinfo)
