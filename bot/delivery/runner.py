"""Sender workers for one process, built from settings: inside `bizwatch serve`, or alone as `bizwatch worker`.

A process runs one ``Worker`` for all its sending channels (``delivery_concurrency`` messages at a
time on each), its own database connections (so sends never queue behind web turns for a connection), the
shared send rates, and on PostgreSQL a ``Listener`` so that replies queued by web processes wake it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.engine import make_url

from bot.channels.base import SendingChannel
from bot.config import Settings
from bot.delivery.rates import ChannelRate, SendRates
from bot.delivery.retry import RetryPolicy
from bot.delivery.wakeup import Listener, Wakeup
from bot.delivery.worker import Worker
from bot.storage.db import make_engine, make_session_factory
from bot.storage.types import utcnow

log = logging.getLogger(__name__)
WORKER_WAIT_SECONDS = 10.0


def channel_rates(settings: Settings) -> dict[str, ChannelRate]:
    """Each channel's overall and per-recipient limits from settings."""
    names = set(settings.delivery_rates) | set(settings.delivery_rates_per_recipient)
    return {name: ChannelRate(settings.delivery_rates.get(name), settings.delivery_rates_per_recipient.get(name))
            for name in names}


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(max_attempts=settings.delivery_max_attempts, base_seconds=settings.delivery_retry_base_seconds,
                       max_seconds=settings.delivery_retry_max_seconds, quiet_hours=settings)


class Delivery:
    """The sender workers of one process, with their database connections and (on PostgreSQL) listener.

    ``clock`` is the workers' time: what is due, and the times they record. It is the wall clock except
    where the messages' own times are not (a test on a frozen clock, a benchmark replaying a send set
    in the future), so that the workers see the same moment as whatever queued the messages.
    """

    def __init__(self, settings: Settings, channels: Mapping[str, SendingChannel], wakeup: Wakeup, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        unlimited = sorted(name for name in channels if name not in settings.delivery_rates)
        if unlimited:
            log.warning("no send rate configured for %s: sending as fast as the provider allows",
                        ", ".join(unlimited))
        postgresql = make_url(settings.database_url).get_backend_name() == "postgresql"
        # A connection for each sender of each channel, and the claimer's.
        pool = {"pool_size": settings.delivery_concurrency * len(channels) + 1} if postgresql else {}
        self.database = make_engine(settings.database_url, wait_seconds=WORKER_WAIT_SECONDS, **pool)
        self.worker = Worker(make_session_factory(self.database), channels,
                             SendRates(channel_rates(settings), settings.redis_url), retry_policy(settings),
                             wakeup=wakeup, concurrency=settings.delivery_concurrency,
                             lease_seconds=settings.delivery_lease_seconds,
                             poll_seconds=settings.delivery_poll_seconds, clock=clock)
        self.listener = Listener(settings.database_url, wakeup) if postgresql else None

    def start(self) -> None:
        if self.listener is not None:
            self.listener.start()
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        if self.listener is not None:
            self.listener.stop()
        self.database.dispose()


def run_until_stopped(settings: Settings, channels: Mapping[str, SendingChannel]) -> None:
    """`bizwatch worker`: send until SIGINT or SIGTERM, then stop cleanly (the part in hand finishes)."""
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    delivery = Delivery(settings, channels, Wakeup(settings.database_url))
    delivery.start()
    try:
        while not stopping.wait(1.0):
            pass
    finally:
        delivery.stop()
