"""Per-channel send rates, shared by every worker process: a worker waits for room, never exceeds, never drops.

Each channel has an overall limit (Telegram about 30 messages a second for the bot; a Twilio sender
about 10 segments a second on a UK long code) and optionally one per recipient (Telegram about one
a second to a chat). Counts live in ``bot.rate_limits``' storage: in memory for one process, in
Redis when ``BIZWATCH_REDIS_URL`` is set so that every worker process shares them. The window is a
moving one (every hit's time is kept), so no one-second span ever holds more than the limit, which
is how the providers count. SMS is counted in segments, everything else in messages.

A part costing more than a whole window (a long UCS-2 text) takes its room in window-sized pieces.
If the storage is away the part goes (and a warning is logged): the provider's own 429s then slow
the sender, and nothing is lost; a limiter must never stop delivery outright.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse_many

from bot.channels.base import Part
from bot.delivery.segments import segments
from bot.rate_limits import make_limiter

log = logging.getLogger(__name__)
# Twilio counts SMS throughput in segments; Telegram and WhatsApp count messages.
SEGMENT_COUNTED = frozenset({"sms"})
SHORTEST_WAIT = 0.002  # seconds: the least a waiting sender sleeps before asking again
# A sender refused for now waits this much past the moment room frees. Room is counted when a part
# sets off and the provider counts it when it arrives; without slack, a part delayed on its way (a
# busy machine, a slow connection) and the next one let go the instant its room frees can reach
# the provider within the same second and be refused with a 429. Costs about 2% of the rate.
SLACK_SECONDS = 0.02


class Stopped(Exception):
    """The worker is stopping: the part was not sent and took no room."""


@dataclass(frozen=True)
class ChannelRate:
    """One channel's limits in ``limits`` notation ("30/second"); None: no such limit."""

    overall: str | None = None
    per_recipient: str | None = None


def cost(channel: str, part: Part) -> int:
    """What one part uses of its channel's limits: segments by SMS, otherwise one message."""
    return segments(part.text) if channel in SEGMENT_COUNTED else 1


class SendRates:
    """Waits until a part may be sent, then counts it against its channel's limits."""

    def __init__(self, rates: Mapping[str, ChannelRate], redis_url: str | None, *, limiter: Any = None) -> None:
        self.limiter = limiter or make_limiter(redis_url, asynchronous=False, exact=True)
        self.overall = {name: parse_many(rate.overall) for name, rate in rates.items() if rate.overall}
        self.per_recipient = {name: parse_many(rate.per_recipient) for name, rate in rates.items()
                              if rate.per_recipient}

    def limited(self, channel: str) -> bool:
        return channel in self.overall or channel in self.per_recipient

    def acquire(self, channel: str, address: str, part: Part, stop: threading.Event) -> float:
        """Block until ``part`` fits every limit of ``channel`` and take its room; the seconds waited.

        Raises ``Stopped`` (having taken nothing) if ``stop`` is set while waiting.
        """
        started = time.monotonic()
        overall = [(item, ("delivery", channel)) for item in self.overall.get(channel, [])]
        recipient = [(item, ("delivery-recipient", channel, address))
                     for item in self.per_recipient.get(channel, [])]
        if not overall and not recipient:
            return 0.0
        left = cost(channel, part)
        largest = min(item.amount for item, _ in overall + recipient)
        while left > 0:
            piece = min(left, largest)
            self._take(overall, recipient, piece, stop)
            left -= piece
        return time.monotonic() - started

    def _take(self, overall: list[tuple[RateLimitItem, tuple[str, ...]]],
              recipient: list[tuple[RateLimitItem, tuple[str, ...]]], amount: int, stop: threading.Event) -> None:
        """Take ``amount`` from every limit: the recipient's first checked (only this worker sends to
        them now: the outbox claims one message per address at a time), then the shared overall ones."""
        try:
            while True:
                if stop.is_set():
                    raise Stopped
                wait = max((self._wait(item, keys) for item, keys in recipient
                            if not self.limiter.test(item, *keys, cost=amount)), default=0.0)
                if wait <= 0:
                    refused = next(((item, keys) for item, keys in overall
                                    if not self.limiter.hit(item, *keys, cost=amount)), None)
                    if refused is None:
                        for item, keys in recipient:
                            self.limiter.hit(item, *keys, cost=amount)
                        return
                    # An earlier overall limit (if several) keeps what it took: room lost, never exceeded.
                    wait = self._wait(*refused)
                stop.wait(max(wait + SLACK_SECONDS, SHORTEST_WAIT))
        except Stopped:
            raise
        except Exception as error:  # noqa: BLE001 - storage away: send, and let the provider slow us
            log.warning("send rate not checked: %s", type(error).__name__)

    def _wait(self, item: RateLimitItem, keys: tuple[str, ...]) -> float:
        """Seconds until the oldest hit in the window leaves it (room for at least one more)."""
        return self.limiter.get_window_stats(item, *keys).reset_time - time.time()
