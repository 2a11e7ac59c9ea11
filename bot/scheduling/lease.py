"""A named lease in the database: whoever holds it (and keeps renewing it) is the only one doing the job.

One conditional UPDATE takes or renews the lease, so it is atomic on SQLite (one writer at a time)
and on PostgreSQL (the row lock re-checks the condition) alike, with no advisory-lock special case.
A holder that dies stops renewing; the lease expires and the next process to ask takes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import Lease


def hold(sessions: sessionmaker[Session], name: str, holder: str, now: datetime, seconds: float) -> bool:
    """Take or renew lease ``name`` for ``holder`` until ``now + seconds``; False if another holds it."""
    expires_at = now + timedelta(seconds=seconds)
    try:
        with sessions.begin() as session:
            renewed = session.execute(
                update(Lease).where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
                .values(holder=holder, expires_at=expires_at)
                .execution_options(synchronize_session=False)).rowcount
            if renewed:
                return True
            if session.scalar(select(Lease.name).where(Lease.name == name)) is not None:
                return False
            session.add(Lease(name=name, holder=holder, expires_at=expires_at))
    except IntegrityError:
        return False  # another process created the lease at the same moment
    return True


def release(sessions: sessionmaker[Session], name: str, holder: str) -> None:
    """Give the lease up at once (a clean shutdown), so another process need not wait for it to expire."""
    with sessions.begin() as session:
        session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
