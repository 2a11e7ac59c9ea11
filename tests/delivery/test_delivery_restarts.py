"""Workers dying, stopping and competing: every message goes out exactly once, and a part already sent
is never sent again."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.storage.db import make_engine, make_session_factory
from bot.storage.models import DeliveryEvent, OutboxMessage
from bot.storage.types import utcnow
from delivery_support import TestChannel, make_worker, row, send_later, worker_process

PHONE = "+447700900123"


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)


def test_a_worker_killed_mid_message_leaves_the_rest_to_another_without_repeating_a_part(sessions, settings,
                                                                                         tmp_path: Path):
    outbox_id = send_later(sessions, "sms", PHONE, "Part one", "Part two", "Part three", now=utcnow())
    record = tmp_path / "sent-by-the-killed-worker.txt"
    child = multiprocessing.get_context("spawn").Process(
        target=worker_process, args=(settings.database_url, str(record), "Part two", 5.0))
    child.start()
    try:
        wait_until(lambda: Path(f"{record}.stalled").exists())
        assert row(sessions, outbox_id).parts_sent == 1
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join()
    held = row(sessions, outbox_id)
    assert held.status == "sending" and held.lease_owner is not None
    survivor = TestChannel()
    assert make_worker(sessions, [survivor], utcnow).drain() == 0  # the lease still holds it
    after_the_lease = make_worker(sessions, [survivor], lambda: utcnow() + timedelta(seconds=6))
    assert after_the_lease.drain() == 1
    assert record.read_text().splitlines() == ["Part one"]
    assert survivor.texts(PHONE) == ["Part two", "Part three"]
    done = row(sessions, outbox_id)
    assert (done.status, done.parts_sent, done.attempts, len(done.provider_ids)) == ("sent", 3, 2, 3)


def test_a_stopped_worker_hands_its_messages_back_and_the_next_one_sends_the_rest_once(sessions):
    channel = TestChannel(delay=0.02)
    now = utcnow()
    for n in range(30):
        send_later(sessions, "sms", f"+4477009{n:05d}", f"Update {n}", now=now)
    for n in range(3):
        send_later(sessions, "sms", f"+4477008{n:05d}", f"Tomorrow {n}", now=now, due_at=now + timedelta(hours=1))
    first = make_worker(sessions, [channel], utcnow, concurrency=3)
    first.start()
    channel.wait_for(8)
    first.stop()
    with sessions() as session:
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sending")).all() == []
    stopped_at = len(channel.sent)
    assert stopped_at < 30
    make_worker(sessions, [channel], utcnow).drain()
    make_worker(sessions, [channel], lambda: utcnow() + timedelta(hours=1)).drain()
    texts = Counter(channel.texts())
    assert texts == Counter([f"Update {n}" for n in range(30)] + [f"Tomorrow {n}" for n in range(3)])


def test_two_workers_claiming_at_once_never_send_a_message_twice(sessions, settings):
    channel = TestChannel(delay=0.003)
    now = utcnow()
    for n in range(120):
        send_later(sessions, "sms", f"+4477009{n % 30:05d}", f"Message {n}", now=now)
    databases = [make_engine(settings.database_url) for _ in range(2)]
    workers = [make_worker(make_session_factory(database), [channel], utcnow, concurrency=4, poll_seconds=0.2)
               for database in databases]
    try:
        for worker in workers:
            worker.start()
        channel.wait_for(120, timeout=120)
        for worker in workers:
            worker.stop()
    finally:
        for database in databases:
            database.dispose()
    assert Counter(channel.texts()) == Counter(f"Message {n}" for n in range(120))
    for address in {s.address for s in channel.sent}:  # each person's messages in the order queued
        numbers = [int(text.split()[1]) for text in channel.texts(address)]
        assert numbers == sorted(numbers)
    with sessions() as session:
        claimers = {detail.split(" by ")[1] for detail in session.scalars(select(DeliveryEvent.detail).where(
            DeliveryEvent.status == "sending"))}
    assert claimers == {worker.owner for worker in workers}  # both took a share


def test_a_storm_of_429s_delays_messages_but_loses_none_and_uses_no_attempts(sessions):
    channel = TestChannel(throttle_every=3)
    now = utcnow()
    for n in range(40):
        send_later(sessions, "sms", f"+4477009{n:05d}", f"Alert {n}", now=now)
    workers = [make_worker(sessions, [channel], utcnow, poll_seconds=0.2) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        channel.wait_for(40, timeout=60)
    finally:
        for worker in workers:
            worker.stop()
    assert Counter(channel.texts()) == Counter(f"Alert {n}" for n in range(40))
    assert channel.calls > 40  # there were refusals
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        throttled = session.scalars(select(DeliveryEvent).where(DeliveryEvent.error_code == "429")).all()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len(throttled) == channel.calls - 40
