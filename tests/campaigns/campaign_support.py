"""Helpers for the campaign tests: subscribers, a campaign taken to scheduled, the command line on the test
database, and a stand-in for the sender workers (another branch) that marks due messages delivered."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.campaigns import lifecycle
from bot.campaigns.audience import AudienceSpec
from bot.campaigns.lifecycle import CampaignDraft
from bot.campaigns.rules import CampaignRules
from bot.campaigns.schedule import every, once, parse_days
from bot.config import get_settings
from bot.storage.models import Contact, OutboxMessage, Subscription

LONDON = ZoneInfo("Europe/London")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A London wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON).astimezone(timezone.utc)


def subscribe(sessions, address: str, *, channel: str = "sms", topics=("shop_theft", "seasonal"), areas=("WS1",),
              sector: str | None = "retail", max_per_week: int = 3, status: str = "active", confirmed: bool = True,
              business_name: str | None = None, paused_until: datetime | None = None,
              now: datetime = datetime(2026, 11, 1, tzinfo=timezone.utc)) -> None:
    with sessions.begin() as session:
        session.add(Subscription(channel=channel, address=address, topics=list(topics), areas=list(areas),
                                 sector=sector, max_per_week=max_per_week, status=status, source="conversation",
                                 confirmed_at=now if confirmed else None, business_name=business_name,
                                 paused_until=paused_until, created_at=now, updated_at=now))


def opt_out(sessions, channel: str, address: str, when: datetime) -> None:
    """What the SMS adapter does on STOP: the contact's opted_out_at (a contact row made if there is none)."""
    with sessions.begin() as session:
        contact = session.scalar(select(Contact).where(Contact.channel == channel, Contact.address == address))
        if contact is None:
            session.add(Contact(channel=channel, address=address, opted_out_at=when, created_at=when, updated_at=when))
        else:
            contact.opted_out_at = when


def rules_for(settings) -> CampaignRules:
    return CampaignRules.from_settings(settings)


def simple_draft(*, name: str = "Christmas theft", sms: str = "{{ business_name }}: thefts rise in {{ area }}.",
                 chat: str = "Hello {{ business_name }}, thefts rise in {{ area }}.", areas=("WS1",),
                 topics=("shop_theft",), sectors=(), channels=(), at: datetime | None = None,
                 weekly: tuple[str, date, date] | None = None, spread: int = 0, urgent: bool = False) -> CampaignDraft:
    """A small campaign: once at ``at`` (naive local) or weekly (day, first date, last date) at 10:00."""
    if weekly is not None:
        day, first, last = weekly
        schedule = every(parse_days(day), time(10), first, last, spread)
    else:
        schedule = once(at or datetime(2026, 12, 4, 10, 0), spread)
    return CampaignDraft(name=name, sms_text=sms, chat_text=chat,
                         audience=AudienceSpec.build(topics=topics, areas=areas, sectors=sectors, channels=channels),
                         articles=("christmas-crime-prevention",), schedule=schedule, urgent=urgent)


def scheduled_campaign(sessions, rules: CampaignRules, draft: CampaignDraft, now: datetime,
                       writer: str = "Alex", approver: str = "Sam") -> int:
    """Create, submit, approve (a second person) and schedule ``draft``; its id."""
    with sessions.begin() as session:
        campaign = lifecycle.create(session, draft, writer, now, rules.text_limits())
        lifecycle.submit(session, campaign, writer, now)
        lifecycle.approve(session, campaign, approver, now, single_approver=False)
        lifecycle.schedule(session, campaign, approver, now, rules.timezone)
        return campaign.id


def messages(sessions, campaign_id: int | None = None) -> list[OutboxMessage]:
    """Campaign and alert messages in the outbox (one campaign's, if given), in id order."""
    query = select(OutboxMessage).where(OutboxMessage.purpose.in_(("campaign", "alert"))).order_by(OutboxMessage.id)
    if campaign_id is not None:
        query = query.where(OutboxMessage.idempotency_key.like(f"campaign:{campaign_id}:%"))
    with sessions() as session:
        return list(session.scalars(query))


def deliver_due(sessions, now: datetime, failures: Mapping[str, str] | None = None) -> int:
    """Stand-in for the sender workers: queued campaign messages due by ``now`` are delivered, or failed with the
    code given for their address; one to an opted-out address fails as the worker fails it. How many moved.

    TODO(lead): once the sender workers are merged, deliver through them and the fake channels instead.
    """
    failures = failures or {}
    moved = 0
    with sessions.begin() as session:
        due = session.scalars(select(OutboxMessage).where(
            OutboxMessage.status == "queued", OutboxMessage.due_at <= now,
            OutboxMessage.purpose.in_(("campaign", "alert"))))
        for row in due:
            opted_out = session.scalar(select(Contact.opted_out_at).where(
                Contact.channel == row.channel, Contact.address == row.address))
            code = "opted_out" if opted_out else failures.get(row.address)
            values = {"status": "failed", "error_code": code} if code else \
                {"status": "delivered", "sent_at": now, "delivered_at": now}
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(updated_at=now, **values))
            moved += 1
    return moved


@pytest.fixture
def cli(settings, sessions, monkeypatch) -> Iterator[CliRunner]:
    """The ``bizwatch`` command line on the test database."""
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
