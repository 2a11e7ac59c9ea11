"""Size and rate limits at the edge: 413 before a body is read, 429 with Retry-After, a cap on new chats."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from datetime import datetime, timezone

import httpx
import pytest
from sqlalchemy import func, select

from bot.engine import PARSE_FIRST_CHARS
from bot.messages import Inbound
from bot.rate_limits import RateLimit, make_limiter
from bot.sender_limit import SLOW_DOWN, SenderLimit
from bot.storage.models import Contact, Conversation, OutboxMessage
from bot.web import health
from bot.web.middleware import how_long, too_many
from edge_servers import BEARER, TOKEN, WEBHOOK, browser_like, serve

REDIS_URL = "redis://127.0.0.1:6379/2"


def raw_request(port: int, head: str, body_parts: tuple[bytes, ...] = (), timeout: float = 10) -> bytes:
    """Send ``head`` (and ``body_parts``) on a plain socket; the response's first bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head.encode())
        for part in body_parts:
            try:
                connection.sendall(part)
            except OSError:
                break  # the server has already answered and closed: it did not want the rest
        return connection.recv(4096)


def test_an_oversized_body_is_refused_from_its_length_without_being_read(live_server):
    # 100 MB announced, not one byte sent: a server that read the body before answering would hang here.
    answer = raw_request(live_server.port, f"POST {WEBHOOK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Content-Length: 100000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"smaller parts" in answer and b"connection: close" in answer.lower()


def test_an_oversized_chunked_body_is_refused_as_it_streams(live_server):
    chunk = b"x" * 16_384
    parts = tuple(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64))  # 1 MB offered in chunks
    answer = raw_request(live_server.port, f"POST {WEBHOOK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n", parts)
    assert answer.startswith(b"HTTP/1.1 413")


def test_the_body_limit_is_a_setting(service):
    with serve(service, rest_token=TOKEN, max_body_bytes=2048) as server:
        small = httpx.post(f"{server.url}{WEBHOOK}", json={"sender": "a", "message": "x" * 1500}, headers=BEARER)
        big = httpx.post(f"{server.url}{WEBHOOK}", json={"sender": "a", "message": "x" * 2100}, headers=BEARER)
    assert small.status_code == 200 and big.status_code == 413


def test_one_sender_sending_too_fast_gets_429_with_retry_after(service):
    with serve(service, rate_limit_per_sender="3/minute") as server:
        visitor = browser_like(server.url)
        statuses = [visitor.post(WEBHOOK, json={"message": "hello"}) for _ in range(4)]
        other = browser_like(server.url).post(WEBHOOK, json={"message": "hello"})
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    refused = statuses[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "wait" in refused.json()["error"] and refused.json()["code"] == "rate_limited"
    assert other.status_code == 200  # someone else is not held up


def test_on_the_web_page_too_a_cry_for_help_goes_through_the_limit(service):
    with serve(service, rate_limit_per_sender="2/minute") as server:
        visitor = browser_like(server.url)
        statuses = [visitor.post(WEBHOOK, json={"message": "hello"}).status_code for _ in range(3)]
        danger = visitor.post(WEBHOOK, json={"message": "pls help hes hitting my cashier"})
    assert statuses == [200, 200, 429]
    assert danger.status_code == 200 and "999" in " ".join(m.get("text", "") for m in danger.json())


def test_the_wait_in_a_429_reads_as_people_say_it():
    assert "Please wait 1 second and try again." in too_many(1)["error"]
    assert [how_long(n) for n in (1, 2, 59, 119, 120, 121, 3600)] == [
        "1 second", "2 seconds", "59 seconds", "119 seconds", "2 minutes", "3 minutes", "60 minutes"]


def test_one_address_sending_too_much_gets_429_but_the_token_holder_does_not(service):
    with serve(service, rest_token=TOKEN, rate_limit_per_address="4/minute") as server:
        pages = [httpx.get(f"{server.url}/").status_code for _ in range(5)]
        machine = [httpx.post(f"{server.url}{WEBHOOK}", json={"sender": f"m{i}", "message": "hi"},
                              headers=BEARER).status_code for i in range(6)]
        health = httpx.get(f"{server.url}/healthz").status_code
    assert pages == [200, 200, 200, 200, 429]
    assert machine == [200] * 6 and health == 200


def test_the_pages_collecting_of_later_messages_counts_against_its_address(service):
    with serve(service, rest_token=TOKEN, rate_limit_per_address="3/minute") as server:
        visitor = browser_like(server.url)  # the page itself: one
        collected = [visitor.get("/webhooks/rest/messages") for _ in range(3)]
        machine = [httpx.get(f"{server.url}/webhooks/rest/messages?sender=m", headers=BEARER).status_code
                   for _ in range(5)]
    assert [r.status_code for r in collected] == [200, 200, 429]
    assert 1 <= int(collected[-1].headers["retry-after"]) <= 60 and collected[-1].json()["code"] == "rate_limited"
    assert machine == [200] * 5


def test_health_checks_have_their_own_allowance_and_write_at_most_once_a_second(service, monkeypatch):
    writes = []
    monkeypatch.setattr(health, "check_writes", lambda database: writes.append(time.monotonic()))
    with serve(service, rest_token=TOKEN, health_checks_per_address="20/minute",
               rate_limit_per_address="2/minute") as server:
        started = time.monotonic()
        checks = [httpx.get(f"{server.url}/healthz") for _ in range(21)]
        took = time.monotonic() - started
        page = httpx.get(f"{server.url}/")  # a visitor's allowance is not spent by health checks
        monitor = httpx.get(f"{server.url}/healthz", headers=BEARER)  # a monitor with the token is not counted
    assert [r.status_code for r in checks] == [200] * 20 + [429] and checks[-1].headers["retry-after"]
    assert page.status_code == 200 and monitor.status_code == 200
    # Each write takes SQLite's one write lock, which every turn needs: a flood of checks shares them.
    assert 1 <= len(writes) <= took / health.FRESH_SECONDS + 2


def test_new_conversations_from_one_address_are_capped_and_the_refused_one_stores_nothing(service, sessions):
    with serve(service, new_conversations_per_address="2/hour") as server:
        first, second, third = (browser_like(server.url) for _ in range(3))
        assert first.post(WEBHOOK, json={"message": "report a crime"}).status_code == 200
        assert second.post(WEBHOOK, json={"message": "hello"}).status_code == 200
        refused = third.post(WEBHOOK, json={"message": "report a crime"})
        # Conversations already started carry on.
        assert first.post(WEBHOOK, json={"message": "no"}).status_code == 200
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_conversations"
    assert int(refused.headers["retry-after"]) > 60
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 2
        assert session.scalar(select(func.count()).select_from(Contact)) == 2


@pytest.mark.parametrize("trusted", [True, False])
def test_x_forwarded_for_counts_only_from_a_trusted_proxy(service, trusted):
    with serve(service, rate_limit_per_address="2/minute", trusted_proxies="127.0.0.1" if trusted else "") as server:
        statuses = [httpx.get(f"{server.url}/", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                    for n in range(4)]
    # Behind a trusted proxy four people each have their own allowance; otherwise the header is ignored.
    assert statuses == ([200] * 4 if trusted else [200, 200, 429, 429])


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_limits_are_shared_through_redis_by_sync_and_async_users(request):
    key = f"test-{request.node.name}-{id(request)}"
    sync_limit = RateLimit("redis-check", "2/minute", make_limiter(REDIS_URL, asynchronous=False))
    async_limit = RateLimit("redis-check", "2/minute", make_limiter(REDIS_URL, asynchronous=True))
    assert sync_limit.hit(key).allowed
    assert asyncio.run(async_limit.ahit(key)).allowed  # the same count, from another kind of caller
    refused = sync_limit.hit(key)
    assert not refused.allowed and refused.retry_after >= 1


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_the_sender_limit_of_provider_webhooks_is_one_count_across_processes(settings, sessions):
    shared = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/6", "rate_limit_per_sender": "2/minute"})
    first, second = SenderLimit.for_providers(shared), SenderLimit.for_providers(shared)  # two processes' own
    address = f"+4477009{uuid.uuid4().int % 10**5:05d}"

    def admitted(limit: SenderLimit, n: int) -> bool:
        return limit.admit(sessions, Inbound("sms", address, f"SM{n}", "hello", datetime.now(timezone.utc)), None)

    assert [admitted(first, 1), admitted(second, 2), admitted(first, 3), admitted(second, 4)] == [
        True, True, False, False]
    with sessions() as session:  # told once, whichever process refused first
        assert [row.body[0]["text"] for row in session.scalars(select(OutboxMessage))] == [SLOW_DOWN]


def test_a_sender_over_the_limit_still_gets_the_999_guidance(settings, sessions):
    """Someone in danger may well have been typing fast: the limit never holds back a cry for help."""
    tight = SenderLimit.for_providers(settings.model_copy(update={"redis_url": None,
                                                                   "rate_limit_per_sender": "1/minute"}))
    address = f"+4477008{uuid.uuid4().int % 10**5:05d}"

    def admitted(n: int, text: str) -> bool:
        return tight.admit(sessions, Inbound("sms", address, f"SM{n}", text, datetime.now(timezone.utc)), None)

    assert admitted(1, "hello")
    assert not admitted(2, "hello again")
    assert admitted(3, "hes got a nife in the shop rn")
    assert admitted(4, "THEY SAID THEYLL COME BACK AND KILL ME TONIGHT")
    assert not admitted(5, "Patel's Corner Shop")


def test_a_rate_limit_store_that_is_away_lets_requests_through():
    away = RateLimit("away", "1/minute", make_limiter("redis://127.0.0.1:1/0", asynchronous=False))
    assert away.hit("someone").allowed and away.hit("someone").allowed


class HeldParses:
    """The interpreter, except that long texts wait until ``release`` (a flood of costly parses in flight)."""

    def __init__(self, interpreter) -> None:
        self.interpreter = interpreter
        self.released = threading.Event()
        self.waiting = 0

    def parse(self, text: str, now=None):
        if len(text) > PARSE_FIRST_CHARS:
            self.waiting += 1
            self.released.wait(60)
        return self.interpreter.parse(text, now=now)


def test_long_messages_in_flight_never_hold_up_a_short_answer(service, monkeypatch):
    """More long texts than the server has worker threads, all stuck reading: before, they held every
    thread (and shared the interpreter lock forty ways), and a short answer waited behind them."""
    held = HeldParses(service.engine.interpreter)
    monkeypatch.setattr(service.engine, "interpreter", held)
    long_text = "AB12 CDE on 12/03/2025 at 10:30pm, then KX65 ZTR 13/03/2025 " * 100
    with serve(service, rest_token=TOKEN) as server, httpx.Client(
            base_url=server.url, headers=BEARER, timeout=60, limits=httpx.Limits(max_connections=64)) as client:
        flood = [threading.Thread(target=client.post, args=(WEBHOOK,),
                                  kwargs={"json": {"sender": f"long-{n}", "message": long_text}}) for n in range(45)]
        for thread in flood:
            thread.start()
        time.sleep(1.0)  # every long one has arrived
        try:
            short = client.post(WEBHOOK, json={"sender": "person", "message": "report a crime"}, timeout=10)
            reading = held.waiting
        finally:
            held.released.set()
            for thread in flood:
                thread.join()
    assert short.status_code == 200 and "still there" in short.json()[0]["text"]
    assert reading == 1  # the rest queued for the long-text thread, holding no worker thread
