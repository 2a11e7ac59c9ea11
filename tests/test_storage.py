"""Storage guarantees: UTC round trips, refusing naive datetimes, references that catch typos, migrations."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import StatementError

from bot.housekeeping import purge
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation, Report
from nlu.reference import ALPHABET, check_character, new_reference, normalise_reference


def test_aware_datetimes_come_back_in_utc(sessions):
    london_summer = datetime(2026, 7, 1, 15, 30, tzinfo=ZoneInfo("Europe/London"))
    with sessions.begin() as session:
        session.add(Report(channel="web", occurred_at=london_summer, details={}, offenders=[],
                           vehicle_registrations=[]))
    with sessions() as session:
        stored = session.query(Report).one().occurred_at
    assert stored == london_summer and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 14


def test_naive_datetimes_are_refused(sessions):
    with pytest.raises(StatementError, match="naive datetime"):
        with sessions.begin() as session:
            session.add(Conversation(channel="web", address="x", data={}, last_active_at=datetime(2026, 1, 1)))


def test_references_are_unambiguous_and_catch_single_typos_and_swaps():
    references = {new_reference() for _ in range(500)}
    assert len(references) == 500
    for reference in references:
        assert normalise_reference(reference) == reference
        assert not set(reference.replace("BW-", "").replace("-", "")) & set("01OI")
    body = "7KQM3XZ"
    good = body + check_character(body)
    for position, other in itertools.product(range(8), ALPHABET):
        if other != good[position]:
            typo = good[:position] + other + good[position + 1:]
            assert normalise_reference(f"BW-{typo[:4]}-{typo[4:]}") is None
    for position in range(7):
        swapped = list(good)
        swapped[position], swapped[position + 1] = swapped[position + 1], swapped[position]
        if swapped != list(good):
            assert normalise_reference("BW-" + "".join(swapped[:4]) + "-" + "".join(swapped[4:])) is None


def test_migrations_build_the_schema_from_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    upgrade(url)
    upgrade(url)  # a second run is a no-op
    tables = set(inspect(make_engine(url)).get_table_names())
    assert {"conversations", "outbox", "contacts", "reports", "report_items",
            "report_attachments", "alembic_version"} <= tables


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_abandoned_drafts_are_deleted_after_retention(chat, sessions, settings, clock):
    chat.say("report a crime")
    chat.say("no")
    with sessions.begin() as session:
        assert purge(session, clock.now + timedelta(days=settings.draft_retention_days - 1), settings).drafts == 0
    with sessions.begin() as session:
        assert purge(session, clock.now + timedelta(days=settings.draft_retention_days + 1), settings).drafts == 1
    # The user comes back after the purge: a fresh report from its first question, no crash, nothing to resume.
    clock.advance(days=settings.draft_retention_days + 2)
    reply = chat.say("report a crime")
    assert reply.startswith("I'm sorry this has happened.") and "left off" not in reply
    assert reply.endswith("First: is the person still there, or is anyone hurt or in danger right now?")
