"""One send of a campaign: resolve the audience now, render each message, queue them in the outbox in batches.

Each message's idempotency key is the send's (campaign and occurrence); the outbox makes it
unique per channel and address, so a send repeated or resumed after a crash never queues anyone
twice. Before each batch the send renews its lease and checks it has not been cancelled. A normal
send's messages are due no earlier than the end of the quiet hours; an urgent one's are due at
once and marked urgent. A window (``spread_minutes``) spaces the messages evenly over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.campaigns.audience import AudienceSpec, resolve
from bot.campaigns.lifecycle import Occurrence
from bot.campaigns.rendering import Renderer, advice_items
from bot.campaigns.rules import CampaignRules
from bot.delivery.outbox import Purpose, proactive_row, queue_many
from bot.delivery.quiet_hours import next_allowed
from bot.messages import Outbound
from bot.storage.models import CampaignOccurrence

BATCH = 1000
LEASE = timedelta(minutes=5)
#: Called after each batch with (messages just handled, audience size), for a progress bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SendPlan:
    """What one send needs from its campaign, read once when it is claimed."""

    campaign_id: int
    occurrence_id: int
    key: str
    purpose: Purpose
    urgent: bool
    audience: AudienceSpec
    texts: dict[str, str]
    articles: tuple[str, ...]
    start: datetime
    spread_minutes: int


@dataclass(frozen=True)
class FanOut:
    """What a send did: subscribers matching, left out by their cap; whether it stopped early because it
    was cancelled (the outbox itself says how many messages were queued)."""

    audience: int
    capped: int
    stopped: bool = False


def fan_out(sessions: sessionmaker[Session], plan: SendPlan, rules: CampaignRules, clock: Callable[[], datetime],
            progress: Progress | None = None) -> FanOut:
    """Queue the send's messages; see the module docstring."""
    now = clock()
    with sessions() as session:
        audience = resolve(session, plan.audience, now, rules.zone, ignore_cap=plan.urgent, this_send=plan.key)
    renderer = Renderer(plan.texts, advice_items(plan.articles), rules.text_limits())
    recipients = audience.recipients
    step = timedelta(minutes=plan.spread_minutes) / len(recipients) if recipients else timedelta(0)
    for first in range(0, len(recipients), BATCH):
        batch = recipients[first:first + BATCH]
        rows = []
        for position, recipient in enumerate(batch, start=first):
            due_at = plan.start + step * position
            if not plan.urgent:
                due_at = next_allowed(due_at, rules)
            text = renderer.text(recipient.channel, recipient.business_name, recipient.area)
            rows.append(proactive_row(channel=recipient.channel, address=recipient.address, key=plan.key,
                                   purpose=plan.purpose, messages=[Outbound(text)], now=now, due_at=due_at,
                                   urgent=plan.urgent))
        with sessions.begin() as session:
            if not _renew(session, plan.occurrence_id, clock() + LEASE):
                return FanOut(audience.matched, audience.capped, stopped=True)
            queue_many(session, rows)
        if progress is not None:
            progress(len(batch), len(recipients))
    return FanOut(audience.matched, audience.capped)


def _renew(session: Session, occurrence_id: int, until: datetime) -> bool:
    """Extend the send's lease; False if it is no longer sending (cancelled)."""
    return bool(session.execute(update(CampaignOccurrence).where(
        CampaignOccurrence.id == occurrence_id, CampaignOccurrence.status == Occurrence.SENDING.value,
    ).values(lease_until=until).execution_options(synchronize_session=False)).rowcount)
