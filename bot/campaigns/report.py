"""What each send of a campaign did, read from the outbox (the one record of what was sent).

Per occurrence: the audience at send time and how many their weekly cap left out (kept on the
occurrence), then from its outbox rows: queued, still waiting, sent, delivered, failed or
undelivered by error code, cancelled; recipients who opted out (STOP, or unsubscribed) since
their message was queued; and replies: messages those recipients sent us after theirs went out
and before the next send began (each inbound message handled is one reply row in the outbox).
Replies need nothing of their own: they reach the conversation as any message does. A message
not read (a carrier word such as STOP, or a text from a number that has stopped) is recorded as
handled with nothing to send, cancelled at once: it is not a reply, and a STOP is counted where
it belongs, among the opt-outs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.campaigns.lifecycle import outbox_key
from bot.delivery.outbox import Purpose, Status
from bot.storage.models import Campaign, CampaignOccurrence, Contact, OutboxMessage, Subscription

WAITING = frozenset({Status.QUEUED.value, Status.HELD.value, Status.SENDING.value})
REACHED_PROVIDER = frozenset({Status.SENT.value, Status.DELIVERED.value, Status.UNDELIVERED.value})
FAILED = frozenset({Status.FAILED.value, Status.UNDELIVERED.value})


@dataclass
class SendReport:
    """The figures for one occurrence."""

    occurrence_id: int
    due_at: datetime
    status: str
    started_at: datetime | None
    audience: int | None
    capped: int | None
    queued: int = 0
    waiting: int = 0
    sent: int = 0
    delivered: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    opted_out_since: int = 0
    replies: int = 0
    note: str | None = None

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())


def campaign_report(session: Session, campaign: Campaign) -> list[SendReport]:
    """One ``SendReport`` per occurrence, in time order."""
    occurrences = list(session.scalars(select(CampaignOccurrence).where(
        CampaignOccurrence.campaign_id == campaign.id).order_by(CampaignOccurrence.due_at)))
    reports = []
    for position, occurrence in enumerate(occurrences):
        later = [o.started_at for o in occurrences[position + 1:] if o.started_at is not None]
        reports.append(_one(session, campaign, occurrence, until=later[0] if later else None))
    return reports


def _one(session: Session, campaign: Campaign, occurrence: CampaignOccurrence, until: datetime | None) -> SendReport:
    key = outbox_key(campaign.id, occurrence.id)
    report = SendReport(occurrence.id, occurrence.due_at, occurrence.status, occurrence.started_at,
                        occurrence.audience, occurrence.capped, note=occurrence.note)
    rows = session.execute(select(OutboxMessage.status, OutboxMessage.error_code,
                                  OutboxMessage.sent_at.is_not(None), func.count())
                           .where(OutboxMessage.idempotency_key == key)
                           .group_by(OutboxMessage.status, OutboxMessage.error_code, OutboxMessage.sent_at.is_not(None)))
    for status, error_code, was_sent, count in rows:
        report.queued += count
        report.waiting += count if status in WAITING else 0
        report.sent += count if was_sent or status in REACHED_PROVIDER else 0
        report.delivered += count if status == Status.DELIVERED.value else 0
        report.cancelled += count if status == Status.CANCELLED.value else 0
        if status in FAILED:
            code = error_code or status
            report.failed[code] = report.failed.get(code, 0) + count
    if report.queued:
        report.opted_out_since = _opted_out_since(session, key)
        report.replies = _replies(session, key, until)
    return report


def _opted_out_since(session: Session, key: str) -> int:
    """Recipients who said STOP, or unsubscribed, after their message was queued."""
    sent = OutboxMessage
    stopped = select(Contact.id).where(Contact.channel == sent.channel, Contact.address == sent.address,
                                       Contact.opted_out_at >= sent.created_at).exists()
    left = select(Subscription.id).where(Subscription.channel == sent.channel, Subscription.address == sent.address,
                                         Subscription.unsubscribed_at >= sent.created_at).exists()
    return session.scalar(select(func.count()).select_from(sent).where(
        sent.idempotency_key == key, or_(stopped, left))) or 0


def _replies(session: Session, key: str, until: datetime | None) -> int:
    """Messages recipients sent us after theirs went out (before the next send began), read by the service."""
    sent, reply = OutboxMessage, aliased(OutboxMessage)
    conditions = [sent.idempotency_key == key, reply.purpose == Purpose.REPLY.value,
                  reply.status != Status.CANCELLED.value, reply.created_at >= func.coalesce(sent.sent_at, sent.due_at)]
    if until is not None:
        conditions.append(reply.created_at < until)
    return session.scalar(select(func.count()).select_from(sent).join(
        reply, and_(reply.channel == sent.channel, reply.address == sent.address)).where(*conditions)) or 0


def as_dicts(reports: list[SendReport]) -> list[dict[str, Any]]:
    out = []
    for report in reports:
        row = asdict(report)
        row["failed_total"] = report.failed_total
        for moment in ("due_at", "started_at"):
            row[moment] = row[moment].isoformat() if row[moment] else None
        out.append(row)
    return out


CSV_COLUMNS = ("occurrence_id", "due_at", "status", "started_at", "audience", "capped", "queued", "waiting", "sent",
               "delivered", "failed_total", "failed", "cancelled", "opted_out_since", "replies", "note")


def as_csv(campaign: Campaign, reports: list[SendReport]) -> str:
    """One row per send; ``failed`` lists error codes as code:count;code:count."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=("campaign_id", "campaign", *CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in as_dicts(reports):
        row["failed"] = ";".join(f"{code}:{count}" for code, count in sorted(row["failed"].items()))
        writer.writerow({"campaign_id": campaign.id, "campaign": campaign.name, **{c: row[c] for c in CSV_COLUMNS}})
    return buffer.getvalue()
