"""What a lead sees before approving: each text as a sample recipient gets it, its SMS cost, who it reaches
now, and how long sending would take at the channels' rate limits.

The sample recipient has a business name as long as any recipient's will be on SMS, so the SMS
shown is the longest anyone gets. The time to send is per channel (messages, times SMS segments,
over the channel's rate); channels send side by side, so the send takes as long as the slowest,
or the window it is spread over if that is longer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from limits import parse_many
from sqlalchemy.orm import Session

from bot.campaigns import vocabulary
from bot.campaigns.audience import resolve
from bot.campaigns.lifecycle import draft_of
from bot.campaigns.rendering import SMS_CHANNELS, TextLimits, advice_items, sample_text, template_kind
from bot.campaigns.rules import CampaignRules
from bot.campaigns.templates import SmsSize
from bot.storage.models import Campaign

def per_second(limit: str) -> float:
    """The slowest of a limits string's rates, per second ("30/second" -> 30.0, "600/minute" -> 10.0)."""
    return min(item.amount / item.get_expiry() for item in parse_many(limit))


@dataclass(frozen=True)
class TextPreview:
    kind: str  # sms | chat
    channels: tuple[str, ...]
    text: str
    sms: SmsSize | None = None


@dataclass
class Preview:
    campaign_id: int
    name: str
    status: str
    priority: str
    schedule: str
    audience_spec: str
    texts: list[TextPreview]
    audience: int
    capped: int
    by_channel: dict[str, int] = field(default_factory=dict)
    seconds_by_channel: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.campaign_id, "name": self.name, "status": self.status, "priority": self.priority,
            "schedule": self.schedule, "audience_spec": self.audience_spec,
            "texts": [{"kind": t.kind, "channels": list(t.channels), "text": t.text,
                       **({"sms": {"segments": t.sms.segments, "encoding": t.sms.encoding, "length": t.sms.length,
                                   "outside_gsm7": list(t.sms.outside_gsm7)}} if t.sms else {})}
                      for t in self.texts],
            "audience": self.audience, "capped": self.capped, "by_channel": self.by_channel,
            "seconds_by_channel": self.seconds_by_channel, "seconds_to_send": self.seconds,
        }


def preview(session: Session, campaign: Campaign, rules: CampaignRules, rates: dict[str, str],
            now: datetime) -> Preview:
    draft = draft_of(campaign)
    limits: TextLimits = rules.text_limits()
    advice = advice_items(draft.articles)
    area = draft.audience.areas[0] if draft.audience.areas else None
    channels = draft.audience.channels or vocabulary.CHANNELS
    texts = []
    for kind, source in (("sms", draft.sms_text), ("chat", draft.chat_text)):
        reached = tuple(c for c in channels if template_kind(c) == kind)
        if reached and source.strip():
            text = sample_text(source, kind, advice, limits, area)
            texts.append(TextPreview(kind, reached, text, SmsSize.of(text) if kind == "sms" else None))
    audience = resolve(session, draft.audience, now, rules.zone, ignore_cap=draft.urgent)
    by_channel = dict(sorted(audience.by_channel().items()))
    sms_segments = next((t.sms.segments for t in texts if t.sms), 1)
    seconds = {channel: count * (sms_segments if channel in SMS_CHANNELS else 1) / per_second(rates[channel])
               for channel, count in by_channel.items() if channel in rates}
    slowest = max(seconds.values(), default=0.0)
    return Preview(campaign.id, campaign.name, campaign.status, campaign.priority,
                   draft.schedule.describe(rules.zone), draft.audience.describe(), texts, len(audience.recipients),
                   audience.capped, by_channel, seconds, max(slowest, draft.schedule.spread_minutes * 60.0))
