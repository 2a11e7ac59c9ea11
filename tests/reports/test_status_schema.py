"""The status history table: the migration builds what the model says, reports already sent start 'received',
and the README's list of statuses is the code's."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select

from bot.reports.status import Outcome, Status
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Base, Report, ReportStatusChange


def test_the_migrations_match_the_models(migrated):
    engine = make_engine(migrated)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       Base.metadata)
    engine.dispose()
    assert differences == []


def test_reports_sent_before_the_history_existed_are_received_when_they_were_sent(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0006")
    engine = make_engine(url)
    sent = datetime(2026, 1, 5, 14, 30, tzinfo=timezone.utc)
    with engine.begin() as connection:
        common = {"channel": "sms", "details": {}, "offenders": [], "vehicle_registrations": [], "cctv_status": "none",
                  "created_at": sent, "updated_at": sent}
        connection.execute(insert(Report.__table__).values(id=1, reference="BW-2345-6789", status="submitted",
                                                           submitted_at=sent, **common))
        connection.execute(insert(Report.__table__).values(id=2, status="draft", **common))
    upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(select(ReportStatusChange.__table__)).mappings().all()
    engine.dispose()
    assert [(r["report_id"], r["seq"], r["status"], r["at"], r["told"]) for r in rows] == \
        [(1, 1, "received", sent, "in_chat")]


def test_the_readme_names_every_status_and_outcome():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    officers = readme.split("## Report status and updates (for officers)", 1)[1].split("\n## ", 1)[0]
    for code in [*Status, *Outcome]:
        assert f"`{code.value}`" in officers, code
