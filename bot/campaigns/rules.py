"""The settings a send needs, as plain values: the scheduler job's arguments (jobs take no live objects)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.campaigns.rendering import TextLimits
from bot.config import Settings


@dataclass(frozen=True)
class CampaignRules:
    """Local time, the quiet hours, how late a missed send may still go, the SMS cap and the opt-out line
    (names match Settings, so ``bot.delivery.quiet_hours.next_allowed`` reads these rules as it reads settings)."""

    timezone: str
    quiet_hours_start: str
    quiet_hours_end: str
    campaign_misfire_grace_minutes: int
    campaign_sms_max_segments: int
    campaign_opt_out_line: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "CampaignRules":
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})

    def as_kwargs(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.campaign_misfire_grace_minutes)

    def text_limits(self) -> TextLimits:
        return TextLimits(footer=self.campaign_opt_out_line, max_sms_segments=self.campaign_sms_max_segments)
