"""Helpers for the delivery tests: a sending channel that records what it sends and misbehaves on request,
messages queued as the service queues them, and workers wired to the test's database and clock."""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import SMS
from bot.channels.base import Part, split_for
from bot.channels.plain import render_plain
from bot.delivery.errors import RetryLater
from bot.delivery.outbox import Purpose, queue
from bot.delivery.rates import ChannelRate, SendRates
from bot.delivery.retry import RetryPolicy
from bot.delivery.wakeup import Wakeup
from bot.delivery.worker import Worker
from bot.messages import ChannelCapabilities, Outbound
from bot.storage.db import make_engine, make_session_factory
from bot.storage.models import DeliveryEvent, OutboxMessage
from bot.storage.types import utcnow

REDIS_URL = "redis://127.0.0.1:6379/6"


@dataclass(frozen=True)
class Sent:
    address: str
    text: str
    provider_id: str
    at: float  # time.time() when the channel was called


@dataclass
class TestChannel:
    """A SendingChannel for tests: records each part, raises what it is told to, can be slow or stall.

    ``script[address]`` is a queue of what the next sends to that address do: None sends, an
    exception is raised. ``stall_at`` (the text of a part) blocks that send until ``release`` is set.
    """

    name: str = "sms"
    capabilities: ChannelCapabilities = SMS
    delay: float = 0.0
    script: dict[str, deque[BaseException | None]] = field(default_factory=dict)
    stall_at: str | None = None
    throttle_every: int = 0  # every n-th call answers 429 with a Retry-After (a storm when n is small)
    release: threading.Event = field(default_factory=threading.Event)
    stalled: threading.Event = field(default_factory=threading.Event)
    sent: list[Sent] = field(default_factory=list)
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    __test__ = False  # not a pytest test class

    def render(self, message: Outbound) -> list[Part]:
        text = message.text if self.capabilities.buttons else render_plain(message, compact=True)
        return split_for(self.capabilities, message, text)

    def will(self, address: str, *outcomes: BaseException | None) -> None:
        """The next sends to ``address`` raise these in turn (None: that send works)."""
        self.script.setdefault(address, deque()).extend(outcomes)

    def send(self, address: str, part: Part) -> str:
        with self.lock:
            self.calls += 1
            planned = self.script.get(address)
            outcome = planned.popleft() if planned else None
            if self.throttle_every and self.calls % self.throttle_every == 0:
                outcome = RetryLater("429", "Too Many Requests", after_seconds=0.05)
        if self.stall_at is not None and part.text == self.stall_at:
            self.stalled.set()
            self.release.wait()
        if self.delay:
            time.sleep(self.delay)
        if outcome is not None:
            raise outcome
        provider_id = f"{self.name}-{uuid.uuid4().hex[:12]}"
        with self.lock:
            self.sent.append(Sent(address, part.text, provider_id, time.time()))
        return provider_id

    def texts(self, address: str | None = None) -> list[str]:
        with self.lock:
            return [s.text for s in self.sent if address is None or s.address == address]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Sent]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.sent) >= count:
                    return list(self.sent)
            time.sleep(0.01)
        raise TimeoutError(f"{len(self.sent)} of {count} parts sent in {timeout} s")


@dataclass
class FileChannel(TestChannel):
    """A TestChannel in another process: each part sent is appended to ``path`` (one line each), and a
    stall is announced in ``path``.stalled, so the test process can see how far it got."""

    path: str = ""

    def send(self, address: str, part: Part) -> str:
        if self.stall_at is not None and part.text == self.stall_at:
            with open(f"{self.path}.stalled", "w") as marker:
                marker.write("stalled\n")
        provider_id = super().send(address, part)
        with open(self.path, "a") as record:
            record.write(part.text + "\n")
        return provider_id


def worker_process(database_url: str, path: str, stall_at: str, lease_seconds: float) -> None:
    """Run in a child process: claim and send until the part ``stall_at`` hangs (the test then kills it)."""
    sessions = make_session_factory(make_engine(database_url))
    channel = FileChannel(path=path, stall_at=stall_at)
    make_worker(sessions, [channel], utcnow, lease_seconds=lease_seconds).run_once()


def unlimited() -> SendRates:
    return SendRates({}, None)


def make_worker(sessions: sessionmaker[Session], channels: Iterable[TestChannel], clock: Callable[[], datetime], *,
                rates: SendRates | None = None, policy: RetryPolicy | None = None, wakeup: Wakeup | None = None,
                **options: object) -> Worker:
    return Worker(sessions, {channel.name: channel for channel in channels}, rates or unlimited(),
                  policy or RetryPolicy(max_attempts=3, base_seconds=2.0, max_seconds=60.0),
                  wakeup=wakeup, clock=clock, **options)  # type: ignore[arg-type]


def rates(channel: str, overall: str | None = None, per_recipient: str | None = None,
          redis_url: str | None = None) -> SendRates:
    return SendRates({channel: ChannelRate(overall, per_recipient)}, redis_url)


def send_later(sessions: sessionmaker[Session], channel: str, address: str, *texts: str, key: str | None = None,
               now: datetime, due_at: datetime | None = None, purpose: Purpose = Purpose.STATUS) -> int:
    """Queue a proactive message as the service does; its outbox id."""
    key = key or uuid.uuid4().hex
    with sessions.begin() as session:
        queue(session, channel=channel, address=address, key=key, purpose=purpose,
              messages=[Outbound(text) for text in texts], now=now, due_at=due_at)
        return session.scalars(select(OutboxMessage.id).where(OutboxMessage.channel == channel,
                                                              OutboxMessage.address == address,
                                                              OutboxMessage.idempotency_key == key)).one()


def row(sessions: sessionmaker[Session], outbox_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.get(OutboxMessage, outbox_id)


def history(sessions: sessionmaker[Session], outbox_id: int) -> list[tuple[str, str, str | None]]:
    """(kind, status, error code) of each event, oldest first."""
    with sessions() as session:
        return [(e.kind, e.status, e.error_code) for e in session.scalars(
            select(DeliveryEvent).where(DeliveryEvent.outbox_id == outbox_id).order_by(DeliveryEvent.id))]
