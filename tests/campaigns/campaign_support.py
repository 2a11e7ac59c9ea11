"""Helpers for the campaign tests: subscribers, a campaign taken to scheduled, the command line on the test
database, and the providers: the fake Twilio and Telegram servers with bizwatch's real sender workers
sending to them, all on the test's clock (``providers``, ``deliver_due``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.campaigns import lifecycle
from bot.campaigns.audience import AudienceSpec
from bot.campaigns.lifecycle import CampaignDraft
from bot.campaigns.rules import CampaignRules
from bot.campaigns.schedule import every, once, parse_days
from bot.config import get_settings
from bot.delivery.outbox import SYNCHRONOUS_CHANNELS, Status
from bot.service import Service, sending_channels
from bot.storage.models import Contact, OutboxMessage, Subscription
from bot.web.app import create_app
from conftest import Clock, LiveServer, service_with_workers
from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit
from integrations.twilio import MESSAGES_PATH
from integrations.twilio.fake import FakeTwilio

LONDON = ZoneInfo("Europe/London")
PUBLIC = "https://bizwatch.example"  # our public URL, as Twilio is given it
TELEGRAM_TOKEN = "123456:bizwatch-campaign-token"
TEMPLATE = "HX" + "c" * 32  # the approved WhatsApp template campaigns go as outside the 24-hour window
# Roomy: these tests are about what reaches whom; the rate limits have tests of their own.
ROOMY = FloodLimits(overall=Limit(1000, 1.0), per_chat=Limit(100, 1.0), per_group=None)
WAIT_SECONDS = 20.0


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


@dataclass
class Providers:
    """The fake Twilio and Telegram on 127.0.0.1; bizwatch with its real sender workers (the channels
    ``sending_channels`` builds, pointed at the fakes) on the test's clock, served by uvicorn so that
    Twilio's signed status callbacks and inbound texts reach it through a TLS-terminating "proxy"."""

    service: Service
    twilio: FakeTwilio
    telegram: FakeTelegram
    clock: Clock

    def text(self, number: str, body: str, at: datetime) -> list[str]:
        """``number`` texts ``body`` to our number at ``at``; what we texted back (sent by the workers)."""
        self.clock.now = at
        before = len(self.twilio.sent)
        assert self.twilio.send_sms(number, body).status_code == 200
        deliver_due(self, at)
        return [message.body for message in self.twilio.sent[before:] if message.to == number]

    def received(self, row: OutboxMessage) -> list[str]:
        """What the fake provider received for ``row``, part by part (its status at Twilio, or "received")."""
        if row.channel == "telegram":
            ids = {int(provider_id) for provider_id in row.provider_ids}
            return ["received" for message in self.telegram.sent_to(int(row.address)) if message.message_id in ids]
        found = (self.twilio.message(sid) for sid in row.provider_ids)
        return [message.status for message in found if message is not None and message.to.endswith(row.address)]


@pytest.fixture
def providers(settings, sessions, interpreter, clock, tmp_path: Path) -> Iterator[Providers]:
    with FakeTwilio(rate=1000, callback_delay=0.002) as twilio, FakeTelegram(TELEGRAM_TOKEN, limits=ROOMY) as telegram:
        settings = settings.model_copy(update={
            "public_base_url": PUBLIC, "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token, "twilio_from_number": twilio.settings.phone_number,
            "twilio_whatsapp_from": twilio.settings.whatsapp_number, "twilio_whatsapp_template_sid": TEMPLATE,
            "twilio_api_base_url": twilio.base_url, "telegram_token": TELEGRAM_TOKEN,
            "telegram_api_base_url": telegram.base_url, "telegram_mode": "polling",  # updates are not read here
            "delivery_poll_seconds": 30.0})  # the workers are woken by what queues, and by deliver_due
        service = service_with_workers(settings, sessions, interpreter, sending_channels(settings),
                                       tmp_path / "evidence", clock=clock)
        try:
            with LiveServer(create_app(service)) as server:
                twilio.settings.proxy[PUBLIC] = server.url
                twilio.settings.inbound_url = PUBLIC + MESSAGES_PATH
                try:
                    yield Providers(service, twilio, telegram, clock)
                finally:
                    service.stop_workers()
                    twilio.wait_idle()
        finally:
            service.close()


def deliver_due(providers: Providers, now: datetime) -> int:
    """Move the clock to ``now``, wake the sender workers and wait until every message due by then is sent
    (or refused) and Twilio's status callbacks are in; how many messages the fakes accepted meanwhile.

    A message a worker put back for a retry later than ``now`` is left waiting, as it would be.
    """
    before = len(providers.twilio.sent) + len(providers.telegram.sent)
    providers.clock.now = now
    providers.service.wakeup.wake_local()
    due = select(func.count()).where(
        OutboxMessage.status.in_((Status.QUEUED.value, Status.SENDING.value)),
        OutboxMessage.channel.not_in(sorted(SYNCHRONOUS_CHANNELS)),
        OutboxMessage.due_at <= now, OutboxMessage.next_attempt_at <= now)
    deadline = monotonic() + WAIT_SECONDS
    while True:
        with providers.service.sessions() as session:
            if not session.scalar(due):
                break
        assert monotonic() < deadline, "the sender workers did not send everything due"
        sleep(0.02)
    providers.twilio.wait_idle()
    return len(providers.twilio.sent) + len(providers.telegram.sent) - before


@pytest.fixture
def cli(settings, sessions, monkeypatch) -> Iterator[CliRunner]:
    """The ``bizwatch`` command line on the test database."""
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
