"""The scheduler backbone: the daily purge runs at its time (frozen clock), only one process runs jobs,
no job sits in the hour the clocks change, and housekeeping deletes what has passed its retention."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from bot.housekeeping import purge
from bot.scheduling.jobs import purge_arguments, scheduled_jobs
from bot.scheduling.runner import ElectedScheduler
from bot.storage.models import Contact, Conversation, Lease, OutboxMessage, Report
from conftest import Clock

LONDON = ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parent.parent


def old_records(sessions, now: datetime, days_ago: int) -> None:
    """A draft, a contact, its conversation and a handled message, all last touched ``days_ago`` days ago."""
    then = now - timedelta(days=days_ago)
    with sessions.begin() as session:
        contact = Contact(channel="sms", address="+447700900461", name="Priya", created_at=then, updated_at=then)
        session.add(contact)
        session.flush()
        session.add(Report(channel="sms", status="draft", contact_id=contact.id, created_at=then, updated_at=then))
        session.add(Conversation(channel="sms", address="+447700900461", data={}, created_at=then,
                                 last_active_at=then))
        for key, purpose, status in (("turn:SM1", "reply", "delivered"), ("reminder:1", "reminder", "failed")):
            session.add(OutboxMessage(channel="sms", address="+447700900461", idempotency_key=key, purpose=purpose,
                                      body=[], status=status, due_at=then, next_attempt_at=then, created_at=then,
                                      updated_at=then))


def counts(sessions) -> dict[str, int]:
    with sessions() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Report, Contact, Conversation, OutboxMessage)}


def test_the_purge_job_runs_at_half_past_three_london_time(sessions, settings):
    settings = settings.model_copy(update={"contact_retention_days": 60})
    # Monday 26 October 2026, the day after the clocks go back; 03:29:58 local.
    just_before = datetime(2026, 10, 26, 3, 29, 58, tzinfo=LONDON)
    old_records(sessions, just_before.astimezone(timezone.utc), days_ago=400)
    ran = threading.Event()
    with time_machine.travel(just_before, tick=True):
        runner = ElectedScheduler(sessions, scheduled_jobs(settings), settings.timezone)
        assert runner.tick()
        runner.scheduler.add_listener(lambda event: ran.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        job = runner.scheduler.get_job("housekeeping.purge_expired")
        assert job.next_run_time == datetime(2026, 10, 26, 3, 30, tzinfo=LONDON)
        assert counts(sessions)["reports"] == 1  # nothing happens before its time
        try:
            assert ran.wait(timeout=30), "the purge job did not run at 03:30"
        finally:
            runner.stop()
    assert counts(sessions) == {"reports": 0, "contacts": 0, "conversations": 0, "outbox": 0}


def test_only_one_process_runs_the_jobs_and_another_takes_over(sessions, settings):
    clock = Clock(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc))
    jobs = scheduled_jobs(settings)
    first = ElectedScheduler(sessions, jobs, settings.timezone, lease_seconds=90, renew_seconds=30, clock=clock,
                             holder="web-1")
    second = ElectedScheduler(sessions, jobs, settings.timezone, lease_seconds=90, renew_seconds=30, clock=clock,
                              holder="web-2")
    try:
        assert first.tick() and not second.tick()
        assert first.leading and not second.leading
        clock.advance(seconds=30)
        assert first.tick() and not second.tick()  # renewing keeps it
        # The first process hangs (stops renewing): once its lease has run out the second takes over...
        clock.advance(seconds=91)
        assert second.tick() and second.leading
        # ...and the first, waking up, finds it has lost the lease and stops its jobs.
        assert not first.tick() and not first.leading
        # A clean stop hands over at once.
        second.stop()
        assert first.tick()
        with sessions() as session:
            assert session.scalars(select(Lease.holder)).all() == ["web-1"]
    finally:
        first.stop()
        second.stop()


def test_no_job_runs_in_the_hour_the_clocks_change(settings):
    for job in scheduled_jobs(settings):
        assert job.misfire_grace_time > 0 and job.id
        if not isinstance(job.trigger, CronTrigger):
            continue
        moment = datetime(2026, 1, 1, tzinfo=LONDON)
        for _ in range(400):
            moment = job.trigger.get_next_fire_time(None, moment + timedelta(seconds=1))
            local = moment.astimezone(LONDON)
            assert local.hour != 1, f"{job.id} fires at {local:%Y-%m-%d %H:%M} (01:00-02:00 is skipped or doubled)"


def test_contacts_go_once_idle_past_retention_with_no_reports(sessions, settings, clock):
    settings = settings.model_copy(update={"contact_retention_days": 90})
    now = clock.now
    with sessions.begin() as session:
        idle = Contact(channel="sms", address="+1", created_at=now - timedelta(days=200),
                       updated_at=now - timedelta(days=200))
        reported = Contact(channel="sms", address="+2", created_at=now - timedelta(days=200),
                           updated_at=now - timedelta(days=200))
        chatting = Contact(channel="sms", address="+3", created_at=now - timedelta(days=200),
                           updated_at=now - timedelta(days=200))
        recent = Contact(channel="sms", address="+4", created_at=now - timedelta(days=10),
                         updated_at=now - timedelta(days=10))
        stopped = Contact(channel="sms", address="+5", created_at=now - timedelta(days=200),
                          updated_at=now - timedelta(days=200), opted_out_at=now - timedelta(days=200))
        session.add_all([idle, reported, chatting, recent, stopped])
        session.flush()
        session.add(Report(channel="sms", status="submitted", reference="BW-TEST-0001", contact_id=reported.id))
        session.add(Conversation(channel="sms", address="+3", data={}, last_active_at=now - timedelta(days=5)))
    with sessions.begin() as session:
        result = purge(session, now, settings)
    assert result.contacts == 1 and "1 idle contact" in str(result)
    with sessions() as session:
        assert sorted(session.scalars(select(Contact.address))) == ["+2", "+3", "+4", "+5"]  # +5: its STOP is kept


def test_db_purge_does_not_build_the_language_model(settings, sessions, tmp_path):
    old_records(sessions, datetime.now(timezone.utc), days_ago=400)
    cache = tmp_path / "nlu-cache-never-made"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BIZWATCH_")},
           "BIZWATCH_DATABASE_URL": settings.database_url, "BIZWATCH_NLU_CACHE_DIR": str(cache),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot", "db", "purge"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Deleted 1 old draft(s)" in done.stdout
    assert not cache.exists()
    assert counts(sessions)["reports"] == 0


def test_purge_arguments_are_plain_values(settings):
    assert all(isinstance(value, (str, int)) for value in purge_arguments(settings).values())


@pytest.mark.parametrize("renew", [90, 120])
def test_a_lease_renewed_no_faster_than_it_expires_is_refused(sessions, settings, renew):
    with pytest.raises(ValueError):
        ElectedScheduler(sessions, [], settings.timezone, lease_seconds=90, renew_seconds=renew)
