"""``ElectedScheduler``: APScheduler's BackgroundScheduler, running only in the process that holds the lease.

Every ``bizwatch serve`` starts one. A small thread takes or renews the database lease every
``renew_seconds``; the holder starts the jobs, a process that loses the lease (its database was
away past the lease) stops them, and the others wait to take over. APScheduler's own job store is
memory only: jobs are re-added at start with ``replace_existing=True``, and their state (what to
remind, which campaign) lives in our tables, so nothing needs sharing between processes.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling import lease
from bot.scheduling.jobs import ScheduledJob
from bot.storage.types import utcnow

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"


class ElectedScheduler:
    """Runs ``jobs`` in at most one process among all that share the database."""

    def __init__(self, sessions: sessionmaker[Session], jobs: Sequence[ScheduledJob], timezone: str,
                 *, lease_seconds: float = 90.0, renew_seconds: float = 30.0,
                 clock: Callable[[], datetime] = utcnow, holder: str | None = None) -> None:
        if renew_seconds >= lease_seconds:
            raise ValueError("the lease must be renewed before it expires")
        self.sessions = sessions
        self.jobs = list(jobs)
        self.timezone = ZoneInfo(timezone)
        self.lease_seconds = lease_seconds
        self.renew_seconds = renew_seconds
        self.clock = clock
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.scheduler: BackgroundScheduler | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def tick(self) -> bool:
        """Take or renew the lease, then start or stop the jobs to match; whether this process leads."""
        try:
            holds = lease.hold(self.sessions, LEASE_NAME, self.holder, self.clock(), self.lease_seconds)
        except SQLAlchemyError as error:
            log.warning("scheduler lease check failed: %s", type(error).__name__)
            holds = False
        if holds and self.scheduler is None:
            self.scheduler = self._start_jobs()
            log.info("this process runs the scheduled jobs (%d)", len(self.jobs))
        elif not holds and self.scheduler is not None:
            self._stop_jobs()
            log.warning("scheduler lease lost: scheduled jobs stopped in this process")
        return holds

    def start(self) -> None:
        """Stand for election now and every ``renew_seconds`` in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="bizwatch-scheduler-lease", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the jobs and give the lease up, so another process can take over at once."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.scheduler is not None:
            self._stop_jobs()
            try:
                lease.release(self.sessions, LEASE_NAME, self.holder)
            except SQLAlchemyError as error:
                log.warning("could not release the scheduler lease: %s", type(error).__name__)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.tick()
            self._stopping.wait(self.renew_seconds)

    def _start_jobs(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(timezone=self.timezone,
                                        job_defaults={"coalesce": True, "max_instances": 1})
        for job in self.jobs:
            scheduler.add_job(job.func, job.trigger, id=job.id, kwargs=job.kwargs, replace_existing=True,
                              misfire_grace_time=job.misfire_grace_time)
        scheduler.start()
        return scheduler

    def _stop_jobs(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
