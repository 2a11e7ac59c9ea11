"""What the scheduler does every minute: send each campaign occurrence that is due, or record it as missed.

Occurrences are rows with a status, so nothing depends on APScheduler remembering anything: a
process that starts after downtime finds the sends it slept through. One found within
``campaign_misfire_grace_minutes`` of its time goes late; one found later is marked missed (with
the reason, a WARNING log line and an audit row), never dropped silently. One whose campaign is
waiting for approval again waits out the same grace. A send is claimed by one conditional
UPDATE, so two processes (the scheduler and ``bizwatch alerts send``) never both send it, and a
send whose process died part-way (its lease ran out) is finished by the next wake, its outbox keys
making sure nobody gets it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.campaigns.audience import AudienceSpec
from bot.campaigns.fanout import LEASE, FanOut, Progress, SendPlan, fan_out
from bot.campaigns.lifecycle import SCHEDULER, Occurrence, Status, outbox_key, record
from bot.campaigns.rules import CampaignRules
from bot.delivery.outbox import Purpose
from bot.storage.models import Campaign, CampaignOccurrence, OutboxMessage

log = logging.getLogger(__name__)
LIVE = frozenset({Status.SCHEDULED.value, Status.SENDING.value})


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one occurrence on this wake."""

    campaign_id: int
    occurrence_id: int
    status: str  # sent | missed | cancelled
    audience: int = 0
    capped: int = 0
    queued: int = 0
    note: str | None = None


def send_due(sessions: sessionmaker[Session], rules: CampaignRules, clock: Callable[[], datetime],
             *, campaign_id: int | None = None, progress: Progress | None = None) -> list[SendOutcome]:
    """Send (or mark missed) every occurrence due now; ``campaign_id`` limits it to one campaign."""
    now = clock()
    query = select(CampaignOccurrence.id).where(or_(
        and_(CampaignOccurrence.status == Occurrence.PENDING.value, CampaignOccurrence.due_at <= now),
        and_(CampaignOccurrence.status == Occurrence.SENDING.value, CampaignOccurrence.lease_until < now),
    )).order_by(CampaignOccurrence.due_at, CampaignOccurrence.id)
    if campaign_id is not None:
        query = query.where(CampaignOccurrence.campaign_id == campaign_id)
    with sessions() as session:
        due = list(session.scalars(query))
    outcomes = []
    for occurrence_id in due:
        claimed = _claim(sessions, occurrence_id, rules, now)
        if isinstance(claimed, SendPlan):
            result = fan_out(sessions, claimed, rules, clock, progress)
            claimed = _finish(sessions, claimed, result, clock())
        if claimed is not None:
            outcomes.append(claimed)
    return outcomes


def _claim(sessions: sessionmaker[Session], occurrence_id: int, rules: CampaignRules,
           now: datetime) -> SendPlan | SendOutcome | None:
    """Take the occurrence for sending (a plan), record it missed (an outcome), or leave it (None)."""
    with sessions.begin() as session:
        occurrence = session.get(CampaignOccurrence, occurrence_id)
        campaign = session.get(Campaign, occurrence.campaign_id) if occurrence else None
        if occurrence is None or campaign is None:
            return None
        late = now - occurrence.due_at > rules.grace
        if occurrence.status == Occurrence.PENDING.value:
            if campaign.status not in LIVE:
                return _miss(session, campaign, occurrence, now, "it was waiting for approval at its time") \
                    if late else None
            if late:
                return _miss(session, campaign, occurrence, now,
                             f"the service was not running within {rules.campaign_misfire_grace_minutes} "
                             "minutes of its time")
        claimed = session.execute(update(CampaignOccurrence).where(
            CampaignOccurrence.id == occurrence_id,
            or_(CampaignOccurrence.status == Occurrence.PENDING.value,
                and_(CampaignOccurrence.status == Occurrence.SENDING.value, CampaignOccurrence.lease_until < now)),
        ).values(status=Occurrence.SENDING.value, lease_until=now + LEASE, version=campaign.version,
                 started_at=occurrence.started_at or now).execution_options(synchronize_session=False)).rowcount
        if not claimed:
            return None
        if campaign.status == Status.SCHEDULED.value:
            record(session, campaign, "sending", SCHEDULER, Status.SCHEDULED, Status.SENDING, now)
        return SendPlan(
            campaign_id=campaign.id, occurrence_id=occurrence.id, key=outbox_key(campaign.id, occurrence.id),
            purpose=Purpose.ALERT if campaign.kind == "alert" else Purpose.CAMPAIGN,
            urgent=campaign.priority == "urgent",
            audience=AudienceSpec(tuple(campaign.topics), tuple(campaign.areas), tuple(campaign.sectors),
                                  tuple(campaign.channels)),
            texts={"sms": campaign.sms_template, "chat": campaign.chat_template}, articles=tuple(campaign.articles),
            start=occurrence.started_at or now, spread_minutes=campaign.spread_minutes)


def _miss(session: Session, campaign: Campaign, occurrence: CampaignOccurrence, now: datetime,
          reason: str) -> SendOutcome:
    occurrence.status = Occurrence.MISSED.value
    occurrence.finished_at = now
    occurrence.note = f"missed: {reason}"
    status = Status(campaign.status)
    record(session, campaign, "missed", SCHEDULER, status, status, now,
           note=f"send due {occurrence.due_at:%Y-%m-%d %H:%M} UTC missed: {reason}")
    log.warning("campaign %d: send %d missed (%s)", campaign.id, occurrence.id, reason)
    _settle(session, campaign, now)
    return SendOutcome(campaign.id, occurrence.id, Occurrence.MISSED.value, note=occurrence.note)


def _finish(sessions: sessionmaker[Session], plan: SendPlan, result: FanOut, now: datetime) -> SendOutcome:
    """Record the send's figures and move the campaign on (back to scheduled, or sent after the last)."""
    with sessions.begin() as session:
        occurrence = session.get_one(CampaignOccurrence, plan.occurrence_id)
        campaign = session.get_one(Campaign, plan.campaign_id)
        queued = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.idempotency_key == plan.key)) or 0
        occurrence.audience, occurrence.capped, occurrence.queued = result.audience, result.capped, queued
        if occurrence.status == Occurrence.SENDING.value:
            occurrence.status = Occurrence.SENT.value
            occurrence.finished_at = now
            occurrence.lease_until = None
        log.info("campaign %d: send %d %s: %d matching, %d capped, %d queued", campaign.id, occurrence.id,
                 occurrence.status, result.audience, result.capped, queued)
        _settle(session, campaign, now)
        return SendOutcome(campaign.id, occurrence.id, occurrence.status, result.audience, result.capped, queued)


def _settle(session: Session, campaign: Campaign, now: datetime) -> None:
    """After a send (or a miss): a sending campaign goes back to scheduled, or to sent when none is left."""
    if campaign.status not in LIVE:
        return
    session.flush()
    left = session.scalar(select(func.count()).select_from(CampaignOccurrence).where(
        CampaignOccurrence.campaign_id == campaign.id,
        CampaignOccurrence.status.in_((Occurrence.PENDING.value, Occurrence.SENDING.value)))) or 0
    status = Status(campaign.status)
    if left == 0:
        record(session, campaign, "sent", SCHEDULER, status, Status.SENT, now, note="no sends left")
    elif status is Status.SENDING:
        record(session, campaign, "sent", SCHEDULER, status, Status.SCHEDULED, now,
               note=f"{left} send(s) to come")
