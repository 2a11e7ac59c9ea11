"""The whole way round, with nothing standing in but the providers: a person on Telegram or SMS, the
adapter, the engine, the outbox, the real sender workers, the channel's client library, and the fake
provider receiving what we send. No test helper sends anything: the workers do, woken by the turn.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.delivery.outbox import Purpose, queue
from bot.messages import Outbound
from bot.service import Service
from bot.storage.models import Consent, Contact, OutboxMessage
from bot.storage.types import utcnow
from conftest import service_with_workers
from dialog import PLACE
from integrations.telegram import CHANNEL as TELEGRAM
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.fake import FakeTelegram
from integrations.telegram.runtime import TelegramRuntime
from telegram_test_support import PRIYA, ROOMY, TOKEN, eventually

WAIT = 15.0


@pytest.fixture
def telegram(sessions, interpreter, settings, tmp_path) -> Iterator[tuple[Service, FakeTelegram]]:
    with FakeTelegram(TOKEN, limits=ROOMY) as fake:
        settings = settings.model_copy(update={"telegram_token": fake.token, "telegram_api_base_url": fake.base_url,
                                               "evidence_dir": str(tmp_path / "evidence"), "telegram_mode": "polling",
                                               "delivery_poll_seconds": 30.0})
        service = service_with_workers(settings, sessions, interpreter, {TELEGRAM: TelegramChannel.from_settings(settings)},
                               tmp_path / "evidence")
        runtime = TelegramRuntime(service, service.channels[TELEGRAM], "polling")
        runtime.start().result(WAIT)
        try:
            yield service, fake
        finally:
            service.stop_workers()
            runtime.stop()


def says(fake: FakeTelegram, text: str, words: str) -> str:
    """Priya types ``text``; wait until the bot's reply containing ``words`` reaches her (sent by a worker)."""
    before = fake.sent_count(PRIYA)
    fake.inject_text(PRIYA, text)
    replies = eventually(lambda: [m.text or "" for m in fake.sent_to(PRIYA)[before:]
                                  if words.lower() in (m.text or "").lower()], f"a reply with {words!r}", WAIT)
    return replies[-1]


def test_a_report_over_telegram_is_answered_by_the_workers_and_stop_ends_what_we_send_first(telegram, sessions):
    service, fake = telegram
    started = time.monotonic()
    says(fake, "someone smashed our window last night", "still there")
    first_reply_seconds = time.monotonic() - started
    turns = (("no", "where did it happen"), (PLACE, "anything to add"), ("that's all", "repair"),
             ("£300", "describe them"), ("didn't see them", "cctv"),
             ("no", "send any photos"), ("skip", "anyone else see"), ("no", "your name"),
             ("Priya Kumar, owner, 07700 900123", "prefer"),
             ("text", "statement"), ("yes", "here's your report"), ("submit", "your reference is"))
    for text, words in turns:
        says(fake, text, words)
    assert first_reply_seconds < WAIT  # woken by the turn (the poll interval here is 30 s)
    def all_sent() -> bool:
        with sessions() as session:
            replies = session.execute(select(OutboxMessage.status, OutboxMessage.provider_ids)
                                      .where(OutboxMessage.purpose == "reply")).all()
        return len(replies) == 1 + len(turns) and all(status == "sent" and ids for status, ids in replies)

    eventually(all_sent, "every reply recorded as sent with its Telegram message id", WAIT)

    says(fake, "/stop", "you won't get any more alerts")
    with sessions.begin() as session:
        queue(session, channel=TELEGRAM, address=str(PRIYA), key="alert:test:1", purpose=Purpose.ALERT,
              messages=[Outbound("A distraction-theft pair is working WS1 shops today.")], now=utcnow())
    service.wakeup(TELEGRAM)
    eventually(lambda: _status(sessions, "alert:test:1") == "failed", "the alert refused", WAIT)
    assert not any("distraction-theft" in (m.text or "") for m in fake.sent_to(PRIYA))
    with sessions() as session:
        assert session.scalar(select(Contact.opted_out_at).where(Contact.channel == TELEGRAM)) is not None
        assert session.scalars(select(Consent.source).where(Consent.action == "opt_out")).all() == ["telegram_command"]
    says(fake, "what's happening with my report?", "received")  # they wrote to us: the reply still goes


def _status(sessions, key: str) -> str | None:
    with sessions() as session:
        return session.scalar(select(OutboxMessage.status).where(OutboxMessage.idempotency_key == key))
