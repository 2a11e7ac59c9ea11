"""A campaign's life: draft -> submitted -> approved -> scheduled -> sending -> sent, or cancelled.

Nothing is sent until a second person approves: the approver may not be anyone who created,
edited or submitted the version being approved (names compared ignoring case and spacing), unless
``campaign_single_approver`` is set for a one-person deployment. Editing a campaign after it was
submitted makes a new version that needs approving again (it goes back to submitted, the editor
counting as its submitter); sends already made stay as they were. Every change of status, and
every edit, is a ``campaign_events`` row saying who and when. The scheduler moves a campaign
between scheduled and sending for each send and to sent after the last one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.campaigns.audience import AudienceSpec
from bot.campaigns.rendering import TextLimits, advice_items, check_texts, template_kind, unknown_articles
from bot.campaigns.schedule import Schedule
from bot.delivery.outbox import Status as OutboxStatus
from bot.storage.models import Campaign, CampaignEvent, CampaignOccurrence, OutboxMessage

SCHEDULER = "scheduler"  # the name recorded for what the scheduler does
MAX_NAME_CHARS = 120


class Status(str, Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class Occurrence(str, Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    MISSED = "missed"
    CANCELLED = "cancelled"


EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.SCHEDULED})
FINISHED = frozenset({Status.SENT, Status.CANCELLED})
OCCURRENCE_DONE = frozenset({Occurrence.SENT, Occurrence.MISSED, Occurrence.CANCELLED})


class NotAllowed(Exception):
    """What the lead asked for is against the rules; the message says why and what to do."""


class DraftRefused(ValueError):
    """A campaign that cannot be saved as it is, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CampaignDraft:
    """Everything a lead writes: what is saved on create and on every edit."""

    name: str
    sms_text: str
    chat_text: str
    audience: AudienceSpec
    articles: tuple[str, ...]
    schedule: Schedule
    urgent: bool = False
    kind: str = "campaign"  # campaign | alert
    preset: str | None = None

    def replace(self, **changes: Any) -> "CampaignDraft":
        return dataclasses.replace(self, **changes)


def same_person(first: str, second: str) -> bool:
    """Whether two ``--by`` names are one person ("Sam Patel" and "sam  patel" are)."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def check_draft(draft: CampaignDraft, limits: TextLimits, *, sending_now: bool = False) -> list[str]:
    """Every problem with a draft, in words a lead can act on (texts with their line)."""
    problems = []
    if not draft.name.strip() or len(draft.name) > MAX_NAME_CHARS:
        problems.append(f"give the campaign a name of 1 to {MAX_NAME_CHARS} characters")
    problems += draft.audience.problems()
    problems += [f"there is no advice article {a!r} (see advice_content/articles)"
                 for a in unknown_articles(draft.articles)]
    schedule_problems = draft.schedule.problems()
    if sending_now:  # an alert goes now, whatever the hour
        schedule_problems = [p for p in schedule_problems if "01:00" not in p]
    problems += schedule_problems
    kinds = {template_kind(c) for c in draft.audience.channels} or {"sms", "chat"}
    texts = {"sms": draft.sms_text, "chat": draft.chat_text}
    for kind in sorted(kinds):
        if not texts[kind].strip():
            problems.append(f"write the {'SMS' if kind == 'sms' else 'chat'} text "
                            f"(or leave {'SMS' if kind == 'sms' else 'the chat channels'} out with --channel)")
    area = draft.audience.areas[0] if draft.audience.areas else None
    problems += [str(p) for p in check_texts({k: texts[k] for k in sorted(kinds)}, advice_items(draft.articles),
                                             limits, area=area)]
    return problems


def draft_of(campaign: Campaign) -> CampaignDraft:
    """A stored campaign as a draft (to edit it, or to preview it)."""
    return CampaignDraft(
        name=campaign.name, sms_text=campaign.sms_template, chat_text=campaign.chat_template,
        audience=AudienceSpec(tuple(campaign.topics), tuple(campaign.areas), tuple(campaign.sectors),
                              tuple(campaign.channels)),
        articles=tuple(campaign.articles), schedule=Schedule(campaign.schedule_rule, campaign.spread_minutes),
        urgent=campaign.priority == "urgent", kind=campaign.kind, preset=campaign.preset)


def create(session: Session, draft: CampaignDraft, by: str, now: datetime, limits: TextLimits,
           *, sending_now: bool = False) -> Campaign:
    """Save a new draft, or raise DraftRefused with every problem (nothing saved)."""
    by = _name(by)
    problems = check_draft(draft, limits, sending_now=sending_now)
    if problems:
        raise DraftRefused(problems)
    campaign = Campaign(status=Status.DRAFT.value, version=1, created_by=by, created_at=now, updated_at=now)
    _apply(campaign, draft)
    session.add(campaign)
    session.flush()
    record(session, campaign, "created", by, None, Status.DRAFT, now)
    return campaign


def edit(session: Session, campaign: Campaign, draft: CampaignDraft, by: str, now: datetime,
         limits: TextLimits) -> None:
    """Change a campaign; past draft, the new version needs approving again."""
    by = _name(by)
    status = Status(campaign.status)
    if status not in EDITABLE:
        raise NotAllowed(f"campaign {campaign.id} is {status.value} and can no longer be changed"
                         + (" (wait until this send has finished)" if status is Status.SENDING else ""))
    if draft == draft_of(campaign):
        raise NotAllowed("that changes nothing")
    problems = check_draft(draft, limits)
    if problems:
        raise DraftRefused(problems)
    _apply(campaign, draft)
    campaign.version += 1
    campaign.updated_at = now
    after = Status.DRAFT if status is Status.DRAFT else Status.SUBMITTED
    record(session, campaign, "edited", by, status, after, now,
           note=None if after is Status.DRAFT else "changed after submitting: needs approving again")


def submit(session: Session, campaign: Campaign, by: str, now: datetime) -> None:
    """Ask for approval."""
    _move(session, campaign, "submitted", _name(by), {Status.DRAFT}, Status.SUBMITTED, now)


def approve(session: Session, campaign: Campaign, by: str, now: datetime, *, single_approver: bool) -> None:
    """Approve the current version; by someone who did not write or submit it (unless one person may)."""
    by = _name(by)
    if not single_approver:
        writer = next((w for w in sorted(authors(session, campaign)) if same_person(by, w)), None)
        if writer is not None:
            raise NotAllowed(f"{writer} wrote or submitted this version: someone else must approve it "
                             "(BIZWATCH_CAMPAIGN_SINGLE_APPROVER=true allows one person for a one-person team)")
    _move(session, campaign, "approved", by, {Status.SUBMITTED}, Status.APPROVED, now)


def authors(session: Session, campaign: Campaign) -> set[str]:
    """Who created, edited or submitted the current version."""
    return set(session.scalars(select(CampaignEvent.by).where(
        CampaignEvent.campaign_id == campaign.id, CampaignEvent.version == campaign.version,
        CampaignEvent.action.in_(("created", "edited", "submitted")))))


@dataclass(frozen=True)
class Scheduled:
    """The sends a schedule made, and the rule's times already past (not sent)."""

    times: list[datetime]
    past: list[datetime]


def schedule(session: Session, campaign: Campaign, by: str, now: datetime, zone_name: str,
             *, at_once: bool = False) -> Scheduled:
    """Make a pending occurrence for each future time of the rule (``at_once``: one, now).

    A campaign approved again after an edit keeps the sends already made; pending ones no longer in
    the rule are removed and new times added.
    """
    by = _name(by)
    if Status(campaign.status) is not Status.APPROVED:
        raise NotAllowed(_wrong_status(campaign, "scheduled", {Status.APPROVED}))
    times = [now] if at_once else Schedule(campaign.schedule_rule, campaign.spread_minutes).times(ZoneInfo(zone_name))
    future = times if at_once else [t for t in times if t > now]
    if not future:
        raise NotAllowed("every time in this schedule has passed: edit the schedule first")
    existing = {o.due_at: o for o in session.scalars(
        select(CampaignOccurrence).where(CampaignOccurrence.campaign_id == campaign.id))}
    for due_at, occurrence in existing.items():
        if occurrence.status == Occurrence.PENDING.value and due_at not in future:
            session.delete(occurrence)
    for due_at in future:
        if due_at not in existing:
            session.add(CampaignOccurrence(campaign_id=campaign.id, due_at=due_at, status=Occurrence.PENDING.value))
    session.flush()
    _move(session, campaign, "scheduled", by, {Status.APPROVED}, Status.SCHEDULED, now)
    return Scheduled(times=future, past=[t for t in times if t <= now and t not in existing])


def cancel(session: Session, campaign: Campaign, by: str, now: datetime, note: str | None = None) -> int:
    """Stop a campaign: its sends to come are cancelled, and so are its messages not yet sent.

    Occurrences are updated before the outbox, so a send in progress (which checks its occurrence
    before each batch) either sees the cancellation or has its batch cancelled here.
    Returns how many queued messages were cancelled.
    """
    by = _name(by)
    status = Status(campaign.status)
    if status in FINISHED:
        raise NotAllowed(f"campaign {campaign.id} is already {status.value}")
    session.execute(update(CampaignOccurrence).where(
        CampaignOccurrence.campaign_id == campaign.id,
        CampaignOccurrence.status.in_((Occurrence.PENDING.value, Occurrence.SENDING.value)),
    ).values(status=Occurrence.CANCELLED.value, finished_at=now).execution_options(synchronize_session=False))
    stopped = session.execute(update(OutboxMessage).where(
        OutboxMessage.idempotency_key.like(f"{key_prefix(campaign.id)}%"),
        OutboxMessage.status.in_((OutboxStatus.QUEUED.value, OutboxStatus.HELD.value)),
    ).values(status=OutboxStatus.CANCELLED.value, updated_at=now).execution_options(synchronize_session=False))
    _move(session, campaign, "cancelled", by, set(Status) - FINISHED, Status.CANCELLED, now, note=note)
    return stopped.rowcount or 0


def key_prefix(campaign_id: int) -> str:
    return f"campaign:{campaign_id}:"


def outbox_key(campaign_id: int, occurrence_id: int) -> str:
    """The idempotency key of one send's messages (the outbox adds channel and address to it)."""
    return f"{key_prefix(campaign_id)}{occurrence_id}"


def record(session: Session, campaign: Campaign, action: str, by: str, from_status: Status | None,
           to_status: Status, now: datetime, note: str | None = None) -> None:
    """Write the audit row for a change (and set the status)."""
    campaign.status = to_status.value
    campaign.updated_at = now
    session.add(CampaignEvent(campaign_id=campaign.id, at=now, by=by, action=action,
                              from_status=from_status.value if from_status else None, to_status=to_status.value,
                              version=campaign.version, note=note))


def _move(session: Session, campaign: Campaign, action: str, by: str, allowed: set[Status], to: Status,
          now: datetime, note: str | None = None) -> None:
    status = Status(campaign.status)
    if status not in allowed:
        raise NotAllowed(_wrong_status(campaign, action, allowed))
    record(session, campaign, action, by, status, to, now, note)


def _wrong_status(campaign: Campaign, action: str, allowed: set[Status]) -> str:
    needed = " or ".join(sorted(s.value for s in allowed))
    return f"campaign {campaign.id} is {campaign.status}: it can be {action} only when it is {needed}"


def _name(by: str) -> str:
    name = " ".join((by or "").split())
    if not name or len(name) > 120:
        raise NotAllowed("say who you are with --by NAME")
    return name


def _apply(campaign: Campaign, draft: CampaignDraft) -> None:
    campaign.kind = draft.kind
    campaign.name = draft.name.strip()
    campaign.preset = draft.preset
    campaign.priority = "urgent" if draft.urgent else "normal"
    campaign.sms_template = draft.sms_text
    campaign.chat_template = draft.chat_text
    campaign.articles = list(draft.articles)
    campaign.topics = list(draft.audience.topics)
    campaign.areas = list(draft.audience.areas)
    campaign.sectors = list(draft.audience.sectors)
    campaign.channels = list(draft.audience.channels)
    campaign.schedule_rule = draft.schedule.rule
    campaign.spread_minutes = draft.schedule.spread_minutes
