"""What the scheduler runs, and when.

Job functions are module-level and take plain arguments (a database URL, numbers), so a job is
fully described by its id, its function's name and its arguments, never by live objects. Each
builds what it needs and lets it go; jobs run rarely, so that costs nothing worth keeping.
Later jobs (campaigns) are added to ``scheduled_jobs``; the rows they act on live in our own tables.
CCTV reminders need no job of their own: they are outbox rows with due times, sent like any other;
the CCTV job only marks footage recorded over and stops reminders nobody needs any more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.storage.db import make_engine, make_session_factory
from bot.storage.types import utcnow


CCTV_SWEEP_MINUTES = 15
SWEEP_EPOCH = datetime(2024, 1, 1, 0, 7, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ScheduledJob:
    """One job: APScheduler's ``add_job`` arguments, with the ones our rules require made explicit."""

    id: str
    func: Callable[..., Any]
    trigger: BaseTrigger
    misfire_grace_time: int
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RetentionDays:
    """How long each kind of record is kept (bot.housekeeping.Retention); the names match Settings."""

    draft_retention_days: int
    processed_message_retention_days: int
    delivery_record_retention_days: int
    contact_retention_days: int


def purge_expired(database_url: str, **retention_days: int) -> str:
    """Delete drafts, idle contacts and old message records past their retention (bot.housekeeping)."""
    from bot.housekeeping import purge

    database = make_engine(database_url)
    try:
        with make_session_factory(database).begin() as session:
            purged = purge(session, utcnow(), RetentionDays(**retention_days))
    finally:
        database.dispose()
    return str(purged)


def purge_arguments(settings: Settings) -> dict[str, Any]:
    """``purge_expired``'s arguments from settings (the command line's ``db purge`` uses them too)."""
    return {"database_url": settings.database_url,
            **{f.name: getattr(settings, f.name) for f in fields(RetentionDays)}}


def chase_cctv(database_url: str, lookahead_minutes: int) -> str:
    """Mark CCTV recorded over unsent, and cancel reminders nobody needs now (bot.evidence.chase.sweep)."""
    from bot.evidence.chase import sweep

    database = make_engine(database_url)
    try:
        with make_session_factory(database).begin() as session:
            swept = sweep(session, utcnow(), timedelta(minutes=lookahead_minutes))
    finally:
        database.dispose()
    return str(swept)


def wake_campaigns(database_url: str, **rules: Any) -> str:
    """Send the campaign and alert occurrences that are due, or record them as missed (bot.campaigns.wake)."""
    from bot.campaigns.rules import CampaignRules
    from bot.campaigns.wake import send_due

    database = make_engine(database_url)
    try:
        outcomes = send_due(make_session_factory(database), CampaignRules(**rules), utcnow)
    finally:
        database.dispose()
    return f"{len(outcomes)} campaign send(s) handled"


def wake_campaigns_arguments(settings: Settings) -> dict[str, Any]:
    """``wake_campaigns``' arguments from settings."""
    from bot.campaigns.rules import CampaignRules

    return {"database_url": settings.database_url, **CampaignRules.from_settings(settings).as_kwargs()}


def scheduled_jobs(settings: Settings) -> list[ScheduledJob]:
    """Every job, with its trigger in local time."""
    zone = ZoneInfo(settings.timezone)
    return [
        # 03:30, after the DST hour; a missed run (the process was down) still runs within 12 hours.
        ScheduledJob(id="housekeeping.purge_expired", func=purge_expired,
                     trigger=CronTrigger(hour=3, minute=30, timezone=zone),
                     misfire_grace_time=int(timedelta(hours=12).total_seconds()),
                     kwargs=purge_arguments(settings)),
        # Every 15 minutes from a fixed start, so restarts do not push it back; it looks 20 minutes
        # ahead (past its next run) for reminders to stop. A run missed by a restart simply runs late.
        ScheduledJob(id="evidence.chase_cctv", func=chase_cctv,
                     trigger=IntervalTrigger(minutes=CCTV_SWEEP_MINUTES, start_date=SWEEP_EPOCH, timezone=zone),
                     misfire_grace_time=int(timedelta(hours=1).total_seconds()),
                     kwargs={"database_url": settings.database_url, "lookahead_minutes": CCTV_SWEEP_MINUTES + 5}),
        # Every minute (not a wall-clock time, so the DST hour does not apply): the occurrences are rows
        # with their own times and grace, so a wake skipped while the last one ran loses nothing.
        ScheduledJob(id="campaigns.wake", func=wake_campaigns, trigger=IntervalTrigger(minutes=1, timezone=zone),
                     misfire_grace_time=50, kwargs=wake_campaigns_arguments(settings)),
    ]
