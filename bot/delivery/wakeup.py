"""Waking sender workers when a message is queued, so a reply never waits for a polling interval.

In the process that queued it, an event wakes the workers at once (``Engine(on_queued=wakeup)``).
On PostgreSQL the same call sends ``NOTIFY bizwatch_outbox`` (the channel's name as payload), and a
``Listener`` in each worker process (``bizwatch worker``) wakes its workers when it hears one. The
poll interval stays as the fallback: a notification lost while a listener reconnects, messages
that fall due later, and SQLite across processes are all picked up by the next poll.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
NOTIFY_CHANNEL = "bizwatch_outbox"
RECONNECT_SECONDS = 1.0


def conninfo(database_url: str) -> str | None:
    """A libpq URI for psycopg from a SQLAlchemy PostgreSQL URL; None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Wakeup:
    """Call it with a channel name after committing a message to send; workers subscribe to hear it."""

    def __init__(self, database_url: str | None = None) -> None:
        self._conninfo = conninfo(database_url) if database_url else None
        self._subscribers: list[threading.Event] = []
        self._lock = threading.Lock()
        self._connection: Any = None

    def subscribe(self) -> threading.Event:
        """An event set whenever something is queued (here, or in another process on PostgreSQL)."""
        event = threading.Event()
        with self._lock:
            self._subscribers.append(event)
        return event

    def unsubscribe(self, event: threading.Event) -> None:
        with self._lock:
            if event in self._subscribers:
                self._subscribers.remove(event)

    def wake_local(self) -> None:
        """Wake this process's workers only (a listener heard another process)."""
        with self._lock:
            subscribers = list(self._subscribers)
        for event in subscribers:
            event.set()

    def __call__(self, channel: str) -> None:
        """Something was queued on ``channel``: wake the workers here and, on PostgreSQL, everywhere."""
        self.wake_local()
        if self._conninfo is not None:
            self._notify(channel)

    def _notify(self, channel: str) -> None:
        import psycopg

        with self._lock:
            try:
                if self._connection is None or self._connection.closed:
                    self._connection = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=2)
                self._connection.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, channel))
            except psycopg.Error as error:
                # The poll interval still finds the message; only the prompt wake-up is lost.
                log.warning("could not notify sender workers: %s", type(error).__name__)
                self._close()

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


class Listener:
    """Listens for ``NOTIFY bizwatch_outbox`` on its own connection and wakes this process's workers."""

    def __init__(self, database_url: str, wakeup: Wakeup) -> None:
        info = conninfo(database_url)
        if info is None:
            raise ValueError("LISTEN/NOTIFY needs PostgreSQL")
        self._conninfo = info
        self.wakeup = wakeup
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set once LISTEN is in place (tests wait for it)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="bizwatch-outbox-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening.set()
                    # Missed while (re)connecting: wake once so the workers look.
                    self.wakeup.wake_local()
                    while not self._stopping.is_set():
                        for _ in connection.notifies(timeout=0.5):
                            self.wakeup.wake_local()
            except psycopg.Error as error:
                self.listening.clear()
                log.warning("outbox listener lost its connection: %s", type(error).__name__)
                self._stopping.wait(RECONNECT_SECONDS)
