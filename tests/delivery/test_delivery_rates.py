"""Send rates: SMS counted in segments as carriers count them, workers waiting for room rather than
going over, and two workers sharing one limit through Redis never exceeding it together."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis
from hypothesis import given, settings as hypothesis_settings, strategies as st

from bot.channels.base import Part
from bot.delivery.rates import ChannelRate, SendRates, Stopped, cost
from bot.delivery.segments import segments
from bot.storage.types import utcnow
from delivery_support import REDIS_URL, TestChannel, make_worker, rates, send_later
from integrations.twilio.fake.segments import segment as twilio_segment

# Window checks allow this much scheduling noise between taking room and the channel being called.
TOLERANCE = 0.15


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")


@pytest.mark.parametrize(("text", "expected"), [
    ("", 1),
    ("a" * 160, 1),
    ("a" * 161, 2),
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("€" * 80, 1),  # extension characters take two septets
    ("€" * 81, 2),
    ("Please don't worry \u2019" + "a" * 50, 1),  # a curly quote: UCS-2, 70 per segment
    ("\u2019" + "a" * 70, 2),
    ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair is not split across parts
    ("a" * 153 + "€" * 77 + "a", 3),
])
def test_segments_are_counted_as_carriers_split_texts(text, expected):
    assert segments(text) == expected


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc XYZ019.,'\n€[]^{}\u2019\u00e9\u00e7\U0001F600")), max_size=700))
def test_segments_agree_with_the_fake_twilio_count(text):
    """Our count and the fake provider's are the same rule written twice: they must agree."""
    assert segments(text) == twilio_segment(text).segments


def test_sms_costs_its_segments_and_other_channels_one_message():
    long_text = "Keep receipts for anything stolen. " * 10
    assert cost("sms", Part(long_text)) == segments(long_text) == 3
    assert cost("telegram", Part(long_text)) == 1


def unique_channel() -> str:
    return f"t{uuid.uuid4().hex[:10]}"  # fresh counters in Redis for each test


def send_times(channel: TestChannel) -> list[float]:
    return sorted(s.at for s in channel.sent)


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The largest number of sends inside any span of ``seconds``."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


def run_two_workers(sessions, name: str, messages: int, make_rates) -> TestChannel:
    """Two workers (each with its own limiter object, as two processes would have) send ``messages``."""
    channel = TestChannel(name=name)
    now = utcnow()
    for n in range(messages):
        send_later(sessions, name, f"chat-{n}", f"Alert {n}", now=now)
    workers = [make_worker(sessions, [channel], utcnow, rates=make_rates(), poll_seconds=0.2) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        channel.wait_for(messages, timeout=60)
    finally:
        for worker in workers:
            worker.stop()
    return channel


@needs_redis
def test_two_workers_sharing_redis_never_exceed_the_channel_limit(sessions):
    name = unique_channel()
    channel = run_two_workers(sessions, name, 24, lambda: rates(name, "8/second", redis_url=REDIS_URL))
    times = send_times(channel)
    assert len(times) == 24 and len(set(channel.texts())) == 24
    assert most_in_any_window(times, 1.0 - TOLERANCE) <= 8


def test_the_window_check_catches_two_workers_that_do_not_share_their_counts(sessions):
    """Counts kept in each worker's memory let two workers send twice the limit: the check above sees it."""
    name = unique_channel()
    channel = run_two_workers(sessions, name, 24, lambda: rates(name, "8/second"))
    assert most_in_any_window(send_times(channel), 1.0 - TOLERANCE) > 8


def test_one_chat_gets_at_most_its_own_rate_while_others_carry_on(sessions):
    name = unique_channel()
    channel = TestChannel(name=name)
    now = utcnow()
    for n in range(3):
        send_later(sessions, name, "busy-chat", f"Part of a long answer {n}", now=now)
    for n in range(6):
        send_later(sessions, name, f"other-{n}", f"Alert {n}", now=now)
    worker = make_worker(sessions, [channel], utcnow, rates=rates(name, "30/second", "2/second"), concurrency=4,
                         poll_seconds=0.1)
    worker.start()
    try:
        channel.wait_for(9, timeout=30)
    finally:
        worker.stop()
    busy = sorted(s.at for s in channel.sent if s.address == "busy-chat")
    assert channel.texts("busy-chat") == [f"Part of a long answer {n}" for n in range(3)]
    assert most_in_any_window(busy, 1.0 - TOLERANCE) <= 2  # 2/second to that chat
    assert channel.sent[-1].address == "busy-chat"  # the others did not wait behind it


def test_a_campaign_on_a_slow_channel_does_not_hold_up_a_fast_one(sessions):
    """A campaign queues SMS and Telegram messages interleaved; SMS waits for room at its lower rate while
    Telegram goes at its own (with senders shared by every channel, both went at the SMS pace)."""
    sms, telegram = TestChannel(name=unique_channel()), TestChannel(name=unique_channel())
    now = utcnow()
    for n in range(24):
        send_later(sessions, sms.name, f"+4477009{n:05d}", f"Christmas advice {n}", now=now)
        send_later(sessions, telegram.name, str(1000 + n), f"Christmas advice {n}", now=now)
    limits = SendRates({sms.name: ChannelRate("2/second"), telegram.name: ChannelRate("40/second")}, None)
    worker = make_worker(sessions, [sms, telegram], utcnow, rates=limits, concurrency=2, poll_seconds=0.2)
    started = time.monotonic()
    worker.start()
    try:
        telegram.wait_for(24, timeout=30)
        telegram_seconds = time.monotonic() - started
    finally:
        worker.stop()
    assert telegram_seconds < 3.0  # 24 at 40/second; behind the SMS, about 12 seconds
    assert len(sms.sent) < 12  # the SMS meanwhile kept to 2 a second


def test_a_part_larger_than_the_whole_window_still_goes(sessions):
    """A long UCS-2 text can cost more segments than a second allows; it takes its room in pieces."""
    limits = rates("sms", "10/second")
    stop = threading.Event()
    part = Part("\u2019" + "Lock the till when you step away. " * 40)
    assert cost("sms", part) > 10
    limits.acquire("sms", "+447700900123", part, stop)  # returns rather than waiting for ever


def test_a_stopping_worker_stops_waiting_and_takes_no_room():
    limits = SendRates({}, None)
    limited = rates("sms", "1/minute")
    stop = threading.Event()
    limited.acquire("sms", "+447700900123", Part("first"), stop)
    stop.set()
    with pytest.raises(Stopped):
        limited.acquire("sms", "+447700900123", Part("second"), stop)
    assert limits.acquire("sms", "+447700900123", Part("unlimited"), stop) == 0.0
