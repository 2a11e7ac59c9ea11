"""Rate limits for any part of bizwatch (web requests now, message delivery later), via ``limits``.

One storage per process: in memory by default, in Redis when ``BIZWATCH_REDIS_URL`` is set, so that
several processes share one count. A limit is written in ``limits`` notation ("30/minute",
"10/second;500/hour"). If the storage fails (Redis away), requests are let through and a warning is
logged: a rate limit must never take the service down with it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.strategies import SlidingWindowCounterRateLimiter as AsyncLimiter
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from limits.strategies import SlidingWindowCounterRateLimiter as SyncLimiter

log = logging.getLogger(__name__)
KEY_PREFIX = "bizwatch"


def make_limiter(redis_url: str | None, *, asynchronous: bool, exact: bool = False) -> Any:
    """A sliding-window limiter on memory or Redis storage, for async (web) or sync (workers) callers.

    ``exact`` (sync only) gives a moving window instead: it keeps every hit's time, so no span of the
    period ever holds more than the limit. Providers count that way (Telegram's and Twilio's flood
    limits), so message delivery needs it; the web's approximate counter is cheaper and good enough there.
    """
    if redis_url:
        scheme, rest = redis_url.split("://", 1)
        uri = f"{'async+' if asynchronous else ''}{scheme}://{rest}"
        options: dict[str, Any] = {"key_prefix": KEY_PREFIX}
        if asynchronous:
            options["implementation"] = "redispy"  # the redis client we already depend on
        storage = storage_from_string(uri, **options)
    else:
        storage = storage_from_string("async+memory://" if asynchronous else "memory://")
    if exact and not asynchronous:
        return MovingWindowRateLimiter(storage)
    return AsyncLimiter(storage) if asynchronous else SyncLimiter(storage)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until a refused caller may try again


class RateLimit:
    """One named limit ("per address", "per sender") applied to many keys."""

    def __init__(self, name: str, limits: str, limiter: Any) -> None:
        self.name = name
        self.items: list[RateLimitItem] = parse_many(limits)
        self.limiter = limiter

    def hit(self, key: str) -> Verdict:
        """Count one event for ``key`` (a sync limiter from ``make_limiter(asynchronous=False)``)."""
        try:
            for item in self.items:
                if not self.limiter.hit(item, self.name, key):
                    return Verdict(False, _seconds_until(self.limiter.get_window_stats(item, self.name, key)))
        except Exception as error:  # noqa: BLE001 - the storage is away: let the request through
            log.warning("rate limit %s not checked: %s", self.name, type(error).__name__)
        return Verdict(True)

    async def ahit(self, key: str) -> Verdict:
        """``hit`` for an async limiter (``make_limiter(asynchronous=True)``)."""
        try:
            for item in self.items:
                if not await self.limiter.hit(item, self.name, key):
                    return Verdict(False, _seconds_until(await self.limiter.get_window_stats(item, self.name, key)))
        except Exception as error:  # noqa: BLE001 - the storage is away: let the request through
            log.warning("rate limit %s not checked: %s", self.name, type(error).__name__)
        return Verdict(True)


def _seconds_until(stats: Any) -> int:
    return max(1, math.ceil(stats.reset_time - time.time()))
