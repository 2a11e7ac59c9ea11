"""Reporting over Telegram by webhook: the fake Bot API POSTs updates to the app served by uvicorn.

Telegram proves it is Telegram with the secret token set by setWebhook; anything without it is
refused and leaves no trace. A repeated delivery of one update is one turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.service import Service, sending_channels
from bot.sender_limit import SLOW_DOWN
from bot.storage.models import Contact, Conversation, OutboxMessage, Report
from dialog import PLACE
from conftest import LiveServer
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.fake import FakeTelegram
from integrations.telegram.mode import mode_of
from integrations.telegram.runtime import TelegramRuntime
from telegram_test_support import (  # noqa: F401 - fixtures
    PRIYA,
    SECRET,
    TelegramUser,
    check_the_report,
    deliver_queued,
    eventually,
    handled,
    fake,
    recorded,
    tell_a_whole_report,
    telegram_service,
    with_public_url,
)

HOOK = "/webhooks/telegram"


@contextmanager
def serving_webhook(sessions, interpreter, settings, clock, fake, tmp_path,
                    **overrides: object) -> Iterator[tuple[Service, str]]:
    """The service serving the webhook on 127.0.0.1, registered with the fake by setWebhook; and its URL."""
    from bot.web.app import create_app

    service = telegram_service(sessions, interpreter, settings, clock, fake, tmp_path, telegram_mode="webhook",
                               telegram_webhook_secret=SECRET, **overrides)
    with LiveServer(create_app(service)) as server:
        runtime = TelegramRuntime(with_public_url(service, server.url), service.channels["telegram"], "webhook")
        runtime.start().result(10)
        yield service, server.url
        runtime.stop()


@pytest.fixture
def webhook(sessions, interpreter, settings, clock, fake, tmp_path) -> Iterator[tuple[Service, str]]:
    with serving_webhook(sessions, interpreter, settings, clock, fake, tmp_path) as served:
        yield served


def stored_rows(sessions) -> tuple[int, int, int]:
    """Conversations, contacts and outbox rows: what any accepted update leaves behind."""
    with sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(table))  # type: ignore[return-value]
                     for table in (Conversation, Contact, OutboxMessage))


def test_a_whole_report_over_telegram_by_webhook(webhook, fake: FakeTelegram) -> None:
    service, _ = webhook
    assert fake.calls["setWebhook"] == 1 and fake.calls["setMyCommands"] == 1
    reference = tell_a_whole_report(TelegramUser(fake, service))
    check_the_report(service, reference)
    assert all(attempt.status == 200 for attempt in fake.webhook_attempts)
    assert fake.calls["getUpdates"] == 0  # a webhook, not polling


@pytest.mark.parametrize("secret", [None, "", "webhook-Secret_7f3b", "webhook-Secret_7f3a-and-more", SECRET.lower()])
def test_an_update_without_the_secret_token_is_refused_and_stores_nothing(webhook, sessions, secret) -> None:
    _, url = webhook
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    answer = httpx.post(url + HOOK, json=recorded("text_message"), headers=headers)
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert stored_rows(sessions) == (0, 0, 0)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"update_id": "seven"}', b'"hello"', b""])
def test_a_body_that_is_not_an_update_is_a_bad_request(webhook, sessions, body: bytes) -> None:
    _, url = webhook
    answer = httpx.post(url + HOOK, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                                                           "Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"
    assert stored_rows(sessions) == (0, 0, 0)


def test_the_same_update_delivered_twice_is_one_turn(webhook, sessions) -> None:
    _, url = webhook
    update = recorded("text_message")
    with httpx.Client(base_url=url, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as telegram:
        answers = [telegram.post(HOOK, json=update).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert stored_rows(sessions) == (1, 1, 1)
    with sessions() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
    assert row.idempotency_key == f"turn:{update['update_id']}" and row.address == "1001"
    assert "I've noted: shop theft" in row.body[0]["text"]  # the reply, queued once


def test_a_sender_over_the_rate_limit_is_taken_not_read_and_told_once(sessions, interpreter, settings, clock, fake,
                                                                      tmp_path) -> None:
    with serving_webhook(sessions, interpreter, settings, clock, fake, tmp_path,
                         rate_limit_per_sender="2/minute") as (service, _):
        priya = TelegramUser(fake, service)
        assert "still there" in priya.say("someone nicked £80 of meat this morning")
        assert "where did it happen" in priya.say("no").lower()
        before = fake.sent_count(PRIYA)
        flood = [fake.inject_text(PRIYA, text) for text in (PLACE, "hello?", "are you there?")]
        eventually(lambda: len(fake.webhook_attempts) == 5, "every update posted")
        assert handled(service, flood[0]["update_id"])  # answered: the one "please wait"
        deliver_queued(service)
        told = [message.text for message in fake.sent_to(PRIYA)[before:]]
        stop = fake.inject_text(PRIYA, "/stop")  # opting out is never limited
        eventually(lambda: handled(service, stop["update_id"]), "/stop handled")
    # Taken (200), so Telegram does not send them again; not read; told once, not three times.
    assert [(a.update_id, a.status) for a in fake.webhook_attempts[2:5]] == [(u["update_id"], 200) for u in flood]
    assert told == [SLOW_DOWN]
    with sessions() as session:
        assert session.scalars(select(Report.business_name)).one() is None  # the place was not read


def test_updates_from_a_group_are_not_conversations(webhook, sessions) -> None:
    _, url = webhook
    update = recorded("text_message")
    update["message"]["chat"] = {"id": -100200300, "type": "group", "title": "High Street traders"}
    answer = httpx.post(url + HOOK, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert answer.status_code == 200  # taken, so Telegram does not send it again, and ignored
    assert stored_rows(sessions) == (0, 0, 0)


def test_the_route_exists_only_when_the_bot_uses_a_webhook(sessions, interpreter, settings, clock, fake,
                                                           tmp_path) -> None:
    from bot.web.app import create_app

    polling = telegram_service(sessions, interpreter, settings, clock, fake, tmp_path, telegram_mode="polling")
    no_telegram = Service(settings=settings, database=polling.database, sessions=sessions, interpreter=interpreter,
                          engine=polling.engine)
    for service in (polling, no_telegram):
        with LiveServer(create_app(service)) as server:
            answer = httpx.post(server.url + HOOK, json=recorded("text_message"),
                                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert answer.status_code in (404, 405)
    polling.channels["telegram"].close()


def test_auto_mode_uses_a_webhook_exactly_when_the_public_address_is_https() -> None:
    def mode(**settings: object) -> str:
        return mode_of(Settings(_env_file=None, telegram_token="1:x", **settings))

    assert mode(public_base_url="https://bizwatch.example.org", telegram_webhook_secret=SECRET) == "webhook"
    assert mode(public_base_url="http://127.0.0.1:8000") == "polling"
    assert mode(public_base_url="https://bizwatch.example.org", telegram_mode="polling") == "polling"
    with pytest.raises(ValueError, match="BIZWATCH_TELEGRAM_WEBHOOK_SECRET"):
        mode(public_base_url="https://bizwatch.example.org")


def test_telegram_settings_are_checked_at_start_up() -> None:
    with pytest.raises(ValueError, match="A-Z"):
        Settings(_env_file=None, telegram_webhook_secret="has spaces and a ?")
    with pytest.raises(ValueError, match="/bot"):
        Settings(_env_file=None, telegram_api_base_url="http://127.0.0.1:8081")
    assert Settings(_env_file=None, telegram_api_base_url="http://127.0.0.1:8081/bot/").telegram_api_base_url == \
        "http://127.0.0.1:8081/bot"


def test_a_token_adds_the_telegram_channel() -> None:
    assert sending_channels(Settings(_env_file=None)) == {}
    channels = sending_channels(Settings(_env_file=None, telegram_token="123:abc"))
    assert list(channels) == ["telegram"] and isinstance(channels["telegram"], TelegramChannel)
    assert channels["telegram"].capabilities.buttons and channels["telegram"].capabilities.max_length == 4096
