"""The Telegram channel on its own: how replies are cut and shown, and what a send raises, against the fake."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.base import Part
from bot.delivery.errors import PermanentFailure, RecipientGone, RetryLater
from bot.messages import Button, Outbound
from integrations.telegram.channel import TelegramChannel, utf16_length
from integrations.telegram.errors import delivery_error
from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit
from integrations.telegram.keyboard import callback_data, inline_keyboard
from telegram_test_support import PRIYA, TOKEN, fake  # noqa: F401 - fixture

YES_NO = (Button("Yes", "yes"), Button("No", "no"), Button("Not sure", "not sure"))


@pytest.fixture
def channel(fake: FakeTelegram) -> Iterator[TelegramChannel]:
    channel = TelegramChannel(fake.token, fake.base_url)
    yield channel
    channel.close()


def paragraphs(count: int, length: int) -> list[str]:
    return [(f"Paragraph {n}. " + "The offender took bottles from the shelf. " * (length // 42)).strip()
            for n in range(count)]


def test_a_long_reply_is_cut_at_paragraph_breaks_with_the_keyboard_last(channel, fake) -> None:
    story = paragraphs(14, 700)
    parts = channel.render(Outbound("\n\n".join(story), YES_NO))
    assert len(parts) == 3 and all(utf16_length(part.text) <= 4096 for part in parts)
    assert [part.text.split("\n\n") for part in parts] == [story[:5], story[5:10], story[10:]]  # whole paragraphs
    assert [part.buttons for part in parts] == [(), (), YES_NO]
    for part in parts:
        channel.send(str(PRIYA), part)
    assert [len(message.text or "") for message in fake.sent] == [len(part.text) for part in parts]
    assert [bool(message.buttons) for message in fake.sent] == [False, False, True]


def test_emoji_count_twice_against_telegrams_limit(channel, fake) -> None:
    said = "They wrote on the shutter 🤬🤬 and left 🏃 " * 200  # people's own words, echoed back
    parts = channel.render(Outbound(said))
    assert len(said) < 8192 < utf16_length(said) and all(utf16_length(part.text) <= 4096 for part in parts)
    for part in parts:
        channel.send(str(PRIYA), part)  # the fake counts as Telegram does, and refuses more than 4096
    assert len(fake.sent) == len(parts)


def test_a_short_reply_is_one_part_and_an_empty_one_none(channel) -> None:
    assert channel.render(Outbound("Do you have CCTV of it?", YES_NO)) == [Part("Do you have CCTV of it?", YES_NO)]
    assert channel.render(Outbound("  ")) == []


def test_short_options_share_a_row_and_long_ones_have_their_own() -> None:
    rows = inline_keyboard(YES_NO).inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Yes", "No", "Not sure"]]
    crime_types = [Button("Shop theft", "shop_theft"), Button("Drive-off / left without paying", "drive_off"),
                   Button("Break-in (burglary)", "burglary"), Button("Robbery", "robbery"), Button("Fraud", "fraud")]
    rows = inline_keyboard(crime_types).inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Shop theft"], ["Drive-off / left without paying"],
                                                       ["Break-in (burglary)"], ["Robbery", "Fraud"]]
    assert inline_keyboard(()) is None


def test_a_payload_too_long_for_telegram_travels_as_a_token(channel, fake) -> None:
    long_payload = "show my report BW-7KQM-3XZ9 with the photos, the CCTV link and the witness details"
    for payload in ("yes", "advice shop_theft"):
        assert callback_data(payload) == payload
    token = callback_data(long_payload)
    assert token.startswith("#") and len(token.encode()) <= 64 and token == callback_data(long_payload)
    assert callback_data("#hashtag") != "#hashtag"  # a payload never passes for a token
    assert callback_data("é" * 40) != "é" * 40  # 80 bytes, though 40 characters
    channel.send(str(PRIYA), Part("Anything else?", (Button("Show my report", long_payload),)))
    assert fake.sent[0].buttons == [("Show my report", token)]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own, when it is an int
@pytest.mark.parametrize("timedelta", ["false", "true"])
def test_a_flood_wait_is_retry_later_after_telegrams_wait(monkeypatch, timedelta: str) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta)
    with FakeTelegram(TOKEN, limits=FloodLimits(per_chat=Limit(1, 1.0))) as telegram:
        channel = TelegramChannel(TOKEN, telegram.base_url)
        channel.send(str(PRIYA), Part("Thanks, that's everything."))
        with pytest.raises(RetryLater) as flood:
            channel.send(str(PRIYA), Part("Your reference is BW-7KQM-3XZ9."))
        channel.close()
    assert (flood.value.code, flood.value.after_seconds) == ("429", 1.0)


def test_a_person_who_blocked_the_bot_is_gone(channel, fake) -> None:
    fake.block(PRIYA)
    with pytest.raises(RecipientGone) as gone:
        channel.send(str(PRIYA), Part("Reminder: please save the CCTV."))
    assert gone.value.code == "403" and not gone.value.opted_out and "blocked" in gone.value.detail


def test_a_message_telegram_refuses_is_a_permanent_failure(channel) -> None:
    with pytest.raises(PermanentFailure) as refused:
        channel.send(str(PRIYA), Part("x" * 4097))  # render never makes this; a hand-made part can
    assert refused.value.code == "400" and "too long" in refused.value.detail
    with pytest.raises(PermanentFailure, match="invalid_address"):
        channel.send("+447700900123", Part("Hello"))


def test_no_connection_is_retry_later() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    channel = TelegramChannel(TOKEN, f"http://127.0.0.1:{closed_port}/bot")
    with pytest.raises(RetryLater) as later:
        channel.send(str(PRIYA), Part("Hello"))
    channel.close()
    assert later.value.code == "network"


def test_a_wrong_token_keeps_messages_waiting_and_is_never_logged(fake, caplog) -> None:
    channel = TelegramChannel("123456:not-the-right-secret", fake.base_url)
    with pytest.raises(RetryLater) as later:
        channel.send(str(PRIYA), Part("Hello"))
    channel.close()
    assert later.value.code == "401" and later.value.after_seconds >= 60
    assert "not-the-right-secret" not in str(later.value) + caplog.text


def test_after_closing_a_send_is_retried_later(channel) -> None:
    channel.close()
    with pytest.raises(RetryLater, match="closed"):
        channel.send(str(PRIYA), Part("Hello"))


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize(("make", "expected", "code"), [
    (lambda: RetryAfter(7), RetryLater, "429"),
    (lambda: Forbidden("Forbidden: bot can't initiate conversation with a user"), RecipientGone, "403"),
    (lambda: Forbidden("Forbidden: user is deactivated"), RecipientGone, "403"),
    (lambda: BadRequest("Bad Request: chat not found"), PermanentFailure, "400"),
    (lambda: TimedOut(), RetryLater, "timeout"),
    (lambda: NetworkError("Bad Gateway"), RetryLater, "network"),
    (lambda: InvalidToken(), RetryLater, "401"),
    (lambda: ChatMigrated(-1001234), PermanentFailure, "chat_migrated"),
    (lambda: TelegramError("something new"), PermanentFailure, "error"),
])
def test_every_ptb_error_means_one_thing_to_the_worker(make, expected, code) -> None:
    translated = delivery_error(make())
    assert type(translated) is expected and translated.code == code
    assert len(translated.detail) <= 200


def test_worker_threads_share_one_loop_and_its_connections(channel, fake) -> None:
    ids: list[str] = []

    def worker(first: int) -> None:
        for chat in range(first, first + 10):
            ids.append(channel.send(str(chat), Part(f"Your reference is BW-{chat}.")))

    threads = [threading.Thread(target=worker, args=(2000 + 100 * n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 40 and fake.sent_count() == 40 and set(ids) == {"1"}  # each chat's first message
    assert [t.name for t in threading.enumerate()].count("telegram") == 1
