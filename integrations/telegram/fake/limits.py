"""Flood control: how many messages the fake accepts before it answers 429 with `retry_after`.

Telegram states its limits loosely ("about 30 messages per second overall, about one per second to
one chat, 20 per minute to a group") and does not publish its algorithm. The fake makes each one
exact, as a sliding window: `Limit(count, period)` accepts at most `count` messages in any `period`
seconds, counted when requests arrive. A sender that keeps to that is never refused; one that goes
faster is, and is told how long to wait. Arrival times include network jitter, so a sender pacing
at exactly the limit can be refused now and then (as on the real service): it must honour
`retry_after`, or pace slightly under. Refused requests use no capacity. Only messages count (the
send* methods); edits, callback answers and polling do not.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limit:
    """At most `count` messages in any `period` seconds."""

    count: int
    period: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.period <= 0:
            raise ValueError("a limit needs count >= 1 and period > 0")


@dataclass(frozen=True)
class FloodLimits:
    """The three limits a bot meets; `None` switches one off. Defaults are Telegram's (DOMAIN.md)."""

    overall: Limit | None = field(default_factory=lambda: Limit(30, 1.0))
    per_chat: Limit | None = field(default_factory=lambda: Limit(1, 1.0))
    per_group: Limit | None = field(default_factory=lambda: Limit(20, 60.0))


class _Window:
    """Arrival times of the messages still inside one limit's window (at most `count` of them)."""

    __slots__ = ("limit", "times")

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0 when it fits now)."""
        while self.times and self.times[0] <= now - self.limit.period:
            self.times.popleft()
        if len(self.times) < self.limit.count:
            return 0.0
        return self.times[0] + self.limit.period - now


class FloodControl:
    """Admits or refuses one message at a time. Not thread-safe: the caller holds the state's lock.

    Work per message is amortised O(1): each arrival time is added once and dropped once, in the
    overall window and in its chat's (and group's) window, found by chat id.
    """

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._overall = _Window(limits.overall) if limits.overall else None
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}

    def admit(self, chat_id: int, now: float) -> tuple[str, int] | None:
        """Count one message to `chat_id` arriving at `now`, or return (which limit, retry_after).

        `retry_after` is whole seconds, at least 1, as the Bot API gives it.
        """
        windows = self._windows(chat_id)
        waits = [(window.wait(now), scope) for scope, window in windows]
        longest, scope = max(waits, default=(0.0, ""))
        if longest > 0:
            return scope, max(1, math.ceil(longest))
        for _, window in windows:
            window.times.append(now)
        return None

    def _windows(self, chat_id: int) -> list[tuple[str, _Window]]:
        found = [("overall", self._overall)] if self._overall else []
        if self.limits.per_chat:
            found.append(("chat", self._window(self._chats, chat_id, self.limits.per_chat)))
        if self.limits.per_group and chat_id < 0:
            found.append(("group", self._window(self._groups, chat_id, self.limits.per_group)))
        return found

    @staticmethod
    def _window(table: dict[int, _Window], chat_id: int, limit: Limit) -> _Window:
        window = table.get(chat_id)
        if window is None:
            window = table[chat_id] = _Window(limit)
        return window
