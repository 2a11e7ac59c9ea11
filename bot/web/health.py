"""What `GET /healthz` reports: whether writes work, and how long the oldest due message has waited.

Whether writes work is shown by committing a one-row heartbeat, which on SQLite takes the one write
lock that every turn needs. So the write is made at most once a second, however often the check is
asked (a load balancer every few seconds, or a flood): the answers in between reuse its result. The
outbox figures are a read, which takes no lock, and are fresh on every call.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from sqlalchemy.pool import NullPool

from bot.delivery.outbox import unsent
from bot.storage.db import check_writes, make_engine
from bot.storage.types import utcnow

log = logging.getLogger(__name__)
# Its own connection each time, with a short wait: the health check never queues behind turns.
WAIT_SECONDS = 1.0
# How long one write check stands for.
FRESH_SECONDS = 1.0


class Health:
    """One per app; thread-safe (checks run in worker threads)."""

    def __init__(self, database_url: str) -> None:
        self.database = make_engine(database_url, wait_seconds=WAIT_SECONDS, poolclass=NullPool)
        self._lock = threading.Lock()
        self._checked_at = -math.inf
        self._writable = False

    def writable(self) -> bool:
        """Whether a heartbeat commits, as checked within the last ``FRESH_SECONDS``.

        Callers arriving while a check runs wait for it (under a second) rather than start another.
        """
        with self._lock:
            if time.monotonic() - self._checked_at >= FRESH_SECONDS:
                try:
                    check_writes(self.database)
                    self._writable = True
                except Exception as error:  # noqa: BLE001 - any failure means "not writable"
                    log.warning("health check: writes fail (%s)", type(error).__name__)
                    self._writable = False
                self._checked_at = time.monotonic()
            return self._writable

    def report(self) -> dict[str, Any] | None:
        """The healthy answer, or None when writes do not work (raises if the outbox cannot be read)."""
        if not self.writable():
            return None
        with self.database.connect() as connection:
            waiting, oldest = unsent(connection, utcnow())
        return {"status": "ok", "database": "ok",
                "outbox": {"unsent": waiting, "oldest_unsent_seconds": round(oldest, 3)}}
