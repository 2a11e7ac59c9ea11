"""Database engine and sessions, with SQLite tuned for a small always-on service."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.util.queue import Queue

from bot.storage.models import Heartbeat
from bot.storage.types import utcnow

# Administrative work (migrations, the command line) may wait this long for a lock; the service
# passes a much shorter wait so a held lock turns into a quick "please send it again".
ADMIN_WAIT_SECONDS = 30.0
# The shortest wait a deadline leaves: a turn past its deadline still gets a first try, not an error unasked.
LEAST_WAIT_SECONDS = 0.01
_DEADLINE: ContextVar[float | None] = ContextVar("bizwatch_database_deadline", default=None)


@contextmanager
def waits_until(deadline: float) -> Iterator[None]:
    """Inside, no wait for the database (a pooled connection, SQLite's write lock, a PostgreSQL lock)
    lasts past ``deadline`` (a ``time.monotonic()`` time), in this thread.

    Each wait is limited by the engine's ``wait_seconds`` on its own; a turn that tries again needs
    its last try cut to the time it has left, or it overruns its deadline by up to two such waits.
    """
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _within_deadline(seconds: float) -> float:
    """``seconds``, cut to the time left before the deadline if one is set."""
    deadline = _DEADLINE.get()
    return seconds if deadline is None else min(seconds, max(LEAST_WAIT_SECONDS, deadline - time.monotonic()))


class _DeadlineQueue(Queue[Any]):
    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        # The pool always passes its timeout; None would mean waiting for ever, which no caller asks.
        return super().get(block, timeout if timeout is None else _within_deadline(timeout))


class DeadlinePool(QueuePool):
    """A QueuePool whose wait for a free connection ends at the deadline (``waits_until``)."""

    _queue_class = _DeadlineQueue


def make_engine(url: str, *, wait_seconds: float | None = None, reads_only: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url`` whose every wait (pool, lock, busy database) ends after ``wait_seconds``.

    SQLite: the folder made, WAL, foreign keys and a busy timeout. WAL lets readers carry on while
    one writer commits, the busy timeout makes concurrent writers wait instead of failing, and
    foreign keys are off in SQLite unless asked for per connection. Transactions take the write lock
    as they begin, except on an engine that is ``reads_only``: a lookup made while sending (the
    WhatsApp window) would otherwise queue for a lock it never needs behind every worker's writes,
    and time out under a campaign's. Such an engine must not write. PostgreSQL: with
    ``wait_seconds``, ``lock_timeout`` and ``statement_timeout`` are set for each connection, so a
    held row lock cannot make a turn hang. Either way SQL parameters never appear in errors or
    logs (they hold what people told us).
    """
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    wait = ADMIN_WAIT_SECONDS if wait_seconds is None else wait_seconds
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process: SQLite takes one writer at a time anyway, and turns queueing
        # in order on the pool beats threads sleeping in SQLite's busy handler (the long tail).
        if "poolclass" not in kwargs:
            kwargs.update(poolclass=DeadlinePool)
            kwargs.setdefault("pool_size", 1)
            kwargs.setdefault("max_overflow", 0)
            kwargs.setdefault("pool_timeout", wait)
        connect_args = {"timeout": wait, "check_same_thread": False, **kwargs.pop("connect_args", {})}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=int(wait * 1000)))
        if not reads_only:
            event.listen(engine, "begin", partial(_sqlite_begin_immediate, wait_seconds=wait))
        return engine
    connect_args = dict(kwargs.pop("connect_args", {}))
    if wait_seconds is not None:
        milliseconds = max(1, int(wait_seconds * 1000))
        connect_args.setdefault("connect_timeout", max(1, math.ceil(wait_seconds)))
        connect_args["options"] = f"-c lock_timeout={milliseconds} -c statement_timeout={milliseconds}"
        if "poolclass" not in kwargs:
            kwargs.update(poolclass=DeadlinePool)
            kwargs.setdefault("pool_timeout", wait_seconds)
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    if wait_seconds is not None:
        event.listen(engine, "begin", partial(_postgresql_deadline, wait_seconds=wait_seconds))
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, busy_ms: int) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection: Any, wait_seconds: float) -> None:
    """Take the write lock at the start of each transaction, waiting for it no later than the deadline.

    A turn reads the conversation then writes it; with a deferred BEGIN two turns could both read
    and then one fail to upgrade its lock (SQLITE_BUSY, which the busy timeout cannot resolve).
    """
    wait = _within_deadline(wait_seconds)
    connection.exec_driver_sql(f"PRAGMA busy_timeout={max(1, int(wait * 1000)):d}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgresql_deadline(connection: Any, wait_seconds: float) -> None:
    """Under a deadline, this transaction's lock and statement waits end by it (the connection's own
    limits, ``wait_seconds``, otherwise)."""
    wait = _within_deadline(wait_seconds)
    if wait < wait_seconds:
        milliseconds = max(1, int(wait * 1000))
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds:d}")
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds:d}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    """Raises if the database does not answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_writes(engine: Engine, name: str = "web") -> None:
    """Raises unless the database takes and commits a write (used by /healthz).

    ``SELECT 1`` answers even when the server is read-only or a lock blocks every turn; committing
    a one-row heartbeat shows that turns could be saved right now.
    """
    table = Heartbeat.__table__
    now = utcnow()
    with engine.begin() as connection:
        if not connection.execute(update(table).where(table.c.name == name).values(beat_at=now)).rowcount:
            connection.execute(insert(table).values(name=name, beat_at=now))
