"""When to try a message again after a passing failure, and when to give up.

Exponential backoff with jitter (each wait between half and all of ``base * 2^(attempt-1)``, capped),
so messages that failed together do not all come back together. A provider that says how long to
wait (Telegram's ``retry_after``, an HTTP ``Retry-After``) is a throttle, not a failure: the message
was refused before it was tried, so it waits that long (plus a little jitter) and the refusal does
not count towards the attempts allowed. A 429 storm therefore delays messages but never fails them.

A retry is the same message later, so it keeps to the quiet hours as the message did: ``retry_time``
moves a retry of a message that can wait out of them (``bot.delivery.quiet_hours.arrival_time``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery.errors import RetryLater
from bot.delivery.quiet_hours import QuietHoursSettings, arrival_time


@dataclass(frozen=True)
class Decision:
    """What to do after a ``RetryLater``: wait ``delay`` seconds, or give up (``delay`` is None)."""

    delay: float | None
    counted: bool  # whether the attempt counts towards max_attempts (a throttle does not)


@dataclass
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 900.0
    random: random.Random = field(default_factory=random.Random)
    quiet_hours: QuietHoursSettings | None = None  # the service's settings; None only where a test wants none

    def after(self, error: RetryLater, attempt: int) -> Decision:
        """The decision after attempt number ``attempt`` (1 for the first) failed with ``error``."""
        if error.after_seconds is not None:
            wait = max(0.0, error.after_seconds)
            return Decision(wait + self.random.uniform(0, min(1.0, wait / 4) or 0.05), counted=False)
        if attempt >= self.max_attempts:
            return Decision(None, counted=True)
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1))
        return Decision(self.random.uniform(ceiling / 2, ceiling), counted=True)

    def retry_time(self, now: datetime, delay: float, *, urgent: bool, purpose: str) -> datetime:
        """When to try again after waiting ``delay`` seconds: later still if that falls in quiet hours and
        the message can wait."""
        when = now + timedelta(seconds=delay)
        if self.quiet_hours is None:
            return when
        return arrival_time(when, urgent=urgent, purpose=purpose, settings=self.quiet_hours)
