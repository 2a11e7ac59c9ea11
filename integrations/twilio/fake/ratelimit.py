"""Per-sender throughput: at most a budget of segments in any sliding window (one second by default).

A sliding window is the strictest reading of "N segments per second": a sender that never has more
than N segments in any one-second span is never refused, and one that has is refused at once, which
is what a delivery benchmark needs to prove it stays under the limit. Each sender keeps a queue of
(time, segments) for its last window, so a request costs amortised O(1) however long the run. A
message bigger than the whole budget is accepted when the window is empty, as Twilio would still
send it (just slowly). Callers hold the fake's lock; this class is not thread-safe on its own.
"""

from __future__ import annotations

from collections import deque


class SlidingWindowLimiter:
    def __init__(self) -> None:
        self._events: dict[str, deque[tuple[float, int]]] = {}
        self._used: dict[str, int] = {}

    def acquire(self, sender: str, segments: int, budget: float, window: float, now: float) -> float | None:
        """Spend ``segments`` of ``sender``'s ``budget`` for the ``window`` (seconds) ending at ``now``.

        Returns None when accepted, otherwise the seconds until the oldest spend in the window expires
        (nothing is spent then).
        """
        events = self._events.setdefault(sender, deque())
        used = self._used.get(sender, 0)
        cutoff = now - window
        while events and events[0][0] <= cutoff:
            used -= events.popleft()[1]
        if used and used + segments > budget:
            self._used[sender] = used
            return events[0][0] - cutoff
        events.append((now, segments))
        self._used[sender] = used + segments
        return None

    def reset(self) -> None:
        self._events.clear()
        self._used.clear()
